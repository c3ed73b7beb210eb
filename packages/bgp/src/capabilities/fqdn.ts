import type { CapabilityBase, CapabilityValueCodec } from './codec.js';
import { badCapability } from './codec.js';
import { CapabilityCode } from '../iana.js';
import { EncodeError } from '../errors.js';

/** draft-walton-bgp-hostname: the speaker's host and domain name, for `show` output. */
export interface FqdnCapability extends CapabilityBase {
  readonly kind: 'fqdn';
  readonly hostname: string;
  readonly domain: string;
}

const utf8 = new TextEncoder();
// Not fatal: a name that is not UTF-8 still decodes (with U+FFFD), and the capability keeps `raw`.
const utf8Lenient = new TextDecoder('utf-8');

/*
 * Capability code 73 (draft-walton-bgp-hostname §3):
 *
 *   +--------------------------------+
 *   | Hostname Length (1 octet)      |
 *   +--------------------------------+
 *   | Hostname (variable)            |
 *   +--------------------------------+
 *   | Domain Name Length (1 octet)   |
 *   +--------------------------------+
 *   | Domain Name (variable)         |
 *   +--------------------------------+
 *
 * Both lengths must be present and the two names must fill the value exactly.
 */
export const fqdnCapability: CapabilityValueCodec<FqdnCapability> = {
  code: CapabilityCode.FQDN,
  decode(r) {
    if (r.remaining < 2) badCapability(r, 'FQDN', `value is ${r.remaining} bytes, expected at least 2`);
    const hostLength = r.u8('hostname length');
    if (hostLength + 1 > r.remaining) badCapability(r, 'FQDN', `hostname length ${hostLength} overruns the value`);
    const hostname = utf8Lenient.decode(r.bytes(hostLength, 'hostname'));
    const domainLength = r.u8('domain length');
    if (domainLength !== r.remaining) badCapability(r, 'FQDN', `domain length ${domainLength}, ${r.remaining} bytes left`);
    const domain = utf8Lenient.decode(r.bytes(domainLength, 'domain'));
    return { kind: 'fqdn', hostname, domain };
  },
  encode(c, w) {
    for (const [field, text] of [
      ['FQDN hostname', c.hostname],
      ['FQDN domain', c.domain],
    ] as const) {
      const b = utf8.encode(text);
      if (b.length > 255) throw new EncodeError(field, `${b.length} bytes, at most 255`);
      w.u8(b.length);
      w.bytes(b);
    }
  },
  encodedLength(c) {
    return 2 + utf8.encode(c.hostname).length + utf8.encode(c.domain).length;
  },
};

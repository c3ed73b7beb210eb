import type { CapabilityBase, CapabilityValueCodec } from './codec.js';
import { expectValueLength } from './codec.js';
import { CapabilityCode } from '../iana.js';

/** RFC 6793: the speaker handles 4-octet AS numbers; `asn` is its real AS (My AS may say AS_TRANS). */
export interface FourOctetAsCapability extends CapabilityBase {
  readonly kind: 'four-octet-as';
  readonly asn: number;
}

/*
 * Capability code 65, length 4:
 *
 *   +-------------------------------+
 *   |  AS number (4 octets)         |
 *   +-------------------------------+
 */
export const fourOctetAsCapability: CapabilityValueCodec<FourOctetAsCapability> = {
  code: CapabilityCode.FOUR_OCTET_AS,
  decode(r) {
    expectValueLength(r, 4, '4-octet AS');
    return { kind: 'four-octet-as', asn: r.u32('AS number') };
  },
  encode(c, w) {
    w.u32(c.asn, '4-octet AS number');
  },
  encodedLength() {
    return 4;
  },
};

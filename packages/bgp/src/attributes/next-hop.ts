import { AttrType } from '../iana.js';
import { defineAttribute, WELL_KNOWN } from './base.js';
import type { AttributeBase } from './base.js';
import { EncodeError } from '../errors.js';

export interface NextHopAttribute extends AttributeBase {
  readonly type: 'NEXT_HOP';
  /** The IPv4 next hop, 4 bytes. */
  readonly nextHop: Uint8Array;
}

/**
 * NEXT_HOP (type 3, well-known, mandatory with IPv4 NLRI in the body; RFC 4271 §5.1.3):
 *
 *   +-------------------------------+
 *   | IPv4 address (4 octets)       |
 *   +-------------------------------+
 *
 * Semantic checks (our own address, martians) need the session's view and are left to it.
 */
export const nextHopAttribute = defineAttribute<NextHopAttribute>({
  code: AttrType.NEXT_HOP,
  name: 'NEXT_HOP',
  flags: WELL_KNOWN,
  decodeValue(r, flags) {
    return { type: 'NEXT_HOP', flags, nextHop: r.copy(4, 'NEXT_HOP') };
  },
  valueLength: () => 4,
  encodeValue(a, w) {
    if (a.nextHop.length !== 4) throw new EncodeError('NEXT_HOP', `${a.nextHop.length}-byte address (IPv4 only)`);
    w.bytes(a.nextHop, 'NEXT_HOP');
  },
});

import { AttrType } from '../iana.js';
import { defineAttribute, OPTIONAL_NON_TRANSITIVE } from './base.js';
import type { AttributeBase } from './base.js';

export interface OriginatorIdAttribute extends AttributeBase {
  readonly type: 'ORIGINATOR_ID';
  /** The originator's BGP Identifier as an unsigned 32-bit number (compare numerically, print as dotted quad). */
  readonly originatorId: number;
}

/**
 * ORIGINATOR_ID (type 9, optional non-transitive, RFC 4456 §8):
 *
 *   +-------------------------------+
 *   | BGP Identifier (4 octets)     |
 *   +-------------------------------+
 */
export const originatorIdAttribute = defineAttribute<OriginatorIdAttribute>({
  code: AttrType.ORIGINATOR_ID,
  name: 'ORIGINATOR_ID',
  flags: OPTIONAL_NON_TRANSITIVE,
  decodeValue(r, flags) {
    return { type: 'ORIGINATOR_ID', flags, originatorId: r.u32('ORIGINATOR_ID') };
  },
  valueLength: () => 4,
  encodeValue(a, w) {
    w.u32(a.originatorId, 'ORIGINATOR_ID');
  },
});

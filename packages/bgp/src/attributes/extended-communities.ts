import { AttrType } from '../iana.js';
import { EncodeError } from '../errors.js';
import { defineAttribute, OPTIONAL_TRANSITIVE } from './base.js';
import type { AttributeBase } from './base.js';

export interface ExtendedCommunitiesAttribute extends AttributeBase {
  readonly type: 'EXTENDED_COMMUNITIES';
  /** Each community's 8 raw bytes; @evpn6/evpn (and others) give them typed meaning. */
  readonly communities: readonly Uint8Array[];
}

/**
 * EXTENDED_COMMUNITIES (type 16, optional transitive, RFC 4360):
 *
 *   +--------+--------+--------------------------------------+
 *   | Type   |Sub-Type|        Value (6 octets)              |  repeated,
 *   +--------+--------+--------------------------------------+  length a non-zero multiple of 8
 *
 * The value is copied once; each community is a view into that copy.
 */
export const extendedCommunitiesAttribute = defineAttribute<ExtendedCommunitiesAttribute>({
  code: AttrType.EXTENDED_COMMUNITIES,
  name: 'EXTENDED_COMMUNITIES',
  flags: OPTIONAL_TRANSITIVE,
  decodeValue(r, flags) {
    const n = r.remaining >> 3;
    const all = r.copy(n * 8, 'extended communities');
    const communities = new Array<Uint8Array>(n);
    for (let i = 0; i < n; i++) communities[i] = all.subarray(i * 8, i * 8 + 8);
    return { type: 'EXTENDED_COMMUNITIES', flags, communities };
  },
  valueLength: (a) => 8 * a.communities.length,
  encodeValue(a, w) {
    for (const c of a.communities) {
      if (c.length !== 8) throw new EncodeError('extended community', `${c.length} bytes, not 8`);
      w.bytes(c, 'extended community');
    }
  },
});

import { AttrType } from '../iana.js';
import { defineAttribute, OPTIONAL_TRANSITIVE } from './base.js';
import type { AttributeBase } from './base.js';

export interface LargeCommunity {
  readonly globalAdmin: number;
  readonly localData1: number;
  readonly localData2: number;
}

export interface LargeCommunityAttribute extends AttributeBase {
  readonly type: 'LARGE_COMMUNITY';
  readonly communities: readonly LargeCommunity[];
}

/**
 * LARGE_COMMUNITY (type 32, optional transitive, RFC 8092):
 *
 *   +-------------------------------+
 *   | Global Administrator (4)      |
 *   +-------------------------------+
 *   | Local Data Part 1 (4)         |  repeated, length a non-zero multiple of 12
 *   +-------------------------------+
 *   | Local Data Part 2 (4)         |
 *   +-------------------------------+
 */
export const largeCommunityAttribute = defineAttribute<LargeCommunityAttribute>({
  code: AttrType.LARGE_COMMUNITY,
  name: 'LARGE_COMMUNITY',
  flags: OPTIONAL_TRANSITIVE,
  decodeValue(r, flags) {
    const communities: LargeCommunity[] = [];
    while (r.remaining >= 12) {
      communities.push({ globalAdmin: r.u32('global administrator'), localData1: r.u32('local data 1'), localData2: r.u32('local data 2') });
    }
    return { type: 'LARGE_COMMUNITY', flags, communities };
  },
  valueLength: (a) => 12 * a.communities.length,
  encodeValue(a, w) {
    for (const c of a.communities) {
      w.u32(c.globalAdmin, 'global administrator');
      w.u32(c.localData1, 'local data 1');
      w.u32(c.localData2, 'local data 2');
    }
  },
});

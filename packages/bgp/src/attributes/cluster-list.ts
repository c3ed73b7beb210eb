import { AttrType } from '../iana.js';
import { defineAttribute, OPTIONAL_NON_TRANSITIVE } from './base.js';
import type { AttributeBase } from './base.js';

export interface ClusterListAttribute extends AttributeBase {
  readonly type: 'CLUSTER_LIST';
  /** CLUSTER_IDs, most recent reflector first, as unsigned 32-bit numbers. */
  readonly clusterIds: readonly number[];
}

/**
 * CLUSTER_LIST (type 10, optional non-transitive, RFC 4456 §8):
 *
 *   +-------------------------------+
 *   | CLUSTER_ID (4 octets)         |  repeated, length a non-zero multiple of 4
 *   +-------------------------------+
 */
export const clusterListAttribute = defineAttribute<ClusterListAttribute>({
  code: AttrType.CLUSTER_LIST,
  name: 'CLUSTER_LIST',
  flags: OPTIONAL_NON_TRANSITIVE,
  decodeValue(r, flags) {
    const clusterIds: number[] = [];
    while (r.remaining >= 4) clusterIds.push(r.u32('CLUSTER_ID'));
    return { type: 'CLUSTER_LIST', flags, clusterIds };
  },
  valueLength: (a) => 4 * a.clusterIds.length,
  encodeValue(a, w) {
    for (const id of a.clusterIds) w.u32(id, 'CLUSTER_ID');
  },
});

import { AttrType } from '../iana.js';
import { defineAttribute, WELL_KNOWN } from './base.js';
import type { AttributeBase } from './base.js';

export interface AtomicAggregateAttribute extends AttributeBase {
  readonly type: 'ATOMIC_AGGREGATE';
}

/**
 * ATOMIC_AGGREGATE (type 6, well-known discretionary, RFC 4271 §5.1.6): no value.
 *
 *   +--------------------+
 *   | (length 0)         |
 *   +--------------------+
 */
export const atomicAggregateAttribute = defineAttribute<AtomicAggregateAttribute>({
  code: AttrType.ATOMIC_AGGREGATE,
  name: 'ATOMIC_AGGREGATE',
  flags: WELL_KNOWN,
  decodeValue(_r, flags) {
    return { type: 'ATOMIC_AGGREGATE', flags };
  },
  valueLength: () => 0,
  encodeValue() {},
});

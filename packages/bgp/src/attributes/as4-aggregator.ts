import { AttrType, UpdateErrorSubcode } from '../iana.js';
import { EncodeError } from '../errors.js';
import { AttributeError, defineAttribute, OPTIONAL_TRANSITIVE } from './base.js';
import type { AttributeBase } from './base.js';
import { Rfc7606Reason } from './rules.js';

export interface As4AggregatorAttribute extends AttributeBase {
  readonly type: 'AS4_AGGREGATOR';
  readonly asn: number;
  readonly address: Uint8Array;
}

/**
 * AS4_AGGREGATOR (type 18, optional transitive, RFC 6793 §3):
 *
 *   +-------------------------------+
 *   | AS (4 octets)                 |
 *   +-------------------------------+
 *   | IPv4 address (4 octets)       |
 *   +-------------------------------+
 */
export const as4AggregatorAttribute = defineAttribute<As4AggregatorAttribute>({
  code: AttrType.AS4_AGGREGATOR,
  name: 'AS4_AGGREGATOR',
  flags: OPTIONAL_TRANSITIVE,
  decodeValue(r, flags) {
    const at = r.pos;
    const asn = r.u32('AS4_AGGREGATOR AS');
    if (asn === 0) throw new AttributeError(Rfc7606Reason.value, UpdateErrorSubcode.OPTIONAL_ATTRIBUTE_ERROR, 'AS4_AGGREGATOR AS', at, 'AS 0 (RFC 7607)');
    return { type: 'AS4_AGGREGATOR', flags, asn, address: r.copy(4, 'AS4_AGGREGATOR address') };
  },
  valueLength: () => 8,
  encodeValue(a, w) {
    w.u32(a.asn, 'AS4_AGGREGATOR AS');
    if (a.address.length !== 4) throw new EncodeError('AS4_AGGREGATOR address', `${a.address.length} bytes, not 4`);
    w.bytes(a.address, 'AS4_AGGREGATOR address');
  },
});

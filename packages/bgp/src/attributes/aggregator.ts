import { AttrType, UpdateErrorSubcode } from '../iana.js';
import { EncodeError } from '../errors.js';
import { AttributeError, defineAttribute, OPTIONAL_TRANSITIVE } from './base.js';
import type { AttributeBase } from './base.js';
import { Rfc7606Reason } from './rules.js';

export interface AggregatorAttribute extends AttributeBase {
  readonly type: 'AGGREGATOR';
  readonly asn: number;
  /** The aggregating speaker's IPv4 address (4 bytes). */
  readonly address: Uint8Array;
}

/**
 * AGGREGATOR (type 7, optional transitive, RFC 4271 §5.1.7, RFC 6793 §3):
 *
 *   +-------------------------------+
 *   | AS (2 octets, or 4 with       |
 *   |     4-octet AS negotiated)    |
 *   +-------------------------------+
 *   | IPv4 address (4 octets)       |
 *   +-------------------------------+
 *
 * Length 6 or 8 as the session says (RFC 7606 §7.7); AS 0 is malformed (RFC 7607). Both discard.
 */
export const aggregatorAttribute = defineAttribute<AggregatorAttribute>({
  code: AttrType.AGGREGATOR,
  name: 'AGGREGATOR',
  flags: OPTIONAL_TRANSITIVE,
  decodeValue(r, flags, ctx) {
    const at = r.pos;
    const asn = ctx.fourOctetAs ? r.u32('AGGREGATOR AS') : r.u16('AGGREGATOR AS');
    if (asn === 0) throw new AttributeError(Rfc7606Reason.value, UpdateErrorSubcode.OPTIONAL_ATTRIBUTE_ERROR, 'AGGREGATOR AS', at, 'AS 0 (RFC 7607)');
    return { type: 'AGGREGATOR', flags, asn, address: r.copy(4, 'AGGREGATOR address') };
  },
  valueLength: (_a, ctx) => (ctx.fourOctetAs ? 8 : 6),
  encodeValue(a, w, ctx) {
    if (ctx.fourOctetAs) w.u32(a.asn, 'AGGREGATOR AS');
    else w.u16(a.asn, 'AGGREGATOR 2-octet AS (use AS_TRANS and AS4_AGGREGATOR)');
    if (a.address.length !== 4) throw new EncodeError('AGGREGATOR address', `${a.address.length} bytes, not 4`);
    w.bytes(a.address, 'AGGREGATOR address');
  },
});

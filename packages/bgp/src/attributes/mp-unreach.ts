import { AttrType, UpdateErrorSubcode } from '../iana.js';
import { BgpError } from '../errors.js';
import { AttributeError, defineAttribute, OPTIONAL_NON_TRANSITIVE } from './base.js';
import type { AttributeBase } from './base.js';
import { Rfc7606Reason } from './rules.js';
import { decodeNlriList, encodeNlriList, nlriListLength } from './nlri-list.js';
import type { NlriList } from './nlri-list.js';

export interface MpUnreachAttribute extends AttributeBase {
  readonly type: 'MP_UNREACH_NLRI';
  readonly afi: number;
  readonly safi: number;
  readonly withdrawn: NlriList;
}

/**
 * MP_UNREACH_NLRI (type 15, optional non-transitive, RFC 4760 §4):
 *
 *   +---------------------------------------------------------+
 *   | Address Family Identifier (2 octets)                    |
 *   +---------------------------------------------------------+
 *   | Subsequent Address Family Identifier (1 octet)          |
 *   +---------------------------------------------------------+
 *   | Withdrawn Routes (variable)                             |
 *   +---------------------------------------------------------+
 *
 * With no withdrawn routes and alone in its UPDATE, it is that family's End-of-RIB (RFC 4724 §2).
 */
export const mpUnreachAttribute = defineAttribute<MpUnreachAttribute>({
  code: AttrType.MP_UNREACH_NLRI,
  name: 'MP_UNREACH_NLRI',
  flags: OPTIONAL_NON_TRANSITIVE,
  decodeValue(r, flags, ctx) {
    const afi = r.u16('AFI');
    const safi = r.u8('SAFI');
    let withdrawn: NlriList;
    try {
      withdrawn = decodeNlriList(r, afi, safi, ctx);
    } catch (e) {
      if (e instanceof BgpError) throw new AttributeError(Rfc7606Reason.mpNlri, UpdateErrorSubcode.OPTIONAL_ATTRIBUTE_ERROR, 'MP_UNREACH withdrawn routes', r.pos, e.message);
      throw e;
    }
    return { type: 'MP_UNREACH_NLRI', flags, afi, safi, withdrawn };
  },
  valueLength: (a, ctx) => 3 + nlriListLength(a.withdrawn, a.afi, a.safi, ctx),
  encodeValue(a, w, ctx) {
    w.u16(a.afi, 'AFI');
    w.u8(a.safi, 'SAFI');
    encodeNlriList(a.withdrawn, w, a.afi, a.safi, ctx);
  },
});

import { AttrType, Origin, UpdateErrorSubcode } from '../iana.js';
import { AttributeError, defineAttribute, WELL_KNOWN } from './base.js';
import type { AttributeBase } from './base.js';
import { Rfc7606Reason } from './rules.js';

export type OriginValue = (typeof Origin)[keyof typeof Origin];

export interface OriginAttribute extends AttributeBase {
  readonly type: 'ORIGIN';
  /** 0 IGP, 1 EGP, 2 INCOMPLETE (see `Origin`). */
  readonly origin: OriginValue;
}

/**
 * ORIGIN (type 1, well-known mandatory, RFC 4271 §5.1.1):
 *
 *   +-----------------+
 *   | Origin (1 octet)|   0 IGP, 1 EGP, 2 INCOMPLETE
 *   +-----------------+
 */
export const originAttribute = defineAttribute<OriginAttribute>({
  code: AttrType.ORIGIN,
  name: 'ORIGIN',
  flags: WELL_KNOWN,
  decodeValue(r, flags) {
    const at = r.pos;
    const origin = r.u8('ORIGIN');
    if (origin > Origin.INCOMPLETE) {
      throw new AttributeError(Rfc7606Reason.value, UpdateErrorSubcode.INVALID_ORIGIN_ATTRIBUTE, 'ORIGIN', at, `undefined origin ${origin}`);
    }
    return { type: 'ORIGIN', flags, origin: origin as OriginValue };
  },
  valueLength: () => 1,
  encodeValue(a, w) {
    w.u8(a.origin, 'ORIGIN');
  },
});

import { AttrType } from '../iana.js';
import { defineAttribute, WELL_KNOWN } from './base.js';
import type { AttributeBase } from './base.js';

export interface LocalPrefAttribute extends AttributeBase {
  readonly type: 'LOCAL_PREF';
  readonly localPref: number;
}

/**
 * LOCAL_PREF (type 5, well-known, iBGP only; RFC 4271 §5.1.5):
 *
 *   +-------------------------------+
 *   | Local preference (4 octets)   |
 *   +-------------------------------+
 */
export const localPrefAttribute = defineAttribute<LocalPrefAttribute>({
  code: AttrType.LOCAL_PREF,
  name: 'LOCAL_PREF',
  flags: WELL_KNOWN,
  decodeValue(r, flags) {
    return { type: 'LOCAL_PREF', flags, localPref: r.u32('LOCAL_PREF') };
  },
  valueLength: () => 4,
  encodeValue(a, w) {
    w.u32(a.localPref, 'LOCAL_PREF');
  },
});

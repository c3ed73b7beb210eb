import { AttrFlag } from '../iana.js';
import type { PathAttribute } from './path-attribute.js';
import { ruleFor } from './rules.js';

/**
 * Prepares received attributes for passing on to another peer (RFC 4271 §5 and §9.1.4):
 * an unrecognized optional transitive attribute goes on with its Partial bit set; an
 * unrecognized optional non-transitive one is dropped. Recognized attributes pass as they
 * are (what to change in them is policy, not this function's business). Returns a new
 * array; attribute objects are shared unless changed.
 */
export function attributesForReadvertisement(attrs: readonly PathAttribute[]): PathAttribute[] {
  const out: PathAttribute[] = [];
  for (const a of attrs) {
    if (a.type !== 'UNKNOWN' || ruleFor(a.code) !== undefined) {
      out.push(a);
      continue;
    }
    if (!(a.flags & AttrFlag.OPTIONAL)) continue; // never decoded: an unknown well-known one ends the session
    if (!(a.flags & AttrFlag.TRANSITIVE)) continue;
    out.push(a.flags & AttrFlag.PARTIAL ? a : { ...a, flags: a.flags | AttrFlag.PARTIAL });
  }
  return out;
}

import { AS_TRANS, AsPathSegmentType, AttrType, UpdateErrorSubcode } from '../iana.js';
import { defineAttribute, OPTIONAL_TRANSITIVE } from './base.js';
import type { AttributeBase } from './base.js';
import { asPathLength, decodeSegments, encodeSegments, segmentsLength } from './as-path.js';
import type { AsPathSegment } from './as-path.js';

export interface As4PathAttribute extends AttributeBase {
  readonly type: 'AS4_PATH';
  readonly segments: readonly AsPathSegment[];
}

/**
 * AS4_PATH (type 17, optional transitive, RFC 6793 §3): the AS_PATH segment format with
 * 4-octet ASNs always, sent by a 2-octet speaker alongside an AS_PATH full of AS_TRANS.
 *
 *   +------------------+------------------+----------------------+
 *   | Segment type (1) | Segment len (1)  | ASNs (len × 4)       |  repeated
 *   +------------------+------------------+----------------------+
 *
 * Malformed ones are discarded, not withdrawn (RFC 6793 §6).
 */
export const as4PathAttribute = defineAttribute<As4PathAttribute>({
  code: AttrType.AS4_PATH,
  name: 'AS4_PATH',
  flags: OPTIONAL_TRANSITIVE,
  decodeValue(r, flags) {
    return { type: 'AS4_PATH', flags, segments: decodeSegments(r, 4, 'AS4_PATH', UpdateErrorSubcode.OPTIONAL_ATTRIBUTE_ERROR) };
  },
  valueLength: (a) => segmentsLength(a.segments, 4),
  encodeValue(a, w) {
    encodeSegments(a.segments, w, 4, 'AS4_PATH');
  },
});

/**
 * The AS path a 2-octet speaker meant (RFC 6793 §4.2.3), from the AS_PATH (full of
 * AS_TRANS) and AS4_PATH it sent. Counting ASes as the decision process does, the leading
 * part of AS_PATH that AS4_PATH does not cover is kept and AS4_PATH follows it. AS4_PATH is
 * ignored when it counts more ASes than AS_PATH, or when an AGGREGATOR names a real AS
 * (not AS_TRANS): then that aggregator rebuilt the path with no 4-octet knowledge.
 */
export function reconstructAsPath(
  asPath: readonly AsPathSegment[],
  as4Path: readonly AsPathSegment[] | undefined,
  aggregatorAsn?: number,
): readonly AsPathSegment[] {
  if (!as4Path || (aggregatorAsn !== undefined && aggregatorAsn !== AS_TRANS)) return asPath;
  const have = asPathLength(asPath);
  const wanted = asPathLength(as4Path);
  if (have < wanted) return asPath;
  let need = have - wanted;
  const out: AsPathSegment[] = [];
  for (const s of asPath) {
    if (need === 0) break;
    if (s.type === AsPathSegmentType.AS_SEQUENCE) {
      const take = Math.min(need, s.asns.length);
      out.push(take === s.asns.length ? s : { type: s.type, asns: s.asns.slice(0, take) });
      need -= take;
    } else {
      out.push(s);
      if (s.type === AsPathSegmentType.AS_SET) need -= 1;
    }
  }
  out.push(...as4Path);
  return out;
}

import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import { AsPathSegmentType, AttrType, UpdateErrorSubcode } from '../iana.js';
import { EncodeError } from '../errors.js';
import { AttributeError, defineAttribute, WELL_KNOWN } from './base.js';
import type { AttributeBase } from './base.js';
import { Rfc7606Reason } from './rules.js';

export interface AsPathSegment {
  /** 1 AS_SET, 2 AS_SEQUENCE, 3 AS_CONFED_SEQUENCE, 4 AS_CONFED_SET (see `AsPathSegmentType`). */
  readonly type: number;
  readonly asns: readonly number[];
}

export interface AsPathAttribute extends AttributeBase {
  readonly type: 'AS_PATH';
  readonly segments: readonly AsPathSegment[];
}

/**
 * Reads AS path segments until the end of `r`. Throws AttributeError for any of RFC 7606
 * §7.2's malformations (unknown segment type, zero-length segment, overrun, a lone
 * trailing byte) and for AS 0 (RFC 7607 §2). `subcode` is the NOTIFICATION subcode to report.
 */
export function decodeSegments(r: Reader, width: 2 | 4, name: string, subcode: number): AsPathSegment[] {
  const segments: AsPathSegment[] = [];
  while (r.pos < r.end) {
    const at = r.pos;
    if (r.remaining < 2) throw new AttributeError(Rfc7606Reason.asPathSegment, subcode, `${name} segment header`, at, 'trailing byte');
    const type = r.u8();
    const count = r.u8();
    if (type < AsPathSegmentType.AS_SET || type > AsPathSegmentType.AS_CONFED_SET) {
      throw new AttributeError(Rfc7606Reason.asPathSegment, subcode, `${name} segment type`, at, `unknown segment type ${type}`);
    }
    if (count === 0) throw new AttributeError(Rfc7606Reason.asPathSegment, subcode, `${name} segment length`, at + 1, 'empty segment');
    if (count * width > r.remaining) {
      throw new AttributeError(Rfc7606Reason.asPathSegment, subcode, `${name} segment length`, at + 1, `${count} ASNs overrun the attribute`);
    }
    const asns = new Array<number>(count);
    for (let i = 0; i < count; i++) {
      const asn = width === 4 ? r.u32() : r.u16();
      if (asn === 0) throw new AttributeError(Rfc7606Reason.value, subcode, `${name} AS number`, r.pos - width, 'AS 0 (RFC 7607)');
      asns[i] = asn;
    }
    segments.push({ type, asns });
  }
  return segments;
}

export function segmentsLength(segments: readonly AsPathSegment[], width: 2 | 4): number {
  let n = 0;
  for (const s of segments) n += 2 + width * s.asns.length;
  return n;
}

export function encodeSegments(segments: readonly AsPathSegment[], w: Writer, width: 2 | 4, name: string): void {
  for (const s of segments) {
    if (s.asns.length === 0 || s.asns.length > 255) throw new EncodeError(name, `a segment holds 1..255 ASNs, not ${s.asns.length}`);
    w.u8(s.type, `${name} segment type`);
    w.u8(s.asns.length, `${name} segment length`);
    for (const asn of s.asns) {
      if (width === 2) w.u16(asn, `${name} 2-octet AS (use AS_TRANS and AS4_PATH for ${asn})`);
      else w.u32(asn, `${name} AS`);
    }
  }
}

/**
 * AS_PATH (type 2, well-known mandatory, RFC 4271 §5.1.2, RFC 6793, RFC 5065):
 *
 *   +------------------+------------------+---------------------------------+
 *   | Segment type (1) | Segment len (1)  | ASNs (len × 2, or × 4 with      |  repeated
 *   +------------------+------------------+   4-octet AS negotiated)        |
 *                                         +---------------------------------+
 *
 * The AS width comes from the session (`ctx.fourOctetAs`), never guessed from the bytes.
 * AS_CONFED_* segments from an external peer make the attribute malformed (RFC 7606 §7.2).
 */
export const asPathAttribute = defineAttribute<AsPathAttribute>({
  code: AttrType.AS_PATH,
  name: 'AS_PATH',
  flags: WELL_KNOWN,
  decodeValue(r, flags, ctx) {
    const start = r.pos;
    const segments = decodeSegments(r, ctx.fourOctetAs ? 4 : 2, 'AS_PATH', UpdateErrorSubcode.MALFORMED_AS_PATH);
    if (ctx.external) {
      for (const s of segments) {
        if (s.type === AsPathSegmentType.AS_CONFED_SEQUENCE || s.type === AsPathSegmentType.AS_CONFED_SET) {
          throw new AttributeError(Rfc7606Reason.confedFromExternal, UpdateErrorSubcode.MALFORMED_AS_PATH, 'AS_PATH', start, 'confederation segment from an external peer');
        }
      }
    }
    return { type: 'AS_PATH', flags, segments };
  },
  valueLength: (a, ctx) => segmentsLength(a.segments, ctx.fourOctetAs ? 4 : 2),
  encodeValue(a, w, ctx) {
    encodeSegments(a.segments, w, ctx.fourOctetAs ? 4 : 2, 'AS_PATH');
  },
});

/** Number of ASes the path counts for in the decision process (RFC 4271 §9.1.2.2: a set counts 1, confed segments 0). */
export function asPathLength(segments: readonly AsPathSegment[]): number {
  let n = 0;
  for (const s of segments) {
    if (s.type === AsPathSegmentType.AS_SEQUENCE) n += s.asns.length;
    else if (s.type === AsPathSegmentType.AS_SET) n += 1;
  }
  return n;
}

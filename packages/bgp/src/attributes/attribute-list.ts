import type { Reader } from '../wire/reader.js';
import type { CodecContext } from '../context.js';
import { AttrFlag, AttrType, ErrorCode, UpdateErrorSubcode } from '../iana.js';
import { BgpError, NotificationError } from '../errors.js';
import { AttributeError } from './base.js';
import { flagsAllowed, lengthAllowed, ruleFor, Rfc7606Reason, strongerAction } from './rules.js';
import type { ErrorAction, Rfc7606ReasonCode } from './rules.js';
import { attributeCodecFor } from './path-attribute.js';
import type { PathAttribute } from './path-attribute.js';
import type { Family, UpdateProblem } from './report.js';

const EMPTY = new Uint8Array(0);

// Which types an UPDATE holds, marked with a per-UPDATE generation number: one shared table
// instead of a fresh 256-byte array per message (that allocation dominated small UPDATEs).
const seenMarks = new Uint32Array(256);
let generation = 0;

/**
 * Where the attribute list decoder records what it found, for the UPDATE decoder to finish
 * the report. Marks live in a shared table, so use one state at a time (decoding is
 * synchronous and never re-enters itself).
 */
export class AttributeListState {
  readonly problems: UpdateProblem[] = [];
  private readonly mark: number;
  constructor() {
    generation = (generation + 1) >>> 0;
    if (generation === 0) {
      seenMarks.fill(0);
      generation = 1;
    }
    this.mark = generation;
  }
  /** True when any instance of the type was present (well-formed or not). */
  seen(code: number): boolean {
    return seenMarks[code] === this.mark;
  }
  markSeen(code: number): void {
    seenMarks[code] = this.mark;
  }
}

export function newAttributeListState(): AttributeListState {
  return new AttributeListState();
}

function problem(
  state: AttributeListState,
  action: ErrorAction,
  reason: Rfc7606ReasonCode,
  attributeCode: number | undefined,
  offset: number,
  subcode: number,
  data: Uint8Array,
  family: Family | undefined,
): void {
  state.problems.push({ action, reason, attributeCode, offset, subcode, data, family });
}

function sessionReset(subcode: number, data: Uint8Array, detail: string): NotificationError {
  return new NotificationError(ErrorCode.UPDATE_MESSAGE, subcode, data, detail);
}

/**
 * Decodes the Path Attributes field (`r` bounded to it) with RFC 7606 error handling:
 * attribute-level problems are recorded in `state` and the attribute is left out; only
 * problems whose action is session-reset throw, as NotificationError(3, subcode, data).
 * Returns the attributes that survive, in wire order.
 */
export function decodePathAttributes(r: Reader, ctx: CodecContext, state: AttributeListState): PathAttribute[] {
  const out: PathAttribute[] = [];
  const buf = r.buf;
  const end = r.end;
  while (r.pos < end) {
    const start = r.pos;
    const left = end - start;
    const flags = buf[start]!;
    const code = left >= 2 ? buf[start + 1]! : -1;
    const headerLength = flags & AttrFlag.EXTENDED_LENGTH ? 4 : 3;
    // RFC 7606 §4: too few bytes for a header, or a length past the field: treat-as-withdraw,
    // and the Total Path Attribute Length still locates the NLRI.
    if (left < headerLength) {
      problem(state, 'treat-as-withdraw', Rfc7606Reason.overrun, undefined, start, UpdateErrorSubcode.MALFORMED_ATTRIBUTE_LIST, EMPTY, undefined);
      r.pos = end;
      break;
    }
    const length = headerLength === 4 ? (buf[start + 2]! << 8) | buf[start + 3]! : buf[start + 2]!;
    const valueStart = start + headerLength;
    const valueEnd = valueStart + length;
    if (valueEnd > end) {
      if (code === AttrType.MP_REACH_NLRI || code === AttrType.MP_UNREACH_NLRI) {
        // Its NLRI cannot be located, so neither withdrawing nor disabling can be done right.
        throw sessionReset(UpdateErrorSubcode.MALFORMED_ATTRIBUTE_LIST, EMPTY, `attribute ${code} overruns the path attributes`);
      }
      problem(state, 'treat-as-withdraw', Rfc7606Reason.overrun, code, start, UpdateErrorSubcode.ATTRIBUTE_LENGTH_ERROR, buf.slice(start, end), undefined);
      r.pos = end;
      break;
    }
    r.pos = valueEnd;
    const isMp = code === AttrType.MP_REACH_NLRI || code === AttrType.MP_UNREACH_NLRI;

    if (state.seen(code)) {
      if (isMp) throw sessionReset(UpdateErrorSubcode.MALFORMED_ATTRIBUTE_LIST, EMPTY, `attribute ${code} appears twice`);
      problem(state, 'discard', Rfc7606Reason.duplicate, code, start, UpdateErrorSubcode.MALFORMED_ATTRIBUTE_LIST, EMPTY, undefined);
      continue;
    }
    state.markSeen(code);

    const rule = ruleFor(code);
    if (!rule) {
      if (!(flags & AttrFlag.OPTIONAL)) {
        throw sessionReset(UpdateErrorSubcode.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE, buf.slice(start, valueEnd), `unrecognized well-known attribute ${code}`);
      }
      out.push({ type: 'UNKNOWN', flags, code, value: buf.slice(valueStart, valueEnd) });
      continue;
    }

    let family: Family | undefined;
    if (isMp) {
      if (length < 3) {
        throw sessionReset(UpdateErrorSubcode.OPTIONAL_ATTRIBUTE_ERROR, buf.slice(start, valueEnd), `${rule.name} too short to name its family`);
      }
      family = { afi: (buf[valueStart]! << 8) | buf[valueStart + 1]!, safi: buf[valueStart + 2]! };
    }

    if (rule.fromExternal && ctx.external) {
      problem(state, rule.fromExternal, Rfc7606Reason.fromExternal, code, start, rule.valueSubcode, EMPTY, family);
      continue;
    }
    if (rule.onFourOctetSession && ctx.fourOctetAs) {
      problem(state, rule.onFourOctetSession, Rfc7606Reason.as4FromNewSpeaker, code, start, rule.valueSubcode, EMPTY, family);
      continue;
    }
    if (!flagsAllowed(rule, flags)) {
      // RFC 7606 §3 c: conflicting Optional/Transitive flags are treat-as-withdraw at least, even for
      // attributes whose malformed value or length is only discarded (ATOMIC_AGGREGATE, AGGREGATOR,
      // AS4_*): their specifications say nothing of wrong flags. MP_REACH keeps its stronger action.
      const action = strongerAction('treat-as-withdraw', rule.malformed);
      problem(state, action, Rfc7606Reason.flags, code, start, UpdateErrorSubcode.ATTRIBUTE_FLAGS_ERROR, buf.slice(start, valueEnd), family);
      continue;
    }
    if (!lengthAllowed(rule.length, length, ctx.fourOctetAs)) {
      problem(state, rule.malformed, Rfc7606Reason.length, code, start, UpdateErrorSubcode.ATTRIBUTE_LENGTH_ERROR, buf.slice(start, valueEnd), family);
      continue;
    }
    const codec = attributeCodecFor(code);
    if (!codec) {
      // A type with a rule but no typed codec (IPv6 extended communities): checked, then kept raw.
      out.push({ type: 'UNKNOWN', flags, code, value: buf.slice(valueStart, valueEnd) });
      continue;
    }
    r.pos = valueStart;
    const value = r.sub(length);
    r.pos = valueEnd;
    try {
      const a = codec.decodeValue(value, flags, ctx);
      if (!value.done) throw new AttributeError(Rfc7606Reason.length, UpdateErrorSubcode.ATTRIBUTE_LENGTH_ERROR, rule.name, value.pos, 'bytes left over');
      out.push(a);
    } catch (e) {
      if (!(e instanceof BgpError)) throw e;
      const reason = e instanceof AttributeError ? (e.reason as Rfc7606ReasonCode) : Rfc7606Reason.length;
      const subcode = e instanceof AttributeError ? e.subcode : UpdateErrorSubcode.ATTRIBUTE_LENGTH_ERROR;
      // RFC 4271 §6.3 gives Malformed AS_PATH no data; the other subcodes carry the attribute.
      const data = subcode === UpdateErrorSubcode.MALFORMED_AS_PATH ? EMPTY : buf.slice(start, valueEnd);
      problem(state, rule.malformed, reason, code, start, subcode, data, family);
    }
  }
  return out;
}

import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import type { CodecContext } from '../context.js';
import type { Codec } from '../codec.js';
import { DecodeError, DecodeErrorCode, EncodeError } from '../errors.js';
import { AttrFlag, UpdateErrorSubcode } from '../iana.js';
import { lengthAllowed, ruleFor, Rfc7606Reason } from './rules.js';

/**
 * The generic path attribute TLV (RFC 4271 §4.3):
 *
 *    0                   1
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |O|T|P|E| unused|  Type Code    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   | Length (1 octet, or 2 if E)   |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   | Value (Length octets)  ...    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Every attribute object carries the `flags` byte it arrived with, so re-encoding is
 * byte-identical even for odd but legal spellings (an extended length on a short value,
 * unused low bits set). Built attributes may leave `flags` out: the canonical flags of
 * the type are used, with EXTENDED_LENGTH only when the value needs it.
 */
export interface AttributeBase {
  readonly flags?: number;
}

/** Stable code of every DecodeError an attribute value raises. */
export const MALFORMED_ATTRIBUTE = 'ERR_BGP_MALFORMED_ATTRIBUTE';

/**
 * A malformed attribute value. Inside an UPDATE this never escapes: the attribute list
 * decoder turns it into an RFC 7606 problem with the action from the rule table.
 * Standalone attribute codecs let it propagate, as any codec does with bad bytes.
 */
export class AttributeError extends DecodeError {
  /** Stable reason (see Rfc7606Reason). */
  readonly reason: string;
  /** RFC 4271 §6.3 UPDATE Message Error subcode that fits this problem. */
  readonly subcode: number;
  constructor(reason: string, subcode: number, field: string, offset: number, detail?: string) {
    super(MALFORMED_ATTRIBUTE, field, offset, detail ?? reason);
    this.reason = reason;
    this.subcode = subcode;
  }
}

/**
 * What each attribute file provides: the value's decoder/encoder. The TLV header is
 * handled once, by `defineAttribute` and the attribute list decoder.
 */
export interface AttributeValueCodec<A extends AttributeBase> {
  readonly code: number;
  /** The IANA name, also the `type` discriminant of the attribute object. */
  readonly name: string;
  /** Canonical OPTIONAL/TRANSITIVE bits for the type. */
  readonly flags: number;
  /** Reads the whole value (`r` ends where the value ends); throws AttributeError when malformed. */
  decodeValue(r: Reader, flags: number, ctx: CodecContext): A;
  valueLength(a: A, ctx: CodecContext): number;
  encodeValue(a: A, w: Writer, ctx: CodecContext): void;
}

/** A full TLV codec for one attribute type, plus its value codec. */
export interface AttributeCodec<A extends AttributeBase> extends AttributeValueCodec<A>, Codec<A> {}

/** The flags to put on the wire: the attribute's own, or the canonical ones; E whenever the value needs it. */
export function wireFlags(given: number | undefined, canonical: number, valueLength: number): number {
  const f = given ?? canonical;
  return valueLength > 255 ? f | AttrFlag.EXTENDED_LENGTH : f;
}

export function headerLength(flags: number): number {
  return flags & AttrFlag.EXTENDED_LENGTH ? 4 : 3;
}

/** Writes flags, type code and length; the caller writes the value next. */
export function writeAttributeHeader(w: Writer, flags: number, code: number, valueLength: number): void {
  if (valueLength > 0xffff) throw new EncodeError(`attribute ${code}`, `value of ${valueLength} bytes does not fit 65535`);
  w.u8(flags, 'attribute flags');
  w.u8(code, 'attribute type');
  if (flags & AttrFlag.EXTENDED_LENGTH) w.u16(valueLength, 'attribute length');
  else w.u8(valueLength, 'attribute length');
}

/**
 * Reads one TLV header; returns the value length. Truncation is a plain DecodeError:
 * inside an UPDATE the list decoder checks the lengths itself before getting here.
 */
export function readAttributeHeader(r: Reader): { flags: number; code: number; length: number } {
  const flags = r.u8('attribute flags');
  const code = r.u8('attribute type');
  const length = flags & AttrFlag.EXTENDED_LENGTH ? r.u16('attribute length') : r.u8('attribute length');
  return { flags, code, length };
}

/** Wraps a value codec into a full TLV codec (decode checks the type code and consumes exactly the value). */
export function defineAttribute<A extends AttributeBase>(v: AttributeValueCodec<A>): AttributeCodec<A> {
  return {
    ...v,
    decode(r: Reader, ctx: CodecContext): A {
      const at = r.pos;
      const h = readAttributeHeader(r);
      if (h.code !== v.code) throw new DecodeError(DecodeErrorCode.value, `${v.name} type code`, at + 1, `got ${h.code}`);
      const value = r.sub(h.length, `${v.name} value`);
      checkLength(v.code, v.name, h.length, value.pos, ctx);
      const a = v.decodeValue(value, h.flags, ctx);
      if (!value.done) throw new AttributeError(Rfc7606Reason.length, UpdateErrorSubcode.ATTRIBUTE_LENGTH_ERROR, v.name, value.pos, 'bytes left over');
      return a;
    },
    encode(a: A, w: Writer, ctx: CodecContext): void {
      const n = v.valueLength(a, ctx);
      writeAttributeHeader(w, wireFlags(a.flags, v.flags, n), v.code, n);
      v.encodeValue(a, w, ctx);
    },
    encodedLength(a: A, ctx: CodecContext): number {
      const n = v.valueLength(a, ctx);
      return headerLength(wireFlags(a.flags, v.flags, n)) + n;
    },
  };
}

/** Canonical flag sets. */
export const WELL_KNOWN = AttrFlag.TRANSITIVE;
export const OPTIONAL_TRANSITIVE = AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE;
export const OPTIONAL_NON_TRANSITIVE = AttrFlag.OPTIONAL;

/** Applies the type's RFC 7606 length rule (from the rule table) before its value is read. */
export function checkLength(code: number, name: string, length: number, at: number, ctx: CodecContext): void {
  const rule = ruleFor(code);
  if (rule && !lengthAllowed(rule.length, length, ctx.fourOctetAs)) {
    throw new AttributeError(Rfc7606Reason.length, UpdateErrorSubcode.ATTRIBUTE_LENGTH_ERROR, `${name} length`, at, `${length} bytes`);
  }
}

import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import type { CodecContext } from '../context.js';
import type { Codec } from '../codec.js';
import { headerLength, readAttributeHeader, wireFlags, writeAttributeHeader } from './base.js';

/** An attribute we do not decode: kept byte for byte, re-encoded identically. */
export interface UnknownAttribute {
  readonly type: 'UNKNOWN';
  readonly flags: number;
  readonly code: number;
  readonly value: Uint8Array;
}

/**
 * Any attribute type, raw (RFC 4271 §4.3 TLV; see base.ts for the header diagram):
 *
 *   +--------+--------+----------------+----------------------+
 *   | Flags  | Type   | Length (1 or 2)| Value (copied as is) |
 *   +--------+--------+----------------+----------------------+
 */
export const unknownAttribute: Codec<UnknownAttribute> = {
  decode(r: Reader): UnknownAttribute {
    const h = readAttributeHeader(r);
    return { type: 'UNKNOWN', flags: h.flags, code: h.code, value: r.copy(h.length, 'attribute value') };
  },
  encode(a: UnknownAttribute, w: Writer, _ctx: CodecContext): void {
    writeAttributeHeader(w, wireFlags(a.flags, a.flags, a.value.length), a.code, a.value.length);
    w.bytes(a.value, 'attribute value');
  },
  encodedLength(a: UnknownAttribute): number {
    return headerLength(wireFlags(a.flags, a.flags, a.value.length)) + a.value.length;
  },
};

import type { Reader } from './wire/reader.js';
import type { Writer } from './wire/writer.js';
import type { CodecContext } from './context.js';

/**
 * The shape every wire object's codec has (dns-packet style): decode from a bounded
 * reader, encode into a caller's buffer, and say in advance how many bytes that takes.
 */
export interface Codec<T, C = CodecContext> {
  decode(r: Reader, ctx: C): T;
  encode(value: T, w: Writer, ctx: C): void;
  encodedLength(value: T, ctx: C): number;
}

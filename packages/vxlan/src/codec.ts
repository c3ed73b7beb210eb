import type { Reader } from './wire/reader.js';
import type { Writer } from './wire/writer.js';

/** One wire object: decode from a reader, encode into a caller's buffer, and say how long it is. */
export interface Codec<T> {
  decode(r: Reader): T;
  encode(value: T, w: Writer): void;
  encodedLength(value: T): number;
}

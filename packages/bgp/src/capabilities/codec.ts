import type { Codec } from '../codec.js';
import type { Reader } from '../wire/reader.js';
import { DecodeError } from '../errors.js';

/**
 * A capability's value codec (RFC 5492 §4): it sees only the Capability Value, through a reader
 * bounded to the Capability Length, so it can never read into the next capability. The TLV
 * around it (code, length) belongs to `capabilityCodec`. Capabilities do not depend on what a
 * session negotiated, so these codecs take no context.
 */
export interface CapabilityValueCodec<T> extends Codec<T, void> {
  readonly code: number;
}

/**
 * What every decoded capability may carry. `raw` is present only when the value bytes received
 * differ from what the typed fields encode to (a non-zero reserved byte, a hostname that is not
 * UTF-8): the encoder then writes `raw` instead of the fields, so a relayed or logged OPEN
 * re-encodes byte-identical. Drop `raw` when changing a decoded capability.
 */
export interface CapabilityBase {
  readonly raw?: Uint8Array;
}

/**
 * A known capability whose value does not have the shape its RFC gives (wrong length, a list
 * that does not divide into whole entries). RFC 4271 §6.2 answers "recognised but malformed"
 * optional parameters with OPEN Message Error / Unspecific (2/0): decodeMessage turns this
 * DecodeError into that NOTIFICATION.
 */
export const BAD_CAPABILITY = 'ERR_BGP_BAD_CAPABILITY';

export function badCapability(r: Reader, name: string, detail: string): never {
  throw new DecodeError(BAD_CAPABILITY, `${name} capability`, r.pos, detail);
}

/** Fails unless the value is exactly `n` bytes long. */
export function expectValueLength(r: Reader, n: number, name: string): void {
  if (r.remaining !== n) badCapability(r, name, `value is ${r.remaining} bytes, expected ${n}`);
}

/** Fails unless the value divides into whole `entry`-byte entries. */
export function expectWholeEntries(r: Reader, entry: number, name: string, min = 0): void {
  if (r.remaining % entry !== 0 || r.remaining < min) {
    badCapability(r, name, `value is ${r.remaining} bytes, expected a multiple of ${entry}${min ? ` (at least ${min})` : ''}`);
  }
}

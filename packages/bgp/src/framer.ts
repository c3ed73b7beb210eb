import { checkHeader } from './messages/header.js';
import { BgpError } from './errors.js';
import { HEADER_LENGTH, MAX_EXTENDED_MESSAGE_LENGTH, MAX_MESSAGE_LENGTH } from './iana.js';

/** A framer setting out of range (maxLength must be 4096..65535). */
export class FramerConfigError extends BgpError {
  constructor(detail: string) {
    super('ERR_BGP_FRAMER_CONFIG', detail);
  }
}

export interface FramerOptions {
  /** 4096 until RFC 8654 extended messages are negotiated, then 65535. */
  readonly maxLength?: number;
}

/**
 * Splits a TCP byte stream into whole BGP messages, whatever the chunk boundaries.
 *
 * `push(chunk)` returns the messages completed by that chunk. Each is either a view into the
 * chunk itself (a message that arrived whole in one chunk: no copy) or a buffer of its own (a
 * message assembled across chunks: copied exactly once, into a buffer sized from its header).
 * Nothing the framer returns is ever written to again, so messages stay valid after later
 * pushes, provided the caller does not reuse the chunks it pushed (Node's socket chunks are
 * fresh). The work per push is proportional to the chunk, so 1-byte chunks or thousands of
 * small messages cost O(bytes) overall.
 *
 * Each header is checked as soon as its 19 bytes are in, with the same NOTIFICATION 1/x the
 * decoder raises; after a failure the framer stays failed (the session must close anyway).
 */
export class MessageFramer {
  private limit: number;
  /** The message being assembled across chunks: first just the header, then the whole message. */
  private partial: Uint8Array | null = null;
  private filled = 0;
  private failure: BgpError | null = null;

  constructor(opts: FramerOptions = {}) {
    this.limit = MAX_MESSAGE_LENGTH;
    if (opts.maxLength !== undefined) this.maxLength = opts.maxLength;
  }

  get maxLength(): number {
    return this.limit;
  }

  /** Switch to 65535 once extended messages are negotiated (applies from the next header). */
  set maxLength(n: number) {
    if (!Number.isInteger(n) || n < MAX_MESSAGE_LENGTH || n > MAX_EXTENDED_MESSAGE_LENGTH) {
      throw new FramerConfigError(`maxLength ${n} outside ${MAX_MESSAGE_LENGTH}..${MAX_EXTENDED_MESSAGE_LENGTH}`);
    }
    this.limit = n;
  }

  /** Bytes received that do not yet make a whole message. */
  get buffered(): number {
    return this.filled;
  }

  push(chunk: Uint8Array): Uint8Array[] {
    if (this.failure) throw this.failure;
    try {
      return this.split(chunk);
    } catch (e) {
      if (e instanceof BgpError) this.failure = e;
      throw e;
    }
  }

  private split(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let pos = 0;
    const end = chunk.length;
    if (this.partial !== null) {
      pos = this.continuePartial(chunk, out);
      if (this.partial !== null) return out;
    }
    while (end - pos >= HEADER_LENGTH) {
      const length = checkHeader(chunk, pos, this.limit);
      if (end - pos < length) break;
      out.push(chunk.subarray(pos, pos + length));
      pos += length;
    }
    if (pos < end) this.startPartial(chunk, pos);
    return out;
  }

  /** Keeps the incomplete tail of a chunk: the whole message's room if the header is in, else the header's. */
  private startPartial(chunk: Uint8Array, pos: number): void {
    const n = chunk.length - pos;
    const size = n >= HEADER_LENGTH ? (chunk[pos + 16]! << 8) | chunk[pos + 17]! : HEADER_LENGTH;
    this.partial = new Uint8Array(size);
    this.partial.set(chunk.subarray(pos), 0);
    this.filled = n;
  }

  /** Feeds a chunk into the message being assembled; returns how much of the chunk it took. */
  private continuePartial(chunk: Uint8Array, out: Uint8Array[]): number {
    let buf = this.partial!;
    let pos = 0;
    if (this.filled < HEADER_LENGTH) {
      const take = Math.min(HEADER_LENGTH - this.filled, chunk.length);
      buf.set(chunk.subarray(0, take), this.filled);
      this.filled += take;
      pos = take;
      if (this.filled < HEADER_LENGTH) return pos;
      const length = checkHeader(buf, 0, this.limit);
      const whole = new Uint8Array(length);
      whole.set(buf.subarray(0, HEADER_LENGTH), 0);
      this.partial = buf = whole;
    }
    const take = Math.min(buf.length - this.filled, chunk.length - pos);
    buf.set(chunk.subarray(pos, pos + take), this.filled);
    this.filled += take;
    pos += take;
    if (this.filled === buf.length) {
      out.push(buf);
      this.partial = null;
      this.filled = 0;
    }
    return pos;
  }
}

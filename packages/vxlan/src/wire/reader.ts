import { VxlanDecodeError, VxlanErrorCode } from '../errors.js';

/**
 * A bounds-checked cursor over a byte range, for the header codecs. (The decapsulation fast path
 * indexes bytes directly after one length check per header instead.)
 */
export class Reader {
  readonly buf: Uint8Array;
  pos: number;
  readonly end: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    if (start < 0 || end > buf.length || start > end) {
      throw new VxlanDecodeError(VxlanErrorCode.truncated, 'buffer range', start, `range ${start}..${end} outside ${buf.length} bytes`);
    }
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number, field: string): void {
    if (this.pos + n > this.end) {
      throw new VxlanDecodeError(VxlanErrorCode.truncated, field, this.pos, `need ${n} bytes, have ${this.end - this.pos}`);
    }
  }

  u8(field = 'u8'): number {
    this.need(1, field);
    return this.buf[this.pos++]!;
  }

  u16(field = 'u16'): number {
    this.need(2, field);
    const b = this.buf;
    const p = this.pos;
    this.pos += 2;
    return (b[p]! << 8) | b[p + 1]!;
  }

  u32(field = 'u32'): number {
    this.need(4, field);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  /** A copy of the next `n` bytes: decoded values outlive the input buffer. */
  copy(n: number, field = 'bytes'): Uint8Array {
    this.need(n, field);
    const v = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  skip(n: number, field = 'bytes'): void {
    this.need(n, field);
    this.pos += n;
  }

  fail(code: VxlanErrorCode, field: string, detail?: string, at = this.pos): never {
    throw new VxlanDecodeError(code, field, at, detail);
  }
}

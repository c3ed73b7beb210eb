import { DecodeError, DecodeErrorCode } from '../errors.js';

/**
 * A bounds-checked cursor over a byte range. Sub-readers share the underlying buffer
 * (no copies) and can never read past their own end, so a lying length field inside
 * a nested structure is caught where it lies instead of reading the next structure.
 */
export class Reader {
  readonly buf: Uint8Array;
  readonly view: DataView;
  pos: number;
  readonly end: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length, view?: DataView) {
    if (start < 0 || end > buf.length || start > end) {
      throw new DecodeError(DecodeErrorCode.truncated, 'buffer range', start, `range ${start}..${end} outside ${buf.length} bytes`);
    }
    this.buf = buf;
    this.view = view ?? new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Throws a truncation error naming `field` unless `n` more bytes are available. */
  need(n: number, field: string): void {
    if (this.pos + n > this.end) {
      throw new DecodeError(DecodeErrorCode.truncated, field, this.pos, `need ${n} bytes, have ${this.end - this.pos}`);
    }
  }

  u8(field = 'u8'): number {
    if (this.pos + 1 > this.end) this.need(1, field);
    return this.buf[this.pos++]!;
  }

  u16(field = 'u16'): number {
    if (this.pos + 2 > this.end) this.need(2, field);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  u24(field = 'u24'): number {
    if (this.pos + 3 > this.end) this.need(3, field);
    const b = this.buf;
    const p = this.pos;
    this.pos += 3;
    return (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
  }

  u32(field = 'u32'): number {
    if (this.pos + 4 > this.end) this.need(4, field);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  /** A view of the next `n` bytes (no copy: valid while the caller's buffer is). */
  bytes(n: number, field = 'bytes'): Uint8Array {
    if (this.pos + n > this.end) this.need(n, field);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A copy of the next `n` bytes, for values that outlive the input buffer. */
  copy(n: number, field = 'bytes'): Uint8Array {
    if (this.pos + n > this.end) this.need(n, field);
    const v = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  skip(n: number, field = 'bytes'): void {
    if (this.pos + n > this.end) this.need(n, field);
    this.pos += n;
  }

  /** A reader over the next `n` bytes; this reader moves past them. */
  sub(n: number, field = 'sub-structure'): Reader {
    if (this.pos + n > this.end) this.need(n, field);
    const r = new Reader(this.buf, this.pos, this.pos + n, this.view);
    this.pos += n;
    return r;
  }

  /** Everything up to the end, as a view. */
  rest(): Uint8Array {
    const v = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return v;
  }

  fail(code: string, field: string, detail?: string, at = this.pos): never {
    throw new DecodeError(code, field, at, detail);
  }
}

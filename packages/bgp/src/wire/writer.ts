import { EncodeError } from '../errors.js';

/**
 * Writes into a caller's buffer at an offset. Codecs compute `encodedLength` first, so the
 * caller allocates once and nothing is copied twice; writing past the end is a bug in an
 * `encodedLength`, reported as an EncodeError rather than a silent truncation.
 */
export class Writer {
  readonly buf: Uint8Array;
  readonly view: DataView;
  pos: number;

  constructor(buf: Uint8Array, pos = 0) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = pos;
  }

  static alloc(n: number): Writer {
    return new Writer(new Uint8Array(n));
  }

  private room(n: number, field: string): void {
    if (this.pos + n > this.buf.length) {
      throw new EncodeError(field, `buffer too small (${this.buf.length} bytes, writing ${n} at ${this.pos})`);
    }
  }

  u8(v: number, field = 'u8'): void {
    if ((v & 0xff) !== v) throw new EncodeError(field, `${v} is not an 8-bit value`);
    this.room(1, field);
    this.buf[this.pos++] = v;
  }

  u16(v: number, field = 'u16'): void {
    if ((v & 0xffff) !== v) throw new EncodeError(field, `${v} is not a 16-bit value`);
    this.room(2, field);
    this.view.setUint16(this.pos, v);
    this.pos += 2;
  }

  u24(v: number, field = 'u24'): void {
    if ((v & 0xffffff) !== v) throw new EncodeError(field, `${v} is not a 24-bit value`);
    this.room(3, field);
    this.buf[this.pos] = v >>> 16;
    this.buf[this.pos + 1] = (v >>> 8) & 0xff;
    this.buf[this.pos + 2] = v & 0xff;
    this.pos += 3;
  }

  u32(v: number, field = 'u32'): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new EncodeError(field, `${v} is not a 32-bit value`);
    this.room(4, field);
    this.view.setUint32(this.pos, v);
    this.pos += 4;
  }

  bytes(v: Uint8Array, field = 'bytes'): void {
    this.room(v.length, field);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  zeros(n: number, field = 'padding'): void {
    this.room(n, field);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
  }

  /** Overwrites a 16-bit length written earlier at `at` (for length-prefixed blocks). */
  patchU16(at: number, v: number, field = 'length'): void {
    if ((v & 0xffff) !== v) throw new EncodeError(field, `${v} does not fit 16 bits`);
    this.view.setUint16(at, v);
  }

  patchU8(at: number, v: number, field = 'length'): void {
    if ((v & 0xff) !== v) throw new EncodeError(field, `${v} does not fit 8 bits`);
    this.buf[at] = v;
  }
}

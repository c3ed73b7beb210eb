import { VxlanEncodeError } from '../errors.js';

/** Writes into a caller's buffer at an offset; running out of room is a typed error, never a silent cut. */
export class Writer {
  readonly buf: Uint8Array;
  pos: number;

  constructor(buf: Uint8Array, pos = 0) {
    this.buf = buf;
    this.pos = pos;
  }

  static alloc(n: number): Writer {
    return new Writer(new Uint8Array(n));
  }

  room(n: number, field: string): void {
    if (this.pos + n > this.buf.length) {
      throw new VxlanEncodeError(field, `buffer too small (${this.buf.length} bytes, writing ${n} at ${this.pos})`);
    }
  }

  u8(v: number, field = 'u8'): void {
    if ((v & 0xff) !== v) throw new VxlanEncodeError(field, `${v} is not an 8-bit value`);
    this.room(1, field);
    this.buf[this.pos++] = v;
  }

  u16(v: number, field = 'u16'): void {
    if ((v & 0xffff) !== v) throw new VxlanEncodeError(field, `${v} is not a 16-bit value`);
    this.room(2, field);
    this.buf[this.pos] = v >>> 8;
    this.buf[this.pos + 1] = v & 0xff;
    this.pos += 2;
  }

  u32(v: number, field = 'u32'): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new VxlanEncodeError(field, `${v} is not a 32-bit value`);
    this.room(4, field);
    writeU32(this.buf, this.pos, v);
    this.pos += 4;
  }

  bytes(v: Uint8Array, field = 'bytes'): void {
    this.room(v.length, field);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }
}

export function writeU16(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 8;
  b[at + 1] = v & 0xff;
}

export function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

export function readU16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

export function readU32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

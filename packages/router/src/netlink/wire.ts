/**
 * Byte-level helpers for netlink: messages are in host byte order (only a few attributes, such
 * as ports, are big-endian), every object starts 4-byte aligned.
 */
import { endianness } from 'node:os';
import { NLA_TYPE_MASK, RTA_HDRLEN } from './constants.js';
import { NetlinkDecodeError, NetlinkEncodeError, NetlinkErrorCode } from './errors.js';

export const HOST_LE = endianness() === 'LE';

export function align4(n: number): number {
  return (n + 3) & ~3;
}

export function view(buf: Uint8Array): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** One attribute kept as bytes: unknown attributes round-trip through this unchanged. */
export interface RawAttribute {
  /** rta_type without the NLA_F_NESTED / NLA_F_NET_BYTEORDER bits. */
  type: number;
  /** Those two bits, as they were on the wire. */
  flags: number;
  value: Uint8Array;
}

/**
 * Walks the rtattr TLVs of [start, end). After next() returns true, `type`, `flags`,
 * `valueStart` and `valueEnd` describe the current attribute. Reused, so no per-attribute objects.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        rta_len (host)         |N|O|    rta_type (host)        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        value (rta_len - 4 bytes), padded to a multiple of 4    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   N = NLA_F_NESTED, O = NLA_F_NET_BYTEORDER
 */
export class AttributeCursor {
  type = 0;
  flags = 0;
  valueStart = 0;
  valueEnd = 0;
  private pos: number;
  private readonly dv: DataView;

  constructor(
    readonly buf: Uint8Array,
    start: number,
    private readonly end: number,
  ) {
    this.pos = start;
    this.dv = view(buf);
  }

  next(): boolean {
    const remaining = this.end - this.pos;
    if (remaining === 0) return false;
    if (remaining < RTA_HDRLEN) {
      throw new NetlinkDecodeError(NetlinkErrorCode.truncated, 'rtattr header', this.pos, `${remaining} trailing bytes`);
    }
    const len = this.dv.getUint16(this.pos, HOST_LE);
    const rawType = this.dv.getUint16(this.pos + 2, HOST_LE);
    if (len < RTA_HDRLEN) throw new NetlinkDecodeError(NetlinkErrorCode.malformed, 'rta_len', this.pos, `length ${len}`);
    if (len > remaining) {
      throw new NetlinkDecodeError(NetlinkErrorCode.truncated, 'rtattr', this.pos, `length ${len} exceeds ${remaining}`);
    }
    this.type = rawType & NLA_TYPE_MASK;
    this.flags = rawType & ~NLA_TYPE_MASK;
    this.valueStart = this.pos + RTA_HDRLEN;
    this.valueEnd = this.pos + len;
    // The last attribute may come without its padding.
    this.pos = Math.min(this.pos + align4(len), this.end);
    return true;
  }

  get length(): number {
    return this.valueEnd - this.valueStart;
  }

  raw(): RawAttribute {
    return { type: this.type, flags: this.flags, value: this.buf.slice(this.valueStart, this.valueEnd) };
  }

  /** A cursor over this attribute's value, for nested attributes (with or without NLA_F_NESTED). */
  nested(): AttributeCursor {
    return new AttributeCursor(this.buf, this.valueStart, this.valueEnd);
  }

  private need(n: number, what: string, exact: boolean): void {
    const len = this.length;
    if (exact ? len !== n : len < n) {
      throw new NetlinkDecodeError(NetlinkErrorCode.malformed, what, this.valueStart, `value of ${len} bytes, want ${n}`);
    }
  }

  u8(what: string): number {
    this.need(1, what, false);
    return this.buf[this.valueStart]!;
  }

  u16(what: string): number {
    this.need(2, what, false);
    return this.dv.getUint16(this.valueStart, HOST_LE);
  }

  be16(what: string): number {
    this.need(2, what, false);
    return this.dv.getUint16(this.valueStart, false);
  }

  u32(what: string): number {
    this.need(4, what, false);
    return this.dv.getUint32(this.valueStart, HOST_LE);
  }

  /** Exactly `n` bytes (an IPv4/IPv6 address), copied. */
  fixed(n: number, what: string): Uint8Array {
    this.need(n, what, true);
    return this.buf.slice(this.valueStart, this.valueEnd);
  }

  bytes(): Uint8Array {
    return this.buf.slice(this.valueStart, this.valueEnd);
  }

  /** A C string: everything up to the first NUL (the kernel always sends one). */
  string(): string {
    let e = this.valueStart;
    while (e < this.valueEnd && this.buf[e] !== 0) e++;
    return latin1(this.buf, this.valueStart, e);
  }
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
  return s;
}

/**
 * Writes netlink into a caller's buffer at an offset, or only counts bytes when built without a
 * buffer (so one encode function serves both encode and encodedLength). Nest lengths are patched
 * when the nest ends.
 */
export class NetlinkWriter {
  pos: number;
  private readonly dv: DataView | null;

  constructor(
    private readonly buf: Uint8Array | null,
    offset = 0,
  ) {
    this.pos = offset;
    this.dv = buf === null ? null : view(buf);
  }

  static measuring(): NetlinkWriter {
    return new NetlinkWriter(null, 0);
  }

  private room(n: number, what: string): void {
    if (this.buf !== null && this.pos + n > this.buf.length) {
      throw new NetlinkEncodeError(what, `buffer too small (${this.buf.length} bytes, need ${this.pos + n})`);
    }
  }

  u8(v: number, what: string): void {
    checkRange(v, 0xff, what);
    this.room(1, what);
    if (this.buf !== null) this.buf[this.pos] = v;
    this.pos += 1;
  }

  u16(v: number, what: string): void {
    checkRange(v, 0xffff, what);
    this.room(2, what);
    this.dv?.setUint16(this.pos, v, HOST_LE);
    this.pos += 2;
  }

  be16(v: number, what: string): void {
    checkRange(v, 0xffff, what);
    this.room(2, what);
    this.dv?.setUint16(this.pos, v, false);
    this.pos += 2;
  }

  u32(v: number, what: string): void {
    checkRange(v, 0xffffffff, what);
    this.room(4, what);
    this.dv?.setUint32(this.pos, v, HOST_LE);
    this.pos += 4;
  }

  i32(v: number, what: string): void {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw new NetlinkEncodeError(what, `${v} is not an int32`);
    this.room(4, what);
    this.dv?.setInt32(this.pos, v, HOST_LE);
    this.pos += 4;
  }

  bytes(b: Uint8Array, what: string): void {
    this.room(b.length, what);
    this.buf?.set(b, this.pos);
    this.pos += b.length;
  }

  zeros(n: number, what: string): void {
    this.room(n, what);
    this.buf?.fill(0, this.pos, this.pos + n);
    this.pos += n;
  }

  /** Overwrites a u32 written earlier (a length known only at the end). */
  patchU32(at: number, v: number): void {
    this.dv?.setUint32(at, v, HOST_LE);
  }

  padTo4(): void {
    const pad = align4(this.pos) - this.pos;
    if (pad > 0) this.zeros(pad, 'padding');
  }

  /** Writes an rtattr header now and its length at attrEnd(). */
  attrStart(type: number, flags: number, what: string): number {
    const at = this.pos;
    this.u16(0, what);
    this.u16(type | flags, what);
    return at;
  }

  attrEnd(at: number, what: string): void {
    const len = this.pos - at;
    if (len > 0xffff) throw new NetlinkEncodeError(what, `attribute of ${len} bytes exceeds 65535`);
    this.dv?.setUint16(at, len, HOST_LE);
    this.padTo4();
  }

  attrU8(type: number, v: number, what: string): void {
    const at = this.attrStart(type, 0, what);
    this.u8(v, what);
    this.attrEnd(at, what);
  }

  attrU16(type: number, v: number, what: string): void {
    const at = this.attrStart(type, 0, what);
    this.u16(v, what);
    this.attrEnd(at, what);
  }

  attrBe16(type: number, v: number, what: string): void {
    const at = this.attrStart(type, 0, what);
    this.be16(v, what);
    this.attrEnd(at, what);
  }

  attrU32(type: number, v: number, what: string): void {
    const at = this.attrStart(type, 0, what);
    this.u32(v, what);
    this.attrEnd(at, what);
  }

  attrBytes(type: number, flags: number, v: Uint8Array, what: string): void {
    const at = this.attrStart(type, flags, what);
    this.bytes(v, what);
    this.attrEnd(at, what);
  }

  /** A NUL-terminated string, as the kernel's nla_put_string writes it. */
  attrString(type: number, v: string, what: string): void {
    const at = this.attrStart(type, 0, what);
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c === 0 || c > 0xff) throw new NetlinkEncodeError(what, `character ${c} in "${v}"`);
      this.u8(c, what);
    }
    this.u8(0, what);
    this.attrEnd(at, what);
  }

  raw(a: RawAttribute, what: string): void {
    this.attrBytes(a.type, a.flags, a.value, what);
  }
}

function checkRange(v: number, max: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new NetlinkEncodeError(what, `${v} is not in 0..${max}`);
}


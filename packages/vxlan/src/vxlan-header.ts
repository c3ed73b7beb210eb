import type { Codec } from './codec.js';
import { VxlanEncodeError } from './errors.js';
import { VXLAN_HEADER_LENGTH } from './iana.js';
import type { Reader } from './wire/reader.js';
import type { Writer } from './wire/writer.js';

/*
 * VXLAN header (RFC 7348 §5):
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |R|R|R|R|I|R|R|R|            Reserved                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                VXLAN Network Identifier (VNI) |   Reserved    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * I must be 1 for a valid VNI; every R bit is sent as zero and ignored on receipt.
 */
export interface VxlanHeader {
  /** The I flag; a receiver drops headers without it. */
  vniValid: boolean;
  vni: number;
}

export const VXLAN_FLAG_I = 0x08;

/** Writes the 8-byte header at `at`: I set, reserved zero. No allocation. */
export function writeVxlanHeader(buf: Uint8Array, at: number, vni: number): void {
  buf[at] = VXLAN_FLAG_I;
  buf[at + 1] = 0;
  buf[at + 2] = 0;
  buf[at + 3] = 0;
  buf[at + 4] = vni >>> 16;
  buf[at + 5] = (vni >>> 8) & 0xff;
  buf[at + 6] = vni & 0xff;
  buf[at + 7] = 0;
}

export function isValidVni(vni: number): boolean {
  return Number.isInteger(vni) && vni >= 0 && vni <= 0xffffff;
}

export const vxlanHeaderCodec: Codec<VxlanHeader> = {
  decode(r: Reader): VxlanHeader {
    const flags = r.u8('vxlan.flags');
    r.skip(3, 'vxlan.reserved');
    const b = r.buf;
    r.need(4, 'vxlan.vni');
    const vni = (b[r.pos]! << 16) | (b[r.pos + 1]! << 8) | b[r.pos + 2]!;
    r.skip(4, 'vxlan.vni');
    return { vniValid: (flags & VXLAN_FLAG_I) !== 0, vni };
  },
  encode(h: VxlanHeader, w: Writer): void {
    if (!isValidVni(h.vni)) throw new VxlanEncodeError('vxlan.vni', `${h.vni} is not a 24-bit VNI`);
    w.room(VXLAN_HEADER_LENGTH, 'vxlan');
    writeVxlanHeader(w.buf, w.pos, h.vni);
    if (!h.vniValid) w.buf[w.pos] = 0;
    w.pos += VXLAN_HEADER_LENGTH;
  },
  encodedLength(): number {
    return VXLAN_HEADER_LENGTH;
  },
};

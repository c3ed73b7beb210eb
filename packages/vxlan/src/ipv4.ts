import type { Codec } from './codec.js';
import { internetChecksum } from './checksum.js';
import { VxlanEncodeError, VxlanErrorCode } from './errors.js';
import { IPV4_HEADER_LENGTH } from './iana.js';
import type { Reader } from './wire/reader.js';
import type { Writer } from './wire/writer.js';

/*
 * IPv4 header (RFC 791 §3.1), for IPv4 VTEPs:
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |    DSCP/ECN   |          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |0|D|M|     Fragment Offset     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options (IHL > 5) ...                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
export interface Ipv4Header {
  tos: number;
  totalLength: number;
  identification: number;
  dontFragment: boolean;
  moreFragments: boolean;
  /** In bytes (the wire counts 8-byte units). */
  fragmentByteOffset: number;
  ttl: number;
  protocol: number;
  /** As found on the wire; encode always computes it. */
  checksum: number;
  source: Uint8Array;
  destination: Uint8Array;
  /** Raw option bytes (a multiple of 4), kept as they came. */
  options: Uint8Array;
}

/** Writes an option-less IPv4 header at `at`, checksum included. No allocation. */
export function writeIpv4Header(
  buf: Uint8Array,
  at: number,
  tos: number,
  totalLength: number,
  identification: number,
  dontFragment: boolean,
  ttl: number,
  protocol: number,
  source: Uint8Array,
  destination: Uint8Array,
): void {
  buf[at] = 0x45;
  buf[at + 1] = tos;
  buf[at + 2] = totalLength >>> 8;
  buf[at + 3] = totalLength & 0xff;
  buf[at + 4] = identification >>> 8;
  buf[at + 5] = identification & 0xff;
  buf[at + 6] = dontFragment ? 0x40 : 0;
  buf[at + 7] = 0;
  buf[at + 8] = ttl;
  buf[at + 9] = protocol;
  buf[at + 10] = 0;
  buf[at + 11] = 0;
  buf.set(source, at + 12);
  buf.set(destination, at + 16);
  const c = internetChecksum(buf, at, at + IPV4_HEADER_LENGTH);
  buf[at + 10] = c >>> 8;
  buf[at + 11] = c & 0xff;
}

export const ipv4HeaderCodec: Codec<Ipv4Header> = {
  decode(r: Reader): Ipv4Header {
    const at = r.pos;
    const vihl = r.u8('ipv4.version');
    if (vihl >>> 4 !== 4) r.fail(VxlanErrorCode.value, 'ipv4.version', `version ${vihl >>> 4}`, at);
    const ihl = (vihl & 0xf) * 4;
    if (ihl < IPV4_HEADER_LENGTH) r.fail(VxlanErrorCode.value, 'ipv4.ihl', `header length ${ihl}`, at);
    const tos = r.u8('ipv4.tos');
    const totalLength = r.u16('ipv4.totalLength');
    if (totalLength < ihl) r.fail(VxlanErrorCode.value, 'ipv4.totalLength', `${totalLength} below header length ${ihl}`, at + 2);
    const identification = r.u16('ipv4.identification');
    const flags = r.u16('ipv4.flags');
    const ttl = r.u8('ipv4.ttl');
    const protocol = r.u8('ipv4.protocol');
    const checksum = r.u16('ipv4.checksum');
    const source = r.copy(4, 'ipv4.source');
    const destination = r.copy(4, 'ipv4.destination');
    const options = r.copy(ihl - IPV4_HEADER_LENGTH, 'ipv4.options');
    return {
      tos,
      totalLength,
      identification,
      dontFragment: (flags & 0x4000) !== 0,
      moreFragments: (flags & 0x2000) !== 0,
      fragmentByteOffset: (flags & 0x1fff) * 8,
      ttl,
      protocol,
      checksum,
      source,
      destination,
      options,
    };
  },
  encode(h: Ipv4Header, w: Writer): void {
    if (h.source.length !== 4 || h.destination.length !== 4) throw new VxlanEncodeError('ipv4.address', 'IPv4 addresses are 4 bytes');
    if (h.options.length % 4 !== 0 || h.options.length > 40) throw new VxlanEncodeError('ipv4.options', 'options are up to 40 bytes in 4-byte words');
    if ((h.fragmentByteOffset & 7) !== 0 || h.fragmentByteOffset > 0x1fff * 8 || h.fragmentByteOffset < 0) {
      throw new VxlanEncodeError('ipv4.fragmentByteOffset', `${h.fragmentByteOffset} is not a multiple of 8 in range`);
    }
    const start = w.pos;
    const ihl = IPV4_HEADER_LENGTH + h.options.length;
    w.u8(0x40 | (ihl / 4), 'ipv4.version');
    w.u8(h.tos, 'ipv4.tos');
    w.u16(h.totalLength, 'ipv4.totalLength');
    w.u16(h.identification, 'ipv4.identification');
    w.u16((h.dontFragment ? 0x4000 : 0) | (h.moreFragments ? 0x2000 : 0) | (h.fragmentByteOffset / 8), 'ipv4.flags');
    w.u8(h.ttl, 'ipv4.ttl');
    w.u8(h.protocol, 'ipv4.protocol');
    w.u16(0, 'ipv4.checksum');
    w.bytes(h.source, 'ipv4.source');
    w.bytes(h.destination, 'ipv4.destination');
    w.bytes(h.options, 'ipv4.options');
    const c = internetChecksum(w.buf, start, w.pos);
    w.buf[start + 10] = c >>> 8;
    w.buf[start + 11] = c & 0xff;
  },
  encodedLength(h: Ipv4Header): number {
    return IPV4_HEADER_LENGTH + h.options.length;
  },
};

import type { Codec } from './codec.js';
import { finishChecksum, ipv4PseudoHeaderSum, ipv6PseudoHeaderSum, sumWords } from './checksum.js';
import { IpProtocol, UDP_HEADER_LENGTH } from './iana.js';
import type { Reader } from './wire/reader.js';
import type { Writer } from './wire/writer.js';

/*
 * UDP header (RFC 768); checksum over the IPv6 (RFC 8200 §8.1) or IPv4 pseudo-header:
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Length             |           Checksum            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
export interface UdpHeader {
  sourcePort: number;
  destinationPort: number;
  /** Header plus payload, in bytes. */
  length: number;
  /** As on the wire; 0 means "none" (legal over IPv4, over IPv6 only where RFC 6935/6936 allow). */
  checksum: number;
}

export const udpHeaderCodec: Codec<UdpHeader> = {
  decode(r: Reader): UdpHeader {
    return {
      sourcePort: r.u16('udp.sourcePort'),
      destinationPort: r.u16('udp.destinationPort'),
      length: r.u16('udp.length'),
      checksum: r.u16('udp.checksum'),
    };
  },
  encode(h: UdpHeader, w: Writer): void {
    w.u16(h.sourcePort, 'udp.sourcePort');
    w.u16(h.destinationPort, 'udp.destinationPort');
    w.u16(h.length, 'udp.length');
    w.u16(h.checksum, 'udp.checksum');
  },
  encodedLength(): number {
    return UDP_HEADER_LENGTH;
  },
};

/**
 * The checksum field value for the UDP datagram at buf[udpAt, udpAt + length) inside the IP
 * packet whose header starts at `ipAt` (IPv6 when `ipv6`), with the checksum field counted as
 * zero. A computed 0 goes on the wire as 0xffff (RFC 768), since 0 means "no checksum".
 */
export function udpChecksum(buf: Uint8Array, ipAt: number, ipv6: boolean, udpAt: number, length: number): number {
  const pseudo = ipv6 ? ipv6PseudoHeaderSum(buf, ipAt + 8, ipAt + 24, length, IpProtocol.udp) : ipv4PseudoHeaderSum(buf, ipAt + 12, ipAt + 16, length, IpProtocol.udp);
  const onWire = (buf[udpAt + 6]! << 8) | buf[udpAt + 7]!;
  const c = finishChecksum(sumWords(buf, udpAt, udpAt + length, pseudo) - onWire);
  return c === 0 ? 0xffff : c;
}

/** True when the UDP checksum present in buf[udpAt + 6..8) is right (the sum over everything folds to 0xffff). */
export function verifyUdpChecksum(buf: Uint8Array, ipAt: number, ipv6: boolean, udpAt: number, length: number): boolean {
  const pseudo = ipv6 ? ipv6PseudoHeaderSum(buf, ipAt + 8, ipAt + 24, length, IpProtocol.udp) : ipv4PseudoHeaderSum(buf, ipAt + 12, ipAt + 16, length, IpProtocol.udp);
  return finishChecksum(sumWords(buf, udpAt, udpAt + length, pseudo)) === 0;
}

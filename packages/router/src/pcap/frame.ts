import { formatIpv4, formatIpv6 } from '@evpn6/bgp';
import { LinkType } from './file.js';

/** The TCP part of a captured frame: endpoints, sequence numbers, flags and payload. */
export interface TcpSegment {
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  /** TCP flag bits: FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10. */
  readonly flags: number;
  /** The payload bytes captured (a view into the frame). */
  readonly payload: Uint8Array;
  /** Payload bytes the IP header announces but the capture does not hold (snap length). */
  readonly missing: number;
}

export const TcpFlag = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;
const IPPROTO_TCP = 6;
const IPV6_EXTENSION_HEADERS = new Set([0, 43, 60]);
const IPV6_FRAGMENT = 44;

function u16(b: Uint8Array, p: number): number {
  return (b[p]! << 8) | b[p + 1]!;
}

function u32(b: Uint8Array, p: number): number {
  return ((b[p]! << 24) >>> 0) + (b[p + 1]! << 16) + (b[p + 2]! << 8) + b[p + 3]!;
}

/**
 * Finds the TCP segment in a frame of the given link type: Ethernet (with 802.1Q/802.1ad tags),
 * Linux cooked v1 and v2, raw IP and BSD loopback, carrying IPv4 or IPv6. Anything else (ARP,
 * UDP, IP fragments, cut-off headers) gives undefined: a capture holds all sorts of frames.
 */
export function tcpSegmentOf(linkType: number, frame: Uint8Array, originalLength = frame.length): TcpSegment | undefined {
  let etherType: number;
  let p: number;
  switch (linkType) {
    case LinkType.ETHERNET:
      if (frame.length < 14) return undefined;
      etherType = u16(frame, 12);
      p = 14;
      while ((etherType === ETHERTYPE_VLAN || etherType === ETHERTYPE_QINQ) && p + 4 <= frame.length) {
        etherType = u16(frame, p + 2);
        p += 4;
      }
      break;
    case LinkType.LINUX_SLL:
      // packet type(2) ARPHRD(2) address length(2) address(8) protocol(2)
      if (frame.length < 16) return undefined;
      etherType = u16(frame, 14);
      p = 16;
      break;
    case LinkType.LINUX_SLL2:
      // protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1) address length(1) address(8)
      if (frame.length < 20) return undefined;
      etherType = u16(frame, 0);
      p = 20;
      break;
    case LinkType.RAW:
      if (frame.length < 1) return undefined;
      etherType = frame[0]! >> 4 === 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
      p = 0;
      break;
    case LinkType.NULL: {
      // A 4-byte address family in the capturing host's byte order: 2 is IPv4, 24/28/30 IPv6.
      if (frame.length < 5) return undefined;
      etherType = frame[4]! >> 4 === 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
      p = 4;
      break;
    }
    default:
      return undefined;
  }
  const cut = originalLength - frame.length;
  if (etherType === ETHERTYPE_IPV4) return ipv4(frame, p);
  if (etherType === ETHERTYPE_IPV6) return ipv6(frame, p, cut);
  return undefined;
}

function ipv4(b: Uint8Array, p: number): TcpSegment | undefined {
  if (p + 20 > b.length || b[p]! >> 4 !== 4) return undefined;
  const headerLength = (b[p]! & 0x0f) * 4;
  const totalLength = u16(b, p + 2);
  const fragment = u16(b, p + 6);
  if (headerLength < 20 || totalLength < headerLength || b[p + 9] !== IPPROTO_TCP) return undefined;
  // A fragment (more-fragments set or an offset) is not a whole TCP segment.
  if ((fragment & 0x3fff) !== 0) return undefined;
  const src = formatIpv4(b, p + 12);
  const dst = formatIpv4(b, p + 16);
  return tcp(b, p + headerLength, p + totalLength, src, dst);
}

function ipv6(b: Uint8Array, p: number, cut: number): TcpSegment | undefined {
  if (p + 40 > b.length || b[p]! >> 4 !== 6) return undefined;
  const payloadLength = u16(b, p + 4);
  let next = b[p + 6]!;
  const src = formatIpv6(b, p + 8);
  const dst = formatIpv6(b, p + 24);
  // A zero payload length means a jumbogram; the frame's end is then the only bound we have.
  const end = payloadLength === 0 ? b.length + cut : p + 40 + payloadLength;
  let q = p + 40;
  while (IPV6_EXTENSION_HEADERS.has(next)) {
    if (q + 2 > b.length) return undefined;
    next = b[q]!;
    q += (b[q + 1]! + 1) * 8;
  }
  if (next === IPV6_FRAGMENT || next !== IPPROTO_TCP) return undefined;
  return tcp(b, q, end, src, dst);
}

/** The TCP header at p; `end` is where the IP packet says the segment ends (maybe past the capture). */
function tcp(b: Uint8Array, p: number, end: number, src: string, dst: string): TcpSegment | undefined {
  if (p + 20 > b.length) return undefined;
  const headerLength = (b[p + 12]! >> 4) * 4;
  if (headerLength < 20 || p + headerLength > end) return undefined;
  const dataStart = p + headerLength;
  // Link-layer padding (short Ethernet frames) lies past `end`; the snap length may cut before it.
  const capturedEnd = Math.min(end, b.length);
  if (dataStart > capturedEnd) return undefined;
  const missing = Math.max(0, end - capturedEnd);
  return {
    src,
    dst,
    srcPort: u16(b, p),
    dstPort: u16(b, p + 2),
    seq: u32(b, p + 4),
    ack: u32(b, p + 8),
    flags: b[p + 13]! & 0x3f,
    payload: b.subarray(dataStart, capturedEnd),
    missing,
  };
}

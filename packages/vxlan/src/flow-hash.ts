import { EtherType, IpProtocol, SOURCE_PORT_MIN } from './iana.js';
import { ethernetPayloadOffset } from './ethernet.js';

/*
 * RFC 7348 §5: the outer UDP source port should come from a hash of the inner frame's headers, so
 * underlay routers that balance on the 5-tuple keep one inner flow on one path yet spread flows.
 * We hash MACs and EtherType, then IPv4/IPv6 addresses and protocol, then TCP/UDP/SCTP ports
 * (unless the inner packet is a non-first fragment, whose ports are not there).
 */

function mix(h: number, w: number): number {
  h ^= Math.imul(w, 0xcc9e2d51);
  h = (h << 15) | (h >>> 17);
  return Math.imul(h, 0x1b873593) + 0xe6546b64;
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function word(b: Uint8Array, at: number): number {
  return (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
}

function hasPorts(protocol: number): boolean {
  return protocol === IpProtocol.tcp || protocol === IpProtocol.udp || protocol === IpProtocol.sctp;
}

/** 32-bit hash of the inner frame's flow fields; frames too short for a field just hash less. */
export function innerFlowHash(frame: Uint8Array, seed = 0): number {
  const end = frame.length;
  let h = seed | 0;
  if (end < 14) {
    for (let i = 0; i < end; i++) h = mix(h, frame[i]!);
    return finish(h ^ end);
  }
  h = mix(h, word(frame, 0));
  h = mix(h, word(frame, 4));
  h = mix(h, word(frame, 8));
  const p = ethernetPayloadOffset(frame, 0, end);
  if (p < 0) return finish(h);
  const etherType = (frame[p - 2]! << 8) | frame[p - 1]!;
  h = mix(h, etherType);
  if (etherType === EtherType.ipv4 && p + 20 <= end) {
    const ihl = (frame[p]! & 0xf) * 4;
    const protocol = frame[p + 9]!;
    h = mix(h, word(frame, p + 12));
    h = mix(h, word(frame, p + 16));
    h = mix(h, protocol);
    const fragmentBits = ((frame[p + 6]! & 0x3f) << 8) | frame[p + 7]!; // MF + offset
    if (fragmentBits === 0 && hasPorts(protocol) && ihl >= 20 && p + ihl + 4 <= end) h = mix(h, word(frame, p + ihl));
  } else if (etherType === EtherType.ipv6 && p + 40 <= end) {
    for (let i = 8; i < 40; i += 4) h = mix(h, word(frame, p + i));
    const next = frame[p + 6]!;
    h = mix(h, next);
    if (hasPorts(next) && p + 44 <= end) h = mix(h, word(frame, p + 40));
  }
  return finish(h);
}

/** A source port in 49152–65535 for the inner frame (RFC 7348 §5). */
export function sourcePortFor(frame: Uint8Array, seed = 0): number {
  return SOURCE_PORT_MIN + (innerFlowHash(frame, seed) & 0x3fff);
}

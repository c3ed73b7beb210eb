import type { Codec } from './codec.js';
import { VxlanEncodeError, VxlanErrorCode } from './errors.js';
import { FRAGMENT_HEADER_LENGTH, IPV6_HEADER_LENGTH, IpProtocol, UDP_HEADER_LENGTH } from './iana.js';
import { Ipv6Chain, walkIpv6Chain } from './ipv6.js';
import type { Reader } from './wire/reader.js';
import type { Writer } from './wire/writer.js';

/*
 * IPv6 fragment header (RFC 8200 §4.5):
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Identification                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Fragment Offset counts 8-octet units; the value here is in bytes (`byteOffset`, a multiple of 8).
 */
export interface FragmentHeader {
  nextHeader: number;
  byteOffset: number;
  more: boolean;
  identification: number;
}

export const fragmentHeaderCodec: Codec<FragmentHeader> = {
  decode(r: Reader): FragmentHeader {
    const nextHeader = r.u8('fragment.nextHeader');
    r.skip(1, 'fragment.reserved');
    const offsetAndFlags = r.u16('fragment.offset');
    const identification = r.u32('fragment.identification');
    // The two reserved bits beside M are ignored on receipt (RFC 8200 §4.5).
    return { nextHeader, byteOffset: offsetAndFlags & 0xfff8, more: (offsetAndFlags & 1) === 1, identification };
  },
  encode(h: FragmentHeader, w: Writer): void {
    if (!Number.isInteger(h.byteOffset) || h.byteOffset < 0 || h.byteOffset > 0xfff8 || (h.byteOffset & 7) !== 0) {
      throw new VxlanEncodeError('fragment.byteOffset', `${h.byteOffset} is not a multiple of 8 below 65536`);
    }
    w.u8(h.nextHeader, 'fragment.nextHeader');
    w.u8(0, 'fragment.reserved');
    w.u16(h.byteOffset | (h.more ? 1 : 0), 'fragment.offset');
    w.u32(h.identification, 'fragment.identification');
  },
  encodedLength(): number {
    return FRAGMENT_HEADER_LENGTH;
  },
};

/**
 * Largest fragmentable payload per fragment for an unfragmentable part of `unfragmentableLength`
 * bytes: what fits the MTU after the fragment header, rounded down to 8 (RFC 8200 §4.5).
 */
export function fragmentPayloadSize(mtu: number, unfragmentableLength: number): number {
  return (mtu - unfragmentableLength - FRAGMENT_HEADER_LENGTH) & ~7;
}

const scratchChain = new Ipv6Chain();

/**
 * Splits the IPv6 packet in packet[start, end) into fragments of at most `mtu` bytes (RFC 8200
 * §4.5), written back to back into `out` from `outOffset`, each preceded by `linkHeader` (may be
 * empty); fragment i's total length goes to `lengths[i]`. A packet that fits is copied unchanged
 * (no atomic fragment: RFC 8021). Returns the number of frames written.
 *
 * Throws VxlanEncodeError when the packet's header chain is malformed, already fragmented, the
 * first fragment could not hold the whole header chain (RFC 7112), or `out` is too small.
 */
export function fragmentIpv6Into(
  packet: Uint8Array,
  start: number,
  end: number,
  mtu: number,
  identification: number,
  linkHeader: Uint8Array,
  out: Uint8Array,
  outOffset: number,
  lengths: number[] | Uint32Array,
): number {
  const link = linkHeader.length;
  const total = end - start;
  if (total <= mtu) {
    if (outOffset + link + total > out.length) throw new VxlanEncodeError('fragments', 'output buffer too small');
    out.set(linkHeader, outOffset);
    out.set(packet.subarray(start, end), outOffset + link);
    lengths[0] = link + total;
    return 1;
  }
  if (total < IPV6_HEADER_LENGTH) throw new VxlanEncodeError('fragments', 'shorter than an IPv6 header');
  const chain = scratchChain;
  const bad = walkIpv6Chain(packet, start, end, true, chain);
  if (chain.fragmentOffset >= 0) throw new VxlanEncodeError('fragments', 'packet is already a fragment');
  if (bad === 'truncated' || bad === 'hop-by-hop-not-first') throw new VxlanEncodeError('fragments', `header chain: ${bad}`);
  const unfragEnd = chain.unfragmentableEnd;
  const unfragLength = unfragEnd - start;
  const chunk = fragmentPayloadSize(mtu, unfragLength);
  const upperEnd = chain.upperOffset + (chain.upperProtocol === IpProtocol.udp ? UDP_HEADER_LENGTH : 0);
  if (chunk < 8 || upperEnd - unfragEnd > chunk) {
    throw new VxlanEncodeError('fragments', `MTU ${mtu} cannot carry the header chain in the first fragment`, VxlanErrorCode.tooBig);
  }
  const fragmentable = end - unfragEnd;
  if (fragmentable > 0xfff8 + chunk) throw new VxlanEncodeError('fragments', 'packet too long to fragment', VxlanErrorCode.tooBig);
  const count = Math.ceil(fragmentable / chunk);
  const perFrameHeader = link + unfragLength + FRAGMENT_HEADER_LENGTH;
  if (outOffset + count * perFrameHeader + fragmentable > out.length) throw new VxlanEncodeError('fragments', 'output buffer too small');
  const originalNext = packet[chain.unfragmentableNextFieldOffset]!;
  const nextFieldRel = chain.unfragmentableNextFieldOffset - start;
  let o = outOffset;
  for (let i = 0, from = 0; i < count; i++, from += chunk) {
    const size = Math.min(chunk, fragmentable - from);
    out.set(linkHeader, o);
    const ip = o + link;
    out.set(packet.subarray(start, unfragEnd), ip);
    const payloadLength = unfragLength - IPV6_HEADER_LENGTH + FRAGMENT_HEADER_LENGTH + size;
    out[ip + 4] = payloadLength >>> 8;
    out[ip + 5] = payloadLength & 0xff;
    out[ip + nextFieldRel] = IpProtocol.fragment;
    const f = ip + unfragLength;
    out[f] = originalNext;
    out[f + 1] = 0;
    const offsetAndFlags = from | (i < count - 1 ? 1 : 0);
    out[f + 2] = offsetAndFlags >>> 8;
    out[f + 3] = offsetAndFlags & 0xff;
    out[f + 4] = identification >>> 24;
    out[f + 5] = (identification >>> 16) & 0xff;
    out[f + 6] = (identification >>> 8) & 0xff;
    out[f + 7] = identification & 0xff;
    out.set(packet.subarray(unfragEnd + from, unfragEnd + from + size), f + FRAGMENT_HEADER_LENGTH);
    lengths[i] = perFrameHeader + size;
    o += perFrameHeader + size;
  }
  return count;
}

/** Convenience form of fragmentIpv6Into: one new array per fragment, no link header. */
export function fragmentIpv6(packet: Uint8Array, mtu: number, identification: number): Uint8Array[] {
  let size = packet.length;
  if (packet.length > mtu && packet.length >= IPV6_HEADER_LENGTH) {
    walkIpv6Chain(packet, 0, packet.length, true, scratchChain);
    const unfragLength = scratchChain.unfragmentableEnd;
    const chunk = fragmentPayloadSize(mtu, unfragLength);
    // A chunk below 8 makes fragmentIpv6Into throw before it writes anything.
    if (chunk >= 8) size += Math.ceil((packet.length - unfragLength) / chunk) * (unfragLength + FRAGMENT_HEADER_LENGTH);
  }
  const out = new Uint8Array(size);
  const lengths: number[] = [];
  const n = fragmentIpv6Into(packet, 0, packet.length, mtu, identification, new Uint8Array(0), out, 0, lengths);
  const frames: Uint8Array[] = [];
  for (let i = 0, o = 0; i < n; i++) {
    frames.push(out.slice(o, o + lengths[i]!));
    o += lengths[i]!;
  }
  return frames;
}

import type { Codec } from './codec.js';
import { DropReason } from './drop.js';
import { VxlanEncodeError, VxlanErrorCode } from './errors.js';
import { IPV6_HEADER_LENGTH, IpProtocol } from './iana.js';
import type { Reader } from './wire/reader.js';
import type { Writer } from './wire/writer.js';

/*
 * IPv6 fixed header (RFC 8200 §3):
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |              Flow Label               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Payload Length         |  Next Header  |   Hop Limit   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Source Address (128 bits)                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Destination Address (128 bits)                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Extension headers walked here (RFC 8200 §4): hop-by-hop (0), routing (43) and destination
 * options (60) share the "next header, length in 8-octet units not counting the first" layout;
 * the fragment header (44) is always 8 bytes (see ipv6-fragment.ts).
 *
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  |  Hdr Ext Len  |  type-specific (routing: type, segments left) ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */

export interface Ipv6Header {
  trafficClass: number;
  flowLabel: number;
  payloadLength: number;
  nextHeader: number;
  hopLimit: number;
  source: Uint8Array;
  destination: Uint8Array;
}

/** Writes the fixed header at `at` (addresses copied from the given arrays). No allocation. */
export function writeIpv6Header(
  buf: Uint8Array,
  at: number,
  trafficClass: number,
  flowLabel: number,
  payloadLength: number,
  nextHeader: number,
  hopLimit: number,
  source: Uint8Array,
  destination: Uint8Array,
): void {
  const w0 = ((6 << 28) | (trafficClass << 20) | flowLabel) >>> 0;
  buf[at] = w0 >>> 24;
  buf[at + 1] = (w0 >>> 16) & 0xff;
  buf[at + 2] = (w0 >>> 8) & 0xff;
  buf[at + 3] = w0 & 0xff;
  buf[at + 4] = payloadLength >>> 8;
  buf[at + 5] = payloadLength & 0xff;
  buf[at + 6] = nextHeader;
  buf[at + 7] = hopLimit;
  buf.set(source, at + 8);
  buf.set(destination, at + 24);
}

export const ipv6HeaderCodec: Codec<Ipv6Header> = {
  decode(r: Reader): Ipv6Header {
    const at = r.pos;
    const w0 = r.u32('ipv6.version');
    if (w0 >>> 28 !== 6) r.fail(VxlanErrorCode.value, 'ipv6.version', `version ${w0 >>> 28}`, at);
    const payloadLength = r.u16('ipv6.payloadLength');
    const nextHeader = r.u8('ipv6.nextHeader');
    const hopLimit = r.u8('ipv6.hopLimit');
    const source = r.copy(16, 'ipv6.source');
    const destination = r.copy(16, 'ipv6.destination');
    return { trafficClass: (w0 >>> 20) & 0xff, flowLabel: w0 & 0xfffff, payloadLength, nextHeader, hopLimit, source, destination };
  },
  encode(h: Ipv6Header, w: Writer): void {
    const byte = (v: number, name: string, max: number) => {
      if (!Number.isInteger(v) || v < 0 || v > max) throw new VxlanEncodeError(`ipv6.${name}`, `${v} out of range 0..${max}`);
    };
    byte(h.trafficClass, 'trafficClass', 0xff);
    byte(h.flowLabel, 'flowLabel', 0xfffff);
    byte(h.payloadLength, 'payloadLength', 0xffff);
    byte(h.nextHeader, 'nextHeader', 0xff);
    byte(h.hopLimit, 'hopLimit', 0xff);
    if (h.source.length !== 16 || h.destination.length !== 16) throw new VxlanEncodeError('ipv6.address', 'IPv6 addresses are 16 bytes');
    w.room(IPV6_HEADER_LENGTH, 'ipv6');
    writeIpv6Header(w.buf, w.pos, h.trafficClass, h.flowLabel, h.payloadLength, h.nextHeader, h.hopLimit, h.source, h.destination);
    w.pos += IPV6_HEADER_LENGTH;
  },
  encodedLength(): number {
    return IPV6_HEADER_LENGTH;
  },
};

/** Upper-layer protocols we recognise but do not carry VXLAN: reported as "not UDP", not "unknown". */
function isKnownUpperLayer(p: number): boolean {
  return (
    p === IpProtocol.tcp ||
    p === IpProtocol.icmpv6 ||
    p === IpProtocol.sctp ||
    p === IpProtocol.udpLite ||
    p === IpProtocol.gre ||
    p === IpProtocol.ipv4 ||
    p === IpProtocol.ipv6 ||
    p === IpProtocol.noNextHeader
  );
}

/**
 * Where the walk of an IPv6 header chain ended. A caller owns one and reuses it per packet, so the
 * walk allocates nothing.
 */
export class Ipv6Chain {
  /** Offset of the upper-layer header (valid when `upperProtocol` >= 0). */
  upperOffset = 0;
  /** Upper-layer protocol reached, or -1 if the walk stopped at a fragment header. */
  upperProtocol = -1;
  /** Offset of the fragment header, or -1. */
  fragmentOffset = -1;
  /** Offset of the byte that names the header at `fragmentOffset` (or the upper layer). */
  nextHeaderFieldOffset = 0;
  /**
   * End of the part a fragmenter must repeat in every fragment (RFC 8200 §4.5: the fixed header,
   * hop-by-hop, and everything up to and including a routing header).
   */
  unfragmentableEnd = 0;
  /** Next-header field that names the first header after the unfragmentable part. */
  unfragmentableNextFieldOffset = 0;
}

/**
 * Walks the extension headers of the IPv6 packet whose fixed header starts at `ipStart`, with the
 * packet ending at `end`. With `stopAtFragment` the walk ends at a fragment header; without, a
 * fragment header is itself an error (nested fragments after reassembly). Returns null when the
 * walk reached an upper-layer header or (with stopAtFragment) a fragment header, else the drop
 * reason. `truncated` means the chain ran past `end`.
 */
export function walkIpv6Chain(buf: Uint8Array, ipStart: number, end: number, stopAtFragment: boolean, out: Ipv6Chain): DropReason | null {
  out.fragmentOffset = -1;
  out.upperProtocol = -1;
  out.unfragmentableEnd = ipStart + IPV6_HEADER_LENGTH;
  out.unfragmentableNextFieldOffset = ipStart + 6;
  return walkFrom(buf, buf[ipStart + 6]!, ipStart + 6, ipStart + IPV6_HEADER_LENGTH, end, true, stopAtFragment, out);
}

/**
 * Walks the headers that follow the fragment header at `fragmentOffset` inside a first fragment
 * ending at `end` (RFC 7112: the first fragment must hold the whole chain up to the upper layer).
 * A second fragment header is `fragment-nested`; running out of bytes is `truncated`.
 */
export function walkAfterFragmentHeader(buf: Uint8Array, fragmentOffset: number, end: number, out: Ipv6Chain): DropReason | null {
  return walkFrom(buf, buf[fragmentOffset]!, fragmentOffset, fragmentOffset + 8, end, false, false, out);
}

function walkFrom(
  buf: Uint8Array,
  next: number,
  fieldAt: number,
  p: number,
  end: number,
  first: boolean,
  stopAtFragment: boolean,
  out: Ipv6Chain,
): DropReason | null {
  for (;;) {
    switch (next) {
      case IpProtocol.udp:
        out.upperOffset = p;
        out.upperProtocol = next;
        out.nextHeaderFieldOffset = fieldAt;
        return null;
      case IpProtocol.fragment:
        out.fragmentOffset = p;
        out.nextHeaderFieldOffset = fieldAt;
        if (!stopAtFragment) return DropReason.fragmentNested;
        if (p + 8 > end) return DropReason.truncated;
        return null;
      case IpProtocol.hopByHop:
      case IpProtocol.routing:
      case IpProtocol.destinationOptions: {
        if (next === IpProtocol.hopByHop && !first) return DropReason.hopByHopNotFirst;
        if (p + 8 > end) return DropReason.truncated;
        const len = (buf[p + 1]! + 1) * 8;
        if (p + len > end) return DropReason.truncated;
        // We are the final destination: a routing header still naming hops means we are not.
        if (next === IpProtocol.routing && buf[p + 3] !== 0) return DropReason.routingSegmentsLeft;
        if (next !== IpProtocol.destinationOptions) {
          out.unfragmentableEnd = p + len;
          out.unfragmentableNextFieldOffset = p;
        }
        fieldAt = p;
        next = buf[p]!;
        p += len;
        break;
      }
      default:
        out.upperOffset = p;
        out.nextHeaderFieldOffset = fieldAt;
        return isKnownUpperLayer(next) ? DropReason.notUdp : DropReason.unknownNextHeader;
    }
    first = false;
  }
}

import { udpChecksum } from './udp.js';
import { finishChecksum, ipv6PseudoHeaderSum, sumWords } from './checksum.js';
import { VxlanConfigError, VxlanEncodeError, VxlanErrorCode } from './errors.js';
import { writeEthernetHeader, type VlanTag } from './ethernet.js';
import { FragmentIdGenerator, type RandomSource } from './fragment-id.js';
import { sourcePortFor } from './flow-hash.js';
import {
  ETHERNET_HEADER_LENGTH,
  EtherType,
  FRAGMENT_HEADER_LENGTH,
  IPV4_HEADER_LENGTH,
  IPV6_HEADER_LENGTH,
  IPV6_MIN_MTU,
  IpProtocol,
  UDP_HEADER_LENGTH,
  VLAN_TAG_LENGTH,
  VXLAN_HEADER_LENGTH,
  VXLAN_PORT,
} from './iana.js';
import { fragmentPayloadSize } from './ipv6-fragment.js';
import { writeIpv4Header } from './ipv4.js';
import { writeIpv6Header } from './ipv6.js';
import { isValidVni, writeVxlanHeader } from './vxlan-header.js';

/** Outer Ethernet header to put in front of every frame; omit it to produce bare IP packets. */
export interface OuterEthernet {
  source: Uint8Array;
  destination: Uint8Array;
  /** Optional 802.1Q tag on the underlay. */
  vlan?: VlanTag;
}

export interface EncapsulatorOptions {
  /** Our VTEP address: 16 bytes (IPv6 underlay) or 4 (IPv4). */
  local: Uint8Array;
  /** Largest outer IP packet the underlay carries (not counting the link header). Default 1500. */
  mtu?: number;
  /** Outer hop limit / TTL. Default 64. */
  hopLimit?: number;
  /** Outer UDP destination port. Default 4789. */
  port?: number;
  /** Traffic class / TOS of the outer header. Default 0. */
  trafficClass?: number;
  /** IPv6: put the inner flow hash in the flow label (RFC 6438). Default true. */
  flowLabel?: boolean;
  outerEthernet?: OuterEthernet;
  /** Randomness for fragment identifications; default crypto.getRandomValues. */
  random?: RandomSource;
}

const OVERHEAD = UDP_HEADER_LENGTH + VXLAN_HEADER_LENGTH;

/**
 * Inner frame + VNI + remote VTEP → outer frame(s) (RFC 7348 §5, over IPv6 or IPv4).
 *
 * Over IPv6, an outer packet larger than the MTU is split into fragments (RFC 8200 §4.5) with
 * unpredictable identifications that are unique among datagrams in flight (see fragment-id.ts).
 * Over IPv4 a too-large packet is a VxlanEncodeError (ERR_VXLAN_TOO_BIG): we set DF and do not
 * fragment IPv4.
 */
export class VxlanEncapsulator {
  readonly local: Uint8Array;
  readonly ipv6: boolean;
  readonly mtu: number;
  readonly hopLimit: number;
  readonly port: number;
  readonly trafficClass: number;
  readonly useFlowLabel: boolean;
  /** Bytes of link header in front of each outer packet (0 when producing bare IP packets). */
  readonly linkHeaderLength: number;
  private readonly linkHeader: Uint8Array;
  private readonly ids: FragmentIdGenerator;
  /** UDP + VXLAN headers of a datagram being fragmented (reused). */
  private readonly head = new Uint8Array(OVERHEAD);
  private readonly scratchLengths: number[] = [];
  private ipv4Id = 0;

  constructor(options: EncapsulatorOptions) {
    const local = options.local;
    if (local.length !== 16 && local.length !== 4) throw new VxlanConfigError('local', 'a VTEP address is 16 (IPv6) or 4 (IPv4) bytes');
    this.local = local.slice();
    this.ipv6 = local.length === 16;
    this.mtu = options.mtu ?? 1500;
    this.hopLimit = options.hopLimit ?? 64;
    this.port = options.port ?? VXLAN_PORT;
    this.trafficClass = options.trafficClass ?? 0;
    this.useFlowLabel = options.flowLabel ?? true;
    if (!Number.isInteger(this.mtu) || this.mtu > 0xffff || this.mtu < (this.ipv6 ? IPV6_MIN_MTU : 576)) {
      throw new VxlanConfigError('mtu', `${this.mtu} is outside ${this.ipv6 ? IPV6_MIN_MTU : 576}..65535`);
    }
    if (!Number.isInteger(this.hopLimit) || this.hopLimit < 1 || this.hopLimit > 255) throw new VxlanConfigError('hopLimit', 'must be 1..255');
    if (!Number.isInteger(this.port) || this.port < 1 || this.port > 0xffff) throw new VxlanConfigError('port', 'must be 1..65535');
    if (!Number.isInteger(this.trafficClass) || this.trafficClass < 0 || this.trafficClass > 0xff) throw new VxlanConfigError('trafficClass', 'must be 0..255');
    const eth = options.outerEthernet;
    if (eth !== undefined) {
      if (eth.source.length !== 6 || eth.destination.length !== 6) throw new VxlanConfigError('outerEthernet', 'MAC addresses are 6 bytes');
      const tags = eth.vlan === undefined ? [] : [eth.vlan];
      this.linkHeader = new Uint8Array(ETHERNET_HEADER_LENGTH + tags.length * VLAN_TAG_LENGTH);
      writeEthernetHeader(this.linkHeader, 0, {
        destination: eth.destination,
        source: eth.source,
        tags,
        etherType: this.ipv6 ? EtherType.ipv6 : EtherType.ipv4,
      });
    } else {
      this.linkHeader = new Uint8Array(0);
    }
    this.linkHeaderLength = this.linkHeader.length;
    this.ids = new FragmentIdGenerator(options.random);
    this.ipv4Id = this.ids.next() & 0xffff;
  }

  /** Outer IP packet length for an inner frame of `innerLength` bytes, before any fragmentation. */
  outerPacketLength(innerLength: number): number {
    return (this.ipv6 ? IPV6_HEADER_LENGTH : IPV4_HEADER_LENGTH) + OVERHEAD + innerLength;
  }

  /** Number of frames `encapsulateInto` writes for an inner frame of `innerLength` bytes. */
  frameCount(innerLength: number): number {
    const packet = this.outerPacketLength(innerLength);
    if (packet <= this.mtu) return 1;
    if (!this.ipv6) return 0;
    return Math.ceil((packet - IPV6_HEADER_LENGTH) / fragmentPayloadSize(this.mtu, IPV6_HEADER_LENGTH));
  }

  /** Total bytes `encapsulateInto` writes (all frames, link headers included). */
  encapsulatedLength(innerLength: number): number {
    const n = this.frameCount(innerLength);
    const extra = n > 1 ? (n - 1) * (this.linkHeaderLength + IPV6_HEADER_LENGTH) + n * FRAGMENT_HEADER_LENGTH : 0;
    return this.linkHeaderLength + this.outerPacketLength(innerLength) + extra;
  }

  /**
   * Writes the outer frame(s) for `inner` back to back into `out` from `offset`, frame i's length
   * into `lengths[i]`, and returns the frame count. Allocates nothing.
   */
  encapsulateInto(inner: Uint8Array, vni: number, remote: Uint8Array, out: Uint8Array, offset: number, lengths: number[] | Uint32Array): number {
    if (!isValidVni(vni)) throw new VxlanEncodeError('vni', `${vni} is not a 24-bit VNI`);
    if (remote.length !== this.local.length) throw new VxlanEncodeError('remote', `remote VTEP must be ${this.local.length} bytes like the local one`);
    const packetLength = this.outerPacketLength(inner.length);
    if (packetLength > 0xffff + (this.ipv6 ? IPV6_HEADER_LENGTH : 0)) throw new VxlanEncodeError('inner', 'inner frame too long', VxlanErrorCode.tooBig);
    const sourcePort = sourcePortFor(inner);
    if (packetLength <= this.mtu) {
      if (offset + this.linkHeaderLength + packetLength > out.length) throw new VxlanEncodeError('out', 'output buffer too small');
      out.set(this.linkHeader, offset);
      this.writePacket(inner, vni, remote, sourcePort, out, offset + this.linkHeaderLength);
      lengths[0] = this.linkHeaderLength + packetLength;
      return 1;
    }
    if (!this.ipv6) throw new VxlanEncodeError('inner', `outer IPv4 packet of ${packetLength} bytes exceeds MTU ${this.mtu}`, VxlanErrorCode.tooBig);
    return this.writeFragments(inner, vni, remote, sourcePort, out, offset, lengths);
  }

  /**
   * RFC 8200 §4.5 for our own datagrams, written straight into `out`: no extension headers, so the
   * unfragmentable part is the fixed header, and the first fragment carries UDP and VXLAN headers.
   * (fragmentIpv6Into does the general case; this avoids building the whole packet first.)
   */
  private writeFragments(inner: Uint8Array, vni: number, remote: Uint8Array, sourcePort: number, out: Uint8Array, offset: number, lengths: number[] | Uint32Array): number {
    const udpLength = OVERHEAD + inner.length;
    const chunk = fragmentPayloadSize(this.mtu, IPV6_HEADER_LENGTH);
    const count = Math.ceil(udpLength / chunk);
    const link = this.linkHeaderLength;
    const perFrame = link + IPV6_HEADER_LENGTH + FRAGMENT_HEADER_LENGTH;
    if (offset + count * perFrame + udpLength > out.length) throw new VxlanEncodeError('out', 'output buffer too small');
    const head = this.head;
    writeUdpVxlanHeaders(head, 0, sourcePort, this.port, udpLength, vni);
    let sum = sumWords(this.local, 0, 16, sumWords(remote, 0, 16, 0)) + udpLength + IpProtocol.udp;
    sum = sumWords(inner, 0, inner.length, sumWords(head, 0, OVERHEAD, sum));
    let c = finishChecksum(sum);
    if (c === 0) c = 0xffff;
    head[6] = c >>> 8;
    head[7] = c & 0xff;
    const id = this.ids.next();
    const flowLabel = this.flowLabelFor(sourcePort);
    let o = offset;
    for (let i = 0, from = 0; i < count; i++, from += chunk) {
      const size = Math.min(chunk, udpLength - from);
      if (link > 0) out.set(this.linkHeader, o);
      const ip = o + link;
      writeIpv6Header(out, ip, this.trafficClass, flowLabel, FRAGMENT_HEADER_LENGTH + size, IpProtocol.fragment, this.hopLimit, this.local, remote);
      const f = ip + IPV6_HEADER_LENGTH;
      const offsetAndFlags = from | (i < count - 1 ? 1 : 0);
      out[f] = IpProtocol.udp;
      out[f + 1] = 0;
      out[f + 2] = offsetAndFlags >>> 8;
      out[f + 3] = offsetAndFlags & 0xff;
      out[f + 4] = id >>> 24;
      out[f + 5] = (id >>> 16) & 0xff;
      out[f + 6] = (id >>> 8) & 0xff;
      out[f + 7] = id & 0xff;
      let d = f + FRAGMENT_HEADER_LENGTH;
      let innerFrom = from - OVERHEAD;
      if (innerFrom < 0) {
        // Only in the first fragment: a chunk (>= 1232 bytes at the minimum MTU) covers the 16 header bytes.
        out.set(head, d);
        d += OVERHEAD;
        innerFrom = 0;
      }
      out.set(inner.subarray(innerFrom, from + size - OVERHEAD), d);
      lengths[i] = perFrame + size;
      o += perFrame + size;
    }
    return count;
  }

  private flowLabelFor(sourcePort: number): number {
    // The flow label reuses the port hash's entropy: 14 hash bits spread over 20.
    return this.useFlowLabel ? (Math.imul(sourcePort, 0x9e3779b1) >>> 12) & 0xfffff : 0;
  }

  /** Convenience form: a new array per outer frame. */
  encapsulate(inner: Uint8Array, vni: number, remote: Uint8Array): Uint8Array[] {
    const out = new Uint8Array(this.encapsulatedLength(inner.length));
    const lengths = this.scratchLengths;
    const n = this.encapsulateInto(inner, vni, remote, out, 0, lengths);
    if (n === 1) return [out];
    const frames: Uint8Array[] = [];
    for (let i = 0, o = 0; i < n; i++) {
      frames.push(out.subarray(o, o + lengths[i]!));
      o += lengths[i]!;
    }
    return frames;
  }

  private writePacket(inner: Uint8Array, vni: number, remote: Uint8Array, sourcePort: number, buf: Uint8Array, ip: number): void {
    const udpLength = OVERHEAD + inner.length;
    let udp: number;
    if (this.ipv6) {
      writeIpv6Header(buf, ip, this.trafficClass, this.flowLabelFor(sourcePort), udpLength, IpProtocol.udp, this.hopLimit, this.local, remote);
      udp = ip + IPV6_HEADER_LENGTH;
    } else {
      this.ipv4Id = (this.ipv4Id + 1) & 0xffff;
      writeIpv4Header(buf, ip, this.trafficClass, IPV4_HEADER_LENGTH + udpLength, this.ipv4Id, true, this.hopLimit, IpProtocol.udp, this.local, remote);
      udp = ip + IPV4_HEADER_LENGTH;
    }
    writeUdpVxlanHeaders(buf, udp, sourcePort, this.port, udpLength, vni);
    buf.set(inner, udp + OVERHEAD);
    // Over IPv4 the checksum is also computed: zero would be legal, but a checksum costs little here.
    const c = this.ipv6 ? innerAwareChecksum(buf, ip, udp, udpLength, inner) : udpChecksum(buf, ip, false, udp, udpLength);
    buf[udp + 6] = c >>> 8;
    buf[udp + 7] = c & 0xff;
  }
}

/** UDP header (checksum zero, filled in later) and VXLAN header at `at`. */
function writeUdpVxlanHeaders(buf: Uint8Array, at: number, sourcePort: number, port: number, udpLength: number, vni: number): void {
  buf[at] = sourcePort >>> 8;
  buf[at + 1] = sourcePort & 0xff;
  buf[at + 2] = port >>> 8;
  buf[at + 3] = port & 0xff;
  buf[at + 4] = udpLength >>> 8;
  buf[at + 5] = udpLength & 0xff;
  buf[at + 6] = 0;
  buf[at + 7] = 0;
  writeVxlanHeader(buf, at + UDP_HEADER_LENGTH, vni);
}

/** IPv6 UDP checksum summing the inner frame from its own array (hot in cache) instead of the copy. */
function innerAwareChecksum(buf: Uint8Array, ip: number, udp: number, udpLength: number, inner: Uint8Array): number {
  let sum = ipv6PseudoHeaderSum(buf, ip + 8, ip + 24, udpLength, IpProtocol.udp);
  sum = sumWords(buf, udp, udp + OVERHEAD, sum);
  sum = sumWords(inner, 0, inner.length, sum);
  const c = finishChecksum(sum);
  return c === 0 ? 0xffff : c;
}

import { internetChecksum } from './checksum.js';
import { DropReason, DROP_REASONS, newDropCounters, type DropCounters } from './drop.js';
import { VxlanConfigError } from './errors.js';
import { ethernetPayloadOffset } from './ethernet.js';
import { ETHERNET_HEADER_LENGTH, EtherType, IPV4_HEADER_LENGTH, IPV6_HEADER_LENGTH, IpProtocol, UDP_HEADER_LENGTH, VXLAN_HEADER_LENGTH, VXLAN_PORT } from './iana.js';
import { Ipv6Chain, walkAfterFragmentHeader, walkIpv6Chain } from './ipv6.js';
import { Reassembler, type ReassemblyOptions } from './reassembly.js';
import { verifyUdpChecksum } from './udp.js';
import { VXLAN_FLAG_I } from './vxlan-header.js';

export interface DecapsulatorOptions {
  /** What `decapsulate` is given: Ethernet frames (default) or bare IP packets. */
  linkType?: 'ethernet' | 'ip';
  /** UDP destination port that carries VXLAN. Default 4789. */
  port?: number;
  /** Accept only packets addressed to one of these (4 or 16 bytes each); any address when absent. */
  localAddresses?: readonly Uint8Array[];
  /** RFC 6935/6936: accept a zero UDP checksum over IPv6 (off by default; the kernel's udp6zerocsumrx). */
  allowZeroChecksumIpv6?: boolean;
  reassembly?: ReassemblyOptions;
}

/**
 * A decapsulated frame. `source` (the remote VTEP) and `inner` are views into the frame given to
 * `decapsulate` (or into the reassembled packet): copy them to keep them past that buffer's reuse.
 */
export interface DecapFrame {
  readonly kind: 'frame';
  readonly vni: number;
  readonly source: Uint8Array;
  readonly sourcePort: number;
  readonly inner: Uint8Array;
}

export interface DecapDrop {
  readonly kind: 'drop';
  readonly reason: DropReason;
}

/** A fragment was stored; the datagram completes with a later fragment (or times out). */
export interface DecapPending {
  readonly kind: 'pending';
}

export type DecapResult = DecapFrame | DecapDrop | DecapPending;

const DROPS = Object.fromEntries(DROP_REASONS.map((reason) => [reason, Object.freeze({ kind: 'drop', reason })])) as Record<DropReason, DecapDrop>;
const PENDING: DecapPending = Object.freeze({ kind: 'pending' });

/**
 * Outer frame → (VNI, source VTEP, inner frame), or a typed drop reason. Validates Ethernet (VLAN
 * tags skipped), IPv6 with its extension-header chain or IPv4, the UDP length and checksum, the
 * VXLAN I flag, and reassembles outer IPv6 fragments. Never throws on packet contents; every drop is
 * counted in `counters`.
 */
export class VxlanDecapsulator {
  readonly counters: DropCounters;
  readonly reassembler: Reassembler;
  /** Frames handed to decapsulate. */
  received = 0;
  /** Inner frames returned. */
  delivered = 0;
  private readonly ethernet: boolean;
  private readonly port: number;
  private readonly locals6: Uint8Array[];
  private readonly locals4: Uint8Array[];
  private readonly anyLocal: boolean;
  private readonly allowZeroChecksumIpv6: boolean;
  private readonly chain = new Ipv6Chain();

  constructor(options: DecapsulatorOptions = {}) {
    this.ethernet = (options.linkType ?? 'ethernet') === 'ethernet';
    this.port = options.port ?? VXLAN_PORT;
    if (!Number.isInteger(this.port) || this.port < 1 || this.port > 0xffff) throw new VxlanConfigError('port', 'must be 1..65535');
    const locals = options.localAddresses ?? [];
    for (const a of locals) if (a.length !== 4 && a.length !== 16) throw new VxlanConfigError('localAddresses', 'addresses are 4 or 16 bytes');
    this.locals6 = locals.filter((a) => a.length === 16).map((a) => a.slice());
    this.locals4 = locals.filter((a) => a.length === 4).map((a) => a.slice());
    this.anyLocal = locals.length === 0;
    this.allowZeroChecksumIpv6 = options.allowZeroChecksumIpv6 ?? false;
    this.counters = options.reassembly?.counters ?? newDropCounters();
    this.reassembler = new Reassembler({ ...options.reassembly, counters: this.counters });
  }

  /** Decapsulates one received frame; `now` (ms) drives reassembly timeouts. */
  decapsulate(frame: Uint8Array, now = 0): DecapResult {
    this.received++;
    const len = frame.length;
    if (!this.ethernet) {
      if (len < 1) return this.drop(DropReason.truncated);
      const version = frame[0]! >>> 4;
      if (version === 6) return this.ipv6(frame, 0, len, now, false);
      if (version === 4) return this.ipv4(frame, 0, len);
      return this.drop(DropReason.badIpVersion);
    }
    if (len < ETHERNET_HEADER_LENGTH) return this.drop(DropReason.truncated);
    const p = ethernetPayloadOffset(frame, 0, len);
    if (p === -1) return this.drop(DropReason.truncated);
    if (p === -2) return this.drop(DropReason.tooManyVlanTags);
    const etherType = (frame[p - 2]! << 8) | frame[p - 1]!;
    if (etherType === EtherType.ipv6) return this.ipv6(frame, p, len, now, false);
    if (etherType === EtherType.ipv4) return this.ipv4(frame, p, len);
    return this.drop(DropReason.notIp);
  }

  private ipv6(buf: Uint8Array, ip: number, len: number, now: number, reassembled: boolean): DecapResult {
    if (ip + IPV6_HEADER_LENGTH > len) return this.drop(DropReason.truncated);
    if (buf[ip]! >>> 4 !== 6) return this.drop(DropReason.badIpVersion);
    const payloadLength = (buf[ip + 4]! << 8) | buf[ip + 5]!;
    // Zero would announce a jumbogram (RFC 2675), which no 1500-byte underlay carries.
    if (payloadLength === 0) return this.drop(DropReason.badIpLength);
    const end = ip + IPV6_HEADER_LENGTH + payloadLength;
    if (end > len) return this.drop(DropReason.truncated);
    if (!this.anyLocal && !matchesAny(this.locals6, buf, ip + 24)) return this.drop(DropReason.notLocalAddress);
    const chain = this.chain;
    const bad = walkIpv6Chain(buf, ip, end, !reassembled, chain);
    if (bad !== null) return this.drop(bad);
    if (chain.fragmentOffset >= 0) {
      const f = chain.fragmentOffset;
      const atomic = buf[f + 2] === 0 && (buf[f + 3]! & 0xf9) === 0;
      if (atomic) {
        // RFC 6946: no reassembly state; just step over the fragment header.
        const after = walkAfterFragmentHeader(buf, f, end, chain);
        if (after !== null) return this.drop(after);
      } else {
        const result = this.reassembler.add(buf, ip, end, f, chain.nextHeaderFieldOffset, now);
        if (result === null) return PENDING;
        if (typeof result === 'string') return DROPS[result]; // counted by the reassembler
        return this.ipv6(result, 0, result.length, now, true);
      }
    }
    return this.udp(buf, ip, true, chain.upperOffset, end);
  }

  private ipv4(buf: Uint8Array, ip: number, len: number): DecapResult {
    if (ip + IPV4_HEADER_LENGTH > len) return this.drop(DropReason.truncated);
    const vihl = buf[ip]!;
    if (vihl >>> 4 !== 4) return this.drop(DropReason.badIpVersion);
    const ihl = (vihl & 0xf) * 4;
    if (ihl < IPV4_HEADER_LENGTH) return this.drop(DropReason.badIpLength);
    if (ip + ihl > len) return this.drop(DropReason.truncated);
    if (internetChecksum(buf, ip, ip + ihl) !== 0) return this.drop(DropReason.badIpv4Checksum);
    const totalLength = (buf[ip + 2]! << 8) | buf[ip + 3]!;
    if (totalLength < ihl) return this.drop(DropReason.badIpLength);
    const end = ip + totalLength;
    if (end > len) return this.drop(DropReason.truncated);
    if ((((buf[ip + 6]! & 0x3f) << 8) | buf[ip + 7]!) !== 0) return this.drop(DropReason.ipv4Fragment);
    if (!this.anyLocal && !matchesAny(this.locals4, buf, ip + 16)) return this.drop(DropReason.notLocalAddress);
    if (buf[ip + 9] !== IpProtocol.udp) return this.drop(DropReason.notUdp);
    return this.udp(buf, ip, false, ip + ihl, end);
  }

  private udp(buf: Uint8Array, ip: number, ipv6: boolean, udp: number, end: number): DecapResult {
    if (udp + UDP_HEADER_LENGTH > end) return this.drop(DropReason.truncated);
    const udpLength = (buf[udp + 4]! << 8) | buf[udp + 5]!;
    // The IP length is authoritative; a UDP length that disagrees means a broken or forged packet.
    if (udpLength !== end - udp) return this.drop(DropReason.badUdpLength);
    if (((buf[udp + 2]! << 8) | buf[udp + 3]!) !== this.port) return this.drop(DropReason.notVxlanPort);
    const checksum = (buf[udp + 6]! << 8) | buf[udp + 7]!;
    if (checksum === 0) {
      if (ipv6 && !this.allowZeroChecksumIpv6) return this.drop(DropReason.udpZeroChecksum);
    } else if (!verifyUdpChecksum(buf, ip, ipv6, udp, udpLength)) {
      return this.drop(DropReason.badUdpChecksum);
    }
    const vx = udp + UDP_HEADER_LENGTH;
    if (vx + VXLAN_HEADER_LENGTH > end) return this.drop(DropReason.truncated);
    if ((buf[vx]! & VXLAN_FLAG_I) === 0) return this.drop(DropReason.vxlanFlagNotSet);
    const inner = vx + VXLAN_HEADER_LENGTH;
    if (end - inner < ETHERNET_HEADER_LENGTH) return this.drop(DropReason.innerFrameTooShort);
    this.delivered++;
    return {
      kind: 'frame',
      vni: (buf[vx + 4]! << 16) | (buf[vx + 5]! << 8) | buf[vx + 6]!,
      source: buf.subarray(ip + (ipv6 ? 8 : 12), ip + (ipv6 ? 24 : 16)),
      sourcePort: (buf[udp]! << 8) | buf[udp + 1]!,
      inner: buf.subarray(inner, end),
    };
  }

  private drop(reason: DropReason): DecapDrop {
    this.counters[reason]++;
    return DROPS[reason];
  }
}

function matchesAny(list: Uint8Array[], buf: Uint8Array, at: number): boolean {
  outer: for (let k = 0; k < list.length; k++) {
    const a = list[k]!;
    for (let i = 0; i < a.length; i++) if (a[i] !== buf[at + i]) continue outer;
    return true;
  }
  return false;
}

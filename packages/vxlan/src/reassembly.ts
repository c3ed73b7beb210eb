import { DropReason, newDropCounters, type DropCounters } from './drop.js';
import { VxlanConfigError } from './errors.js';
import { FRAGMENT_HEADER_LENGTH, IPV6_HEADER_LENGTH, IpProtocol, UDP_HEADER_LENGTH } from './iana.js';
import { Ipv6Chain, walkAfterFragmentHeader } from './ipv6.js';

/*
 * IPv6 reassembly (RFC 8200 §4.5) with the later hardening:
 * - RFC 5722: a fragment overlapping another discards the whole datagram, including fragments
 *   still to come (kept as a tombstone until the timeout). Exact duplicates are tolerated.
 * - RFC 6946: an atomic fragment (offset 0, M clear) is processed at once, never mixed with state.
 * - RFC 7112: a first fragment that does not hold the whole header chain is dropped.
 * - Memory is bounded per source and globally; over a limit, the oldest datagrams go first, so a
 *   flood of fragments that never complete ages out instead of starving datagrams that do.
 * No timers: every call takes `now` (ms), and expired datagrams are swept on each call.
 */

/** Bookkeeping cost charged per stored fragment and per datagram, on top of the buffer bytes. */
export const PIECE_OVERHEAD = 64;
export const DATAGRAM_OVERHEAD = 192;

export interface ReassemblyOptions {
  /** Lifetime of an incomplete datagram, from its first fragment (RFC 8200: 60 s). */
  timeoutMs?: number;
  /** Accounted bytes over all datagrams. */
  maxBytes?: number;
  /** Accounted bytes per source address. */
  maxBytesPerSource?: number;
  /** Counters to increment (shared with a decapsulator); a fresh set by default. */
  counters?: DropCounters;
}

interface Piece {
  offset: number;
  end: number;
}

/**
 * Bytes kept free in front of a datagram's buffer for its unfragmentable part, so the completed
 * packet is one view of one buffer (one allocation per datagram, not one per fragment).
 */
const HEADROOM = 128;

/**
 * Datagram buffers are carved out of slabs of this size: allocating a fresh ArrayBuffer per datagram
 * costs more than the reassembly itself. A slab is freed once no datagram or returned packet uses it.
 */
const SLAB_SIZE = 256 * 1024;

class SourceState {
  bytes = 0;
  readonly datagrams = new Set<Datagram>();
  constructor(readonly key: string) {}
}

class Datagram {
  pieces: Piece[] = [];
  received = 0;
  /** Length of the fragmentable part, known once the last fragment arrived; -1 before. */
  totalLength = -1;
  /**
   * Fragment data lives at HEADROOM + offset; the unfragmentable part of the first fragment (its
   * next-header byte already naming the upper layer) ends at HEADROOM, or sits in `bigHeader`.
   */
  buf: Uint8Array | null = null;
  /** Length of the unfragmentable part once the first fragment arrived; -1 before. */
  headerLength = -1;
  /** An unfragmentable part longer than HEADROOM (rare: long hop-by-hop or routing headers). */
  bigHeader: Uint8Array | null = null;
  memory = 0;
  discarded = false;
  constructor(
    readonly key: string,
    readonly source: SourceState,
    readonly createdAt: number,
  ) {}
}

/** Result of offering a fragment: the whole packet, a drop, or null while more fragments are due. */
export type ReassemblyResult = Uint8Array | DropReason | null;

export class Reassembler {
  readonly counters: DropCounters;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly maxBytesPerSource: number;
  /** Datagrams completed. */
  reassembled = 0;
  private readonly datagrams = new Map<string, Datagram>();
  private readonly sources = new Map<string, SourceState>();
  private bytes = 0;
  private readonly chain = new Ipv6Chain();
  private slab = new Uint8Array(0);
  private slabUsed = 0;

  constructor(options: ReassemblyOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
    this.maxBytesPerSource = options.maxBytesPerSource ?? 1024 * 1024;
    this.counters = options.counters ?? newDropCounters();
    if (!(this.timeoutMs > 0)) throw new VxlanConfigError('timeoutMs', 'must be positive');
    if (!(this.maxBytesPerSource >= DATAGRAM_OVERHEAD + PIECE_OVERHEAD)) throw new VxlanConfigError('maxBytesPerSource', 'too small for one fragment');
    if (!(this.maxBytes >= this.maxBytesPerSource)) throw new VxlanConfigError('maxBytes', 'must be at least maxBytesPerSource');
  }

  /** Accounted bytes held now (payloads, headers and bookkeeping). */
  get memory(): number {
    return this.bytes;
  }

  /** Accounted bytes held now for datagrams from the 16-byte source `address`. */
  sourceMemory(address: Uint8Array): number {
    let k = '';
    for (let i = 0; i < 16; i += 2) k += String.fromCharCode((address[i]! << 8) | address[i + 1]!);
    return this.sources.get(k)?.bytes ?? 0;
  }

  /** Datagrams held now, tombstones of discarded ones included. */
  get inFlight(): number {
    return this.datagrams.size;
  }

  /** Drops every datagram whose lifetime ended by `now`; `add` does this on each call. */
  expire(now: number): void {
    for (const dg of this.datagrams.values()) {
      if (now - dg.createdAt < this.timeoutMs) break;
      if (!dg.discarded) this.counters[DropReason.reassemblyTimeout]++;
      this.remove(dg);
    }
  }

  /**
   * Offers the fragment in packet[ipStart, end): an IPv6 packet (`end` from its payload length)
   * whose fragment header is at `fragmentOffset`, named by the byte at `nextHeaderFieldOffset`.
   * Fragment bytes are copied; the caller may reuse `packet` afterwards. A completed packet is a
   * view of a buffer no longer used here (the caller owns it), without the fragment header. Every
   * drop has been counted when this returns.
   */
  add(packet: Uint8Array, ipStart: number, end: number, fragmentOffset: number, nextHeaderFieldOffset: number, now: number): ReassemblyResult {
    const f = fragmentOffset;
    const upperNext = packet[f]!;
    const offsetAndFlags = (packet[f + 2]! << 8) | packet[f + 3]!;
    const offset = offsetAndFlags & 0xfff8;
    const more = (offsetAndFlags & 1) === 1;
    const dataStart = f + FRAGMENT_HEADER_LENGTH;
    const size = end - dataStart;
    if (size < 0) return this.drop(DropReason.truncated);
    const unfragLength = f - ipStart;

    if (offset === 0 && !more) return this.atomic(packet, ipStart, end, f, nextHeaderFieldOffset);
    if (size === 0 || (more && (size & 7) !== 0) || unfragLength - IPV6_HEADER_LENGTH + offset + size > 0xffff) {
      return this.drop(DropReason.fragmentBadLength);
    }
    if (offset === 0) {
      const bad = this.checkFirstFragmentChain(packet, f, end);
      if (bad !== null) return this.drop(bad);
    }

    this.expire(now);
    const key = datagramKey(packet, ipStart, packet[f + 4]!, packet[f + 5]!, packet[f + 6]!, packet[f + 7]!);
    let dg = this.datagrams.get(key);
    if (dg === undefined) {
      const sourceKey = key.slice(0, 8);
      let source = this.sources.get(sourceKey);
      if (source === undefined) {
        source = new SourceState(sourceKey);
        this.sources.set(sourceKey, source);
      }
      dg = new Datagram(key, source, now);
      this.datagrams.set(key, dg);
      source.datagrams.add(dg);
      this.charge(dg, DATAGRAM_OVERHEAD);
    } else if (dg.discarded) {
      return this.drop(DropReason.fragmentOfDiscarded);
    }

    const pieceEnd = offset + size;
    if (!more) {
      if ((dg.totalLength >= 0 && dg.totalLength !== pieceEnd) || lastPieceEnd(dg) > pieceEnd) return this.discard(dg, DropReason.reassemblyBadEnd);
      dg.totalLength = pieceEnd;
    } else if (dg.totalLength >= 0 && pieceEnd > dg.totalLength) {
      return this.discard(dg, DropReason.reassemblyBadEnd);
    }

    // Sorted insert with the RFC 5722 overlap check; usually one or two pieces.
    const pieces = dg.pieces;
    let at = pieces.length;
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!;
      if (p.offset === offset && p.end === pieceEnd && bytesEqual(dg.buf!, HEADROOM + offset, packet, dataStart, size)) return this.drop(DropReason.fragmentDuplicate);
      if (offset < p.end && p.offset < pieceEnd) return this.discard(dg, DropReason.reassemblyOverlap);
      if (p.offset > offset && at === pieces.length) at = i;
    }
    pieces.splice(at, 0, { offset, end: pieceEnd });
    this.ensureCapacity(dg, pieceEnd);
    const buf = dg.buf!;
    buf.set(packet.subarray(dataStart, end), HEADROOM + offset);
    dg.received += size;
    this.charge(dg, PIECE_OVERHEAD);
    if (offset === 0) {
      dg.headerLength = unfragLength;
      if (unfragLength <= HEADROOM) {
        buf.set(packet.subarray(ipStart, f), HEADROOM - unfragLength);
        buf[HEADROOM - unfragLength + nextHeaderFieldOffset - ipStart] = upperNext;
      } else {
        const header = packet.slice(ipStart, f);
        header[nextHeaderFieldOffset - ipStart] = upperNext;
        dg.bigHeader = header;
        this.charge(dg, unfragLength);
      }
    }

    const evicted = this.enforceLimits(dg);
    if (evicted !== null) return evicted;
    if (dg.headerLength >= 0 && dg.totalLength >= 0 && dg.received === dg.totalLength) return this.complete(dg);
    return null;
  }

  private atomic(packet: Uint8Array, ipStart: number, end: number, f: number, nextHeaderFieldOffset: number): ReassemblyResult {
    const bad = this.checkFirstFragmentChain(packet, f, end);
    if (bad !== null) return this.drop(bad);
    const out = new Uint8Array(end - ipStart - FRAGMENT_HEADER_LENGTH);
    out.set(packet.subarray(ipStart, f), 0);
    out.set(packet.subarray(f + FRAGMENT_HEADER_LENGTH, end), f - ipStart);
    out[nextHeaderFieldOffset - ipStart] = packet[f]!;
    const payloadLength = out.length - IPV6_HEADER_LENGTH;
    out[4] = payloadLength >>> 8;
    out[5] = payloadLength & 0xff;
    return out;
  }

  /** RFC 7112: everything from the fragment header to the end of the upper-layer header must be here. */
  private checkFirstFragmentChain(packet: Uint8Array, f: number, end: number): DropReason | null {
    const chain = this.chain;
    const bad = walkAfterFragmentHeader(packet, f, end, chain);
    if (bad === DropReason.truncated) return DropReason.fragmentIncompleteChain;
    if (bad === DropReason.fragmentNested || bad === DropReason.hopByHopNotFirst || bad === DropReason.routingSegmentsLeft) return bad;
    if (chain.upperProtocol === IpProtocol.udp && chain.upperOffset + UDP_HEADER_LENGTH > end) return DropReason.fragmentIncompleteChain;
    return null;
  }

  /**
   * Grows the datagram's buffer to hold fragmentable bytes up to `end`. Until the last fragment
   * tells the total, room for twice what arrived is reserved, so a two-fragment datagram whose
   * first fragment comes first allocates once.
   */
  private ensureCapacity(dg: Datagram, end: number): void {
    const old = dg.buf;
    if (old !== null && old.length >= HEADROOM + end) return;
    const want = dg.totalLength >= 0 ? dg.totalLength : Math.min(0xffff, Math.max(end * 2, 1024));
    const buf = this.allocate(HEADROOM + Math.max(want, end));
    if (old !== null) buf.set(old, 0);
    dg.buf = buf;
    this.charge(dg, buf.length - (old === null ? 0 : old.length));
  }

  /** Zeroed bytes for a datagram: a slice of the current slab, or its own buffer when large. */
  private allocate(n: number): Uint8Array {
    if (n > SLAB_SIZE / 8) return new Uint8Array(n);
    if (this.slabUsed + n > this.slab.length) {
      this.slab = new Uint8Array(SLAB_SIZE);
      this.slabUsed = 0;
    }
    const view = this.slab.subarray(this.slabUsed, this.slabUsed + n);
    this.slabUsed += (n + 7) & ~7;
    return view;
  }

  private complete(dg: Datagram): Uint8Array {
    const buf = dg.buf!;
    const headerLength = dg.headerLength;
    let out: Uint8Array;
    if (dg.bigHeader === null) {
      out = buf.subarray(HEADROOM - headerLength, HEADROOM + dg.totalLength);
    } else {
      out = new Uint8Array(headerLength + dg.totalLength);
      out.set(dg.bigHeader, 0);
      out.set(buf.subarray(HEADROOM, HEADROOM + dg.totalLength), headerLength);
    }
    const payloadLength = out.length - IPV6_HEADER_LENGTH;
    out[4] = payloadLength >>> 8;
    out[5] = payloadLength & 0xff;
    this.remove(dg);
    this.reassembled++;
    return out;
  }

  private enforceLimits(current: Datagram): DropReason | null {
    let result: DropReason | null = null;
    const source = current.source;
    while (source.bytes > this.maxBytesPerSource) {
      const oldest = source.datagrams.values().next().value!;
      if (!oldest.discarded) this.counters[DropReason.reassemblyEvictedPerSource]++;
      if (oldest === current) result = DropReason.reassemblyEvictedPerSource;
      this.remove(oldest);
    }
    while (this.bytes > this.maxBytes) {
      const oldest = this.datagrams.values().next().value!;
      if (!oldest.discarded) this.counters[DropReason.reassemblyEvictedGlobal]++;
      if (oldest === current) result = DropReason.reassemblyEvictedGlobal;
      this.remove(oldest);
    }
    return result;
  }

  private charge(dg: Datagram, n: number): void {
    dg.memory += n;
    dg.source.bytes += n;
    this.bytes += n;
  }

  /** RFC 5722: forget the fragments but remember the datagram, so its late fragments are dropped too. */
  private discard(dg: Datagram, reason: DropReason): DropReason {
    this.counters[reason]++;
    dg.discarded = true;
    dg.pieces = [];
    dg.buf = null;
    dg.bigHeader = null;
    this.charge(dg, DATAGRAM_OVERHEAD - dg.memory);
    return reason;
  }

  private remove(dg: Datagram): void {
    this.datagrams.delete(dg.key);
    const source = dg.source;
    source.datagrams.delete(dg);
    source.bytes -= dg.memory;
    this.bytes -= dg.memory;
    if (source.datagrams.size === 0) this.sources.delete(source.key);
  }

  private drop(reason: DropReason): DropReason {
    this.counters[reason]++;
    return reason;
  }
}

function lastPieceEnd(dg: Datagram): number {
  const last = dg.pieces[dg.pieces.length - 1];
  return last === undefined ? 0 : last.end;
}

function bytesEqual(a: Uint8Array, aStart: number, b: Uint8Array, bStart: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[aStart + i] !== b[bStart + i]) return false;
  return true;
}

/** (source, destination, identification) as a string: 16 UTF-16 units of addresses, then 2 of id. */
function datagramKey(b: Uint8Array, ipStart: number, i0: number, i1: number, i2: number, i3: number): string {
  let k = '';
  for (let i = ipStart + 8; i < ipStart + 40; i += 2) k += String.fromCharCode((b[i]! << 8) | b[i + 1]!);
  return k + String.fromCharCode((i0 << 8) | i1, (i2 << 8) | i3);
}

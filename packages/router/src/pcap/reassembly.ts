import { TcpFlag } from './frame.js';
import type { TcpSegment } from './frame.js';

/** One direction of one TCP connection. */
export interface TcpFlow {
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
  /** "src|srcPort|dst|dstPort": the direction's identity. */
  readonly key: string;
  /** The same for both directions of a connection. */
  readonly connectionKey: string;
}

/**
 * What reassembly yields, in stream order per direction:
 *   data   the next bytes of the stream, and the packet whose arrival made them available
 *   gap    `missing` bytes never captured before the next data (the stream resumes after them)
 *   open   a SYN started a new connection on this direction's address pair
 */
export type StreamEvent<P> =
  | { readonly kind: 'data'; readonly flow: TcpFlow; readonly bytes: Uint8Array; readonly packet: P }
  | { readonly kind: 'gap'; readonly flow: TcpFlow; readonly missing: number; readonly packet: P }
  | { readonly kind: 'open'; readonly flow: TcpFlow; readonly packet: P };

interface Pending<P> {
  readonly seq: number;
  readonly bytes: Uint8Array;
  readonly packet: P;
}

interface Direction<P> {
  readonly flow: TcpFlow;
  /** The sequence number of the next byte the stream needs; undefined until the first segment. */
  next: number | undefined;
  isn: number | undefined;
  /** Segments that arrived ahead of `next`, waiting for the bytes before them. */
  pending: Pending<P>[];
  /** Bytes dropped as already delivered (retransmissions, overlaps). */
  duplicateBytes: number;
}

/** a - b in sequence space (RFC 793 modulo 2^32 arithmetic), as a signed 32-bit number. */
function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/**
 * Puts the payloads of captured TCP segments back into stream order, one direction at a time:
 * out-of-order segments wait for the bytes before them, retransmitted and overlapping bytes are
 * delivered once, and bytes that never appear become a `gap` event when `finish()` gives up on
 * them (or a new SYN replaces the connection). A stream seen without its SYN starts at the
 * first segment captured.
 */
export class TcpReassembler<P> {
  private readonly directions = new Map<string, Direction<P>>();

  push(segment: TcpSegment, packet: P): StreamEvent<P>[] {
    const out: StreamEvent<P>[] = [];
    const d = this.direction(segment);
    if (segment.flags & TcpFlag.SYN) {
      if (d.isn !== segment.seq) {
        this.flush(d, out);
        d.isn = segment.seq;
        d.next = seqAdd(segment.seq, 1);
        d.pending = [];
        out.push({ kind: 'open', flow: d.flow, packet });
      }
      return out;
    }
    const length = segment.payload.length;
    if (d.next === undefined) d.next = segment.seq;
    if (length > 0) this.accept(d, segment.seq, segment.payload, packet, out);
    // Bytes cut off by the snap length: what follows them can only resume after a gap.
    if (segment.missing > 0) d.pending.push({ seq: seqAdd(segment.seq, length + segment.missing), bytes: new Uint8Array(0), packet });
    return out;
  }

  /** Ends every stream: bytes still waiting behind a hole are delivered after a `gap` event. */
  finish(): StreamEvent<P>[] {
    const out: StreamEvent<P>[] = [];
    for (const d of this.directions.values()) this.flush(d, out);
    return out;
  }

  /** Bytes dropped as retransmissions or overlaps, per direction key. */
  duplicates(): Map<string, number> {
    const m = new Map<string, number>();
    for (const [k, d] of this.directions) m.set(k, d.duplicateBytes);
    return m;
  }

  private direction(s: TcpSegment): Direction<P> {
    const key = `${s.src}|${s.srcPort}|${s.dst}|${s.dstPort}`;
    let d = this.directions.get(key);
    if (d === undefined) {
      const a = `${s.src}|${s.srcPort}`;
      const b = `${s.dst}|${s.dstPort}`;
      const connectionKey = a < b ? `${a}|${b}` : `${b}|${a}`;
      const flow: TcpFlow = { src: s.src, srcPort: s.srcPort, dst: s.dst, dstPort: s.dstPort, key, connectionKey };
      d = { flow, next: undefined, isn: undefined, pending: [], duplicateBytes: 0 };
      this.directions.set(key, d);
    }
    return d;
  }

  private accept(d: Direction<P>, seq: number, bytes: Uint8Array, packet: P, out: StreamEvent<P>[]): void {
    const offset = seqDiff(seq, d.next!);
    if (offset > 0) {
      d.pending.push({ seq, bytes, packet });
      return;
    }
    if (offset + bytes.length <= 0) {
      d.duplicateBytes += bytes.length;
      return;
    }
    d.duplicateBytes += -offset;
    const fresh = bytes.subarray(-offset);
    out.push({ kind: 'data', flow: d.flow, bytes: fresh, packet });
    d.next = seqAdd(d.next!, fresh.length);
    this.drain(d, out);
  }

  /** Delivers waiting segments that the stream has now reached. */
  private drain(d: Direction<P>, out: StreamEvent<P>[]): void {
    for (;;) {
      const i = d.pending.findIndex((p) => seqDiff(p.seq, d.next!) <= 0);
      if (i < 0) return;
      const p = d.pending[i]!;
      d.pending.splice(i, 1);
      const offset = seqDiff(p.seq, d.next!);
      if (offset + p.bytes.length <= 0) {
        d.duplicateBytes += p.bytes.length;
        continue;
      }
      d.duplicateBytes += -offset;
      const fresh = p.bytes.subarray(-offset);
      out.push({ kind: 'data', flow: d.flow, bytes: fresh, packet: p.packet });
      d.next = seqAdd(d.next!, fresh.length);
    }
  }

  /** Skips each hole in turn (reporting it) until nothing waits. */
  private flush(d: Direction<P>, out: StreamEvent<P>[]): void {
    while (d.pending.length > 0) {
      let first = d.pending[0]!;
      for (const p of d.pending) if (seqDiff(p.seq, first.seq) < 0) first = p;
      const missing = seqDiff(first.seq, d.next!);
      if (missing > 0) {
        out.push({ kind: 'gap', flow: d.flow, missing, packet: first.packet });
        d.next = first.seq;
      }
      this.drain(d, out);
      // Zero-length markers (snap-length cuts) that drain dropped leave nothing; loop ends when empty.
    }
  }
}

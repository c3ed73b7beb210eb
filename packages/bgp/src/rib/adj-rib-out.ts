import type { Nlri } from '../nlri/registry.js';
import type { Path, PeerRef, RibChange } from './types.js';
import type { ExportDecision } from './export.js';
import { RibError, RibErrorCode } from './types.js';
import { exportDecision } from './export.js';
import { OutEntry, packUpdates, type PackResult, type UpdateSizes } from './pack.js';

export interface AdjRibOutOptions<N extends Nlri, A, X> {
  /** Our CLUSTER_ID (RFC 4456), the router id unless configured otherwise. */
  readonly clusterId: number;
  /**
   * The attributes to send `path` to `to` with, given the export verdict (reflection, eBGP); undefined
   * means "do not send" (an export policy said no), and a withdrawal follows if it was sent before.
   * Packing groups NLRI by the returned object's identity unless `attrsKey` is given, so return the
   * same object for equal results (e.g. cache by source attributes and peer kind).
   */
  readonly exportAttributes: (path: Path<N, A>, to: PeerRef, decision: ExportDecision) => X | undefined;
  /** Equal keys = same attributes on the wire: groups NLRI into UPDATEs and suppresses repeats. */
  readonly attrsKey?: (attrs: X) => string;
  /**
   * Whether two NLRI of one destination are the same on the wire. Defaults to yes (equal keys),
   * which is right for IP prefixes; EVPN needs it for fields outside the key (labels).
   */
  readonly sameNlri?: (a: N, b: N) => boolean;
}

class OutFamily<N, X> {
  readonly sent = new Map<string, OutEntry<N, X>>();
  readonly pending = new Map<string, OutEntry<N, X>>();
  constructor(
    readonly peer: PeerRef,
    readonly family: number,
  ) {}
}

export interface AdjRibOutStats {
  /** Destinations the peer has from us now. */
  readonly advertised: number;
  /** Announcements and withdrawals waiting for `pack`. */
  readonly pending: number;
}

/**
 * Adj-RIB-Out of every peer (RFC 4271 §3.2): from Loc-RIB changes decides what each peer must be
 * told, keeps what was last sent per (peer, family, key) so only real changes go out, and packs
 * the pending ones into UPDATE-sized batches.
 */
export class AdjRibOut<N extends Nlri = Nlri, A = unknown, X = A> {
  private readonly peers = new Map<string, Map<number, OutFamily<N, X>>>();
  private readonly byFamily = new Map<number, OutFamily<N, X>[]>();

  constructor(private readonly opts: AdjRibOutOptions<N, A, X>) {}

  /** A peer whose session is up, with the families negotiated with it. Nothing is queued yet: see `advertise`. */
  addPeer(peer: PeerRef, families: readonly number[]): void {
    if (this.peers.has(peer.id)) throw new RibError(RibErrorCode.duplicatePeer, `peer ${peer.id} is already in the Adj-RIB-Out`);
    const m = new Map<number, OutFamily<N, X>>();
    for (const f of families) {
      const of = new OutFamily<N, X>(peer, f);
      m.set(f, of);
      let list = this.byFamily.get(f);
      if (!list) this.byFamily.set(f, (list = []));
      list.push(of);
    }
    this.peers.set(peer.id, m);
  }

  /** Session down: everything the peer had from us is forgotten. */
  removePeer(peerId: string): void {
    const m = this.peers.get(peerId);
    if (!m) return;
    for (const of of m.values()) {
      const list = this.byFamily.get(of.family)!;
      list.splice(list.indexOf(of), 1);
    }
    this.peers.delete(peerId);
  }

  /** Queues what the Loc-RIB changes mean for every peer. */
  apply(changes: readonly RibChange<N, A>[]): void {
    for (let i = 0; i < changes.length; i++) {
      const c = changes[i]!;
      const list = this.byFamily.get(c.family);
      if (list === undefined) continue;
      for (let j = 0; j < list.length; j++) this.consider(list[j]!, c.key, c.nlri, c.best);
    }
  }

  /** Queues the given best paths for one peer: the initial advertisement after the session comes up. */
  advertise(peerId: string, family: number, bestPaths: Iterable<Path<N, A>>): void {
    const of = this.outFamily(peerId, family);
    for (const p of bestPaths) this.consider(of, p.key, p.nlri, p);
  }

  /** Route refresh (RFC 2918): everything the peer has from us is sent again. */
  refresh(peerId: string, family: number): void {
    const of = this.outFamily(peerId, family);
    for (const [key, e] of of.sent) {
      if (!of.pending.has(key)) of.pending.set(key, new OutEntry(e.nlri, e.attrs, e.group, true));
    }
  }

  /**
   * Takes the peer's pending changes for a family as UPDATE batches and records them as sent.
   * The caller must send all the batches, in order. With `maxBatches` at most that many are made
   * and `more` says whether anything is left for the next call.
   */
  pack(peerId: string, family: number, sizes: UpdateSizes<N, X>, maxBatches?: number): PackResult<N, X> {
    const of = this.outFamily(peerId, family);
    return packUpdates(of.family, of.pending, of.sent, sizes, maxBatches);
  }

  hasPending(peerId: string, family: number): boolean {
    return (this.peers.get(peerId)?.get(family)?.pending.size ?? 0) > 0;
  }

  stats(peerId: string, family: number): AdjRibOutStats {
    const of = this.peers.get(peerId)?.get(family);
    return { advertised: of?.sent.size ?? 0, pending: of?.pending.size ?? 0 };
  }

  /** What the peer has from us for a key (its attributes), or undefined. */
  sentAttributes(peerId: string, family: number, key: string): X | undefined {
    return this.peers.get(peerId)?.get(family)?.sent.get(key)?.attrs;
  }

  private consider(of: OutFamily<N, X>, key: string, nlri: N, best: Path<N, A> | undefined): void {
    let attrs: X | undefined;
    if (best !== undefined) {
      const d = exportDecision(best as Path, of.peer, this.opts.clusterId);
      if (d.export) attrs = this.opts.exportAttributes(best, of.peer, d);
    }
    // Not sent to this peer and nothing sent or queued at all (the peer the routes come from,
    // typically): no table to look in, so no keyed lookups per route.
    if (attrs === undefined && of.sent.size === 0 && of.pending.size === 0) return;
    const sent = of.sent.get(key);
    if (attrs === undefined) {
      if (sent !== undefined) of.pending.set(key, new OutEntry<N, X>(nlri, undefined, undefined, false));
      else of.pending.delete(key);
      return;
    }
    const keyOf = this.opts.attrsKey;
    const group: unknown = keyOf === undefined ? attrs : keyOf(attrs);
    if (sent !== undefined && sent.group === group && this.sameNlri(sent.nlri, nlri)) {
      const queued = of.pending.get(key);
      if (queued === undefined || !queued.resend) of.pending.delete(key);
      return;
    }
    of.pending.set(key, new OutEntry(nlri, attrs, group, false));
  }

  private sameNlri(a: N, b: N): boolean {
    const f = this.opts.sameNlri;
    return f === undefined || a === b || f(a, b);
  }

  private outFamily(peerId: string, family: number): OutFamily<N, X> {
    const of = this.peers.get(peerId)?.get(family);
    if (of === undefined) throw new RibError(RibErrorCode.unknownPeer, `peer ${peerId} has no family ${family} in the Adj-RIB-Out`);
    return of;
  }
}

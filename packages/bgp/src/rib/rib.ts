import type { Nlri, NlriCodec, NlriRegistry } from '../nlri/registry.js';
import type { Path, PathInfo, PeerRef, PrefixLimit, PrefixLimitEvent, RibChange, RibResult } from './types.js';
import { LOCAL_PEER_ID, RibError, RibErrorCode } from './types.js';
import { DecisionProcess } from './decision.js';
import { defaultRegistry } from '../context.js';
import { Dest, findPath, link, PeerFamily, replace, RibPath, unlink } from './store.js';

export interface RibOptions<N extends Nlri, A> {
  /** Our BGP identifier: a path carrying it as ORIGINATOR_ID is our own, reflected back. */
  readonly routerId: number;
  readonly localAs: number;
  /** Where NLRI keys come from (`NlriCodec.key`); the process default knows IPv4/IPv6 unicast. */
  readonly registry?: NlriRegistry;
  /** Derives PathInfo from attributes when an announcement does not bring its own. */
  readonly pathInfo?: (attrs: A, peer: PeerRef) => PathInfo;
  /**
   * Whether a re-announcement carries nothing new (equal attributes, and equal NLRI fields outside
   * the key such as an EVPN label). With it, a graceful-restart refresh or a route-refresh reply
   * only clears the stale mark and changes nothing downstream; without it every re-announcement
   * replaces the path.
   */
  readonly unchanged?: (old: Path<N, A>, nlri: N, attrs: A) => boolean;
  readonly alwaysCompareMed?: boolean;
  readonly medMissingAsWorst?: boolean;
}

export interface RibPeerOptions {
  /** Prefix limits by familyKey. */
  readonly prefixLimits?: ReadonlyMap<number, PrefixLimit>;
}

/** Per-family counters of one peer, as `show bgp summary` shows them. */
export interface AdjRibInStats {
  /** Paths held for the peer, including the ones currently rejected by the loop checks. */
  readonly received: number;
  /** Paths in the Adj-RIB-In that take part in the decision process (best or not). */
  readonly accepted: number;
  /** Accepted paths that are the best of their destination. */
  readonly best: number;
  readonly stale: number;
  /** Announcements dropped by the loop checks since the peer was added. */
  readonly loopDropped: number;
}

/** Per destination: every candidate path (a fresh array on each read) and the current best. */
export interface Destination<N extends Nlri = Nlri, A = unknown> {
  readonly key: string;
  readonly paths: readonly Path<N, A>[];
  readonly best: Path<N, A> | undefined;
}

class FamilyTable {
  readonly dests = new Map<string, Dest>();
  constructor(
    readonly family: number,
    readonly codec: NlriCodec,
  ) {}
}

class PeerState {
  readonly families = new Map<number, PeerFamily>();
  constructor(
    readonly ref: PeerRef,
    readonly opts: RibPeerOptions,
  ) {}
}

class Op {
  changes: RibChange[] = [];
  loopDropped = 0;
}

const LIMIT_EVENTS: readonly (PrefixLimitEvent | undefined)[] = [undefined, 'warning', 'exceeded'];

/**
 * Adj-RIB-In of every peer plus the Loc-RIB (RFC 4271 §3.2), generic over NLRI (`N`) and
 * attributes (`A`, opaque: only `PathInfo` is read). Every operation returns the Loc-RIB changes
 * it caused, and hands them to subscribers as one array per operation.
 */
export class Rib<N extends Nlri = Nlri, A = unknown> {
  readonly localPeer: PeerRef;
  private readonly peers = new Map<string, PeerState>();
  private readonly tables = new Map<number, FamilyTable>();
  private readonly decision: DecisionProcess;
  private readonly scratch: Path[] = [];
  private readonly registry: NlriRegistry;
  private readonly listeners: ((changes: readonly RibChange<N, A>[]) => void)[] = [];

  constructor(private readonly opts: RibOptions<N, A>) {
    this.registry = opts.registry ?? defaultRegistry();
    this.decision = new DecisionProcess({
      alwaysCompareMed: opts.alwaysCompareMed ?? false,
      medMissingAsWorst: opts.medMissingAsWorst ?? false,
    });
    this.localPeer = Object.freeze({
      id: LOCAL_PEER_ID,
      address: new Uint8Array(0),
      routerId: opts.routerId,
      as: opts.localAs,
      type: 'local',
      rrClient: false,
    });
    this.peers.set(LOCAL_PEER_ID, new PeerState(this.localPeer, {}));
  }

  /** Receives the changes of every operation that changed something, one array per operation. */
  subscribe(listener: (changes: readonly RibChange<N, A>[]) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  addPeer(peer: PeerRef, opts: RibPeerOptions = {}): void {
    if (this.peers.has(peer.id)) throw new RibError(RibErrorCode.duplicatePeer, `peer ${peer.id} is already in the RIB`);
    if (peer.type === 'local') throw new RibError(RibErrorCode.badConfig, `peer ${peer.id}: only the RIB's own peer is local`);
    this.peers.set(peer.id, new PeerState(peer, opts));
  }

  /** Withdraws everything the peer sent and forgets it. */
  removePeer(peerId: string): RibResult<N, A> {
    const r = this.withdrawPeer(peerId);
    if (peerId !== LOCAL_PEER_ID) this.peers.delete(peerId);
    return r;
  }

  hasPeer(peerId: string): boolean {
    return this.peers.has(peerId);
  }

  /** Announces (adds or replaces) paths that share attributes: the NLRI of one UPDATE. */
  announce(peerId: string, family: number, nlri: readonly N[], attrs: A, info?: PathInfo): RibResult<N, A> {
    const ps = this.peer(peerId);
    const pf = this.peerFamily(ps, family);
    const table = this.table(family);
    const pi = info ?? this.derive(attrs, ps.ref);
    const op = new Op();
    if (this.loops(ps.ref, pi)) {
      pf.loopDropped += nlri.length;
      op.loopDropped = nlri.length;
      // The announcement replaces what the peer sent before for these NLRI (RFC 4271 §3.1), so a
      // looped replacement takes the older path out as well.
      for (let i = 0; i < nlri.length; i++) {
        const n = nlri[i]!;
        const key = table.codec.key(n);
        const pathId = n.pathId ?? 0;
        pf.rejected.add(`${key}#${pathId}`);
        this.withdrawOne(pf, table, key, pathId, op);
      }
    } else {
      for (let i = 0; i < nlri.length; i++) this.announceOne(pf, table, nlri[i]!, attrs, pi, op);
    }
    return this.finish(op, pf);
  }

  /** Withdraws paths (also for RFC 7606 treat-as-withdraw). Unknown NLRI are ignored. */
  withdraw(peerId: string, family: number, nlri: readonly N[]): RibResult<N, A> {
    const pf = this.peerFamily(this.peer(peerId), family);
    const table = this.table(family);
    const op = new Op();
    for (let i = 0; i < nlri.length; i++) {
      const n = nlri[i]!;
      this.withdrawOne(pf, table, table.codec.key(n), n.pathId ?? 0, op);
    }
    return this.finish(op, pf);
  }

  /** Routes we originate ourselves; they win the `local-origin` step. */
  originate(family: number, nlri: readonly N[], attrs: A, info?: PathInfo): RibResult<N, A> {
    return this.announce(LOCAL_PEER_ID, family, nlri, attrs, info);
  }

  unoriginate(family: number, nlri: readonly N[]): RibResult<N, A> {
    return this.withdraw(LOCAL_PEER_ID, family, nlri);
  }

  /**
   * Withdraws every path of the peer (session down), or of one family (RFC 7606
   * AFI/SAFI disable). Other peers' paths stay as they are.
   */
  withdrawPeer(peerId: string, family?: number): RibResult<N, A> {
    const ps = this.peer(peerId);
    const op = new Op();
    for (const pf of ps.families.values()) {
      if (family !== undefined && pf.family !== family) continue;
      this.removeWhere(pf, false, op);
      pf.rejected.clear();
      this.limitCrossing(pf);
    }
    return this.finish(op, undefined);
  }

  /**
   * Graceful restart (RFC 4724 §4.2): the peer's session went down but its paths stay in use,
   * marked stale, until refreshed, swept by End-of-RIB, or swept when the restart timer fires.
   * Returns how many paths were marked.
   */
  markStale(peerId: string, family?: number): number {
    let marked = 0;
    for (const pf of this.peer(peerId).families.values()) {
      if (family !== undefined && pf.family !== family) continue;
      const table = this.tables.get(pf.family);
      if (table === undefined || pf.accepted === 0) continue;
      for (const d of table.dests.values()) {
        for (let p = d.head; p !== undefined; p = p.nextCand) {
          if (p.src === pf && !p.stale) {
            p.stale = true;
            marked++;
          }
        }
      }
      pf.stale = pf.accepted;
    }
    return marked;
  }

  /** End-of-RIB from the peer for a family: its paths not refreshed since the restart go. */
  endOfRib(peerId: string, family: number): RibResult<N, A> {
    return this.sweepStale(peerId, family);
  }

  /** Removes the peer's stale paths (of one family, or all: the restart or stale timer fired). */
  sweepStale(peerId: string, family?: number): RibResult<N, A> {
    const op = new Op();
    for (const pf of this.peer(peerId).families.values()) {
      if (family !== undefined && pf.family !== family) continue;
      if (pf.stale > 0) this.removeWhere(pf, true, op);
      this.limitCrossing(pf);
    }
    return this.finish(op, undefined);
  }

  /** Sets (or clears) a limit; returns the level the current count already reaches, if any. */
  setPrefixLimit(peerId: string, family: number, limit: PrefixLimit | undefined): PrefixLimitEvent | undefined {
    if (limit && !(limit.limit >= 0)) throw new RibError(RibErrorCode.badConfig, `prefix limit ${limit.limit}`);
    const pf = this.peerFamily(this.peer(peerId), family);
    pf.limit = limit;
    pf.limitState = 0;
    return this.limitCrossing(pf);
  }

  stats(peerId: string, family: number): AdjRibInStats {
    const pf = this.peer(peerId).families.get(family);
    if (!pf) return { received: 0, accepted: 0, best: 0, stale: 0, loopDropped: 0 };
    return {
      received: pf.accepted + pf.rejected.size,
      accepted: pf.accepted,
      best: pf.best,
      stale: pf.stale,
      loopDropped: pf.loopDropped,
    };
  }

  /** The destination of a key, or undefined. */
  get(family: number, key: string): Destination<N, A> | undefined {
    return this.tables.get(family)?.dests.get(key) as Destination<N, A> | undefined;
  }

  /** The best path of a key. */
  best(family: number, key: string): Path<N, A> | undefined {
    return this.tables.get(family)?.dests.get(key)?.best as Path<N, A> | undefined;
  }

  /** Number of destinations in the Loc-RIB for a family. */
  size(family: number): number {
    return this.tables.get(family)?.dests.size ?? 0;
  }

  /** Every best path of a family, for a new peer's initial advertisement. */
  *bestPaths(family: number): IterableIterator<Path<N, A>> {
    const t = this.tables.get(family);
    if (!t) return;
    for (const d of t.dests.values()) if (d.best) yield d.best as unknown as Path<N, A>;
  }

  /** The Adj-RIB-In of one peer and family. */
  *adjRibIn(peerId: string, family: number): IterableIterator<Path<N, A>> {
    const pf = this.peer(peerId).families.get(family);
    if (!pf) return;
    const table = this.tables.get(family);
    if (table === undefined) return;
    for (const d of table.dests.values()) {
      for (let p = d.head; p !== undefined; p = p.nextCand) if (p.src === pf) yield p as unknown as Path<N, A>;
    }
  }

  private announceOne(pf: PeerFamily, table: FamilyTable, nlri: N, attrs: A, info: PathInfo, op: Op): void {
    const key = table.codec.key(nlri);
    const pathId = nlri.pathId ?? 0;
    if (pf.rejected.size > 0) pf.rejected.delete(`${key}#${pathId}`);
    let dest = table.dests.get(key);
    if (dest === undefined) {
      dest = new Dest(key);
      table.dests.set(key, dest);
    } else {
      const old = findPath(dest, pf, pathId);
      if (old !== undefined) {
        const unchanged = this.opts.unchanged;
        if (unchanged !== undefined && unchanged(old as Path as Path<N, A>, nlri, attrs)) {
          if (old.stale) {
            old.stale = false;
            pf.stale--;
          }
          return;
        }
        replace(old, new RibPath(dest, nlri, pathId, attrs, info, false, pf));
        this.decide(dest, table.family, op);
        return;
      }
    }
    link(new RibPath(dest, nlri, pathId, attrs, info, false, pf));
    this.decide(dest, table.family, op);
  }

  private withdrawOne(pf: PeerFamily, table: FamilyTable, key: string, pathId: number, op: Op): void {
    const dest = table.dests.get(key);
    if (dest === undefined) return;
    const p = findPath(dest, pf, pathId);
    if (p === undefined) return;
    this.remove(p, table, op);
  }

  private remove(p: RibPath, table: FamilyTable, op: Op): void {
    const dest = p.dest;
    unlink(p);
    if (dest.head === undefined) table.dests.delete(dest.key);
    this.decide(dest, table.family, op);
  }

  /** Removes the peer-family's paths (only the stale ones when `staleOnly`) by walking the table. */
  private removeWhere(pf: PeerFamily, staleOnly: boolean, op: Op): void {
    const table = this.tables.get(pf.family);
    if (table === undefined) return;
    for (const d of table.dests.values()) {
      if (pf.accepted === 0) break;
      let hit = false;
      let next: RibPath | undefined;
      for (let p = d.head; p !== undefined; p = next) {
        next = p.nextCand;
        if (p.src === pf && (!staleOnly || p.stale)) {
          unlink(p);
          hit = true;
        }
      }
      if (!hit) continue;
      // Deleting the entry being visited is safe while iterating a Map.
      if (d.head === undefined) table.dests.delete(d.key);
      this.decide(d, table.family, op);
    }
  }

  private decide(d: Dest, family: number, op: Op): void {
    const previous = d.best;
    let best: RibPath | undefined;
    const dec = this.decision;
    const head = d.head;
    if (head === undefined || head.nextCand === undefined) {
      best = head;
      dec.reason = best === undefined ? 'withdrawn' : 'only-path';
    } else {
      const c = this.scratch;
      let n = 0;
      for (let p = d.head; p !== undefined; p = p.nextCand) c[n++] = p;
      best = dec.pick(c, n) as RibPath;
      c.length = 0;
    }
    if (best === previous) return;
    d.best = best;
    if (previous !== undefined) previous.src.best--;
    if (best !== undefined) best.src.best++;
    op.changes.push({
      family,
      key: d.key,
      nlri: (best ?? previous)!.nlri as N,
      best: best as Path as Path<N, A> | undefined,
      previous: previous as Path as Path<N, A> | undefined,
      reason: dec.reason,
    });
  }

  private finish(op: Op, pf: PeerFamily | undefined): RibResult<N, A> {
    const changes = op.changes as RibChange<N, A>[];
    if (changes.length > 0) for (const l of this.listeners) l(changes);
    const crossed = pf ? this.limitCrossing(pf) : undefined;
    return { changes, loopDropped: op.loopDropped, prefixLimit: crossed };
  }

  /** Reports an upward crossing once; dropping back below the warning level re-arms it. */
  private limitCrossing(pf: PeerFamily): PrefixLimitEvent | undefined {
    const lim = pf.limit;
    if (lim === undefined) return undefined;
    const n = pf.accepted;
    const level = n > lim.limit ? 2 : n * 100 >= lim.limit * (lim.warningPercent ?? 75) && n > 0 ? 1 : 0;
    if (level <= pf.limitState) {
      if (level < pf.limitState) pf.limitState = level;
      return undefined;
    }
    pf.limitState = level;
    return LIMIT_EVENTS[level];
  }

  private loops(peer: PeerRef, info: PathInfo): boolean {
    if (peer.type === 'local') return false;
    if (peer.type === 'ebgp' && info.asPathHasOwnAs) return true;
    if (info.originatorId !== undefined && info.originatorId === this.opts.routerId) return true;
    return info.clusterListHasOwnClusterId;
  }

  private derive(attrs: A, peer: PeerRef): PathInfo {
    const f = this.opts.pathInfo;
    if (f === undefined) throw new RibError(RibErrorCode.noPathInfo, 'announcement without PathInfo and no pathInfo option');
    return f(attrs, peer);
  }

  private peer(id: string): PeerState {
    const ps = this.peers.get(id);
    if (ps === undefined) throw new RibError(RibErrorCode.unknownPeer, `peer ${id} is not in the RIB`);
    return ps;
  }

  private peerFamily(ps: PeerState, family: number): PeerFamily {
    let pf = ps.families.get(family);
    if (pf === undefined) {
      pf = new PeerFamily(ps.ref, family);
      pf.limit = ps.opts.prefixLimits?.get(family);
      ps.families.set(family, pf);
    }
    return pf;
  }

  private table(family: number): FamilyTable {
    let t = this.tables.get(family);
    if (t === undefined) {
      const codec = this.registry.get(family >> 8, family & 0xff);
      if (codec === undefined) throw new RibError(RibErrorCode.unknownFamily, `no NLRI codec for family ${family >> 8}/${family & 0xff}`);
      t = new FamilyTable(family, codec);
      this.tables.set(family, t);
    }
    return t;
  }
}

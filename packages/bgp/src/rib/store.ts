// The RIB's internal records, kept small because a full table holds a million of them: a
// destination is three pointers and its candidates are an intrusive singly linked list (short).
// A peer's Adj-RIB-In is not a separate index: its paths are found by walking the family's table
// and matching `src`, as FRR's clear-route walk does. Dropping a peer is rare next to adding a
// route, and an index per peer would cost memory and a write per route.
import type { Nlri } from '../nlri/registry.js';
import type { Path, PathInfo, PeerRef, PrefixLimit } from './types.js';

export class PeerFamily {
  /** Path identities ("key#pathId") whose last announcement failed a loop check. */
  readonly rejected = new Set<string>();
  accepted = 0;
  best = 0;
  stale = 0;
  loopDropped = 0;
  limit: PrefixLimit | undefined = undefined;
  /** 0 below the warning level, 1 warned, 2 over the limit. */
  limitState = 0;
  constructor(
    readonly peer: PeerRef,
    readonly family: number,
  ) {}
}

export class RibPath implements Path {
  /** Next candidate of the same destination. */
  nextCand: RibPath | undefined = undefined;
  constructor(
    readonly dest: Dest,
    readonly nlri: Nlri,
    readonly pathId: number,
    readonly attrs: unknown,
    readonly info: PathInfo,
    public stale: boolean,
    /** The Adj-RIB-In it belongs to; doubles as the peer's identity. */
    readonly src: PeerFamily,
  ) {}

  get key(): string {
    return this.dest.key;
  }

  get family(): number {
    return this.src.family;
  }

  get peer(): PeerRef {
    return this.src.peer;
  }
}

export class Dest {
  head: RibPath | undefined = undefined;
  best: RibPath | undefined = undefined;
  constructor(readonly key: string) {}

  get paths(): RibPath[] {
    const out: RibPath[] = [];
    for (let p = this.head; p !== undefined; p = p.nextCand) out.push(p);
    return out;
  }
}

export function findPath(d: Dest, src: PeerFamily, pathId: number): RibPath | undefined {
  for (let p = d.head; p !== undefined; p = p.nextCand) if (p.src === src && p.pathId === pathId) return p;
  return undefined;
}

/** Adds a new path to its destination's candidates. */
export function link(p: RibPath): void {
  const d = p.dest;
  p.nextCand = d.head;
  d.head = p;
  const pf = p.src;
  pf.accepted++;
  if (p.stale) pf.stale++;
}

/** Takes a path off its destination's candidates. */
export function unlink(p: RibPath): void {
  const d = p.dest;
  if (d.head === p) d.head = p.nextCand;
  else
    for (let q = d.head; q !== undefined; q = q.nextCand) {
      if (q.nextCand === p) {
        q.nextCand = p.nextCand;
        break;
      }
    }
  p.nextCand = undefined;
  const pf = p.src;
  pf.accepted--;
  if (p.stale) pf.stale--;
}

/** Puts `fresh` where `old` was (a re-announcement by the same peer). */
export function replace(old: RibPath, fresh: RibPath): void {
  const d = old.dest;
  fresh.nextCand = old.nextCand;
  if (d.head === old) d.head = fresh;
  else
    for (let q = d.head; q !== undefined; q = q.nextCand) {
      if (q.nextCand === old) {
        q.nextCand = fresh;
        break;
      }
    }
  old.nextCand = undefined;
  const pf = old.src;
  if (old.stale) pf.stale--;
  if (fresh.stale) pf.stale++;
}

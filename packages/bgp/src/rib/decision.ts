import type { Nlri } from '../nlri/registry.js';
import type { DecisionReason, Path } from './types.js';
import { compareBytes } from '../address.js';

export interface DecisionOptions {
  /** Compare MED between paths from different neighbor ASes too (`bgp always-compare-med`). */
  readonly alwaysCompareMed: boolean;
  /** A path without MED is the worst, not 0 (`bgp bestpath med missing-as-worst`). */
  readonly medMissingAsWorst: boolean;
}

export const DEFAULT_DECISION_OPTIONS: DecisionOptions = Object.freeze({ alwaysCompareMed: false, medMissingAsWorst: false });

/**
 * One step of RFC 4271 §9.1.2.2: from the candidates in `c[0..n)` keep, moved to the front,
 * those this step does not eliminate, and return how many they are (at least 1 when n >= 1).
 * Steps are elimination filters rather than comparators because MED is not a total order:
 * it only compares paths from the same neighbor AS.
 */
export interface DecisionStep {
  readonly name: DecisionReason;
  eliminate(c: Path[], n: number, opts: DecisionOptions): number;
}

/** Keeps the candidates with the lowest score. */
function keepLowest(c: Path[], n: number, score: (p: Path) => number): number {
  let min = score(c[0]!);
  for (let i = 1; i < n; i++) {
    const s = score(c[i]!);
    if (s < min) min = s;
  }
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const p = c[i]!;
    if (score(p) === min) c[kept++] = p;
  }
  return kept;
}

const localFirst = (p: Path): number => (p.peer.type === 'local' ? 0 : 1);
const negLocalPref = (p: Path): number => -p.info.localPref;
const asPathLength = (p: Path): number => p.info.asPathLength;
const origin = (p: Path): number => p.info.origin;
const ebgpFirst = (p: Path): number => (p.peer.type === 'ibgp' ? 1 : 0);
// RFC 4456 §9: a reflected path competes with the identifier of the router that originated it.
const routerId = (p: Path): number => p.info.originatorId ?? p.peer.routerId;
const clusterListLength = (p: Path): number => p.info.clusterListLength;
const pathId = (p: Path): number => p.pathId;

function medOf(p: Path, opts: DecisionOptions): number {
  const m = p.info.med;
  return m === undefined ? (opts.medMissingAsWorst ? 0x1_0000_0000 : 0) : m;
}

/**
 * RFC 4271 §9.1.2.2 (c): a path is out when another path from the same neighbor AS has a lower
 * MED. With `alwaysCompareMed` every path is in one group.
 */
function eliminateByMed(c: Path[], n: number, opts: DecisionOptions): number {
  if (opts.alwaysCompareMed) return keepLowest(c, n, (p) => medOf(p, opts));
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const p = c[i]!;
    const as = p.info.neighborAs;
    const med = medOf(p, opts);
    let beaten = false;
    for (let j = 0; j < n && !beaten; j++) {
      const q = c[j]!;
      if (q.info.neighborAs === as && medOf(q, opts) < med) beaten = true;
    }
    // Compacting in place only overwrites paths already found beaten; every group's minimum
    // stays in c[0..n), and "beaten" means exactly "above the group's minimum".
    if (!beaten) c[kept++] = p;
  }
  return kept;
}

function eliminateByPeerAddress(c: Path[], n: number): number {
  let min = c[0]!.peer.address;
  for (let i = 1; i < n; i++) {
    const a = c[i]!.peer.address;
    if (compareBytes(a, min) < 0) min = a;
  }
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const p = c[i]!;
    if (compareBytes(p.peer.address, min) === 0) c[kept++] = p;
  }
  return kept;
}

/** The steps in RFC order (the IGP-cost step is absent: this RIB resolves no next hops). */
export const DECISION_STEPS: readonly DecisionStep[] = Object.freeze([
  { name: 'local-origin', eliminate: (c, n) => keepLowest(c, n, localFirst) },
  { name: 'local-pref', eliminate: (c, n) => keepLowest(c, n, negLocalPref) },
  { name: 'as-path-length', eliminate: (c, n) => keepLowest(c, n, asPathLength) },
  { name: 'origin', eliminate: (c, n) => keepLowest(c, n, origin) },
  { name: 'med', eliminate: eliminateByMed },
  { name: 'ebgp-over-ibgp', eliminate: (c, n) => keepLowest(c, n, ebgpFirst) },
  { name: 'router-id', eliminate: (c, n) => keepLowest(c, n, routerId) },
  { name: 'cluster-list-length', eliminate: (c, n) => keepLowest(c, n, clusterListLength) },
  { name: 'peer-address', eliminate: eliminateByPeerAddress },
  // Only paths of one peer can get here (ADD-PATH); the lower path id wins so the outcome never
  // depends on arrival order.
  { name: 'path-id', eliminate: (c, n) => keepLowest(c, n, pathId) },
] satisfies DecisionStep[]);

/**
 * Runs the decision process over a destination's candidates. Reuses one scratch array, so a
 * RIB keeps one instance and calls `select` without allocating.
 */
export class DecisionProcess {
  /** The step that decided the last `select`. */
  reason: DecisionReason = 'withdrawn';
  private readonly scratch: Path[] = [];

  constructor(readonly options: DecisionOptions = DEFAULT_DECISION_OPTIONS) {}

  select<N extends Nlri, A>(candidates: readonly Path<N, A>[]): Path<N, A> | undefined {
    const total = candidates.length;
    if (total <= 1) {
      this.reason = total === 0 ? 'withdrawn' : 'only-path';
      return candidates[0];
    }
    const c = this.scratch;
    for (let i = 0; i < total; i++) c[i] = candidates[i] as Path;
    const best = this.pick(c, total) as Path<N, A>;
    c.length = 0;
    return best;
  }

  /** Like `select` over `c[0..n)` (n >= 2), reordering `c` in place instead of copying it. */
  pick(c: Path[], n: number): Path {
    let decided: DecisionReason = 'path-id';
    for (let s = 0; s < DECISION_STEPS.length; s++) {
      const step = DECISION_STEPS[s]!;
      n = step.eliminate(c, n, this.options);
      if (n === 1) {
        decided = step.name;
        break;
      }
    }
    this.reason = decided;
    // Still tied only if two peers share an address (a misconfiguration): the lower peer id wins,
    // so the result never depends on arrival order.
    let best = c[0]!;
    for (let i = 1; i < n; i++) if (c[i]!.peer.id < best.peer.id) best = c[i]!;
    return best;
  }
}

/** The best of `candidates` and the step that chose it. */
export function selectBest<N extends Nlri, A>(
  candidates: readonly Path<N, A>[],
  options: DecisionOptions = DEFAULT_DECISION_OPTIONS,
): { best: Path<N, A> | undefined; reason: DecisionReason } {
  const d = new DecisionProcess(options);
  const best = d.select(candidates);
  return { best, reason: d.reason };
}

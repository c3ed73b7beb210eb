import type { DuplicateDetection } from './types.js';

// Internal bookkeeping of the engine. Classes (not object literals) so every instance of a kind
// has one hidden class: the import path touches these a million times.

/** An interned list of route targets, with the VNIs whose import RTs it meets (recomputed on config change). */
export class RtSet {
  refs = 0;
  /** MAC-VRFs that import a route carrying these RTs. */
  vrfs: Vrf[] = [];
  constructor(
    readonly key: string,
    /** As the route carried them. */
    readonly rts: readonly string[],
    /** Canonical forms, for matching. */
    readonly canonical: readonly string[],
  ) {}
}

/** One remote RT2 from the Loc-RIB. Records of one MAC form a singly linked list on its MacNode. */
export class RemoteMacRecord {
  next: RemoteMacRecord | null = null;
  constructor(
    readonly rd: string,
    readonly ethernetTag: number,
    readonly ip: string | null,
    public vtep: string,
    public seq: number,
    public sticky: boolean,
    public rtSet: RtSet,
  ) {}
}

/** Everything known about one MAC address across VNIs: remote records and per-VNI entries. */
export class MacNode {
  records: RemoteMacRecord | null = null;
  entries: MacEntry | null = null;
  constructor(readonly mac: string) {}
}

/** The dataplane reported the MAC on a local port. */
export class LocalMac {
  constructor(
    public seq: number,
    public sticky: boolean,
    public ips: string[],
  ) {}
}

/** What we have out for one local MAC: the MAC-only route plus one MAC+IP route per IP. */
export class AdvertisedMac {
  constructor(
    readonly rd: string,
    readonly nextHop: string,
    readonly rts: readonly string[],
    readonly seq: number,
    readonly sticky: boolean,
    readonly ips: readonly string[],
  ) {}
}

export const LOCAL = 'local';

/**
 * What only a MAC that moved or clashed needs: duplicate detection (FRR's dad_count and
 * detect_start_time), the freeze, and whether a sticky conflict was already reported.
 */
export class MacRareState {
  moveCount = 0;
  firstMoveAt = 0;
  /** Where a duplicate is held, or null when not frozen. */
  frozenAt: string | null = null;
  /** When a freeze ends (ms); Infinity = until thawed by hand. */
  frozenUntil = Infinity;
  stickyConflict = false;
}

/** One MAC in one VNI: the decision state and what has been installed/advertised for it. */
export class MacEntry {
  nextInNode: MacEntry | null = null;
  prevInVrf: MacEntry | null = null;
  nextInVrf: MacEntry | null = null;
  local: LocalMac | null = null;
  /** VTEP of the installed remoteMac intent. */
  installed: string | null = null;
  advertised: AdvertisedMac | null = null;
  /** Last place the MAC was seen ('local' or a VTEP): a change of it is a move. */
  lastLocation: string | null = null;
  /** Allocated at the first move or clash: most MACs never need it, and a million of them should not pay for it. */
  rare: MacRareState | null = null;
  constructor(
    readonly vrf: Vrf,
    readonly node: MacNode,
  ) {}
}

/** One remote RT3 from the Loc-RIB. */
export class ImetRecord {
  constructor(
    readonly key: string,
    readonly rd: string,
    readonly ethernetTag: number,
    readonly originator: string,
    public vtep: string,
    /** PMSI says ingress replication: we may send BUM copies to `vtep`. */
    public floodable: boolean,
    public rtSet: RtSet,
  ) {}
}

export class AdvertisedImet {
  constructor(
    readonly rd: string,
    readonly originator: string,
    readonly rts: readonly string[],
  ) {}
}

/** A MAC-VRF: one VNI's configuration and state. */
export class Vrf {
  /** Intrusive list of this VNI's MacEntry objects (no per-VNI hash of a million MACs). */
  head: MacEntry | null = null;
  entryCount = 0;
  readonly imets = new Set<ImetRecord>();
  readonly flood = new Set<string>();
  readonly allow = new Set<string>();
  advertisedImet: AdvertisedImet | null = null;
  /** Canonical import RTs, and the N of "*:N" entries (any administrator). */
  importExact = new Set<string>();
  importAnyAdmin = new Set<string>();
  constructor(
    readonly vni: number,
    public rd: string,
    public importRts: readonly string[],
    public exportRts: readonly string[],
  ) {}
}

/** What decision code needs from the engine. */
export interface EngineState {
  localVtep: string | null;
  readonly dup: DuplicateDetection;
  readonly frozen: Set<MacEntry>;
}

export function frozenAt(e: MacEntry): string | null {
  return e.rare === null ? null : e.rare.frozenAt;
}

export function rareState(e: MacEntry): MacRareState {
  return e.rare ?? (e.rare = new MacRareState());
}

export function linkEntry(vrf: Vrf, node: MacNode): MacEntry {
  const e = new MacEntry(vrf, node);
  e.nextInNode = node.entries;
  node.entries = e;
  e.nextInVrf = vrf.head;
  if (vrf.head) vrf.head.prevInVrf = e;
  vrf.head = e;
  vrf.entryCount++;
  return e;
}

export function unlinkEntry(e: MacEntry): void {
  const node = e.node;
  if (node.entries === e) node.entries = e.nextInNode;
  else {
    for (let p = node.entries; p; p = p.nextInNode) {
      if (p.nextInNode === e) {
        p.nextInNode = e.nextInNode;
        break;
      }
    }
  }
  const vrf = e.vrf;
  if (e.prevInVrf) e.prevInVrf.nextInVrf = e.nextInVrf;
  else vrf.head = e.nextInVrf;
  if (e.nextInVrf) e.nextInVrf.prevInVrf = e.prevInVrf;
  e.prevInVrf = e.nextInVrf = e.nextInNode = null;
  vrf.entryCount--;
}

export function findEntry(node: MacNode, vrf: Vrf): MacEntry | null {
  for (let e = node.entries; e; e = e.nextInNode) if (e.vrf === vrf) return e;
  return null;
}

/** An entry with nothing left to remember may go (a frozen one stays: it holds the freeze). */
export function entryIsIdle(e: MacEntry): boolean {
  return e.local === null && e.installed === null && e.advertised === null && frozenAt(e) === null && !hasRecordFor(e.node, e.vrf);
}

export function hasRecordFor(node: MacNode, vrf: Vrf): boolean {
  for (let r = node.records; r; r = r.next) if (r.rtSet.vrfs.includes(vrf)) return true;
  return false;
}

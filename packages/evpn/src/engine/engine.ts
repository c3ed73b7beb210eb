import { EngineError, EngineErrorCode } from './errors.js';
import { clearFloodLists, PMSI_INGRESS_REPLICATION, syncFloodLists, syncImetOrigination } from './flood.js';
import { macRoute, maxRemoteSeq, resolveEntry } from './mobility.js';
import { buildVniSnapshot } from './snapshot.js';
import { entryIsIdle, findEntry, frozenAt, hasRecordFor, ImetRecord, linkEntry, LocalMac, MacNode, RemoteMacRecord, RtSet, unlinkEntry, Vrf } from './state.js';
import type { EngineState, MacEntry } from './state.js';
import {
  canonicalImportRt,
  canonicalIp,
  canonicalMac,
  canonicalRd,
  canonicalRt,
  canonicalVtep,
  checkVni,
  flatten,
  rtValuePart,
  tryCanonicalRt,
} from './text.js';
import type {
  DuplicateDetection,
  EngineConfig,
  EngineOutput,
  EngineImetRoute,
  EngineImetRouteKey,
  LocalMacAgedInput,
  LocalMacInput,
  EngineMacIpRoute,
  EngineMacIpRouteKey,
  RemoteRouteChange,
  VniConfig,
  VniSnapshot,
} from './types.js';

/** FRR's `dup-addr-detection` defaults: 5 moves in 180 s; frozen until cleared. */
export const DEFAULT_DUPLICATE_DETECTION: DuplicateDetection = { maxMoves: 5, windowMs: 180_000, freezeMs: null };

/** Interned strings are a memory optimisation only; past this many distinct ones we start over. */
const INTERN_LIMIT = 1 << 16;

export function emptyOutput(): EngineOutput {
  return { routes: [], intents: [], events: [] };
}

/**
 * The MAC-VRF engine: one MAC-VRF per VNI, fed with configuration, locally learned MACs and
 * Loc-RIB EVPN changes; every call returns the routes to originate/withdraw and the forwarding
 * intent deltas it caused. Pure: no I/O, no timers (time comes in as `now`, in ms).
 */
export class MacVrfEngine {
  private readonly routerId: string;
  private readonly asn: number;
  private readonly st: EngineState;
  private readonly vrfs = new Map<number, Vrf>();
  private readonly macNodes = new Map<string, MacNode>();
  private readonly imets = new Map<string, ImetRecord>();
  private readonly rtSets = new Map<string, RtSet>();
  private readonly strings = new Map<string, string>();
  private lastNextHop = '';
  private lastVtep = '';

  constructor(config: EngineConfig) {
    this.routerId = canonicalVtep(config.routerId);
    if (this.routerId.includes(':')) throw new EngineError(EngineErrorCode.config, `router id ${config.routerId} must be IPv4`);
    if (!Number.isInteger(config.asn) || config.asn < 1 || config.asn > 0xffffffff) {
      throw new EngineError(EngineErrorCode.config, `AS ${config.asn} is out of range`);
    }
    this.asn = config.asn;
    const dup = { ...DEFAULT_DUPLICATE_DETECTION, ...config.duplicateDetection };
    if (!Number.isInteger(dup.maxMoves) || dup.maxMoves < 1 || !(dup.windowMs >= 0) || (dup.freezeMs !== null && !(dup.freezeMs >= 0))) {
      throw new EngineError(EngineErrorCode.config, 'bad duplicate detection settings');
    }
    const localVtep = config.localVtep == null ? null : canonicalVtep(config.localVtep);
    this.st = { localVtep, dup, frozen: new Set() };
  }

  get localVtep(): string | null {
    return this.st.localVtep;
  }

  get vnis(): number[] {
    return [...this.vrfs.keys()].sort((a, b) => a - b);
  }

  /** Number of remote RT2 routes held (imported or not). */
  get remoteMacRouteCount(): number {
    let n = 0;
    for (const node of this.macNodes.values()) for (let r = node.records; r !== null; r = r.next) n++;
    return n;
  }

  // ---- configuration ----

  /** Adds a VNI, or reconfigures it in place (local MACs survive; routes move to the new RD/RTs). */
  addVni(config: VniConfig, now: number): EngineOutput {
    const vni = checkVni(config.vni);
    const rd = config.rd !== undefined ? canonicalRd(config.rd) : this.autoRd(vni);
    const importRts = config.importRts !== undefined ? config.importRts.map(canonicalImportRt) : [this.autoRt(vni)];
    const exportRts = config.exportRts !== undefined ? config.exportRts.map(canonicalRt) : [this.autoRt(vni)];
    const out = emptyOutput();
    let vrf = this.vrfs.get(vni);
    if (vrf === undefined) {
      vrf = new Vrf(vni, rd, importRts, exportRts);
      this.vrfs.set(vni, vrf);
    } else {
      vrf.rd = rd;
      if (!sameList(vrf.importRts, importRts)) vrf.importRts = importRts;
      if (!sameList(vrf.exportRts, exportRts)) vrf.exportRts = exportRts;
    }
    vrf.importExact = new Set(importRts.filter((rt) => !rt.startsWith('*:')));
    vrf.importAnyAdmin = new Set(importRts.filter((rt) => rt.startsWith('*:')).map(rtValuePart));
    this.recomputeImports();
    this.reconcileVrf(vrf, now, out);
    return out;
  }

  /** Withdraws the VNI's routes and removes every intent it had installed. */
  removeVni(vni: number): EngineOutput {
    const out = emptyOutput();
    const vrf = this.vrfs.get(vni);
    if (vrf === undefined) return out;
    for (let e = vrf.head; e !== null; ) {
      const next = e.nextInVrf;
      if (e.installed !== null) out.intents.push({ kind: 'remoteMac', op: 'remove', vni, mac: e.node.mac, vtep: e.installed });
      const adv = e.advertised;
      if (adv !== null) {
        out.routes.push({ action: 'withdraw', vni, route: macRoute(vrf, e.node.mac, adv, null) });
        for (const ip of adv.ips) out.routes.push({ action: 'withdraw', vni, route: macRoute(vrf, e.node.mac, adv, ip) });
      }
      this.st.frozen.delete(e);
      unlinkEntry(e);
      this.dropNodeIfIdle(e.node);
      e = next;
    }
    clearFloodLists(vrf, out);
    syncImetOrigination(this.st, vrf, false, out);
    this.vrfs.delete(vni);
    this.recomputeImports();
    return out;
  }

  /** New local VTEP address: RT3 and every RT2 are re-originated with it as next hop/endpoint. */
  setLocalVtep(address: string | null, now: number): EngineOutput {
    const vtep = address === null ? null : canonicalVtep(address);
    const out = emptyOutput();
    if (vtep === this.st.localVtep) return out;
    this.st.localVtep = vtep;
    for (const vrf of this.vrfs.values()) this.reconcileVrf(vrf, now, out);
    return out;
  }

  private autoRd(vni: number): string {
    if (vni > 0xffff) throw new EngineError(EngineErrorCode.vni, `VNI ${vni} does not fit a type 1 RD; configure the RD`);
    return `${this.routerId}:${vni}`;
  }

  /**
   * RFC 8365 §5.1.2.1 auto RT, as FRR derives it: a 2-octet-AS RT of AS:VNI, where a 4-byte AS
   * contributes its low 16 bits (so the 32-bit assigned field holds any VNI, and routers of one
   * AS agree). Across ASes, import "*:VNI".
   */
  private autoRt(vni: number): string {
    return `${this.asn % 65536}:${vni}`;
  }

  // ---- local MACs ----

  localMacLearned(input: LocalMacInput, now: number): EngineOutput {
    const vrf = this.requireVrf(input.vni);
    const mac = canonicalMac(input.mac);
    const ip = input.ip !== undefined ? canonicalIp(input.ip) : null;
    const sticky = input.sticky === true;
    const out = emptyOutput();
    const node = this.nodeFor(mac);
    const e = findEntry(node, vrf) ?? linkEntry(vrf, node);
    const local = e.local;
    if (local === null) {
      // RFC 7432 §15: a MAC learned while a remote route has it moved here; outbid the remote sequence.
      const remoteSeq = maxRemoteSeq(node, vrf, this.st.localVtep);
      e.local = new LocalMac(remoteSeq + 1, sticky, ip !== null ? [ip] : []);
    } else {
      local.sticky = sticky;
      if (ip !== null && !local.ips.includes(ip)) local.ips = [...local.ips, ip];
    }
    resolveEntry(this.st, e, now, out);
    this.dropEntryIfIdle(e);
    return out;
  }

  /** Aging for a VNI that is gone is not an error: the dataplane may report it after the removal. */
  localMacAged(input: LocalMacAgedInput, now: number): EngineOutput {
    const mac = canonicalMac(input.mac);
    const out = emptyOutput();
    const vrf = this.vrfs.get(input.vni);
    const node = this.macNodes.get(mac);
    const e = node !== undefined && vrf !== undefined ? findEntry(node, vrf) : null;
    if (e === null || e.local === null) return out;
    if (input.ip !== undefined) {
      const ip = canonicalIp(input.ip);
      e.local.ips = e.local.ips.filter((x) => x !== ip);
    } else {
      e.local = null;
    }
    resolveEntry(this.st, e, now, out);
    this.dropEntryIfIdle(e);
    return out;
  }

  // ---- duplicate MACs ----

  /** Clears a duplicate-MAC freeze (FRR `clear evpn dup-addr`) and lets the MAC settle normally. */
  thawMac(vni: number, mac: string, now: number): EngineOutput {
    const vrf = this.requireVrf(vni);
    const out = emptyOutput();
    const node = this.macNodes.get(canonicalMac(mac));
    const e = node !== undefined ? findEntry(node, vrf) : null;
    if (e !== null && frozenAt(e) !== null) this.thaw(e, now, out);
    return out;
  }

  /** Thaws duplicates whose `freezeMs` has run out. Call it now and then; it does nothing else. */
  expire(now: number): EngineOutput {
    const out = emptyOutput();
    for (const e of [...this.st.frozen]) if (e.rare !== null && e.rare.frozenUntil <= now) this.thaw(e, now, out);
    return out;
  }

  private thaw(e: MacEntry, now: number, out: EngineOutput): void {
    e.rare = null;
    this.st.frozen.delete(e);
    out.events.push({ kind: 'mac-thawed', vni: e.vrf.vni, mac: e.node.mac });
    resolveEntry(this.st, e, now, out);
    this.dropEntryIfIdle(e);
  }

  // ---- remote routes (Loc-RIB changes) ----

  remoteRouteChanged(change: RemoteRouteChange, now: number): EngineOutput {
    const out = emptyOutput();
    this.applyRemote(change, now, out);
    return out;
  }

  /** A batch of Loc-RIB changes with one output (cheaper than one call per route). */
  remoteRoutesChanged(changes: Iterable<RemoteRouteChange>, now: number): EngineOutput {
    const out = emptyOutput();
    for (const change of changes) this.applyRemote(change, now, out);
    return out;
  }

  private applyRemote(change: RemoteRouteChange, now: number, out: EngineOutput): void {
    const route = change.route;
    if (change.action === 'add') {
      if (change.route.type === 'mac-ip') this.addRemoteMac(change.route, now, out);
      else this.addRemoteImet(change.route, out);
    } else if (route.type === 'mac-ip') {
      this.withdrawRemoteMac(route, now, out);
    } else {
      this.withdrawRemoteImet(route, out);
    }
  }

  private addRemoteMac(route: EngineMacIpRoute, now: number, out: EngineOutput): void {
    const node = this.nodeFor(route.mac);
    const rtSet = this.internRtSet(route.routeTargets);
    // Routes of one UPDATE share their next hop: skip the intern lookup when it is the same string again.
    const vtep = route.nextHop === this.lastNextHop ? this.lastVtep : this.internNextHop(route.nextHop);
    const mobility = route.mobility;
    const seq = mobility !== null ? mobility.sequence : 0;
    const sticky = mobility !== null && mobility.sticky;
    const rec = findRecord(node, route.rd, route.ethernetTag, route.ip);
    if (rec === null) {
      const created = new RemoteMacRecord(this.intern(route.rd), route.ethernetTag, route.ip === null ? null : flatten(route.ip), vtep, seq, sticky, rtSet);
      rtSet.refs++;
      created.next = node.records;
      node.records = created;
      this.touchVrfs(node, rtSet.vrfs, null, now, out);
      return;
    }
    const oldSet = rec.rtSet;
    rec.vtep = vtep;
    rec.seq = seq;
    rec.sticky = sticky;
    if (oldSet !== rtSet) {
      rtSet.refs++;
      rec.rtSet = rtSet;
      this.releaseRtSet(oldSet);
      this.touchVrfs(node, rtSet.vrfs, oldSet.vrfs, now, out);
    } else {
      this.touchVrfs(node, rtSet.vrfs, null, now, out);
    }
  }

  private withdrawRemoteMac(key: EngineMacIpRouteKey, now: number, out: EngineOutput): void {
    const node = this.macNodes.get(key.mac);
    if (node === undefined) return;
    let prev: RemoteMacRecord | null = null;
    let rec = node.records;
    while (rec !== null && !(rec.rd === key.rd && rec.ethernetTag === key.ethernetTag && rec.ip === key.ip)) {
      prev = rec;
      rec = rec.next;
    }
    if (rec === null) return;
    if (prev === null) node.records = rec.next;
    else prev.next = rec.next;
    rec.next = null;
    this.releaseRtSet(rec.rtSet);
    this.touchVrfs(node, rec.rtSet.vrfs, null, now, out);
    this.dropNodeIfIdle(node);
  }

  /** Re-decides the MAC in every VNI a changed route was (`old`) or is (`vrfs`) imported into. */
  private touchVrfs(node: MacNode, vrfs: readonly Vrf[], old: readonly Vrf[] | null, now: number, out: EngineOutput): void {
    for (let i = 0; i < vrfs.length; i++) this.touchEntry(node, vrfs[i]!, now, out);
    if (old !== null) for (const vrf of old) if (!vrfs.includes(vrf)) this.touchEntry(node, vrf, now, out);
  }

  private touchEntry(node: MacNode, vrf: Vrf, now: number, out: EngineOutput): void {
    let e = findEntry(node, vrf);
    if (e === null) {
      if (!hasRecordFor(node, vrf)) return;
      e = linkEntry(vrf, node);
    }
    resolveEntry(this.st, e, now, out);
    this.dropEntryIfIdle(e);
  }

  private addRemoteImet(route: EngineImetRoute, out: EngineOutput): void {
    const key = imetKey(route);
    const rtSet = this.internRtSet(route.routeTargets);
    const pmsi = route.pmsi;
    // The PMSI endpoint is where BUM copies go and what VXLAN from that VTEP comes from; fall back to the next hop.
    const vtep = this.intern(pmsi !== null ? pmsi.endpoint : route.nextHop);
    const floodable = pmsi !== null && pmsi.tunnelType === PMSI_INGRESS_REPLICATION;
    let rec = this.imets.get(key);
    const oldVrfs = rec !== undefined ? rec.rtSet.vrfs : null;
    if (rec === undefined) {
      rec = new ImetRecord(key, route.rd, route.ethernetTag, route.originator, vtep, floodable, rtSet);
      rtSet.refs++;
      this.imets.set(key, rec);
    } else {
      rec.vtep = vtep;
      rec.floodable = floodable;
      if (rec.rtSet !== rtSet) {
        rtSet.refs++;
        this.releaseRtSet(rec.rtSet);
        rec.rtSet = rtSet;
      }
    }
    for (const vrf of rtSet.vrfs) {
      vrf.imets.add(rec);
      syncFloodLists(this.st, vrf, out);
    }
    if (oldVrfs !== null) {
      for (const vrf of oldVrfs) {
        if (rtSet.vrfs.includes(vrf)) continue;
        vrf.imets.delete(rec);
        syncFloodLists(this.st, vrf, out);
      }
    }
  }

  private withdrawRemoteImet(route: EngineImetRouteKey, out: EngineOutput): void {
    const key = imetKey(route);
    const rec = this.imets.get(key);
    if (rec === undefined) return;
    this.imets.delete(key);
    this.releaseRtSet(rec.rtSet);
    for (const vrf of rec.rtSet.vrfs) {
      vrf.imets.delete(rec);
      syncFloodLists(this.st, vrf, out);
    }
  }

  // ---- show / reconciliation ----

  /** The full intended state of one VNI, or null if it is not configured. */
  vniSnapshot(vni: number): VniSnapshot | null {
    const vrf = this.vrfs.get(vni);
    return vrf === undefined ? null : buildVniSnapshot(this.st, vrf);
  }

  /** The full intended state of every VNI, in VNI order. */
  snapshot(): VniSnapshot[] {
    return this.vnis.map((vni) => buildVniSnapshot(this.st, this.vrfs.get(vni)!));
  }

  // ---- internals ----

  private requireVrf(vni: number): Vrf {
    const vrf = this.vrfs.get(vni);
    if (vrf === undefined) throw new EngineError(EngineErrorCode.unknownVni, `VNI ${vni} is not configured`);
    return vrf;
  }

  private nodeFor(mac: string): MacNode {
    let node = this.macNodes.get(mac);
    if (node === undefined) {
      node = new MacNode(flatten(mac));
      this.macNodes.set(mac, node);
    }
    return node;
  }

  private dropEntryIfIdle(e: MacEntry): void {
    if (!entryIsIdle(e)) return;
    unlinkEntry(e);
    this.dropNodeIfIdle(e.node);
  }

  private dropNodeIfIdle(node: MacNode): void {
    if (node.records === null && node.entries === null) this.macNodes.delete(node.mac);
  }

  private internNextHop(nextHop: string): string {
    this.lastNextHop = nextHop;
    return (this.lastVtep = this.intern(nextHop));
  }

  private intern(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    if (this.strings.size >= INTERN_LIMIT) this.strings.clear();
    this.strings.set(flatten(s), s);
    return s;
  }

  private internRtSet(rts: readonly string[]): RtSet {
    const key = rts.length === 1 ? rts[0]! : rts.join(' ');
    let set = this.rtSets.get(key);
    if (set === undefined) {
      const canonical = rts.map((rt) => tryCanonicalRt(rt) ?? rt);
      set = new RtSet(key, rts.slice(), canonical);
      set.vrfs = this.importingVrfs(canonical);
      this.rtSets.set(key, set);
    }
    return set;
  }

  private releaseRtSet(set: RtSet): void {
    if (--set.refs === 0) this.rtSets.delete(set.key);
  }

  private importingVrfs(canonical: readonly string[]): Vrf[] {
    const vrfs: Vrf[] = [];
    for (const vrf of this.vrfs.values()) {
      if (canonical.some((rt) => vrf.importExact.has(rt) || (vrf.importAnyAdmin.size > 0 && vrf.importAnyAdmin.has(rtValuePart(rt))))) {
        vrfs.push(vrf);
      }
    }
    return vrfs;
  }

  /**
   * After any import-RT change. Changes the import sets in place, so the VNIs a record used to
   * reach are found by the full reconcile that always follows.
   */
  private recomputeImports(): void {
    for (const set of this.rtSets.values()) set.vrfs = this.importingVrfs(set.canonical);
  }

  /** Re-decides everything in one VNI: every MAC, the flood lists and our RT3. O(all MACs). */
  private reconcileVrf(vrf: Vrf, now: number, out: EngineOutput): void {
    for (const node of this.macNodes.values()) {
      let e = findEntry(node, vrf);
      if (e === null) {
        if (!hasRecordFor(node, vrf)) continue;
        e = linkEntry(vrf, node);
      }
      resolveEntry(this.st, e, now, out);
      this.dropEntryIfIdle(e);
    }
    vrf.imets.clear();
    for (const rec of this.imets.values()) if (rec.rtSet.vrfs.includes(vrf)) vrf.imets.add(rec);
    syncFloodLists(this.st, vrf, out);
    syncImetOrigination(this.st, vrf, true, out);
  }
}

function findRecord(node: MacNode, rd: string, ethernetTag: number, ip: string | null): RemoteMacRecord | null {
  for (let r = node.records; r !== null; r = r.next) if (r.rd === rd && r.ethernetTag === ethernetTag && r.ip === ip) return r;
  return null;
}

function imetKey(route: EngineImetRouteKey): string {
  return `${route.rd}|${route.ethernetTag}|${route.originator}`;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

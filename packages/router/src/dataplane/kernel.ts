/**
 * The Linux kernel as the EVPN dataplane: traditional bridges with one vxlan device per VNI, as
 * FRR's zebra drives them for `advertise-all-vni`. Segments are discovered from the link table,
 * local MACs from the bridge FDB, and remote MACs / flood lists are programmed into the vxlan
 * device's FDB as `self extern_learn` entries.
 *
 * Every kernel change runs through one queue, and per-key desired/installed state decides what
 * to send, so a remove only deletes what this process installed and concurrent intents, link
 * changes and resyncs cannot interleave half-way.
 *
 * allowVtep intents change nothing here: the kernel has no per-VNI source-VTEP check (the DPDK
 * dataplane enforces it). The kernel announces a vxlan device's changed local address only while
 * the device is up; a change made while it is down is seen when it comes up.
 */
import type { ForwardingIntent } from '@evpn6/evpn';
import { AddressFamily, NtfFlag, NudState, VXLAN_IANA_PORT } from '../netlink/constants.js';
import { ZERO_MAC } from '../netlink/addresses.js';
import type { LinkMessage } from '../netlink/link.js';
import type { NeighborMessage } from '../netlink/neighbor.js';
import {
  countFloodVteps,
  countRemoteMacs,
  emptyIntentTable,
  foldIntents,
  hasFloodVtep,
  remoteMacOf,
  setFloodVtep,
  setRemoteMac,
  type IntentTable,
  type TouchedKey,
} from './intent-table.js';
import type { RtnlChangeListener, RtnlOps } from './rtnl-ops.js';
import type { Dataplane, DataplaneEvent, DataplaneStats, VniInfo } from './types.js';

interface LinkState {
  readonly index: number;
  readonly name: string;
  readonly master: number | undefined;
  /** Set for a vxlan device that has a VNI. */
  readonly vxlan: VniInfo | undefined;
}

/** FDB requests in flight at once (the netlink socket's receive buffer holds far more answers). */
const SYNC_WINDOW = 64;

/** Kernel answers that mean "already as asked". */
const ALREADY_GONE = 'ERR_NETLINK_ENOENT';
const ALREADY_THERE = 'ERR_NETLINK_EEXIST';

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

function linkState(m: LinkMessage): LinkState {
  const vx = m.linkInfo?.kind === 'vxlan' ? m.linkInfo.vxlan : undefined;
  const name = m.name ?? `if${m.index}`;
  const vxlan: VniInfo | undefined =
    vx?.vni === undefined
      ? undefined
      : { vni: vx.vni, localVtep: vx.local6 ?? vx.local ?? null, port: vx.port ?? VXLAN_IANA_PORT, device: name };
  return { index: m.index, name, master: m.master, vxlan };
}

export class KernelDataplane implements Dataplane {
  private readonly links = new Map<number, LinkState>();
  /** vni -> its vxlan device. */
  private readonly devices = new Map<number, LinkState>();
  /** vni -> mac -> port name, for MACs learned on local bridge ports. */
  private readonly localMacs = new Map<number, Map<string, string>>();
  private readonly desired: IntentTable = emptyIntentTable();
  private readonly installed: IntentTable = emptyIntentTable();
  private readonly listeners = new Set<(event: DataplaneEvent) => void>();
  private queue: Promise<void> = Promise.resolve();
  private unwatch: (() => void) | undefined;
  private running = false;
  private staleRemoved = 0;
  private errors = 0;

  constructor(private readonly ops: RtnlOps) {}

  /** Rejects when the first discovery fails (the dataplane then stays stopped). */
  start(): Promise<void> {
    return this.enqueue(async () => {
      if (this.running) return;
      this.running = true;
      // Watch before the dumps so nothing that changes during them is missed.
      this.unwatch = this.ops.watch(this.changeListener());
      try {
        await this.resyncNow();
      } catch (e) {
        this.unwatch();
        this.unwatch = undefined;
        this.running = false;
        throw e;
      }
    }, true);
  }

  apply(intents: readonly ForwardingIntent[]): Promise<void> {
    const touched = foldIntents(this.desired, intents);
    return this.enqueue(async () => {
      await this.syncAll(touched);
    });
  }

  on(listener: (event: DataplaneEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  vnis(): VniInfo[] {
    const out: VniInfo[] = [];
    for (const d of this.devices.values()) {
      if (d.vxlan === undefined) continue;
      const bridge = d.master === undefined ? undefined : this.links.get(d.master);
      out.push({ ...d.vxlan, ifindex: d.index, ...(bridge !== undefined ? { bridge: { name: bridge.name, ifindex: bridge.index } } : {}) });
    }
    return out;
  }

  stats(): DataplaneStats {
    let localMacs = 0;
    for (const m of this.localMacs.values()) localMacs += m.size;
    return {
      vnis: this.devices.size,
      remoteMacs: countRemoteMacs(this.installed),
      floodEntries: countFloodVteps(this.installed),
      localMacs,
      staleRemoved: this.staleRemoved,
      errors: this.errors,
    };
  }

  stop(): Promise<void> {
    return this.enqueue(async () => {
      this.unwatch?.();
      this.unwatch = undefined;
      this.running = false;
      this.desired.remoteMacs.clear();
      this.desired.floodVteps.clear();
      await this.syncAll(this.installedKeys());
      this.localMacs.clear();
    });
  }

  /** Re-reads links and the FDB and makes the kernel match the intent (start, and after lost notifications). */
  resync(): Promise<void> {
    return this.enqueue(() => this.resyncNow());
  }

  /** Runs `work` after everything queued before it. Failures become 'error' events unless `rejects`. */
  private enqueue(work: () => Promise<void>, rejects = false): Promise<void> {
    const run = this.queue.then(work);
    this.queue = run.catch((e: unknown) => {
      if (!rejects) this.fail(e);
    });
    return rejects ? run : this.queue;
  }

  private fail(e: unknown): void {
    this.errors++;
    this.emit({ kind: 'error', error: e instanceof Error ? e : new Error(String(e)) });
  }

  private emit(e: DataplaneEvent): void {
    for (const l of this.listeners) l(e);
  }

  private changeListener(): RtnlChangeListener {
    return {
      link: (m, removed) => this.onLink(m, removed),
      neighbor: (m, removed) => this.onNeighbor(m, removed),
      overrun: () => void this.resync(),
      error: (e) => this.fail(e),
    };
  }

  private async resyncNow(): Promise<void> {
    const links = await this.ops.listLinks();
    const seen = new Set<number>();
    for (const l of links) {
      if (l.family !== AddressFamily.unspec) continue;
      seen.add(l.index);
      this.onLink(l, false, false);
    }
    for (const index of [...this.links.keys()]) if (!seen.has(index)) this.removeLink(index);

    const fdb = await this.ops.listFdb();
    // What the kernel holds on our vxlan devices is, from now on, what counts as installed.
    this.installed.remoteMacs.clear();
    this.installed.floodVteps.clear();
    const local = new Map<number, Map<string, string>>();
    for (const n of fdb) {
      if (n.lladdr === undefined) continue;
      const device = this.links.get(n.index)?.vxlan;
      if (device !== undefined) {
        if (n.dst === undefined) continue;
        if (n.lladdr === ZERO_MAC) setFloodVtep(this.installed, device.vni, n.dst, true);
        else if ((n.flags & NtfFlag.extLearned) !== 0) setRemoteMac(this.installed, device.vni, n.lladdr, n.dst);
        continue;
      }
      const learned = this.localMacOf(n);
      if (learned === undefined) continue;
      let macs = local.get(learned.vni);
      if (macs === undefined) local.set(learned.vni, (macs = new Map()));
      macs.set(n.lladdr, learned.port);
    }
    for (const [vni, macs] of this.localMacs) {
      for (const mac of macs.keys()) if (!local.get(vni)?.has(mac)) this.agedLocal(vni, mac);
    }
    for (const [vni, macs] of local) for (const [mac, port] of macs) this.learnedLocal(vni, mac, port);

    const stale = this.installedKeys().filter((k) =>
      k.kind === 'remoteMac' ? remoteMacOf(this.desired, k.vni, k.mac) === undefined : !hasFloodVtep(this.desired, k.vni, k.vtep),
    );
    this.staleRemoved += await this.syncAll(stale);
    await this.syncAll(this.desiredKeys());
  }

  private installedKeys(): TouchedKey[] {
    return keysOf(this.installed);
  }

  private desiredKeys(): TouchedKey[] {
    return keysOf(this.desired);
  }

  /**
   * Syncs many keys with up to SYNC_WINDOW netlink requests in flight: waiting for each answer
   * before sending the next left the router mostly idle, at a third of what `bridge -batch`
   * reaches. Distinct keys are independent FDB entries, so their order does not matter; a key
   * given twice is synced once. Returns how many changed the kernel.
   */
  private async syncAll(keys: readonly TouchedKey[]): Promise<number> {
    const unique = new Map<string, TouchedKey>();
    for (const k of keys) unique.set(k.kind === 'remoteMac' ? `m${k.vni}/${k.mac}` : `f${k.vni}/${k.vtep}`, k);
    const list = [...unique.values()];
    let next = 0;
    let changed = 0;
    const worker = async () => {
      while (next < list.length) if (await this.syncKey(list[next++]!)) changed++;
    };
    await Promise.all(Array.from({ length: Math.min(SYNC_WINDOW, list.length) }, worker));
    return changed;
  }

  /** Makes the kernel hold the desired state of one key; true when it changed the kernel. */
  private async syncKey(k: TouchedKey): Promise<boolean> {
    const device = this.devices.get(k.vni);
    if (device === undefined) return false;
    try {
      if (k.kind === 'remoteMac') {
        const want = remoteMacOf(this.desired, k.vni, k.mac);
        const have = remoteMacOf(this.installed, k.vni, k.mac);
        if (want === have) return false;
        if (want !== undefined) {
          await this.ops.replaceRemoteMac({ device: device.index, mac: k.mac, dst: want });
        } else {
          await this.ignoring(ALREADY_GONE, this.ops.deleteRemoteMac({ device: device.index, mac: k.mac }));
        }
        setRemoteMac(this.installed, k.vni, k.mac, want ?? null);
        return true;
      }
      const want = hasFloodVtep(this.desired, k.vni, k.vtep);
      if (want === hasFloodVtep(this.installed, k.vni, k.vtep)) return false;
      const entry = { device: device.index, dst: k.vtep };
      if (want) await this.ignoring(ALREADY_THERE, this.ops.addFloodEntry(entry));
      else await this.ignoring(ALREADY_GONE, this.ops.deleteFloodEntry(entry));
      setFloodVtep(this.installed, k.vni, k.vtep, want);
      return true;
    } catch (e) {
      this.fail(e);
      return false;
    }
  }

  private async ignoring(code: string, p: Promise<void>): Promise<void> {
    try {
      await p;
    } catch (e) {
      if (errorCode(e) !== code) throw e;
    }
  }

  private onLink(m: LinkMessage, removed: boolean, programNewSegments = true): void {
    // AF_BRIDGE link messages describe bridge-port state (and a DELLINK of that family only means
    // "left the bridge"); the device itself is described by the AF_UNSPEC ones.
    if (m.family !== AddressFamily.unspec) return;
    if (removed) {
      this.removeLink(m.index);
      return;
    }
    const next = linkState(m);
    const prev = this.links.get(m.index);
    this.links.set(m.index, next);
    const before = prev?.vxlan;
    const after = next.vxlan;
    if (before !== undefined && (after === undefined || after.vni !== before.vni)) this.removeSegment(before.vni);
    if (after === undefined) return;
    if (before === undefined || after.vni !== before.vni || !this.devices.has(after.vni)) {
      this.devices.set(after.vni, next);
      this.emit({ kind: 'vni-added', info: after });
      if (programNewSegments) void this.enqueue(() => this.programSegment(after.vni));
      return;
    }
    this.devices.set(after.vni, next);
    if (after.localVtep !== before.localVtep) this.emit({ kind: 'local-vtep-changed', vni: after.vni, localVtep: after.localVtep });
  }

  private removeLink(index: number): void {
    const prev = this.links.get(index);
    if (prev === undefined) return;
    this.links.delete(index);
    if (prev.vxlan !== undefined && this.devices.get(prev.vxlan.vni)?.index === index) this.removeSegment(prev.vxlan.vni);
  }

  /** The device is gone (and its FDB with it): forget what was installed, keep the intent. */
  private removeSegment(vni: number): void {
    this.devices.delete(vni);
    this.installed.remoteMacs.delete(vni);
    this.installed.floodVteps.delete(vni);
    const macs = this.localMacs.get(vni);
    if (macs !== undefined) for (const mac of [...macs.keys()]) this.agedLocal(vni, mac);
    this.emit({ kind: 'vni-removed', vni });
  }

  private async programSegment(vni: number): Promise<void> {
    await this.syncAll(this.desiredKeys().filter((k) => k.vni === vni));
  }

  private onNeighbor(n: NeighborMessage, removed: boolean): void {
    if (n.family !== AddressFamily.bridge || n.lladdr === undefined) return;
    const device = this.links.get(n.index)?.vxlan;
    if (device !== undefined) {
      // Someone else removed an entry we installed: put it back if the intent still holds it.
      if (!removed || n.dst === undefined) return;
      const vni = device.vni;
      if (n.lladdr === ZERO_MAC) {
        if (!hasFloodVtep(this.installed, vni, n.dst)) return;
        setFloodVtep(this.installed, vni, n.dst, false);
        const key: TouchedKey = { kind: 'floodVtep', vni, vtep: n.dst };
        void this.enqueue(async () => void (await this.syncKey(key)));
      } else if (remoteMacOf(this.installed, vni, n.lladdr) === n.dst) {
        setRemoteMac(this.installed, vni, n.lladdr, null);
        const key: TouchedKey = { kind: 'remoteMac', vni, mac: n.lladdr };
        void this.enqueue(async () => void (await this.syncKey(key)));
      }
      return;
    }
    const learned = this.localMacOf(n);
    if (learned === undefined) return;
    if (removed) this.agedLocal(learned.vni, n.lladdr);
    else this.learnedLocal(learned.vni, n.lladdr, learned.port);
  }

  /**
   * The segment and port of an FDB entry a bridge learned on a local port, or undefined for
   * everything else: entries on vxlan devices, control-plane (extern_learn) and port-hardware
   * (self) entries, and the permanent entries for the bridge's and ports' own addresses.
   */
  private localMacOf(n: NeighborMessage): { vni: number; port: string } | undefined {
    if ((n.flags & (NtfFlag.extLearned | NtfFlag.self)) !== 0) return undefined;
    if ((n.state & NudState.permanent) !== 0) return undefined;
    if (n.lladdr === undefined || n.lladdr === ZERO_MAC) return undefined;
    const port = this.links.get(n.index);
    if (port === undefined || port.vxlan !== undefined) return undefined;
    const bridge = n.master ?? port.master;
    if (bridge === undefined || bridge === n.index) return undefined;
    for (const d of this.devices.values()) {
      if (d.master === bridge && d.vxlan !== undefined) return { vni: d.vxlan.vni, port: port.name };
    }
    return undefined;
  }

  private learnedLocal(vni: number, mac: string, port: string): void {
    let macs = this.localMacs.get(vni);
    if (macs === undefined) this.localMacs.set(vni, (macs = new Map()));
    if (macs.get(mac) === port) return;
    macs.set(mac, port);
    this.emit({ kind: 'mac-learned', vni, mac, port });
  }

  private agedLocal(vni: number, mac: string): void {
    const macs = this.localMacs.get(vni);
    if (macs === undefined || !macs.delete(mac)) return;
    if (macs.size === 0) this.localMacs.delete(vni);
    this.emit({ kind: 'mac-aged', vni, mac });
  }
}

function keysOf(t: IntentTable): TouchedKey[] {
  const out: TouchedKey[] = [];
  for (const [vni, macs] of t.remoteMacs) for (const mac of macs.keys()) out.push({ kind: 'remoteMac', vni, mac });
  for (const [vni, vteps] of t.floodVteps) for (const vtep of vteps) out.push({ kind: 'floodVtep', vni, vtep });
  return out;
}

/**
 * The DPDK fast path as the router's dataplane: the forwarder of native/ (through the one module
 * that loads it, ../forwarder/) does the forwarding; this driver turns the engine's intent into the
 * forwarder's commands and its MAC events into the engine's local MACs.
 *
 * Segments come from the configuration (`lan DEVICE vni N`), not from devices. The kernel still
 * owns the site's underlay address: it sits on the underlay port's TAP (the seed's tnp1s0), where
 * BGP, ND and ICMP run. So the local VTEP is read from that TAP's addresses, and the MAC the
 * forwarder sends encapsulated frames to is the kernel's neighbour entry for the underlay router;
 * both are followed at run time (a probe every second), so SLAAC renumbering and a new gateway
 * MAC reach the forwarder without a restart.
 *
 * Limits: one next hop for every remote VTEP (the underlay is reached through the carrier's router,
 * as on the seed's network), so VTEPs on the same link as us without a router are not reachable.
 */
import type { ForwardingIntent } from '@evpn6/evpn';
import type { DpdkConfig } from '../config/types.js';
import type { CommandFailure, ForwarderOptions, ForwarderStats } from '../forwarder/forwarder.js';
import type { ForwarderCommand, MacEvent } from '../forwarder/commands.js';
import { intentCommands } from '../forwarder/commands.js';
import { VXLAN_IANA_PORT } from '../netlink/constants.js';
import { countFloodVteps, countRemoteMacs, emptyIntentTable, foldIntents, type IntentTable } from './intent-table.js';
import type { Dataplane, DataplaneEvent, DataplaneStats, VniInfo } from './types.js';

/** What the driver needs of a running forwarder (the Forwarder class; a fake in tests). */
export interface ForwarderHandle {
  apply(commands: readonly ForwarderCommand[]): Promise<CommandFailure[]>;
  onMacEvents(listener: (events: MacEvent[]) => void): () => void;
  stats(): ForwarderStats;
  stop(): Promise<void>;
}

/** The kernel side of the underlay port, as last read. */
export interface UnderlayState {
  /** Our VTEP: the TAP's first usable global IPv6 address, else its IPv4 address; null before it has one. */
  readonly localVtep: string | null;
  /** MAC of the underlay router as the kernel resolved it on the TAP; null while unresolved. */
  readonly nextHopMac: string | null;
}

export interface DpdkDataplaneOptions {
  readonly config: DpdkConfig;
  readonly startForwarder: (options: ForwarderOptions) => Promise<ForwarderHandle>;
  /** Reads the TAP's state (netlinkUnderlayProbe in production). */
  readonly probe: () => Promise<UnderlayState>;
  /** How often the TAP's state is read again (default 1000 ms). */
  readonly probeIntervalMs?: number;
  /** Passed to the forwarder: sleep between idle polls (0 = busy-poll, production). */
  readonly idleSleepUs?: number;
}

/** Counter names of `show dataplane stats` that only this dataplane has. */
function forwarderCounters(s: ForwarderStats): Record<string, number> {
  const out: Record<string, number> = {
    underlayRx: s.underlayRx,
    decapsulated: s.delivered,
    exceptionsToKernel: s.exceptions,
    fragmentsPending: s.pending,
    datagramsReassembled: s.reassembled,
    lanRx: s.lanRx,
    encapsulated: s.encapsulated,
    flooded: s.flooded,
    fragmentsSent: s.fragmentsOut,
    noMbuf: s.noMbuf,
    commands: s.commands,
    commandErrors: s.commandErrors,
    eventsLost: s.eventsLost,
    fdbEntries: s.fdbEntries,
    reassemblyInFlight: s.reassemblyInFlight,
    underlayTx: s.underlay.tx,
    underlayTxDropped: s.underlay.txDropped,
    underlayToTap: s.underlay.toTap,
    underlayFromTap: s.underlay.fromTap,
  };
  // Frames the fast path did not forward, by reason: drops (vtep-not-allowed, reassembly-timeout,
  // ...) and the exceptions it handed to the kernel instead (not-udp, not-local-address, ...).
  for (const [reason, n] of Object.entries(s.reasons)) out[`reason.${reason}`] = n;
  return out;
}

export class DpdkDataplane implements Dataplane {
  private fwd: ForwarderHandle | undefined;
  private readonly listeners = new Set<(event: DataplaneEvent) => void>();
  private readonly table: IntentTable = emptyIntentTable();
  /** vni -> MACs learned on its LAN port. */
  private readonly localMacs = new Map<number, Set<string>>();
  private underlay: UnderlayState = { localVtep: null, nextHopMac: null };
  private timer: NodeJS.Timeout | undefined;
  private probing = false;
  private queue: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;
  private errors = 0;

  constructor(private readonly options: DpdkDataplaneOptions) {}

  /** Starts the forwarder (its ports up, TAPs made), binds the configured VNIs, reads the TAP once. */
  async start(): Promise<void> {
    const c = this.options.config;
    const fwd = await this.options.startForwarder({
      ealArgs: c.ealArgs,
      underlay: c.underlay,
      lan: c.lan.map((l) => ({ device: l.device, ...(l.tap !== undefined ? { tap: l.tap } : {}) })),
      ...(this.options.idleSleepUs !== undefined ? { idleSleepUs: this.options.idleSleepUs } : {}),
    });
    this.fwd = fwd;
    this.unsubscribe = fwd.onMacEvents((events) => this.onMacEvents(events));
    await this.send([{ op: 'setMtu', mtu: c.mtu }, ...c.lan.map((l, port): ForwarderCommand => ({ op: 'bindVni', vni: l.vni, port }))]);
    await this.probeOnce();
    for (const l of c.lan) this.emit({ kind: 'vni-added', info: this.segment(l.vni) });
    this.timer = setInterval(() => void this.probeOnce(), this.options.probeIntervalMs ?? 1000);
    this.timer.unref();
  }

  private segment(vni: number): VniInfo {
    const lan = this.options.config.lan.find((l) => l.vni === vni)!;
    return { vni, localVtep: this.underlay.localVtep, port: VXLAN_IANA_PORT, device: lan.tap ?? lan.device };
  }

  apply(intents: readonly ForwardingIntent[]): Promise<void> {
    foldIntents(this.table, intents);
    if (intents.length === 0) return this.queue;
    return this.send(intentCommands(intents));
  }

  /** In order, one batch at a time; refused commands become 'error' events, never rejections. */
  private send(commands: readonly ForwarderCommand[]): Promise<void> {
    const fwd = this.fwd;
    this.queue = this.queue.then(async () => {
      if (fwd === undefined || commands.length === 0) return;
      try {
        for (const f of await fwd.apply(commands)) {
          this.errors++;
          this.emit({ kind: 'error', error: f.error });
        }
      } catch (e) {
        this.errors++;
        this.emit({ kind: 'error', error: e instanceof Error ? e : new Error(String(e)) });
      }
    });
    return this.queue;
  }

  /** Reads the TAP; a changed address or gateway MAC goes to the forwarder (and the engine). */
  private async probeOnce(): Promise<void> {
    if (this.probing || this.fwd === undefined) return;
    this.probing = true;
    try {
      const next = await this.options.probe();
      const before = this.underlay;
      this.underlay = next;
      const commands: ForwarderCommand[] = [];
      if (next.localVtep !== null && next.localVtep !== before.localVtep) commands.push({ op: 'setLocalVtep', address: next.localVtep });
      if (next.nextHopMac !== null && next.nextHopMac !== before.nextHopMac) commands.push({ op: 'setUnderlayNextHop', mac: next.nextHopMac });
      await this.send(commands);
      if (next.localVtep !== before.localVtep) {
        for (const l of this.options.config.lan) this.emit({ kind: 'local-vtep-changed', vni: l.vni, localVtep: next.localVtep });
      }
    } catch (e) {
      this.errors++;
      this.emit({ kind: 'error', error: e instanceof Error ? e : new Error(String(e)) });
    } finally {
      this.probing = false;
    }
  }

  private onMacEvents(events: readonly MacEvent[]): void {
    const lan = this.options.config.lan;
    for (const e of events) {
      let macs = this.localMacs.get(e.vni);
      if (e.kind === 'mac-aged') {
        macs?.delete(e.mac);
        this.emit({ kind: 'mac-aged', vni: e.vni, mac: e.mac });
        continue;
      }
      if (macs === undefined) this.localMacs.set(e.vni, (macs = new Set()));
      macs.add(e.mac);
      const port = lan[e.port];
      this.emit({ kind: 'mac-learned', vni: e.vni, mac: e.mac, port: port?.tap ?? port?.device ?? `lan${e.port}` });
    }
  }

  on(listener: (event: DataplaneEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  vnis(): VniInfo[] {
    return this.options.config.lan.map((l) => this.segment(l.vni));
  }

  /** The underlay as last read (for show and tests). */
  underlayState(): UnderlayState {
    return this.underlay;
  }

  stats(): DataplaneStats {
    let localMacs = 0;
    for (const m of this.localMacs.values()) localMacs += m.size;
    let counters: Record<string, number> = {};
    try {
      if (this.fwd !== undefined) counters = forwarderCounters(this.fwd.stats());
    } catch {
      // Stopped between the check and the read: the intent counts still stand.
    }
    return {
      vnis: this.options.config.lan.length,
      remoteMacs: countRemoteMacs(this.table),
      floodEntries: countFloodVteps(this.table),
      localMacs,
      staleRemoved: 0,
      errors: this.errors,
      counters,
    };
  }

  /** Stops probing and the forwarder (which removes its TAPs and every table with them). */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    await this.queue.catch(() => undefined);
    const fwd = this.fwd;
    this.fwd = undefined;
    this.table.remoteMacs.clear();
    this.table.floodVteps.clear();
    if (fwd !== undefined) await fwd.stop();
  }

  private emit(e: DataplaneEvent): void {
    for (const l of this.listeners) l(e);
  }
}

/**
 * The router: one BGP speaker, one MAC-VRF engine, one dataplane, wired as DESIGN.md's data
 * flows say. Loc-RIB EVPN changes go to the engine; the engine's originated routes go back to
 * the speaker and its forwarding intent to the dataplane; the dataplane's segments and local
 * MACs go to the engine. This class owns the wiring and nothing else: no sockets of its own
 * (the control socket is control.ts), no formatting (show-context.ts and show/).
 */
import type { RouteChange, Speaker } from '@evpn6/bgp';
import { createSpeaker, defaultRegistry, fromHex, parseIp } from '@evpn6/bgp';
import type { EngineOutput, EvpnRoute, RemoteRouteChange } from '@evpn6/evpn';
import { MacVrfEngine, bgpRouteFromEngine, engineKeyFromBgp, engineRouteFromBgp, registerEvpn } from '@evpn6/evpn';
import type { RouterConfig } from '../config/types.js';
import type { Dataplane, DataplaneEvent } from '../dataplane/types.js';
import { DaemonError, DaemonErrorCode } from './errors.js';
import type { DaemonLogger } from './logger.js';
import { memoryLogger } from './logger.js';
import { IDLE_HOLD_MAX, chooseRouterId, diffConfig, engineVniConfig, neighborOptions, wantedVnis, type InterfaceAddresses } from './speaker-config.js';

const EVPN = 'l2vpn-evpn';

/**
 * RouteView gives the next hop as text; one that is no single address (a 32-byte global +
 * link-local IPv6 pair, RFC 2545) comes as hex, and its first 16 bytes are the VTEP.
 */
function nextHopBytes(text: string): Uint8Array {
  return /^[0-9a-f]{64}$/.test(text) ? fromHex(text) : parseIp(text);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
/** How often the engine's clock-driven work (duplicate-MAC thaw) runs. */
const EXPIRE_INTERVAL_MS = 1000;

export interface RouterOptions {
  readonly config: RouterConfig;
  readonly dataplane: Dataplane;
  /** Where BGP listens (default every address, port 179); false: connect out only. */
  readonly listen?: { readonly addresses?: readonly string[]; readonly port?: number } | false;
  readonly logger?: DaemonLogger;
  /** The host's addresses per interface (router id, update-source by interface name). */
  readonly interfaces: () => InterfaceAddresses;
  /** Milliseconds clock for the engine (default Date.now). */
  readonly now?: () => number;
}

/** What a SIGHUP reload did. */
export interface ReloadResult {
  readonly neighborsAdded: number;
  readonly neighborsRemoved: number;
  readonly neighborsChanged: number;
  readonly networksChanged: number;
  readonly vnisChanged: boolean;
}

/** Where each VNI's local MACs were learned (the "Intf" column of `show evpn mac`). */
type LocalPorts = Map<number, Map<string, string>>;

export class Router {
  readonly routerId: string;
  private config: RouterConfig;
  private readonly log: DaemonLogger;
  private readonly now: () => number;
  private readonly localPorts: LocalPorts = new Map();
  private pendingRemote: RemoteRouteChange[] = [];
  private flushScheduled = false;
  private dataplaneWork: Promise<void> = Promise.resolve();
  private expireTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly options: RouterOptions,
    readonly speaker: Speaker,
    readonly engine: MacVrfEngine,
    routerId: string,
  ) {
    this.config = options.config;
    this.routerId = routerId;
    this.log = options.logger ?? memoryLogger();
    this.now = options.now ?? Date.now;
  }

  /** Starts the speaker and the dataplane; rejects (with everything undone) if either cannot start. */
  static async start(options: RouterOptions): Promise<Router> {
    const { config } = options;
    const log = options.logger ?? memoryLogger();
    const routerId = chooseRouterId(config, options.interfaces());
    const registry = registerEvpn(defaultRegistry().clone());
    const speaker = await createSpeaker({
      asn: config.bgp.asn,
      routerId,
      registry,
      listen: options.listen ?? { port: 179 },
      idleHoldMax: IDLE_HOLD_MAX,
      logger: log.child({ component: 'bgp' }),
    });
    const engine = new MacVrfEngine({ routerId, asn: config.bgp.asn });
    const router = new Router(options, speaker, engine, routerId);
    try {
      await router.wire();
    } catch (e) {
      await router.stop('start failed');
      throw e instanceof DaemonError ? e : new DaemonError(DaemonErrorCode.dataplane, `dataplane did not start: ${e instanceof Error ? e.message : String(e)}`);
    }
    log.info('router started', { routerId, asn: config.bgp.asn, neighbors: config.bgp.neighbors.length, listening: speaker.listening() });
    return router;
  }

  private async wire(): Promise<void> {
    this.speaker.on('ribChange', (c) => this.onRibChange(c));
    this.unsubscribe = this.options.dataplane.on((e) => this.onDataplaneEvent(e));
    await this.options.dataplane.start();
    this.syncVnis();
    if (this.config.bgp.ipv6Unicast.networks.length > 0) this.speaker.originate({ nlri: this.config.bgp.ipv6Unicast.networks });
    const interfaces = this.options.interfaces();
    for (const n of this.config.bgp.neighbors) this.speaker.addNeighbor(neighborOptions(n, interfaces));
    this.expireTimer = setInterval(() => this.guard('expire', () => this.engine.expire(this.now())), EXPIRE_INTERVAL_MS);
    this.expireTimer.unref();
  }

  get currentConfig(): RouterConfig {
    return this.config;
  }

  get dataplane(): Dataplane {
    return this.options.dataplane;
  }

  /** The ports the VNI's local MACs were learned on, by MAC, as the dataplane said. */
  localPortsOf(vni: number): ReadonlyMap<string, string> {
    return this.localPorts.get(vni) ?? new Map<string, string>();
  }

  /** Resolves once every intent handed to the dataplane so far has been applied. */
  settled(): Promise<void> {
    this.flushRemote();
    return this.dataplaneWork;
  }

  // ---- Loc-RIB -> engine ----

  private onRibChange(c: RouteChange): void {
    if (c.family !== EVPN) return;
    const nlri = c.nlri as EvpnRoute;
    // Our own routes are the engine's; only what peers sent is remote.
    const best = c.best !== undefined && c.best.peer !== 'local' ? c.best : undefined;
    let change: RemoteRouteChange | undefined;
    if (best !== undefined) {
      let route;
      try {
        route = engineRouteFromBgp(nlri, best.attributes, nextHopBytes(best.nextHop));
      } catch (e) {
        // A route the engine cannot read (say, a next hop that is no VTEP address) is ignored, never fatal.
        this.log.warn('EVPN route ignored', { prefix: c.prefix, peer: best.peer, nextHop: best.nextHop, error: errorText(e) });
        route = undefined;
      }
      if (route !== undefined) change = { action: 'add', route };
    } else if (c.previous !== undefined && c.previous.peer !== 'local') {
      const key = engineKeyFromBgp(nlri);
      if (key !== undefined) change = { action: 'withdraw', route: key };
    }
    if (change === undefined) return;
    // A session's initial dump arrives as thousands of changes in one turn: hand them over in one batch.
    this.pendingRemote.push(change);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flushRemote());
    }
  }

  private flushRemote(): void {
    this.flushScheduled = false;
    if (this.pendingRemote.length === 0) return;
    const batch = this.pendingRemote;
    this.pendingRemote = [];
    this.guard('Loc-RIB changes', () => this.engine.remoteRoutesChanged(batch, this.now()));
  }

  // ---- dataplane -> engine ----

  /**
   * Runs one engine call and applies its output. The engine validates what it is given and the
   * adapter hands it canonical text, so a throw here is a bug; it is logged with what caused it
   * and the router goes on, since one bad route or event must not take the site down.
   */
  private guard(what: string, call: () => EngineOutput): void {
    let out: EngineOutput;
    try {
      out = call();
    } catch (e) {
      this.log.error('engine refused an input', { input: what, code: (e as { code?: string }).code, error: errorText(e) });
      return;
    }
    this.apply(out);
  }

  private onDataplaneEvent(e: DataplaneEvent): void {
    switch (e.kind) {
      // The dataplane's vnis() already holds what each segment event says; the events only say when to look.
      case 'vni-added':
        this.log.info('vni added', { vni: e.info.vni, device: e.info.device, localVtep: e.info.localVtep });
        this.syncVnis();
        return;
      case 'vni-removed':
        this.localPorts.delete(e.vni);
        this.log.info('vni removed', { vni: e.vni });
        this.syncVnis();
        return;
      case 'local-vtep-changed':
        this.log.info('local vtep changed', { vni: e.vni, localVtep: e.localVtep });
        this.syncLocalVtep();
        return;
      case 'mac-learned': {
        if (!this.engine.vnis.includes(e.vni)) return;
        let ports = this.localPorts.get(e.vni);
        if (ports === undefined) this.localPorts.set(e.vni, (ports = new Map()));
        ports.set(e.mac, e.port);
        this.guard('mac learned', () => this.engine.localMacLearned({ vni: e.vni, mac: e.mac }, this.now()));
        return;
      }
      case 'mac-aged':
        this.localPorts.get(e.vni)?.delete(e.mac);
        if (this.engine.vnis.includes(e.vni)) this.guard('mac aged', () => this.engine.localMacAged({ vni: e.vni, mac: e.mac }, this.now()));
        return;
      case 'error':
        this.log.error('dataplane error', { code: (e.error as { code?: string }).code, error: errorText(e.error) });
        return;
    }
  }

  /**
   * One local VTEP for the engine: the address of the lowest VNI's device that has one. A site
   * has one underlay address (the seed's), so the segments agree; if they do not, the lowest wins
   * and the disagreement is logged.
   */
  private syncLocalVtep(): void {
    const addresses = this.options.dataplane
      .vnis()
      .filter((s) => this.engine.vnis.includes(s.vni) && s.localVtep !== null)
      .sort((a, b) => a.vni - b.vni)
      .map((s) => s.localVtep!);
    const want = addresses[0] ?? null;
    if (new Set(addresses).size > 1) this.log.warn('segments disagree on the local VTEP; using the lowest VNI\'s', { localVtep: want, addresses });
    if (want !== this.engine.localVtep) this.guard('local vtep', () => this.engine.setLocalVtep(want, this.now()));
  }

  /**
   * Makes the engine's VNIs those the config wants among the segments present. VNIs the engine
   * already runs are configured again only after a reload (`reconfigure`): a dataplane reports
   * its segments one event each, and re-adding every VNI on each would be quadratic at start.
   */
  private syncVnis(reconfigure = false): void {
    const want = new Set(wantedVnis(this.config, this.options.dataplane.vnis().map((s) => s.vni)));
    const running = new Set(this.engine.vnis);
    for (const vni of running) if (!want.has(vni)) this.guard(`remove vni ${vni}`, () => this.engine.removeVni(vni));
    const blocks = new Map(this.config.bgp.evpn.vnis.map((b) => [b.vni, b]));
    for (const vni of want) {
      if (running.has(vni) && !reconfigure) continue;
      this.guard(`vni ${vni}`, () => this.engine.addVni(engineVniConfig(vni, blocks.get(vni)), this.now()));
    }
    this.syncLocalVtep();
  }

  // ---- engine -> speaker and dataplane ----

  /**
   * Route changes go to the speaker one by one, in order: it packs routes of equal attributes into
   * shared UPDATEs by content (and flushes once per turn), so a burst of learned MACs still leaves
   * as a few UPDATEs without any grouping here.
   */
  private apply(out: EngineOutput): void {
    for (const r of out.routes) {
      try {
        const bgp = bgpRouteFromEngine(r.route);
        if (r.action === 'advertise') this.speaker.originate({ family: EVPN, nlri: [bgp.nlri], nextHop: bgp.nextHop, attributes: bgp.attributes });
        else this.speaker.withdraw({ family: EVPN, nlri: [bgp.nlri] });
      } catch (e) {
        this.log.error('route not originated', { vni: r.vni, action: r.action, route: r.route, error: errorText(e) });
      }
    }
    if (out.intents.length > 0) {
      const intents = out.intents;
      const dp = this.options.dataplane;
      this.dataplaneWork = this.dataplaneWork.then(() => dp.apply(intents));
    }
    for (const e of out.events) this.log.info(e.kind.replace('-', ' '), { ...e });
  }

  // ---- reload and stop ----

  /** Applies a new configuration without touching what did not change. */
  async reload(next: RouterConfig): Promise<ReloadResult> {
    const d = diffConfig(this.config, next);
    if (d.restartNeeded !== undefined) {
      throw new DaemonError(DaemonErrorCode.reloadNeedsRestart, `cannot reload: ${d.restartNeeded} needs a restart`);
    }
    this.config = next;
    const interfaces = this.options.interfaces();
    for (const address of d.removedNeighbors) await this.speaker.removeNeighbor(address);
    for (const n of d.changedNeighbors) {
      await this.speaker.removeNeighbor(n.address);
      this.speaker.addNeighbor(neighborOptions(n, interfaces));
    }
    for (const n of d.addedNeighbors) this.speaker.addNeighbor(neighborOptions(n, interfaces));
    for (const n of d.shutdownChanged) this.speaker.setNeighborShutdown(n.address, n.shutdown === undefined ? false : (n.shutdown.message ?? true));
    if (d.networksRemoved.length > 0) this.speaker.withdraw({ nlri: d.networksRemoved });
    if (d.networksAdded.length > 0) this.speaker.originate({ nlri: d.networksAdded });
    if (d.evpnChanged) this.syncVnis(true);
    const result: ReloadResult = {
      neighborsAdded: d.addedNeighbors.length,
      neighborsRemoved: d.removedNeighbors.length,
      neighborsChanged: d.changedNeighbors.length + d.shutdownChanged.length,
      networksChanged: d.networksAdded.length + d.networksRemoved.length,
      vnisChanged: d.evpnChanged,
    };
    this.log.info('configuration reloaded', { ...result });
    return result;
  }

  /** Cease to every peer, every dataplane entry removed, timers cleared. Safe to call twice. */
  stop(message = 'evpn6 shutting down'): Promise<void> {
    this.stopping ??= (async () => {
      if (this.expireTimer !== undefined) clearInterval(this.expireTimer);
      this.unsubscribe?.();
      await this.speaker.close(message);
      await this.dataplaneWork.catch(() => undefined);
      await this.options.dataplane.stop();
      this.log.info('router stopped', {});
    })();
    return this.stopping;
  }
}

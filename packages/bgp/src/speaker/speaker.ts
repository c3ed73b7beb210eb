import type net from 'node:net';
import { EventEmitter } from 'node:events';
import type { Nlri, NlriRegistry } from '../nlri/registry.js';
import type { Path, PeerRef, RibChange } from '../rib/types.js';
import type { ExportDecision } from '../rib/export.js';
import type { FsmConfigInput } from '../fsm/config.js';
import type { Logger } from '../session/logger.js';
import type { SpeakerCore } from './core.js';
import type { FamilyInfo } from './families.js';
import type { RouteAttributes } from './routes.js';
import type {
  ExportCandidate,
  MaxPrefixEvent,
  NeighborOptions,
  OriginateInput,
  PeerStateChange,
  PeerSummary,
  RouteChange,
  RouteView,
  SpeakerEvents,
  SpeakerOptions,
  WithdrawInput,
} from './types.js';
import { Rib } from '../rib/rib.js';
import { AdjRibOut } from '../rib/adj-rib-out.js';
import { defaultRegistry } from '../context.js';
import { toBgpId } from '../fsm/collision.js';
import { FsmError, fsmConfig } from '../fsm/config.js';
import { CeaseSubcode } from '../iana.js';
import { bytesEqual, formatIp } from '../address.js';
import { Writer } from '../wire/writer.js';
import { createContext } from '../context.js';
import { parsePrefix } from '../nlri/unicast.js';
import { buildUpdate } from '../attributes/build-update.js';
import { listenTcp, remoteAddressOf, BGP_PORT } from '../session/transport.js';
import { silentLogger } from '../session/logger.js';
import { SpeakerError, SpeakerErrorCode } from './errors.js';
import { resolveFamilies, resolveFamily } from './families.js';
import { Neighbor } from './neighbor.js';
import { canonicalAddress } from './neighbor-config.js';
import { attributesKey, exportRoute, localAttributes, routePathInfo } from './routes.js';

/** Where the speaker listens. */
export interface ListeningAddress {
  readonly address: string;
  readonly port: number;
}

/**
 * A BGP speaker: neighbors, their sessions, one RIB. Create it with `createSpeaker`; everything it
 * does is reported through events (`peerState`, `ribChange`, `maxPrefix`), `ribChanges()` and
 * `peers()`. `close()` tears every session down with a Cease and leaves nothing running.
 */
export class Speaker {
  private readonly emitter = new EventEmitter();
  private readonly neighbors = new Map<string, Neighbor>();
  private readonly core: SpeakerCore;
  private readonly families: readonly FamilyInfo[];
  private readonly timers: FsmConfigInput;
  private readonly registry: NlriRegistry;
  private readonly logger: Logger;
  private servers: net.Server[] = [];
  private readonly closingSockets = new Set<net.Socket>();
  private readonly iterators = new Set<ChangeQueue>();
  private flushScheduled: NodeJS.Immediate | undefined;
  private closed = false;
  private readonly exportCache = new WeakMap<RouteAttributes, Map<string, RouteAttributes | null>>();
  /** The inputs and result of the latest export (one attribute set is kept alive until the next one). */
  private readonly lastExport: LastExport = {
    attrs: undefined,
    to: undefined,
    decision: undefined,
    local: undefined,
    family: 0,
    result: undefined,
  };

  /** @internal Use createSpeaker. */
  constructor(readonly options: SpeakerOptions) {
    const registry = options.registry ?? defaultRegistry();
    if (!Number.isInteger(options.asn) || options.asn < 1 || options.asn > 0xffffffff) {
      throw new SpeakerError(SpeakerErrorCode.config, `AS ${options.asn} is not an AS number`);
    }
    let routerIdNumber: number;
    let clusterId: number;
    try {
      routerIdNumber = toBgpId(options.routerId);
      clusterId = toBgpId(options.clusterId ?? options.routerId);
    } catch {
      throw new SpeakerError(SpeakerErrorCode.config, `router id "${options.routerId}" is not a dotted quad`);
    }
    this.registry = registry;
    this.logger = options.logger ?? silentLogger;
    this.families = resolveFamilies(options.families ?? ['ipv4-unicast', 'ipv6-unicast'], registry);
    this.timers = {
      ...(options.holdTime !== undefined ? { holdTime: options.holdTime } : {}),
      ...(options.keepalive !== undefined ? { keepaliveTime: options.keepalive } : {}),
      ...(options.connectRetry !== undefined ? { connectRetryTime: options.connectRetry } : {}),
      ...(options.idleHold !== undefined ? { idleHoldTime: options.idleHold } : {}),
      ...(options.idleHoldMax !== undefined ? { idleHoldTimeMax: options.idleHoldMax } : {}),
    };
    this.checkTimers(this.timers);
    const rib = new Rib<Nlri, RouteAttributes>({
      routerId: routerIdNumber,
      localAs: options.asn,
      registry,
      unchanged: (old, nlri, attrs) =>
        (old.attrs === attrs || attributesKey(old.attrs) === attributesKey(attrs)) && sameNlri(registry, old.family, old.nlri, nlri),
    });
    const out = new AdjRibOut<Nlri, RouteAttributes, RouteAttributes>({
      clusterId,
      exportAttributes: (path, to, d) => this.exportAttributes(path, to, d),
      // By content, not object: routes originated in separate calls with equal attributes share
      // UPDATEs (one attribute object per call would give each route an UPDATE of its own).
      attrsKey: attributesKey,
      sameNlri: plainEqual,
    });
    rib.subscribe((changes) => this.ribChanged(changes));
    this.core = {
      asn: options.asn,
      routerId: options.routerId,
      routerIdNumber,
      clusterId,
      registry,
      extendedMessage: options.extendedMessage ?? true,
      connectPort: options.connectPort ?? BGP_PORT,
      rib,
      out,
      logger: this.logger,
      peerState: (c: PeerStateChange) => this.peerStateChanged(c),
      maxPrefix: (e: MaxPrefixEvent) => this.emitter.emit('maxPrefix', e),
      closing: (s: net.Socket) => this.trackClosing(s),
    };
  }

  /** @internal Starts listening; createSpeaker calls it. */
  async listen(): Promise<void> {
    const l = this.options.listen;
    if (l === false) return;
    this.servers = await listenTcp({ ...(l?.addresses ? { addresses: l.addresses } : {}), port: l?.port ?? BGP_PORT }, (s) => this.incoming(s));
  }

  /** The addresses and ports actually bound (useful with port 0). */
  listening(): ListeningAddress[] {
    const out: ListeningAddress[] = [];
    for (const s of this.servers) {
      const a = s.address();
      if (a !== null && typeof a === 'object') out.push({ address: a.address, port: a.port });
    }
    return out;
  }

  // ---- events --------------------------------------------------------------------------------

  on<K extends keyof SpeakerEvents>(event: K, listener: (arg: SpeakerEvents[K]) => void): this {
    this.emitter.on(event, listener);
    return this;
  }

  once<K extends keyof SpeakerEvents>(event: K, listener: (arg: SpeakerEvents[K]) => void): this {
    this.emitter.once(event, listener);
    return this;
  }

  off<K extends keyof SpeakerEvents>(event: K, listener: (arg: SpeakerEvents[K]) => void): this {
    this.emitter.off(event, listener);
    return this;
  }

  /** Loc-RIB changes as an async iterator; ends when the speaker closes or the loop breaks. */
  ribChanges(): AsyncIterableIterator<RouteChange> {
    const q = new ChangeQueue(() => this.iterators.delete(q));
    if (this.closed) q.end();
    else this.iterators.add(q);
    return q;
  }

  // ---- neighbors -----------------------------------------------------------------------------

  addNeighbor(opts: NeighborOptions): void {
    this.assertOpen();
    let address: string;
    try {
      address = canonicalAddress(opts.address);
    } catch {
      throw new SpeakerError(SpeakerErrorCode.config, `neighbor address "${opts.address}" is not an IP address`);
    }
    if (this.neighbors.has(address)) throw new SpeakerError(SpeakerErrorCode.duplicateNeighbor, `neighbor ${address} already exists`);
    if (typeof opts.remoteAs === 'number' && (!Number.isInteger(opts.remoteAs) || opts.remoteAs < 1 || opts.remoteAs > 0xffffffff)) {
      throw new SpeakerError(SpeakerErrorCode.config, `remote AS ${opts.remoteAs} is not an AS number`);
    }
    let n: Neighbor;
    try {
      n = new Neighbor(this.core, opts, { families: this.families, timers: this.timers });
    } catch (e) {
      if (e instanceof FsmError) throw new SpeakerError(SpeakerErrorCode.config, `neighbor ${address}: ${e.message}`);
      throw e;
    }
    this.neighbors.set(address, n);
    this.logger.info('neighbor added', { peer: address, remoteAs: opts.remoteAs });
    n.start();
  }

  /** Cease 6/3 (Peer De-configured) to the peer; its routes are withdrawn and it is forgotten. */
  async removeNeighbor(address: string): Promise<void> {
    const n = this.neighbor(address);
    this.neighbors.delete(n.address);
    n.dispose(CeaseSubcode.PEER_DECONFIGURED);
    this.flushNow();
    await this.waitClosing();
  }

  /**
   * Administrative shutdown: Cease 6/2, with `shutdown` as the RFC 9003 message when it is a
   * string; `false` brings the neighbor back up.
   */
  setNeighborShutdown(address: string, shutdown: boolean | string = true): void {
    this.neighbor(address).setShutdown(shutdown);
  }

  /** Hard reset of the session: Cease 6/4 (Administrative Reset, with an optional RFC 9003 message), then reconnect. */
  resetNeighbor(address: string, message?: string): void {
    this.neighbor(address).reset(message);
  }

  /** Sends ROUTE-REFRESH to the peer (all its families, or one). */
  requestRefresh(address: string, family?: string | { afi: number; safi: number }): boolean {
    const n = this.neighbor(address);
    return n.requestRefresh(family === undefined ? undefined : resolveFamily(family, this.registry));
  }

  peers(): PeerSummary[] {
    return [...this.neighbors.values()].map((n) => n.summary());
  }

  peer(address: string): PeerSummary {
    return this.neighbor(address).summary();
  }

  // ---- routes --------------------------------------------------------------------------------

  /** Originates routes (they win over learned ones in the decision process). */
  originate(input: OriginateInput): void {
    this.assertOpen();
    const { family, nlri } = this.resolveNlri(input);
    let attrs = [...(input.attributes ?? [])];
    if (input.description !== undefined) attrs = [...attrs, ...buildUpdate({ ...input.description }).attributes];
    const stored = localAttributes(attrs, input.nextHop);
    this.core.rib.originate(family.key, nlri, stored, routePathInfo(stored, this.core.asn, this.core.clusterId));
  }

  withdraw(input: WithdrawInput): void {
    this.assertOpen();
    const { family, nlri } = this.resolveNlri(input);
    this.core.rib.unoriginate(family.key, nlri);
  }

  /** The Loc-RIB of a family: every destination's best path. */
  routes(family: string | { afi: number; safi: number }): { prefix: string; nlri: Nlri; best: RouteView }[] {
    const f = resolveFamily(family, this.registry);
    const out: { prefix: string; nlri: Nlri; best: RouteView }[] = [];
    for (const p of this.core.rib.bestPaths(f.key)) out.push({ prefix: f.codec.format(p.nlri), nlri: p.nlri, best: view(p) });
    return out;
  }

  /** What a neighbor sent us for a family (every path, including stale ones). */
  adjRibIn(address: string, family: string | { afi: number; safi: number }): { prefix: string; nlri: Nlri; path: RouteView }[] {
    const n = this.neighbor(address);
    const f = resolveFamily(family, this.registry);
    const out: { prefix: string; nlri: Nlri; path: RouteView }[] = [];
    for (const p of this.core.rib.adjRibIn(n.id, f.key)) out.push({ prefix: f.codec.format(p.nlri), nlri: p.nlri, path: view(p) });
    return out;
  }

  // ---- shutdown ------------------------------------------------------------------------------

  /** Cease 6/2 to every peer (with an optional RFC 9003 message), stop listening, clear every timer. */
  async close(message?: string): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const n of this.neighbors.values()) n.dispose(CeaseSubcode.ADMINISTRATIVE_SHUTDOWN, message);
    this.neighbors.clear();
    if (this.flushScheduled !== undefined) clearImmediate(this.flushScheduled);
    this.flushScheduled = undefined;
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.servers = [];
    await this.waitClosing();
    for (const q of this.iterators) q.end();
    this.iterators.clear();
    this.emitter.removeAllListeners();
  }

  // ---- internals -----------------------------------------------------------------------------

  private checkTimers(t: FsmConfigInput): void {
    try {
      fsmConfig(t);
    } catch (e) {
      throw new SpeakerError(SpeakerErrorCode.config, (e as Error).message);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new SpeakerError(SpeakerErrorCode.closed, 'the speaker is closed');
  }

  private neighbor(address: string): Neighbor {
    let key: string;
    try {
      key = canonicalAddress(address);
    } catch {
      throw new SpeakerError(SpeakerErrorCode.unknownNeighbor, `no neighbor ${address}`);
    }
    const n = this.neighbors.get(key);
    if (n === undefined) throw new SpeakerError(SpeakerErrorCode.unknownNeighbor, `no neighbor ${address}`);
    return n;
  }

  private resolveNlri(input: { family?: string | { afi: number; safi: number }; nlri: readonly (Nlri | string)[] }): { family: FamilyInfo; nlri: Nlri[] } {
    let family: FamilyInfo;
    if (input.family !== undefined) family = resolveFamily(input.family, this.registry);
    else {
      const first = input.nlri[0];
      if (typeof first !== 'string') throw new SpeakerError(SpeakerErrorCode.config, 'give a family for NLRI objects');
      family = resolveFamily(first.includes(':') ? 'ipv6-unicast' : 'ipv4-unicast', this.registry);
    }
    const nlri = input.nlri.map((n) => (typeof n === 'string' ? parsePrefix(n) : n));
    return { family, nlri };
  }

  private incoming(socket: net.Socket): void {
    socket.on('error', () => {});
    const remote = remoteAddressOf(socket);
    const n = remote === undefined || this.closed ? undefined : this.neighbors.get(canonicalAddress(remote));
    if (n === undefined) {
      this.logger.debug('connection from an unknown address refused', { remote });
      socket.destroy();
      return;
    }
    n.acceptIncoming(socket);
  }

  private exportAttributes(path: Path<Nlri, RouteAttributes>, to: PeerRef, d: ExportDecision): RouteAttributes | undefined {
    const n = this.neighbors.get(to.id);
    const local = n?.sessionLocalAddress;
    if (n === undefined || local === undefined) return undefined;
    let x: RouteAttributes | undefined;
    const last = this.lastExport;
    if (last.attrs === path.attrs && last.to === to && last.decision === d && last.local === local && last.family === path.family) {
      // The routes of one UPDATE come one after another with the same inputs: no cache key to build.
      x = last.result;
    } else {
      // One result per (attributes, peer session, verdict): NLRI of one UPDATE stay packed together.
      const key = `${to.id}|${local}|${d.reason}|${d.originatorId ?? ''}|${path.family}`;
      let m = this.exportCache.get(path.attrs);
      if (m === undefined) this.exportCache.set(path.attrs, (m = new Map()));
      const hit = m.get(key);
      if (hit !== undefined) x = hit ?? undefined;
      else {
        x = exportRoute(path, to, d, {
          localAs: this.core.asn,
          localAddress: local,
          nextHopSelf: n.nextHopSelf,
          nextHopUnchanged: n.nextHopUnchanged,
        });
        m.set(key, x ?? null);
      }
      last.attrs = path.attrs;
      last.to = to;
      last.decision = d;
      last.local = local;
      last.family = path.family;
      last.result = x;
    }
    // The filter looks at the NLRI too, so it runs after the per-attributes cache, per route.
    const filter = n.exportFilter;
    if (x === undefined || filter === undefined) return x;
    const codec = this.registry.get(path.family >> 8, path.family & 0xff);
    const candidate: ExportCandidate = {
      family: codec?.name ?? String(path.family),
      afi: path.family >> 8,
      safi: path.family & 0xff,
      nlri: path.nlri,
      attributes: x.list,
      nextHop: x.nextHop,
    };
    let send: boolean;
    try {
      send = filter(candidate);
    } catch (e) {
      // A broken filter must not take the session (or the whole Adj-RIB-Out run) down: hold the route back.
      this.logger.error('export filter threw: route not sent', { peer: to.id, family: candidate.family, error: String(e) });
      send = false;
    }
    return send ? x : undefined;
  }

  private peerStateChanged(c: PeerStateChange): void {
    this.emitter.emit('peerState', c);
  }

  private ribChanged(changes: readonly RibChange<Nlri, RouteAttributes>[]): void {
    this.core.out.apply(changes);
    this.scheduleFlush();
    if (this.emitter.listenerCount('ribChange') === 0 && this.iterators.size === 0) return;
    for (const c of changes) {
      const codec = this.registry.get(c.family >> 8, c.family & 0xff)!;
      const rc: RouteChange = {
        family: codec.name,
        afi: c.family >> 8,
        safi: c.family & 0xff,
        prefix: codec.format(c.nlri),
        nlri: c.nlri,
        best: c.best && view(c.best),
        previous: c.previous && view(c.previous),
        reason: c.reason,
      };
      this.emitter.emit('ribChange', rc);
      for (const q of this.iterators) q.push(rc);
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled !== undefined || this.closed) return;
    this.flushScheduled = setImmediate(() => {
      this.flushScheduled = undefined;
      this.flushNow();
    });
  }

  private flushNow(): void {
    for (const n of this.neighbors.values()) n.flush();
  }

  private trackClosing(s: net.Socket): void {
    if (s.destroyed) return;
    this.closingSockets.add(s);
    s.once('close', () => this.closingSockets.delete(s));
  }

  private async waitClosing(): Promise<void> {
    const pending = [...this.closingSockets].map((s) => new Promise<void>((resolve) => (s.destroyed && s.closed ? resolve() : s.once('close', () => resolve()))));
    await Promise.all(pending);
  }
}

interface LastExport {
  attrs: RouteAttributes | undefined;
  to: PeerRef | undefined;
  decision: ExportDecision | undefined;
  local: string | undefined;
  family: number;
  result: RouteAttributes | undefined;
}

const NLRI_CTX = createContext();

/** Fields outside the RIB key (an EVPN label, say) count too: compare the encodings. */
function sameNlri(registry: NlriRegistry, family: number, a: Nlri, b: Nlri): boolean {
  if (a === b) return true;
  const codec = registry.get(family >> 8, family & 0xff);
  if (codec === undefined) return false;
  const wa = Writer.alloc(codec.encodedLength(a, NLRI_CTX));
  const wb = Writer.alloc(codec.encodedLength(b, NLRI_CTX));
  codec.encode(a, wa, NLRI_CTX);
  codec.encode(b, wb, NLRI_CTX);
  return bytesEqual(wa.buf, wb.buf);
}

/**
 * Structural equality of two NLRI objects (plain data: numbers, strings, byte arrays, nested
 * objects), so a change outside the RIB key, such as an EVPN label, is sent again.
 */
function plainEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) return a instanceof Uint8Array && b instanceof Uint8Array && bytesEqual(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!plainEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

function view(p: Path<Nlri, RouteAttributes>): RouteView {
  return {
    peer: p.peer.type === 'local' ? 'local' : p.peer.id,
    peerAs: p.peer.as,
    attributes: p.attrs.list,
    nextHop: p.attrs.nextHop.length === 0 ? '' : formatIp(p.attrs.nextHop),
    stale: p.stale,
  };
}

/** Pending changes for one `ribChanges()` consumer. */
class ChangeQueue implements AsyncIterableIterator<RouteChange> {
  private readonly items: RouteChange[] = [];
  private waiting: ((r: IteratorResult<RouteChange>) => void) | undefined;
  private done = false;
  constructor(private readonly onEnd: () => void) {}

  push(c: RouteChange): void {
    if (this.done) return;
    const w = this.waiting;
    if (w !== undefined) {
      this.waiting = undefined;
      w({ value: c, done: false });
    } else this.items.push(c);
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    this.onEnd();
    const w = this.waiting;
    this.waiting = undefined;
    if (w !== undefined) w({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<RouteChange>> {
    const c = this.items.shift();
    if (c !== undefined) return Promise.resolve({ value: c, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<RouteChange>> {
    this.end();
    this.items.length = 0;
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<RouteChange> {
    return this;
  }
}

/** Creates a speaker and starts listening (unless `listen: false`). Add neighbors with `addNeighbor`. */
export async function createSpeaker(options: SpeakerOptions): Promise<Speaker> {
  const s = new Speaker(options);
  await s.listen();
  return s;
}

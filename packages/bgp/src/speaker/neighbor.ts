/**
 * One configured neighbor: its connections (one FSM each, RFC 4271 §8), collision resolution
 * (§6.8), OPEN checks, operator actions and statistics. What its UPDATEs do to the RIB is
 * PeerRoutes' business (peer-routes.ts).
 */
import type net from 'node:net';
import type { FsmAction, FsmEvent, FsmSimpleEventType, FsmState, FsmStateName, FsmTimer, DownReason } from '../fsm/types.js';
import type { FsmConfigInput } from '../fsm/config.js';
import type { Capability } from '../capabilities/capability.js';
import type { SessionProperties } from '../capabilities/negotiate.js';
import type { BgpMessage } from '../messages/message.js';
import type { OpenMessage } from '../messages/open.js';
import type { UpdateMessage } from '../messages/update.js';
import type { RouteRefreshMessage } from '../messages/route-refresh.js';
import type { ConnectionHooks } from '../session/connection.js';
import type { SpeakerCore } from './core.js';
import type { FamilyInfo } from './families.js';
import type { DownInfo, ExportFilter, NeighborOptions, PeerFamilyStats, PeerSummary, PeerTimers } from './types.js';
import { createFsm } from '../fsm/config.js';
import { transition } from '../fsm/transition.js';
import { collisionCheck, resolveCollision, toBgpId } from '../fsm/collision.js';
import { negotiate } from '../capabilities/negotiate.js';
import { createOpen } from '../messages/open.js';
import { decodeMessage, encodeMessage } from '../messages/message.js';
import { KEEPALIVE } from '../messages/keepalive.js';
import { createNotification } from '../messages/notification.js';
import { notificationName } from '../messages/notification-names.js';
import { shutdownCommunicationData } from '../messages/notification.js';
import { AddPathMode, CeaseSubcode, ErrorCode, HeaderErrorSubcode, MessageType, UpdateErrorSubcode } from '../iana.js';
import { BgpError, NotificationError } from '../errors.js';
import { createContext } from '../context.js';
import { Connection, TIMER_EVENT } from '../session/connection.js';
import { PeerRoutes } from './peer-routes.js';
import type { MutablePeerRef } from './neighbor-config.js';
import { countType, downInfo, formatBgpId, neighborSettings, zeroCounts } from './neighbor-config.js';
import type { GracefulRestartHelper } from './peer-routes.js';

const STATE_RANK: Readonly<Record<FsmStateName, number>> = { Idle: 0, Connect: 1, Active: 2, OpenSent: 3, OpenConfirm: 4, Established: 5 };

const TYPE_NUMBER: Record<BgpMessage['type'], number> = MessageType;

export class Neighbor implements ConnectionHooks {
  readonly address: string;
  readonly families: readonly FamilyInfo[];
  readonly ref: MutablePeerRef;
  private primary: Connection;
  private secondary: Connection | null = null;
  /** The connection whose session is Established. */
  private session: Connection | null = null;
  private readonly routes: PeerRoutes;
  private establishedAt = 0;
  private transitions = 0;
  private shut: boolean;
  private shutdownMessage: string | undefined;
  private removed = false;
  private visibleState: FsmStateName = 'Idle';
  private lastDown: DownInfo | undefined;
  private readonly messagesIn = zeroCounts();
  private readonly messagesOut = zeroCounts();
  private readonly queue: [Connection, FsmEvent][] = [];
  private running = false;
  private pendingUpdate: UpdateMessage | null = null;
  private pendingRefresh: RouteRefreshMessage | null = null;
  private readonly addPathFamilies: ReadonlySet<number>;
  private readonly grHelper: GracefulRestartHelper | undefined;
  private restartAfterStop: NodeJS.Timeout | undefined;
  private readonly fsmConfig: FsmConfigInput;

  constructor(
    private readonly core: SpeakerCore,
    readonly opts: NeighborOptions,
    defaults: { families: readonly FamilyInfo[]; timers: FsmConfigInput },
  ) {
    const c = neighborSettings(core, opts, defaults);
    this.address = c.address;
    this.families = c.families;
    this.ref = c.ref;
    this.fsmConfig = c.fsmConfig;
    this.addPathFamilies = c.addPathFamilies;
    this.grHelper = c.grHelper;
    this.shut = opts.shutdown !== undefined && opts.shutdown !== false;
    this.shutdownMessage = typeof opts.shutdown === 'string' ? opts.shutdown : undefined;
    // The FSM checks the timers: a bad value throws here, before anything is registered.
    this.primary = this.newConnection();
    core.rib.addPeer(this.ref, { prefixLimits: c.limits });
    this.routes = new PeerRoutes(core, this.address, this.families, c.maxPrefix, this.grHelper, (data, restartAfter) => this.maxPrefixTeardown(data, restartAfter));
  }

  get id(): string {
    return this.address;
  }

  /** The most advanced state of the neighbor's connections (a collision shows as one session). */
  get state(): FsmStateName {
    const p = this.primary.fsm.name;
    const s = this.secondary?.fsm.name;
    return s !== undefined && STATE_RANK[s] > STATE_RANK[p] ? s : p;
  }

  get isShutdown(): boolean {
    return this.shut;
  }

  private newConnection(): Connection {
    return new Connection(createFsm(this.fsmConfig), this, createContext({ registry: this.core.registry }));
  }

  private startEvent(): FsmSimpleEventType {
    return this.opts.passive ? 'ManualStart_with_PassiveTcpEstablishment' : 'ManualStart';
  }

  /** Starts the session unless configured shut down. */
  start(): void {
    if (this.shut || this.removed) return;
    this.feed(this.primary, { type: this.startEvent() });
  }

  // ---- FSM driving -------------------------------------------------------------------------

  /** Feeds an event; events raised while carrying out actions are queued, so each transition completes first. */
  feed(conn: Connection, ev: FsmEvent): void {
    this.queue.push([conn, ev]);
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const [c, e] = this.queue.shift()!;
        if (c.isDiscarded) continue;
        try {
          this.step(c, e);
        } catch (err) {
          this.core.logger.error('session step failed', { peer: this.address, event: e.type, error: String(err) });
        }
      }
    } finally {
      this.running = false;
    }
  }

  private step(conn: Connection, ev: FsmEvent): void {
    const r = transition(conn.fsm, ev);
    conn.fsm = r.state;
    for (const a of r.actions) this.act(conn, a, r.state);
    if (r.state.name === 'Idle') this.settleIdle(conn);
    this.announceState(r.state.lastDown);
  }

  private act(conn: Connection, a: FsmAction, state: FsmState): void {
    switch (a.type) {
      case 'StartTimer':
        conn.startTimer(a.timer, a.seconds);
        break;
      case 'StopTimer':
        conn.stopTimer(a.timer);
        break;
      case 'InitializeResources':
      case 'ReleaseResources':
        break;
      case 'OpenTcp':
        if (skipOpenTcp.has(conn)) skipOpenTcp.delete(conn);
        else
          conn.connect({
            host: this.address,
            port: this.opts.port ?? this.core.connectPort,
            localAddress: this.opts.localAddress,
          });
        break;
      case 'CloseTcp':
        conn.close();
        break;
      case 'SendOpen': {
        const open = this.ourOpen();
        conn.ourOpen = open;
        conn.send(open);
        break;
      }
      case 'SendKeepalive':
        conn.send(KEEPALIVE);
        break;
      case 'SendNotification':
        conn.send(createNotification(a.errorCode, a.errorSubcode, { data: a.data }));
        this.core.logger.warn('NOTIFICATION sent', { peer: this.address, notification: notificationName(a.errorCode, a.errorSubcode) });
        break;
      case 'SessionEstablished':
        this.established(conn);
        break;
      case 'SessionDown':
        break;
      case 'ProcessUpdate': {
        const m = this.pendingUpdate;
        this.pendingUpdate = null;
        if (m !== null && conn === this.session) this.routes.update(m);
        break;
      }
      case 'ProcessRouteRefresh': {
        const m = this.pendingRefresh;
        this.pendingRefresh = null;
        if (m !== null && conn === this.session) this.routes.routeRefresh(m);
        break;
      }
      case 'DeleteRoutes':
        this.session = null;
        this.routes.down(state.lastDown, this.removed);
        break;
    }
  }

  /** A connection fell to Idle: a second connection is dropped, or takes over from a failed first one. */
  private settleIdle(conn: Connection): void {
    if (conn === this.secondary) {
      conn.discard();
      this.secondary = null;
    } else if (conn === this.primary && this.secondary !== null) {
      conn.discard();
      this.primary = this.secondary;
      this.secondary = null;
    }
  }

  private announceState(down: DownReason | null): void {
    const now = this.state;
    if (now === this.visibleState) return;
    const previous = this.visibleState;
    this.visibleState = now;
    if (now === 'Idle' && down !== null) this.lastDown = downInfo(down);
    this.core.logger.info('peer state', { peer: this.address, state: now, previous });
    this.core.peerState(
      now === 'Idle' && this.lastDown !== undefined
        ? { address: this.address, state: now, previous, down: this.lastDown }
        : { address: this.address, state: now, previous },
    );
  }

  // ---- connection hooks ---------------------------------------------------------------------

  timerExpired(conn: Connection, timer: FsmTimer): void {
    this.feed(conn, { type: TIMER_EVENT[timer] });
  }

  connected(conn: Connection): void {
    this.feed(conn, { type: 'Tcp_CR_Acked' });
  }

  connectFailed(conn: Connection, error: unknown): void {
    this.core.logger.debug('connect failed', { peer: this.address, error: String(error) });
    this.feed(conn, { type: 'TcpConnectionFails' });
  }

  lost(conn: Connection): void {
    this.core.logger.debug('connection lost', { peer: this.address });
    this.feed(conn, { type: 'TcpConnectionFails' });
  }

  framingFailed(conn: Connection, error: unknown): void {
    const n =
      error instanceof NotificationError ? error : new NotificationError(ErrorCode.MESSAGE_HEADER, HeaderErrorSubcode.CONNECTION_NOT_SYNCHRONIZED);
    this.feed(conn, { type: 'BGPHeaderErr', notification: { errorCode: n.errorCode, errorSubcode: n.errorSubcode, data: n.data } });
  }

  sent(_conn: Connection, m: BgpMessage): void {
    countType(this.messagesOut, TYPE_NUMBER[m.type]);
  }

  closing(socket: net.Socket): void {
    this.core.closing(socket);
  }

  received(conn: Connection, bytes: Uint8Array): void {
    try {
      this.handleMessage(conn, bytes);
    } catch (e) {
      // A bug of ours must not take the process down with it: this session resets, the others go on.
      this.core.logger.error('message handling failed', { peer: this.address, error: String(e) });
      this.feed(conn, { type: 'BGPHeaderErr', notification: { errorCode: ErrorCode.CEASE, errorSubcode: 0 } });
    }
  }

  private handleMessage(conn: Connection, bytes: Uint8Array): void {
    const type = bytes[18]!;
    countType(this.messagesIn, type);
    let m: BgpMessage;
    try {
      m = decodeMessage(bytes, conn.rx);
    } catch (e) {
      this.decodeFailed(conn, type, e);
      return;
    }
    switch (m.type) {
      case 'OPEN':
        this.openReceived(conn, m);
        break;
      case 'KEEPALIVE':
        this.feed(conn, { type: 'KeepAliveMsg' });
        break;
      case 'UPDATE':
        this.pendingUpdate = m;
        this.feed(conn, { type: 'UpdateMsg' });
        break;
      case 'ROUTE_REFRESH':
        this.pendingRefresh = m;
        this.feed(conn, { type: 'RouteRefreshMsg' });
        break;
      case 'NOTIFICATION': {
        this.core.logger.warn('NOTIFICATION received', {
          peer: this.address,
          notification: notificationName(m.code, m.subcode),
          ...(m.communication !== undefined ? { message: m.communication } : {}),
        });
        const notification = { errorCode: m.code, errorSubcode: m.subcode, data: m.data };
        const versionError = m.code === ErrorCode.OPEN_MESSAGE && m.subcode === 1;
        this.feed(conn, versionError ? { type: 'NotifMsgVerErr', notification } : { type: 'NotifMsg', notification });
        break;
      }
    }
  }

  private decodeFailed(conn: Connection, type: number, e: unknown): void {
    let n: NotificationError;
    if (e instanceof NotificationError) n = e;
    else if (e instanceof BgpError && type === MessageType.UPDATE) n = new NotificationError(ErrorCode.UPDATE_MESSAGE, UpdateErrorSubcode.MALFORMED_ATTRIBUTE_LIST);
    else if (e instanceof BgpError && type === MessageType.OPEN) n = new NotificationError(ErrorCode.OPEN_MESSAGE, 0);
    else n = new NotificationError(ErrorCode.MESSAGE_HEADER, HeaderErrorSubcode.BAD_MESSAGE_LENGTH);
    this.core.logger.warn('bad message', { peer: this.address, notification: notificationName(n.errorCode, n.errorSubcode), error: String(e) });
    const notification = { errorCode: n.errorCode, errorSubcode: n.errorSubcode, data: n.data };
    if (n.errorCode === ErrorCode.MESSAGE_HEADER) this.feed(conn, { type: 'BGPHeaderErr', notification });
    else if (n.errorCode === ErrorCode.OPEN_MESSAGE) this.feed(conn, { type: 'BGPOpenMsgErr', notification });
    else this.feed(conn, { type: 'UpdateMsgErr', notification });
  }

  private openReceived(conn: Connection, open: OpenMessage): void {
    const ours = conn.ourOpen ?? this.ourOpen();
    let props: SessionProperties;
    try {
      const expected = typeof this.opts.remoteAs === 'number' ? this.opts.remoteAs : this.opts.remoteAs === 'internal' ? this.core.asn : undefined;
      props = negotiate(ours, open, { registry: this.core.registry, ...(expected !== undefined ? { expectedPeerAs: expected } : {}) });
      if (this.opts.remoteAs === 'external' && props.peerAs === this.core.asn) {
        throw new NotificationError(ErrorCode.OPEN_MESSAGE, 2, undefined, 'external neighbor in our own AS');
      }
      if (props.peerAs === this.core.asn && open.bgpId === this.core.routerId) {
        throw new NotificationError(ErrorCode.OPEN_MESSAGE, 3, undefined, 'peer uses our BGP identifier');
      }
    } catch (e) {
      if (!(e instanceof NotificationError)) throw e;
      this.core.logger.warn('OPEN refused', { peer: this.address, error: e.message });
      this.feed(conn, { type: 'BGPOpenMsgErr', notification: { errorCode: e.errorCode, errorSubcode: e.errorSubcode, data: e.data } });
      return;
    }
    conn.peerOpen = open;
    conn.props = props;
    const external = props.peerAs !== this.core.asn;
    conn.rx = external ? { ...props.rx, external: true } : props.rx;
    conn.tx = props.tx;
    conn.setExtendedMessages(props.extendedMessage);
    const bgpId = toBgpId(open.bgpId);
    const other = conn === this.primary ? this.secondary : this.primary;
    if (other !== null && other !== conn && other.isOpen) {
      const check = collisionCheck(other.fsm.name);
      if (check === 'closeNew') {
        this.feed(conn, { type: 'OpenCollisionDump' });
        return;
      }
      if (check === 'compare') {
        const verdict = resolveCollision({ localBgpId: this.core.routerIdNumber, remoteBgpId: bgpId, localAs: this.core.asn, remoteAs: props.peerAs });
        const loser = verdict.type === 'Unresolvable' || conn.origin === other.origin ? conn : conn.origin === verdict.close ? conn : other;
        this.core.logger.info('connection collision', { peer: this.address, kept: loser === conn ? other.origin : conn.origin });
        this.feed(loser, { type: 'OpenCollisionDump' });
        if (loser === conn) return;
      }
    }
    this.feed(conn, { type: 'BGPOpen', open: { peerAs: props.peerAs, holdTime: open.holdTime, bgpId } });
  }

  /** The passive side: the peer connected to us. */
  acceptIncoming(socket: net.Socket): void {
    const p = this.primary;
    if (this.shut || this.removed || p.fsm.name === 'Idle') {
      socket.destroy();
      return;
    }
    if ((p.fsm.name === 'Connect' || p.fsm.name === 'Active') && !p.isOpen && !p.connecting) {
      p.attach(socket, 'remote');
      this.feed(p, { type: 'TcpConnectionConfirmed' });
      return;
    }
    // While our own attempt is under way, dropping it could kill a connection the peer already
    // accepted (and it may be doing the same): the new connection gets its own FSM instead, and
    // collision resolution picks one once the OPENs are in.
    if (this.secondary === null && p.fsm.name !== 'Established') {
      const c = this.newConnection();
      this.secondary = c;
      skipOpenTcp.add(c);
      this.feed(c, { type: this.startEvent() });
      skipOpenTcp.delete(c);
      c.attach(socket, 'remote');
      this.feed(c, { type: 'TcpConnectionConfirmed' });
      return;
    }
    // Established already (RFC 4271 §6.8: the new connection goes) or a third connection.
    const bytes = encodeMessage(createNotification(ErrorCode.CEASE, CeaseSubcode.CONNECTION_COLLISION_RESOLUTION), createContext());
    const guard = setTimeout(() => socket.destroy(), 2000);
    socket.once('close', () => clearTimeout(guard));
    socket.on('error', () => {});
    socket.end(bytes);
    this.core.closing(socket);
  }

  // ---- our OPEN ------------------------------------------------------------------------------

  private ourOpen(): OpenMessage {
    const caps: Capability[] = this.families.map((f) => ({ kind: 'multiprotocol', afi: f.afi, safi: f.safi }));
    caps.push({ kind: 'route-refresh' }, { kind: 'enhanced-route-refresh' });
    if (this.core.extendedMessage) caps.push({ kind: 'extended-message' });
    // Helper mode only: no families, since our forwarding state does not survive our own restart.
    if (this.grHelper !== undefined) caps.push({ kind: 'graceful-restart', flags: 0, restartTime: this.grHelper.restartTime, families: [] });
    if (this.addPathFamilies.size > 0) {
      const fams = this.families.filter((f) => this.addPathFamilies.has(f.key)).map((f) => ({ afi: f.afi, safi: f.safi, mode: AddPathMode.RECEIVE }));
      caps.push({ kind: 'add-path', families: fams });
    }
    return createOpen({ asn: this.core.asn, holdTime: this.primary.fsm.config.holdTime, bgpId: this.core.routerId, capabilities: caps });
  }

  // ---- Established / down --------------------------------------------------------------------

  private established(conn: Connection): void {
    const props = conn.props!;
    if (conn === this.secondary) {
      // The first connection can no longer win (it never got as far): this one is the session now.
      this.primary.discard();
      this.primary = conn;
      this.secondary = null;
    }
    this.session = conn;
    this.establishedAt = Date.now();
    this.transitions++;
    this.ref.routerId = toBgpId(props.peerBgpId);
    this.ref.as = props.peerAs;
    this.routes.up(conn, props, this.ref);
    // The initial dump ends with End-of-RIB, an UPDATE in any case: the keepalive timer restarts.
    this.feed(conn, { type: 'UpdateMsgSent' });
  }

  /** Sends whatever the Adj-RIB-Out has pending for this peer. */
  flush(): void {
    const conn = this.session;
    if (conn !== null && this.routes.flush()) this.feed(conn, { type: 'UpdateMsgSent' });
  }

  /** Asks the peer to send its routes again (RFC 2918). False when it cannot. */
  requestRefresh(family?: FamilyInfo): boolean {
    return this.routes.requestRefresh(family);
  }

  private maxPrefixTeardown(data: Uint8Array, restartAfter: number | undefined): void {
    const conn = this.session;
    if (conn === null) return;
    this.feed(conn, { type: 'AutomaticStop', subcode: CeaseSubcode.MAXIMUM_PREFIXES_REACHED, data });
    if (restartAfter !== undefined) {
      if (this.restartAfterStop !== undefined) clearTimeout(this.restartAfterStop);
      this.restartAfterStop = setTimeout(() => {
        this.restartAfterStop = undefined;
        this.start();
      }, restartAfter * 1000);
    }
  }

  // ---- operator actions ----------------------------------------------------------------------

  /** Administrative shutdown (Cease 6/2 with the RFC 9003 message), or back up with `false`. */
  setShutdown(shutdown: boolean | string): void {
    if (shutdown === false) {
      if (!this.shut) return;
      this.shut = false;
      this.shutdownMessage = undefined;
      this.start();
      return;
    }
    this.shut = true;
    this.shutdownMessage = typeof shutdown === 'string' ? shutdown : undefined;
    this.stop(CeaseSubcode.ADMINISTRATIVE_SHUTDOWN, this.shutdownMessage);
  }

  /** Sends Cease with the subcode on every connection and stops restarting. */
  stop(subcode: number, message?: string): void {
    const data = message !== undefined ? shutdownCommunicationData(message) : undefined;
    const ev: FsmEvent = data !== undefined ? { type: 'ManualStop', subcode, data } : { type: 'ManualStop', subcode };
    if (this.secondary !== null) this.feed(this.secondary, ev);
    this.feed(this.primary, ev);
  }

  /** Administrative reset (Cease 6/4 with an optional RFC 9003 message), then a fresh start. */
  reset(message?: string): void {
    this.stop(CeaseSubcode.ADMINISTRATIVE_RESET, message);
    this.start();
  }

  /** Neighbor de-configured (Cease 6/3), or speaker closing (6/2): nothing may remain afterwards. */
  dispose(subcode: number, message?: string): void {
    this.removed = true;
    this.stop(subcode, message);
    this.secondary?.discard();
    this.secondary = null;
    this.primary.discard();
    if (this.restartAfterStop !== undefined) clearTimeout(this.restartAfterStop);
    this.restartAfterStop = undefined;
    this.routes.dispose();
    this.core.rib.removePeer(this.id);
  }

  // ---- show ----------------------------------------------------------------------------------

  summary(): PeerSummary {
    const rib = this.core.rib;
    const out = this.core.out;
    const families: PeerFamilyStats[] = this.families.map((f) => {
      const s = rib.hasPeer(this.id) ? rib.stats(this.id, f.key) : undefined;
      return {
        family: f.name,
        active: this.routes.active.has(f.key),
        received: s?.received ?? 0,
        accepted: s?.accepted ?? 0,
        stale: s?.stale ?? 0,
        sent: out.stats(this.id, f.key).advertised,
      };
    });
    const up = this.session !== null;
    return {
      address: this.address,
      description: this.opts.description,
      remoteAs: this.opts.remoteAs,
      peerAs: this.ref.as === 0 ? undefined : this.ref.as,
      peerRouterId: this.ref.routerId === 0 ? undefined : formatBgpId(this.ref.routerId),
      state: this.state,
      shutdown: this.shut,
      uptimeMs: up ? Date.now() - this.establishedAt : 0,
      establishedTransitions: this.transitions,
      localAddress: this.session?.localAddress,
      messagesIn: { ...this.messagesIn },
      messagesOut: { ...this.messagesOut },
      families,
      lastDown: this.lastDown,
      timers: this.timers(),
    };
  }

  private timers(): PeerTimers {
    const config = this.primary.fsm.config;
    const fsm = this.session?.fsm;
    return {
      configuredHoldTime: config.holdTime,
      configuredKeepalive: config.keepaliveTime ?? Math.floor(config.holdTime / 3),
      holdTime: fsm?.holdTime ?? 0,
      keepalive: fsm?.keepaliveTime ?? 0,
    };
  }

  get sessionLocalAddress(): string | undefined {
    return this.session?.localAddress;
  }

  get nextHopSelf(): boolean {
    return this.opts.nextHopSelf ?? false;
  }

  get exportFilter(): ExportFilter | undefined {
    return this.opts.exportFilter;
  }

  get nextHopUnchanged(): boolean {
    return this.opts.nextHopUnchanged ?? false;
  }
}

/** Connections whose first OpenTcp is skipped: they were created for a socket the peer opened. */
const skipOpenTcp = new WeakSet<Connection>();

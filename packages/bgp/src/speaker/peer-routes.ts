/**
 * The routing side of one neighbor's session: which families are active, what its UPDATEs and
 * ROUTE-REFRESHes do to the RIB (RFC 7606 outcomes, End-of-RIB, max-prefix), the graceful restart
 * helper's stale routes and timers (RFC 4724), and sending the Adj-RIB-Out.
 */
import type { DownReason } from '../fsm/types.js';
import type { SessionProperties } from '../capabilities/negotiate.js';
import type { UpdateMessage } from '../messages/update.js';
import type { RouteRefreshMessage } from '../messages/route-refresh.js';
import type { Nlri } from '../nlri/registry.js';
import type { PeerRef, RibResult } from '../rib/types.js';
import type { Connection } from '../session/connection.js';
import type { SpeakerCore } from './core.js';
import type { FamilyInfo } from './families.js';
import type { RouteAttributes } from './routes.js';
import type { MaxPrefixOptions } from './types.js';
import { createRouteRefresh } from '../messages/route-refresh.js';
import { endOfRib, endOfRibFamily } from '../messages/update.js';
import { isRawNlri } from '../attributes/nlri-list.js';
import { Afi, familyKey, RouteRefreshSubtype, Safi } from '../iana.js';
import { batchUpdate, routePathInfo, storedAttributes, updateSizes } from './routes.js';

const IPV4_UNICAST = familyKey(Afi.IPV4, Safi.UNICAST);
/** RFC 4724 §3: the F bit of a family in the graceful restart capability. */
const FORWARDING_PRESERVED = 0x80;

export interface GracefulRestartHelper {
  readonly restartTime: number;
  readonly staleTime: number;
}

export class PeerRoutes {
  /** Families negotiated on the current session and not disabled by RFC 7606. */
  readonly active = new Set<number>();
  private conn: Connection | null = null;
  private props: SessionProperties | null = null;
  /** Families whose routes are stale after the peer's restart (RFC 4724 helper). */
  private readonly staleFamilies = new Set<number>();
  private restartTimer: NodeJS.Timeout | undefined;
  private staleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly core: SpeakerCore,
    private readonly id: string,
    private readonly families: readonly FamilyInfo[],
    private readonly maxPrefix: ReadonlyMap<number, MaxPrefixOptions>,
    private readonly grHelper: GracefulRestartHelper | undefined,
    /** Max-prefix teardown: Cease 6/1 with this data, and a restart later if configured. */
    private readonly teardown: (data: Uint8Array, restartAfter: number | undefined) => void,
  ) {}

  private get address(): string {
    return this.id;
  }

  /** The session is Established: initial dump of every family, each closed by End-of-RIB. */
  up(conn: Connection, props: SessionProperties, ref: PeerRef): void {
    this.conn = conn;
    this.props = props;
    this.active.clear();
    for (const f of props.families) {
      const k = familyKey(f.afi, f.safi);
      if (this.families.some((x) => x.key === k)) this.active.add(k);
    }
    const names = this.families.filter((f) => this.active.has(f.key)).map((f) => f.name);
    this.core.logger.info('session established', { peer: this.address, peerAs: props.peerAs, families: names });
    this.resumeAfterRestart(props);
    const out = this.core.out;
    out.addPeer(ref, [...this.active]);
    for (const k of this.active) out.advertise(this.id, k, this.core.rib.bestPaths(k));
    this.flush();
    for (const f of this.families) if (this.active.has(f.key)) conn.send(endOfRib(f.afi, f.safi));
  }

  /** Clears every timer (the neighbor is going away). */
  dispose(): void {
    if (this.restartTimer !== undefined) clearTimeout(this.restartTimer);
    if (this.staleTimer !== undefined) clearTimeout(this.staleTimer);
    this.restartTimer = this.staleTimer = undefined;
  }

  /** RFC 4724 helper after the peer came back: families it did not preserve lose their stale routes now. */
  private resumeAfterRestart(props: SessionProperties): void {
    if (this.restartTimer !== undefined) {
      clearTimeout(this.restartTimer);
      this.restartTimer = undefined;
    }
    if (this.staleFamilies.size === 0) return;
    const gr = props.peerGracefulRestart;
    for (const k of [...this.staleFamilies]) {
      const kept = gr?.families.find((f) => familyKey(f.afi, f.safi) === k);
      if (kept === undefined || (kept.flags & FORWARDING_PRESERVED) === 0 || !this.active.has(k)) {
        this.core.rib.sweepStale(this.id, k);
        this.staleFamilies.delete(k);
      }
    }
    if (this.staleFamilies.size > 0 && this.grHelper !== undefined) {
      this.staleTimer = setTimeout(() => {
        this.staleTimer = undefined;
        this.core.logger.warn('stale routes swept: no End-of-RIB in time', { peer: this.address });
        this.sweepAllStale();
      }, this.grHelper.staleTime * 1000);
    }
  }

  private sweepAllStale(): void {
    for (const k of this.staleFamilies) this.core.rib.sweepStale(this.id, k);
    this.staleFamilies.clear();
  }

  /** The session left Established: withdraw the peer's routes, or keep them stale (RFC 4724 helper). */
  down(down: DownReason | null, removed: boolean): void {
    this.core.out.removePeer(this.id);
    const props = this.props;
    this.conn = null;
    this.props = null;
    if (this.staleTimer !== undefined) {
      clearTimeout(this.staleTimer);
      this.staleTimer = undefined;
    }
    const gr = props?.peerGracefulRestart;
    const abrupt = down !== null && (down.kind === 'TcpConnectionFails' || down.kind === 'HoldTimerExpired');
    if (this.grHelper !== undefined && gr !== undefined && gr.restartTime > 0 && abrupt && !removed) {
      const preserved = new Set(gr.families.map((f) => familyKey(f.afi, f.safi)));
      for (const k of this.active) {
        if (preserved.has(k)) {
          this.core.rib.markStale(this.id, k);
          this.staleFamilies.add(k);
        } else {
          this.core.rib.withdrawPeer(this.id, k);
        }
      }
      this.core.logger.info('graceful restart: routes kept as stale', { peer: this.address, restartTime: gr.restartTime });
      if (this.restartTimer !== undefined) clearTimeout(this.restartTimer);
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        this.core.logger.warn('graceful restart timer expired: stale routes swept', { peer: this.address });
        this.sweepAllStale();
      }, gr.restartTime * 1000);
    } else {
      this.staleFamilies.clear();
      this.core.rib.withdrawPeer(this.id);
    }
    this.active.clear();
  }

  /** An UPDATE from the peer, RFC 7606 outcomes included. */
  update(m: UpdateMessage): void {
    const rib = this.core.rib;
    const id = this.id;
    const report = m.report;
    if (report !== undefined) {
      this.core.logger.warn('UPDATE error handled (RFC 7606)', {
        peer: this.address,
        action: report.action,
        problems: report.problems.map((p) => p.reason),
      });
      for (const f of report.disable) {
        const k = familyKey(f.afi, f.safi);
        if (!this.active.delete(k)) continue;
        this.core.logger.error('family disabled after a malformed UPDATE', { peer: this.address, afi: f.afi, safi: f.safi });
        rib.withdrawPeer(id, k);
      }
    }
    const eor = endOfRibFamily(m);
    if (eor !== undefined) {
      const k = familyKey(eor.afi, eor.safi);
      if (this.active.has(k)) {
        rib.endOfRib(id, k);
        this.staleFamilies.delete(k);
        if (this.staleFamilies.size === 0 && this.staleTimer !== undefined) {
          clearTimeout(this.staleTimer);
          this.staleTimer = undefined;
        }
      }
      return;
    }
    if (m.withdrawn.length > 0 && this.active.has(IPV4_UNICAST)) rib.withdraw(id, IPV4_UNICAST, m.withdrawn);
    let nextHop: Uint8Array | undefined;
    let reach: Extract<UpdateMessage['attributes'][number], { type: 'MP_REACH_NLRI' }> | undefined;
    for (const a of m.attributes) {
      if (a.type === 'MP_UNREACH_NLRI') {
        const k = familyKey(a.afi, a.safi);
        if (this.active.has(k) && !isRawNlri(a.withdrawn) && a.withdrawn.length > 0) rib.withdraw(id, k, a.withdrawn);
      } else if (a.type === 'MP_REACH_NLRI') reach = a;
      else if (a.type === 'NEXT_HOP') nextHop = a.nextHop;
    }
    if (report !== undefined && report.withdraw.length > 0) {
      // Treat-as-withdraw (RFC 7606 §2): every NLRI of the UPDATE goes, none is installed.
      for (const fr of report.withdraw) {
        const k = familyKey(fr.afi, fr.safi);
        if (this.active.has(k) && !isRawNlri(fr.nlri)) rib.withdraw(id, k, fr.nlri);
      }
      return;
    }
    if (m.nlri.length > 0 && nextHop !== undefined && this.active.has(IPV4_UNICAST)) {
      const attrs = storedAttributes(m.attributes, nextHop);
      this.announced(IPV4_UNICAST, rib.announce(id, IPV4_UNICAST, m.nlri, attrs, routePathInfo(attrs, this.core.asn, this.core.clusterId)));
    }
    if (reach !== undefined && !isRawNlri(reach.nlri) && reach.nlri.length > 0) {
      const k = familyKey(reach.afi, reach.safi);
      if (this.active.has(k)) {
        const attrs = storedAttributes(m.attributes, reach.nextHop);
        this.announced(k, rib.announce(id, k, reach.nlri as Nlri[], attrs, routePathInfo(attrs, this.core.asn, this.core.clusterId)));
      }
    }
  }

  /** Max-prefix (RFC 4486 Cease 6/1 carries AFI, SAFI and the limit). */
  private announced(family: number, r: RibResult<Nlri, RouteAttributes>): void {
    if (r.prefixLimit === undefined) return;
    const cfg = this.maxPrefix.get(family);
    if (cfg === undefined) return;
    const action = cfg.action ?? 'teardown';
    const accepted = this.core.rib.stats(this.id, family).accepted;
    const name = this.families.find((f) => f.key === family)?.name ?? String(family);
    this.core.maxPrefix({ address: this.address, family: name, level: r.prefixLimit, limit: cfg.limit, accepted, action });
    if (r.prefixLimit === 'warning' || action === 'warn') {
      this.core.logger.warn('maximum prefix', { peer: this.address, family: name, level: r.prefixLimit, accepted, limit: cfg.limit });
      return;
    }
    this.core.logger.error('maximum prefix exceeded: session torn down', { peer: this.address, family: name, accepted, limit: cfg.limit });
    const data = new Uint8Array(7);
    const view = new DataView(data.buffer);
    view.setUint16(0, family >> 8);
    data[2] = family & 0xff;
    view.setUint32(3, cfg.limit >>> 0);
    this.teardown(data, cfg.restartAfter);
  }

  /** A ROUTE-REFRESH from the peer: a request (answered from the Adj-RIB-Out) or its BoRR/EoRR. */
  routeRefresh(m: RouteRefreshMessage): void {
    const conn = this.conn;
    if (conn === null) return;
    const k = familyKey(m.afi, m.safi);
    if (!this.active.has(k)) return;
    const enhanced = this.props?.enhancedRouteRefresh ?? false;
    if (m.subtype === RouteRefreshSubtype.NORMAL) {
      if (enhanced) conn.send(createRouteRefresh(m.afi, m.safi, RouteRefreshSubtype.BEGIN_OF_RR));
      this.core.out.refresh(this.id, k);
      this.flushFamily(conn, k);
      if (enhanced) conn.send(createRouteRefresh(m.afi, m.safi, RouteRefreshSubtype.END_OF_RR));
    } else if (m.subtype === RouteRefreshSubtype.BEGIN_OF_RR && enhanced) {
      // RFC 7313 §4: routes not re-advertised before EoRR are stale and then removed.
      this.core.rib.markStale(this.id, k);
    } else if (m.subtype === RouteRefreshSubtype.END_OF_RR && enhanced) {
      this.core.rib.sweepStale(this.id, k);
    }
  }

  /** Asks the peer to send its routes again (RFC 2918). False when it cannot. */
  requestRefresh(family?: FamilyInfo): boolean {
    const conn = this.conn;
    if (conn === null || !(this.props?.routeRefresh ?? false)) return false;
    for (const f of this.families) {
      if ((family === undefined || family.key === f.key) && this.active.has(f.key)) conn.send(createRouteRefresh(f.afi, f.safi));
    }
    return true;
  }

  /** Sends whatever the Adj-RIB-Out has pending for this peer; true when an UPDATE went out. */
  flush(): boolean {
    const conn = this.conn;
    if (conn === null) return false;
    let sent = false;
    for (const k of this.active) if (this.flushFamily(conn, k)) sent = true;
    return sent;
  }

  private flushFamily(conn: Connection, k: number): boolean {
    const out = this.core.out;
    if (!out.hasPending(this.id, k)) return false;
    const fam = this.families.find((f) => f.key === k)!;
    const r = out.pack(this.id, k, updateSizes(fam, conn.tx));
    if (r.tooLarge.length > 0) this.core.logger.warn('routes too large for one UPDATE, not sent', { peer: this.address, count: r.tooLarge.length });
    for (const b of r.batches) {
      try {
        conn.send(batchUpdate(b, fam));
      } catch (e) {
        this.core.logger.error('cannot encode UPDATE', { peer: this.address, error: String(e) });
      }
    }
    return r.batches.length > 0;
  }
}

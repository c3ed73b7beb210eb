/**
 * A running router seen as the plain data the `show` formatters read (show/types.ts). Reading
 * only: nothing here changes the router.
 */
import type { PathAttribute, RouteView } from '@evpn6/bgp';
import { formatCommunity } from '@evpn6/bgp';
import type { EvpnRoute } from '@evpn6/evpn';
import { decodeExtCommunities, formatEvpnRoute, formatExtCommunity, formatRd, routeTypeOf } from '@evpn6/evpn';
import type { ShowContext, ShowCounter, ShowEvpnRoute, ShowVni } from '../show/types.js';
import type { Router } from './router.js';

const EVPN = 'l2vpn-evpn';
const ORIGINS = ['igp', 'egp', 'incomplete'] as const;

function asPathText(attributes: readonly PathAttribute[]): string {
  for (const a of attributes) {
    if (a.type !== 'AS_PATH') continue;
    return a.segments.map((s) => (s.type === 1 ? `{${s.asns.join(',')}}` : s.asns.join(' '))).join(' ');
  }
  return '';
}

function communitiesText(attributes: readonly PathAttribute[]): string[] {
  const out: string[] = [];
  for (const a of attributes) {
    if (a.type === 'COMMUNITIES') for (const c of a.communities) out.push(formatCommunity(c));
    else if (a.type === 'EXTENDED_COMMUNITIES') for (const c of decodeExtCommunities(a.communities)) out.push(formatExtCommunity(c));
  }
  return out;
}

function evpnPath(nlri: EvpnRoute, path: RouteView, best: boolean): ShowEvpnRoute {
  let localPref: number | undefined;
  let med: number | undefined;
  let origin: ShowEvpnRoute['origin'] = 'igp';
  for (const a of path.attributes) {
    if (a.type === 'LOCAL_PREF') localPref = a.localPref;
    else if (a.type === 'MULTI_EXIT_DISC') med = a.med;
    else if (a.type === 'ORIGIN') origin = ORIGINS[a.origin] ?? 'incomplete';
  }
  return {
    routeType: routeTypeOf(nlri),
    rd: nlri.kind === 'unknown' ? '' : formatRd(nlri.rd),
    prefix: formatEvpnRoute(nlri),
    peer: path.peer,
    nextHop: path.nextHop,
    localPref,
    med,
    asPath: asPathText(path.attributes),
    origin,
    communities: communitiesText(path.attributes),
    best,
    valid: true,
  };
}

/** Every EVPN path: ours and each neighbor's Adj-RIB-In, the Loc-RIB's choice marked best. */
function evpnRoutes(router: Router): ShowEvpnRoute[] {
  const out: ShowEvpnRoute[] = [];
  const bestPeer = new Map<string, string>();
  for (const r of router.speaker.routes(EVPN)) {
    bestPeer.set(r.prefix, r.best.peer);
    if (r.best.peer === 'local') out.push(evpnPath(r.nlri as EvpnRoute, r.best, true));
  }
  for (const p of router.speaker.peers()) {
    if (!p.families.some((f) => f.family === EVPN && f.active)) continue;
    for (const r of router.speaker.adjRibIn(p.address, EVPN)) {
      out.push(evpnPath(r.nlri as EvpnRoute, r.path, bestPeer.get(r.prefix) === p.address));
    }
  }
  return out;
}

function vnis(router: Router): ShowVni[] {
  // Ask the dataplane, not the events it sent: interface indexes and bridges are filled in there.
  const segments = new Map(router.dataplane.vnis().map((v) => [v.vni, v]));
  return router.engine.snapshot().map((snapshot) => {
    const seg = segments.get(snapshot.vni);
    const ports = router.localPortsOf(snapshot.vni);
    const firstLocal = snapshot.macs.find((m) => m.type === 'local');
    return {
      snapshot,
      vxlanInterface: seg?.device ?? '',
      vxlanIfindex: seg?.ifindex ?? 0,
      sviInterface: seg?.bridge?.name ?? '',
      sviIfindex: seg?.bridge?.ifindex ?? 0,
      localInterface: firstLocal === undefined ? '' : (ports.get(firstLocal.mac) ?? ''),
      macInterfaces: ports,
      mcastGroup: '',
    };
  });
}

function dataplaneCounters(router: Router): ShowCounter[] {
  const { counters, ...common } = router.dataplane.stats();
  const out = Object.entries(common).map(([name, value]) => ({ name, value: Number(value) }));
  for (const [name, value] of Object.entries(counters ?? {})) out.push({ name, value });
  return out;
}

/** Computes `make()` on first read and keeps it: a context serves one show command. */
function lazy<T>(make: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = make();
      done = true;
    }
    return value;
  };
}

/**
 * The router as show's plain data. Each part is computed only when a formatter reads it, so
 * `show dataplane stats` costs a few counters, not a walk over every EVPN path (a site with
 * 100k MACs polled by a monitoring script would otherwise slow its own route installation).
 */
export function showContextOf(router: Router): ShowContext {
  const peers = lazy(() => router.speaker.peers());
  // Negotiated times mean something only on a session; FRR prints the line for established peers.
  const timers = lazy(() => new Map(peers().filter((p) => p.state === 'Established').map((p) => [p.address, p.timers])));
  const ribEntries = lazy(() => {
    const counts: Record<string, number> = {};
    for (const family of ['ipv4-unicast', 'ipv6-unicast', EVPN]) counts[family] = router.speaker.routes(family).length;
    return counts;
  });
  const routes = lazy(() => evpnRoutes(router));
  const segments = lazy(() => vnis(router));
  const counters = lazy(() => dataplaneCounters(router));
  return {
    routerId: router.routerId,
    localAs: router.currentConfig.bgp.asn,
    get peers() {
      return peers();
    },
    get timers() {
      return timers();
    },
    get ribEntries() {
      return ribEntries();
    },
    get evpnRoutes() {
      return routes();
    },
    get vnis() {
      return segments();
    },
    get dataplane() {
      return counters();
    },
  };
}

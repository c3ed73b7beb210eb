/**
 * The valid messages the peer fuzzer starts from, made for one session: AS_PATH starting with
 * our AS and next hops that are our own address, so that the target accepts and re-advertises
 * them before they are mutated (a target rejecting a mutation of a message it would reject
 * anyway teaches nothing). Every UPDATE names its routes by key, so an observer session can
 * tell whether the target still holds them.
 */
import type { CodecContext, Nlri, NlriRegistry, UpdateMessage } from '@evpn6/bgp';
import { Afi, buildUpdate, createRouteRefresh, encodeMessage, KEEPALIVE, parseIp, parsePrefix, Safi } from '@evpn6/bgp';
import type { EvpnRoute } from '@evpn6/evpn';
import { encapsulation, encodeExtCommunity, parseRouteTarget } from '@evpn6/evpn';
import type { Family } from './raw-session.js';

export interface Routes {
  readonly family: Family;
  readonly nlri: readonly Nlri[];
}

export interface BaseMessage {
  /** Short stable name, e.g. "update ipv6-unicast attributes", "open". */
  readonly name: string;
  readonly type: 'open' | 'update' | 'keepalive' | 'route-refresh';
  readonly bytes: Uint8Array;
  /** The routes an UPDATE announces (empty for the rest). */
  readonly routes: readonly Routes[];
}

export interface CorpusConfig {
  readonly asn: number;
  /** Our address on the session: every next hop. */
  readonly localAddress: string;
  readonly families: readonly Family[];
  /** eBGP: no LOCAL_PREF (RFC 4271 §5.1.5). */
  readonly external: boolean;
  /** Whether the target announced ROUTE-REFRESH: only then is one a valid message to start from. */
  readonly routeRefresh: boolean;
  readonly tx: CodecContext;
}

const isV6 = (a: string) => a.includes(':');

function nextHop6(local: string): string {
  return isV6(local) ? local : `::ffff:${local}`;
}

function nextHop4(local: string): string {
  // An IPv6 session still needs an IPv4 NEXT_HOP for IPv4 NLRI; 192.0.2.254 is a documentation address.
  return isV6(local) ? '192.0.2.254' : local;
}

const RD = (n: number) => ({ type: 1, admin: 0xc0000201, assigned: n });
const ESI = Uint8Array.of(0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99);
const NO_ESI = new Uint8Array(10);

/** Route key as an observer reports it: family name and the family codec's own key. */
export function routeKey(registry: NlriRegistry, family: Family, nlri: Nlri): string {
  const codec = registry.get(family.afi, family.safi);
  return `${family.name} ${codec ? codec.key(nlri) : JSON.stringify(nlri)}`;
}

export function keysOf(registry: NlriRegistry, routes: readonly Routes[]): string[] {
  return routes.flatMap((r) => r.nlri.map((n) => routeKey(registry, r.family, n)));
}

function common(c: CorpusConfig) {
  return {
    origin: 'igp' as const,
    asPath: [c.asn],
    med: 10,
    ...(c.external ? {} : { localPref: 100 }),
  };
}

function evpnRoutes(local: string): EvpnRoute[] {
  const vtep = parseIp(local);
  const mac = (n: number) => Uint8Array.of(0x02, 0, 0x5e, 0, 0x10, n);
  return [
    { kind: 'mac-ip', pathId: undefined, rd: RD(100), esi: NO_ESI, ethernetTag: 0, mac: mac(1), ip: undefined, labels: [100] },
    { kind: 'mac-ip', pathId: undefined, rd: RD(100), esi: NO_ESI, ethernetTag: 0, mac: mac(2), ip: Uint8Array.of(198, 51, 100, 2), labels: [100] },
    { kind: 'mac-ip', pathId: undefined, rd: RD(100), esi: ESI, ethernetTag: 0, mac: mac(3), ip: parseIp('2001:db8:aa::3'), labels: [100, 20100] },
    { kind: 'inclusive-multicast', pathId: undefined, rd: RD(100), ethernetTag: 0, originator: vtep },
    { kind: 'ethernet-ad', pathId: undefined, rd: RD(101), esi: ESI, ethernetTag: 0xffffffff, label: 0 },
    { kind: 'ethernet-segment', pathId: undefined, rd: RD(102), esi: ESI, originator: vtep },
    { kind: 'ip-prefix', pathId: undefined, rd: RD(103), esi: NO_ESI, ethernetTag: 0, prefixLength: 24, prefix: Uint8Array.of(198, 51, 100, 0), gateway: new Uint8Array(4), label: 20100 },
  ];
}

function familyUpdates(c: CorpusConfig, f: Family): Array<{ name: string; update: UpdateMessage; routes: Routes[] }> {
  const base = common(c);
  const communities = ['64512:1', 0xffff0001];
  if (f.afi === Afi.IPV6 && f.safi === Safi.UNICAST) {
    const nlri = [parsePrefix('2001:db8:f1::/48'), parsePrefix('2001:db8:f1:1::/64')];
    const more = [parsePrefix('2001:db8:f2::/48')];
    return [
      {
        name: 'update ipv6-unicast',
        update: buildUpdate({ ...base, communities, mpReach: { afi: f.afi, safi: f.safi, nextHop: nextHop6(c.localAddress), nlri } }),
        routes: [{ family: f, nlri }],
      },
      {
        name: 'update ipv6-unicast optional attributes',
        update: buildUpdate({
          ...base,
          atomicAggregate: true,
          aggregator: { asn: c.asn, address: '192.0.2.9' },
          largeCommunities: [{ globalAdmin: c.asn, localData1: 1, localData2: 2 }],
          extendedCommunities: [encodeExtCommunity(parseRouteTarget('64512:100'))],
          mpReach: { afi: f.afi, safi: f.safi, nextHop: nextHop6(c.localAddress), nlri: more },
        }),
        routes: [{ family: f, nlri: more }],
      },
    ];
  }
  if (f.afi === Afi.IPV4 && f.safi === Safi.UNICAST) {
    const nlri = [parsePrefix('198.51.100.0/25'), parsePrefix('198.51.100.128/26')];
    return [{ name: 'update ipv4-unicast', update: buildUpdate({ ...base, communities, nextHop: nextHop4(c.localAddress), nlri }), routes: [{ family: f, nlri }] }];
  }
  if (f.afi === Afi.L2VPN && f.safi === Safi.EVPN) {
    const routes = evpnRoutes(c.localAddress);
    const rts = [encodeExtCommunity(parseRouteTarget('64512:100')), encodeExtCommunity(encapsulation())];
    const mp = (nlri: EvpnRoute[]) => ({ afi: f.afi, safi: f.safi, nextHop: c.localAddress, nlri });
    const macs = routes.slice(0, 3);
    const imet = [routes[3]!];
    const rest = routes.slice(4);
    return [
      { name: 'update l2vpn-evpn mac-ip', update: buildUpdate({ ...base, extendedCommunities: rts, mpReach: mp(macs) }), routes: [{ family: f, nlri: macs }] },
      {
        name: 'update l2vpn-evpn imet pmsi',
        update: buildUpdate({ ...base, extendedCommunities: rts, pmsiTunnel: { tunnelType: 6, label: 100, tunnelId: c.localAddress }, mpReach: mp(imet) }),
        routes: [{ family: f, nlri: imet }],
      },
      { name: 'update l2vpn-evpn ad es prefix', update: buildUpdate({ ...base, extendedCommunities: rts, mpReach: mp(rest) }), routes: [{ family: f, nlri: rest }] },
    ];
  }
  return [];
}

/** The messages to mutate, in a fixed order (a case names its base by index). */
export function buildCorpus(c: CorpusConfig, openBytes: Uint8Array): BaseMessage[] {
  const out: BaseMessage[] = [{ name: 'open', type: 'open', bytes: openBytes, routes: [] }];
  for (const f of c.families) {
    for (const u of familyUpdates(c, f)) out.push({ name: u.name, type: 'update', bytes: encodeMessage(u.update, c.tx), routes: u.routes });
  }
  out.push({ name: 'keepalive', type: 'keepalive', bytes: encodeMessage(KEEPALIVE, c.tx), routes: [] });
  const first = c.families[0];
  if (c.routeRefresh && first) out.push({ name: 'route-refresh', type: 'route-refresh', bytes: encodeMessage(createRouteRefresh(first.afi, first.safi), c.tx), routes: [] });
  return out;
}

/** An UPDATE withdrawing `routes` (one per family: MP_UNREACH, or the body for IPv4 unicast). */
export function withdrawal(routes: readonly Routes[], tx: CodecContext): Uint8Array[] {
  return routes
    .filter((r) => r.nlri.length > 0)
    .map((r) =>
      encodeMessage(
        r.family.afi === Afi.IPV4 && r.family.safi === Safi.UNICAST
          ? buildUpdate({ withdrawn: r.nlri as ReturnType<typeof parsePrefix>[] })
          : buildUpdate({ mpUnreach: { afi: r.family.afi, safi: r.family.safi, withdrawn: r.nlri } }),
        tx,
      ),
    );
}

/**
 * A valid route announced after each case: once the observer sees it, the target has dealt
 * with everything sent before it (targets handle one peer's messages in order).
 */
export function marker(c: CorpusConfig, index: number): { bytes: Uint8Array; routes: Routes[] } | undefined {
  const f = c.families.find((x) => x.safi === Safi.UNICAST) ?? c.families[0];
  if (!f) return undefined;
  const base = common(c);
  let update: UpdateMessage;
  let nlri: Nlri[];
  if (f.afi === Afi.IPV6 && f.safi === Safi.UNICAST) {
    nlri = [parsePrefix(`2001:db8:ffff:${(index % 0xffff).toString(16)}::/64`)];
    update = buildUpdate({ ...base, mpReach: { afi: f.afi, safi: f.safi, nextHop: nextHop6(c.localAddress), nlri } });
  } else if (f.afi === Afi.IPV4 && f.safi === Safi.UNICAST) {
    const prefixes = [parsePrefix(`203.0.113.${index % 256}/32`)];
    nlri = prefixes;
    update = buildUpdate({ ...base, nextHop: nextHop4(c.localAddress), nlri: prefixes });
  } else if (f.afi === Afi.L2VPN && f.safi === Safi.EVPN) {
    const mac = Uint8Array.of(0x02, 0, 0x5e, 0xff, (index >> 8) & 0xff, index & 0xff);
    const route: EvpnRoute = { kind: 'mac-ip', pathId: undefined, rd: RD(999), esi: NO_ESI, ethernetTag: 0, mac, ip: undefined, labels: [100] };
    nlri = [route];
    update = buildUpdate({ ...base, extendedCommunities: [encodeExtCommunity(parseRouteTarget('64512:100'))], mpReach: { afi: f.afi, safi: f.safi, nextHop: c.localAddress, nlri } });
  } else {
    return undefined;
  }
  return { bytes: encodeMessage(update, c.tx), routes: [{ family: f, nlri }] };
}

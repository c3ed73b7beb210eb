/**
 * Between the BGP world and the engine: Loc-RIB EVPN routes (NLRI + path attributes + next hop)
 * become the engine's plain text routes, and the routes the engine originates become NLRI and
 * attributes a Speaker can announce. Only RT2 and RT3 matter to a MAC-VRF; other types map to
 * undefined and are left alone.
 */
import type { PathAttribute } from '@evpn6/bgp';
import { AttrFlag, formatIp, parseIp } from '@evpn6/bgp';
import type { EvpnRoute, InclusiveMulticastRoute, MacIpRoute } from '../nlri/types.js';
import type { EngineImetRoute, EngineImetRouteKey, EngineMacIpRoute, EngineMacIpRouteKey, EvpnEngineRoute } from './types.js';
import { decodeExtCommunities, encapsulation, encodeExtCommunity, formatRouteTarget, macMobility, parseRouteTarget } from '../ext-community.js';
import { formatRd, parseRd } from '../rd.js';
import { formatMac, parseMac } from '../mac.js';
import { pmsiFromAttribute, pmsiIngressReplication, type IngressReplicationOptions } from '../pmsi.js';
import { VtepAddress, vtepFromNextHop } from '../vtep.js';
import { zeroEsi } from '../esi.js';

const STICKY = 0x01;

/** The engine's view of a Loc-RIB RT2/RT3, or undefined for the route types a MAC-VRF ignores. */
export function engineRouteFromBgp(nlri: EvpnRoute, attributes: readonly PathAttribute[], nextHop: Uint8Array): EvpnEngineRoute | undefined {
  if (nlri.kind !== 'mac-ip' && nlri.kind !== 'inclusive-multicast') return undefined;
  const routeTargets: string[] = [];
  let mobility: EngineMacIpRoute['mobility'] = null;
  let pmsi: EngineImetRoute['pmsi'] = null;
  for (const a of attributes) {
    if (a.type === 'EXTENDED_COMMUNITIES') {
      for (const c of decodeExtCommunities(a.communities)) {
        if (c.kind === 'route-target') routeTargets.push(formatRouteTarget(c));
        else if (c.kind === 'mac-mobility') mobility = { sequence: c.sequence, sticky: (c.flags & STICKY) !== 0 };
      }
    } else if (a.type === 'PMSI_TUNNEL') {
      const t = pmsiFromAttribute(a);
      pmsi = t.kind === 'ingress-replication' ? { tunnelType: a.tunnelType, label: a.label, endpoint: t.endpoint.toString() } : null;
    }
  }
  const vtep = vtepFromNextHop(nextHop).toString();
  const rd = formatRd(nlri.rd);
  if (nlri.kind === 'mac-ip') {
    return {
      type: 'mac-ip',
      rd,
      ethernetTag: nlri.ethernetTag,
      mac: formatMac(nlri.mac),
      ip: nlri.ip === undefined ? null : formatIp(nlri.ip),
      label: nlri.labels[0] ?? 0,
      nextHop: vtep,
      routeTargets,
      mobility,
    };
  }
  return { type: 'imet', rd, ethernetTag: nlri.ethernetTag, originator: formatIp(nlri.originator), pmsi, nextHop: vtep, routeTargets };
}

/** The key fields of a withdrawn RT2/RT3 (a withdrawal carries no attributes). */
export function engineKeyFromBgp(nlri: EvpnRoute): EngineMacIpRouteKey | EngineImetRouteKey | undefined {
  if (nlri.kind === 'mac-ip') {
    return { type: 'mac-ip', rd: formatRd(nlri.rd), ethernetTag: nlri.ethernetTag, mac: formatMac(nlri.mac), ip: nlri.ip === undefined ? null : formatIp(nlri.ip) };
  }
  if (nlri.kind === 'inclusive-multicast') {
    return { type: 'imet', rd: formatRd(nlri.rd), ethernetTag: nlri.ethernetTag, originator: formatIp(nlri.originator) };
  }
  return undefined;
}

/** What to hand Speaker.originate for one engine route. */
export interface BgpRouteForEngine {
  readonly nlri: MacIpRoute | InclusiveMulticastRoute;
  /** MP_REACH next hop: the VTEP (4 or 16 bytes). */
  readonly nextHop: Uint8Array;
  readonly attributes: PathAttribute[];
}

function extCommunities(list: Uint8Array[]): PathAttribute {
  return { type: 'EXTENDED_COMMUNITIES', flags: AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE, communities: list };
}

/**
 * NLRI and attributes for a route the engine originates: route targets and the VXLAN
 * encapsulation community (RFC 8365 §5.1.3) on every route, MAC Mobility when the engine
 * gives a sequence or stickiness, PMSI ingress replication with label = VNI on RT3.
 */
export function bgpRouteFromEngine(route: EvpnEngineRoute, pmsiOptions: IngressReplicationOptions = {}): BgpRouteForEngine {
  const communities = route.routeTargets.map((rt) => encodeExtCommunity(parseRouteTarget(rt)));
  communities.push(encodeExtCommunity(encapsulation()));
  const vtep = VtepAddress.parse(route.nextHop);
  if (route.type === 'mac-ip') {
    if (route.mobility && (route.mobility.sequence > 0 || route.mobility.sticky)) {
      communities.push(encodeExtCommunity(macMobility(route.mobility.sequence, route.mobility.sticky)));
    }
    const nlri: MacIpRoute = {
      kind: 'mac-ip',
      pathId: undefined,
      rd: parseRd(route.rd),
      esi: zeroEsi(),
      ethernetTag: route.ethernetTag,
      mac: parseMac(route.mac),
      ip: route.ip === null ? undefined : parseIp(route.ip),
      labels: [route.label],
    };
    return { nlri, nextHop: vtep.bytes, attributes: [extCommunities(communities)] };
  }
  const nlri: InclusiveMulticastRoute = {
    kind: 'inclusive-multicast',
    pathId: undefined,
    rd: parseRd(route.rd),
    ethernetTag: route.ethernetTag,
    originator: parseIp(route.originator),
  };
  const attributes: PathAttribute[] = [extCommunities(communities)];
  if (route.pmsi) {
    const p = pmsiIngressReplication(route.pmsi.label, VtepAddress.parse(route.pmsi.endpoint), pmsiOptions);
    attributes.push({ type: 'PMSI_TUNNEL', flags: AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE, ...p });
  }
  return { nlri, nextHop: vtep.bytes, attributes };
}


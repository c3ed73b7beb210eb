/**
 * EVPN for the speaker agent (speaker-agent.ts): Loc-RIB rows in a JSON-safe decoded form, and
 * EVPN routes built from a JSON description with @evpn6/evpn's own helpers. Runs inside the
 * agent process; the test side only ever sees plain JSON.
 */
import type { OriginateInput, PathAttribute, RouteView, Speaker } from '@evpn6/bgp';
import { formatIp, parseIp } from '@evpn6/bgp';
import type { EvpnExtCommunity, EvpnRoute, PmsiTunnelValue } from '@evpn6/evpn';
import {
  VtepAddress,
  decodeExtCommunities,
  describeEsiText,
  encapsulation,
  encodeExtCommunity,
  formatEvpnRouteWithRd,
  formatMac,
  formatRd,
  formatRouteTarget,
  legacyFrrEvpnFilter,
  macMobility,
  parseEsi,
  parseMac,
  parseRd,
  parseRouteTarget,
  pmsiFromAttribute,
  pmsiIngressReplication,
  routerMac,
  zeroEsi,
} from '@evpn6/evpn';

/** One EVPN ext. community, JSON-safe: `kind` plus its fields (MACs and RTs as text). */
export type EvpnCommunityJson = { kind: string } & Record<string, string | number | boolean>;

export interface EvpnPmsiJson {
  kind: string;
  flags: number;
  leafInfoRequired: boolean;
  tunnelType: number;
  label: number;
  /** The endpoint as text (ingress replication), or the tunnel id as hex. */
  endpoint: string;
  /** Attribute value length in bytes (9 for an IPv4 endpoint, 21 for IPv6). */
  length: number;
}

/** A Loc-RIB EVPN route as the agent reports it. */
export interface EvpnRow {
  prefix: string;
  kind: EvpnRoute['kind'];
  rd: string;
  esi?: string;
  etag?: number;
  mac?: string;
  ip?: string;
  labels?: number[];
  label?: number;
  originator?: string;
  ipPrefix?: string;
  gateway?: string;
  peer: string;
  nextHop: string;
  stale: boolean;
  localPref: number | undefined;
  communities: EvpnCommunityJson[];
  pmsi?: EvpnPmsiJson;
}

/** What the test asks us to originate (see `buildEvpn`). */
export interface EvpnSpec {
  kind: 'ethernet-ad' | 'mac-ip' | 'inclusive-multicast' | 'ethernet-segment' | 'ip-prefix';
  rd: string;
  /** 10 colon-separated octets; default all zero. */
  esi?: string;
  etag?: number;
  mac?: string;
  ip?: string;
  labels?: number[];
  label?: number;
  originator?: string;
  /** RT5 "198.51.100.0/24". */
  prefix?: string;
  gateway?: string;
  nextHop: string;
  routeTargets?: string[];
  /** Tunnel encapsulation type (default 8, VXLAN); false for none. */
  encap?: number | false;
  macMobility?: { sequence: number; sticky?: boolean };
  routerMac?: string;
  defaultGateway?: boolean;
  pmsi?: { vni: number; endpoint: string; leafInfoRequired?: boolean; ipv4Form?: boolean };
}

function communityJson(c: EvpnExtCommunity): EvpnCommunityJson {
  switch (c.kind) {
    case 'route-target':
      return { kind: c.kind, format: c.format, value: formatRouteTarget(c) };
    case 'es-import-route-target':
    case 'router-mac':
      return { kind: c.kind, mac: formatMac(c.mac) };
    case 'raw':
      return { kind: c.kind, hex: Buffer.from(c.bytes).toString('hex') };
    default:
      return { ...c };
  }
}

function pmsiJson(a: PmsiTunnelValue): EvpnPmsiJson {
  const t = pmsiFromAttribute(a);
  return {
    kind: t.kind,
    flags: a.tunnelFlags,
    leafInfoRequired: (a.tunnelFlags & 1) !== 0,
    tunnelType: a.tunnelType,
    label: a.label,
    endpoint: t.kind === 'ingress-replication' ? t.endpoint.toString() : Buffer.from(a.tunnelId).toString('hex'),
    length: 5 + a.tunnelId.length,
  };
}

function routeFields(r: EvpnRoute): Partial<EvpnRow> {
  if (r.kind === 'unknown') return {};
  const base = { rd: formatRd(r.rd) };
  switch (r.kind) {
    case 'ethernet-ad':
      return { ...base, esi: describeEsiText(r.esi), etag: r.ethernetTag, label: r.label };
    case 'mac-ip':
      return {
        ...base,
        esi: describeEsiText(r.esi),
        etag: r.ethernetTag,
        mac: formatMac(r.mac),
        ...(r.ip !== undefined ? { ip: formatIp(r.ip) } : {}),
        labels: [...r.labels],
      };
    case 'inclusive-multicast':
      return { ...base, etag: r.ethernetTag, originator: formatIp(r.originator) };
    case 'ethernet-segment':
      return { ...base, esi: describeEsiText(r.esi), originator: formatIp(r.originator) };
    case 'ip-prefix':
      return {
        ...base,
        esi: describeEsiText(r.esi),
        etag: r.ethernetTag,
        ipPrefix: `${formatIp(r.prefix)}/${r.prefixLength}`,
        gateway: formatIp(r.gateway),
        label: r.label,
      };
  }
}

function row(nlri: EvpnRoute, best: RouteView): EvpnRow {
  let communities: EvpnCommunityJson[] = [];
  let pmsi: EvpnPmsiJson | undefined;
  let localPref: number | undefined;
  for (const a of best.attributes) {
    if (a.type === 'EXTENDED_COMMUNITIES') communities = decodeExtCommunities(a.communities).map(communityJson);
    else if (a.type === 'PMSI_TUNNEL') pmsi = pmsiJson(a);
    else if (a.type === 'LOCAL_PREF') localPref = a.localPref;
  }
  return {
    prefix: formatEvpnRouteWithRd(nlri),
    kind: nlri.kind,
    rd: '',
    ...routeFields(nlri),
    peer: best.peer,
    nextHop: best.nextHop,
    stale: best.stale,
    localPref,
    communities,
    ...(pmsi !== undefined ? { pmsi } : {}),
  };
}

/** The speaker's EVPN Loc-RIB, decoded. */
export function evpnRows(speaker: Speaker): EvpnRow[] {
  return speaker.routes('l2vpn-evpn').map((d) => row(d.nlri as EvpnRoute, d.best));
}

function bytesOfIp(text: string | undefined, what: string): Uint8Array {
  if (text === undefined) throw new Error(`${what} is required`);
  return parseIp(text);
}

/** The EvpnRoute a spec names (no attributes). */
export function evpnRoute(s: EvpnSpec): EvpnRoute {
  const rd = parseRd(s.rd);
  const esi = s.esi === undefined ? zeroEsi() : parseEsi(s.esi);
  const ethernetTag = s.etag ?? 0;
  switch (s.kind) {
    case 'ethernet-ad':
      return { kind: s.kind, pathId: undefined, rd, esi, ethernetTag, label: s.label ?? 0 };
    case 'mac-ip':
      return {
        kind: s.kind,
        pathId: undefined,
        rd,
        esi,
        ethernetTag,
        mac: parseMac(s.mac ?? ''),
        ip: s.ip === undefined ? undefined : parseIp(s.ip),
        labels: s.labels ?? [0],
      };
    case 'inclusive-multicast':
      return { kind: s.kind, pathId: undefined, rd, ethernetTag, originator: bytesOfIp(s.originator, 'originator') };
    case 'ethernet-segment':
      return { kind: s.kind, pathId: undefined, rd, esi, originator: bytesOfIp(s.originator, 'originator') };
    case 'ip-prefix': {
      const [addr, len] = (s.prefix ?? '').split('/');
      const prefix = bytesOfIp(addr, 'prefix');
      const gateway = s.gateway === undefined ? new Uint8Array(prefix.length) : parseIp(s.gateway);
      return { kind: s.kind, pathId: undefined, rd, esi, ethernetTag, prefixLength: Number(len), prefix, gateway, label: s.label ?? 0 };
    }
  }
}

/** The route plus the attributes a spec asks for: what `Speaker.originate` takes. */
export function buildEvpn(s: EvpnSpec): OriginateInput {
  const communities: EvpnExtCommunity[] = (s.routeTargets ?? []).map(parseRouteTarget);
  if (s.encap !== false) communities.push(encapsulation(s.encap ?? 8));
  if (s.macMobility) communities.push(macMobility(s.macMobility.sequence, s.macMobility.sticky ?? false));
  if (s.routerMac) communities.push(routerMac(parseMac(s.routerMac)));
  if (s.defaultGateway) communities.push({ kind: 'default-gateway' });
  const attributes: PathAttribute[] = [];
  if (communities.length > 0) attributes.push({ type: 'EXTENDED_COMMUNITIES', communities: communities.map(encodeExtCommunity) });
  if (s.pmsi) {
    const p = pmsiIngressReplication(s.pmsi.vni, VtepAddress.parse(s.pmsi.endpoint), {
      ...(s.pmsi.leafInfoRequired !== undefined ? { leafInfoRequired: s.pmsi.leafInfoRequired } : {}),
      ...(s.pmsi.ipv4Form !== undefined ? { ipv4Form: s.pmsi.ipv4Form } : {}),
    });
    attributes.push({ type: 'PMSI_TUNNEL', ...p });
  }
  return { family: 'l2vpn-evpn', nlri: [evpnRoute(s)], nextHop: s.nextHop, attributes };
}

/** Named export filters the test can put on a neighbor by name (functions do not cross JSON). */
export const EXPORT_FILTERS = { legacyFrrEvpn: legacyFrrEvpnFilter } as const;

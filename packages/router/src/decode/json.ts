import {
  Afi,
  Safi,
  describeNotification,
  formatCommunity,
  formatIp,
  formatIpv4,
  isRawNlri,
  notificationName,
  prefixToString,
  splitNextHop,
  toHex,
} from '@evpn6/bgp';
import type { BgpMessage, Capability, IpPrefix, Nlri, NlriList, OpenMessage, PathAttribute, UpdateMessage } from '@evpn6/bgp';
import {
  decodeExtCommunity,
  describeEsiText,
  formatEsi,
  formatEvpnRouteWithRd,
  formatExtCommunity,
  formatMac,
  formatRd,
  formatRouteTarget,
  pmsiFromAttribute,
  routeTypeOf,
} from '@evpn6/evpn';
import type { EvpnExtCommunity, EvpnRoute } from '@evpn6/evpn';

/** What JSON can hold: decoded messages are turned into this before printing. */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [k: string]: Json };
type JsonObject = { [k: string]: Json };

const EVPN = `${Afi.L2VPN}/${Safi.EVPN}`;

function familyName(afi: number, safi: number): string {
  const k = `${afi}/${safi}`;
  if (k === EVPN) return 'l2vpn-evpn';
  if (afi === Afi.IPV4 && safi === Safi.UNICAST) return 'ipv4-unicast';
  if (afi === Afi.IPV6 && safi === Safi.UNICAST) return 'ipv6-unicast';
  return `afi-${afi}/safi-${safi}`;
}

/** A message as JSON: bytes as hex, addresses as text, EVPN routes and communities typed. */
export function messageToJson(m: BgpMessage): JsonObject {
  switch (m.type) {
    case 'OPEN':
      return openToJson(m);
    case 'UPDATE':
      return updateToJson(m);
    case 'NOTIFICATION': {
      const out: JsonObject = {
        code: m.code,
        subcode: m.subcode,
        name: notificationName(m.code, m.subcode),
        description: describeNotification(m),
        data: toHex(m.data),
      };
      if (m.communication !== undefined) out['communication'] = m.communication;
      return out;
    }
    case 'KEEPALIVE':
      return {};
    case 'ROUTE_REFRESH':
      return { afi: m.afi, safi: m.safi, family: familyName(m.afi, m.safi), subtype: m.subtype, orf: toHex(m.orf) };
  }
}

function openToJson(m: OpenMessage): JsonObject {
  return {
    version: 4,
    myAs: m.myAs,
    holdTime: m.holdTime,
    bgpId: m.bgpId,
    extendedOptionalParameters: m.extendedOptionalParameters,
    capabilities: m.capabilityGroups.flat().map(capabilityToJson),
  };
}

function capabilityToJson(c: Capability): JsonObject {
  switch (c.kind) {
    case 'multiprotocol':
      return { kind: c.kind, afi: c.afi, safi: c.safi, family: familyName(c.afi, c.safi) };
    case 'extended-next-hop':
      return { kind: c.kind, entries: c.entries.map((e) => ({ family: familyName(e.afi, e.safi), afi: e.afi, safi: e.safi, nextHopAfi: e.nextHopAfi })) };
    case 'add-path':
      return { kind: c.kind, families: c.families.map((f) => ({ family: familyName(f.afi, f.safi), afi: f.afi, safi: f.safi, mode: f.mode })) };
    case 'graceful-restart':
      return { kind: c.kind, flags: c.flags, restartTime: c.restartTime, families: c.families.map((f) => ({ family: familyName(f.afi, f.safi), afi: f.afi, safi: f.safi, flags: f.flags })) };
    case 'unknown':
      return { kind: c.kind, code: c.code, value: toHex(c.value) };
    default:
      return genericToJson(c) as JsonObject;
  }
}

function updateToJson(m: UpdateMessage): JsonObject {
  const out: JsonObject = {
    withdrawn: m.withdrawn.map(prefixText),
    attributes: m.attributes.map(attributeToJson),
    nlri: m.nlri.map(prefixText),
  };
  if (m.report !== undefined) out['report'] = genericToJson(m.report);
  return out;
}

function prefixText(p: IpPrefix): string {
  return p.pathId === undefined ? prefixToString(p) : `${prefixToString(p)} path-id ${p.pathId}`;
}

function nlriListToJson(list: NlriList, afi: number, safi: number): Json {
  if (isRawNlri(list)) return { raw: toHex(list.bytes) };
  const evpn = `${afi}/${safi}` === EVPN;
  const unicast = safi === Safi.UNICAST && (afi === Afi.IPV4 || afi === Afi.IPV6);
  return list.map((n: Nlri) => (evpn ? evpnRouteToJson(n as EvpnRoute) : unicast ? prefixText(n as IpPrefix) : genericToJson(n)));
}

/** An EVPN route: the FRR-style text in `route`, then each field of its type. */
export function evpnRouteToJson(r: EvpnRoute): JsonObject {
  const out: JsonObject = { route: formatEvpnRouteWithRd(r), routeType: routeTypeOf(r), kind: r.kind };
  if (r.pathId !== undefined) out['pathId'] = r.pathId;
  switch (r.kind) {
    case 'ethernet-ad':
      Object.assign(out, { rd: formatRd(r.rd), esi: formatEsi(r.esi), esiType: describeEsiText(r.esi), ethernetTag: r.ethernetTag, label: r.label });
      break;
    case 'mac-ip':
      Object.assign(out, {
        rd: formatRd(r.rd),
        esi: formatEsi(r.esi),
        esiType: describeEsiText(r.esi),
        ethernetTag: r.ethernetTag,
        mac: formatMac(r.mac),
        ip: r.ip === undefined ? null : formatIp(r.ip),
        labels: [...r.labels],
      });
      break;
    case 'inclusive-multicast':
      Object.assign(out, { rd: formatRd(r.rd), ethernetTag: r.ethernetTag, originator: formatIp(r.originator) });
      break;
    case 'ethernet-segment':
      Object.assign(out, { rd: formatRd(r.rd), esi: formatEsi(r.esi), esiType: describeEsiText(r.esi), originator: formatIp(r.originator) });
      break;
    case 'ip-prefix':
      Object.assign(out, {
        rd: formatRd(r.rd),
        esi: formatEsi(r.esi),
        esiType: describeEsiText(r.esi),
        ethernetTag: r.ethernetTag,
        prefix: `${formatIp(r.prefix)}/${r.prefixLength}`,
        gateway: formatIp(r.gateway),
        label: r.label,
      });
      break;
    case 'unknown':
      Object.assign(out, { data: toHex(r.data) });
      break;
  }
  return out;
}

function extCommunityToJson(bytes: Uint8Array): JsonObject {
  const c: EvpnExtCommunity = decodeExtCommunity(bytes);
  const out: JsonObject = { hex: toHex(bytes), text: formatExtCommunity(c) };
  switch (c.kind) {
    case 'route-target':
      Object.assign(out, { kind: c.kind, format: c.format, value: formatRouteTarget(c) });
      break;
    case 'es-import-route-target':
    case 'router-mac':
      Object.assign(out, { kind: c.kind, mac: formatMac(c.mac) });
      break;
    case 'raw':
      out['kind'] = 'raw';
      break;
    default:
      Object.assign(out, genericToJson(c) as JsonObject);
  }
  return out;
}

function attributeToJson(a: PathAttribute): JsonObject {
  const head: JsonObject = { type: a.type };
  if (a.flags !== undefined) head['flags'] = a.flags;
  switch (a.type) {
    case 'ORIGIN':
      return { ...head, origin: ['IGP', 'EGP', 'INCOMPLETE'][a.origin] ?? a.origin };
    case 'AS_PATH':
    case 'AS4_PATH':
      return { ...head, segments: a.segments.map((s) => ({ type: s.type, asns: [...s.asns] })) };
    case 'NEXT_HOP':
      return { ...head, nextHop: formatIp(a.nextHop) };
    case 'MULTI_EXIT_DISC':
      return { ...head, med: a.med };
    case 'LOCAL_PREF':
      return { ...head, localPref: a.localPref };
    case 'ATOMIC_AGGREGATE':
      return head;
    case 'AGGREGATOR':
    case 'AS4_AGGREGATOR':
      return { ...head, asn: a.asn, address: formatIp(a.address) };
    case 'COMMUNITIES':
      return { ...head, communities: a.communities.map(formatCommunity) };
    case 'ORIGINATOR_ID':
      return { ...head, originatorId: ipv4Text(a.originatorId) };
    case 'CLUSTER_LIST':
      return { ...head, clusterIds: a.clusterIds.map(ipv4Text) };
    case 'MP_REACH_NLRI': {
      const { global, linkLocal } = splitNextHop(a.nextHop);
      const out: JsonObject = { ...head, afi: a.afi, safi: a.safi, family: familyName(a.afi, a.safi), nextHop: formatIp(global) };
      if (linkLocal !== undefined) out['nextHopLinkLocal'] = formatIp(linkLocal);
      if (a.reserved) out['reserved'] = a.reserved;
      out['nlri'] = nlriListToJson(a.nlri, a.afi, a.safi);
      return out;
    }
    case 'MP_UNREACH_NLRI':
      return { ...head, afi: a.afi, safi: a.safi, family: familyName(a.afi, a.safi), withdrawn: nlriListToJson(a.withdrawn, a.afi, a.safi) };
    case 'EXTENDED_COMMUNITIES':
      return { ...head, communities: a.communities.map(extCommunityToJson) };
    case 'PMSI_TUNNEL':
      return { ...head, tunnelFlags: a.tunnelFlags, tunnelType: a.tunnelType, label: a.label, tunnelId: toHex(a.tunnelId), tunnel: pmsiToJson(a) };
    case 'LARGE_COMMUNITY':
      return { ...head, communities: a.communities.map((c) => `${c.globalAdmin}:${c.localData1}:${c.localData2}`) };
    case 'UNKNOWN':
      return { type: a.type, flags: a.flags, code: a.code, value: toHex(a.value) };
  }
}

/**
 * The PMSI tunnel typed: for ingress replication the endpoint is printed in its own family, so a
 * 16-byte endpoint shows as IPv6 (Wireshark 4.0 shows its first 4 bytes as IPv4) and the label
 * field as the VNI it carries.
 */
function pmsiToJson(a: Extract<PathAttribute, { type: 'PMSI_TUNNEL' }>): Json {
  try {
    const t = pmsiFromAttribute(a);
    if (t.kind === 'other') return { kind: 'other' };
    return { kind: t.kind, vni: t.vni, leafInfoRequired: t.leafInfoRequired, endpoint: t.endpoint.toString(), endpointFamily: `ipv${t.endpoint.family}` };
  } catch (e) {
    return { kind: 'invalid', error: e instanceof Error && 'code' in e ? String(e.code) : 'ERR_UNKNOWN' };
  }
}

function ipv4Text(n: number): string {
  return formatIpv4(Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff));
}

/** Anything else: bytes become hex, bigints strings, objects and arrays are walked. */
export function genericToJson(v: unknown): Json {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return toHex(v);
  if (Array.isArray(v)) return v.map(genericToJson);
  if (typeof v === 'object') {
    if ('toJSON' in v && typeof (v as { toJSON: unknown }).toJSON === 'function') return genericToJson((v as { toJSON(): unknown }).toJSON());
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = genericToJson(x);
    return out;
  }
  return String(v);
}

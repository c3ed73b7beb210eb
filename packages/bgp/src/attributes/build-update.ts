import type { Nlri } from '../nlri/registry.js';
import type { IpPrefix } from '../nlri/unicast.js';
import { parsePrefix } from '../nlri/unicast.js';
import { parseIp, parseIpv4 } from '../address.js';
import { AsPathSegmentType, AttrType, Origin } from '../iana.js';
import { EncodeError } from '../errors.js';
import type { UpdateMessage } from '../messages/update.js';
import type { OriginValue } from './origin.js';
import type { AsPathSegment } from './as-path.js';
import type { LargeCommunity } from './large-communities.js';
import { parseCommunity } from './communities.js';
import type { NlriList } from './nlri-list.js';
import type { PathAttribute } from './path-attribute.js';
import { attributeCode } from './path-attribute.js';

/** An IPv4 prefix as text ("192.0.2.0/24") or as an object. */
export type PrefixInput = IpPrefix | string;

/**
 * A plain description of an UPDATE for originating routes. Addresses may be text. When the
 * description carries routes (nlri or mpReach), ORIGIN defaults to IGP and AS_PATH to empty,
 * so the result always has its mandatory attributes.
 */
export interface UpdateDescription {
  readonly withdrawn?: readonly PrefixInput[];
  readonly nlri?: readonly PrefixInput[];
  readonly origin?: OriginValue | 'igp' | 'egp' | 'incomplete';
  /** A list of ASNs (one AS_SEQUENCE) or explicit segments. */
  readonly asPath?: readonly number[] | readonly AsPathSegment[];
  /** IPv4 NEXT_HOP for body NLRI. */
  readonly nextHop?: string | Uint8Array;
  readonly med?: number;
  readonly localPref?: number;
  readonly atomicAggregate?: boolean;
  readonly aggregator?: { readonly asn: number; readonly address: string | Uint8Array };
  /** Numbers or "asn:value" text. */
  readonly communities?: readonly (number | string)[];
  /** A number or dotted quad. */
  readonly originatorId?: number | string;
  readonly clusterList?: readonly (number | string)[];
  /** 8 bytes each. */
  readonly extendedCommunities?: readonly Uint8Array[];
  readonly largeCommunities?: readonly LargeCommunity[];
  readonly pmsiTunnel?: {
    readonly tunnelFlags?: number;
    readonly tunnelType: number;
    readonly label: number;
    readonly tunnelId: string | Uint8Array;
  };
  readonly mpReach?: {
    readonly afi: number;
    readonly safi: number;
    /** One address (4 or 16 bytes), or [global, link-local] for a 32-byte IPv6 next hop, or raw bytes. */
    readonly nextHop: string | readonly [string, string] | Uint8Array;
    readonly nlri: NlriList | readonly Nlri[];
  };
  readonly mpUnreach?: { readonly afi: number; readonly safi: number; readonly withdrawn: NlriList | readonly Nlri[] };
  /** Further attributes (unknown ones, say), placed by type code like the rest. */
  readonly attributes?: readonly PathAttribute[];
}

const ORIGIN_NAMES = { igp: Origin.IGP, egp: Origin.EGP, incomplete: Origin.INCOMPLETE } as const;

function toPrefix(p: PrefixInput): IpPrefix {
  return typeof p === 'string' ? parsePrefix(p) : p;
}

function toIpv4(v: string | Uint8Array, field: string): Uint8Array {
  if (typeof v !== 'string') {
    if (v.length !== 4) throw new EncodeError(field, `${v.length} bytes, not 4`);
    return v;
  }
  return parseIpv4(v);
}

function toId(v: number | string): number {
  if (typeof v === 'number') return v;
  const b = parseIpv4(v);
  return ((b[0]! << 24) >>> 0) + (b[1]! << 16) + (b[2]! << 8) + b[3]!;
}

function toSegments(path: readonly number[] | readonly AsPathSegment[]): AsPathSegment[] {
  if (path.length === 0) return [];
  if (typeof path[0] !== 'number') return [...(path as readonly AsPathSegment[])];
  const asns = path as readonly number[];
  const segments: AsPathSegment[] = [];
  // A segment holds at most 255 ASNs (RFC 4271 §9.2.2.1 allows splitting a sequence).
  for (let i = 0; i < asns.length; i += 255) segments.push({ type: AsPathSegmentType.AS_SEQUENCE, asns: asns.slice(i, i + 255) });
  return segments;
}

function mpNextHop(nh: string | readonly [string, string] | Uint8Array): Uint8Array {
  if (nh instanceof Uint8Array) return nh;
  if (typeof nh === 'string') return parseIp(nh);
  const global = parseIp(nh[0]);
  const linkLocal = parseIp(nh[1]);
  const out = new Uint8Array(global.length + linkLocal.length);
  out.set(global);
  out.set(linkLocal, global.length);
  return out;
}

/** MP attributes first (RFC 7606 §5.1), then ascending type code (RFC 4271 §5). */
function orderKey(a: PathAttribute): number {
  const code = attributeCode(a);
  if (code === AttrType.MP_UNREACH_NLRI) return -2;
  if (code === AttrType.MP_REACH_NLRI) return -1;
  return code;
}

/** Builds an UPDATE from a plain description (see UpdateDescription). */
export function buildUpdate(d: UpdateDescription): UpdateMessage {
  const nlri = (d.nlri ?? []).map(toPrefix);
  const withdrawn = (d.withdrawn ?? []).map(toPrefix);
  const reaching = nlri.length > 0 || d.mpReach !== undefined;
  const attrs: PathAttribute[] = [];
  if (d.mpUnreach) attrs.push({ type: 'MP_UNREACH_NLRI', afi: d.mpUnreach.afi, safi: d.mpUnreach.safi, withdrawn: d.mpUnreach.withdrawn });
  if (d.mpReach) {
    attrs.push({ type: 'MP_REACH_NLRI', afi: d.mpReach.afi, safi: d.mpReach.safi, nextHop: mpNextHop(d.mpReach.nextHop), nlri: d.mpReach.nlri });
  }
  const origin = d.origin === undefined ? (reaching ? Origin.IGP : undefined) : typeof d.origin === 'string' ? ORIGIN_NAMES[d.origin] : d.origin;
  if (origin !== undefined) attrs.push({ type: 'ORIGIN', origin });
  if (d.asPath !== undefined || reaching) attrs.push({ type: 'AS_PATH', segments: toSegments(d.asPath ?? []) });
  if (d.nextHop !== undefined) attrs.push({ type: 'NEXT_HOP', nextHop: toIpv4(d.nextHop, 'NEXT_HOP') });
  else if (nlri.length > 0) throw new EncodeError('NEXT_HOP', 'IPv4 NLRI need a nextHop');
  if (d.med !== undefined) attrs.push({ type: 'MULTI_EXIT_DISC', med: d.med });
  if (d.localPref !== undefined) attrs.push({ type: 'LOCAL_PREF', localPref: d.localPref });
  if (d.atomicAggregate) attrs.push({ type: 'ATOMIC_AGGREGATE' });
  if (d.aggregator) attrs.push({ type: 'AGGREGATOR', asn: d.aggregator.asn, address: toIpv4(d.aggregator.address, 'AGGREGATOR address') });
  if (d.communities) {
    const communities = d.communities.map((c) => {
      const n = typeof c === 'number' ? c : parseCommunity(c);
      if (n === undefined) throw new EncodeError('community', `"${String(c)}" is not asn:value`);
      return n;
    });
    attrs.push({ type: 'COMMUNITIES', communities });
  }
  if (d.originatorId !== undefined) attrs.push({ type: 'ORIGINATOR_ID', originatorId: toId(d.originatorId) });
  if (d.clusterList) attrs.push({ type: 'CLUSTER_LIST', clusterIds: d.clusterList.map(toId) });
  if (d.extendedCommunities) attrs.push({ type: 'EXTENDED_COMMUNITIES', communities: d.extendedCommunities });
  if (d.pmsiTunnel) {
    const p = d.pmsiTunnel;
    const tunnelId = typeof p.tunnelId === 'string' ? parseIp(p.tunnelId) : p.tunnelId;
    attrs.push({ type: 'PMSI_TUNNEL', tunnelFlags: p.tunnelFlags ?? 0, tunnelType: p.tunnelType, label: p.label, tunnelId });
  }
  if (d.largeCommunities) attrs.push({ type: 'LARGE_COMMUNITY', communities: d.largeCommunities });
  if (d.attributes) attrs.push(...d.attributes);
  // Array.prototype.sort is stable, so equal keys keep the order given.
  attrs.sort((a, b) => orderKey(a) - orderKey(b));
  return { type: 'UPDATE', withdrawn, attributes: attrs, nlri };
}

/**
 * How the speaker stores a route's attributes in the RIB, derives what the decision process reads
 * from them, rewrites them per peer on export (iBGP, eBGP, route reflection) and turns packed
 * batches back into UPDATE messages.
 */
import type { CodecContext } from '../context.js';
import type { Nlri } from '../nlri/registry.js';
import type { PathAttribute } from '../attributes/path-attribute.js';
import type { AsPathSegment } from '../attributes/as-path.js';
import type { UpdateMessage } from '../messages/update.js';
import type { IpPrefix } from '../nlri/unicast.js';
import type { ExportDecision } from '../rib/export.js';
import type { Path, PathInfo, PeerRef } from '../rib/types.js';
import type { UpdateBatch, UpdateSizes } from '../rib/pack.js';
import type { FamilyInfo } from './families.js';
import { attributeCode, pathAttribute } from '../attributes/path-attribute.js';
import { asPathLength } from '../attributes/as-path.js';
import { attributesForReadvertisement } from '../attributes/readvertise.js';
import { createContext } from '../context.js';
import { Afi, AsPathSegmentType, Safi } from '../iana.js';
import { parseIp, toHex } from '../address.js';
import { Writer } from '../wire/writer.js';

/** A route's attributes as the RIB keeps them; all NLRI of one UPDATE share one object. */
export interface RouteAttributes {
  /** Path attributes without MP_REACH_NLRI, MP_UNREACH_NLRI and NEXT_HOP, in type-code order. */
  readonly list: readonly PathAttribute[];
  /** The next hop (4, 16 or 32 bytes); empty means "this speaker", filled in per session on export. */
  readonly nextHop: Uint8Array;
}

const SELF = new Uint8Array(0);
const IPV4_UNICAST = Afi.IPV4 * 256 + Safi.UNICAST;
const IPV6_UNICAST = Afi.IPV6 * 256 + Safi.UNICAST;

export function isIpv4Unicast(family: number): boolean {
  return family === IPV4_UNICAST;
}

function byCode(a: PathAttribute, b: PathAttribute): number {
  return attributeCode(a) - attributeCode(b);
}

/** The attributes of a received UPDATE as stored: MP and NEXT_HOP attributes taken out. */
export function storedAttributes(attrs: readonly PathAttribute[], nextHop: Uint8Array): RouteAttributes {
  const list: PathAttribute[] = [];
  for (const a of attrs) {
    if (a.type === 'MP_REACH_NLRI' || a.type === 'MP_UNREACH_NLRI' || a.type === 'NEXT_HOP') continue;
    list.push(a);
  }
  list.sort(byCode);
  return { list, nextHop };
}

/** Attributes for a route we originate: ORIGIN IGP and an empty AS_PATH unless given. */
export function localAttributes(attrs: readonly PathAttribute[], nextHop: string | Uint8Array | undefined): RouteAttributes {
  const list = storedAttributes(attrs, SELF).list as PathAttribute[];
  if (!list.some((a) => a.type === 'ORIGIN')) list.push({ type: 'ORIGIN', origin: 0 });
  if (!list.some((a) => a.type === 'AS_PATH')) list.push({ type: 'AS_PATH', segments: [] });
  list.sort(byCode);
  const nh = nextHop === undefined ? SELF : typeof nextHop === 'string' ? parseIp(nextHop) : nextHop;
  return { list, nextHop: nh };
}

function find<T extends PathAttribute['type']>(list: readonly PathAttribute[], type: T): Extract<PathAttribute, { type: T }> | undefined {
  for (const a of list) if (a.type === type) return a as Extract<PathAttribute, { type: T }>;
  return undefined;
}

/** What the decision process and loop checks need, read once per UPDATE. */
export function routePathInfo(attrs: RouteAttributes, localAs: number, clusterId: number): PathInfo {
  const list = attrs.list;
  const asPath = find(list, 'AS_PATH');
  const segments = asPath?.segments ?? [];
  let neighborAs = localAs;
  let hasOwnAs = false;
  for (const s of segments) {
    if (s.asns.includes(localAs)) hasOwnAs = true;
  }
  const first = segments[0];
  if (first !== undefined && first.type === AsPathSegmentType.AS_SEQUENCE) neighborAs = first.asns[0]!;
  const cluster = find(list, 'CLUSTER_LIST');
  return {
    localPref: find(list, 'LOCAL_PREF')?.localPref ?? 100,
    asPathLength: asPathLength(segments),
    origin: find(list, 'ORIGIN')?.origin ?? 0,
    med: find(list, 'MULTI_EXIT_DISC')?.med,
    neighborAs,
    originatorId: find(list, 'ORIGINATOR_ID')?.originatorId,
    clusterListLength: cluster?.clusterIds.length ?? 0,
    asPathHasOwnAs: hasOwnAs,
    clusterListHasOwnClusterId: cluster !== undefined && cluster.clusterIds.includes(clusterId),
  };
}

const KEY_CTX = createContext();
const keys = new WeakMap<RouteAttributes, string>();

/** Equal keys = the same attributes and next hop on the wire (used to spot re-announcements). */
export function attributesKey(attrs: RouteAttributes): string {
  let k = keys.get(attrs);
  if (k !== undefined) return k;
  let n = 0;
  for (const a of attrs.list) n += pathAttribute.encodedLength(a, KEY_CTX);
  const w = Writer.alloc(n);
  for (const a of attrs.list) pathAttribute.encode(a, w, KEY_CTX);
  k = `${toHex(w.buf)}/${toHex(attrs.nextHop)}`;
  keys.set(attrs, k);
  return k;
}

/** What export needs to know about the session the route goes out on. */
export interface ExportSession {
  readonly localAs: number;
  /** Our address on this session (text), used as next hop when we are the next hop. */
  readonly localAddress: string;
  /** iBGP: set the next hop to ourselves anyway. */
  readonly nextHopSelf: boolean;
  /** eBGP: pass learned next hops on unchanged (EVPN between VTEPs in different ASes needs it). */
  readonly nextHopUnchanged?: boolean;
}

/**
 * Our address as a next hop for a family: IPv4 unicast needs an IPv4 session address; IPv6
 * unicast over IPv4 uses the IPv4-mapped form; other families carry the address as it is.
 */
export function selfNextHop(family: number, localAddress: string): Uint8Array | undefined {
  const addr = parseIp(localAddress);
  if (family === IPV4_UNICAST) return addr.length === 4 ? addr : undefined;
  if (family === IPV6_UNICAST && addr.length === 4) {
    const mapped = new Uint8Array(16);
    mapped[10] = 0xff;
    mapped[11] = 0xff;
    mapped.set(addr, 12);
    return mapped;
  }
  return addr;
}

function prepend(segments: readonly AsPathSegment[], asn: number): AsPathSegment[] {
  const first = segments[0];
  if (first !== undefined && first.type === AsPathSegmentType.AS_SEQUENCE && first.asns.length < 255) {
    return [{ type: AsPathSegmentType.AS_SEQUENCE, asns: [asn, ...first.asns] }, ...segments.slice(1)];
  }
  return [{ type: AsPathSegmentType.AS_SEQUENCE, asns: [asn] }, ...segments];
}

/**
 * The attributes `path` goes to `to` with (RFC 4271 §5.1, §9.1.3; RFC 4456 §8), or undefined when
 * it cannot be sent (no usable next hop):
 *  - eBGP: our AS prepended, next hop = our session address (unless the route is ours and was
 *    originated with a next hop, or `nextHopUnchanged`), LOCAL_PREF, ORIGINATOR_ID and
 *    CLUSTER_LIST removed, a MED learned from another AS not passed on;
 *  - iBGP: attributes kept, LOCAL_PREF 100 added when absent, next hop kept (ours for local routes);
 *  - reflection: ORIGINATOR_ID added when absent, our CLUSTER_ID prepended to CLUSTER_LIST;
 *  - unknown optional transitive attributes of received routes carry the Partial bit.
 */
export function exportRoute(
  path: Path<Nlri, RouteAttributes>,
  to: PeerRef,
  d: ExportDecision,
  session: ExportSession,
): RouteAttributes | undefined {
  const src = path.attrs;
  const fromPeer = path.peer.type !== 'local';
  let list: PathAttribute[] = fromPeer ? attributesForReadvertisement(src.list) : [...src.list];
  let nextHop = src.nextHop;
  if (d.toEbgp) {
    list = list.filter(
      (a) =>
        a.type !== 'LOCAL_PREF' &&
        a.type !== 'ORIGINATOR_ID' &&
        a.type !== 'CLUSTER_LIST' &&
        !(a.type === 'MULTI_EXIT_DISC' && path.peer.type === 'ebgp'),
    );
    const i = list.findIndex((a) => a.type === 'AS_PATH');
    const segments = i >= 0 ? (list[i] as Extract<PathAttribute, { type: 'AS_PATH' }>).segments : [];
    const asPath: PathAttribute = { type: 'AS_PATH', segments: prepend(segments, session.localAs) };
    if (i >= 0) list[i] = asPath;
    else list.push(asPath);
    // A next hop given when originating is the operator's (a VTEP address, say) and stays.
    if (fromPeer && !(session.nextHopUnchanged ?? false)) nextHop = SELF;
  } else {
    if (!list.some((a) => a.type === 'LOCAL_PREF')) list.push({ type: 'LOCAL_PREF', localPref: 100 });
    if (session.nextHopSelf) nextHop = SELF;
    if (d.reflect) {
      if (!list.some((a) => a.type === 'ORIGINATOR_ID')) list.push({ type: 'ORIGINATOR_ID', originatorId: d.originatorId! });
      const i = list.findIndex((a) => a.type === 'CLUSTER_LIST');
      const old = i >= 0 ? (list[i] as Extract<PathAttribute, { type: 'CLUSTER_LIST' }>).clusterIds : [];
      const cl: PathAttribute = { type: 'CLUSTER_LIST', clusterIds: [d.clusterId!, ...old] };
      if (i >= 0) list[i] = cl;
      else list.push(cl);
    }
  }
  if (nextHop.length === 0) {
    const self = selfNextHop(path.family, session.localAddress);
    if (self === undefined) return undefined;
    nextHop = self;
  } else if (isIpv4Unicast(path.family) && nextHop.length !== 4) {
    return undefined;
  }
  list.sort(byCode);
  return { list, nextHop };
}

/** Sizes of UPDATE parts for the packer, for one family on one session. */
export function updateSizes(fam: FamilyInfo, tx: CodecContext): UpdateSizes<Nlri, RouteAttributes> {
  const v4 = isIpv4Unicast(fam.key);
  const pathIdBytes = tx.addPath.has(fam.key) ? 4 : 0;
  const codec = fam.codec;
  return {
    maxMessageSize: tx.extendedMessage ? 65535 : 4096,
    nlriSize: (n) => pathIdBytes + codec.encodedLength(n, tx),
    attributesSize(x) {
      let n = 0;
      for (const a of x.list) n += pathAttribute.encodedLength(a, tx);
      // NEXT_HOP attribute, or the MP_REACH_NLRI header (counted extended), AFI/SAFI, next hop, reserved.
      return n + (v4 ? 3 + x.nextHop.length : 4 + 3 + 1 + x.nextHop.length + 1);
    },
    withdrawOverhead: v4 ? 0 : 4 + 3,
  };
}

/** One packed batch as an UPDATE message. */
export function batchUpdate(batch: UpdateBatch<Nlri, RouteAttributes>, fam: FamilyInfo): UpdateMessage {
  const v4 = isIpv4Unicast(fam.key);
  if (batch.kind === 'withdraw') {
    if (v4) return { type: 'UPDATE', withdrawn: batch.nlri as IpPrefix[], attributes: [], nlri: [] };
    return { type: 'UPDATE', withdrawn: [], attributes: [{ type: 'MP_UNREACH_NLRI', afi: fam.afi, safi: fam.safi, withdrawn: batch.nlri }], nlri: [] };
  }
  const x = batch.attrs;
  if (v4) {
    const attributes = [...x.list, { type: 'NEXT_HOP', nextHop: x.nextHop } as PathAttribute].sort(byCode);
    return { type: 'UPDATE', withdrawn: [], attributes, nlri: batch.nlri as IpPrefix[] };
  }
  const mp: PathAttribute = { type: 'MP_REACH_NLRI', afi: fam.afi, safi: fam.safi, nextHop: x.nextHop, nlri: batch.nlri };
  return { type: 'UPDATE', withdrawn: [], attributes: [mp, ...x.list], nlri: [] };
}

import type { OpenMessage } from '../messages/open.js';
import type { CodecContext } from '../context.js';
import type { NlriRegistry } from '../nlri/registry.js';
import type { ExtendedNextHopEntry } from './extended-next-hop.js';
import type { GracefulRestartCapability } from './graceful-restart.js';
import type { FqdnCapability } from './fqdn.js';
import { openAs, openCapabilities, findCapability } from '../messages/open.js';
import { createContext } from '../context.js';
import { AddPathMode, Afi, ErrorCode, familyKey, OpenErrorSubcode, Safi } from '../iana.js';
import { NotificationError } from '../errors.js';

/** An AFI/SAFI pair (named apart from the UPDATE report's Family so the package index stays unambiguous). */
export interface AfiSafi {
  readonly afi: number;
  readonly safi: number;
}

/** What a session may do, decided from the two OPENs (ours and the peer's). */
export interface SessionProperties {
  /** The peer's real AS (RFC 6793) and identifier. */
  readonly peerAs: number;
  readonly peerBgpId: string;
  /** Seconds: the smaller of the two hold times (0 if either is 0: no keepalives, no hold timer). */
  readonly holdTime: number;
  /** Seconds between our KEEPALIVEs: holdTime / 3, rounded down (0 with holdTime 0). */
  readonly keepaliveTime: number;
  /** RFC 6793: both sides sent the 4-octet AS capability. */
  readonly fourOctetAs: boolean;
  /** RFC 8654: both sides sent the extended message capability. */
  readonly extendedMessage: boolean;
  /** Families both sides announced (RFC 4760; a side without any MP capability means IPv4 unicast). */
  readonly families: readonly AfiSafi[];
  /** RFC 7911: families whose NLRI we send with path identifiers (we send, the peer receives). */
  readonly addPathSend: readonly AfiSafi[];
  /** RFC 7911: families whose NLRI arrive with path identifiers (the peer sends, we receive). */
  readonly addPathReceive: readonly AfiSafi[];
  /** RFC 2918: the peer accepts ROUTE-REFRESH (standard code 2 or the pre-standard 128). */
  readonly routeRefresh: boolean;
  /** RFC 7313: both sides sent enhanced route refresh, so BoRR/EoRR may be used. */
  readonly enhancedRouteRefresh: boolean;
  /** RFC 8950: (family, next-hop AFI) pairs the peer accepts from us. */
  readonly extendedNextHopSend: readonly ExtendedNextHopEntry[];
  /** RFC 8950: pairs we announced, so we accept them from the peer. */
  readonly extendedNextHopReceive: readonly ExtendedNextHopEntry[];
  /** RFC 4724: the peer's graceful restart capability, if it sent one. */
  readonly peerGracefulRestart: GracefulRestartCapability | undefined;
  /** draft-walton-bgp-hostname: the peer's host and domain name, if sent. */
  readonly peerFqdn: FqdnCapability | undefined;
  /** Context for decoding what the peer sends. */
  readonly rx: CodecContext;
  /** Context for encoding what we send. */
  readonly tx: CodecContext;
}

export interface NegotiateOptions {
  /** NLRI codecs for both contexts (EVPN registers here); the default registry otherwise. */
  readonly registry?: NlriRegistry;
  /** The AS configured for the peer: a different real AS in its OPEN is NOTIFICATION 2/2 Bad Peer AS. */
  readonly expectedPeerAs?: number;
}

/** Cisco's pre-standard route refresh capability code, still sent by some speakers. */
const CISCO_ROUTE_REFRESH = 128;

function announcedFamilies(open: OpenMessage): Map<number, AfiSafi> {
  const out = new Map<number, AfiSafi>();
  for (const c of openCapabilities(open)) if (c.kind === 'multiprotocol') out.set(familyKey(c.afi, c.safi), { afi: c.afi, safi: c.safi });
  if (out.size === 0) out.set(familyKey(Afi.IPV4, Safi.UNICAST), { afi: Afi.IPV4, safi: Safi.UNICAST });
  return out;
}

/** ADD-PATH modes by family; several capabilities (or entries) for one family: the last wins. */
function addPathModes(open: OpenMessage): Map<number, number> {
  const out = new Map<number, number>();
  for (const c of openCapabilities(open)) {
    if (c.kind === 'add-path') for (const f of c.families) out.set(familyKey(f.afi, f.safi), f.mode);
  }
  return out;
}

function extendedNextHops(open: OpenMessage): ExtendedNextHopEntry[] {
  const out: ExtendedNextHopEntry[] = [];
  for (const c of openCapabilities(open)) if (c.kind === 'extended-next-hop') out.push(...c.entries);
  return out;
}

const sends = (mode: number | undefined) => mode === AddPathMode.SEND || mode === AddPathMode.BOTH;
const receives = (mode: number | undefined) => mode === AddPathMode.RECEIVE || mode === AddPathMode.BOTH;

/**
 * The session's properties from our OPEN and the peer's (RFC 4271 §4.2 hold time, RFC 4760,
 * 6793, 7911, 8654, 2918, 7313, 8950, 4724), with the two codec contexts built from them.
 * With `expectedPeerAs`, a peer whose real AS differs is refused with NOTIFICATION 2/2.
 */
export function negotiate(local: OpenMessage, peer: OpenMessage, opts: NegotiateOptions = {}): SessionProperties {
  const peerAs = openAs(peer);
  if (opts.expectedPeerAs !== undefined && peerAs !== opts.expectedPeerAs) {
    throw new NotificationError(ErrorCode.OPEN_MESSAGE, OpenErrorSubcode.BAD_PEER_AS, undefined, `peer AS ${peerAs}, expected ${opts.expectedPeerAs}`);
  }
  const has = (open: OpenMessage, kind: 'four-octet-as' | 'extended-message' | 'enhanced-route-refresh') =>
    findCapability(open, kind) !== undefined;
  const fourOctetAs = has(local, 'four-octet-as') && has(peer, 'four-octet-as');
  const extendedMessage = has(local, 'extended-message') && has(peer, 'extended-message');

  const ours = announcedFamilies(local);
  const theirs = announcedFamilies(peer);
  const families: AfiSafi[] = [];
  for (const [k, f] of ours) if (theirs.has(k)) families.push(f);

  const ourModes = addPathModes(local);
  const theirModes = addPathModes(peer);
  const addPathSend: AfiSafi[] = [];
  const addPathReceive: AfiSafi[] = [];
  for (const f of families) {
    const k = familyKey(f.afi, f.safi);
    if (sends(ourModes.get(k)) && receives(theirModes.get(k))) addPathSend.push(f);
    if (receives(ourModes.get(k)) && sends(theirModes.get(k))) addPathReceive.push(f);
  }

  const peerCaps = openCapabilities(peer);
  const routeRefresh = peerCaps.some((c) => c.kind === 'route-refresh' || (c.kind === 'unknown' && c.code === CISCO_ROUTE_REFRESH));
  const holdTime = Math.min(local.holdTime, peer.holdTime);
  const registry = opts.registry;
  const context = (addPath: AfiSafi[]) =>
    createContext({
      fourOctetAs,
      extendedMessage,
      addPath: addPath.map((f) => familyKey(f.afi, f.safi)),
      ...(registry ? { registry } : {}),
    });

  return {
    peerAs,
    peerBgpId: peer.bgpId,
    holdTime,
    keepaliveTime: Math.floor(holdTime / 3),
    fourOctetAs,
    extendedMessage,
    families,
    addPathSend,
    addPathReceive,
    routeRefresh,
    enhancedRouteRefresh: has(local, 'enhanced-route-refresh') && has(peer, 'enhanced-route-refresh'),
    extendedNextHopSend: extendedNextHops(peer),
    extendedNextHopReceive: extendedNextHops(local),
    peerGracefulRestart: findCapability(peer, 'graceful-restart'),
    peerFqdn: findCapability(peer, 'fqdn'),
    rx: context(addPathReceive),
    tx: context(addPathSend),
  };
}

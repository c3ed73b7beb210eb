import type { Nlri } from '../nlri/registry.js';
import { BgpError } from '../errors.js';

/**
 * Where a path came from. `local` is this speaker itself (routes we originate: `network`
 * statements, EVPN routes for our own MACs and VNIs).
 */
export type PeerType = 'ibgp' | 'ebgp' | 'local';

export interface PeerRef {
  /** Stable name of the peer in this process (config name or address text). */
  readonly id: string;
  /** Transport address of the peer (4 or 16 bytes); empty for the local peer. */
  readonly address: Uint8Array;
  /** The peer's BGP identifier (u32) from its OPEN. */
  readonly routerId: number;
  readonly as: number;
  readonly type: PeerType;
  /** We are a route reflector and this iBGP peer is one of our clients (RFC 4456). */
  readonly rrClient: boolean;
}

/** The peer id under which a RIB files the routes it originates itself. */
export const LOCAL_PEER_ID = 'local';

/**
 * What the decision process and the input loop checks read from a path's attributes. The RIB
 * never looks at the attributes themselves: the caller derives this once per UPDATE (all NLRI of
 * one UPDATE share it) from whatever attribute representation it uses.
 */
export interface PathInfo {
  /** LOCAL_PREF, or the configured default (100) when absent. */
  readonly localPref: number;
  /** RFC 4271 §9.1.2.2 (a): an AS_SET counts as 1, confederation segments count 0. */
  readonly asPathLength: number;
  /** ORIGIN: 0 IGP, 1 EGP, 2 INCOMPLETE. */
  readonly origin: number;
  /** MULTI_EXIT_DISC; undefined when absent (0, or worst with `medMissingAsWorst`). */
  readonly med: number | undefined;
  /** Leftmost AS of AS_PATH (our own AS for an empty path): MEDs compare only within one such AS. */
  readonly neighborAs: number;
  /** ORIGINATOR_ID (RFC 4456) when present. */
  readonly originatorId: number | undefined;
  readonly clusterListLength: number;
  /** Our AS occurs in AS_PATH: a loop when the path came over eBGP. */
  readonly asPathHasOwnAs: boolean;
  /** Our CLUSTER_ID occurs in CLUSTER_LIST: a reflection loop. */
  readonly clusterListHasOwnClusterId: boolean;
}

/** Defaults of a path without any of the attributes the decision process reads. */
export const DEFAULT_PATH_INFO: PathInfo = Object.freeze({
  localPref: 100,
  asPathLength: 0,
  origin: 0,
  med: undefined,
  neighborAs: 0,
  originatorId: undefined,
  clusterListLength: 0,
  asPathHasOwnAs: false,
  clusterListHasOwnClusterId: false,
});

/** A PathInfo from the fields given, the rest from DEFAULT_PATH_INFO (always the same object shape). */
export function pathInfo(fields: Partial<PathInfo> = {}): PathInfo {
  return {
    localPref: fields.localPref ?? DEFAULT_PATH_INFO.localPref,
    asPathLength: fields.asPathLength ?? 0,
    origin: fields.origin ?? 0,
    med: fields.med,
    neighborAs: fields.neighborAs ?? 0,
    originatorId: fields.originatorId,
    clusterListLength: fields.clusterListLength ?? 0,
    asPathHasOwnAs: fields.asPathHasOwnAs ?? false,
    clusterListHasOwnClusterId: fields.clusterListHasOwnClusterId ?? false,
  };
}

/**
 * One path in the RIB. Its identity is (peer, family, key, pathId); `pathId` is the RFC 7911
 * path identifier, 0 when ADD-PATH is off for the family.
 */
export interface Path<N extends Nlri = Nlri, A = unknown> {
  readonly family: number;
  readonly key: string;
  readonly nlri: N;
  readonly pathId: number;
  readonly peer: PeerRef;
  readonly attrs: A;
  readonly info: PathInfo;
  /** Kept across a peer's graceful restart (RFC 4724) and not yet refreshed. */
  readonly stale: boolean;
}

/**
 * Why the best path is what it is: the name of the decision step that left one candidate,
 * `only-path` when there was no choice, `withdrawn` when no candidate is left.
 */
export type DecisionReason =
  | 'only-path'
  | 'local-origin'
  | 'local-pref'
  | 'as-path-length'
  | 'origin'
  | 'med'
  | 'ebgp-over-ibgp'
  | 'router-id'
  | 'cluster-list-length'
  | 'peer-address'
  | 'path-id'
  | 'withdrawn';

/** A Loc-RIB change: the best path of one destination was set, replaced or removed. */
export interface RibChange<N extends Nlri = Nlri, A = unknown> {
  readonly family: number;
  readonly key: string;
  readonly nlri: N;
  /** The new best path; undefined when the destination is gone. */
  readonly best: Path<N, A> | undefined;
  readonly previous: Path<N, A> | undefined;
  readonly reason: DecisionReason;
}

/** Max-prefix for one family of one peer: `warning` at `warningPercent` of `limit`, `exceeded` above it. */
export interface PrefixLimit {
  readonly limit: number;
  /** Default 75, like FRR's `maximum-prefix N 75`. */
  readonly warningPercent?: number;
}

/** A prefix limit crossed upward by one RIB operation. */
export type PrefixLimitEvent = 'warning' | 'exceeded';

/** What one RIB operation did. */
export interface RibResult<N extends Nlri = Nlri, A = unknown> {
  readonly changes: RibChange<N, A>[];
  /** Announcements dropped by the loop checks (AS_PATH, ORIGINATOR_ID, CLUSTER_LIST). */
  readonly loopDropped: number;
  /**
   * Set when this operation took the peer's count for the family over the warning threshold or
   * over the limit. The paths are kept either way: the session decides between warning and
   * teardown (then it calls `withdrawPeer`).
   */
  readonly prefixLimit: PrefixLimitEvent | undefined;
}

export const RibErrorCode = {
  unknownPeer: 'ERR_BGP_RIB_UNKNOWN_PEER',
  duplicatePeer: 'ERR_BGP_RIB_DUPLICATE_PEER',
  unknownFamily: 'ERR_BGP_RIB_UNKNOWN_FAMILY',
  noPathInfo: 'ERR_BGP_RIB_NO_PATH_INFO',
  badConfig: 'ERR_BGP_RIB_BAD_CONFIG',
} as const;

/** A RIB call that cannot be carried out (unknown peer or family, bad configuration). */
export class RibError extends BgpError {}

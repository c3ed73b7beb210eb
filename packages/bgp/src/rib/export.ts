import type { Path, PeerRef } from './types.js';

/** Why a path may or may not go to a peer. */
export type ExportReason =
  | 'to-ebgp'
  | 'local'
  | 'from-ebgp'
  | 'reflect-from-client'
  | 'reflect-to-client'
  | 'same-peer'
  | 'ibgp-split-horizon';

/**
 * The export verdict for one path and one peer, and what the caller's attribute hook must do
 * when it sends the path.
 */
export interface ExportDecision {
  readonly export: boolean;
  readonly reason: ExportReason;
  /**
   * The path is reflected (RFC 4456 §8): set ORIGINATOR_ID to `originatorId` if the path has none,
   * and prepend `clusterId` to CLUSTER_LIST (creating it when absent).
   */
  readonly reflect: boolean;
  readonly originatorId: number | undefined;
  readonly clusterId: number | undefined;
  /**
   * Going to an eBGP peer: LOCAL_PREF, ORIGINATOR_ID and CLUSTER_LIST must not go out of the AS
   * (RFC 4271 §5.1.5, RFC 4456 §8) and our AS is prepended.
   */
  readonly toEbgp: boolean;
}

function plain(exp: boolean, reason: ExportReason, toEbgp: boolean): ExportDecision {
  return Object.freeze({ export: exp, reason, reflect: false, originatorId: undefined, clusterId: undefined, toEbgp });
}

// The verdicts that carry no per-path values are shared, so deciding allocates only when reflecting.
const SAME_PEER = plain(false, 'same-peer', false);
const SAME_PEER_EBGP = plain(false, 'same-peer', true);
const TO_EBGP = plain(true, 'to-ebgp', true);
const LOCAL = plain(true, 'local', false);
const FROM_EBGP = plain(true, 'from-ebgp', false);
const SPLIT_HORIZON = plain(false, 'ibgp-split-horizon', false);

/**
 * May `path` be advertised to `to`? RFC 4271 §9.2 and RFC 4456 §6:
 *  - never back to the peer it came from;
 *  - to an eBGP peer: yes;
 *  - to an iBGP peer: paths we originate or learned over eBGP, yes; paths learned over iBGP only
 *    by reflection: from a client to every iBGP peer, from a non-client to clients only.
 * `clusterId` is our CLUSTER_ID (the router id unless configured); reflection happens only for
 * peers flagged `rrClient`.
 */
export function exportDecision(path: Path, to: PeerRef, clusterId: number): ExportDecision {
  const from = path.peer;
  const toEbgp = to.type === 'ebgp';
  if (from.id === to.id) return toEbgp ? SAME_PEER_EBGP : SAME_PEER;
  if (toEbgp) return TO_EBGP;
  if (from.type === 'local') return LOCAL;
  if (from.type === 'ebgp') return FROM_EBGP;
  let reason: ExportReason;
  if (from.rrClient) reason = 'reflect-from-client';
  else if (to.rrClient) reason = 'reflect-to-client';
  else return SPLIT_HORIZON;
  return {
    export: true,
    reason,
    reflect: true,
    originatorId: path.info.originatorId ?? from.routerId,
    clusterId,
    toEbgp: false,
  };
}

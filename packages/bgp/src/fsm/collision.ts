/**
 * Connection collision detection (RFC 4271 §6.8, RFC 6286 §2.3): both speakers opened a TCP
 * connection to each other, and exactly one of the two must survive. Both sides decide alike from
 * the same facts, so no negotiation is needed.
 */
import { CeaseSubcode, ErrorCode } from '../iana.js';
import { parseIpv4 } from '../address.js';
import { FsmError, FsmErrorCode } from './config.js';
import type { ConnectionOrigin, FsmStateName } from './types.js';

export interface CollisionParties {
  /** BGP Identifiers as unsigned 32-bit integers (compared in host order, RFC 4271 §6.8). */
  readonly localBgpId: number;
  readonly remoteBgpId: number;
  /** Only consulted when the identifiers are equal (RFC 6286: possible between ASes). */
  readonly localAs: number;
  readonly remoteAs: number;
}

export type CollisionVerdict =
  | {
      readonly type: 'Resolved';
      /** Keep the connection this side opened ('local') or the one the peer opened ('remote'). */
      readonly keep: ConnectionOrigin;
      readonly close: ConnectionOrigin;
      /** What to send on the closed connection: Cease / Connection Collision Resolution (6/7). */
      readonly errorCode: number;
      readonly errorSubcode: number;
    }
  /**
   * Same identifier and same AS: no rule decides. The peer's OPEN should already have been
   * refused with Bad BGP Identifier (2/3); the caller closes both.
   */
  | { readonly type: 'Unresolvable' };

function resolved(keep: ConnectionOrigin): CollisionVerdict {
  return {
    type: 'Resolved',
    keep,
    close: keep === 'local' ? 'remote' : 'local',
    errorCode: ErrorCode.CEASE,
    errorSubcode: CeaseSubcode.CONNECTION_COLLISION_RESOLUTION,
  };
}

/**
 * The connection opened by the speaker with the higher BGP Identifier survives; with equal
 * identifiers, the one opened by the speaker with the larger AS number (RFC 6286 §2.3).
 */
export function resolveCollision(p: CollisionParties): CollisionVerdict {
  const localId = p.localBgpId >>> 0;
  const remoteId = p.remoteBgpId >>> 0;
  if (localId !== remoteId) return resolved(localId > remoteId ? 'local' : 'remote');
  if (p.localAs !== p.remoteAs) return resolved(p.localAs > p.remoteAs ? 'local' : 'remote');
  return { type: 'Unresolvable' };
}

/**
 * What to do with a new connection whose peer's OPEN just arrived, given the state of the other
 * connection to the same peer. RFC 4271 §6.8: compare against OpenConfirm always, against
 * Established only when CollisionDetectEstablishedState is set (otherwise the newcomer goes);
 * an older connection that has not heard the peer's OPEN yet cannot be compared.
 */
export function collisionCheck(otherState: FsmStateName, detectInEstablished = false): 'compare' | 'closeNew' | 'none' {
  if (otherState === 'OpenConfirm') return 'compare';
  if (otherState === 'Established') return detectInEstablished ? 'compare' : 'closeNew';
  return 'none';
}

/** A BGP Identifier as the unsigned 32-bit integer the FSM and resolveCollision compare. */
export function toBgpId(value: number | string | Uint8Array): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new FsmError(FsmErrorCode.bgpId, `BGP Identifier ${value} is not an unsigned 32-bit integer`);
    }
    return value;
  }
  const b = typeof value === 'string' ? parseIpv4(value) : value;
  if (b.length !== 4) throw new FsmError(FsmErrorCode.bgpId, `BGP Identifier must be 4 bytes, got ${b.length}`);
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
}

import type { ErrorAction, Rfc7606ReasonCode } from './rules.js';
import type { NlriList } from './nlri-list.js';

export interface Family {
  readonly afi: number;
  readonly safi: number;
}

export interface FamilyRoutes extends Family {
  readonly nlri: NlriList;
}

/** One thing RFC 7606 error handling found in an UPDATE. */
export interface UpdateProblem {
  readonly action: ErrorAction;
  readonly reason: Rfc7606ReasonCode;
  /** The attribute's type code; undefined for message-level problems (field lengths, NLRI field). */
  readonly attributeCode: number | undefined;
  /** Where in the input buffer the offending attribute (or field) starts. */
  readonly offset: number;
  /** RFC 4271 §6.3 UPDATE Message Error subcode, and the NOTIFICATION data that would go with it. */
  readonly subcode: number;
  readonly data: Uint8Array;
  /** The family concerned, for MP_REACH/MP_UNREACH problems. */
  readonly family: Family | undefined;
}

/**
 * What RFC 7606 error handling decided for one UPDATE (never `session-reset`: that throws).
 * The UPDATE's `attributes` already lack the discarded ones. The session then:
 *   - withdraws every route in `withdraw` (all NLRI of the UPDATE, body and MP_REACH) when
 *     any problem is treat-as-withdraw, instead of installing them;
 *   - stops accepting routes of each family in `disable` and drops what it has of them.
 */
export interface UpdateErrorReport {
  /** The strongest action among the problems. */
  readonly action: ErrorAction;
  readonly problems: readonly UpdateProblem[];
  readonly withdraw: readonly FamilyRoutes[];
  readonly disable: readonly Family[];
}

import { AttrFlag, UpdateErrorSubcode } from '../iana.js';

/**
 * RFC 7606 error-handling approaches, weakest first. An UPDATE keeps the strongest of
 * its problems; only `session-reset` ends the session (and is thrown, never returned).
 */
export type ErrorAction = 'discard' | 'treat-as-withdraw' | 'afisafi-disable' | 'session-reset';

const RANK: Record<ErrorAction, number> = {
  discard: 1,
  'treat-as-withdraw': 2,
  'afisafi-disable': 3,
  'session-reset': 4,
};

export function actionRank(a: ErrorAction | undefined): number {
  return a === undefined ? 0 : RANK[a];
}

/** The stronger of two actions (GoBGP's `Stronger`); `undefined` means "no problem yet". */
export function strongerAction(a: ErrorAction | undefined, b: ErrorAction): ErrorAction {
  return actionRank(a) >= RANK[b] ? (a as ErrorAction) : b;
}

/** Stable reason codes of RFC 7606 problems: match on these, never on messages. */
export const Rfc7606Reason = {
  /** Optional/Transitive bits differ from the type's, or Partial set where it may not be (RFC 7606 §3 c). */
  flags: 'attribute-flags',
  /** The value length breaks the type's length rule (RFC 7606 §7.x). */
  length: 'attribute-length',
  /** A well-formed length with a value the type does not allow (ORIGIN 3, AS 0, ...). */
  value: 'attribute-value',
  /** AS_PATH/AS4_PATH segment: unknown type, zero length, overrun or underrun (RFC 7606 §7.2, RFC 6793 §6). */
  asPathSegment: 'as-path-segment',
  /** AS_CONFED_* segment from an external, non-confederation peer (RFC 7606 §7.2). */
  confedFromExternal: 'confed-segment-from-external',
  /** LOCAL_PREF, ORIGINATOR_ID or CLUSTER_LIST from an external peer (RFC 7606 §7.5, §7.9, §7.10). */
  fromExternal: 'from-external-peer',
  /** AS4_PATH/AS4_AGGREGATOR between two 4-octet speakers (RFC 6793 §6). */
  as4FromNewSpeaker: 'as4-from-four-octet-speaker',
  /** MP_REACH next hop length not valid for the family (RFC 7606 §7.11). */
  nextHopLength: 'next-hop-length',
  /** MP_REACH/MP_UNREACH too short to name its family (no way to disable just one). */
  mpFamily: 'mp-family-unreadable',
  /** MP_REACH/MP_UNREACH NLRI field does not parse (RFC 7606 §5.3, §7.11). */
  mpNlri: 'mp-nlri',
  /** A second copy of an attribute (RFC 7606 §3 g). */
  duplicate: 'duplicate-attribute',
  /** A second MP_REACH_NLRI or MP_UNREACH_NLRI (RFC 7606 §3 g). */
  duplicateMp: 'duplicate-mp-attribute',
  /** An attribute runs past the path attribute field, or too few bytes for a header (RFC 7606 §4). */
  overrun: 'attribute-overrun',
  /** ORIGIN, AS_PATH or NEXT_HOP missing while the UPDATE carries NLRI (RFC 7606 §3 d). */
  missingWellKnown: 'missing-well-known',
  /** Optional bit clear on a type we do not know (RFC 4271 §6.3). */
  unrecognizedWellKnown: 'unrecognized-well-known',
  /** Withdrawn Routes Length or Total Path Attribute Length runs past the message (RFC 4271 §6.3, RFC 7606 §4). */
  fieldLengths: 'field-lengths',
  /** The IPv4 NLRI or withdrawn routes field does not parse (RFC 4271 §6.3, RFC 7606 §5.3). */
  nlriField: 'nlri-field',
} as const;
export type Rfc7606ReasonCode = (typeof Rfc7606Reason)[keyof typeof Rfc7606Reason];

/** How long a value may be. `asWidth` depends on the session: `two` without 4-octet AS, `four` with it. */
export type LengthRule =
  | { readonly kind: 'exact'; readonly n: number }
  | { readonly kind: 'asWidth'; readonly two: number; readonly four: number }
  | { readonly kind: 'multiple'; readonly of: number; readonly nonZero: boolean }
  | { readonly kind: 'min'; readonly n: number }
  | { readonly kind: 'any' };

/**
 * One row per attribute type we recognise: the flags it must carry, its length rule,
 * and the action for a malformed instance. Value-level checks (ORIGIN's value, AS_PATH
 * segments, MP next hop) are in the attribute's decoder; what happens is decided here.
 */
export interface AttributeRule {
  readonly code: number;
  readonly name: string;
  /** Required OPTIONAL/TRANSITIVE bits. */
  readonly flags: number;
  readonly length: LengthRule;
  /** Action for a malformed instance (flags, length or value). */
  readonly malformed: ErrorAction;
  /** When set, any instance from an external peer gets this action, whatever its content. */
  readonly fromExternal?: ErrorAction;
  /** When set, any instance on a 4-octet-AS session gets this action (RFC 6793 §6). */
  readonly onFourOctetSession?: ErrorAction;
  /** RFC 4271 §6.3 subcode for a bad value (length errors use ATTRIBUTE_LENGTH_ERROR, flags ATTRIBUTE_FLAGS_ERROR). */
  readonly valueSubcode: number;
  /** Where the rule comes from. */
  readonly source: string;
}

const WK = AttrFlag.TRANSITIVE;
const OT = AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE;
const ON = AttrFlag.OPTIONAL;
const S = UpdateErrorSubcode;

export const ATTRIBUTE_RULES: readonly AttributeRule[] = [
  { code: 1, name: 'ORIGIN', flags: WK, length: { kind: 'exact', n: 1 }, malformed: 'treat-as-withdraw', valueSubcode: S.INVALID_ORIGIN_ATTRIBUTE, source: 'RFC 7606 §7.1' },
  { code: 2, name: 'AS_PATH', flags: WK, length: { kind: 'any' }, malformed: 'treat-as-withdraw', valueSubcode: S.MALFORMED_AS_PATH, source: 'RFC 7606 §7.2, RFC 7607 §2' },
  { code: 3, name: 'NEXT_HOP', flags: WK, length: { kind: 'exact', n: 4 }, malformed: 'treat-as-withdraw', valueSubcode: S.INVALID_NEXT_HOP_ATTRIBUTE, source: 'RFC 7606 §7.3' },
  { code: 4, name: 'MULTI_EXIT_DISC', flags: ON, length: { kind: 'exact', n: 4 }, malformed: 'treat-as-withdraw', valueSubcode: S.OPTIONAL_ATTRIBUTE_ERROR, source: 'RFC 7606 §7.4' },
  { code: 5, name: 'LOCAL_PREF', flags: WK, length: { kind: 'exact', n: 4 }, malformed: 'treat-as-withdraw', fromExternal: 'discard', valueSubcode: S.ATTRIBUTE_LENGTH_ERROR, source: 'RFC 7606 §7.5' },
  { code: 6, name: 'ATOMIC_AGGREGATE', flags: WK, length: { kind: 'exact', n: 0 }, malformed: 'discard', valueSubcode: S.ATTRIBUTE_LENGTH_ERROR, source: 'RFC 7606 §7.6' },
  { code: 7, name: 'AGGREGATOR', flags: OT, length: { kind: 'asWidth', two: 6, four: 8 }, malformed: 'discard', valueSubcode: S.OPTIONAL_ATTRIBUTE_ERROR, source: 'RFC 7606 §7.7, RFC 7607 §2' },
  { code: 8, name: 'COMMUNITIES', flags: OT, length: { kind: 'multiple', of: 4, nonZero: true }, malformed: 'treat-as-withdraw', valueSubcode: S.OPTIONAL_ATTRIBUTE_ERROR, source: 'RFC 7606 §7.8' },
  { code: 9, name: 'ORIGINATOR_ID', flags: ON, length: { kind: 'exact', n: 4 }, malformed: 'treat-as-withdraw', fromExternal: 'discard', valueSubcode: S.OPTIONAL_ATTRIBUTE_ERROR, source: 'RFC 7606 §7.9' },
  { code: 10, name: 'CLUSTER_LIST', flags: ON, length: { kind: 'multiple', of: 4, nonZero: true }, malformed: 'treat-as-withdraw', fromExternal: 'discard', valueSubcode: S.OPTIONAL_ATTRIBUTE_ERROR, source: 'RFC 7606 §7.10' },
  { code: 14, name: 'MP_REACH_NLRI', flags: ON, length: { kind: 'min', n: 3 }, malformed: 'afisafi-disable', valueSubcode: S.OPTIONAL_ATTRIBUTE_ERROR, source: 'RFC 7606 §7.11, RFC 4760 §7' },
  { code: 15, name: 'MP_UNREACH_NLRI', flags: ON, length: { kind: 'min', n: 3 }, malformed: 'afisafi-disable', valueSubcode: S.OPTIONAL_ATTRIBUTE_ERROR, source: 'RFC 7606 §7.11, RFC 4760 §7' },
  { code: 16, name: 'EXTENDED_COMMUNITIES', flags: OT, length: { kind: 'multiple', of: 8, nonZero: true }, malformed: 'treat-as-withdraw', valueSubcode: S.OPTIONAL_ATTRIBUTE_ERROR, source: 'RFC 7606 §7.14' },
  { code: 17, name: 'AS4_PATH', flags: OT, length: { kind: 'min', n: 6 }, malformed: 'discard', onFourOctetSession: 'discard', valueSubcode: S.OPTIONAL_ATTRIBUTE_ERROR, source: 'RFC 6793 §6' },
  { code: 18, name: 'AS4_AGGREGATOR', flags: OT, length: { kind: 'exact', n: 8 }, malformed: 'discard', onFourOctetSession: 'discard', valueSubcode: S.OPTIONAL_ATTRIBUTE_ERROR, source: 'RFC 6793 §6, RFC 7607 §2' },
  // RFC 7606 says nothing of PMSI_TUNNEL; like FRR we treat a broken one as withdraw, since it steers BUM traffic.
  { code: 22, name: 'PMSI_TUNNEL', flags: OT, length: { kind: 'min', n: 5 }, malformed: 'treat-as-withdraw', valueSubcode: S.OPTIONAL_ATTRIBUTE_ERROR, source: 'RFC 6514 §5 (RFC 7606 §2 default)' },
  // Kept raw (no typed codec), but its length rule is checked.
  { code: 25, name: 'IPV6_EXTENDED_COMMUNITIES', flags: OT, length: { kind: 'multiple', of: 20, nonZero: true }, malformed: 'treat-as-withdraw', valueSubcode: S.OPTIONAL_ATTRIBUTE_ERROR, source: 'RFC 7606 §7.15' },
  { code: 32, name: 'LARGE_COMMUNITY', flags: OT, length: { kind: 'multiple', of: 12, nonZero: true }, malformed: 'treat-as-withdraw', valueSubcode: S.OPTIONAL_ATTRIBUTE_ERROR, source: 'RFC 8092 §6' },
];

const BY_CODE: (AttributeRule | undefined)[] = new Array<AttributeRule | undefined>(256).fill(undefined);
for (const rule of ATTRIBUTE_RULES) BY_CODE[rule.code] = rule;

export function ruleFor(code: number): AttributeRule | undefined {
  return BY_CODE[code];
}

/** True when the value length is legal for the rule. */
export function lengthAllowed(rule: LengthRule, length: number, fourOctetAs: boolean): boolean {
  switch (rule.kind) {
    case 'exact':
      return length === rule.n;
    case 'asWidth':
      return length === (fourOctetAs ? rule.four : rule.two);
    case 'multiple':
      return length % rule.of === 0 && (!rule.nonZero || length > 0);
    case 'min':
      return length >= rule.n;
    case 'any':
      return true;
  }
}

/**
 * RFC 4271 §4.3 / RFC 7606 §3 c: the O and T bits must match the type's; Partial only
 * on optional transitive attributes.
 */
export function flagsAllowed(rule: AttributeRule, flags: number): boolean {
  if ((flags & (AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE)) !== rule.flags) return false;
  if (flags & AttrFlag.PARTIAL && rule.flags !== (AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE)) return false;
  return true;
}

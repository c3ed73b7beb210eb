/**
 * The expectation table: for each class of mutation, the reactions RFC 4271 §6 as revised by
 * RFC 7606 allows (`accept`), and the older RFC 4271 reactions RFC 7606 replaced (`legacy`: a
 * target showing one of those is not broken, but it resets sessions RFC 7606 says to keep, and
 * the summary lists it as an RFC 7606 violation). Everything else is unexpected; a target that
 * stops taking sessions is a crash or hang whatever the class.
 *
 * Classes are named by what the mutation aimed at (see classOf in cases.ts). Path attribute
 * classes are per type code, from ATTRIBUTE_ERRORS below. The test suite checks that every
 * field and element name the walkers produce falls into a class here.
 */
import type { Pattern } from './reaction.js';

export interface Expectation {
  readonly accept: readonly Pattern[];
  readonly legacy?: readonly Pattern[];
  /** Where the expectation comes from. */
  readonly rfc: string;
}

const ANY_UPDATE_ERROR: Pattern = { code: 3 };
const N = (code: number, ...subcodes: number[]): Pattern => (subcodes.length === 0 ? { code } : { code, subcodes });

/**
 * RFC 7606 §7 per attribute type: what a malformed instance gets. `external` is the answer for
 * an eBGP session where it differs (LOCAL_PREF, ORIGINATOR_ID, CLUSTER_LIST are discarded).
 */
interface AttributeError {
  readonly name: string;
  readonly malformed: readonly Pattern[];
  readonly external?: readonly Pattern[];
  readonly rfc: string;
}

const WITHDRAW: readonly Pattern[] = ['withdrawn'];
const DISCARD: readonly Pattern[] = ['kept'];
/** Session reset or AFI/SAFI disable: the NLRI cannot be located reliably. */
const RESET_OR_DISABLE: readonly Pattern[] = [ANY_UPDATE_ERROR, 'withdrawn'];

export const ATTRIBUTE_ERRORS: Readonly<Record<number, AttributeError>> = {
  1: { name: 'ORIGIN', malformed: WITHDRAW, rfc: 'RFC 7606 §7.1' },
  2: { name: 'AS_PATH', malformed: WITHDRAW, rfc: 'RFC 7606 §7.2' },
  3: { name: 'NEXT_HOP', malformed: WITHDRAW, rfc: 'RFC 7606 §7.3' },
  4: { name: 'MULTI_EXIT_DISC', malformed: WITHDRAW, rfc: 'RFC 7606 §7.4' },
  5: { name: 'LOCAL_PREF', malformed: WITHDRAW, external: DISCARD, rfc: 'RFC 7606 §7.5' },
  6: { name: 'ATOMIC_AGGREGATE', malformed: DISCARD, rfc: 'RFC 7606 §7.6' },
  7: { name: 'AGGREGATOR', malformed: DISCARD, rfc: 'RFC 7606 §7.7' },
  8: { name: 'COMMUNITIES', malformed: WITHDRAW, rfc: 'RFC 7606 §7.8' },
  9: { name: 'ORIGINATOR_ID', malformed: WITHDRAW, external: DISCARD, rfc: 'RFC 7606 §7.9' },
  10: { name: 'CLUSTER_LIST', malformed: WITHDRAW, external: DISCARD, rfc: 'RFC 7606 §7.10' },
  14: { name: 'MP_REACH_NLRI', malformed: RESET_OR_DISABLE, rfc: 'RFC 7606 §7.11, §5.3' },
  15: { name: 'MP_UNREACH_NLRI', malformed: RESET_OR_DISABLE, rfc: 'RFC 7606 §7.11, §5.3' },
  16: { name: 'EXTENDED_COMMUNITIES', malformed: WITHDRAW, rfc: 'RFC 7606 §7.14' },
  17: { name: 'AS4_PATH', malformed: DISCARD, rfc: 'RFC 6793 §6' },
  18: { name: 'AS4_AGGREGATOR', malformed: DISCARD, rfc: 'RFC 6793 §6' },
  // No RFC says what a broken PMSI_TUNNEL gets (RFC 7606 §2 leaves it to the attribute's spec,
  // RFC 6514 has none): either keeping the session way is fine.
  22: { name: 'PMSI_TUNNEL', malformed: ['withdrawn', 'kept'], rfc: 'RFC 7606 §2 (RFC 6514 §5 silent)' },
  25: { name: 'IPV6_EXTENDED_COMMUNITIES', malformed: WITHDRAW, rfc: 'RFC 7606 §7.15' },
  32: { name: 'LARGE_COMMUNITY', malformed: WITHDRAW, rfc: 'RFC 8092 §6' },
};

/** RFC 4271 §6.3's answer to any attribute problem: UPDATE Message Error, session down. */
const LEGACY_UPDATE: readonly Pattern[] = [ANY_UPDATE_ERROR];

export function attributeName(code: number): string {
  return ATTRIBUTE_ERRORS[code]?.name ?? `attribute ${code}`;
}

/** A malformed instance of attribute `code` (its value, its length, its inner fields). */
function attributeValue(code: number, external: boolean): Expectation {
  const e = ATTRIBUTE_ERRORS[code];
  // An attribute we do not know cannot be found malformed: optional ones are kept or passed on (RFC 4271 §5).
  if (!e) return { accept: ['kept'], rfc: 'RFC 4271 §5 (unrecognized optional attribute)' };
  const accept = external && e.external ? e.external : e.malformed;
  return { accept, legacy: LEGACY_UPDATE, rfc: e.rfc };
}

/** Optional/Transitive bits that conflict with the type (the extended-length bit unchanged). */
function attributeFlags(code: number): Expectation {
  const e = ATTRIBUTE_ERRORS[code];
  if (!e) return { accept: ['kept', N(3, 2)], rfc: 'RFC 4271 §6.3 (optional bit cleared: unrecognized well-known)' };
  if (code === 14 || code === 15) return { accept: RESET_OR_DISABLE, rfc: 'RFC 7606 §3 c, §7.11' };
  return { accept: WITHDRAW, legacy: LEGACY_UPDATE, rfc: 'RFC 7606 §3 c' };
}

/** A second copy of an attribute. */
function attributeDuplicate(code: number): Expectation {
  if (code === 14 || code === 15) return { accept: [N(3, 1)], rfc: 'RFC 7606 §3 g' };
  return { accept: ['kept'], legacy: [N(3, 1)], rfc: 'RFC 7606 §3 g' };
}

/** The attribute removed. `bodyNlri`: the UPDATE has IPv4 NLRI in its body (then NEXT_HOP is mandatory). */
function attributeMissing(code: number, bodyNlri: boolean, external: boolean): Expectation {
  const mandatory = code === 1 || code === 2 || (code === 3 && bodyNlri);
  if (mandatory) return { accept: WITHDRAW, legacy: [N(3, 3)], rfc: 'RFC 7606 §3 d' };
  // LOCAL_PREF is required toward internal peers (RFC 4271 §5.1.5); RFC 7606 §3 d covers it as a missing well-known attribute.
  if (code === 5 && !external) return { accept: ['withdrawn', 'kept'], legacy: [N(3, 3)], rfc: 'RFC 4271 §5.1.5, RFC 7606 §3 d' };
  // Without MP_REACH the UPDATE announces nothing: the routes stay as they were.
  return { accept: ['kept'], rfc: 'RFC 4271 §5' };
}

const EVERYTHING_BUT_DROPPING: readonly Pattern[] = [N(1), N(2), N(3), N(4, 0), N(5), N(7), 'kept', 'withdrawn'];

/** Fixed classes (those not per attribute type). */
export const EXPECTATIONS: Readonly<Record<string, Expectation>> = {
  // ---- message header
  header: { accept: [N(1)], rfc: 'RFC 4271 §6.1' },
  // A shorter Length cuts the body (its own errors), a longer one leaves the target waiting for the rest.
  'header-length': { accept: [N(1), N(2), N(3), N(4, 0), N(7), 'kept', 'withdrawn'], rfc: 'RFC 4271 §6.1, §8.2.2 (hold timer while waiting)' },
  // ---- OPEN (sent instead of ours on a fresh connection; 'kept' = the session came up)
  'open-version': { accept: [N(2, 1)], rfc: 'RFC 4271 §6.2' },
  // With a 4-octet AS capability the 2-octet field is not the AS (RFC 6793 §4.1): a target may ignore it.
  'open-my-as': { accept: [N(2, 2), 'kept'], rfc: 'RFC 4271 §6.2, RFC 6793 §4.1' },
  'open-hold-time': { accept: [N(2, 6), 'kept'], rfc: 'RFC 4271 §6.2 (1 and 2 are unacceptable, anything else is negotiated)' },
  'open-bgp-identifier': { accept: [N(2, 3), 'kept'], rfc: 'RFC 4271 §6.2, RFC 6286 §2.2' },
  'open-parameters': { accept: [N(2), N(1, 2), 'kept'], rfc: 'RFC 4271 §6.2, RFC 9072 §2' },
  // Unknown capabilities are ignored (RFC 5492 §3); a broken or missing needed one is an OPEN error.
  capability: { accept: [N(2), 'kept'], rfc: 'RFC 5492 §3, RFC 4271 §6.2' },
  // ---- UPDATE framing
  'update-lengths': { accept: [ANY_UPDATE_ERROR, 'withdrawn', 'kept'], rfc: 'RFC 7606 §4, §5.3' },
  // A length or extended-length bit that lies: attributes overrun each other (RFC 7606 §4),
  // the reset applies when an MP attribute is among them.
  'attribute-list': { accept: [ANY_UPDATE_ERROR, 'withdrawn'], rfc: 'RFC 7606 §4' },
  // The type code changed: the value is read as another attribute (see relabelled()).
  'attribute-type': { accept: [ANY_UPDATE_ERROR, 'withdrawn', 'kept'], rfc: 'RFC 7606 §3, §4 (as for the attribute it became)' },
  // Receivers take attributes in any order (RFC 4271 §5).
  'attribute-order': { accept: ['kept'], rfc: 'RFC 4271 §5' },
  nlri: { accept: RESET_OR_DISABLE, rfc: 'RFC 7606 §5.3' },
  'next-hop-length': { accept: RESET_OR_DISABLE, rfc: 'RFC 7606 §7.11' },
  // A family the session did not negotiate: ignored, or the attribute is malformed.
  'mp-family': { accept: [ANY_UPDATE_ERROR, 'withdrawn', 'kept'], rfc: 'RFC 4760 §7, RFC 7606 §7.11' },
  'mp-reserved': { accept: ['kept'], legacy: [ANY_UPDATE_ERROR, 'withdrawn'], rfc: 'RFC 4760 §3 (Reserved SHOULD be ignored)' },
  // ---- EVPN NLRI (RFC 7432 §7, RFC 9136 §3.1)
  'evpn-length': { accept: RESET_OR_DISABLE, rfc: 'RFC 7432 §7, RFC 7606 §5.3' },
  'evpn-route-type': { accept: [ANY_UPDATE_ERROR, 'withdrawn', 'kept'], rfc: 'RFC 7432 §7 (unknown route types), RFC 7606 §5.3' },
  'evpn-prefix-length': { accept: ['withdrawn', ANY_UPDATE_ERROR], rfc: 'RFC 9136 §3.1, RFC 7606 §5.3' },
  'evpn-field': { accept: ['kept', 'withdrawn'], rfc: 'RFC 7432 §7 (value fields)' },
  'evpn-routes': { accept: ['kept'], rfc: 'RFC 4760 §5 (one more or one fewer route)' },
  // ---- ROUTE-REFRESH
  'route-refresh': { accept: ['kept', N(7, 1)], rfc: 'RFC 2918 §4, RFC 7313 §5' },
  // ---- unstructured: cuts and byte edits can land anywhere; anything but dropping the session without a word
  truncation: { accept: EVERYTHING_BUT_DROPPING, rfc: 'RFC 4271 §6' },
  bytes: { accept: EVERYTHING_BUT_DROPPING, rfc: 'RFC 4271 §6' },
  // The unmutated message: it must be accepted.
  baseline: { accept: ['kept'], rfc: 'RFC 4271 §9' },
};

/** Attribute classes: "attribute-value 14", "attribute-flags 6", "attribute-duplicate 2", "attribute-missing 1". */
export type AttributeClassKind = 'attribute-value' | 'attribute-flags' | 'attribute-duplicate' | 'attribute-missing';
export const ATTRIBUTE_CLASS_KINDS: readonly AttributeClassKind[] = ['attribute-value', 'attribute-flags', 'attribute-duplicate', 'attribute-missing'];

export interface ExpectationContext {
  /** eBGP session. */
  readonly external: boolean;
  /** The base UPDATE has IPv4 NLRI in its body. */
  readonly bodyNlri: boolean;
}

/** The expectation of a class, or undefined for a class this table does not know (a bug in classOf). */
export function expectationOf(cls: string, ctx: ExpectationContext): Expectation | undefined {
  const m = /^(attribute-value|attribute-flags|attribute-duplicate|attribute-missing) (\d+)$/.exec(cls);
  if (m) {
    const code = Number(m[2]);
    switch (m[1] as AttributeClassKind) {
      case 'attribute-value':
        return attributeValue(code, ctx.external);
      case 'attribute-flags':
        return attributeFlags(code);
      case 'attribute-duplicate':
        return attributeDuplicate(code);
      case 'attribute-missing':
        return attributeMissing(code, ctx.bodyNlri, ctx.external);
    }
  }
  return EXPECTATIONS[cls];
}

/**
 * `@evpn6/bgp/fuzz`: structure-aware mutation of BGP bytes for the fuzz driver (scripts/fuzz.ts)
 * and for property tests. Inputs are reproducible: (seed, index) names exactly one mutated input
 * of a given corpus. Families other packages define are walked from a data description
 * (tlvRouteWalker), so nothing here knows EVPN.
 */
export { Prng, FuzzError, mix32 } from './prng.js';
export { Layout, readField, writeField, aroundLength } from './layout.js';
export type { Field, Element, Content, AttributeHeader } from './layout.js';
export {
  walkMessage,
  walkMessages,
  walkOpenBody,
  walkCapabilities,
  walkUpdateBody,
  walkAttributes,
  walkPrefixes,
  tlvRouteWalker,
  NEXT_HOP_LENGTHS,
} from './walk-bgp.js';
export type { NlriWalker, WalkOptions, TlvRouteDescription, RouteFieldDescription } from './walk-bgp.js';
export { mutate, mutators, resizeField, duplicateElement, removeElement, respellLength } from './mutate.js';
export type { LayoutOf, Mutator, MutateOptions, MutationResult, MutationTarget, NoteTarget } from './mutate.js';
export { minimize } from './shrink.js';
export { fuzzInput } from './input.js';
export type { FuzzInput } from './input.js';

/**
 * The peer fuzzer: structure-aware mutations (@evpn6/bgp/fuzz, @evpn6/evpn/fuzz) sent to a live
 * BGP speaker over sessions of our own making, each reaction classified and held against an
 * RFC 4271 / RFC 7606 expectation table. `evpn6 fuzz` is its command line.
 */
export { FuzzError, FuzzUsageError } from './errors.js';
export type { FuzzErrorCode } from './errors.js';
export { RawSession, FAMILIES, ourOpen, isFailure } from './raw-session.js';
export type { Family, SessionConfig, PeerEvent, OpenFailure } from './raw-session.js';
export { buildCorpus, withdrawal, marker, routeKey, keysOf } from './corpus.js';
export type { BaseMessage, Routes, CorpusConfig } from './corpus.js';
export { fuzzCase, classOf, layoutFor } from './cases.js';
export type { FuzzCase } from './cases.js';
export { EXPECTATIONS, ATTRIBUTE_ERRORS, ATTRIBUTE_CLASS_KINDS, expectationOf, attributeName } from './expectations.js';
export type { Expectation, ExpectationContext, AttributeClassKind } from './expectations.js';
export { matches, formatPattern, formatReaction, reactionColumn } from './reaction.js';
export type { Reaction, ReactionKind, Pattern } from './reaction.js';
export { ourVerdict, widen, formatVerdict } from './verdict.js';
export type { OurVerdict } from './verdict.js';
export { judge, expectationFor } from './judge.js';
export type { Judgement, CaseResult } from './judge.js';
export { Observer } from './observer.js';
export { PeerFuzzer, runFuzz } from './runner.js';
export type { FuzzOptions, FuzzRun } from './runner.js';
export { findingOf, writeFinding, readFinding, summaryLines, FINDING_VERSION } from './report.js';
export type { Finding, FindingTarget } from './report.js';
export { replayFinding } from './replay.js';

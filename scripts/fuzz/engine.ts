/**
 * The fuzz loop for one target, shared by the worker (timed runs) and the main thread (rebuilding
 * the input a hung worker was on). Input i of a run is fuzzInput(corpus, seed, i): reproducible alone.
 */
import { fuzzInput, minimize, Prng } from '@evpn6/bgp/fuzz';
import type { MutationTarget } from '@evpn6/bgp/fuzz';
import type { Finding, Target } from './targets.js';
import { readCorpus } from './corpus.js';

/** The inputs mutation starts from: the target's seeds, then what the regression corpus holds. */
export function startingCorpus(target: Target): Uint8Array[] {
  return [...target.seeds(), ...readCorpus(target.name).map((e) => e.bytes)];
}

export function inputAt(target: Target, corpus: readonly Uint8Array[], seed: number, index: number): { bytes: Uint8Array; steps: readonly string[]; base: number; targets: readonly MutationTarget[] } {
  const input = fuzzInput(corpus, target.layoutOf, seed, index);
  if (!target.finish) return input;
  // A second generator for the touch-up, so that adding it never shifts the mutations themselves.
  return { ...input, bytes: target.finish(input.bytes, Prng.forInput(seed ^ 0x5bd1e995, index)) };
}

/** Shrinks an input while it keeps failing with the same signature. */
export function shrink(target: Target, bytes: Uint8Array, finding: Finding, onTry: () => void = () => {}): Uint8Array {
  return minimize(bytes, (candidate) => {
    onTry();
    return target.check(candidate)?.signature === finding.signature;
  });
}

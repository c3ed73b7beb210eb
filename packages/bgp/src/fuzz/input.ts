import type { LayoutOf, MutateOptions, MutationTarget } from './mutate.js';
import { mutate } from './mutate.js';
import { FuzzError, Prng } from './prng.js';

export interface FuzzInput {
  readonly bytes: Uint8Array;
  /** Index into the corpus of the input the mutations started from. */
  readonly base: number;
  readonly steps: readonly string[];
  readonly targets: readonly MutationTarget[];
}

/**
 * Input number `index` of a run with `seed` over `corpus`: picks a corpus entry and mutates it,
 * all from a generator seeded by (seed, index) alone, so any input can be rebuilt on its own.
 */
export function fuzzInput(corpus: readonly Uint8Array[], layoutOf: LayoutOf, seed: number, index: number, opts: MutateOptions = {}): FuzzInput {
  if (corpus.length === 0) throw new FuzzError('the corpus is empty');
  const rng = Prng.forInput(seed, index);
  const base = rng.below(corpus.length);
  const { bytes, steps, targets } = mutate(corpus[base]!, layoutOf, rng, opts);
  return { bytes, base, steps, targets };
}

import { VxlanConfigError } from './errors.js';

/** Fills `bytes` with random values. Injectable so tests are deterministic; the default is the platform CSPRNG. */
export type RandomSource = (bytes: Uint8Array) => void;

export const cryptoRandom: RandomSource = (bytes) => {
  globalThis.crypto.getRandomValues(bytes);
};

const ROUNDS = 6;

/**
 * IPv6 fragment identifications (RFC 8200 §4.5, RFC 7739): unpredictable to anyone who does not hold
 * the keys, and never repeated among datagrams in flight.
 *
 * A counter is run through a keyed 32-bit Feistel permutation. Because it is a permutation, the
 * first 2^32 ids after start are all distinct, for every (source, destination) pair at once; at a
 * million fragmented datagrams a second that is over an hour, far past the 60 s reassembly lifetime.
 * The keys and the counter's start come from `random` once, at construction.
 */
export class FragmentIdGenerator {
  private readonly keys = new Uint32Array(ROUNDS);
  private counter: number;

  constructor(random: RandomSource = cryptoRandom) {
    const seed = new Uint32Array(ROUNDS + 1);
    random(new Uint8Array(seed.buffer));
    for (let i = 0; i < ROUNDS; i++) this.keys[i] = seed[i]!;
    this.counter = seed[ROUNDS]!;
    if (this.keys.every((k) => k === 0)) throw new VxlanConfigError('random', 'random source returned only zeros');
  }

  next(): number {
    this.counter = (this.counter + 1) >>> 0;
    return this.permute(this.counter);
  }

  /** The keyed permutation itself (exposed for tests: it must be a bijection). */
  permute(x: number): number {
    let left = x >>> 16;
    let right = x & 0xffff;
    for (let i = 0; i < ROUNDS; i++) {
      let f = Math.imul(right ^ this.keys[i]!, 0x9e3779b1);
      f ^= f >>> 15;
      f = Math.imul(f, 0x85ebca6b);
      f ^= f >>> 13;
      const t = (left ^ f ^ (f >>> 16)) & 0xffff;
      left = right;
      right = t;
    }
    return ((left << 16) | right) >>> 0;
  }
}

import { BgpError } from '../errors.js';

/** Misuse of the fuzz helpers (an empty choice, a bad option): code ERR_BGP_FUZZ. */
export class FuzzError extends BgpError {
  constructor(detail: string) {
    super('ERR_BGP_FUZZ', detail);
  }
}

/**
 * A small seeded generator (mulberry32 steps over a murmur3-style mixed seed) so that a fuzz
 * input is named by (seed, index) alone: the same pair gives the same bytes on every machine
 * and run, without replaying the inputs before it. Not for anything that needs unpredictability.
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The generator for input `index` of a run seeded with `seed`. */
  static forInput(seed: number, index: number): Prng {
    return new Prng(mix32(mix32(seed >>> 0) ^ mix32((index + 0x9e3779b9) >>> 0)));
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in 0..n-1 (0 when n <= 0). */
  below(n: number): number {
    if (n <= 1) return 0;
    return Math.floor((this.next() / 4294967296) * n);
  }

  /** An integer in lo..hi inclusive. */
  between(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() / 4294967296 < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new FuzzError('pick from an empty list');
    return items[this.below(items.length)]!;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.next() & 0xff;
    return out;
  }
}

/** murmur3's 32-bit finaliser: spreads every input bit over the output. */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

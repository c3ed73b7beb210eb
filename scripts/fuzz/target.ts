/**
 * What a fuzz target is, and the verdict every target shares: our typed errors (BgpError,
 * VxlanError) are fine; anything else, or a value that does not survive decode -> encode -> decode,
 * is a finding.
 */
import { BgpError } from '@evpn6/bgp';
import type { LayoutOf, Prng } from '@evpn6/bgp/fuzz';
import { VxlanError } from '@evpn6/vxlan';
import { sameValue } from './same-value.js';

export interface Finding {
  /** exception: an error that is not one of ours; roundtrip: decode -> encode -> decode differs; hang: took too long. */
  readonly kind: 'exception' | 'roundtrip' | 'hang';
  /** What minimisation must preserve: kind plus error class (and where it was thrown). */
  readonly signature: string;
  readonly detail: string;
}

export interface Target {
  readonly name: string;
  readonly description: string;
  seeds(): Uint8Array[];
  readonly layoutOf: LayoutOf;
  /** Touches up a mutated input (e.g. zeroes UDP checksums so that packets get past them). */
  finish?(bytes: Uint8Array, rng: Prng): Uint8Array;
  /** Decodes one input; throws whatever the decoder throws, or a RoundTripError. */
  run(bytes: Uint8Array): void;
  /** run() as a verdict: undefined when fine (our typed errors are fine), else the finding. */
  check(bytes: Uint8Array): Finding | undefined;
  /** Whether the input is accepted whole (for checking that seeds are valid): run() completes, and more where said. */
  accepts(bytes: Uint8Array): boolean;
}

export type TargetDefinition = Omit<Target, 'check' | 'accepts'> & { accepts?(bytes: Uint8Array): boolean };

export function define(d: TargetDefinition): Target {
  const run = d.run.bind(d);
  return {
    ...d,
    run,
    check: (bytes) => guard(() => run(bytes)),
    accepts:
      d.accepts?.bind(d) ??
      ((bytes) => {
        try {
          run(bytes);
          return true;
        } catch {
          return false;
        }
      }),
  };
}

/** A broken invariant (round trip, framing): reported as a 'roundtrip' finding. */
export class RoundTripError extends Error {}

export function typed(e: unknown): boolean {
  return e instanceof BgpError || e instanceof VxlanError;
}

/** Where in our sources an error came from: the first stack frame, without line/column noise across runs. */
function thrownAt(e: unknown): string {
  const stack = e instanceof Error && e.stack ? e.stack.split('\n').slice(1) : [];
  const frame = stack.find((l) => l.includes('/packages/')) ?? stack[0] ?? '';
  const m = /\/(packages\/[^:)]+):(\d+)/.exec(frame);
  return m ? `${m[1]}:${m[2]}` : frame.trim();
}

/** Runs `fn`; typed errors are fine, anything else (or a broken round trip) is a finding. */
export function guard(fn: () => void): Finding | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (e instanceof RoundTripError) return { kind: 'roundtrip', signature: `roundtrip ${e.message.split(':')[0]}`, detail: e.message };
    if (typed(e)) return undefined;
    const name = e instanceof Error ? e.constructor.name : typeof e;
    const message = e instanceof Error ? e.message : String(e);
    return { kind: 'exception', signature: `exception ${name} ${thrownAt(e)}`, detail: `${name}: ${message} at ${thrownAt(e)}` };
  }
}

/** Re-encodes a decoded value and decodes that again: the second value must equal the first. */
export function roundTrip<T>(what: string, value: T, encode: (v: T) => Uint8Array, decode: (b: Uint8Array) => T): void {
  let wire: Uint8Array;
  try {
    wire = encode(value);
  } catch (e) {
    if (typed(e)) throw new RoundTripError(`${what} re-encode: ${e instanceof Error ? e.message : String(e)}`);
    throw e;
  }
  let back: T;
  try {
    back = decode(wire);
  } catch (e) {
    if (typed(e)) throw new RoundTripError(`${what} re-decode: ${e instanceof Error ? e.message : String(e)}`);
    throw e;
  }
  const diff = sameValue(value, back);
  if (diff !== undefined) throw new RoundTripError(`${what} changed: ${diff}`);
}

/** Re-encoding must give back exactly the bytes received (unknown things stay raw, flags are kept). */
export function sameBytes(what: string, received: Uint8Array, encoded: Uint8Array): void {
  const diff = sameValue(received, encoded);
  if (diff !== undefined) throw new RoundTripError(`${what} re-encoded to other bytes: ${diff}`);
}

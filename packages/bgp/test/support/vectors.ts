/**
 * Golden-vector checks shared by every codec test (DESIGN.md, Conventions/Tests):
 * decode, byte-identical re-encode, every truncated prefix failing with a typed error,
 * and decoding at an offset inside a larger buffer.
 */
import { expect } from 'chai';
import { BgpError } from '../../src/errors.js';
import { Reader } from '../../src/wire/reader.js';
import { Writer } from '../../src/wire/writer.js';
import { fromHex, toHex } from '../../src/address.js';
import type { Codec } from '../../src/codec.js';

export interface GoldenVector<T, C> {
  name: string;
  hex: string;
  ctx: C;
  /** Expected decoded value (deep-equal); omit to check only the byte properties. */
  value?: T;
  /** Expected error code instead of a value. */
  error?: string;
  /** Re-encoding is not expected to reproduce the input (the codec normalises it). */
  normalises?: boolean;
  /** Some structures are not self-delimiting at every cut; list prefix lengths that may decode. */
  truncationMayDecode?: (cut: number) => boolean;
}

export function decodeAll<T, C>(codec: Codec<T, C>, bytes: Uint8Array, ctx: C, start = 0, end = bytes.length): T {
  const r = new Reader(bytes, start, end);
  const v = codec.decode(r, ctx);
  expect(r.pos, 'decoder consumed the whole input').to.equal(end);
  return v;
}

export function encodeToBytes<T, C>(codec: Codec<T, C>, value: T, ctx: C): Uint8Array {
  const n = codec.encodedLength(value, ctx);
  const w = Writer.alloc(n);
  codec.encode(value, w, ctx);
  expect(w.pos, 'encode wrote exactly encodedLength bytes').to.equal(n);
  return w.buf;
}

export function expectTypedError(fn: () => unknown, code?: string): BgpError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'an error was thrown').to.be.instanceOf(BgpError);
  const err = caught as BgpError;
  if (code !== undefined) expect(err.code).to.equal(code);
  return err;
}

/** Registers mocha `it`s for one vector. */
export function checkVector<T, C>(codec: Codec<T, C>, v: GoldenVector<T, C>): void {
  const bytes = fromHex(v.hex);
  if (v.error !== undefined) {
    it(`${v.name}: fails with ${v.error}`, () => {
      expectTypedError(() => decodeAll(codec, bytes, v.ctx), v.error);
    });
    return;
  }
  it(`${v.name}: decodes`, () => {
    const value = decodeAll(codec, bytes, v.ctx);
    if (v.value !== undefined) expect(value).to.deep.equal(v.value);
  });
  if (!v.normalises) {
    it(`${v.name}: re-encodes byte-identical`, () => {
      const value = decodeAll(codec, bytes, v.ctx);
      expect(toHex(encodeToBytes(codec, value, v.ctx))).to.equal(v.hex.toLowerCase().replace(/\s/g, ''));
    });
  }
  it(`${v.name}: every truncated prefix fails with a typed error`, () => {
    for (let cut = 0; cut < bytes.length; cut++) {
      if (v.truncationMayDecode?.(cut)) continue;
      const copy = bytes.slice(0, cut);
      let threw: unknown;
      try {
        decodeAll(codec, copy, v.ctx);
      } catch (e) {
        threw = e;
      }
      expect(threw, `cut at ${cut} of ${bytes.length}`).to.be.instanceOf(BgpError);
    }
  });
  it(`${v.name}: decodes at an offset`, () => {
    const pad = 7;
    const big = new Uint8Array(pad + bytes.length + 5).fill(0xa5);
    big.set(bytes, pad);
    const atOffset = decodeAll(codec, big, v.ctx, pad, pad + bytes.length);
    const plain = decodeAll(codec, bytes, v.ctx);
    expect(atOffset).to.deep.equal(plain);
  });
}

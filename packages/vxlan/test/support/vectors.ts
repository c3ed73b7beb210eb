/** Golden-vector checks for the header codecs: decode, byte-identical re-encode, truncation, offset. */
import { expect } from 'chai';
import { Reader, VxlanDecodeError, Writer, type Codec } from '../../src/index.js';
import { fromHex, toHex } from './util.js';

export interface CodecVector<T> {
  name: string;
  hex: string;
  value: T;
}

export function decodeAll<T>(codec: Codec<T>, bytes: Uint8Array, start = 0, end = bytes.length): T {
  const r = new Reader(bytes, start, end);
  const v = codec.decode(r);
  expect(r.pos, 'decoder consumed the whole input').to.equal(end);
  return v;
}

export function encodeToBytes<T>(codec: Codec<T>, value: T): Uint8Array {
  const n = codec.encodedLength(value);
  const w = Writer.alloc(n);
  codec.encode(value, w);
  expect(w.pos, 'encode wrote exactly encodedLength bytes').to.equal(n);
  return w.buf;
}

export function checkCodecVector<T>(codec: Codec<T>, v: CodecVector<T>): void {
  const bytes = fromHex(v.hex);
  it(`${v.name}: decodes`, () => {
    expect(decodeAll(codec, bytes)).to.deep.equal(v.value);
  });
  it(`${v.name}: re-encodes byte-identical`, () => {
    expect(toHex(encodeToBytes(codec, v.value))).to.equal(toHex(bytes));
  });
  it(`${v.name}: every truncated prefix fails with a typed truncation error`, () => {
    for (let cut = 0; cut < bytes.length; cut++) {
      let caught: unknown;
      try {
        codec.decode(new Reader(bytes.slice(0, cut)));
      } catch (e) {
        caught = e;
      }
      expect(caught, `cut at ${cut}`).to.be.instanceOf(VxlanDecodeError);
      expect((caught as VxlanDecodeError).code).to.equal('ERR_VXLAN_TRUNCATED');
    }
  });
  it(`${v.name}: decodes at an offset inside a larger buffer`, () => {
    const big = new Uint8Array(bytes.length + 11).fill(0xa5);
    big.set(bytes, 5);
    expect(decodeAll(codec, big, 5, 5 + bytes.length)).to.deep.equal(v.value);
  });
}

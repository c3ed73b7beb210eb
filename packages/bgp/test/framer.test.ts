import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { NotificationError } from '../src/index.js';
import { FramerConfigError, fromHex, MessageFramer, toHex } from '../src/index.js';
import { expectTypedError } from './support/vectors.js';

const captureDir = fileURLToPath(new URL('./vectors/gobgp-evpn/', import.meta.url));
const sent = readFileSync(`${captureDir}messages.hex.txt`, 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '');
const stream = fromHex(sent.join(''));

function message(type: number, bodyLength: number, fill = 0): Uint8Array {
  const m = new Uint8Array(19 + bodyLength).fill(fill);
  m.fill(0xff, 0, 16);
  m[16] = m.length >> 8;
  m[17] = m.length & 0xff;
  m[18] = type;
  return m;
}

function notificationOf(fn: () => unknown): [number, number, string] {
  const err = expectTypedError(fn, 'ERR_BGP_NOTIFICATION') as NotificationError;
  return [err.errorCode, err.errorSubcode, toHex(err.data)];
}

describe('framer', () => {
  it('1-byte chunks give back every captured message', () => {
    const f = new MessageFramer();
    const out: string[] = [];
    for (let i = 0; i < stream.length; i++) for (const m of f.push(stream.subarray(i, i + 1))) out.push(toHex(m));
    expect(out).to.deep.equal(sent);
    expect(f.buffered).to.equal(0);
  });

  it('the whole capture in one chunk gives every message, as views of the chunk', () => {
    const f = new MessageFramer();
    const out = f.push(stream);
    expect(out.map(toHex)).to.deep.equal(sent);
    expect(out[0]!.buffer).to.equal(stream.buffer);
  });

  it('any partition of the stream into chunks gives the same messages (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 40 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const f = new MessageFramer();
        const out: Uint8Array[] = [];
        let prev = 0;
        for (const p of [...points, stream.length]) {
          out.push(...f.push(stream.slice(prev, p)));
          prev = p;
        }
        expect(out.map(toHex)).to.deep.equal(sent);
      }),
      { numRuns: 500 },
    );
  });

  it('messages returned stay valid after later pushes', () => {
    const f = new MessageFramer();
    const kept: Uint8Array[] = [];
    const chunk = new Uint8Array(7);
    for (let i = 0; i < stream.length; i += 7) {
      // The framer must not keep views of a chunk it only partly used: reuse one chunk buffer.
      const piece = stream.subarray(i, i + 7);
      const c = piece.length === 7 ? chunk : new Uint8Array(piece.length);
      c.set(piece);
      for (const m of f.push(c)) kept.push(m.length <= 7 ? m.slice() : m);
    }
    expect(kept.map(toHex)).to.deep.equal(sent);
  });

  it('many small messages in one chunk', () => {
    const ka = message(4, 0);
    const many = new Uint8Array(19 * 10000);
    for (let i = 0; i < 10000; i++) many.set(ka, i * 19);
    const f = new MessageFramer();
    const out = f.push(many);
    expect(out).to.have.length(10000);
    expect(out.every((m) => m.length === 19)).to.equal(true);
  });

  it('a 65535-byte message in 1-byte chunks costs linear time', () => {
    const big = message(2, 65535 - 19, 0x5a);
    const f = new MessageFramer({ maxLength: 65535 });
    const t0 = performance.now();
    let out: Uint8Array[] = [];
    for (let i = 0; i < big.length; i++) out = out.concat(f.push(big.subarray(i, i + 1)));
    const ms = performance.now() - t0;
    expect(out).to.have.length(1);
    expect(toHex(out[0]!)).to.equal(toHex(big));
    expect(ms, 'quadratic copying would take seconds').to.be.below(1500);
  });

  it('rejects a bad marker as soon as the header is complete', () => {
    const bad = message(4, 0);
    bad[3] = 0;
    const f = new MessageFramer();
    expect(f.push(bad.subarray(0, 18))).to.deep.equal([]);
    expect(notificationOf(() => f.push(bad.subarray(18, 19)))).to.deep.equal([1, 1, '']);
  });

  it('rejects bad lengths and types with the same NOTIFICATION as the decoder', () => {
    expect(notificationOf(() => new MessageFramer().push(message(2, 5000)))).to.deep.equal([1, 2, '139b']);
    expect(notificationOf(() => new MessageFramer().push(message(9, 0)))).to.deep.equal([1, 3, '09']);
    expect(notificationOf(() => new MessageFramer().push(message(4, 1)))).to.deep.equal([1, 2, '0014']);
    const short = message(4, 0);
    short[17] = 3;
    expect(notificationOf(() => new MessageFramer().push(short))).to.deep.equal([1, 2, '0003']);
  });

  it('accepts large messages after maxLength is raised, but never a large OPEN', () => {
    const f = new MessageFramer();
    f.maxLength = 65535;
    expect(f.push(message(2, 5000))).to.have.length(1);
    expect(notificationOf(() => f.push(message(1, 5000)))).to.deep.equal([1, 2, '139b']);
    expectTypedError(() => (new MessageFramer().maxLength = 100), 'ERR_BGP_FRAMER_CONFIG');
    expect(() => new MessageFramer({ maxLength: 70000 })).to.throw(FramerConfigError);
  });

  it('stays failed after an error', () => {
    const f = new MessageFramer();
    expectTypedError(() => f.push(message(9, 0)));
    expectTypedError(() => f.push(message(4, 0)), 'ERR_BGP_NOTIFICATION');
  });

  it('reports what it holds', () => {
    const f = new MessageFramer();
    f.push(stream.subarray(0, 10));
    expect(f.buffered).to.equal(10);
    f.push(stream.subarray(10, 30));
    expect(f.buffered).to.equal(30);
  });
});

import { expect } from 'chai';
import fc from 'fast-check';
import {
  Reader,
  Reassembler,
  VxlanDecapsulator,
  VxlanEncapsulator,
  VxlanError,
  ethernetHeaderCodec,
  fragmentHeaderCodec,
  ipv4HeaderCodec,
  ipv6HeaderCodec,
  isDropReason,
  udpHeaderCodec,
  vxlanHeaderCodec,
  writeIpv6Header,
  IpProtocol,
  type Codec,
  type DecapResult,
} from '../src/index.js';
import { LOCAL6, REMOTE6, innerUdpFrame, seededRandom } from './support/util.js';

function expectTyped(r: DecapResult): void {
  if (r.kind === 'drop') expect(isDropReason(r.reason), r.reason).to.equal(true);
  else expect(['frame', 'pending']).to.include(r.kind);
}

describe('vxlan properties', () => {
  it('encap → fragment → shuffle/duplicate/drop → reassemble → decap: the original frame exactly when all fragments arrive', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 14, max: 9000 }),
        fc.integer({ min: 0, max: 0xffffff }),
        fc.integer({ min: 1280, max: 1500 }),
        fc.integer(),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.boolean(),
        (innerLength, vni, mtu, seed, duplicates, drops, lose) => {
          const encap = new VxlanEncapsulator({ local: LOCAL6, mtu, random: seededRandom(seed) });
          const inner = innerLength >= 42 ? innerUdpFrame(innerLength, 1, 2, seed & 0xff) : new Uint8Array(innerLength).fill(seed & 0xff);
          const frames = encap.encapsulate(inner, vni, REMOTE6);
          for (const f of frames) expect(f.length).to.be.at.most(mtu);
          let delivery = [...frames];
          for (const d of duplicates) delivery.push(frames[d % frames.length]!);
          const dropped = new Set(lose ? drops.map((d) => d % frames.length) : []);
          // A lost fragment is lost in all its copies.
          delivery = delivery.filter((f) => !dropped.has(frames.indexOf(f)));
          // Shuffle deterministically from the seed.
          const rand = seededRandom(seed ^ 0x5a5a);
          const b = new Uint8Array(1);
          for (let i = delivery.length - 1; i > 0; i--) {
            rand(b);
            const j = b[0]! % (i + 1);
            [delivery[i], delivery[j]] = [delivery[j]!, delivery[i]!];
          }
          const decap = new VxlanDecapsulator({ linkType: 'ip', localAddresses: [REMOTE6] });
          const got: Uint8Array[] = [];
          for (const f of delivery) {
            const r = decap.decapsulate(f, 0);
            expectTyped(r);
            if (r.kind === 'frame') {
              expect(r.vni).to.equal(vni);
              got.push(r.inner.slice());
            } else if (r.kind === 'drop') {
              expect(r.reason).to.equal('fragment-duplicate');
            }
          }
          if (dropped.size === 0) {
            expect(got.length).to.be.at.least(1);
            for (const g of got) expect(Buffer.from(g).equals(Buffer.from(inner))).to.equal(true);
          } else {
            expect(got).to.deep.equal([]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random bytes never throw from decapsulation, only return typed results', () => {
    const decaps = [new VxlanDecapsulator(), new VxlanDecapsulator({ linkType: 'ip' })];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        for (const d of decaps) expectTyped(d.decapsulate(bytes, 0));
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated valid frames and fragments never throw, only return typed results', () => {
    const encap = new VxlanEncapsulator({ local: LOCAL6, random: seededRandom(9) });
    const base = [...encap.encapsulate(innerUdpFrame(100), 5, REMOTE6), ...encap.encapsulate(innerUdpFrame(3000), 5, REMOTE6)];
    const decap = new VxlanDecapsulator({ linkType: 'ip', reassembly: { maxBytes: 64 * 1024, maxBytesPerSource: 64 * 1024 } });
    fc.assert(
      fc.property(
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.nat({ max: 10_000 }),
        fc.integer({ min: 0, max: 200_000 }),
        (which, edits, cut, now) => {
          const f = base[which % base.length]!.slice();
          for (const [at, v] of edits) f[at % f.length] = v;
          expectTyped(decap.decapsulate(f.subarray(0, Math.max(0, f.length - (cut % 64))), now));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('header codecs throw only VxlanError on random bytes', () => {
    const codecs: Codec<unknown>[] = [ethernetHeaderCodec, ipv6HeaderCodec, fragmentHeaderCodec, ipv4HeaderCodec, udpHeaderCodec, vxlanHeaderCodec];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        for (const c of codecs) {
          try {
            c.decode(new Reader(bytes));
          } catch (e) {
            expect(e).to.be.instanceOf(VxlanError);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('reassembly memory stays under its limits under a random fragment flood, and a real datagram still completes', () => {
    const maxBytes = 128 * 1024;
    const maxBytesPerSource = 32 * 1024;
    const fragment = fc.record({
      source: fc.integer({ min: 0, max: 15 }),
      id: fc.integer({ min: 0, max: 40 }),
      offset: fc.integer({ min: 0, max: 400 }),
      units: fc.integer({ min: 1, max: 180 }),
      more: fc.boolean(),
      dt: fc.integer({ min: 0, max: 3000 }),
    });
    fc.assert(
      fc.property(fc.array(fragment, { minLength: 1, maxLength: 400 }), fc.nat(), (flood, legitAt) => {
        const r = new Reassembler({ maxBytes, maxBytesPerSource, timeoutMs: 10_000 });
        let now = 0;
        const legit = new VxlanEncapsulator({ local: LOCAL6, mtu: 1280, random: seededRandom(1) }).encapsulate(innerUdpFrame(3000), 1, REMOTE6);
        const at = legitAt % flood.length;
        let completed = 0;
        flood.forEach((f, i) => {
          now += f.dt;
          const data = new Uint8Array(f.units * 8);
          const p = new Uint8Array(48 + data.length);
          const src = LOCAL6.slice();
          src[15] = f.source + 100;
          writeIpv6Header(p, 0, 0, 0, 8 + data.length, IpProtocol.fragment, 64, src, REMOTE6);
          p[40] = IpProtocol.udp;
          const field = (f.offset * 8) | (f.more ? 1 : 0);
          p[42] = field >>> 8;
          p[43] = field & 0xff;
          p[47] = f.id;
          const result = r.add(p, 0, p.length, 40, 6, now);
          if (typeof result === 'string') expect(isDropReason(result)).to.equal(true);
          expect(r.memory).to.be.at.most(maxBytes);
          expect(r.sourceMemory(src)).to.be.at.most(maxBytesPerSource);
          if (i === at) {
            // A real datagram, all its fragments back to back, completes despite the flood.
            let out: unknown = null;
            for (const g of legit) out = r.add(g, 0, g.length, 40, 6, now);
            if (out instanceof Uint8Array) completed++;
          }
        });
        expect(completed).to.equal(1);
        r.expire(now + 10_000);
        expect(r.memory).to.equal(0);
        expect(r.inFlight).to.equal(0);
      }),
      { numRuns: 150 },
    );
  });
});

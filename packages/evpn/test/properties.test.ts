import { expect } from 'chai';
import fc from 'fast-check';
import { BgpError, NlriRegistry, Reader, Writer, createContext, toHex } from '@evpn6/bgp';
import type { EvpnRoute, RouteDistinguisher } from '../src/index.js';
import {
  decodeExtCommunity,
  encodeExtCommunity,
  evpnNlri,
  formatRd,
  parseRd,
  pmsiAttributeCodec,
  pmsiFromAttribute,
  registerEvpn,
  vtepFromNextHop,
} from '../src/index.js';

const ctx = createContext({ registry: registerEvpn(new NlriRegistry()) });

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u24 = fc.integer({ min: 0, max: 0xffffff });
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const address = fc.oneof(bytes(4), bytes(16));
const rd: fc.Arbitrary<RouteDistinguisher> = fc.oneof(
  fc.record({ type: fc.constant(0), admin: fc.integer({ min: 0, max: 0xffff }), assigned: u32 }),
  fc.record({ type: fc.constantFrom(1, 2), admin: u32, assigned: fc.integer({ min: 0, max: 0xffff }) }),
  fc.record({ type: fc.integer({ min: 3, max: 0xffff }), admin: fc.integer({ min: 0, max: 0xffff }), assigned: u32 }),
);
const pathId = fc.option(u32, { nil: undefined });

const route: fc.Arbitrary<EvpnRoute> = fc.oneof(
  fc.record({ kind: fc.constant('ethernet-ad' as const), pathId, rd, esi: bytes(10), ethernetTag: u32, label: u24 }),
  fc.record({
    kind: fc.constant('mac-ip' as const),
    pathId,
    rd,
    esi: bytes(10),
    ethernetTag: u32,
    mac: bytes(6),
    ip: fc.option(address, { nil: undefined }),
    labels: fc.array(u24, { minLength: 1, maxLength: 2 }),
  }),
  fc.record({ kind: fc.constant('inclusive-multicast' as const), pathId, rd, ethernetTag: u32, originator: address }),
  fc.record({ kind: fc.constant('ethernet-segment' as const), pathId, rd, esi: bytes(10), originator: address }),
  fc.constantFrom(4, 16).chain((w) =>
    fc.record({
      kind: fc.constant('ip-prefix' as const),
      pathId,
      rd,
      esi: bytes(10),
      ethernetTag: u32,
      prefixLength: fc.integer({ min: 0, max: w * 8 }),
      prefix: bytes(w),
      gateway: bytes(w),
      label: u24,
    }),
  ),
  fc.record({
    kind: fc.constant('unknown' as const),
    pathId,
    routeType: fc.integer({ min: 0, max: 255 }).filter((t) => t < 1 || t > 5),
    data: fc.uint8Array({ maxLength: 255 }),
  }),
);

function encode(r: EvpnRoute): Uint8Array {
  const w = Writer.alloc(evpnNlri.encodedLength(r, ctx));
  evpnNlri.encode(r, w, ctx);
  expect(w.pos).to.equal(w.buf.length);
  return w.buf;
}

/** Decodes NLRI back to back, as an MP_REACH field holds them; only our typed errors may escape. */
function decodeField(b: Uint8Array): EvpnRoute[] {
  const r = new Reader(b);
  const out: EvpnRoute[] = [];
  while (!r.done) out.push(evpnNlri.decode(r, ctx, undefined));
  return out;
}

function onlyTypedErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof BgpError)) throw e;
  }
}

describe('EVPN properties', function () {
  this.timeout(20000);

  it('random valid routes round-trip through encode and decode', () => {
    fc.assert(
      fc.property(route, (r) => {
        const wire = encode(r);
        const back = evpnNlri.decode(new Reader(wire), ctx, r.pathId);
        expect(back).to.deep.equal(r);
        expect(evpnNlri.key(back)).to.equal(evpnNlri.key(r));
        expect(toHex(encode(back))).to.equal(toHex(wire));
      }),
      { numRuns: 10000 },
    );
  });

  it('random bytes, and mutated valid routes, raise only typed errors (>= 100k cases)', () => {
    const mutated = fc.tuple(fc.array(route, { minLength: 1, maxLength: 3 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat()).map(
      ([routes, flips, cut]) => {
        const parts = routes.map(encode);
        const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let o = 0;
        for (const p of parts) {
          all.set(p, o);
          o += p.length;
        }
        for (const [at, v] of flips) if (all.length) all[at % all.length] = v;
        return all.subarray(0, all.length ? cut % (all.length + 1) : 0);
      },
    );
    const input = fc.oneof(fc.uint8Array({ maxLength: 80 }), mutated);
    fc.assert(
      fc.property(input, (b) => {
        let routes: EvpnRoute[] | undefined;
        onlyTypedErrors(() => (routes = decodeField(b)));
        if (routes === undefined) return;
        // A whole field that decodes must re-encode to exactly its bytes, and print.
        expect(routes.map((r) => toHex(encode(r))).join('')).to.equal(toHex(b));
        for (const r of routes) expect(evpnNlri.format(r)).to.be.a('string');
      }),
      { numRuns: 100000 },
    );
  });

  it('anything that decodes re-encodes byte-identical', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 6 }), (body, type) => {
        const b = new Uint8Array(2 + body.length);
        b[0] = type;
        b[1] = body.length;
        b.set(body, 2);
        let r: EvpnRoute;
        try {
          r = evpnNlri.decode(new Reader(b), ctx, undefined);
        } catch (e) {
          expect(e).to.be.instanceOf(BgpError);
          return;
        }
        expect(toHex(encode(r))).to.equal(toHex(b));
      }),
      { numRuns: 30000 },
    );
  });

  it('every 8-byte extended community decodes and re-encodes byte-identical', () => {
    fc.assert(
      fc.property(bytes(8), fc.constantFrom(0x00, 0x01, 0x02, 0x03, 0x06, 0x40), fc.constantFrom(0x00, 0x01, 0x02, 0x03, 0x0c, 0x0d), (b, hi, lo) => {
        const typedish = b.slice();
        typedish[0] = hi;
        typedish[1] = lo;
        for (const v of [b, typedish]) expect(toHex(encodeExtCommunity(decodeExtCommunity(v)))).to.equal(toHex(v));
      }),
      { numRuns: 20000 },
    );
  });

  it('PMSI values and next hops: random bytes raise only typed errors', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
        onlyTypedErrors(() => pmsiFromAttribute(pmsiAttributeCodec.decode(new Reader(b), undefined)));
        onlyTypedErrors(() => vtepFromNextHop(b));
      }),
      { numRuns: 20000 },
    );
  });

  it('RD text round-trips', () => {
    fc.assert(
      fc.property(rd.filter((x) => x.type <= 2), (x) => {
        expect(parseRd(formatRd(x))).to.deep.equal(x);
        expect(parseRd(formatRd(x, { asNotation: 'asplain' })).admin).to.equal(x.admin);
      }),
      { numRuns: 5000 },
    );
  });
});

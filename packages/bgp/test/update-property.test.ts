/**
 * Property tests for the UPDATE body and its attributes: random valid UPDATEs round-trip
 * byte-identically, and random or mutated bytes only ever raise BgpError (≈120k cases).
 * Whatever decodes without an RFC 7606 report must also re-encode to the same bytes.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import type { AsPathSegment, CodecContext, IpPrefix, PathAttribute, UpdateMessage } from '../src/index.js';
import { BgpError, createContext, familyKey, fromHex, Reader, toHex, updateBody, Writer } from '../src/index.js';
import { GOBGP_UPDATE_BODIES } from './vectors/update-gobgp.js';
import { EOR_EVPN_HEX, IPV4_ADDPATH_HEX, IPV4_EVERY_ATTRIBUTE_HEX, IPV6_ADDPATH_HEX } from './vectors/update-handmade.js';

const CONTEXTS: readonly CodecContext[] = [
  createContext({ extendedMessage: true }),
  createContext({ extendedMessage: true, fourOctetAs: false }),
  createContext({ extendedMessage: true, addPath: [familyKey(1, 1), familyKey(2, 1)] }),
  { ...createContext({ extendedMessage: true }), external: true },
];

function encode(m: UpdateMessage, ctx: CodecContext): Uint8Array {
  const w = Writer.alloc(updateBody.encodedLength(m, ctx));
  updateBody.encode(m, w, ctx);
  expect(w.pos).to.equal(w.buf.length);
  return w.buf;
}

function decode(bytes: Uint8Array, ctx: CodecContext): UpdateMessage {
  const r = new Reader(bytes);
  const m = updateBody.decode(r, ctx);
  expect(r.done).to.equal(true);
  return m;
}

const u8 = fc.integer({ min: 0, max: 255 });
const u24 = fc.integer({ min: 0, max: 0xffffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
/** Canonical O/T bits, maybe EXTENDED_LENGTH, maybe the unused low bits: all legal, all kept. */
const flags = (canonical: number) => fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 15 })).map(([e, low]) => canonical | (e ? 0x10 : 0) | low);

function prefix(width: 4 | 16, addPath: boolean): fc.Arbitrary<IpPrefix> {
  return fc.tuple(fc.integer({ min: 0, max: width * 8 }), u32).chain(([length, pathId]) =>
    bytes((length + 7) >> 3, (length + 7) >> 3).map((b) => {
      const address = new Uint8Array(width);
      address.set(b);
      return { pathId: addPath ? pathId : undefined, length, address };
    }),
  );
}

function updateArbitrary(ctx: CodecContext): fc.Arbitrary<UpdateMessage> {
  const four = ctx.fourOctetAs;
  const v4AddPath = ctx.addPath.has(familyKey(1, 1));
  const v6AddPath = ctx.addPath.has(familyKey(2, 1));
  const asn = fc.integer({ min: 1, max: four ? 0xffffffff : 0xffff });
  const segments = (as: fc.Arbitrary<number>, types: number[]) =>
    fc.array(fc.record({ type: fc.constantFrom(...types), asns: fc.array(as, { minLength: 1, maxLength: 5 }) }), { maxLength: 3 }) as fc.Arbitrary<AsPathSegment[]>;
  const v6 = fc.array(prefix(16, v6AddPath), { maxLength: 4 });
  const raw = bytes(0, 30).map((b) => ({ kind: 'raw' as const, bytes: b }));
  const byType: Record<string, fc.Arbitrary<PathAttribute>> = {
    ORIGIN: fc.record({ type: fc.constant('ORIGIN' as const), flags: flags(0x40), origin: fc.constantFrom(0 as const, 1 as const, 2 as const) }),
    AS_PATH: fc.record({ type: fc.constant('AS_PATH' as const), flags: flags(0x40), segments: segments(asn, ctx.external ? [1, 2] : [1, 2, 3, 4]) }),
    NEXT_HOP: fc.record({ type: fc.constant('NEXT_HOP' as const), flags: flags(0x40), nextHop: bytes(4, 4) }),
    MULTI_EXIT_DISC: fc.record({ type: fc.constant('MULTI_EXIT_DISC' as const), flags: flags(0x80), med: u32 }),
    LOCAL_PREF: fc.record({ type: fc.constant('LOCAL_PREF' as const), flags: flags(0x40), localPref: u32 }),
    ATOMIC_AGGREGATE: fc.record({ type: fc.constant('ATOMIC_AGGREGATE' as const), flags: flags(0x40) }),
    AGGREGATOR: fc.record({ type: fc.constant('AGGREGATOR' as const), flags: flags(0xc0), asn, address: bytes(4, 4) }),
    COMMUNITIES: fc.record({ type: fc.constant('COMMUNITIES' as const), flags: flags(0xc0), communities: fc.array(u32, { minLength: 1, maxLength: 5 }) }),
    ORIGINATOR_ID: fc.record({ type: fc.constant('ORIGINATOR_ID' as const), flags: flags(0x80), originatorId: u32 }),
    CLUSTER_LIST: fc.record({ type: fc.constant('CLUSTER_LIST' as const), flags: flags(0x80), clusterIds: fc.array(u32, { minLength: 1, maxLength: 4 }) }),
    MP_REACH_NLRI: fc.oneof(
      fc.record({
        type: fc.constant('MP_REACH_NLRI' as const),
        flags: flags(0x80),
        afi: fc.constant(2),
        safi: fc.constant(1),
        nextHop: fc.oneof(bytes(16, 16), bytes(32, 32)),
        reserved: u8,
        nlri: v6,
      }),
      fc.record({ type: fc.constant('MP_REACH_NLRI' as const), flags: flags(0x80), afi: fc.constant(25), safi: fc.constant(70), nextHop: bytes(0, 40), reserved: u8, nlri: raw }),
    ),
    MP_UNREACH_NLRI: fc.oneof(
      fc.record({ type: fc.constant('MP_UNREACH_NLRI' as const), flags: flags(0x80), afi: fc.constant(2), safi: fc.constant(1), withdrawn: v6 }),
      fc.record({ type: fc.constant('MP_UNREACH_NLRI' as const), flags: flags(0x80), afi: fc.constant(25), safi: fc.constant(70), withdrawn: raw }),
    ),
    EXTENDED_COMMUNITIES: fc.record({ type: fc.constant('EXTENDED_COMMUNITIES' as const), flags: flags(0xc0), communities: fc.array(bytes(8, 8), { minLength: 1, maxLength: 4 }) }),
    AS4_PATH: fc.record({ type: fc.constant('AS4_PATH' as const), flags: flags(0xc0), segments: segments(fc.integer({ min: 1, max: 0xffffffff }), [1, 2]).filter((s) => s.length > 0) }),
    AS4_AGGREGATOR: fc.record({ type: fc.constant('AS4_AGGREGATOR' as const), flags: flags(0xc0), asn: fc.integer({ min: 1, max: 0xffffffff }), address: bytes(4, 4) }),
    PMSI_TUNNEL: fc.record({ type: fc.constant('PMSI_TUNNEL' as const), flags: flags(0xc0), tunnelFlags: u8, tunnelType: u8, label: u24, tunnelId: bytes(0, 20) }),
    LARGE_COMMUNITY: fc.record({
      type: fc.constant('LARGE_COMMUNITY' as const),
      flags: flags(0xc0),
      communities: fc.array(fc.record({ globalAdmin: u32, localData1: u32, localData2: u32 }), { minLength: 1, maxLength: 3 }),
    }),
  };
  const optionalTypes = Object.keys(byType).filter(
    (t) => !['ORIGIN', 'AS_PATH', 'NEXT_HOP'].includes(t) && !(four && t.startsWith('AS4_')) && !(ctx.external && ['LOCAL_PREF', 'ORIGINATOR_ID', 'CLUSTER_LIST'].includes(t)),
  );
  const unknown = fc
    .uniqueArray(fc.integer({ min: 100, max: 120 }), { maxLength: 2 })
    .chain((codes) => fc.tuple(...codes.map((code) => fc.record({ type: fc.constant('UNKNOWN' as const), flags: fc.integer({ min: 0x80, max: 0xff }), code: fc.constant(code), value: bytes(0, 12) }))));
  const attributes = fc
    .shuffledSubarray(optionalTypes)
    .chain((sel) => {
      const all = ['ORIGIN', 'AS_PATH', 'NEXT_HOP', ...sel];
      return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
    })
    .chain((types) => fc.tuple(fc.tuple(...types.map((t) => byType[t]!)), unknown))
    .map(([known, unknowns]) => [...known, ...unknowns] as PathAttribute[]);
  return fc.record({
    type: fc.constant('UPDATE' as const),
    withdrawn: fc.array(prefix(4, v4AddPath), { maxLength: 5 }),
    attributes,
    nlri: fc.array(prefix(4, v4AddPath), { maxLength: 5 }),
  });
}

const ctxIndex = fc.integer({ min: 0, max: CONTEXTS.length - 1 });

function expectOnlyBgpErrors(body: Uint8Array, ctx: CodecContext): void {
  let m: UpdateMessage;
  try {
    m = decode(body, ctx);
  } catch (e) {
    if (!(e instanceof BgpError)) throw e;
    return;
  }
  // What decodes cleanly must re-encode to the same bytes.
  if (m.report === undefined) expect(toHex(encode(m, ctx))).to.equal(toHex(body));
}

describe('UPDATE properties', function () {
  this.timeout(60000);

  it('random valid UPDATEs round-trip byte-identically (encode → decode → encode)', () => {
    fc.assert(
      fc.property(ctxIndex.chain((i) => fc.tuple(fc.constant(i), updateArbitrary(CONTEXTS[i]!))), ([i, m]) => {
        const ctx = CONTEXTS[i]!;
        const first = encode(m, ctx);
        const back = decode(first, ctx);
        expect(back.report, JSON.stringify(back.report?.problems)).to.equal(undefined);
        expect(back).to.deep.equal(m);
        expect(toHex(encode(back, ctx))).to.equal(toHex(first));
      }),
      { numRuns: 2500 },
    );
  });

  it('random bytes raise only BgpError', () => {
    fc.assert(
      fc.property(ctxIndex, bytes(0, 80), (i, b) => expectOnlyBgpErrors(b, CONTEXTS[i]!)),
      { numRuns: 50000 },
    );
  });

  it('well-framed bodies of random attributes raise only BgpError', () => {
    // Valid outer lengths, random TLVs (type codes we know and some we do not): reaches every attribute decoder.
    const tlv = fc.tuple(u8, fc.oneof(fc.integer({ min: 0, max: 40 }), u8), bytes(0, 24)).map(([f, code, v]) => {
      const ext = (f & 0x10) !== 0;
      const out = new Uint8Array((ext ? 4 : 3) + v.length);
      out[0] = f;
      out[1] = code;
      if (ext) out[3] = v.length;
      else out[2] = v.length;
      out.set(v, ext ? 4 : 3);
      return out;
    });
    const body = fc.tuple(bytes(0, 6), fc.array(tlv, { maxLength: 5 }), bytes(0, 10)).map(([w, tlvs, nlri]) => {
      const attrs = tlvs.reduce((n, t) => n + t.length, 0);
      const out = new Uint8Array(4 + w.length + attrs + nlri.length);
      const v = new DataView(out.buffer);
      v.setUint16(0, w.length);
      out.set(w, 2);
      v.setUint16(2 + w.length, attrs);
      let p = 4 + w.length;
      for (const t of tlvs) {
        out.set(t, p);
        p += t.length;
      }
      out.set(nlri, p);
      return out;
    });
    fc.assert(
      fc.property(ctxIndex, body, (i, b) => expectOnlyBgpErrors(b, CONTEXTS[i]!)),
      { numRuns: 40000 },
    );
  });

  it('mutated vectors raise only BgpError', () => {
    const seeds = [...GOBGP_UPDATE_BODIES.map((v) => v.body), IPV4_EVERY_ATTRIBUTE_HEX, IPV6_ADDPATH_HEX, IPV4_ADDPATH_HEX, EOR_EVPN_HEX].map(fromHex);
    const mutation = fc.tuple(fc.nat(), u8, fc.constantFrom('set', 'insert', 'delete', 'cut'));
    fc.assert(
      fc.property(ctxIndex, fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (i, s, muts) => {
        let b = Uint8Array.from(seeds[s]!);
        for (const [pos, value, kind] of muts) {
          const at = b.length === 0 ? 0 : pos % b.length;
          if (kind === 'set' && b.length > 0) b[at] = value;
          else if (kind === 'insert') b = Uint8Array.from([...b.subarray(0, at), value, ...b.subarray(at)]);
          else if (kind === 'delete') b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1)]);
          else if (kind === 'cut') b = b.slice(0, at);
        }
        expectOnlyBgpErrors(b, CONTEXTS[i]!);
      }),
      { numRuns: 30000 },
    );
  });
});

/**
 * Property tests: random valid OPEN / NOTIFICATION / ROUTE-REFRESH round-trip, and random or
 * mutated bytes into decodeMessage and the framer only ever raise BgpError (never a RangeError or
 * TypeError). About 120k cases in all. UPDATE bodies are left to the UPDATE codec's own fuzzing:
 * here they are only reached by chance.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Capability, NotificationMessage, OpenMessage, RouteRefreshMessage } from '../src/index.js';
import {
  BgpError,
  createContext,
  createNotification,
  decodeMessage,
  encodeMessage,
  fromHex,
  MessageFramer,
  messageLength,
  parseShutdownCommunication,
} from '../src/index.js';

const ctx = createContext();
const extCtx = createContext({ extendedMessage: true });
const KNOWN_CODES = new Set([1, 2, 5, 6, 64, 65, 69, 70, 73]);

const u8 = fc.integer({ min: 0, max: 255 });
const u16 = fc.integer({ min: 0, max: 0xffff });
const bytes = (maxLength: number) => fc.uint8Array({ maxLength });

const capability: fc.Arbitrary<Capability> = fc.oneof(
  fc.record({ kind: fc.constant('multiprotocol' as const), afi: u16, safi: u8 }),
  fc.constant({ kind: 'route-refresh' as const }),
  fc.constant({ kind: 'extended-message' as const }),
  fc.constant({ kind: 'enhanced-route-refresh' as const }),
  fc.record({
    kind: fc.constant('extended-next-hop' as const),
    entries: fc.array(fc.record({ afi: u16, safi: u16, nextHopAfi: u16 }), { minLength: 1, maxLength: 5 }),
  }),
  fc.record({
    kind: fc.constant('graceful-restart' as const),
    flags: fc.integer({ min: 0, max: 15 }),
    restartTime: fc.integer({ min: 0, max: 4095 }),
    families: fc.array(fc.record({ afi: u16, safi: u8, flags: u8 }), { maxLength: 5 }),
  }),
  fc.record({ kind: fc.constant('four-octet-as' as const), asn: fc.integer({ min: 0, max: 0xffffffff }) }),
  fc.record({
    kind: fc.constant('add-path' as const),
    families: fc.array(fc.record({ afi: u16, safi: u8, mode: u8 }), { minLength: 1, maxLength: 5 }),
  }),
  fc.record({ kind: fc.constant('fqdn' as const), hostname: fc.string({ maxLength: 30 }), domain: fc.string({ maxLength: 30 }) }),
  fc.record({ kind: fc.constant('unknown' as const), code: u8.filter((c) => !KNOWN_CODES.has(c)), value: bytes(40) }),
);

const open: fc.Arbitrary<OpenMessage> = fc.record({
  type: fc.constant('OPEN' as const),
  myAs: u16,
  holdTime: fc.oneof(fc.constant(0), fc.integer({ min: 3, max: 0xffff })),
  bgpId: fc.tuple(fc.integer({ min: 1, max: 255 }), u8, u8, u8).map((q) => q.join('.')),
  capabilityGroups: fc.array(fc.array(capability, { maxLength: 6 }), { maxLength: 4 }),
  extendedOptionalParameters: fc.boolean(),
});

const notification: fc.Arbitrary<NotificationMessage> = fc.oneof(
  fc.record({ code: u8, subcode: u8, data: bytes(100) }).map(({ code, subcode, data }) => {
    const m: NotificationMessage = { type: 'NOTIFICATION', code, subcode, data };
    return m;
  }),
  fc
    .tuple(fc.constantFrom(2, 4), fc.string({ maxLength: 100, unit: 'grapheme' }))
    .map(([subcode, text]) => createNotification(6, subcode, { communication: text })),
);

const routeRefresh: fc.Arbitrary<RouteRefreshMessage> = fc
  .record({ afi: u16, safi: u8, subtype: u8, orf: bytes(30) })
  .map((m) => ({ type: 'ROUTE_REFRESH' as const, ...m, orf: m.subtype === 1 || m.subtype === 2 ? new Uint8Array(0) : m.orf }));

/** Runs fn; a thrown BgpError is fine, anything else fails the property. */
function onlyBgpErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof BgpError)) throw e;
  }
}

function header(length: number, type: number): Uint8Array {
  const h = new Uint8Array(19).fill(0xff);
  h[16] = length >> 8;
  h[17] = length & 0xff;
  h[18] = type;
  return h;
}

const concat = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

describe('messages: property tests', function () {
  this.timeout(60000);

  it('random valid OPENs round-trip', () => {
    fc.assert(
      fc.property(open, (m) => {
        const wire = encodeMessage(m, ctx);
        expect(wire.length).to.equal(messageLength(m, ctx));
        const back = decodeMessage(wire, ctx) as OpenMessage;
        const needsExtended = wire[28] === 0xff && wire[29] === 0xff;
        expect(back).to.deep.equal({ ...m, extendedOptionalParameters: m.extendedOptionalParameters || needsExtended });
      }),
      { numRuns: 5000 },
    );
  });

  it('random NOTIFICATIONs round-trip, with the communication found exactly when well formed', () => {
    fc.assert(
      fc.property(notification, (m) => {
        const back = decodeMessage(encodeMessage(m, ctx), ctx) as NotificationMessage;
        expect(back.data).to.deep.equal(m.data);
        expect([back.code, back.subcode]).to.deep.equal([m.code, m.subcode]);
        if (m.communication !== undefined) expect(back.communication).to.equal(m.communication);
        if (m.code === 6 && (m.subcode === 2 || m.subcode === 4)) expect(back.communication).to.equal(parseShutdownCommunication(m.data));
      }),
      { numRuns: 5000 },
    );
  });

  it('random ROUTE-REFRESH messages round-trip', () => {
    fc.assert(
      fc.property(routeRefresh, (m) => {
        expect(decodeMessage(encodeMessage(m, ctx), ctx)).to.deep.equal(m);
      }),
      { numRuns: 5000 },
    );
  });

  it('random bytes into decodeMessage raise only BgpError', () => {
    fc.assert(
      fc.property(bytes(64), fc.boolean(), (b, ext) => onlyBgpErrors(() => decodeMessage(b, ext ? extCtx : ctx))),
      { numRuns: 20000 },
    );
  });

  it('random bodies behind a valid-looking header raise only BgpError', () => {
    const type = fc.oneof(fc.constantFrom(1, 3, 4, 5), u8);
    fc.assert(
      fc.property(type, bytes(120), fc.integer({ min: -3, max: 3 }), fc.boolean(), (t, body, skew, ext) => {
        const msg = concat(header(19 + body.length + (skew === 0 ? 0 : skew), t), body);
        onlyBgpErrors(() => decodeMessage(msg, ext ? extCtx : ctx));
      }),
      { numRuns: 30000 },
    );
  });

  it('mutated valid OPENs raise only BgpError', () => {
    fc.assert(
      fc.property(open, fc.array(fc.tuple(fc.nat(), u8), { minLength: 1, maxLength: 4 }), fc.nat(), (m, flips, cut) => {
        const wire = encodeMessage(m, ctx).slice();
        for (const [at, v] of flips) wire[19 + (at % Math.max(1, wire.length - 19))] = v;
        onlyBgpErrors(() => decodeMessage(wire, ctx));
        const shorter = wire.subarray(0, 19 + (cut % Math.max(1, wire.length - 19)));
        shorter[16] = shorter.length >> 8;
        shorter[17] = shorter.length & 0xff;
        onlyBgpErrors(() => decodeMessage(shorter, ctx));
      }),
      { numRuns: 20000 },
    );
  });

  it('random chunks into the framer raise only BgpError, and what it returns are whole messages', () => {
    const chunk = fc.oneof(bytes(40), fc.tuple(fc.integer({ min: 0, max: 200 }), u8).map(([n, t]) => header(n, t)));
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 8 }), fc.boolean(), (chunks, ext) => {
        const f = new MessageFramer(ext ? { maxLength: 65535 } : {});
        onlyBgpErrors(() => {
          for (const c of chunks) {
            for (const m of f.push(c)) {
              expect(m.length).to.equal((m[16]! << 8) | m[17]!);
              onlyBgpErrors(() => decodeMessage(m, ext ? extCtx : ctx));
            }
          }
        });
      }),
      { numRuns: 20000 },
    );
  });
});

describe('messages: regression inputs', () => {
  const dir = fileURLToPath(new URL('./vectors/regressions/messages/', import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith('.hex'));
  it('the folder has inputs', () => expect(files.length).to.be.greaterThan(0));
  for (const file of files) {
    it(`${file} decodes or fails with a BgpError`, () => {
      const b = fromHex(readFileSync(`${dir}${file}`, 'utf8'));
      onlyBgpErrors(() => decodeMessage(b, ctx));
      onlyBgpErrors(() => decodeMessage(b, extCtx));
      onlyBgpErrors(() => new MessageFramer().push(b));
      for (let i = 0; i < b.length; i++) onlyBgpErrors(() => decodeMessage(b.subarray(0, i), ctx));
    });
  }
});

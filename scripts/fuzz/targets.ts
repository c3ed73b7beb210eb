/**
 * Fuzz targets: each names a decoder, the seeds its mutated inputs start from, how to map its
 * input's fields, and `check`, which runs the decoder on one input and reports a finding when
 * it raises anything but our typed errors or breaks decode -> encode -> decode. The regression
 * test replays the corpus through the same `check`.
 */
import type { BgpError, CodecContext, UpdateMessage } from '@evpn6/bgp';
import {
  Afi,
  createContext,
  decodeMessage,
  decodePathAttributes,
  decodeCapabilities,
  defaultRegistry,
  encodeMessage,
  familyKey,
  MAX_MESSAGE_LENGTH,
  MessageFramer,
  newAttributeListState,
  openBody,
  pathAttribute,
  pmsiTunnelAttribute,
  Reader,
  Safi,
  updateBody,
  Writer,
  capabilityCodec,
} from '@evpn6/bgp';
import { Layout, mix32, Prng, walkAttributes, walkCapabilities, walkMessage, walkMessages, walkOpenBody, walkUpdateBody } from '@evpn6/bgp/fuzz';
import { decodeExtCommunity, encodeExtCommunity, evpnNlri, formatExtCommunity, pmsiAttributeCodec, pmsiFromAttribute, registerEvpn } from '@evpn6/evpn';
import { EVPN_FAMILY_KEY as EVPN_KEY, evpnWalker, evpnWalkers } from '@evpn6/evpn/fuzz';
import { builtUpdates, messageSeeds } from './seeds.js';
import { sameValue } from './same-value.js';
import type { Target } from './target.js';
import { define, RoundTripError, roundTrip, sameBytes, typed } from './target.js';
import { vxlanTargets } from './target-vxlan.js';
import { routerTargets } from './target-router.js';

export type { Finding, Target } from './target.js';
export { guard } from './target.js';

function evpnRegistry() {
  return registerEvpn(defaultRegistry().clone());
}

const modernCtx: CodecContext = createContext({ registry: evpnRegistry() });
const addPathFamilies = [familyKey(Afi.IPV4, Safi.UNICAST), familyKey(Afi.IPV6, Safi.UNICAST), EVPN_KEY];
/** An old-style external peer: 2-octet AS, ADD-PATH everywhere, extended messages. */
const legacyCtx: CodecContext = { ...createContext({ registry: evpnRegistry(), fourOctetAs: false, addPath: addPathFamilies, extendedMessage: true }), external: true };

/** The value without its RFC 7606 report: what must survive re-encoding when attributes were dropped. */
function withoutReport<T extends { type: string }>(m: T): T {
  return m.type === 'UPDATE' && 'report' in m ? { ...m, report: undefined } : m;
}

function messageRun(ctx: CodecContext) {
  return (bytes: Uint8Array): void => {
    const m = decodeMessage(bytes, ctx);
    // With a report, the dropped attributes are gone: the rest must still survive the round trip.
    roundTrip(m.type, withoutReport(m), (v) => encodeMessage(v, ctx), (b) => withoutReport(decodeMessage(b, ctx)));
    // Without one, re-encoding gives the very bytes received (OPEN excepted: RFC 9072's
    // non-extended length octet is not kept).
    if (m.type !== 'OPEN' && !(m.type === 'UPDATE' && m.report)) sameBytes(m.type, bytes, encodeMessage(m, ctx));
  };
}

function messageTarget(name: string, description: string, ctx: CodecContext, addPath: boolean): Target {
  const opts = { fourOctetAs: ctx.fourOctetAs, addPath: ctx.addPath, nlri: evpnWalkers };
  return define({
    name,
    description,
    seeds: () => messageSeeds(ctx, addPath),
    layoutOf: (b) => {
      const l = new Layout();
      walkMessage(b, 0, b.length, l, opts);
      return l;
    },
    run: messageRun(ctx),
  });
}

const HEADER = 19;
const bodyOf = (m: Uint8Array) => m.subarray(HEADER).slice();
const updateSeeds = (ctx: CodecContext) => messageSeeds(ctx, false).filter((m) => m[18] === 2).map(bodyOf);

function encodeUpdateBody(m: UpdateMessage, ctx: CodecContext): Uint8Array {
  const w = Writer.alloc(updateBody.encodedLength(m, ctx));
  updateBody.encode(m, w, ctx);
  return w.buf;
}

function decodeUpdateBody(b: Uint8Array, ctx: CodecContext): UpdateMessage {
  return updateBody.decode(new Reader(b), ctx);
}

/** Chunk sizes for the framer target, derived from the input itself so that a finding replays exactly. */
function chunkSizes(bytes: Uint8Array): Prng {
  let h = bytes.length;
  for (let i = 0; i < bytes.length; i += 7) h = mix32(h ^ bytes[i]!);
  return new Prng(h);
}

const framerTarget: Target = define({
  name: 'framer',
  description: 'MessageFramer over a stream of messages in random chunks, each message decoded',
  seeds: () => {
    const all = messageSeeds(modernCtx, false);
    const cat = (ms: Uint8Array[]) => {
      const out = new Uint8Array(ms.reduce((n, m) => n + m.length, 0));
      let o = 0;
      for (const m of ms) (out.set(m, o), (o += m.length));
      return out;
    };
    // Short streams (a few messages each) keep the walk and the double framing cheap per input.
    const streams: Uint8Array[] = [];
    for (let i = 0; i + 1 < all.length; i += 3) streams.push(cat(all.slice(i, i + 3)));
    return streams;
  },
  layoutOf: (b) => {
    const l = new Layout();
    walkMessages(b, 0, b.length, l, { nlri: evpnWalkers });
    return l;
  },
  run(bytes) {
      // The same stream pushed whole and in random chunks must give the same messages (or the same failure).
      const whole: Uint8Array[] = [];
      let wholeError: string | undefined;
      try {
        whole.push(...new MessageFramer().push(bytes));
      } catch (e) {
        if (!typed(e)) throw e;
        wholeError = (e as BgpError).code;
      }
      const framer = new MessageFramer();
      const rng = chunkSizes(bytes);
      const pieces: Uint8Array[] = [];
      let pieceError: string | undefined;
      for (let at = 0; at < bytes.length && pieceError === undefined; ) {
        const n = Math.min(bytes.length - at, 1 + rng.below(rng.chance(0.3) ? 8 : 600));
        try {
          pieces.push(...framer.push(bytes.subarray(at, at + n)));
        } catch (e) {
          if (!typed(e)) throw e;
          pieceError = (e as BgpError).code;
        }
        at += n;
      }
      if (wholeError !== pieceError) throw new RoundTripError(`framer: fails with ${wholeError ?? 'nothing'} whole but ${pieceError ?? 'nothing'} in chunks`);
      if (wholeError === undefined) {
        if (pieces.length !== whole.length) throw new RoundTripError(`framer: ${whole.length} messages whole, ${pieces.length} in chunks`);
      }
      for (let i = 0; i < Math.min(pieces.length, whole.length); i++) {
        const diff = sameValue(whole[i], pieces[i]);
        if (diff !== undefined) throw new RoundTripError(`framer: message ${i} differs when chunked: ${diff}`);
      }
      for (const m of pieces) {
        try {
          decodeMessage(m, modernCtx);
        } catch (e) {
          if (!typed(e)) throw e;
        }
      }
    },
});

function attributeValueTarget(): Target {
  const ctx = modernCtx;
  return define({
    name: 'attributes',
    description: 'the Path Attributes field: RFC 7606 list decoder, and each attribute alone',
    seeds: () =>
      updateSeeds(ctx).map((body) => {
        const wl = (body[0]! << 8) | body[1]!;
        const at = 2 + wl;
        const al = (body[at]! << 8) | body[at + 1]!;
        return body.slice(at + 2, at + 2 + al);
      }),
    layoutOf: (b) => {
      const l = new Layout();
      walkAttributes(b, 0, b.length, l, { nlri: evpnWalkers });
      return l;
    },
    run(bytes) {
        const state = newAttributeListState();
        const attrs = decodePathAttributes(new Reader(bytes), ctx, state);
        for (const a of attrs) {
          roundTrip(`attribute ${a.type}`, a, (v) => {
            const w = Writer.alloc(pathAttribute.encodedLength(v, ctx));
            pathAttribute.encode(v, w, ctx);
            return w.buf;
          }, (b) => pathAttribute.decode(new Reader(b), ctx));
        }
        // The standalone codecs throw instead of reporting: only typed errors allowed.
        const r = new Reader(bytes);
        while (!r.done) pathAttribute.decode(r, ctx);
      },
  });
}

const openTarget: Target = define({
  name: 'open',
  description: 'OPEN body: version, hold time, optional parameters (RFC 9072 too), capabilities',
  seeds: () => messageSeeds(modernCtx, false).filter((m) => m[18] === 1).map(bodyOf),
  layoutOf: (b) => {
    const l = new Layout();
    walkOpenBody(b, 0, b.length, l);
    return l;
  },
  run(bytes) {
      const m = openBody.decode(new Reader(bytes), modernCtx);
      roundTrip('OPEN', m, (v) => {
        const w = Writer.alloc(openBody.encodedLength(v, modernCtx));
        openBody.encode(v, w, modernCtx);
        return w.buf;
      }, (b) => openBody.decode(new Reader(b), modernCtx));
    },
});

const capabilitiesTarget: Target = define({
  name: 'capabilities',
  description: 'a Capabilities optional parameter value: capability TLVs',
  seeds: () => {
    const out: Uint8Array[] = [];
    for (const body of openTarget.seeds()) {
      // RFC 4271 form only: take each Capabilities parameter's value.
      if (body[10] === 0xff) continue;
      for (let p = 10; p + 2 <= 10 + body[9]!; p += 2 + body[p + 1]!) if (body[p] === 2) out.push(body.slice(p + 2, p + 2 + body[p + 1]!));
    }
    return out;
  },
  layoutOf: (b) => {
    const l = new Layout();
    walkCapabilities(b, 0, b.length, l);
    return l;
  },
  run(bytes) {
      const r = new Reader(bytes);
      while (!r.done) {
        const start = r.pos;
        const c = capabilityCodec.decode(r);
        const encode = (v: typeof c) => {
          const w = Writer.alloc(capabilityCodec.encodedLength(v));
          capabilityCodec.encode(v, w);
          return w.buf;
        };
        roundTrip(`capability ${c.kind}`, c, encode, (b) => capabilityCodec.decode(new Reader(b)));
        sameBytes(`capability ${c.kind}`, bytes.subarray(start, r.pos), encode(c));
      }
      decodeCapabilities(new Reader(bytes));
    },
});

function evpnNlriTarget(addPath: boolean): Target {
  const ctx = addPath ? legacyCtx : modernCtx;
  return define({
    name: addPath ? 'evpn-nlri-addpath' : 'evpn-nlri',
    description: `EVPN NLRI field (route types 1-5 and unknown)${addPath ? ' with ADD-PATH path identifiers' : ''}`,
    seeds: () =>
      builtUpdates(addPath)
        .flatMap((u) => u.attributes)
        .flatMap((a) => (a.type === 'MP_REACH_NLRI' && a.afi === Afi.L2VPN ? [a.nlri] : []))
        .map((nlri) => {
          const list = nlri as readonly Parameters<typeof evpnNlri.encode>[0][];
          const w = Writer.alloc(list.reduce((n, r) => n + evpnNlri.encodedLength(r, ctx) + (addPath ? 4 : 0), 0));
          for (const r of list) {
            if (addPath) w.u32(r.pathId ?? 0);
            evpnNlri.encode(r, w, ctx);
          }
          return w.buf;
        }),
    layoutOf: (b) => {
      const l = new Layout();
      evpnWalker(b, 0, b.length, l, addPath);
      return l;
    },
    run(bytes) {
        const r = new Reader(bytes);
        while (!r.done) {
          const pathId = addPath ? r.u32('path identifier') : undefined;
          const start = r.pos;
          const route = evpnNlri.decode(r, ctx, pathId);
          evpnNlri.key(route);
          evpnNlri.format(route);
          const encode = (v: typeof route) => {
            const w = Writer.alloc(evpnNlri.encodedLength(v, ctx));
            evpnNlri.encode(v, w, ctx);
            return w.buf;
          };
          roundTrip(`EVPN ${route.kind}`, route, encode, (b) => evpnNlri.decode(new Reader(b), ctx, pathId));
          sameBytes(`EVPN ${route.kind}`, bytes.subarray(start, r.pos), encode(route));
        }
      },
  });
}

const extCommunityTarget: Target = define({
  name: 'ext-community',
  description: 'EVPN extended communities: decode, format, re-encode (8 bytes each)',
  seeds: () => [
    Uint8Array.of(0x00, 0x02, 0xfc, 0x00, 0x00, 0x00, 0x00, 0x64),
    Uint8Array.of(0x03, 0x0c, 0, 0, 0, 0, 0, 8),
    Uint8Array.of(0x06, 0x00, 0x01, 0, 0, 0, 0, 3),
    Uint8Array.of(0x06, 0x03, 0x02, 0, 0, 0, 0, 1),
    Uint8Array.of(0x01, 0x02, 192, 0, 2, 1, 0, 100, 0x02, 0x02, 0, 0, 0xfd, 0xe8, 0, 1),
    Uint8Array.of(0x06, 0x01, 0x00, 0x00, 0, 0, 0, 0, 0x06, 0x02, 0x00, 0x00, 0, 0, 0x03, 0xe8),
  ],
  layoutOf: (b) => {
    const l = new Layout();
    for (let q = 0; q + 8 <= b.length; q += 8) {
      l.element('extended community', q, q + 8);
      l.field('extended community type', q, 1, [0x00, 0x01, 0x02, 0x03, 0x06, 0x40, 0x43, 0x46, 0x80, 0xff]);
      l.field('extended community subtype', q + 1, 1, [0x00, 0x01, 0x02, 0x03, 0x04, 0x06, 0x0c, 0x0d, 0xff]);
      l.field('extended community flags', q + 2, 1, [0, 1, 2, 3, 0xff]);
    }
    return l;
  },
  run(bytes) {
      for (let q = 0; q + 8 <= bytes.length; q += 8) {
        const c = decodeExtCommunity(bytes, q);
        formatExtCommunity(c);
        roundTrip(`extended community`, c, encodeExtCommunity, (b) => decodeExtCommunity(b));
        sameBytes('extended community', bytes.subarray(q, q + 8), encodeExtCommunity(c));
      }
    },
});

const pmsiTarget: Target = define({
  name: 'pmsi',
  description: 'PMSI_TUNNEL attribute (TLV) and its EVPN typed view',
  seeds: () => [
    Uint8Array.of(0xc0, 22, 21, 0, 6, 0, 0x27, 0x74, ...new Uint8Array(15), 1),
    Uint8Array.of(0xc0, 22, 9, 0, 6, 0, 0x27, 0x74, 192, 0, 2, 1),
    Uint8Array.of(0xd0, 22, 0, 9, 1, 6, 0xff, 0xff, 0xff, 192, 0, 2, 1),
    Uint8Array.of(0xc0, 22, 5, 0, 0, 0, 0, 0),
  ],
  layoutOf: (b) => {
    const l = new Layout();
    walkAttributes(b, 0, b.length, l);
    return l;
  },
  run(bytes) {
      const r = new Reader(bytes);
      const a = pmsiTunnelAttribute.decode(r, modernCtx);
      pmsiFromAttribute(a);
      const value = pmsiAttributeCodec.decode(new Reader(bytes, r.pos - a.tunnelId.length - 5, r.pos), undefined);
      pmsiFromAttribute(value);
      const encode = (v: typeof a) => {
        const w = Writer.alloc(pmsiTunnelAttribute.encodedLength(v, modernCtx));
        pmsiTunnelAttribute.encode(v, w, modernCtx);
        return w.buf;
      };
      roundTrip('PMSI_TUNNEL', a, encode, (b) => pmsiTunnelAttribute.decode(new Reader(b), modernCtx));
      sameBytes('PMSI_TUNNEL', bytes.subarray(0, r.pos), encode(a));
    },
});


export const targets: readonly Target[] = [
  messageTarget('message', 'whole messages, 4-octet AS session with EVPN registered', modernCtx, false),
  messageTarget('message-legacy', 'whole messages, 2-octet AS external peer, ADD-PATH on, extended messages', legacyCtx, true),
  framerTarget,
  define({
    name: 'update-body',
    description: 'UPDATE body with RFC 7606 handling, and its round trip',
    seeds: () => updateSeeds(modernCtx),
    layoutOf: (b) => {
      const l = new Layout();
      walkUpdateBody(b, 0, b.length, l, { nlri: evpnWalkers });
      return l;
    },
    run(bytes) {
        const m = decodeUpdateBody(bytes, modernCtx);
        // A body longer than a message can carry decodes (the message codec bounds it), but cannot be re-encoded.
        if (bytes.length > MAX_MESSAGE_LENGTH - HEADER) return;
        roundTrip('UPDATE body', withoutReport(m), (v) => encodeUpdateBody(v, modernCtx), (b) => withoutReport(decodeUpdateBody(b, modernCtx)));
        if (!m.report) sameBytes('UPDATE body', bytes, encodeUpdateBody(m, modernCtx));
      },
  }),
  attributeValueTarget(),
  openTarget,
  capabilitiesTarget,
  evpnNlriTarget(false),
  evpnNlriTarget(true),
  extCommunityTarget,
  pmsiTarget,
  ...vxlanTargets,
  ...routerTargets,
];

export function targetByName(name: string): Target | undefined {
  return targets.find((t) => t.name === name);
}

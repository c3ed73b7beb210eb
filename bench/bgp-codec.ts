/**
 * BGP UPDATE codec throughput (issue #2):
 *  - UPDATEs carrying IPv6 unicast prefixes (/48../64) in MP_REACH_NLRI, with ORIGIN, AS_PATH,
 *    MED, LOCAL_PREF and COMMUNITIES, each UPDATE filled close to 4096 bytes as a speaker packs them;
 *  - the GoBGP EVPN capture replayed many times through MessageFramer + decodeMessage.
 *
 *   npm run bench -- bgp-codec     (or: node --conditions=@evpn6/source --import tsx --expose-gc bench/bgp-codec.ts)
 *
 * Each figure is the best of several rounds on one core, with its ratio to a naive decoder and
 * encoder written below (Buffer.readUInt*, copies of every field, prefixes as strings), measured in
 * the same run. Target: >= 3M IPv6 prefixes/s decoded.
 */
import { readFileSync } from 'node:fs';
import type { BgpMessage, IpPrefix, UpdateMessage } from '@evpn6/bgp';
import {
  Afi,
  MessageFramer,
  Safi,
  Writer,
  buildUpdate,
  createContext,
  decodeMessage,
  defaultRegistry,
  encodeMessageInto,
  fromHex,
  isRawNlri,
  messageLength,
} from '@evpn6/bgp';
import { registerEvpn } from '@evpn6/evpn';
import { bestRate, bytesPerUnit, consume, printTable } from './_support.js';
import { naiveDecodeUpdate, naiveEncodeUpdate, NaiveFramer } from './_naive-bgp.js';
import type { NaiveRoute } from './_naive-bgp.js';

const UPDATES = 64;
const MAX_MESSAGE = 4096;

// ---- IPv6 unicast UPDATEs ----

/** Deterministic prefixes under 2001:db8::/32, lengths 48..64 (a made-up table, no randomness). */
function prefixAt(i: number): IpPrefix {
  const length = 48 + (i % 17);
  const address = new Uint8Array(16);
  address[0] = 0x20;
  address[1] = 0x01;
  address[2] = 0x0d;
  address[3] = 0xb8;
  address[4] = (i >> 16) & 0xff;
  address[5] = (i >> 8) & 0xff;
  address[6] = i & 0xff;
  address[7] = length > 56 ? (i * 37) & (0xff << (64 - length)) & 0xff : 0;
  return { pathId: undefined, length, address };
}

function buildIpv6Updates(): UpdateMessage[] {
  const ctx = createContext();
  const updates: UpdateMessage[] = [];
  let next = 0;
  for (let u = 0; u < UPDATES; u++) {
    const prefixes: IpPrefix[] = [];
    const describe = () =>
      buildUpdate({
        origin: 'igp',
        asPath: [64512 + (u % 7), 64600, 65001 + u],
        med: 100 + u,
        localPref: 200,
        communities: ['64512:100', `64512:${1000 + u}`, '65535:65281'],
        mpReach: { afi: Afi.IPV6, safi: Safi.UNICAST, nextHop: ['2001:db8::1', 'fe80::1'], nlri: prefixes },
      });
    // Add prefixes until the next one would not fit a 4096-byte message (lengths add up: the
    // MP_REACH header is already 4 bytes with one prefix in it at this size).
    prefixes.push(prefixAt(next++));
    let size = messageLength(describe(), ctx);
    for (;;) {
      const p = prefixAt(next);
      const more = 1 + ((p.length + 7) >> 3);
      if (size + more > MAX_MESSAGE) break;
      prefixes.push(p);
      size += more;
      next++;
    }
    updates.push(describe());
  }
  return updates;
}

function countMpPrefixes(m: BgpMessage): number {
  if (m.type !== 'UPDATE') return 0;
  let n = m.nlri.length;
  for (const a of m.attributes) {
    if (a.type === 'MP_REACH_NLRI' && !isRawNlri(a.nlri)) n += a.nlri.length;
  }
  return n;
}

const unicastCtx = createContext({ registry: defaultRegistry() });
const updates = buildIpv6Updates();
const wires = updates.map((m) => {
  const w = Writer.alloc(messageLength(m, unicastCtx));
  encodeMessageInto(m, w, unicastCtx);
  return w.buf;
});
const totalPrefixes = updates.reduce((n, m) => n + countMpPrefixes(m), 0);
const totalBytes = wires.reduce((n, w) => n + w.length, 0);
const encodeBuffer = new Uint8Array(totalBytes);

// Sanity: the naive decoder must see exactly what the codec sees, or the comparison is meaningless.
{
  let naive = 0;
  for (const w of wires) naive += naiveDecodeUpdate(Buffer.from(w.buffer, w.byteOffset, w.byteLength)).reach.length;
  let real = 0;
  for (const w of wires) real += countMpPrefixes(decodeMessage(w, unicastCtx));
  if (naive !== totalPrefixes || real !== totalPrefixes) throw new Error(`prefix counts differ: built ${totalPrefixes}, codec ${real}, naive ${naive}`);
}

function decodeUpdates(): number {
  let n = 0;
  for (let i = 0; i < wires.length; i++) n += countMpPrefixes(decodeMessage(wires[i]!, unicastCtx));
  consume(n);
  return n;
}

const wireBuffers = wires.map((w) => Buffer.from(w.buffer, w.byteOffset, w.byteLength));
function decodeUpdatesNaive(): number {
  let n = 0;
  for (let i = 0; i < wireBuffers.length; i++) n += naiveDecodeUpdate(wireBuffers[i]!).reach.length;
  consume(n);
  return n;
}

function encodeUpdates(): number {
  const w = new Writer(encodeBuffer);
  for (let i = 0; i < updates.length; i++) encodeMessageInto(updates[i]!, w, unicastCtx);
  consume(w.pos);
  return totalPrefixes;
}

const naiveRoutes: NaiveRoute[] = wireBuffers.map((b) => naiveDecodeUpdate(b));
function encodeUpdatesNaive(): number {
  let n = 0;
  for (let i = 0; i < naiveRoutes.length; i++) n += naiveEncodeUpdate(naiveRoutes[i]!).length;
  consume(n);
  return totalPrefixes;
}

// ---- the GoBGP EVPN capture as a TCP stream ----

const REPLAYS = 200;
const SEGMENT = 1448; // a typical TCP payload per segment
const evpnCtx = createContext({ registry: registerEvpn(defaultRegistry().clone()) });
const captured = readFileSync(new URL('../packages/bgp/test/vectors/gobgp-evpn/messages.hex.txt', import.meta.url), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l.length > 0)
  .map(fromHex)
  // The final NOTIFICATION ends a session; the replay keeps the UPDATE/KEEPALIVE flow going.
  .filter((m) => m[18] !== 3 && m[18] !== 1);
const streamLength = captured.reduce((n, m) => n + m.length, 0) * REPLAYS;
const stream = new Uint8Array(streamLength);
{
  let o = 0;
  for (let r = 0; r < REPLAYS; r++) for (const m of captured) (stream.set(m, o), (o += m.length));
}
const segments: Uint8Array[] = [];
for (let o = 0; o < stream.length; o += SEGMENT) segments.push(stream.subarray(o, Math.min(stream.length, o + SEGMENT)));
const streamMessages = captured.length * REPLAYS;
let streamRoutes = 0;

function replayStream(): number {
  const framer = new MessageFramer();
  let msgs = 0;
  let routes = 0;
  for (let s = 0; s < segments.length; s++) {
    const out = framer.push(segments[s]!);
    for (let i = 0; i < out.length; i++) {
      const m = decodeMessage(out[i]!, evpnCtx);
      msgs++;
      if (m.type === 'UPDATE') {
        for (const a of m.attributes) {
          if ((a.type === 'MP_REACH_NLRI' && !isRawNlri(a.nlri)) || (a.type === 'MP_UNREACH_NLRI' && !isRawNlri(a.withdrawn))) {
            routes += a.type === 'MP_REACH_NLRI' ? (a.nlri as readonly unknown[]).length : (a.withdrawn as readonly unknown[]).length;
          }
        }
      }
    }
  }
  streamRoutes = routes;
  consume(routes);
  return msgs;
}

function replayStreamNaive(): number {
  const framer = new NaiveFramer();
  let msgs = 0;
  let routes = 0;
  for (let s = 0; s < segments.length; s++) {
    const seg = segments[s]!;
    const out = framer.push(Buffer.from(seg.buffer, seg.byteOffset, seg.byteLength));
    for (let i = 0; i < out.length; i++) {
      const m = out[i]!;
      msgs++;
      if (m[18] === 2) {
        const u = naiveDecodeUpdate(m);
        routes += u.reach.length + u.unreach.length;
      }
    }
  }
  consume(routes);
  return msgs;
}

// ---- run ----

const avgPerUpdate = totalPrefixes / UPDATES;
const naiveDecode = bestRate(decodeUpdatesNaive, { warmupCalls: 20 });
const codecDecode = bestRate(decodeUpdates, { warmupCalls: 50 });
const naiveEncode = bestRate(encodeUpdatesNaive, { warmupCalls: 20 });
const codecEncode = bestRate(encodeUpdates, { warmupCalls: 50 });
const msgs = (prefixesPerSecond: number) => `${((prefixesPerSecond / avgPerUpdate) / 1e3).toFixed(1)}k msgs/s`;

console.log(
  `IPv6 unicast: ${UPDATES} UPDATEs of <= ${MAX_MESSAGE} bytes, ${avgPerUpdate.toFixed(0)} prefixes (/48../64) each, ` +
    `ORIGIN AS_PATH MED LOCAL_PREF COMMUNITIES, 32-byte next hop`,
);
printTable(
  'IPv6 UPDATE decode',
  [
    { name: 'naive (Buffer, string prefixes)', perSecond: naiveDecode, unit: 'prefixes', extra: msgs(naiveDecode), bytesPerUnit: bytesPerUnit(decodeUpdatesNaive, 1) },
    { name: 'decodeMessage', perSecond: codecDecode, unit: 'prefixes', extra: msgs(codecDecode), bytesPerUnit: bytesPerUnit(decodeUpdates, 1) },
  ],
  { name: 'naive decode', perSecond: naiveDecode },
);
printTable(
  'IPv6 UPDATE encode',
  [
    { name: 'naive (Buffer.concat from strings)', perSecond: naiveEncode, unit: 'prefixes', extra: msgs(naiveEncode), bytesPerUnit: bytesPerUnit(encodeUpdatesNaive, 1) },
    { name: 'encodeMessageInto', perSecond: codecEncode, unit: 'prefixes', extra: msgs(codecEncode), bytesPerUnit: bytesPerUnit(encodeUpdates, 1) },
  ],
  { name: 'naive encode', perSecond: naiveEncode },
);

const naiveStream = bestRate(replayStreamNaive, { warmupCalls: 5 });
const codecStream = bestRate(replayStream, { warmupCalls: 10 });
const routesPerMsg = streamRoutes / streamMessages;
console.log(
  `\nGoBGP EVPN capture: ${captured.length} messages (OPEN and NOTIFICATION left out) x ${REPLAYS} as one stream in ${SEGMENT}-byte segments, ` +
    `${routesPerMsg.toFixed(2)} EVPN routes/message`,
);
printTable(
  'stream: MessageFramer + decodeMessage (EVPN registered)',
  [
    { name: 'naive framer + naive decode', perSecond: naiveStream, unit: 'msgs', extra: `${((naiveStream * routesPerMsg) / 1e6).toFixed(2)}M routes/s` },
    { name: 'MessageFramer + decodeMessage', perSecond: codecStream, unit: 'msgs', extra: `${((codecStream * routesPerMsg) / 1e6).toFixed(2)}M routes/s` },
  ],
  { name: 'naive', perSecond: naiveStream },
);

const met = codecDecode >= 3e6;
console.log(`\ntarget >= 3M IPv6 prefixes/s decoded: ${met ? 'met' : 'NOT met'} (${(codecDecode / 1e6).toFixed(2)}M)`);

/**
 * RT2 (MAC/IP) NLRI decode and encode, with the attributes a VTEP sees on each route: route
 * target + encapsulation extended communities and a 16-byte IPv6 next hop.
 *
 *   node --conditions=@evpn6/source --import tsx bench/evpn-nlri.ts
 *
 * Figures are NLRI per second on one core, best of several rounds, and the ratio to a naive
 * decoder (DataView per route, hex strings for MAC and IP) measured in the same run, so the ratio
 * means something across machines. Target: >= 3M RT2 NLRI/s decode.
 */
import { NlriRegistry, Reader, Writer, createContext } from '@evpn6/bgp';
import type { EvpnRoute } from '@evpn6/evpn';
import {
  decodeExtCommunities,
  encapsulation,
  encodeExtCommunity,
  evpnNlri,
  parseRouteTarget,
  registerEvpn,
  vtepFromNextHop,
} from '@evpn6/evpn';

const ctx = createContext({ registry: registerEvpn(new NlriRegistry()) });
const ROUTES = 2000;

// A field of ROUTES RT2 NLRI back to back: half MAC+IPv4, a quarter MAC+IPv6 with two labels, a quarter MAC only.
function buildRoutes(): EvpnRoute[] {
  const routes: EvpnRoute[] = [];
  for (let i = 0; i < ROUTES; i++) {
    const mac = Uint8Array.of(0x02, 0, 0, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
    const kind = i % 4;
    routes.push({
      kind: 'mac-ip',
      pathId: undefined,
      rd: { type: 1, admin: 0xc0000201, assigned: 100 },
      esi: new Uint8Array(10),
      ethernetTag: 0,
      mac,
      ip: kind < 2 ? Uint8Array.of(198, 51, 100, i & 0xff) : kind === 2 ? Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (i >> 8) & 0xff, i & 0xff) : undefined,
      labels: kind === 2 ? [10550, 20550] : [10550],
    });
  }
  return routes;
}

function encodeAll(routes: EvpnRoute[]): Uint8Array {
  let n = 0;
  for (const r of routes) n += evpnNlri.encodedLength(r, ctx);
  const w = Writer.alloc(n);
  for (const r of routes) evpnNlri.encode(r, w, ctx);
  return w.buf;
}

const routes = buildRoutes();
const field = encodeAll(routes);
const communities = [encodeExtCommunity(parseRouteTarget('64512:100')), encodeExtCommunity(encapsulation())];
const nextHop = Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x11);
let sink = 0;

function decodePacked(): void {
  const r = new Reader(field);
  while (r.pos < r.end) {
    const route = evpnNlri.decode(r, ctx, undefined);
    sink += route.kind.length;
  }
}

/** One route per UPDATE, as GoBGP and FRR usually send RT2: each NLRI pays for its attributes. */
function decodeWithAttributes(): void {
  const r = new Reader(field);
  while (r.pos < r.end) {
    const route = evpnNlri.decode(r, ctx, undefined);
    const ecs = decodeExtCommunities(communities);
    const vtep = vtepFromNextHop(nextHop);
    sink += route.kind.length + ecs.length + vtep.family;
  }
}

function encodePacked(): void {
  const w = new Writer(new Uint8Array(field.length));
  for (let i = 0; i < routes.length; i++) evpnNlri.encode(routes[i]!, w, ctx);
  sink += w.pos;
}

function encodeWithAttributes(): void {
  const w = new Writer(new Uint8Array(field.length));
  const rt = parseRouteTarget('64512:100');
  const encap = encapsulation();
  for (let i = 0; i < routes.length; i++) {
    evpnNlri.encode(routes[i]!, w, ctx);
    sink += encodeExtCommunity(rt)[7]! + encodeExtCommunity(encap)[7]!;
  }
  sink += w.pos;
}

/** What a first attempt looks like: a DataView per route, hex strings for MAC and IP, RD as text. */
function decodeNaive(): void {
  const buf = Buffer.from(field.buffer, field.byteOffset, field.byteLength);
  let p = 0;
  while (p < buf.length) {
    const type = buf[p]!;
    const len = buf[p + 1]!;
    const body = buf.subarray(p + 2, p + 2 + len);
    const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
    const rd = `${v.getUint16(0)}:${body.subarray(2, 6).join('.')}:${v.getUint16(6)}`;
    const esi = body.subarray(8, 18).toString('hex');
    const tag = v.getUint32(18);
    const mac = body.subarray(23, 29).toString('hex').match(/../g)!.join(':');
    const ipLen = body[29]! / 8;
    const ip = ipLen ? body.subarray(30, 30 + ipLen).toString('hex') : '';
    const labels: number[] = [];
    for (let q = 30 + ipLen; q < len; q += 3) labels.push(parseInt(body.subarray(q, q + 3).toString('hex'), 16));
    const route = { type, rd, esi, tag, mac, ip, labels };
    sink += route.mac.length;
    p += 2 + len;
  }
}

function rate(fn: () => void): number {
  for (let i = 0; i < 200; i++) fn(); // warm up the JIT
  let best = 0;
  for (let round = 0; round < 7; round++) {
    const t0 = process.hrtime.bigint();
    let n = 0;
    do {
      fn();
      n += ROUTES;
    } while (process.hrtime.bigint() - t0 < 200_000_000n);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    best = Math.max(best, n / secs);
  }
  return best;
}

const M = (x: number) => `${(x / 1e6).toFixed(2)}M NLRI/s`;
const naive = rate(decodeNaive);
const rows: Array<[string, number]> = [
  ['decode, packed field', rate(decodePacked)],
  ['decode + RT/encap communities + next hop', rate(decodeWithAttributes)],
  ['encode, packed field', rate(encodePacked)],
  ['encode + RT/encap communities', rate(encodeWithAttributes)],
];
console.log(`RT2 NLRI (${field.length} bytes for ${ROUTES} routes), naive decode baseline ${M(naive)}`);
for (const [name, r] of rows) console.log(`  ${name.padEnd(44)} ${M(r).padStart(14)}   ${(r / naive).toFixed(2)}x naive`);
const decodeRate = rows[0]![1];
console.log(`  target >= 3M NLRI/s decode: ${decodeRate >= 3e6 ? 'met' : 'NOT met'}`);
if (sink === 42) console.log('');

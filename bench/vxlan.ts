/**
 * VXLAN over IPv6 data-path throughput of the pure TypeScript codec (issue #5):
 *  - encap of 64-byte and 1514-byte inner frames (the latter fragmented into two on a 1500 underlay),
 *    written into a reused buffer with encapsulateInto;
 *  - decap of the 64-byte frames, and reassembly + decap of the two-fragment 1514-byte frames.
 *
 *   npm run bench -- vxlan     (or: node --conditions=@evpn6/source --import tsx bench/vxlan.ts)
 *
 * Figures are frames/s on one core (best of rounds alternating with the anchor's), ns/frame, and bytes allocated per frame
 * (JS heap plus ArrayBuffer backing stores), each with its ratio to a naive Buffer.concat
 * implementation (bench/_naive-vxlan.ts) measured in the same run. These are the TypeScript
 * fallback's numbers; the native forwarder must beat them by far.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { VxlanDecapsulator, VxlanEncapsulator, parseIp } from '@evpn6/vxlan';
import { consume, formatRate } from './_support.js';
import { NaiveDecap, naiveEncap } from './_naive-vxlan.js';

const LOCAL = parseIp('2001:db8:1::1');
const REMOTE = parseIp('2001:db8:1::2');
const VNI = 550;
const BATCH = 64;

function gcFunction(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
const gc = gcFunction();

/** Bytes allocated per frame (heap + ArrayBuffers), over runs short enough that no GC interrupts them. */
function allocatedPerFrame(fn: () => number): number | undefined {
  let calls = 64;
  for (let attempt = 0; attempt < 8 && calls >= 1; attempt++) {
    gc();
    const m0 = process.memoryUsage();
    let frames = 0;
    for (let i = 0; i < calls; i++) frames += fn();
    const m1 = process.memoryUsage();
    const heap = m1.heapUsed - m0.heapUsed;
    const buffers = m1.arrayBuffers - m0.arrayBuffers;
    if (heap >= 0 && buffers >= 0 && frames > 0) return (heap + buffers) / frames;
    calls = Math.floor(calls / 2);
  }
  return undefined;
}

function innerFrame(length: number, flow: number): Uint8Array {
  const f = new Uint8Array(length);
  f.set([0x02, 0, 0x5e, 0, 0x53, 0x02, 0x02, 0, 0x5e, 0, 0x53, 0x01, 0x08, 0x00, 0x45], 0);
  f[23] = 17;
  f[34] = flow >>> 8;
  f[35] = flow & 0xff;
  for (let i = 42; i < length; i++) f[i] = (i * 13 + flow) & 0xff;
  return f;
}

/** Frames/s in one timed round of `fn` (which returns frames processed per call). */
function round(fn: () => number, ms: number): number {
  const t0 = process.hrtime.bigint();
  const limit = BigInt(ms * 1e6);
  let frames = 0;
  let elapsed = 0n;
  do {
    frames += fn();
    elapsed = process.hrtime.bigint() - t0;
  } while (elapsed < limit);
  return frames / (Number(elapsed) / 1e9);
}

/**
 * Best rates of `a` and `b` over rounds that alternate between them, so a busy machine slows both
 * alike and their ratio stays meaningful.
 */
function pairedRates(a: () => number, b: () => number, rounds = 12, ms = 120): [number, number] {
  for (let i = 0; i < 200; i++) {
    a();
    b();
  }
  let bestA = 0;
  let bestB = 0;
  for (let i = 0; i < rounds; i++) {
    bestA = Math.max(bestA, round(a, ms));
    bestB = Math.max(bestB, round(b, ms));
  }
  return [bestA, bestB];
}

interface Case {
  name: string;
  ours: () => number;
  naive: () => number;
}

function cases(size: number): Case[] {
  const inners = Array.from({ length: BATCH }, (_, i) => innerFrame(size, i));
  const innerBuffers = inners.map((f) => Buffer.from(f));
  const localB = Buffer.from(LOCAL);
  const remoteB = Buffer.from(REMOTE);
  const encap = new VxlanEncapsulator({ local: LOCAL });
  const out = new Uint8Array(4096);
  const lengths = new Uint32Array(8);

  // Pre-encapsulated traffic for the receive side (bare IP packets, as an underlay port hands them).
  const packets = inners.map((f) => encap.encapsulate(f, VNI, REMOTE).map((p) => p.slice()));
  const packetBuffers = packets.map((ps) => ps.map((p) => Buffer.from(p)));
  const decap = new VxlanDecapsulator({ linkType: 'ip', localAddresses: [REMOTE] });
  const naive = new NaiveDecap();
  const label = size === 1514 ? `${size} B (2 fragments)` : `${size} B`;
  return [
    {
      name: `encap ${label}`,
      ours: () => {
        for (let i = 0; i < BATCH; i++) consume(encap.encapsulateInto(inners[i]!, VNI, REMOTE, out, 0, lengths));
        return BATCH;
      },
      naive: () => {
        for (let i = 0; i < BATCH; i++) consume(naiveEncap(innerBuffers[i]!, VNI, localB, remoteB).length);
        return BATCH;
      },
    },
    {
      name: size === 1514 ? `reassemble+decap ${label}` : `decap ${label}`,
      ours: () => {
        let now = 0;
        for (let i = 0; i < BATCH; i++) {
          const ps = packets[i]!;
          for (let k = 0; k < ps.length; k++) {
            const r = decap.decapsulate(ps[k]!, now++);
            if (r.kind === 'frame') consume(r.vni);
          }
        }
        return BATCH;
      },
      naive: () => {
        for (let i = 0; i < BATCH; i++) {
          const ps = packetBuffers[i]!;
          for (let k = 0; k < ps.length; k++) {
            const r = naive.decap(ps[k]!);
            if (r) consume(r.vni);
          }
        }
        return BATCH;
      },
    },
  ];
}

console.log('VXLAN over IPv6, one core, pure TypeScript (anchor: naive Buffer.concat implementation, same run)');
const head = `  ${'case'.padEnd(34)} ${'frames/s'.padStart(16)} ${'ns/frame'.padStart(9)} ${'B/frame'.padStart(8)}   ${'naive frames/s'.padStart(16)} ${'naive B/frame'.padStart(13)} ${'x naive'.padStart(8)}`;
console.log(head);
console.log(`  ${'-'.repeat(head.length - 2)}`);
for (const size of [64, 1514]) {
  for (const c of cases(size)) {
    const [ours, naive] = pairedRates(c.ours, c.naive);
    const oursBytes = allocatedPerFrame(c.ours);
    const naiveBytes = allocatedPerFrame(c.naive);
    const b = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(0));
    console.log(
      `  ${c.name.padEnd(34)} ${formatRate(ours, 'f').padStart(16)} ${(1e9 / ours).toFixed(0).padStart(9)} ${b(oursBytes).padStart(8)}   ${formatRate(naive, 'f').padStart(16)} ${b(naiveBytes).padStart(13)} ${`${(ours / naive).toFixed(2)}x`.padStart(8)}`,
    );
  }
}

// RIB benchmark: 1M IPv6 destinations into Adj-RIB-In + Loc-RIB, against a naive RIB (candidates
// sorted by a comparator, one EventEmitter event per change) measured in the same run.
// Run: node --conditions=@evpn6/source --import tsx --expose-gc bench/rib.ts [count]
import { EventEmitter } from 'node:events';
import {
  Afi,
  Safi,
  compareBytes,
  familyKey,
  ipv6Unicast,
  parseIp,
  pathInfo,
  Rib,
  AdjRibOut,
  NlriRegistry,
  type IpPrefix,
  type NlriCodec,
  type PathInfo,
  type PeerRef,
  type RibChange,
} from '@evpn6/bgp';

const COUNT = Number(process.argv[2] ?? 1_000_000);
const PER_UPDATE = 400; // about what one 4096-byte UPDATE carries of /56 prefixes
const V6 = familyKey(Afi.IPV6, Safi.UNICAST);

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
function heap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

function prefixes(n: number): IpPrefix[] {
  const out = new Array<IpPrefix>(n);
  for (let i = 0; i < n; i++) {
    const a = new Uint8Array(16);
    a[0] = 0x20;
    a[1] = 0x01;
    a[2] = 0x0d;
    a[3] = 0xb8;
    a[4] = (i >>> 16) & 0xff;
    a[5] = (i >>> 8) & 0xff;
    a[6] = i & 0xff;
    out[i] = { pathId: undefined, length: 56, address: a };
  }
  return out;
}

interface Attrs {
  readonly nextHop: string;
  readonly info: PathInfo;
}

const peerA: PeerRef = { id: 'a', address: parseIp('2001:db8::a'), routerId: 10, as: 65100, type: 'ebgp', rrClient: false };
const peerB: PeerRef = { id: 'b', address: parseIp('2001:db8::b'), routerId: 11, as: 65200, type: 'ebgp', rrClient: false };

// ---- the naive baseline --------------------------------------------------------------------
interface NaivePath {
  key: string;
  nlri: IpPrefix;
  peer: PeerRef;
  pathId: number;
  attrs: Attrs;
}
function naiveCompare(x: NaivePath, y: NaivePath): number {
  const a = x.attrs.info;
  const b = y.attrs.info;
  return (
    b.localPref - a.localPref ||
    a.asPathLength - b.asPathLength ||
    a.origin - b.origin ||
    (a.neighborAs === b.neighborAs ? (a.med ?? 0) - (b.med ?? 0) : 0) ||
    (x.peer.type === 'ibgp' ? 1 : 0) - (y.peer.type === 'ibgp' ? 1 : 0) ||
    (a.originatorId ?? x.peer.routerId) - (b.originatorId ?? y.peer.routerId) ||
    a.clusterListLength - b.clusterListLength ||
    compareBytes(x.peer.address, y.peer.address) ||
    x.pathId - y.pathId
  );
}
class NaiveRib extends EventEmitter {
  readonly adjIn = new Map<string, NaivePath>();
  readonly loc = new Map<string, { paths: NaivePath[]; best: NaivePath | undefined }>();
  announce(peer: PeerRef, nlri: IpPrefix, attrs: Attrs): void {
    const key = ipv6Unicast.key(nlri);
    const pathId = nlri.pathId ?? 0;
    const p: NaivePath = { key, nlri, peer, pathId, attrs };
    this.adjIn.set(`${peer.id}|${key}|${pathId}`, p);
    let d = this.loc.get(key);
    if (!d) this.loc.set(key, (d = { paths: [], best: undefined }));
    d.paths = d.paths.filter((q) => q.peer.id !== peer.id || q.pathId !== pathId);
    d.paths.push(p);
    d.paths.sort(naiveCompare);
    const best = d.paths[0];
    if (best !== d.best) {
      const previous = d.best;
      d.best = best;
      this.emit('change', { key, best, previous });
    }
  }
}

// ---- runs ------------------------------------------------------------------------------------
// Wall time is what counts, but other work on this 2-core machine inflates it; CPU time of this
// process (which includes V8's parallel GC threads) is printed next to it for a steadier view.
let lastCpu = 0;
function timeIt(fn: () => void): number {
  const c = process.cpuUsage();
  const t = process.hrtime.bigint();
  fn();
  const used = process.cpuUsage(c);
  lastCpu = (used.user + used.system) / 1e6;
  return Number(process.hrtime.bigint() - t) / 1e9;
}

const nlri = prefixes(COUNT);
const attrsA: Attrs = { nextHop: '2001:db8::a', info: pathInfo({ asPathLength: 2, neighborAs: 65100 }) };
const attrsB: Attrs = { nextHop: '2001:db8::b', info: pathInfo({ asPathLength: 3, neighborAs: 65200 }) };

// Warm the key function (and JIT) on a small set so neither run pays for it alone.
for (let i = 0; i < 20000; i++) ipv6Unicast.key(nlri[i % COUNT]!);
const keyOnly = timeIt(() => {
  for (let i = 0; i < COUNT; i++) ipv6Unicast.key(nlri[i]!);
});

// RFC 5952 text keys are the codec's choice; a 9-character binary key (same identity) shows what
// the RIB itself costs once key making is cheap.
function binaryKey(p: IpPrefix): string {
  const b = p.address;
  let s = '';
  for (let i = 0; i < 16; i += 2) s += String.fromCharCode((b[i]! << 8) | b[i + 1]!);
  return s + String.fromCharCode(p.length);
}
const binaryKeyRegistry = new NlriRegistry().register<IpPrefix>({ ...(ipv6Unicast as NlriCodec<IpPrefix>), key: binaryKey });

function runOurs(registry?: NlriRegistry): { secs: number; cpu: number; bytes: number; changes: number; rib: Rib<IpPrefix, Attrs> } {
  const rib = new Rib<IpPrefix, Attrs>({ routerId: 1, localAs: 65000, ...(registry ? { registry } : {}) });
  rib.addPeer(peerA);
  rib.addPeer(peerB);
  let changes = 0;
  rib.subscribe((c: readonly RibChange<IpPrefix, Attrs>[]) => {
    changes += c.length;
  });
  const before = heap();
  const secs = timeIt(() => {
    for (let i = 0; i < COUNT; i += PER_UPDATE) {
      // One UPDATE: its NLRI share attributes, so PathInfo comes once per UPDATE.
      rib.announce('a', V6, nlri.slice(i, Math.min(COUNT, i + PER_UPDATE)), attrsA, attrsA.info);
    }
  });
  const cpu = lastCpu;
  const bytes = heap() - before;
  if (rib.size(V6) !== COUNT || changes !== COUNT) throw new Error(`ours: ${rib.size(V6)} destinations, ${changes} changes`);
  return { secs, cpu, bytes, changes, rib };
}

function runNaive(): { secs: number; cpu: number; bytes: number; changes: number; rib: NaiveRib } {
  const rib = new NaiveRib();
  let changes = 0;
  rib.on('change', () => {
    changes++;
  });
  const before = heap();
  const secs = timeIt(() => {
    for (let i = 0; i < COUNT; i++) rib.announce(peerA, nlri[i]!, attrsA);
  });
  const cpu = lastCpu;
  const bytes = heap() - before;
  if (rib.loc.size !== COUNT || changes !== COUNT) throw new Error(`naive: ${rib.loc.size} destinations, ${changes} changes`);
  return { secs, cpu, bytes, changes, rib };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const line = (name: string, secs: number, cpu: number, bytes: number) =>
  `  ${name}: ${secs.toFixed(3)} s (cpu ${cpu.toFixed(3)} s)  ${fmt(COUNT / secs)} routes/s  ${fmt(bytes / COUNT)} heap bytes/route`;
console.log(`RIB: ${fmt(COUNT)} IPv6 /56 destinations from one eBGP peer, ${PER_UPDATE} NLRI per announce()`);
console.log(`  NlriCodec.key alone (part of both runs): ${keyOnly.toFixed(3)} s (cpu ${lastCpu.toFixed(3)} s)`);

// The floor: the least any keyed table must do per route (make the key, store one small object).
let floorMap: Map<string, { nlri: IpPrefix }> | undefined = new Map();
const floorSecs = timeIt(() => {
  for (let i = 0; i < COUNT; i++) floorMap!.set(ipv6Unicast.key(nlri[i]!), { nlri: nlri[i]! });
});
const floorCpu = lastCpu;
floorMap = undefined;
heap();

// Ours runs before the naive baseline, so if the order favours either run it favours the baseline.
let ours: ReturnType<typeof runOurs> | undefined = runOurs();
const { secs: oursSecs, cpu: oursCpu, bytes: oursBytes } = ours;
console.log(`  floor (key + Map.set): ${floorSecs.toFixed(3)} s (cpu ${floorCpu.toFixed(3)} s)`);
console.log(line('evpn6', oursSecs, oursCpu, oursBytes));

// A second full table from another peer (two candidates per destination, best unchanged), then
// the first peer going down (1M changes promoting the second peer's paths).
const rib = ours.rib;
ours = undefined;
let second = 0;
const secsB = timeIt(() => {
  for (let i = 0; i < COUNT; i += PER_UPDATE) {
    second += rib.announce('b', V6, nlri.slice(i, Math.min(COUNT, i + PER_UPDATE)), attrsB, attrsB.info).changes.length;
  }
});
let down = 0;
const secsDown = timeIt(() => {
  down = rib.withdrawPeer('a').changes.length;
});
if (second !== 0 || down !== COUNT) throw new Error(`second peer: ${second} changes, peer down: ${down} changes`);
console.log(`  evpn6 second peer (2 candidates each): ${secsB.toFixed(3)} s  ${fmt(COUNT / secsB)} routes/s`);
console.log(`  evpn6 first peer down (${fmt(down)} best-path changes): ${secsDown.toFixed(3)} s  ${fmt(COUNT / secsDown)} routes/s`);

// Initial advertisement of the whole Loc-RIB to a new eBGP peer, packed into 4096-byte UPDATEs.
const peerC: PeerRef = { id: 'c', address: parseIp('2001:db8::c'), routerId: 12, as: 65300, type: 'ebgp', rrClient: false };
const out = new AdjRibOut<IpPrefix, Attrs, Attrs>({ clusterId: 1, exportAttributes: (p) => p.attrs });
out.addPeer(peerC, [V6]);
let batches = 0;
let packed = 0;
const secsOut = timeIt(() => {
  out.advertise('c', V6, rib.bestPaths(V6));
  const r = out.pack('c', V6, {
    maxMessageSize: 4096,
    nlriSize: (n) => 1 + ((n.length + 7) >> 3),
    attributesSize: () => 60,
    withdrawOverhead: 7,
  });
  batches = r.batches.length;
  for (const b of r.batches) packed += b.nlri.length;
});
if (packed !== COUNT) throw new Error(`packed ${packed}`);
console.log(
  `  evpn6 Adj-RIB-Out dump to a new peer + packing: ${secsOut.toFixed(3)} s (cpu ${lastCpu.toFixed(3)} s)  ` +
    `${fmt(COUNT / secsOut)} routes/s  ${fmt(batches)} UPDATEs`,
);

// The naive baseline last, with everything of ours released.
out.removePeer('c');
rib.removePeer('b');
heap();
{
  const bin = runOurs(binaryKeyRegistry);
  console.log(line('evpn6 with binary keys', bin.secs, bin.cpu, bin.bytes));
}
heap();
let naive: ReturnType<typeof runNaive> | undefined = runNaive();
const { secs: naiveSecs, cpu: naiveCpu, bytes: naiveBytes } = naive;
naive = undefined;
console.log(line('naive', naiveSecs, naiveCpu, naiveBytes));
console.log(
  `  evpn6 vs naive: ${(naiveSecs / oursSecs).toFixed(2)}x faster (cpu ${(naiveCpu / oursCpu).toFixed(2)}x), ` +
    `${(oursBytes / naiveBytes).toFixed(2)}x the heap`,
);


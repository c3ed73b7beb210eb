// MAC-VRF engine import benchmark: 1M remote RT2 routes (1000 VTEPs x 1000 MACs, half IPv4 and
// half IPv6 VTEPs) imported into one VNI, producing 1M remoteMac intents.
// Run: node --conditions=@evpn6/source --import tsx --expose-gc bench/evpn-engine.ts [routes]
//
// Anchor: a naive engine measured in the same run, doing the same job (keep every route, import by
// RT, pick the best route per MAC by sticky/sequence/lower VTEP, emit intent deltas) the obvious
// way: a Map of route keys to the route objects and a Map of MAC -> candidate routes per VNI.
import { MacVrfEngine } from '@evpn6/evpn';
import type { EngineMacIpRoute, EngineOutput, ForwardingIntent, RemoteRouteChange } from '@evpn6/evpn';

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const PER_VTEP = 1000;
const BATCH = 1000;
const VNI = 550;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');
function settle(): number {
  for (let i = 0; i < 4; i++) gc!();
  return process.memoryUsage().heapUsed;
}

/** Text as an adapter would make it, fresh for every route (no sharing between routes). */
function vtepText(v: number): string {
  return v % 2 === 0 ? `2001:db8:${(v >>> 8).toString(16)}:${(v & 0xff).toString(16)}::11` : `198.51.${(v >>> 8) & 0xff}.${v & 0xff}`;
}
function macText(i: number): string {
  const h = (n: number) => ((i / 2 ** n) & 0xff).toString(16).padStart(2, '0');
  return `02:00:${h(24)}:${h(16)}:${h(8)}:${h(0)}`;
}
/**
 * One batch = one VTEP's UPDATEs: as an adapter decodes them, the next hop and the RT list come
 * from the path attributes (one string/array per UPDATE of PER_UPDATE routes), while the RD and
 * MAC texts come from each NLRI (fresh strings per route).
 */
const PER_UPDATE = 100;
function makeChanges(from: number, count: number): RemoteRouteChange[] {
  const out: RemoteRouteChange[] = new Array(count);
  let vtep = '';
  let routeTargets: string[] = [];
  for (let k = 0; k < count; k++) {
    const i = from + k;
    const v = Math.floor(i / PER_VTEP);
    if (k % PER_UPDATE === 0) {
      vtep = vtepText(v);
      routeTargets = [`64512:${VNI}`];
    }
    const route: EngineMacIpRoute = {
      type: 'mac-ip',
      rd: `${vtep.includes(':') ? `192.0.${(v >>> 8) & 0xff}.${v & 0xff}` : vtep}:${VNI}`,
      ethernetTag: 0,
      mac: macText(i),
      ip: null,
      label: VNI,
      nextHop: vtep,
      routeTargets,
      mobility: null,
    };
    out[k] = { action: 'add', route };
  }
  return out;
}

interface Importer {
  importBatch(changes: RemoteRouteChange[]): number;
}

class FastImporter implements Importer {
  readonly engine = new MacVrfEngine({ routerId: '192.0.2.1', asn: 64512, localVtep: '2001:db8:ffff::1' });
  constructor() {
    this.engine.addVni({ vni: VNI }, 0);
  }
  importBatch(changes: RemoteRouteChange[]): number {
    return this.engine.remoteRoutesChanged(changes, 0).intents.length;
  }
}

/** The obvious implementation of the same decision, as a yardstick. */
class NaiveImporter implements Importer {
  private readonly routes = new Map<string, EngineMacIpRoute>();
  private readonly vrfs = [{ vni: VNI, importRts: [`64512:${VNI}`], byMac: new Map<string, EngineMacIpRoute[]>(), installed: new Map<string, string>() }];
  importBatch(changes: RemoteRouteChange[]): number {
    const out: EngineOutput = { routes: [], intents: [], events: [] };
    for (const c of changes) {
      if (c.action !== 'add' || c.route.type !== 'mac-ip') continue;
      const r = c.route;
      const key = `${r.rd}|${r.ethernetTag}|${r.mac}|${r.ip ?? ''}`;
      this.routes.set(key, r);
      for (const vrf of this.vrfs) {
        if (!r.routeTargets.some((rt) => vrf.importRts.includes(rt))) continue;
        const list = (vrf.byMac.get(r.mac) ?? []).filter((x) => `${x.rd}|${x.ethernetTag}|${x.mac}|${x.ip ?? ''}` !== key);
        list.push(r);
        vrf.byMac.set(r.mac, list);
        const best = list.reduce((a, b) => (naiveBetter(b, a) ? b : a));
        const old = vrf.installed.get(r.mac);
        if (old === best.nextHop) continue;
        const intents: ForwardingIntent[] = out.intents;
        if (old !== undefined) intents.push({ kind: 'remoteMac', op: 'remove', vni: vrf.vni, mac: r.mac, vtep: old });
        intents.push({ kind: 'remoteMac', op: 'add', vni: vrf.vni, mac: r.mac, vtep: best.nextHop });
        vrf.installed.set(r.mac, best.nextHop);
      }
    }
    return out.intents.length;
  }
}

function naiveBetter(a: EngineMacIpRoute, b: EngineMacIpRoute): boolean {
  const as = a.mobility?.sticky ?? false;
  const bs = b.mobility?.sticky ?? false;
  if (as !== bs) return as;
  const aq = a.mobility?.sequence ?? 0;
  const bq = b.mobility?.sequence ?? 0;
  if (aq !== bq) return aq > bq;
  return a.nextHop < b.nextHop;
}

/** Routes per second with the input prepared beforehand. */
function throughput(make: () => Importer, batches: RemoteRouteChange[][]): number {
  const importer = make();
  settle();
  const t0 = process.hrtime.bigint();
  let intents = 0;
  for (const b of batches) intents += importer.importBatch(b);
  const ns = Number(process.hrtime.bigint() - t0);
  if (intents !== TOTAL) throw new Error(`expected ${TOTAL} intents, got ${intents}`);
  return TOTAL / (ns / 1e9);
}

/** Heap the importer keeps per MAC once the input and outputs are garbage. */
function heapPerMac(make: () => Importer): number {
  const base = settle();
  const importer = make();
  for (let i = 0; i < TOTAL; i += BATCH) importer.importBatch(makeChanges(i, Math.min(BATCH, TOTAL - i)));
  const used = settle();
  const perMac = (used - base) / TOTAL;
  if (importer === null) throw new Error('unreachable'); // keeps the importer alive past the measurement
  return perMac;
}

const batches: RemoteRouteChange[][] = [];
for (let i = 0; i < TOTAL; i += BATCH) batches.push(makeChanges(i, Math.min(BATCH, TOTAL - i)));

const fast: number[] = [];
const naive: number[] = [];
for (let round = 0; round < 3; round++) {
  fast.push(throughput(() => new FastImporter(), batches));
  naive.push(throughput(() => new NaiveImporter(), batches));
}
batches.length = 0;
const fastRate = Math.max(...fast);
const naiveRate = Math.max(...naive);
const fastHeap = heapPerMac(() => new FastImporter());
const naiveHeap = heapPerMac(() => new NaiveImporter());

const m = (x: number) => `${(x / 1e6).toFixed(2)}M`;
console.log(`evpn engine: ${TOTAL} remote RT2 (${TOTAL / PER_VTEP} VTEPs, IPv4+IPv6, ${PER_UPDATE} per UPDATE) -> remoteMac intents, batches of ${BATCH}`);
console.log(`  import        ${m(fastRate)} routes/s   naive ${m(naiveRate)} routes/s   ratio ${(fastRate / naiveRate).toFixed(2)}x`);
console.log(`  heap per MAC  ${fastHeap.toFixed(0)} B           naive ${naiveHeap.toFixed(0)} B           ratio ${(fastHeap / naiveHeap).toFixed(2)}x (lower is better)`);

import { expect } from 'chai';
import fc from 'fast-check';
import { compareVtep } from '../src/engine/text.js';
import type { EngineMacIpRoute, EngineOutput, EvpnEngineRoute, RemoteRouteChange } from '../src/engine/index.js';
import { add, Harness, LOCAL_V6, MAC1, MAC2, MAC3, PEER_B, PEER_C, PEER_LOW, PEER_V4, routeKey, rt2, rt3, withdraw } from './engine-harness.js';

const VNIS = [550, 551];
const MACS = [MAC1, MAC2, MAC3];
const VTEPS = [PEER_B, PEER_C, PEER_LOW, PEER_V4, LOCAL_V6];
const IPS = ['198.51.100.1', '2001:db8::1'];
const RT_CHOICES = [['64512:550'], ['64512:551'], ['64512:550', '64512:551'], ['64512:999']];

type Command =
  | { op: 'learn'; vni: number; mac: string; ip: string | null; sticky: boolean }
  | { op: 'age'; vni: number; mac: string; ip: string | null }
  | { op: 'rt2'; withdraw: boolean; vtep: string; mac: string; ip: string | null; seq: number | null; sticky: boolean; rts: string[] }
  | { op: 'rt3'; withdraw: boolean; vtep: string; rts: string[]; tunnelType: number }
  | { op: 'vni'; remove: boolean; vni: number; wideImport: boolean }
  | { op: 'localVtep'; vtep: string }
  | { op: 'thaw'; vni: number; mac: string }
  | { op: 'time'; seconds: number };

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const maybeIp = fc.option(pick(IPS), { nil: null });

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('learn' as const), vni: pick(VNIS), mac: pick(MACS), ip: maybeIp, sticky: fc.integer({ min: 0, max: 4 }).map((n) => n === 0) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('age' as const), vni: pick(VNIS), mac: pick(MACS), ip: maybeIp }) },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('rt2' as const),
      withdraw: fc.boolean(),
      vtep: pick(VTEPS),
      mac: pick(MACS),
      ip: maybeIp,
      seq: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }),
      sticky: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
      rts: pick(RT_CHOICES),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('rt3' as const), withdraw: fc.boolean(), vtep: pick(VTEPS), rts: pick(RT_CHOICES), tunnelType: pick([6, 6, 3]) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('vni' as const), remove: fc.boolean(), vni: pick(VNIS), wideImport: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('localVtep' as const), vtep: pick([LOCAL_V6, LOCAL_V6, PEER_C, '192.0.2.1']) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('thaw' as const), vni: pick(VNIS), mac: pick(MACS) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('time' as const), seconds: fc.integer({ min: 0, max: 200 }) }) },
);

function macRoute(c: Extract<Command, { op: 'rt2' }>): EngineMacIpRoute {
  return rt2(c.vtep, c.mac, { rd: `${c.vtep}:1`, rts: c.rts, ...(c.ip !== null ? { ip: c.ip } : {}), ...(c.seq !== null ? { seq: c.seq } : {}), ...(c.sticky ? { sticky: true } : {}) });
}

/** Runs one command through the harness (which applies the output strictly and checks it against the snapshot). */
function run(h: Harness, c: Command, live: Map<string, EvpnEngineRoute>): void {
  const vniUp = (vni: number) => h.engine.vnis.includes(vni);
  switch (c.op) {
    case 'learn':
      if (vniUp(c.vni)) h.learn(c.mac, { vni: c.vni, ...(c.ip !== null ? { ip: c.ip } : {}), sticky: c.sticky });
      return;
    case 'age':
      if (vniUp(c.vni)) h.age(c.mac, { vni: c.vni, ...(c.ip !== null ? { ip: c.ip } : {}) });
      return;
    case 'rt2': {
      const route = macRoute(c);
      if (c.withdraw) live.delete(routeKey(route));
      else live.set(routeKey(route), route);
      h.remote(c.withdraw ? withdraw(route) : add(route));
      return;
    }
    case 'rt3': {
      const route = rt3(c.vtep, { rd: `${c.vtep}:1`, rts: c.rts, tunnelType: c.tunnelType });
      if (c.withdraw) live.delete(routeKey(route));
      else live.set(routeKey(route), route);
      h.remote(c.withdraw ? withdraw(route) : add(route));
      return;
    }
    case 'vni':
      if (c.remove) h.apply(h.engine.removeVni(c.vni));
      else h.addVni(c.vni, c.wideImport ? { importRts: [`64512:${c.vni}`, '*:999'] } : {});
      return;
    case 'localVtep':
      h.apply(h.engine.setLocalVtep(c.vtep, h.now));
      return;
    case 'thaw':
      if (vniUp(c.vni)) h.apply(h.engine.thawMac(c.vni, c.mac, h.now));
      return;
    case 'time':
      h.now += c.seconds * 1000;
      h.apply(h.engine.expire(h.now));
      return;
  }
}

/** Tears everything down: every remote route withdrawn, every VNI removed; nothing may be left. */
function drain(h: Harness, live: Map<string, EvpnEngineRoute>): void {
  h.remote(...[...live.values()].map(withdraw));
  for (const vni of h.engine.vnis) h.apply(h.engine.removeVni(vni));
  expect(h.fdb.size).to.equal(0);
  expect(h.flood.size + h.allow.size).to.equal(0);
  expect(h.advertised.size).to.equal(0);
  expect(h.engine.remoteMacRouteCount).to.equal(0);
}

describe('MAC-VRF engine: properties', () => {
  it('random inputs only ever produce idempotent deltas that match the snapshot, and drain to nothing', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 60 }), fc.integer({ min: 2, max: 6 }), (commands, maxMoves) => {
        const h = new Harness({ duplicateDetection: { maxMoves, windowMs: 180_000, freezeMs: 300_000 } });
        h.addVni(550);
        const live = new Map<string, EvpnEngineRoute>();
        for (const c of commands) run(h, c, live);
        drain(h, live);
      }),
      { numRuns: 400 },
    );
  });

  it('with remote routes only, each MAC is installed towards the best route (sticky, sequence, lower VTEP)', () => {
    const remoteOnly = command.filter((c) => c.op === 'rt2' || c.op === 'vni' || c.op === 'localVtep');
    fc.assert(
      fc.property(fc.array(remoteOnly, { maxLength: 50 }), (commands) => {
        const h = new Harness({ duplicateDetection: { maxMoves: 1e9 } });
        h.addVni(550);
        const live = new Map<string, EvpnEngineRoute>();
        for (const c of commands) {
          run(h, c, live);
          // Oracle, written independently of the engine: filter by import RT, drop our own, best by the RFC order.
          for (const vni of h.engine.vnis) {
            const imports = h.engine.vniSnapshot(vni)!.importRts;
            for (const mac of MACS) {
              let best: EngineMacIpRoute | null = null;
              for (const r of live.values()) {
                if (r.type !== 'mac-ip' || r.mac !== mac || r.nextHop === h.engine.localVtep) continue;
                if (!r.routeTargets.some((rt) => imports.includes(rt) || imports.includes(`*:${rt.split(':')[1]}`))) continue;
                if (best === null || better(r, best)) best = r;
              }
              expect(h.installedVtep(mac, vni), `${vni} ${mac}`).to.equal(best?.nextHop);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

function better(a: EngineMacIpRoute, b: EngineMacIpRoute): boolean {
  const as = a.mobility?.sticky ?? false;
  const bs = b.mobility?.sticky ?? false;
  if (as !== bs) return as;
  const aq = a.mobility?.sequence ?? 0;
  const bq = b.mobility?.sequence ?? 0;
  if (aq !== bq) return aq > bq;
  return compareVtep(a.nextHop, b.nextHop) < 0;
}

describe('MAC-VRF engine: three sites wired together', () => {
  /** Carries every site's originated routes to the other sites' engines as Loc-RIB changes. */
  class Fabric {
    readonly sites: Harness[];
    constructor(vteps: string[]) {
      this.sites = vteps.map((vtep, i) => new Harness({ localVtep: vtep, routerId: `192.0.2.${i + 1}` }));
    }
    deliver(from: Harness, out: EngineOutput): void {
      from.apply(out);
      const changes = out.routes.map((c): RemoteRouteChange => (c.action === 'advertise' ? add(c.route) : withdraw(c.route)));
      for (const site of this.sites) {
        if (site === from || changes.length === 0) continue;
        this.deliver(site, site.engine.remoteRoutesChanged(changes, site.now));
      }
    }
  }

  it('converges as a host moves between IPv6 and IPv4 sites, with rising sequence numbers', () => {
    const f = new Fabric([LOCAL_V6, PEER_B, PEER_V4]);
    const [a, b, c] = f.sites as [Harness, Harness, Harness];
    for (const s of f.sites) f.deliver(s, s.engine.addVni({ vni: 550 }, s.now));
    for (const s of f.sites) {
      expect(s.engine.vniSnapshot(550)!.remoteVteps.filter((v) => v.flood && v.allowed)).to.have.length(2);
    }

    f.deliver(a, a.engine.localMacLearned({ vni: 550, mac: MAC1 }, a.now));
    expect([b.installedVtep(MAC1), c.installedVtep(MAC1)]).to.deep.equal([LOCAL_V6, LOCAL_V6]);

    f.deliver(b, b.engine.localMacLearned({ vni: 550, mac: MAC1 }, b.now));
    expect([a.installedVtep(MAC1), c.installedVtep(MAC1)]).to.deep.equal([PEER_B, PEER_B]);
    expect(a.engine.vniSnapshot(550)!.macs[0]).to.include({ type: 'remote', remoteSequence: 1 });

    f.deliver(c, c.engine.localMacLearned({ vni: 550, mac: MAC1 }, c.now));
    expect([a.installedVtep(MAC1), b.installedVtep(MAC1)]).to.deep.equal([PEER_V4, PEER_V4]);
    expect(c.engine.vniSnapshot(550)!.macs[0]).to.include({ type: 'local', localSequence: 2 });
    // Only the owner advertises the MAC.
    expect(f.sites.map((s) => [...s.advertised.values()].filter((r) => r.route.type === 'mac-ip').length)).to.deep.equal([0, 0, 1]);

    // Site C goes away: the others drop its routes (as a peer-down withdraw would).
    for (const s of f.sites) if (s !== c) s.remote(...[...c.advertised.values()].map((r) => withdraw(r.route)));
    for (const s of [a, b]) {
      expect(s.fdb.size).to.equal(0);
      expect(s.engine.vniSnapshot(550)!.remoteVteps.map((v) => v.vtep)).to.deep.equal([a, b].filter((x) => x !== s).map((x) => x.engine.localVtep));
    }
  });
});

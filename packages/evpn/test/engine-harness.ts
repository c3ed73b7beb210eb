// Test support for the MAC-VRF engine: a model dataplane and a model speaker that apply every
// output strictly (a remove of something absent, or an add of something present, fails the
// test) and check that what they hold equals the engine's snapshot after every call.
import { expect } from 'chai';
import { MacVrfEngine } from '../src/engine/index.js';
import type {
  EngineConfig,
  EngineEvent,
  EngineImetRoute,
  EngineMacIpRoute,
  EngineOutput,
  EvpnEngineRoute,
  ForwardingIntent,
  OriginatedRouteChange,
  RemoteRouteChange,
} from '../src/engine/index.js';

export const LOCAL_V6 = '2001:db8:0:1::11';
export const PEER_B = '2001:db8:0:2::11';
export const PEER_C = '2001:db8:0:3::11';
export const PEER_LOW = '2001:db8::5';
export const PEER_V4 = '192.0.2.2';
export const MAC1 = '02:00:00:00:00:01';
export const MAC2 = '02:00:00:00:00:02';
export const MAC3 = '02:00:00:00:00:03';

export function routeKey(r: EvpnEngineRoute): string {
  return r.type === 'mac-ip' ? `rt2|${r.rd}|${r.ethernetTag}|${r.mac}|${r.ip ?? ''}` : `rt3|${r.rd}|${r.ethernetTag}|${r.originator}`;
}

/** One line per intent: "+remoteMac 550 02:00:00:00:00:01 2001:db8:0:2::11", "-floodVtep 550 192.0.2.2". */
export function intentLine(i: ForwardingIntent): string {
  const sign = i.op === 'add' ? '+' : '-';
  return i.kind === 'remoteMac' ? `${sign}remoteMac ${i.vni} ${i.mac} ${i.vtep}` : `${sign}${i.kind} ${i.vni} ${i.vtep}`;
}

/** "adv rt2 550 02:00:00:00:00:01 nh=… seq=1 sticky", "wd rt3 550 orig=…". */
export function routeLine(c: OriginatedRouteChange): string {
  const verb = c.action === 'advertise' ? 'adv' : 'wd';
  const r = c.route;
  if (r.type === 'mac-ip') {
    const seq = r.mobility === null ? '-' : String(r.mobility.sequence);
    return `${verb} rt2 ${c.vni} ${r.mac}${r.ip !== null ? `/${r.ip}` : ''} nh=${r.nextHop} seq=${seq}${r.mobility?.sticky ? ' sticky' : ''}`;
  }
  return `${verb} rt3 ${c.vni} orig=${r.originator}`;
}

export function eventLine(e: EngineEvent): string {
  switch (e.kind) {
    case 'mac-move':
      return `move ${e.vni} ${e.mac} ${e.from} -> ${e.to}`;
    case 'mac-duplicate':
      return `duplicate ${e.vni} ${e.mac} at ${e.location} after ${e.moves}`;
    case 'mac-thawed':
      return `thawed ${e.vni} ${e.mac}`;
    case 'sticky-conflict':
      return `sticky-conflict ${e.vni} ${e.mac} owner=${e.owner} claimant=${e.claimant}`;
  }
}

export interface Lines {
  routes: string[];
  intents: string[];
  events: string[];
}

export interface RemoteMacOptions {
  seq?: number;
  sticky?: boolean;
  ip?: string;
  rd?: string;
  rts?: string[];
  vni?: number;
}

export function rt2(vtep: string, mac: string, o: RemoteMacOptions = {}): EngineMacIpRoute {
  const vni = o.vni ?? 550;
  return {
    type: 'mac-ip',
    rd: o.rd ?? `${vtep}:${vni}`,
    ethernetTag: 0,
    mac,
    ip: o.ip ?? null,
    label: vni,
    nextHop: vtep,
    routeTargets: o.rts ?? [`64512:${vni}`],
    mobility: o.seq === undefined && o.sticky === undefined ? null : { sequence: o.seq ?? 0, sticky: o.sticky ?? false },
  };
}

export function rt3(vtep: string, o: { vni?: number; rts?: string[]; rd?: string; tunnelType?: number; noPmsi?: boolean } = {}): EngineImetRoute {
  const vni = o.vni ?? 550;
  return {
    type: 'imet',
    rd: o.rd ?? `${vtep}:${vni}`,
    ethernetTag: 0,
    originator: vtep,
    pmsi: o.noPmsi ? null : { tunnelType: o.tunnelType ?? 6, label: vni, endpoint: vtep },
    nextHop: vtep,
    routeTargets: o.rts ?? [`64512:${vni}`],
  };
}

export const add = (route: EvpnEngineRoute): RemoteRouteChange => ({ action: 'add', route });
export const withdraw = (route: EvpnEngineRoute): RemoteRouteChange => ({ action: 'withdraw', route });

export class Harness {
  readonly engine: MacVrfEngine;
  /** Model dataplane: "vni mac" -> vtep, "vni vtep". */
  readonly fdb = new Map<string, string>();
  readonly flood = new Set<string>();
  readonly allow = new Set<string>();
  /** Model speaker: route key -> route we advertise. */
  readonly advertised = new Map<string, { vni: number; route: EvpnEngineRoute }>();
  readonly events: EngineEvent[] = [];
  now = 1_000_000;

  constructor(config: Partial<EngineConfig> = {}) {
    this.engine = new MacVrfEngine({ routerId: '192.0.2.1', asn: 64512, localVtep: LOCAL_V6, ...config });
  }

  /** Applies an output to the models (strictly), checks them against the snapshot, returns it as lines. */
  apply(out: EngineOutput): Lines {
    for (const i of out.intents) this.applyIntent(i);
    for (const c of out.routes) this.applyRoute(c);
    this.events.push(...out.events);
    this.checkAgainstSnapshot();
    return { routes: out.routes.map(routeLine), intents: out.intents.map(intentLine), events: out.events.map(eventLine) };
  }

  private applyIntent(i: ForwardingIntent): void {
    const line = intentLine(i);
    if (i.kind === 'remoteMac') {
      const key = `${i.vni} ${i.mac}`;
      if (i.op === 'add') {
        expect(this.fdb.has(key), `duplicate add: ${line}`).to.equal(false);
        this.fdb.set(key, i.vtep);
      } else {
        expect(this.fdb.get(key), `remove of something not installed: ${line}`).to.equal(i.vtep);
        this.fdb.delete(key);
      }
      return;
    }
    const set = i.kind === 'floodVtep' ? this.flood : this.allow;
    const key = `${i.vni} ${i.vtep}`;
    if (i.op === 'add') {
      expect(set.has(key), `duplicate add: ${line}`).to.equal(false);
      set.add(key);
    } else {
      expect(set.has(key), `remove of something not installed: ${line}`).to.equal(true);
      set.delete(key);
    }
  }

  private applyRoute(c: OriginatedRouteChange): void {
    const key = routeKey(c.route);
    if (c.action === 'advertise') {
      const old = this.advertised.get(key);
      if (old !== undefined) expect(old.route, `re-advertised unchanged: ${routeLine(c)}`).to.not.deep.equal(c.route);
      this.advertised.set(key, { vni: c.vni, route: c.route });
    } else {
      expect(this.advertised.has(key), `withdraw of something not advertised: ${routeLine(c)}`).to.equal(true);
      this.advertised.delete(key);
    }
  }

  checkAgainstSnapshot(): void {
    const fdb = new Map<string, string>();
    const flood = new Set<string>();
    const allow = new Set<string>();
    const advertised = new Map<string, { vni: number; route: EvpnEngineRoute }>();
    for (const s of this.engine.snapshot()) {
      for (const m of s.macs) if (m.type === 'remote' && m.vtep !== null) fdb.set(`${s.vni} ${m.mac}`, m.vtep);
      for (const v of s.remoteVteps) {
        if (v.flood) flood.add(`${s.vni} ${v.vtep}`);
        if (v.allowed) allow.add(`${s.vni} ${v.vtep}`);
      }
      for (const r of s.originated) advertised.set(routeKey(r), { vni: s.vni, route: r });
    }
    expect(sorted(this.fdb), 'fdb vs snapshot').to.deep.equal(sorted(fdb));
    expect([...this.flood].sort(), 'flood vs snapshot').to.deep.equal([...flood].sort());
    expect([...this.allow].sort(), 'allow vs snapshot').to.deep.equal([...allow].sort());
    expect(sorted(this.advertised), 'advertised vs snapshot').to.deep.equal(sorted(advertised));
  }

  // Shorthands that apply and return lines.
  addVni(vni = 550, extra: Record<string, unknown> = {}): Lines {
    return this.apply(this.engine.addVni({ vni, ...extra }, this.now));
  }
  learn(mac: string, o: { vni?: number; ip?: string; sticky?: boolean } = {}): Lines {
    return this.apply(this.engine.localMacLearned({ vni: o.vni ?? 550, mac, ...(o.ip ? { ip: o.ip } : {}), ...(o.sticky ? { sticky: true } : {}) }, this.now));
  }
  age(mac: string, o: { vni?: number; ip?: string } = {}): Lines {
    return this.apply(this.engine.localMacAged({ vni: o.vni ?? 550, mac, ...(o.ip ? { ip: o.ip } : {}) }, this.now));
  }
  remote(...changes: RemoteRouteChange[]): Lines {
    return this.apply(this.engine.remoteRoutesChanged(changes, this.now));
  }
  installedVtep(mac: string, vni = 550): string | undefined {
    return this.fdb.get(`${vni} ${mac}`);
  }
}

function sorted<V>(m: Map<string, V>): [string, V][] {
  return [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** A scenario row: an input and exactly the routes, intents and events it must produce (absent = none). */
export interface Step {
  name: string;
  do: (h: Harness) => Lines;
  routes?: string[];
  intents?: string[];
  events?: string[];
}

export function runScenario(h: Harness, steps: Step[]): void {
  for (const step of steps) {
    const got = step.do(h);
    expect(got.routes, `${step.name}: routes`).to.deep.equal(step.routes ?? []);
    expect(got.intents, `${step.name}: intents`).to.deep.equal(step.intents ?? []);
    expect(got.events, `${step.name}: events`).to.deep.equal(step.events ?? []);
  }
}


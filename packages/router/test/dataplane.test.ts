import { expect } from 'chai';
import type { ForwardingIntent } from '@evpn6/evpn';
import { KernelDataplane, NoneDataplane, foldIntents, emptyIntentTable } from '../src/dataplane/index.js';
import type { DataplaneEvent, RtnlChangeListener, RtnlOps } from '../src/dataplane/index.js';
import { AddressFamily, NetlinkKernelError, NtfFlag, NudState } from '../src/netlink/index.js';
import type { LinkMessage, NeighborMessage } from '../src/netlink/index.js';

const ENOENT = 2;
const VX = 10;
const BR = 5;
const PORT = 6;
const LOCAL = '2001:db8::1';

function vxlanLink(index: number, vni: number, local6: string, master: number | undefined = BR): LinkMessage {
  const l: LinkMessage = {
    kind: 'link',
    family: AddressFamily.unspec,
    deviceType: 1,
    index,
    flags: 0,
    change: 0,
    name: `vx${vni}`,
    linkInfo: { kind: 'vxlan', vxlan: { vni, local6, port: 4789, unknown: [] }, unknown: [] },
    unknown: [],
  };
  if (master !== undefined) l.master = master;
  return l;
}

function plainLink(index: number, name: string, master?: number): LinkMessage {
  const l: LinkMessage = { kind: 'link', family: AddressFamily.unspec, deviceType: 1, index, flags: 0, change: 0, name, unknown: [] };
  if (master !== undefined) l.master = master;
  return l;
}

function fdb(index: number, lladdr: string, extra: Partial<NeighborMessage> = {}): NeighborMessage {
  return { kind: 'neighbor', family: AddressFamily.bridge, index, state: NudState.reachable, flags: NtfFlag.master, ndmType: 0, lladdr, unknown: [], ...extra };
}

const CONTROL = { flags: NtfFlag.self | NtfFlag.extLearned, state: NudState.noarp | NudState.permanent };

/** An in-memory kernel: a link table and an FDB that the ops change like the real one would. */
class FakeKernel implements RtnlOps {
  links: LinkMessage[] = [];
  fdb: NeighborMessage[] = [];
  log: string[] = [];
  listener: RtnlChangeListener | undefined;
  failNext: Error | undefined;

  private check(): void {
    const e = this.failNext;
    this.failNext = undefined;
    if (e !== undefined) throw e;
  }

  listLinks(): Promise<LinkMessage[]> {
    return Promise.resolve([...this.links]);
  }
  listFdb(): Promise<NeighborMessage[]> {
    return Promise.resolve([...this.fdb]);
  }
  replaceRemoteMac(e: { device: number; mac: string; dst: string }): Promise<void> {
    this.check();
    this.log.push(`replace ${e.mac} ${e.dst}`);
    this.fdb = this.fdb.filter((n) => !(n.index === e.device && n.lladdr === e.mac));
    this.fdb.push(fdb(e.device, e.mac, { ...CONTROL, dst: e.dst }));
    return Promise.resolve();
  }
  deleteRemoteMac(e: { device: number; mac: string }): Promise<void> {
    this.check();
    this.log.push(`del ${e.mac}`);
    const before = this.fdb.length;
    this.fdb = this.fdb.filter((n) => !(n.index === e.device && n.lladdr === e.mac));
    return before === this.fdb.length ? Promise.reject(new NetlinkKernelError(ENOENT, 29)) : Promise.resolve();
  }
  addFloodEntry(e: { device: number; dst: string }): Promise<void> {
    this.check();
    this.log.push(`flood+ ${e.dst}`);
    this.fdb.push(fdb(e.device, '00:00:00:00:00:00', { ...CONTROL, dst: e.dst }));
    return Promise.resolve();
  }
  deleteFloodEntry(e: { device: number; dst: string }): Promise<void> {
    this.check();
    this.log.push(`flood- ${e.dst}`);
    this.fdb = this.fdb.filter((n) => !(n.index === e.device && n.lladdr === '00:00:00:00:00:00' && n.dst === e.dst));
    return Promise.resolve();
  }
  watch(listener: RtnlChangeListener): () => void {
    this.listener = listener;
    return () => {
      this.listener = undefined;
    };
  }
  /** Entries on the vxlan device, as `mac>dst` text, sorted. */
  vxlanEntries(device = VX): string[] {
    return this.fdb.filter((n) => n.index === device).map((n) => `${n.lladdr}>${n.dst}`).sort();
  }
}

function setup(): { kernel: FakeKernel; dp: KernelDataplane; events: DataplaneEvent[] } {
  const kernel = new FakeKernel();
  kernel.links = [plainLink(BR, 'br0'), plainLink(PORT, 'veth0', BR), vxlanLink(VX, 550, LOCAL)];
  const dp = new KernelDataplane(kernel);
  const events: DataplaneEvent[] = [];
  dp.on((e) => events.push(e));
  return { kernel, dp, events };
}

const mac = (vni: number, m: string, vtep: string, op: 'add' | 'remove' = 'add'): ForwardingIntent => ({ kind: 'remoteMac', op, vni, mac: m, vtep });
const flood = (vni: number, vtep: string, op: 'add' | 'remove' = 'add'): ForwardingIntent => ({ kind: 'floodVtep', op, vni, vtep });

describe('dataplane: intent folding', () => {
  it('a late remove of the old VTEP does not drop a moved MAC', () => {
    const t = emptyIntentTable();
    foldIntents(t, [mac(1, '02:00:00:00:00:01', '2001:db8::a'), mac(1, '02:00:00:00:00:01', '2001:db8::b')]);
    const touched = foldIntents(t, [mac(1, '02:00:00:00:00:01', '2001:db8::a', 'remove')]);
    expect(t.remoteMacs.get(1)?.get('02:00:00:00:00:01')).to.equal('2001:db8::b');
    expect(touched).to.deep.equal([{ kind: 'remoteMac', vni: 1, mac: '02:00:00:00:00:01' }]);
  });

  it('normalizes MAC text and ignores allowVtep', () => {
    const t = emptyIntentTable();
    const touched = foldIntents(t, [mac(2, '02:AA:00:00:00:01', '2001:db8::a'), { kind: 'allowVtep', op: 'add', vni: 2, vtep: '2001:db8::a' }]);
    expect([...(t.remoteMacs.get(2)?.keys() ?? [])]).to.deep.equal(['02:aa:00:00:00:01']);
    expect(touched).to.have.length(1);
  });
});

describe('dataplane: KernelDataplane with a fake kernel', () => {
  it('discovers the VNI with its local VTEP and programs and removes intents', async () => {
    const { kernel, dp, events } = setup();
    await dp.start();
    expect(events).to.deep.include({ kind: 'vni-added', info: { vni: 550, localVtep: LOCAL, port: 4789, device: 'vx550' } });
    await dp.apply([mac(550, '02:00:00:00:00:01', '2001:db8::2'), flood(550, '2001:db8::2'), flood(550, '2001:db8::3')]);
    expect(kernel.vxlanEntries()).to.deep.equal(['00:00:00:00:00:00>2001:db8::2', '00:00:00:00:00:00>2001:db8::3', '02:00:00:00:00:01>2001:db8::2']);
    expect(dp.stats()).to.include({ vnis: 1, remoteMacs: 1, floodEntries: 2 });
    await dp.apply([mac(550, '02:00:00:00:00:01', '2001:db8::2', 'remove'), flood(550, '2001:db8::2', 'remove')]);
    expect(kernel.vxlanEntries()).to.deep.equal(['00:00:00:00:00:00>2001:db8::3']);
    await dp.stop();
    expect(kernel.vxlanEntries()).to.deep.equal([]);
    expect(kernel.listener).to.equal(undefined);
  });

  it('reconciles at start: stale extern_learn and flood entries go, foreign and wanted ones stay', async () => {
    const { kernel, dp } = setup();
    kernel.fdb = [
      fdb(VX, '02:00:00:00:00:09', { ...CONTROL, dst: '2001:db8::9' }),
      fdb(VX, '00:00:00:00:00:00', { ...CONTROL, dst: '2001:db8::9' }),
      fdb(VX, '02:00:00:00:00:01', { ...CONTROL, dst: '2001:db8::2' }),
      // Learned by the vxlan device itself (not extern_learn): not ours to remove.
      fdb(VX, '02:00:00:00:00:07', { flags: NtfFlag.self, dst: '2001:db8::7' }),
    ];
    // Intent that arrives before start is held and reconciled against the kernel.
    void dp.apply([mac(550, '02:00:00:00:00:01', '2001:db8::2')]);
    await dp.start();
    expect(kernel.vxlanEntries()).to.deep.equal(['02:00:00:00:00:01>2001:db8::2', '02:00:00:00:00:07>2001:db8::7']);
    expect(kernel.log).to.deep.equal(['del 02:00:00:00:00:09', 'flood- 2001:db8::9']);
    expect(dp.stats()).to.include({ staleRemoved: 2, remoteMacs: 1 });
  });

  it('learns and ages local MACs only from non-vxlan bridge ports', async () => {
    const { kernel, dp, events } = setup();
    kernel.fdb = [fdb(PORT, '02:00:00:00:00:10'), fdb(PORT, '02:00:00:00:00:11', { state: NudState.permanent })];
    await dp.start();
    const l = kernel.listener!;
    l.neighbor(fdb(PORT, '02:00:00:00:00:12'), false);
    l.neighbor(fdb(PORT, '02:00:00:00:00:12'), false); // refresh: no second event
    l.neighbor(fdb(PORT, '02:00:00:00:00:13', { flags: NtfFlag.self }), false);
    l.neighbor(fdb(PORT, '02:00:00:00:00:14', { flags: NtfFlag.master | NtfFlag.extLearned }), false);
    l.neighbor(fdb(VX, '02:00:00:00:00:15'), false);
    l.neighbor(fdb(BR, '02:00:00:00:00:16', { master: BR }), false);
    l.neighbor(fdb(PORT, '02:00:00:00:00:10'), true);
    const macEvents = events.filter((e) => e.kind === 'mac-learned' || e.kind === 'mac-aged');
    expect(macEvents).to.deep.equal([
      { kind: 'mac-learned', vni: 550, mac: '02:00:00:00:00:10', port: 'veth0' },
      { kind: 'mac-learned', vni: 550, mac: '02:00:00:00:00:12', port: 'veth0' },
      { kind: 'mac-aged', vni: 550, mac: '02:00:00:00:00:10' },
    ]);
    expect(dp.stats().localMacs).to.equal(1);
  });

  it('follows VNI add, local address change and removal at run time', async () => {
    const { kernel, dp, events } = setup();
    await dp.start();
    await dp.apply([flood(660, '2001:db8::5')]);
    expect(kernel.vxlanEntries(11)).to.deep.equal([]);
    const l = kernel.listener!;
    l.link(vxlanLink(11, 660, LOCAL), false);
    await dp.apply([]);
    expect(kernel.vxlanEntries(11)).to.deep.equal(['00:00:00:00:00:00>2001:db8::5']);
    l.link(vxlanLink(11, 660, '2001:db8::99'), false);
    // An AF_BRIDGE DELLINK only means "left the bridge"; it must not remove the segment.
    l.link({ ...vxlanLink(11, 660, '2001:db8::99'), family: AddressFamily.bridge }, true);
    l.link(vxlanLink(11, 660, '2001:db8::99'), true);
    expect(events.filter((e) => e.kind !== 'vni-added' || e.info.vni === 660)).to.deep.equal([
      { kind: 'vni-added', info: { vni: 660, localVtep: LOCAL, port: 4789, device: 'vx660' } },
      { kind: 'local-vtep-changed', vni: 660, localVtep: '2001:db8::99' },
      { kind: 'vni-removed', vni: 660 },
    ]);
    expect(dp.vnis().map((v) => v.vni)).to.deep.equal([550]);
  });

  it('re-installs an entry someone else deleted and never re-adds a removed one', async () => {
    const { kernel, dp } = setup();
    await dp.start();
    await dp.apply([mac(550, '02:00:00:00:00:01', '2001:db8::2')]);
    kernel.fdb = [];
    kernel.listener!.neighbor(fdb(VX, '02:00:00:00:00:01', { ...CONTROL, dst: '2001:db8::2' }), true);
    await dp.apply([]);
    expect(kernel.vxlanEntries()).to.deep.equal(['02:00:00:00:00:01>2001:db8::2']);
    await dp.apply([mac(550, '02:00:00:00:00:01', '2001:db8::2', 'remove')]);
    kernel.listener!.neighbor(fdb(VX, '02:00:00:00:00:01', { ...CONTROL, dst: '2001:db8::2' }), true);
    await dp.apply([]);
    expect(kernel.vxlanEntries()).to.deep.equal([]);
  });

  it('reports a kernel failure as an event, retries on resync, and ignores ENOENT on delete', async () => {
    const { kernel, dp, events } = setup();
    await dp.start();
    kernel.failNext = new NetlinkKernelError(105, 28);
    await dp.apply([mac(550, '02:00:00:00:00:01', '2001:db8::2')]);
    expect(events.filter((e) => e.kind === 'error')).to.have.length(1);
    expect(kernel.vxlanEntries()).to.deep.equal([]);
    await dp.resync();
    expect(kernel.vxlanEntries()).to.deep.equal(['02:00:00:00:00:01>2001:db8::2']);
    kernel.fdb = [];
    await dp.apply([mac(550, '02:00:00:00:00:01', '2001:db8::2', 'remove')]);
    expect(dp.stats()).to.include({ remoteMacs: 0, errors: 1 });
  });

  it('keeps the kernel equal to the intent under random churn', async () => {
    const { kernel, dp } = setup();
    await dp.start();
    const vteps = ['2001:db8::a', '2001:db8::b', '2001:db8::c'];
    const macs = ['02:00:00:00:00:01', '02:00:00:00:00:02', '02:00:00:00:00:03'];
    const where = new Map<string, string>();
    const floods = new Set<string>();
    let seed = 7;
    const rnd = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (let round = 0; round < 200; round++) {
      const intents: ForwardingIntent[] = [];
      const m = macs[rnd(3)]!;
      const v = vteps[rnd(3)]!;
      const old = where.get(m);
      if (old !== undefined) intents.push(mac(550, m, old, 'remove'));
      if (old === undefined || rnd(2) === 0) {
        intents.push(mac(550, m, v));
        where.set(m, v);
      } else where.delete(m);
      const f = vteps[rnd(3)]!;
      intents.push(flood(550, f, floods.has(f) ? 'remove' : 'add'));
      if (floods.has(f)) floods.delete(f);
      else floods.add(f);
      void dp.apply(intents);
    }
    await dp.apply([]);
    const expected = [...[...where].map(([m, v]) => `${m}>${v}`), ...[...floods].map((v) => `00:00:00:00:00:00>${v}`)].sort();
    expect(kernel.vxlanEntries()).to.deep.equal(expected);
  });
});

describe('dataplane: NoneDataplane', () => {
  it('keeps the intent in memory and announces configured segments', async () => {
    const dp = new NoneDataplane([{ vni: 7, localVtep: LOCAL, port: 4789, device: 'none' }]);
    const events: DataplaneEvent[] = [];
    dp.on((e) => events.push(e));
    await dp.start();
    await dp.apply([mac(7, '02:00:00:00:00:01', '2001:db8::2'), flood(7, '2001:db8::2'), flood(7, '2001:db8::3', 'add')]);
    await dp.apply([flood(7, '2001:db8::3', 'remove')]);
    expect(events).to.deep.equal([{ kind: 'vni-added', info: { vni: 7, localVtep: LOCAL, port: 4789, device: 'none' } }]);
    expect(dp.stats()).to.include({ vnis: 1, remoteMacs: 1, floodEntries: 1 });
    await dp.stop();
    expect(dp.stats()).to.include({ remoteMacs: 0, floodEntries: 0 });
  });
});

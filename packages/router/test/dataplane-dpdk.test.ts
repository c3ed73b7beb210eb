import { expect } from 'chai';
import type { ForwardingIntent } from '@evpn6/evpn';
import { dataplane, netlink, type forwarder } from '@evpn6/router';
import { until } from './support/until.js';

type Command = forwarder.ForwarderCommand;

/** A forwarder that records commands and lets the test push MAC events, as the lcore would. */
class FakeForwarder implements dataplane.ForwarderHandle {
  readonly commands: Command[] = [];
  options: forwarder.ForwarderOptions | undefined;
  refuse: ((c: Command) => boolean) | undefined;
  stopped = false;
  private listener: ((events: forwarder.MacEvent[]) => void) | undefined;

  apply(commands: readonly Command[]): Promise<forwarder.CommandFailure[]> {
    this.commands.push(...commands);
    const failures = commands
      .map((command, index) => ({ command, index }))
      .filter((x) => this.refuse?.(x.command) === true)
      .map((x) => ({ ...x, error: new (class extends Error {
        readonly code = 'ERR_FORWARDER_ENOSPC';
      })('table full') as unknown as forwarder.ForwarderNativeError }));
    return Promise.resolve(failures);
  }

  onMacEvents(listener: (events: forwarder.MacEvent[]) => void): () => void {
    this.listener = listener;
    return () => (this.listener = undefined);
  }

  push(events: forwarder.MacEvent[]): void {
    this.listener?.(events);
  }

  stats(): forwarder.ForwarderStats {
    const port = { rx: 1, tx: 2, txDropped: 0, toTap: 3, fromTap: 4, tapDropped: 0, encapsulated: 0, delivered: 0, vni: -1 };
    return {
      reasons: { 'vtep-not-allowed': 7, truncated: 0 },
      underlayRx: 10,
      delivered: 9,
      exceptions: 1,
      pending: 0,
      reassembled: 5,
      lanRx: 8,
      encapsulated: 8,
      flooded: 2,
      fragmentsOut: 16,
      underlay: port,
      lan: [port],
      noMbuf: 0,
      commands: this.commands.length,
      commandErrors: 0,
      eventsLost: 0,
      polls: 100,
      fdbEntries: 3,
      reassemblyInFlight: 0,
    };
  }

  stop(): Promise<void> {
    this.stopped = true;
    return Promise.resolve();
  }
}

const config = {
  ealArgs: ['--no-huge', '--vdev', 'net_af_packet0,iface=enp1s0'],
  underlay: { device: 'net_af_packet0', tap: 'tnp1s0' },
  lan: [
    { device: 'net_af_packet1', tap: 'tnp4s0', vni: 550 },
    { device: 'net_af_packet2', vni: 551 },
  ],
  mtu: 1500,
  idleSleepUs: 20,
};

async function started(state: { current: dataplane.UnderlayState }) {
  const fwd = new FakeForwarder();
  const dp = new dataplane.DpdkDataplane({
    config,
    startForwarder: (o) => {
      fwd.options = o;
      return Promise.resolve(fwd);
    },
    probe: () => Promise.resolve(state.current),
    probeIntervalMs: 20,
    idleSleepUs: config.idleSleepUs,
  });
  const events: dataplane.DataplaneEvent[] = [];
  dp.on((e) => events.push(e));
  await dp.start();
  return { fwd, dp, events };
}

describe('dataplane: DPDK driver (fake forwarder)', () => {
  it('starts the forwarder with the configured ports, binds the VNIs, sets MTU, VTEP and next hop', async () => {
    const { fwd, dp, events } = await started({ current: { localVtep: '2001:db8:0:1::11', nextHopMac: '02:00:00:00:00:fe' } });
    expect(fwd.options).to.deep.include({ ealArgs: config.ealArgs, underlay: config.underlay, idleSleepUs: 20 });
    expect(fwd.options!.lan).to.deep.equal([{ device: 'net_af_packet1', tap: 'tnp4s0' }, { device: 'net_af_packet2' }]);
    expect(fwd.commands).to.deep.equal([
      { op: 'setMtu', mtu: 1500 },
      { op: 'bindVni', vni: 550, port: 0 },
      { op: 'bindVni', vni: 551, port: 1 },
      { op: 'setLocalVtep', address: '2001:db8:0:1::11' },
      { op: 'setUnderlayNextHop', mac: '02:00:00:00:00:fe' },
    ]);
    expect(events.filter((e) => e.kind === 'vni-added')).to.deep.equal([
      { kind: 'vni-added', info: { vni: 550, localVtep: '2001:db8:0:1::11', port: 4789, device: 'tnp4s0' } },
      { kind: 'vni-added', info: { vni: 551, localVtep: '2001:db8:0:1::11', port: 4789, device: 'net_af_packet2' } },
    ]);
    await dp.stop();
    expect(fwd.stopped).to.equal(true);
  });

  it('follows the TAP: an address that arrives later, renumbering, a new gateway MAC', async () => {
    const state = { current: { localVtep: null, nextHopMac: null } as dataplane.UnderlayState };
    const { fwd, dp, events } = await started(state);
    expect(events.filter((e) => e.kind === 'vni-added').map((e) => e.kind === 'vni-added' && e.info.localVtep)).to.deep.equal([null, null]);
    state.current = { localVtep: '2001:db8:0:1::11', nextHopMac: '02:00:00:00:00:fe' };
    await until('the VTEP', () => fwd.commands.some((c) => c.op === 'setLocalVtep'));
    await until('the events', () => events.filter((e) => e.kind === 'local-vtep-changed').length === 2);
    state.current = { localVtep: '2001:db8:0:1::99', nextHopMac: '02:00:00:00:00:fd' };
    await until('renumbering', () => fwd.commands.filter((c) => c.op === 'setLocalVtep').length === 2);
    expect(fwd.commands.filter((c) => c.op === 'setUnderlayNextHop').map((c) => c.op === 'setUnderlayNextHop' && c.mac)).to.deep.equal(['02:00:00:00:00:fe', '02:00:00:00:00:fd']);
    expect(dp.vnis()[0]!.localVtep).to.equal('2001:db8:0:1::99');
    await dp.stop();
  });

  it('intents become forwarder commands in order; refusals are error events', async () => {
    const { fwd, dp, events } = await started({ current: { localVtep: '2001:db8:0:1::11', nextHopMac: null } });
    fwd.commands.length = 0;
    fwd.refuse = (c) => c.op === 'addRemoteMac' && c.mac === '02:00:00:00:00:99';
    const intents: ForwardingIntent[] = [
      { kind: 'allowVtep', op: 'add', vni: 550, vtep: '2001:db8:0:2::11' },
      { kind: 'floodVtep', op: 'add', vni: 550, vtep: '2001:db8:0:2::11' },
      { kind: 'remoteMac', op: 'add', vni: 550, mac: '02:00:00:00:00:02', vtep: '2001:db8:0:2::11' },
      { kind: 'remoteMac', op: 'add', vni: 550, mac: '02:00:00:00:00:99', vtep: '2001:db8:0:2::11' },
    ];
    await dp.apply(intents);
    expect(fwd.commands.map((c) => c.op)).to.deep.equal(['addAllowedVtep', 'addFloodVtep', 'addRemoteMac', 'addRemoteMac']);
    expect(events.filter((e) => e.kind === 'error').map((e) => e.kind === 'error' && (e.error as { code?: string }).code)).to.deep.equal(['ERR_FORWARDER_ENOSPC']);
    const stats = dp.stats();
    expect(stats).to.include({ vnis: 2, remoteMacs: 2, floodEntries: 1, errors: 1 });
    expect(stats.counters).to.include({ 'reason.vtep-not-allowed': 7, fragmentsSent: 16, datagramsReassembled: 5 });
    await dp.stop();
  });

  it('MAC events from the lcore become local MACs of the right VNI and port', async () => {
    const { fwd, dp, events } = await started({ current: { localVtep: '2001:db8:0:1::11', nextHopMac: null } });
    fwd.push([
      { kind: 'mac-learned', vni: 550, mac: '02:00:00:00:00:0a', port: 0 },
      { kind: 'mac-moved', vni: 551, mac: '02:00:00:00:00:0b', port: 1 },
      { kind: 'mac-aged', vni: 550, mac: '02:00:00:00:00:0a', port: 0 },
    ]);
    expect(events.filter((e) => e.kind.startsWith('mac-'))).to.deep.equal([
      { kind: 'mac-learned', vni: 550, mac: '02:00:00:00:00:0a', port: 'tnp4s0' },
      { kind: 'mac-learned', vni: 551, mac: '02:00:00:00:00:0b', port: 'net_af_packet2' },
      { kind: 'mac-aged', vni: 550, mac: '02:00:00:00:00:0a' },
    ]);
    expect(dp.stats().localMacs).to.equal(1);
    await dp.stop();
  });
});

describe('dataplane: the underlay TAP read from netlink messages', () => {
  const addr = (family: number, address: string, flags = 0, scope = 0): netlink.AddressMessage => ({
    kind: 'address',
    family,
    prefixLength: 64,
    flags,
    scope,
    index: 7,
    address,
    unknown: [],
  });
  const neigh = (dst: string, lladdr: string, flags: number, state: number): netlink.NeighborMessage => ({
    kind: 'neighbor',
    family: netlink.AddressFamily.inet6,
    index: 7,
    state,
    flags,
    ndmType: 1,
    dst,
    lladdr,
    unknown: [],
  });
  const { inet, inet6 } = netlink.AddressFamily;

  it('the VTEP: the lowest usable global IPv6 address, else IPv4; never link-local, tentative or deprecated', () => {
    const s = dataplane.underlayStateOf(
      [
        addr(inet6, 'fe80::1', 0, 253),
        addr(inet6, '2001:db8:0:1::5', netlink.IfaFlag.tentative),
        addr(inet6, '2001:db8:0:1::4', netlink.IfaFlag.deprecated),
        addr(inet6, '2001:db8:0:1::11'),
        addr(inet6, '2001:db8:0:1::12'),
        addr(inet, '192.0.2.1'),
      ],
      [],
    );
    expect(s.localVtep).to.equal('2001:db8:0:1::11');
    expect(dataplane.underlayStateOf([addr(inet6, 'fe80::1', 0, 253), addr(inet, '192.0.2.1')], []).localVtep).to.equal('192.0.2.1');
    expect(dataplane.underlayStateOf([], []).localVtep).to.equal(null);
  });

  it('the next hop: a resolved neighbour flagged as a router', () => {
    const { router } = netlink.NtfFlag;
    const { reachable, stale, failed, incomplete } = netlink.NudState;
    const s = dataplane.underlayStateOf(
      [],
      [
        neigh('2001:db8:0:1::20', '02:00:00:00:00:20', 0, reachable),
        neigh('2001:db8:0:1::1', '02:00:00:00:00:01', router, failed),
        neigh('2001:db8:0:1::2', '02:00:00:00:00:02', router, incomplete),
        neigh('fe80::3', '02:00:00:00:00:03', router, stale),
      ],
    );
    expect(s.nextHopMac).to.equal('02:00:00:00:00:03');
    expect(dataplane.underlayStateOf([], [neigh('2001:db8:0:1::20', '02:00:00:00:00:20', 0, reachable)]).nextHopMac).to.equal(null);
  });
});

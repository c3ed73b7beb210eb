/**
 * KernelDataplane against a real kernel, inside a namespace: VNI discovery from a bridge + vxlan
 * device, remote MAC and flood programming checked with `bridge -j fdb show`, clean removal,
 * start-up reconciliation of a stale extern_learn entry, and a local MAC learned from a host ping.
 * The dataplane runs in test/support/dataplane-agent.ts, started with `ip netns exec`.
 */
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import type { ForwardingIntent } from '@evpn6/evpn';
import { netlink } from '@evpn6/router';
import type { dataplane } from '@evpn6/router';
import { NamespaceAgent } from './support/ns-agent.js';
import { NetnsLab } from './support/netns.js';
import { requirePrereqs } from './support/prereq.js';
import { waitFor } from './support/processes.js';

const AGENT = fileURLToPath(new URL('./support/dataplane-agent.ts', import.meta.url));
const HOST_MAC = '02:00:5e:00:53:77';
const LOCAL_VTEP = '2001:db8::1';


type Agent = NamespaceAgent<dataplane.DataplaneEvent>;

interface BridgeFdb {
  mac: string;
  dst?: string;
  flags: string[];
}

describe('KernelDataplane in a namespace', function () {
  this.timeout(60000);
  const lab = new NetnsLab();
  let r = '';
  let h = '';
  let agent: Agent;

  /** Control-plane entries on vx0 as `mac>dst`, sorted. */
  const vxlanEntries = () =>
    (JSON.parse(lab.exec(r, 'bridge', '-j', 'fdb', 'show', 'dev', 'vx0')) as BridgeFdb[])
      .filter((e) => e.dst !== undefined)
      .map((e) => `${e.mac}>${e.dst}${e.flags.includes('extern_learn') ? ' ext' : ''}`)
      .sort();

  const intents: ForwardingIntent[] = [
    { kind: 'remoteMac', op: 'add', vni: 550, mac: '02:00:5e:00:53:a1', vtep: '2001:db8::2' },
    { kind: 'floodVtep', op: 'add', vni: 550, vtep: '2001:db8::2' },
    { kind: 'floodVtep', op: 'add', vni: 550, vtep: '2001:db8::3' },
    { kind: 'allowVtep', op: 'add', vni: 550, vtep: '2001:db8::2' },
  ];

  before(async function () {
    requirePrereqs(this, { root: true, binaries: ['ip', 'bridge', 'ping'] });
    const why = netlink.nativeNetlinkUnavailable();
    if (why !== null) throw new Error(`dataplane tests need the native addon: ${why}`);
    r = lab.add('r');
    h = lab.add('h');
    lab.ip(r, 'link', 'add', 'br0', 'type', 'bridge');
    lab.ip(r, 'link', 'add', 'u0', 'type', 'veth', 'peer', 'name', 'u1');
    lab.ip(r, 'link', 'set', 'u0', 'up');
    lab.ip(r, 'link', 'set', 'u1', 'up');
    lab.ip(r, 'addr', 'add', `${LOCAL_VTEP}/64`, 'dev', 'u0', 'nodad');
    lab.ip(r, 'link', 'add', 'vx0', 'type', 'vxlan', 'id', '550', 'local', LOCAL_VTEP, 'dstport', '4789', 'nolearning');
    lab.ip(r, 'link', 'set', 'vx0', 'master', 'br0');
    lab.ip(r, 'link', 'set', 'vx0', 'up');
    lab.veth(r, 'p0', h, 'eth0', undefined, HOST_MAC);
    lab.ip(r, 'link', 'set', 'p0', 'master', 'br0');
    lab.ip(r, 'link', 'set', 'br0', 'up');
    lab.ip(r, 'addr', 'add', '2001:db8:5::1/64', 'dev', 'br0', 'nodad');
    lab.ip(h, 'addr', 'add', '2001:db8:5::2/64', 'dev', 'eth0', 'nodad');
    agent = await NamespaceAgent.start(r, AGENT, (m) => m.event as dataplane.DataplaneEvent);
  });

  after(async () => {
    await agent?.stop();
    lab.teardown();
  });

  it('discovers VNI 550 with its IPv6 local VTEP', async () => {
    const vnis = await agent.call<dataplane.VniInfo[]>('start');
    const ifindex = Number(lab.exec(r, 'cat', '/sys/class/net/vx0/ifindex').trim());
    const bridgeIfindex = Number(lab.exec(r, 'cat', '/sys/class/net/br0/ifindex').trim());
    expect(vnis).to.deep.equal([{ vni: 550, localVtep: LOCAL_VTEP, port: 4789, device: 'vx0', ifindex, bridge: { name: 'br0', ifindex: bridgeIfindex } }]);
    // The event says what the device is; where it sits (indexes, bridge) is read from vnis().
    expect(agent.events).to.deep.include({ kind: 'vni-added', info: { vni: 550, localVtep: LOCAL_VTEP, port: 4789, device: 'vx0' } });
  });

  it('programs remote MAC and flood intents as extern_learn / all-zero entries', async () => {
    const stats = await agent.call<dataplane.DataplaneStats>('apply', { intents });
    expect(stats).to.include({ remoteMacs: 1, floodEntries: 2, errors: 0 });
    expect(vxlanEntries()).to.deep.equal(['00:00:00:00:00:00>2001:db8::2 ext', '00:00:00:00:00:00>2001:db8::3 ext', '02:00:5e:00:53:a1>2001:db8::2 ext']);
  });

  it('removes them on withdraw', async () => {
    const removes = intents.map((i) => ({ ...i, op: 'remove' }));
    const stats = await agent.call<dataplane.DataplaneStats>('apply', { intents: removes });
    expect(stats).to.include({ remoteMacs: 0, floodEntries: 0 });
    expect(vxlanEntries()).to.deep.equal([]);
  });

  it('after a crash, a restart reconciles a stale extern_learn entry away', async () => {
    await agent.call('apply', { intents });
    await agent.call('crash');
    lab.exec(r, 'bridge', 'fdb', 'add', '02:00:5e:00:53:b2', 'dev', 'vx0', 'dst', '2001:db8::9', 'self', 'extern_learn');
    expect(vxlanEntries()).to.have.length(4);
    await agent.call('start');
    const stats = await agent.call<dataplane.DataplaneStats>('stats');
    expect(stats).to.include({ staleRemoved: 4, remoteMacs: 0, floodEntries: 0 });
    expect(vxlanEntries()).to.deep.equal([]);
  });

  it('learns the MAC of a host that pings over a bridge port, and sees it go', async () => {
    lab.tryExec(r, 'bridge', 'fdb', 'del', HOST_MAC, 'dev', 'p0', 'master');
    const from = agent.events.length;
    lab.tryExec(h, 'ping', '-6', '-c', '1', '-W', '1', '2001:db8:5::1');
    const e = await waitFor(
      'mac-learned',
      () => agent.events.slice(from).find((x) => x.kind === 'mac-learned' && x.mac === HOST_MAC),
      10000,
      50,
    );
    expect(e).to.deep.equal({ kind: 'mac-learned', vni: 550, mac: HOST_MAC, port: 'p0' });
    // The entry going away (as ageing or a flush does it) is a mac-aged event.
    const before = agent.events.length;
    lab.exec(r, 'bridge', 'fdb', 'del', HOST_MAC, 'dev', 'p0', 'master');
    const aged = await waitFor('mac-aged', () => agent.events.slice(before).find((x) => x.kind === 'mac-aged' && x.mac === HOST_MAC), 10000, 50);
    expect(aged).to.deep.equal({ kind: 'mac-aged', vni: 550, mac: HOST_MAC });
  });

  it('follows a vxlan device added, its local address changed, and removed at run time', async () => {
    const seen = (what: string, match: (e: dataplane.DataplaneEvent) => boolean) => {
      const from = agent.events.length;
      return () => waitFor(what, () => agent.events.slice(from).find(match), 10000, 50);
    };
    const added = seen('vni-added 660', (e) => e.kind === 'vni-added' && e.info.vni === 660);
    lab.ip(r, 'link', 'add', 'vx1', 'type', 'vxlan', 'id', '660', 'local', LOCAL_VTEP, 'dstport', '4789', 'nolearning');
    expect(await added()).to.deep.equal({ kind: 'vni-added', info: { vni: 660, localVtep: LOCAL_VTEP, port: 4789, device: 'vx1' } });
    // The kernel only notifies changes of a device that is up (a down one is re-read when it comes up).
    lab.ip(r, 'link', 'set', 'vx1', 'up');
    const changed = seen('local-vtep-changed 660', (e) => e.kind === 'local-vtep-changed');
    lab.ip(r, 'link', 'set', 'vx1', 'type', 'vxlan', 'local', '2001:db8::7');
    expect(await changed()).to.deep.equal({ kind: 'local-vtep-changed', vni: 660, localVtep: '2001:db8::7' });
    const removed = seen('vni-removed 660', (e) => e.kind === 'vni-removed');
    lab.ip(r, 'link', 'del', 'vx1');
    expect(await removed()).to.deep.equal({ kind: 'vni-removed', vni: 660 });
  });

  it('stop removes everything it installed', async () => {
    await agent.call('apply', { intents });
    expect(vxlanEntries()).to.have.length(3);
    await agent.call('stop');
    expect(vxlanEntries()).to.deep.equal([]);
  });
});

/**
 * @evpn6/router's netlink API against a real kernel, inside a namespace: FDB programming of a
 * vxlan device checked with `bridge -j fdb show`, links with `ip -d -j link show`, and multicast
 * notifications for a new vxlan device, a MAC the bridge learns, and new addresses.
 * The API runs in test/netlink-agent.ts, started inside the namespace with `ip netns exec`.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { netlink } from '@evpn6/router';
import { NamespaceAgent } from './support/ns-agent.js';
import { NetnsLab } from './support/netns.js';
import { requirePrereqs } from './support/prereq.js';
import { waitFor } from './support/processes.js';

const AGENT = fileURLToPath(new URL('./netlink-agent.ts', import.meta.url));
const HOST_MAC = '02:00:5e:00:53:77';


/** The agent process: JSON lines in, JSON lines out. */
type NetlinkEvent = { event: string; type?: number; body?: Record<string, unknown>; code?: string };
type Agent = NamespaceAgent<NetlinkEvent>;

interface BridgeFdb {
  mac: string;
  dst?: string;
  flags: string[];
  master?: string;
  state?: string;
}

interface IpLink {
  ifindex: number;
  ifname: string;
  mtu: number;
  address: string;
  master?: string;
  linkinfo?: { info_kind?: string; info_slave_kind?: string; info_data?: { id?: number; local6?: string; local?: string; port?: number; learning?: boolean } };
}

type Link = netlink.LinkMessage;
type Neighbor = netlink.NeighborMessage;

function macOf(i: number): string {
  return `02:00:5e:01:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`;
}

describe('netlink in a namespace: FDB programming and monitoring', function () {
  this.timeout(60000);
  const lab = new NetnsLab();
  let r = '';
  let h = '';
  let agent: Agent;
  let vx0 = 0;
  let tmp = '';

  const bridgeFdb = (dev: string) => JSON.parse(lab.exec(r, 'bridge', '-j', 'fdb', 'show', 'dev', dev)) as BridgeFdb[];
  const selfEntries = (dev: string) => bridgeFdb(dev).filter((e) => e.flags.includes('self'));
  const ifindex = (ns: string, dev: string) => (JSON.parse(lab.ip(ns, '-j', 'link', 'show', dev)) as IpLink[])[0]!.ifindex;

  before(async function () {
    requirePrereqs(this, { root: true, binaries: ['ip', 'bridge', 'ping'] });
    const why = netlink.nativeNetlinkUnavailable();
    if (why !== null) throw new Error(`netlink tests need the native addon: ${why}`);
    tmp = mkdtempSync(join(tmpdir(), 'evpn6-netlink-'));
    r = lab.add('r');
    h = lab.add('h');
    lab.ip(r, 'link', 'add', 'br0', 'address', '02:00:5e:00:53:20', 'type', 'bridge');
    lab.ip(r, 'link', 'add', 'u0', 'type', 'veth', 'peer', 'name', 'u1');
    lab.ip(r, 'link', 'set', 'u0', 'up');
    lab.ip(r, 'link', 'set', 'u1', 'up');
    lab.ip(r, 'addr', 'add', '2001:db8::1/64', 'dev', 'u0', 'nodad');
    lab.ip(r, 'link', 'add', 'vx0', 'address', '02:00:5e:00:53:10', 'type', 'vxlan', 'id', '100', 'local', '2001:db8::1', 'dstport', '4789', 'nolearning');
    lab.ip(r, 'link', 'set', 'vx0', 'master', 'br0');
    lab.ip(r, 'link', 'set', 'vx0', 'up');
    lab.veth(r, 'p0', h, 'eth0', undefined, HOST_MAC);
    lab.ip(r, 'link', 'set', 'p0', 'master', 'br0');
    lab.ip(r, 'link', 'set', 'br0', 'up');
    lab.ip(r, 'addr', 'add', '2001:db8:5::1/64', 'dev', 'br0', 'nodad');
    lab.ip(h, 'addr', 'add', '2001:db8:5::2/64', 'dev', 'eth0', 'nodad');
    vx0 = ifindex(r, 'vx0');

    agent = await NamespaceAgent.start(r, AGENT, (m) => m as NetlinkEvent);
  });

  after(async () => {
    await agent?.stop();
    lab.teardown();
    if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
  });

  it('lists links like `ip -d -j link show` (vxlan VNI, IPv6 local, port, learning, master)', async () => {
    const ours = await agent.call<Link[]>('links');
    const ip = JSON.parse(lab.ip(r, '-d', '-j', 'link', 'show')) as IpLink[];
    expect(ours.map((l) => l.index).sort()).to.deep.equal(ip.map((l) => l.ifindex).sort());
    for (const want of ip) {
      const got = ours.find((l) => l.index === want.ifindex)!;
      expect(got.name).to.equal(want.ifname);
      expect(got.mtu).to.equal(want.mtu);
      expect(got.address).to.equal(want.address);
      const master = want.master === undefined ? undefined : ip.find((l) => l.ifname === want.master)!.ifindex;
      expect(got.master, `${want.ifname} master`).to.equal(master);
      expect(got.linkInfo?.kind, `${want.ifname} kind`).to.equal(want.linkinfo?.info_kind);
      expect(got.linkInfo?.slaveKind).to.equal(want.linkinfo?.info_slave_kind);
    }
    const vx = ours.find((l) => l.name === 'vx0')!;
    const ipVx = ip.find((l) => l.ifname === 'vx0')!.linkinfo!.info_data!;
    expect(vx.linkInfo?.vxlan).to.deep.equal({ vni: ipVx.id, local6: ipVx.local6, port: ipVx.port, learning: ipVx.learning });
    expect(vx.linkInfo?.vxlan).to.deep.equal({ vni: 100, local6: '2001:db8::1', port: 4789, learning: false });
  });

  it('lists addresses, including the IPv6 underlay address', async () => {
    const addrs = await agent.call<netlink.AddressMessage[]>('addresses');
    const u0 = ifindex(r, 'u0');
    expect(addrs.some((a) => a.index === u0 && a.address === '2001:db8::1' && a.prefixLength === 64)).to.equal(true);
  });

  const macs = Array.from({ length: 1000 }, (_, i) => ({ mac: macOf(i), dst: `2001:db8::${(0xa0 + (i % 10)).toString(16)}` }));
  const floods = ['2001:db8::f1', '2001:db8::f2'];

  it('programs 1000 remote MACs and 2 flood entries exactly as `bridge fdb` then shows them', async () => {
    await agent.call('program', { device: vx0, macs, floods });
    const shown = selfEntries('vx0');
    const remote = shown.filter((e) => e.mac !== netlink.ZERO_MAC);
    expect(remote.map((e) => `${e.mac} ${e.dst}`).sort()).to.deep.equal(macs.map((m) => `${m.mac} ${m.dst}`).sort());
    for (const e of remote) {
      expect(e.flags).to.include('extern_learn');
      expect(e.state).to.equal('permanent');
    }
    const flood = shown.filter((e) => e.mac === netlink.ZERO_MAC);
    expect(flood.map((e) => e.dst).sort()).to.deep.equal(floods);
    // And our own dump agrees with bridge(8).
    const ours = (await agent.call<Neighbor[]>('fdb', { device: vx0 })).filter((n) => n.dst !== undefined);
    expect(ours.map((n) => `${n.lladdr} ${n.dst}`).sort()).to.deep.equal(shown.map((e) => `${e.mac} ${e.dst}`).sort());
    for (const n of ours) {
      expect(n.state).to.equal(netlink.NudState.noarp | netlink.NudState.permanent);
      expect(n.flags & netlink.NtfFlag.self).to.not.equal(0);
    }
  });

  it('replace moves a MAC to another VTEP; add of an existing MAC fails with ERR_NETLINK_EEXIST', async () => {
    const moved = macs.slice(0, 10).map((m) => ({ mac: m.mac, dst: '2001:db8::beef' }));
    await agent.call('program', { device: vx0, macs: moved });
    const shown = selfEntries('vx0').filter((e) => e.mac !== netlink.ZERO_MAC);
    expect(shown).to.have.length(1000);
    for (const m of moved) expect(shown.find((e) => e.mac === m.mac)!.dst).to.equal('2001:db8::beef');
    const err = await agent.failure('addExisting', { device: vx0, macs: [moved[0]] });
    expect(err.code).to.equal('ERR_NETLINK_EEXIST');
    expect(err.name).to.equal('NetlinkKernelError');
  });

  it('deletes them all: `bridge fdb` shows no remote entry left', async () => {
    await agent.call('unprogram', { device: vx0, macs, floods });
    expect(selfEntries('vx0').filter((e) => e.dst !== undefined)).to.deep.equal([]);
    const ours = await agent.call<Neighbor[]>('fdb', { device: vx0 });
    expect(ours.filter((n) => n.dst !== undefined)).to.deep.equal([]);
    const again = await agent.failure('unprogram', { device: vx0, macs: macs.slice(0, 1) });
    expect(again.code).to.equal('ERR_NETLINK_ENOENT');
  });

  describe('monitor', () => {
    before(async () => {
      await agent.call('monitor');
    });

    const seen = (what: string, match: (e: Agent['events'][number]) => boolean) =>
      waitFor(what, () => agent.events.find(match), 10000, 50);

    it('is told when `ip link add` creates a vxlan device', async () => {
      lab.ip(r, 'link', 'add', 'vx9', 'type', 'vxlan', 'id', '900', 'local', '2001:db8::1', 'dstport', '4789');
      const e = await seen('RTM_NEWLINK vx9', (x) => x.type === netlink.RtmType.newLink && x.body?.['name'] === 'vx9');
      const link = e.body as unknown as Link;
      expect(link.linkInfo?.kind).to.equal('vxlan');
      expect(link.linkInfo?.vxlan).to.include({ vni: 900, local6: '2001:db8::1', port: 4789 });
      lab.ip(r, 'link', 'del', 'vx9');
      await seen('RTM_DELLINK vx9', (x) => x.type === netlink.RtmType.delLink && x.body?.['name'] === 'vx9');
    });

    it('is told when the bridge learns a MAC from a frame on a port', async () => {
      const p0 = ifindex(r, 'p0');
      const br0 = ifindex(r, 'br0');
      // The host's own start-up frames (MLD, RS) may have been learned already: forget the MAC,
      // then make the host send, and look only at what came after.
      const from = agent.events.length;
      lab.tryExec(r, 'bridge', 'fdb', 'del', HOST_MAC, 'dev', 'p0', 'master');
      lab.tryExec(h, 'ping', '-6', '-c', '1', '-W', '1', '2001:db8:5::1');
      const e = await seen('learned MAC', (x) => {
        if (agent.events.indexOf(x) < from) return false;
        const b = x.body as unknown as Neighbor | undefined;
        return x.type === netlink.RtmType.newNeigh && b?.family === netlink.AddressFamily.bridge && b.lladdr === HOST_MAC;
      });
      const n = e.body as unknown as Neighbor;
      expect(n).to.include({ family: netlink.AddressFamily.bridge, index: p0, master: br0 });
      expect(n.flags & netlink.NtfFlag.self).to.equal(0);
      expect(bridgeFdb('p0').some((x) => x.mac === HOST_MAC && x.master === 'br0')).to.equal(true);
    });

    it('is told about new IPv6 addresses (tentative while DAD runs) and IPv4 ones', async () => {
      const u0 = ifindex(r, 'u0');
      lab.ip(r, 'addr', 'add', '2001:db8:7::1/64', 'dev', 'u0');
      const e6 = await seen('RTM_NEWADDR 2001:db8:7::1', (x) => x.type === netlink.RtmType.newAddr && x.body?.['address'] === '2001:db8:7::1');
      const a6 = e6.body as unknown as netlink.AddressMessage;
      expect(a6).to.include({ family: netlink.AddressFamily.inet6, index: u0, prefixLength: 64 });
      expect(netlink.addressFlags(a6) & netlink.IfaFlag.tentative).to.not.equal(0);
      lab.ip(r, 'addr', 'add', '192.0.2.9/24', 'dev', 'u0');
      const e4 = await seen('RTM_NEWADDR 192.0.2.9', (x) => x.type === netlink.RtmType.newAddr && x.body?.['local'] === '192.0.2.9');
      expect(e4.body).to.include({ family: netlink.AddressFamily.inet, prefixLength: 24 });
    });

    it('reports an overrun (ENOBUFS) when notifications outrun a small buffer, and stays usable', async () => {
      const batch = join(tmp, 'links.batch');
      const lines: string[] = [];
      for (let i = 0; i < 40; i++) lines.push(`link add ov${i} type veth peer name ovp${i}`);
      for (let i = 0; i < 40; i++) lines.push(`link del ov${i}`);
      writeFileSync(batch, `${lines.join('\n')}\n`);
      const res = await agent.call<{ overruns: number; links: number }>('overrunProbe', { batchFile: batch });
      expect(res.overruns).to.be.greaterThan(0);
      expect(res.links).to.be.greaterThan(3);
    });
  });
});

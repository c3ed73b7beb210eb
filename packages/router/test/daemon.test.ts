import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { AttrFlag, parseIp } from '@evpn6/bgp';
import type { EvpnRoute } from '@evpn6/evpn';
import { encodeExtCommunity, parseMac, parseRd, parseRouteTarget, zeroEsi } from '@evpn6/evpn';
import { daemon, parseConfig } from '@evpn6/router';
import { FakeDataplane } from './support/fake-dataplane.js';
import { until } from './support/until.js';

const VNI = 550;

/** Site config on loopback: each site has its own 127.0.0.x as update-source and VTEP. */
function siteConfig(self: number, peers: readonly { site: number; port: number }[], extra = ''): string {
  const lines = ['router bgp 64512', ` bgp router-id 192.0.2.${self}`];
  for (const p of peers) {
    lines.push(` neighbor 127.0.0.${p.site} remote-as internal`, ` neighbor 127.0.0.${p.site} update-source 127.0.0.${self}`);
    lines.push(` neighbor 127.0.0.${p.site} port ${p.port}`, ` neighbor 127.0.0.${p.site} timers 1 3`);
  }
  lines.push(' address-family l2vpn evpn');
  for (const p of peers) lines.push(`  neighbor 127.0.0.${p.site} activate`);
  lines.push('  advertise-all-vni', ' exit-address-family', 'exit');
  return `${lines.join('\n')}\n${extra}`;
}

const loopbackInterfaces = (): daemon.InterfaceAddresses => new Map([['lo', ['127.0.0.1', '::1']]]);

interface Site {
  router: daemon.Router;
  log: ReturnType<typeof daemon.memoryLogger>;
  dp: FakeDataplane;
  port: number;
}

async function startSite(self: number, peers: readonly { site: number; port: number }[]): Promise<Site> {
  const log = daemon.memoryLogger();
  const dp = new FakeDataplane([{ vni: VNI, localVtep: `127.0.0.${self}`, port: 4789, device: 'vni550', ifindex: 10, bridge: { name: 'br50', ifindex: 9 } }]);
  const router = await daemon.Router.start({
    config: parseConfig(siteConfig(self, peers)),
    dataplane: dp,
    listen: { addresses: [`127.0.0.${self}`], port: 0 },
    interfaces: loopbackInterfaces,
    logger: log,
  });
  return { router, dp, log, port: router.speaker.listening()[0]!.port };
}

function established(s: Site, peer: string): boolean {
  return s.router.speaker.peers().some((p) => p.address === peer && p.state === 'Established');
}

describe('daemon: two routers on loopback (fake dataplanes)', function () {
  this.timeout(30000);
  let a: Site;
  let b: Site;

  beforeEach(async () => {
    // A cannot reach B's port before B exists; B connects to A and A accepts.
    a = await startSite(1, [{ site: 2, port: 9 }]);
    b = await startSite(2, [{ site: 1, port: a.port }]);
    await until('the session', () => established(a, '127.0.0.2') && established(b, '127.0.0.1'));
  });

  afterEach(async () => {
    await Promise.all([a.router.stop(), b.router.stop()]);
  });

  it('IMET both ways: each site floods to the other', async () => {
    await until('flood lists', () => a.dp.floodVteps(VNI).length === 1 && b.dp.floodVteps(VNI).length === 1);
    expect(a.dp.floodVteps(VNI)).to.deep.equal(['127.0.0.2']);
    expect(b.dp.floodVteps(VNI)).to.deep.equal(['127.0.0.1']);
    expect(b.dp.applied).to.deep.include({ kind: 'allowVtep', op: 'add', vni: VNI, vtep: '127.0.0.1' });
  });

  it('a MAC learned at A is programmed at B towards A, and removed when it ages', async () => {
    a.dp.learn(VNI, '02:00:00:00:00:0a', 'tnp4s0');
    await until('remote MAC at B', () => b.dp.remoteMacs(VNI)['02:00:00:00:00:0a']);
    expect(b.dp.remoteMacs(VNI)).to.deep.equal({ '02:00:00:00:00:0a': '127.0.0.1' });
    a.dp.age(VNI, '02:00:00:00:00:0a');
    await until('withdrawal at B', () => b.dp.remoteMacs(VNI)['02:00:00:00:00:0a'] === undefined);
  });

  it('a burst of learned MACs goes out packed: a few UPDATEs, not one per MAC', async () => {
    await until('initial exchange', () => a.dp.floodVteps(VNI).length === 1);
    const before = b.router.speaker.peer('127.0.0.1').messagesIn.update;
    for (let i = 0; i < 200; i++) a.dp.learn(VNI, `02:00:00:00:10:${i.toString(16).padStart(2, '0')}`);
    await until('200 MACs at B', () => Object.keys(b.dp.remoteMacs(VNI)).length === 200);
    expect(b.router.speaker.peer('127.0.0.1').messagesIn.update - before).to.be.at.most(3);
  });

  it('a MAC moving from A to B converges with a higher sequence number', async () => {
    a.dp.learn(VNI, '02:00:00:00:00:0b');
    await until('MAC at B', () => b.dp.remoteMacs(VNI)['02:00:00:00:00:0b']);
    b.dp.learn(VNI, '02:00:00:00:00:0b');
    await until('MAC moved at A', () => a.dp.remoteMacs(VNI)['02:00:00:00:00:0b'] === '127.0.0.2');
    expect(b.dp.remoteMacs(VNI)['02:00:00:00:00:0b']).to.equal(undefined);
    const atA = a.router.engine.vniSnapshot(VNI)!.macs.find((m) => m.mac === '02:00:00:00:00:0b')!;
    expect(atA).to.include({ type: 'remote', vtep: '127.0.0.2', remoteSequence: 1 });
  });

  it('when B stops, A removes its MACs and flood entry', async () => {
    b.dp.learn(VNI, '02:00:00:00:00:0c');
    await until('MAC at A', () => a.dp.remoteMacs(VNI)['02:00:00:00:00:0c']);
    await b.router.stop();
    await until('cleanup at A', () => a.dp.floodVteps(VNI).length === 0 && Object.keys(a.dp.remoteMacs(VNI)).length === 0);
    expect(b.dp.stopped).to.equal(true);
  });

  it('a VNI that disappears is withdrawn; one that appears is advertised', async () => {
    await until('flood at A', () => a.dp.floodVteps(VNI).length === 1);
    b.dp.removeSegment(VNI);
    await until('flood gone at A', () => a.dp.floodVteps(VNI).length === 0);
    b.dp.addSegment({ vni: 551, localVtep: '127.0.0.2', port: 4789, device: 'vni551' });
    a.dp.addSegment({ vni: 551, localVtep: '127.0.0.1', port: 4789, device: 'vni551' });
    await until('flood for 551 at A', () => a.dp.floodVteps(551).length === 1);
  });

  it('a renumbered local VTEP (SLAAC) re-originates at the new address', async () => {
    b.dp.learn(VNI, '02:00:00:00:00:0d');
    await until('MAC at A', () => a.dp.remoteMacs(VNI)['02:00:00:00:00:0d'] === '127.0.0.2');
    b.dp.changeLocalVtep(VNI, '127.0.0.22');
    await until('MAC at A via the new VTEP', () => a.dp.remoteMacs(VNI)['02:00:00:00:00:0d'] === '127.0.0.22');
    await until('flood list follows', () => a.dp.floodVteps(VNI).join() === '127.0.0.22');
  });

  it('a 32-byte next hop (global + link-local) is read as its global part; type 5 is left alone', async () => {
    const rt2 = (mac: string): EvpnRoute => ({
      kind: 'mac-ip',
      pathId: undefined,
      rd: parseRd('192.0.2.2:550'),
      esi: zeroEsi(),
      ethernetTag: 0,
      mac: parseMac(mac),
      ip: undefined,
      labels: [VNI],
    });
    const rt = { type: 'EXTENDED_COMMUNITIES' as const, flags: AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE, communities: [encodeExtCommunity(parseRouteTarget('64512:550'))] };
    const pair = new Uint8Array(32);
    pair.set(parseIp('2001:db8::22'), 0);
    pair.set(parseIp('fe80::22'), 16);
    b.router.speaker.originate({ family: 'l2vpn-evpn', nlri: [rt2('02:00:00:00:00:21')], nextHop: pair, attributes: [rt] });
    await until('MAC behind the global part', () => a.dp.remoteMacs(VNI)['02:00:00:00:00:21'] === '2001:db8::22');
    // Type 5 is not a MAC-VRF's business: nothing programmed, nothing logged as an error, session up.
    const rt5: EvpnRoute = { kind: 'ip-prefix', pathId: undefined, rd: parseRd('192.0.2.2:550'), esi: zeroEsi(), ethernetTag: 0, prefixLength: 24, prefix: parseIp('198.51.100.0'), gateway: parseIp('0.0.0.0'), label: VNI };
    b.router.speaker.originate({
      family: 'l2vpn-evpn',
      nlri: [rt5],
      nextHop: parseIp('127.0.0.2'),
      attributes: [rt],
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(a.log.lines.filter((l) => l.level === 'error')).to.deep.equal([]);
    expect(established(a, '127.0.0.2')).to.equal(true);
  });

  it('show over the control socket: FRR-like text and documented JSON', async () => {
    a.dp.learn(VNI, '02:00:00:00:00:0e', 'tnp4s0');
    b.dp.learn(VNI, '02:00:00:00:00:0f', 'tnp4s0');
    await until('MACs', () => a.dp.remoteMacs(VNI)['02:00:00:00:00:0f'] && b.dp.remoteMacs(VNI)['02:00:00:00:00:0e']);
    const dir = mkdtempSync(join(tmpdir(), 'evpn6-ctl-'));
    const path = join(dir, 'a.sock');
    const control = await daemon.ControlServer.listen(path, (req) => {
      const r = daemon.runShowCommand(daemon.showContextOf(a.router), req.words ?? [], req.json === true);
      return r.kind === 'json' ? { ok: true, json: r.value } : { ok: true, text: r.text };
    });
    try {
      const macs = (await daemon.queryRouter(path, ['evpn', 'mac', 'vni', 'all'], true)) as { vni: number; macs: { mac: string; type: string; interface: string | null; remoteVtep: string | null }[] }[];
      expect(macs[0]!.vni).to.equal(VNI);
      expect(macs[0]!.macs).to.deep.include.members([
        { ...macs[0]!.macs.find((m) => m.mac === '02:00:00:00:00:0e')!, type: 'local', interface: 'tnp4s0', remoteVtep: null },
        { ...macs[0]!.macs.find((m) => m.mac === '02:00:00:00:00:0f')!, type: 'remote', interface: null, remoteVtep: '127.0.0.2' },
      ]);
      const detail = (await daemon.queryRouter(path, ['evpn', 'vni', 'detail'], false)) as string;
      expect(detail).to.contain(' VxLAN interface: vni550\n VxLAN ifIndex: 10\n SVI interface: br50\n SVI ifIndex: 9\n Local VTEP IP: 127.0.0.1\n');
      expect(detail).to.contain('  127.0.0.2 flood: HER\n');
      const summary = (await daemon.queryRouter(path, ['bgp', 'summary', 'json'], false)) as { families: { family: string; peers: { address: string; state: string; pfxRcd: number }[] }[] };
      const evpn = summary.families.find((f) => f.family === 'l2vpn-evpn')!;
      // B's IMET and its MAC.
      expect(evpn.peers).to.deep.equal([{ ...evpn.peers[0]!, address: '127.0.0.2', pfxRcd: 2 }]);
      const neighbors = (await daemon.queryRouter(path, ['bgp', 'neighbors', '127.0.0.2'], false)) as string;
      // timers 1 3 on both sides: the session runs at hold 3, keepalive 1.
      expect(neighbors).to.contain('  Hold time is 3, keepalive interval is 1 seconds\n');
      const routes = (await daemon.queryRouter(path, ['bgp', 'l2vpn', 'evpn', 'route', 'type', 'macip'], true)) as { displayedPrefixes: number };
      expect(routes.displayedPrefixes).to.equal(2);
      const text = (await daemon.queryRouter(path, ['bgp', 'l2vpn', 'evpn'], false)) as string;
      expect(text).to.match(/Route Distinguisher: 192\.0\.2\.2:550\n \*>i\[2\]:\[0\]:\[48\]:\[02:00:00:00:00:0f\]\n/);
      try {
        await daemon.queryRouter(path, ['bgp', 'frobnicate'], false);
        expect.fail('an unknown show command must be refused');
      } catch (e) {
        expect((e as { code: string }).code).to.equal(daemon.DaemonErrorCode.badRequest);
      }
    } finally {
      await control.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a show command computes only what it prints (dataplane stats never walks the RIB)', () => {
    const speaker = a.router.speaker;
    const original = speaker.routes.bind(speaker);
    let walks = 0;
    speaker.routes = (family) => {
      walks++;
      return original(family);
    };
    try {
      daemon.runShowCommand(daemon.showContextOf(a.router), ['dataplane', 'stats']);
      daemon.runShowCommand(daemon.showContextOf(a.router), ['evpn', 'mac', 'vni', 'all']);
      expect(walks).to.equal(0);
      daemon.runShowCommand(daemon.showContextOf(a.router), ['bgp', 'l2vpn', 'evpn']);
      expect(walks).to.be.above(0);
    } finally {
      speaker.routes = original;
    }
  });

  it('reload: a new neighbor is added and the AS cannot change', async () => {
    const cfg = a.router.currentConfig;
    const next = parseConfig(siteConfig(1, [{ site: 2, port: 9 }, { site: 3, port: 9 }]));
    const r = await a.router.reload(next);
    expect(r).to.include({ neighborsAdded: 1, neighborsRemoved: 0, neighborsChanged: 0 });
    expect(a.router.speaker.peers().map((p) => p.address)).to.deep.equal(['127.0.0.2', '127.0.0.3']);
    // The session to B was not touched.
    expect(established(a, '127.0.0.2')).to.equal(true);
    try {
      await a.router.reload(parseConfig(siteConfig(1, [{ site: 2, port: 9 }]).replace('router bgp 64512', 'router bgp 64513')));
      expect.fail('an AS change must be refused');
    } catch (e) {
      expect((e as { code: string }).code).to.equal(daemon.DaemonErrorCode.reloadNeedsRestart);
    }
    expect(a.router.currentConfig.bgp.asn).to.equal(cfg.bgp.asn);
  });
});

describe('daemon: startDaemon with a config file', function () {
  this.timeout(20000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'evpn6-daemon-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs on --dataplane none, answers show, reloads from the file, and stops', async () => {
    const file = join(dir, 'r.conf');
    writeFileSync(file, siteConfig(1, [{ site: 2, port: 9 }], 'ipv6 nht resolve-via-default\n').replace('  advertise-all-vni', '  advertise-all-vni\n  vni 550\n  exit-vni'));
    const socketPath = join(dir, 'ctl', 'r.sock');
    const d = await daemon.startDaemon({ configFile: file, dataplane: 'none', bgpPort: 0, socketPath, logger: daemon.memoryLogger() }, false);
    try {
      const vnis = (await daemon.queryRouter(socketPath, ['evpn', 'vni'], true)) as { vni: number; localVtep: string }[];
      expect(vnis.map((v) => [v.vni, v.localVtep])).to.deep.equal([[550, '127.0.0.1']]);
      writeFileSync(file, siteConfig(1, [{ site: 2, port: 9 }, { site: 3, port: 9 }]));
      const answer = await daemon.controlRequest(socketPath, { command: 'reload' });
      expect(answer).to.deep.include({ ok: true });
      expect(d.router.speaker.peers()).to.have.length(2);
      writeFileSync(file, 'router bgp 64512\n neighbor 127.0.0.9 bogus\n');
      const refused = await daemon.controlRequest(socketPath, { command: 'reload' });
      expect(refused.ok).to.equal(false);
      expect(!refused.ok && refused.error.code).to.equal('ERR_CONFIG');
      // What was running is still running.
      expect(d.router.speaker.peers()).to.have.length(2);
    } finally {
      await d.stop();
    }
    expect(await d.done).to.equal(0);
    try {
      await daemon.queryRouter(socketPath, ['bgp', 'summary'], false);
      expect.fail('the socket must be gone');
    } catch (e) {
      expect((e as { code: string }).code).to.equal(daemon.DaemonErrorCode.notRunning);
    }
  });

  it('refuses a control socket a live router holds', async () => {
    const file = join(dir, 'r.conf');
    writeFileSync(file, siteConfig(1, []));
    const socketPath = join(dir, 'r.sock');
    const first = await daemon.startDaemon({ configFile: file, dataplane: 'none', bgpPort: 0, socketPath, logger: daemon.memoryLogger() }, false);
    try {
      let code: string | undefined;
      await daemon.startDaemon({ configFile: file, dataplane: 'none', bgpPort: 0, socketPath, logger: daemon.memoryLogger() }, false).then(
        (d) => d.stop(),
        (e: { code: string }) => (code = e.code),
      );
      expect(code).to.equal(daemon.DaemonErrorCode.socketInUse);
    } finally {
      await first.stop();
    }
  });

  it('--dataplane dpdk says what is missing', async () => {
    const file = join(dir, 'r.conf');
    writeFileSync(file, siteConfig(1, []));
    let code: string | undefined;
    await daemon
      .startDaemon({ configFile: file, dataplane: 'dpdk', bgpPort: 0, socketPath: join(dir, 'x.sock'), logger: daemon.memoryLogger() }, false)
      .then((d) => d.stop(), (e: { code: string }) => (code = e.code));
    expect(code).to.equal(daemon.DaemonErrorCode.dataplane);
  });
});

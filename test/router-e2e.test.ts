/**
 * Three evpn6 routers end to end, on the demo's own topology (packages/router/src/demo): the
 * seed's three sites over an MTU-1500 carrier, iBGP full mesh, VNI 550, a host per site. Short
 * timers (keepalive 3, hold 9) so a lost router is noticed within seconds.
 *
 * Checked through what an operator sees: pings between the hosts, `show ... --json` on each
 * router, and the kernel FDB of each router namespace (`bridge -j fdb show dev vni550`).
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { demo, runCli } from '@evpn6/router';
import type { show } from '@evpn6/router';
import { requirePrereqs } from './support/prereq.js';
import { waitFor } from './support/processes.js';
import { expectedKernel, kernelFloodList, kernelRemoteMacs, startDemoLab, type DemoLab, type Site } from './support/router-lab.js';

const HOLD_SECONDS = 9;
/** Polls of show (3 commands x 3 routers) and of the kernel run every 250 ms; on a loaded 2-core CI machine a round can land a second or more late. */
const POLL_SLACK_MS = 2000;
const ROOT = new URL('../', import.meta.url);

describe('evpn6 demo: what it generates and how it judges convergence', () => {
  const sites = [1, 2, 3].map((i) => demo.siteOf('x-', i));
  const [a, b, c] = sites as [Site, Site, Site];

  it("site 1's configuration is the seed's, line for line (plus ipv6 nht resolve-via-default)", () => {
    const seed = readFileSync(new URL('packages/router/test/configs/seed.conf', ROOT), 'utf8');
    expect(demo.siteConfig(a, sites)).to.equal(`${seed}ipv6 nht resolve-via-default\n`);
  });

  it('short timers and an extra neighbor go on every neighbor', () => {
    const text = demo.siteConfig(b, sites, { timers: { keepalive: 3, hold: 9 }, extraNeighbors: [{ address: '2001:db8:0:9::11' }] });
    expect(text.split('\n').filter((l) => l.includes('timers 3 9'))).to.have.length(3);
    expect(text).to.contain(' neighbor 2001:db8:0:9::11 update-source 2001:db8:0:2::11\n');
    expect(text).to.contain('  neighbor 2001:db8:0:9::11 activate\n');
  });

  /** Site A's view with the given peers Established and the given (mac, vtep|null for local) MACs and flood VTEPs. */
  const view = (established: readonly Site[], macs: readonly [Site, Site | null][], flood: readonly Site[]): demo.SiteState => ({
    summary: { families: [{ family: 'l2vpn-evpn', title: '', routerId: '', localAs: 64512, ribEntries: 0, totalPeers: 2, peers: [b, c].map((s) => ({ address: s.vtep, version: 4, remoteAs: 64512, msgRcvd: 0, msgSent: 0, uptimeMs: 0, upDown: '', state: established.includes(s) ? 'Established' : 'Active', pfxRcd: 0, pfxSnt: 0, description: null })) }] },
    vnis: [{ vni: 550, remoteVteps: flood.map((s) => ({ vtep: s.vtep, flood: 'HER' as const, allowed: true })) } as unknown as show.VniJson],
    macs: [{ vni: 550, numMacs: macs.length, macs: macs.map(([s, via]) => ({ mac: s.hostMac, type: via === null ? 'local' : 'remote', remoteVtep: via?.vtep ?? null, localSequence: 0, remoteSequence: 0 }) as unknown as show.MacJson) }],
  });

  it('converged: sessions up, own MAC local, others remote behind their VTEPs, both in the flood list', () => {
    const full = view([b, c], [[a, null], [b, b], [c, c]], [b, c]);
    expect(demo.convergenceProblems(a, full, { up: sites }, sites)).to.deep.equal([]);
  });

  it('names what is missing: a session down, a MAC behind the wrong VTEP, a flood entry that should be gone', () => {
    const partial = view([b], [[b, c], [c, c]], [b, c]);
    expect(demo.convergenceProblems(a, partial, { up: sites }, sites)).to.have.length(3);
    // With site 3 down, its MAC and flood entry must be gone and its session is not required.
    const problems = demo.convergenceProblems(a, view([b], [[a, null], [b, b], [c, c]], [b, c]), { up: [a, b] }, sites);
    expect(problems).to.have.length(2);
    expect(problems.every((p) => p.includes(c.vtep))).to.equal(true);
  });
});

describe('evpn6 routers end to end (the demo topology, kernel dataplane)', function () {
  this.timeout(120_000);
  let lab: DemoLab;
  let s1: Site;
  let s2: Site;
  let s3: Site;

  before(async function () {
    lab = startDemoLab(this, 'e2e', { timers: { keepalive: 3, hold: HOLD_SECONDS } });
    [s1, s2, s3] = lab.sites as [Site, Site, Site];
    await lab.waitConverged({ timeoutMs: 60_000 });
  });

  after(async () => {
    await lab?.close();
  });

  /** Waits until the site's kernel FDB holds exactly the flood list and remote MACs of `up`. */
  const kernelMatches = (site: Site, up: readonly Site[], timeoutMs = 5000) =>
    waitFor(
      `${site.name}'s kernel FDB to match sites ${up.map((s) => s.index).join(',')}`,
      () => {
        const want = expectedKernel(site, up);
        const have = { flood: kernelFloodList(lab, site), macs: kernelRemoteMacs(lab, site) };
        return JSON.stringify(have) === JSON.stringify(want) ? have : undefined;
      },
      timeoutMs,
      100,
    );

  it('hosts ping each other across VNI 550, IPv4 and IPv6', async () => {
    const results = await lab.pingAll();
    expect(results).to.have.length(12);
    expect(results.filter((r) => !r.ok).map((r) => `${r.from.name}→${r.to.name} v${r.family}: ${r.output}`)).to.deep.equal([]);
  });

  it('a full 1430-byte IPv4 packet (the hosts\' MTU) crosses unfragmented', () => {
    // 1402 bytes of ICMP payload + 8 + 20 = 1430: with 70 bytes of VXLAN over IPv6 it is exactly 1500 on the carrier.
    const r = lab.topology.tryExec(s1.hostNs, 'ping', '-c', '1', '-w', '5', '-M', 'do', '-s', String(demo.HOST_MTU - 28), s2.hostIpv4);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
  });

  it("each router's show evpn mac vni all --json lists the other sites' host MACs behind the right VTEP", async () => {
    for (const site of lab.sites) {
      const vnis = await lab.showJson<show.MacVniJson[]>(site, ['evpn', 'mac', 'vni', 'all']);
      expect(vnis.map((v) => v.vni)).to.deep.equal([demo.DEMO_VNI]);
      const macs = vnis[0]!.macs.map((m) => ({ mac: m.mac, type: m.type, remoteVtep: m.remoteVtep })).sort((a, b) => a.mac.localeCompare(b.mac));
      const want = lab.sites.map((o) => ({ mac: o.hostMac, type: o === site ? 'local' : 'remote', remoteVtep: o === site ? null : o.vtep }));
      expect(macs, site.name).to.deep.equal(want);
      expect(vnis[0]!.numMacs).to.equal(3);
    }
  });

  it('flood lists hold both remote VTEPs, in show evpn vni detail --json and in the kernel FDB', async () => {
    for (const site of lab.sites) {
      const [vni] = await lab.showJson<show.VniJson[]>(site, ['evpn', 'vni', 'detail']);
      const others = lab.sites.filter((o) => o !== site).map((o) => o.vtep).sort();
      expect(vni).to.include({ localVtep: site.vtep, vxlanInterface: demo.VXLAN_IF, sviInterface: demo.BRIDGE_IF });
      expect(vni!.remoteVteps.filter((r) => r.flood === 'HER').map((r) => r.vtep).sort(), site.name).to.deep.equal(others);
      await kernelMatches(site, lab.sites);
    }
  });

  /**
   * Stops site 3's router with `signal` (SIGSTOP: it hangs with its sessions open), checks the
   * others forget it within the hold time, then restarts (or wakes) it and checks it is back.
   */
  async function loseAndRegain(signal: 'SIGTERM' | 'SIGKILL' | 'SIGSTOP'): Promise<number> {
    const stopped = Date.now();
    if (signal === 'SIGSTOP') lab.router(s3)!.signal('SIGSTOP');
    else await lab.stopRouter(s3, signal);
    await lab.waitConverged({ up: [s1, s2], timeoutMs: HOLD_SECONDS * 1000 + POLL_SLACK_MS });
    for (const site of [s1, s2]) await kernelMatches(site, [s1, s2], 2000);
    const gone = Date.now() - stopped;
    expect(gone).to.be.below(HOLD_SECONDS * 1000 + POLL_SLACK_MS);
    // Hosts 1 and 2 still reach each other; host 3 is cut off.
    expect((await lab.ping(s1, s2, 6)).ok).to.equal(true);
    const left = { flood: kernelFloodList(lab, s3), macs: kernelRemoteMacs(lab, s3) };
    if (signal === 'SIGTERM') {
      // A clean stop removes every entry the router installed in its own kernel.
      expect(left).to.deep.equal({ flood: [], macs: [] });
    } else {
      // A crashed (or hung) router cleans up nothing: what it installed is still there.
      expect(left).to.deep.equal(expectedKernel(s3, lab.sites));
    }
    if (signal === 'SIGSTOP') lab.router(s3)!.signal('SIGCONT');
    else lab.startRouter(s3);
    await lab.waitConverged({ timeoutMs: 30_000 });
    // After a crash the restarted router reconciles what it left: nothing stale, nothing twice.
    for (const site of lab.sites) await kernelMatches(site, lab.sites);
    expect((await lab.ping(s3, s1, 4)).ok).to.equal(true);
    return gone;
  }

  it("a router stopped with SIGTERM: its MACs and flood entries vanish at the others within the hold time; restarted, they're back", async () => {
    await loseAndRegain('SIGTERM');
  });

  it('a router killed with SIGKILL: the same, and the restarted router leaves no stale FDB entry', async () => {
    await loseAndRegain('SIGKILL');
  });

  it('a router that hangs (SIGSTOP) is dropped when the hold timer expires, and recovers when it wakes', async () => {
    const gone = await loseAndRegain('SIGSTOP');
    // Nothing closed the TCP sessions: only the hold timer (9 s, keepalives every 3 s) could end them.
    expect(gone).to.be.at.least((HOLD_SECONDS - 3) * 1000);
  });

  it("a MAC moving from site 1 to site 3 converges everywhere with a higher sequence number", async () => {
    const mac = s1.hostMac;
    const before = await lab.showJson<show.MacVniJson[]>(s3, ['evpn', 'mac', 'vni', 'all']);
    const old = demo.macsOf({ macs: before }).get(mac)!;
    expect(old).to.include({ type: 'remote', remoteVtep: s1.vtep });
    const oldSeq = Math.max(old.localSequence, old.remoteSequence);
    // Host 3 takes host 1's MAC (a VM moved) and speaks; host 1 stays silent.
    lab.topology.exec(s3.hostNs, 'ip', 'link', 'set', demo.HOST_IF, 'address', mac);
    await lab.poke(s3);
    const moved = await waitFor(
      `${mac} local at site 3 and remote via site 3 at sites 1 and 2`,
      async () => {
        const at3 = demo.macsOf({ macs: await lab.showJson<show.MacVniJson[]>(s3, ['evpn', 'mac', 'vni', 'all']) }).get(mac);
        const at1 = demo.macsOf({ macs: await lab.showJson<show.MacVniJson[]>(s1, ['evpn', 'mac', 'vni', 'all']) }).get(mac);
        const at2 = demo.macsOf({ macs: await lab.showJson<show.MacVniJson[]>(s2, ['evpn', 'mac', 'vni', 'all']) }).get(mac);
        const there = at3?.type === 'local' && [at1, at2].every((m) => m?.type === 'remote' && m.remoteVtep === s3.vtep);
        return there ? { at1: at1!, at2: at2!, at3: at3! } : undefined;
      },
      15_000,
      250,
    );
    expect(moved.at3.localSequence).to.be.above(oldSeq);
    expect(moved.at1.remoteSequence).to.equal(moved.at3.localSequence);
    expect(moved.at2.remoteSequence).to.equal(moved.at3.localSequence);
    // The kernels follow: sites 1 and 2 now send that MAC to site 3's VTEP.
    for (const site of [s1, s2]) {
      await waitFor(`${site.name}'s kernel FDB: ${mac} via ${s3.vtep}`, () => (kernelRemoteMacs(lab, site).includes(`${mac}>${s3.vtep}`) ? true : undefined), 5000, 100);
    }
    // Host 2 still maps 192.0.2.3 to host 3's old MAC; asking again gets the moved one.
    lab.topology.exec(s2.hostNs, 'ip', 'neigh', 'flush', 'dev', demo.HOST_IF);
    expect((await lab.ping(s2, s3, 4)).ok, 'host 2 reaches the moved MAC at site 3').to.equal(true);
  });
});

describe('evpn6 demo (the command)', function () {
  this.timeout(120_000);

  before(function () {
    requirePrereqs(this, { root: true, binaries: ['ip', 'bridge', 'ping'] });
  });

  it('converges, answers every ping, prints each site\'s three show outputs and exits 0', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const status = await runCli(['demo'], { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => '' });
    expect(err, err.join('\n')).to.deep.equal([]);
    expect(status).to.equal(0);
    const text = out.join('\n');
    for (const site of ['site1', 'site2', 'site3']) {
      for (const command of ['show bgp summary', 'show evpn vni detail', 'show evpn mac vni all']) expect(text).to.contain(`${site}# ${command}`);
    }
    expect(text).to.contain('all 12 pings answered');
    expect(text).to.match(/Remote VTEPs for this VNI:\n {2}2001:db8:0:[23]::11 flood: HER\n {2}2001:db8:0:[23]::11 flood: HER/);
  });

  it('--keep: the sites stay up (hosts answer) after the report until Ctrl-C, then go', async () => {
    const out: string[] = [];
    const controller = new AbortController();
    const prefix = demo.defaultPrefix();
    const host1 = `${prefix}host1`;
    let kept: ReturnType<typeof spawnSync> | undefined;
    const run = demo.runDemoScenario({
      keep: true,
      dataplane: 'kernel',
      out: (l) => {
        out.push(l);
        if (!l.includes('--keep:')) return;
        // Still up after the report: host 1 reaches host 3, then "Ctrl-C".
        setTimeout(() => {
          kept = spawnSync('ip', ['netns', 'exec', host1, 'ping', '-c', '1', '-w', '5', '2001:db8:50::3'], { encoding: 'utf8' });
          controller.abort();
        }, 500);
      },
      err: (l) => out.push(l),
      signal: controller.signal,
    });
    expect(await run).to.equal(0);
    expect(kept?.status, String(kept?.stdout)).to.equal(0);
    expect(out.join('\n')).to.contain('all 12 pings answered');
    expect(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.startsWith(prefix))).to.deep.equal([]);
  });

  it('convergence that does not come in time: exit status 1, ERR_DEMO_CONVERGENCE, nothing left behind', async () => {
    const err: string[] = [];
    const prefix = demo.defaultPrefix();
    const outcome = await demo.runDemoScenario({ keep: false, dataplane: 'kernel', out: () => {}, err: (l) => err.push(l), signal: new AbortController().signal, convergeTimeoutMs: 1 });
    expect(outcome).to.equal(1);
    expect(err.join('\n')).to.contain('[ERR_DEMO_CONVERGENCE]');
    expect(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.startsWith(prefix))).to.deep.equal([]);
  });

  it('SIGTERM while it waits for convergence: exit 143, routers stopped, every namespace deleted', async () => {
    const child = spawn(process.execPath, ['--conditions=@evpn6/source', '--import', 'tsx', 'packages/router/src/cli.ts', 'demo'], {
      cwd: ROOT.pathname,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = once(child, 'exit');
    try {
      await waitFor('the demo to start its routers', () => (output.includes('routers started') ? true : undefined), 30_000, 50);
      const prefix = `${process.env['EVPN6_NETNS_PREFIX'] ?? 'e6demo'}${child.pid}-`;
      const mine = () => spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.startsWith(prefix));
      expect(mine()).to.have.length(7);
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code, output).to.equal(143);
      expect(output).to.contain('deleting the namespaces');
      expect(mine()).to.deep.equal([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});

// Router convergence benchmark (issue 7), on the demo's own topology in namespaces (needs root).
//
// 1. MAC learned at site A → its FDB entry at site B: host A sends one broadcast frame from each
//    of N new source MACs (one every GAP ms); `bridge monitor fdb` in site A's and site B's router
//    namespaces timestamps the kernel learning it at A and evpn6 installing it at B (both lines
//    reach this process through the same kind of pipe, so that delay cancels). p50/p99/max.
//    Anchor, same run, routers stopped: a copier with no BGP that writes each MAC seen in A's
//    monitor into B's FDB through one long-lived `bridge -batch -`, the floor of any
//    kernel-to-kernel path on this machine.
// 2. 100k remote MACs into the kernel FDB: an evpn6 speaker on the carrier sends site A's router
//    100k type-2 routes; time until `show dataplane stats` counts them all installed (and the
//    time BGP alone took, from show bgp summary), checked against the kernel's own count; then
//    the time SIGTERM takes to remove them. Anchor: the same 100k entries added with `bridge -batch`.
//
// Run: sudo node --conditions=@evpn6/source --import tsx bench/router-convergence.ts [--macs 1000] [--gap-ms 2]
//        [--remote 100000] [--only latency|install] [--profile DIR]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { demo } from '@evpn6/router';
import type { show } from '@evpn6/router';
import { RemoteSpeaker } from '../test/support/speaker-remote.js';
import type { EvpnSpec } from '../test/support/evpn-agent.js';
import { printTable } from './_support.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const MACS = arg('--macs', 1000);
const GAP_MS = arg('--gap-ms', 2);
const REMOTE = arg('--remote', 100_000);
const FEEDER = '2001:db8:0:9::11';
/** --profile DIR: the install phase's router writes a V8 CPU profile there (at its clean exit). */
const PROFILE = process.argv.includes('--profile') ? process.argv[process.argv.indexOf('--profile') + 1] : undefined;

const now = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Locally administered MAC number `n` of a range (`02:e6:RR:xx:xx:xx`). */
function macOf(range: number, n: number): string {
  return ['02', 'e6', range, n >>> 16, (n >>> 8) & 255, n & 255].map((b) => (typeof b === 'string' ? b : b.toString(16).padStart(2, '0'))).join(':');
}

/** `bridge monitor fdb` in a namespace: when each MAC first appeared on a device matching `dev`. */
class FdbMonitor {
  readonly firstSeen = new Map<string, number>();
  private readonly child: ChildProcess;
  private onMac: ((mac: string) => void) | undefined;

  constructor(ns: string, dev: string) {
    this.child = spawn('ip', ['netns', 'exec', ns, 'bridge', 'monitor', 'fdb'], { stdio: ['ignore', 'pipe', 'inherit'] });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const at = now();
      if (line.startsWith('Deleted') || !line.includes(` dev ${dev} `)) return;
      const mac = line.slice(0, 17);
      if (this.firstSeen.has(mac)) return;
      this.firstSeen.set(mac, at);
      this.onMac?.(mac);
    });
  }

  /** Called for every newly seen MAC (the anchor's copier). */
  each(fn: (mac: string) => void): void {
    this.onMac = fn;
  }

  async waitAll(macs: readonly string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (macs.some((m) => !this.firstSeen.has(m))) {
      if (Date.now() > deadline) throw new Error(`only ${macs.filter((m) => this.firstSeen.has(m)).length} of ${macs.length} MACs seen`);
      await sleep(50);
    }
  }

  stop(): void {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
  }
}

/** Host `site` sends one broadcast frame from each MAC, `gapMs` apart (AF_PACKET from python3). */
async function sendFrom(lab: demo.DemoLab, site: demo.Site, range: number, count: number, gapMs: number): Promise<void> {
  const py = [
    'import socket, sys, time',
    'r, n, gap = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]) / 1000',
    's = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); s.bind(("eth0", 0))',
    'for i in range(n):',
    '    s.send(b"\\xff" * 6 + bytes([2, 0xe6, r, (i >> 16) & 255, (i >> 8) & 255, i & 255]) + b"\\x88\\xb5" + bytes(46))',
    '    time.sleep(gap)',
  ].join('\n');
  const r = await lab.topology.execAsync(site.hostNs, ['python3', '-c', py, String(range), String(count), String(gapMs)], 600_000);
  if (r.status !== 0) throw new Error(`frame sender failed: ${r.stderr}`);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Latency {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

async function learnToInstall(lab: demo.DemoLab, range: number, copier: boolean): Promise<Latency> {
  const [a, b] = lab.sites as [demo.Site, demo.Site];
  const atA = new FdbMonitor(a.routerNs, demo.LAN_IF);
  const atB = new FdbMonitor(b.routerNs, demo.VXLAN_IF);
  let batch: ChildProcess | undefined;
  if (copier) {
    batch = spawn('ip', ['netns', 'exec', b.routerNs, 'bridge', '-batch', '-'], { stdio: ['pipe', 'ignore', 'inherit'] });
    atA.each((mac) => batch!.stdin!.write(`fdb replace ${mac} dev ${demo.VXLAN_IF} dst ${a.vtep} self\n`));
  }
  await sleep(300); // both monitors subscribed before the first frame
  const macs = Array.from({ length: MACS }, (_, i) => macOf(range, i));
  try {
    await sendFrom(lab, a, range, MACS, GAP_MS);
    await atB.waitAll(macs, 60_000);
  } finally {
    atA.stop();
    atB.stop();
    batch?.stdin!.end();
  }
  const d = macs.map((m) => atB.firstSeen.get(m)! - atA.firstSeen.get(m)!).sort((x, y) => x - y);
  return { p50: percentile(d, 50), p99: percentile(d, 99), max: d[d.length - 1]! };
}

async function benchLatency(): Promise<void> {
  const lab = demo.DemoLab.start({ prefix: `${demo.defaultPrefix('e6bench')}lat-`, sites: 2 });
  try {
    await lab.waitConverged({ timeoutMs: 60_000 });
    const ours = await learnToInstall(lab, 0x10, false);
    await Promise.all(lab.sites.map((s) => lab.stopRouter(s)));
    const anchor = await learnToInstall(lab, 0x11, true);
    console.log(`\nMAC learned at site A -> FDB entry at site B, ${MACS} MACs, one every ${GAP_MS} ms  (anchor: monitor->bridge -batch copier, no BGP)`);
    console.log(`  ${'case'.padEnd(34)}  ${'p50'.padStart(9)}  ${'p99'.padStart(9)}  ${'max'.padStart(9)}  ${'p50 / anchor'.padStart(12)}`);
    for (const [name, l] of [
      ['evpn6 (kernel -> RT2 -> iBGP -> FDB)', ours],
      ['anchor copier', anchor],
    ] as const) {
      const ms = (x: number) => `${x.toFixed(2)} ms`.padStart(9);
      console.log(`  ${name.padEnd(34)}  ${ms(l.p50)}  ${ms(l.p99)}  ${ms(l.max)}  ${`${(l.p50 / anchor.p50).toFixed(1)}x`.padStart(12)}`);
    }
  } finally {
    await lab.close();
  }
}

async function counter(lab: demo.DemoLab, site: demo.Site, name: string): Promise<number> {
  const stats = await lab.showJson<show.DataplaneStatsJson>(site, ['dataplane', 'stats']);
  return stats.counters[name] ?? 0;
}

async function received(lab: demo.DemoLab, site: demo.Site): Promise<number> {
  const summary = await lab.showJson<show.SummaryJson>(site, ['bgp', 'summary']);
  return summary.families.find((f) => f.family === 'l2vpn-evpn')?.peers.find((p) => p.address === FEEDER)?.pfxRcd ?? 0;
}

function kernelRemoteCount(lab: demo.DemoLab, site: demo.Site): number {
  const out = lab.topology.exec(site.routerNs, 'bridge', 'fdb', 'show', 'dev', demo.VXLAN_IF);
  return out.split('\n').filter((l) => l.includes('extern_learn') && !l.startsWith('00:00:00:00:00:00')).length;
}

async function benchInstall(): Promise<void> {
  const lab = demo.DemoLab.start({
    prefix: `${demo.defaultPrefix('e6bench')}fdb-`,
    sites: 1,
    attach: [{ name: 'feeder', address: FEEDER }],
    extraNeighbors: [{ address: FEEDER }],
    ...(PROFILE !== undefined ? { routerNodeFlags: ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] } : {}),
  });
  const feeder = RemoteSpeaker.start(lab.attached.get('feeder')!);
  try {
    const site = lab.sites[0]!;
    await feeder.call('create', { asn: demo.DEMO_ASN, routerId: '198.51.100.9', listen: { addresses: [FEEDER], port: 179 }, families: ['l2vpn-evpn'], connectRetry: 1 });
    await feeder.call('addNeighbor', { address: site.vtep, remoteAs: 'internal', localAddress: FEEDER });
    await lab.waitConverged({ extraPeers: [FEEDER], timeoutMs: 60_000 });
    const [vni] = await lab.showJson<show.VniJson[]>(site, ['evpn', 'vni', 'detail']);
    const routes: EvpnSpec[] = Array.from({ length: REMOTE }, (_, i) => ({
      kind: 'mac-ip',
      rd: `198.51.100.9:${demo.DEMO_VNI}`,
      mac: macOf(0x20, i),
      labels: [demo.DEMO_VNI],
      nextHop: FEEDER,
      routeTargets: [vni!.importRts[0]!],
    }));
    // The kernel's own notifications say when each entry is in; polling show instead would load
    // the router (every show builds its whole context) and slow what is measured.
    const mon = new FdbMonitor(site.routerNs, demo.VXLAN_IF);
    await sleep(300);
    const t0 = now();
    await feeder.originateEvpn(routes);
    const fed = now();
    let bgpDone = 0;
    let lastProgress = t0;
    let lastBgpPoll = t0;
    while (mon.firstSeen.size < REMOTE) {
      if (bgpDone === 0 && now() - lastBgpPoll > 1000) {
        lastBgpPoll = now();
        try {
          if ((await received(lab, site)) >= REMOTE) bgpDone = now();
        } catch (e) {
          if ((e as { code?: string }).code !== 'ERR_DAEMON_TIMEOUT') throw e;
        }
      }
      if (now() - lastProgress > 10_000) {
        lastProgress = now();
        console.log(`  ... ${((now() - t0) / 1000).toFixed(0)} s: ${mon.firstSeen.size} in the kernel${bgpDone > 0 ? ', Loc-RIB full' : ''}`);
      }
      if (now() - t0 > 900_000) throw new Error(`${REMOTE} remote MACs not installed within 15 minutes`);
      await sleep(100);
    }
    mon.stop();
    const installedAt = Math.max(...mon.firstSeen.values());
    if (bgpDone === 0 && (await received(lab, site)) >= REMOTE) bgpDone = installedAt;
    const installed = installedAt - t0;
    const [neighbor] = await lab.showJson<show.NeighborJson[]>(site, ['bgp', 'neighbors', FEEDER]);
    const updates = neighbor?.messagesIn.update ?? 0;
    const counted = await counter(lab, site, 'remoteMacs');
    if (counted !== REMOTE) throw new Error(`the kernel holds ${REMOTE}, the router counts ${counted}`);
    const inKernel = kernelRemoteCount(lab, site);
    if (inKernel < REMOTE) throw new Error(`the router counts ${REMOTE} installed, the kernel holds ${inKernel}`);
    const t1 = now();
    const exit = await lab.stopRouter(site, 'SIGTERM', 600_000);
    const removed = now() - t1;
    const left = kernelRemoteCount(lab, site);
    if (exit?.code !== 0 || left > 0) throw new Error(`SIGTERM: the router exited ${JSON.stringify(exit)} and left ${left} entries`);

    const lines = routes.map((r) => `fdb add ${r.mac!} dev ${demo.VXLAN_IF} dst ${FEEDER} self extern_learn`);
    const t2 = now();
    const r = spawnSync('ip', ['netns', 'exec', site.routerNs, 'bridge', '-batch', '-'], { input: `${lines.join('\n')}\n`, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bridge -batch failed: ${r.stderr}`);
    const batch = now() - t2;
    if (kernelRemoteCount(lab, site) < REMOTE) throw new Error('bridge -batch did not add every entry');

    const rows = [
      { name: 'evpn6: RT2 over iBGP -> kernel FDB, end to end', perSecond: REMOTE / (installed / 1000), unit: 'MACs', extra: `${(installed / 1000).toFixed(2)} s (feeder handed its speaker all after ${((fed - t0) / 1000).toFixed(1)} s, Loc-RIB full after at most ${((bgpDone - t0) / 1000).toFixed(1)} s, in ${updates} UPDATEs)` },
      {
        name: 'evpn6: Loc-RIB full -> kernel FDB full',
        perSecond: REMOTE / ((installed - (bgpDone - t0)) / 1000),
        unit: 'MACs',
        extra: `${((installed - (bgpDone - t0)) / 1000).toFixed(2)} s: the engine and the kernel dataplane (Loc-RIB polled each second)`,
      },
      { name: 'evpn6: SIGTERM removes them all', perSecond: REMOTE / (removed / 1000), unit: 'MACs', extra: `${(removed / 1000).toFixed(2)} s, ${left} left` },
      { name: 'bridge -batch fdb add', perSecond: REMOTE / (batch / 1000), unit: 'MACs', extra: `${(batch / 1000).toFixed(2)} s` },
    ];
    printTable(`${REMOTE} remote MACs into the kernel FDB (vni550 in site A's namespace)`, rows, { name: 'bridge -batch', perSecond: REMOTE / (batch / 1000) });
  } finally {
    await feeder.stop();
    await lab.close();
  }
}

try {
  demo.checkPrivileges(['ip', 'bridge', 'ping', 'python3']);
} catch (e) {
  console.log(`bench/router-convergence: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
// A signal ends the process without 'exit' hooks; exiting from here runs them (routers killed by
// PID, namespaces and temp dirs deleted).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(1));
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
if (only === undefined || only === 'latency') await benchLatency();
if (only === undefined || only === 'install') await benchInstall();

/**
 * Host-to-host frames/s through two evpn6 sites on the DPDK fast path, against two sites on the
 * kernel's vxlan in the same run (issue 8).
 *
 *   sudo npm run bench -- router-dpdk        (DPDK forwarder addon built; iperf3)
 *
 * Fast path: the demo's topology with two DPDK sites (forwarders on af_packet veths, TAPs, a routed
 * carrier, underlay MTU 1500), hosts at MTU 1500. iperf3 sends UDP datagrams of 1472 bytes with no
 * rate limit from host 1 to host 2: 1500-byte IP packets, 1514-byte frames, each one two outer
 * fragments on the carrier and a reassembly at site 2. Anchor: the demo's kernel sites (bridge +
 * vxlan, the seed's commands), hosts at MTU 1430, so the biggest datagram is 1402 bytes (1444-byte
 * frames). Figure: frames that arrived at the far host's interface per second (its eth0 rx
 * count), best of ROUNDS; the Mbit/s column is their IP bytes. What iperf3 itself received is shown
 * beside it: on two shared cores the receiving iperf3 falls behind first and its socket buffer
 * overflows, which says nothing about the path. Then the highest rate at which the path (not the
 * receiving program) loses at most LOW_LOSS, by bisection.
 *
 * af_packet caps the fast path here: every frame is copied between the kernel and the forwarder
 * once per port, on a machine whose two cores also run the hosts' iperf3 and the routers. The
 * forwarder's own cycles per frame are bench/forwarder.ts's. `idle-sleep 50`: the forwarders
 * sleep only when idle, never under load.
 */
import { demo } from '@evpn6/router';
import { forwarderUnavailable } from '../packages/router/src/forwarder/index.js';
import { NetnsLab } from '../test/support/netns.js';
import { hasBinary, isRoot } from '../test/support/prereq.js';
import { formatRate } from './_support.js';

const SECONDS = Number(process.env['ROUTER_DPDK_BENCH_SECONDS'] ?? 4);
const ROUNDS = Number(process.env['ROUTER_DPDK_BENCH_ROUNDS'] ?? 3);
const PORT = 5201;
const SEARCH_STEPS = 6;
const SEARCH_SECONDS = 2;
const LOW_LOSS = 0.001;

interface Rate {
  /** Frames per second that arrived at the far host's interface. */
  readonly arrived: number;
  /** Datagrams per second the receiving iperf3 got. */
  readonly received: number;
  /** Datagrams the sender sent per second. */
  readonly offered: number;
  /** IP packet size: the datagram + UDP 8 + IPv4 20. */
  readonly ipBytes: number;
}

interface Iperf3Udp {
  end: { sum: { packets: number; lost_packets: number; seconds: number } };
}

/** One iperf3 UDP run from site `from`'s host to `to`'s, `payload` bytes a datagram, at `perSecond` (full speed: 0). */
async function udpRun(lab: demo.DemoLab, from: demo.Site, to: demo.Site, payload: number, perSecond = 0, seconds = SECONDS): Promise<Rate> {
  const runner = new NetnsLab();
  try {
    const before = rxPackets(lab, to);
    const server = await runner.start(to.hostNs, ['iperf3', '-s', '-1', '--forceflush', '-B', to.hostIpv4, '-p', String(PORT)], /Server listening/);
    const r = await lab.topology.execAsync(
      from.hostNs,
      ['iperf3', '-c', to.hostIpv4, '-p', String(PORT), '-u', '-b', String(Math.round(perSecond * payload * 8)), '-l', String(payload), '-t', String(seconds), '-J'],
      (seconds + 20) * 1000,
    );
    await runner.stop(server);
    if (r.status !== 0) throw new Error(`iperf3 ${from.name} -> ${to.name} exited ${String(r.status)}: ${r.stdout.slice(-400)}${r.stderr}`);
    const sum = (JSON.parse(r.stdout) as Iperf3Udp).end.sum;
    const arrived = rxPackets(lab, to) - before;
    return { arrived: arrived / sum.seconds, received: (sum.packets - sum.lost_packets) / sum.seconds, offered: sum.packets / sum.seconds, ipBytes: payload + 28 };
  } finally {
    runner.teardown();
  }
}

/** Packets the site's host has received on its interface (a few ND/ARP packets besides the test's). */
function rxPackets(lab: demo.DemoLab, site: demo.Site): number {
  return (JSON.parse(lab.topology.exec(site.hostNs, 'ip', '-s', '-j', 'link', 'show', 'dev', demo.HOST_IF)) as { stats64: { rx: { packets: number } } }[])[0]!.stats64.rx.packets;
}

/** What the path lost between the sender and the far host's interface. */
const lossOf = (r: Rate) => (r.offered > 0 ? Math.max(0, 1 - r.arrived / r.offered) : 0);

/**
 * The highest rate at most LOW_LOSS of whose datagrams are lost (the seed's benchmark asked for
 * zero loss; on a shared two-core machine a stray scheduling hiccup loses a few), by bisection
 * below the full-speed offered rate.
 */
async function lowLossRate(lab: demo.DemoLab, a: demo.Site, b: demo.Site, payload: number, full: Rate): Promise<Rate | undefined> {
  let lo = 0;
  let hi = full.offered;
  let best: Rate | undefined;
  for (let i = 0; i < SEARCH_STEPS; i++) {
    const mid = (lo + hi) / 2;
    // A second try before giving up on a rate: the machine is shared, one hiccup is not the path.
    let r = await udpRun(lab, a, b, payload, mid, SEARCH_SECONDS);
    if (lossOf(r) > LOW_LOSS) r = await udpRun(lab, a, b, payload, mid, SEARCH_SECONDS);
    if (lossOf(r) <= LOW_LOSS) {
      lo = mid;
      if (best === undefined || r.arrived > best.arrived) best = r;
    } else hi = mid;
  }
  return best;
}

interface Measured {
  readonly full: Rate;
  readonly lowLoss: Rate | undefined;
}

async function measure(label: string, options: demo.DemoLabOptions, payload: number): Promise<Measured> {
  const lab = demo.DemoLab.start({ prefix: `${demo.defaultPrefix('e6bench')}${label}-`, sites: 2, ...options });
  try {
    await lab.waitConverged({ timeoutMs: 60_000 });
    const [a, b] = lab.sites as [demo.Site, demo.Site];
    // A first datagram resolves ARP and the remote MAC; the rounds after it are what counts.
    const ping = await lab.ping(a, b, 4);
    if (!ping.ok) throw new Error(`${label}: host 1 cannot reach host 2: ${ping.output}`);
    let best: Rate | undefined;
    for (let i = 0; i < ROUNDS; i++) {
      const r = await udpRun(lab, a, b, payload);
      if (best === undefined || r.arrived > best.arrived) best = r;
    }
    return { full: best!, lowLoss: await lowLossRate(lab, a, b, payload, best!) };
  } finally {
    await lab.close();
  }
}

function row(name: string, r: Rate | undefined, anchor: Rate | undefined): string {
  if (r === undefined || anchor === undefined) return `  ${name.padEnd(40)}  no rate with at most ${LOW_LOSS * 100}% loss found`;
  const mbit = (r.arrived * r.ipBytes * 8) / 1e6;
  const loss = lossOf(r) * 100;
  return (
    `  ${name.padEnd(40)}  ${`${r.ipBytes + 14} B`.padStart(7)}  ${formatRate(r.arrived, 'frames').padStart(16)}  ${`${mbit.toFixed(0)} Mbit/s`.padStart(12)}  ` +
    `${`${(r.arrived / anchor.arrived).toFixed(2)}x`.padStart(9)}  offered ${formatRate(r.offered, 'frames')}, path lost ${loss.toFixed(1)}%, iperf3 got ${formatRate(r.received, 'datagrams')}`
  );
}

async function main(): Promise<void> {
  const missing = [!isRoot() && 'root (network namespaces)', !hasBinary('iperf3') && 'iperf3', !hasBinary('ethtool') && 'ethtool', forwarderUnavailable()].filter(
    (m): m is string => typeof m === 'string',
  );
  if (missing.length > 0) {
    console.log(`bench/router-dpdk: cannot run: ${missing.join('; ')}`);
    process.exit(1);
  }
  const kernel = await measure('kern', {}, demo.HOST_MTU - 28);
  const fast = await measure('dpdk', { dataplane: 'dpdk' }, demo.FAST_PATH_HOST_MTU - 28);
  const head = `  ${'case'.padEnd(40)}  ${'frame'.padStart(7)}  ${'at far host'.padStart(16)}  ${'IP'.padStart(12)}  ${'x anchor'.padStart(9)}`;
  const table = (title: string, pick: (m: Measured) => Rate | undefined) => {
    console.log(`\n${title}  (anchor: kernel vxlan + bridge, host MTU ${demo.HOST_MTU}, same run)`);
    console.log(head);
    console.log(`  ${'-'.repeat(head.length - 2)}`);
    console.log(row('DPDK forwarders, af_packet (2 fragments)', pick(fast), pick(kernel)));
    console.log(row('kernel vxlan (anchor)', pick(kernel), pick(kernel)));
  };
  table(`Host to host across VNI 550, UDP at full speed, best of ${ROUNDS} x ${SECONDS} s`, (m) => m.full);
  table(`The highest rate whose path loses at most ${LOW_LOSS * 100}% (bisection, ${SEARCH_STEPS} steps of ${SEARCH_SECONDS} s)`, (m) => m.lowLoss);
  console.log('  The fast path carries 1514-byte frames over the 1500-byte underlay; the kernel cannot, so its frames are 1444 bytes.');
}

await main();

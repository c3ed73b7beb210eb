/**
 * The demo's sites with the DPDK fast path, as test/router-dpdk.test.ts uses them: sites 1 and 2
 * run `evpn6 run --dataplane dpdk` (af_packet on enp1s0/enp4s0, TAPs tnp1s0/tnp4s0), site 3 the
 * kernel dataplane (the seed's br50/vni550), the carrier a router between the sites' /64s, MTU
 * 1500 everywhere. A "rogue" namespace on the carrier holds a VTEP address that no RT3 announced,
 * with a kernel vxlan device flooding VNI 550 to site 1: the spoofer.
 *
 * Besides the lab: a capture on a carrier port read back as outer packets (fragments, sizes, and
 * the inner frames our own @evpn6/vxlan model reassembles from them), a TCP transfer between two
 * hosts whose bytes are checked at the far end, and the forwarder's counters from `show dataplane
 * stats --json`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VxlanDecapsulator, parseIp } from '@evpn6/vxlan';
import { requireForwarder } from './forwarder-lab.js';
import { NetnsLab } from './netns.js';
import { readPcap, type PcapPacket } from './pcap.js';
import { startDemoLab, type DemoLab, type Site } from './router-lab.js';

export const ROGUE_VTEP = '2001:db8:0:99::11';
export const ROGUE_MAC = '02:e6:00:00:50:99';
export const ROGUE_IPV4 = '192.0.2.99';

const ETHERTYPE_IPV6 = 0x86dd;
const NEXT_HEADER_FRAGMENT = 44;
const ETHERNET_HEADER = 14;

/** Root, ip/bridge/ping/tcpdump/ethtool and the forwarder addon (else skip locally, fail under CI), then the lab. */
export function startFastPathLab(ctx: Mocha.Context): DemoLab {
  requireForwarder(ctx, ['bridge', 'ping', 'tcpdump']);
  // Short timers, as in test/router-e2e.test.ts: a killed router is noticed within seconds.
  return startDemoLab(ctx, 'dpdk', { siteDataplanes: ['dpdk', 'dpdk', 'kernel'], attach: [{ name: 'rogue', address: ROGUE_VTEP }], timers: { keepalive: 3, hold: 9 } });
}

/**
 * The spoofer: the kernel's own vxlan in the rogue namespace, VNI 550 flooded to `target`'s VTEP,
 * a bridge with an overlay address, and a static neighbour for the target's host so its echo
 * requests go out as unicast frames too (not only ARP broadcasts).
 */
export function buildSpoofer(lab: DemoLab, target: Site): string {
  const ns = lab.attached.get('rogue')!;
  lab.topology.batch(ns, [
    `link add br0 address ${ROGUE_MAC} type bridge`,
    `link add vx0 type vxlan id 550 local ${ROGUE_VTEP} dstport 4789 nolearning`,
    'link set vx0 master br0',
    'link set vx0 up',
    'link set br0 up',
    `addr add ${ROGUE_IPV4}/24 dev br0`,
    `neigh replace ${target.hostIpv4} lladdr ${target.hostMac} dev br0 nud permanent`,
  ]);
  lab.topology.exec(ns, 'bridge', 'fdb', 'append', '00:00:00:00:00:00', 'dev', 'vx0', 'dst', target.vtep);
  return ns;
}

/** A numeric counter of `show dataplane stats --json` (0 when the dataplane does not have it). */
export async function dataplaneCounter(lab: DemoLab, site: Site, name: string): Promise<number> {
  const stats = await lab.showJson<{ counters: Record<string, number> }>(site, ['dataplane', 'stats']);
  return stats.counters[name] ?? 0;
}

export interface UnderlayView {
  readonly packets: number;
  /** Outer IPv6 packets carrying a fragment header right after the fixed header. */
  readonly fragments: number;
  /** The largest IPv6 packet on the wire (Ethernet header excluded). */
  readonly largestIpv6: number;
  /** Lengths of the inner Ethernet frames that the capture's VXLAN decapsulates (and reassembles) to. */
  readonly innerFrames: number[];
}

/** What a capture of the underlay holds, outer packets judged by their length on the wire. */
export function underlayView(packets: readonly PcapPacket[], vteps: readonly string[]): UnderlayView {
  const decap = new VxlanDecapsulator({ localAddresses: vteps.map(parseIp) });
  let fragments = 0;
  let largestIpv6 = 0;
  const innerFrames: number[] = [];
  for (const p of packets) {
    const d = p.data;
    if (d.length < ETHERNET_HEADER + 40 || ((d[12]! << 8) | d[13]!) !== ETHERTYPE_IPV6) continue;
    largestIpv6 = Math.max(largestIpv6, p.originalLength - ETHERNET_HEADER);
    if (d[ETHERNET_HEADER + 6] === NEXT_HEADER_FRAGMENT) fragments++;
    const r = decap.decapsulate(d, Number(p.timestampNs / 1_000_000n));
    if (r.kind === 'frame') innerFrames.push(r.inner.length);
  }
  return { packets: packets.length, fragments, largestIpv6, innerFrames };
}

/** tcpdump runs, from when it listens until stop(); then the packets it wrote. */
export interface Capture {
  stop(): Promise<PcapPacket[]>;
}

/**
 * A tcpdump on `dev` in `ns`, every packet whole (snap length 0), both directions. A 16 MiB
 * buffer: with the default 2 MiB it loses half of a fast TCP transfer's fragments on a busy machine.
 */
export async function startCapture(ns: string, dev: string, filter: readonly string[] = []): Promise<Capture> {
  const runner = new NetnsLab();
  const dir = mkdtempSync(join(tmpdir(), 'evpn6-capture-'));
  const file = join(dir, 'capture.pcap');
  try {
    const tcpdump = await runner.start(ns, ['tcpdump', '--immediate-mode', '-B', '16384', '-Z', 'root', '-i', dev, '-w', file, '-U', '-n', '-s', '0', ...filter], /listening on/);
    return {
      async stop() {
        try {
          // --immediate-mode: what is in the capture ring is written before SIGINT ends it.
          await new Promise((r) => setTimeout(r, 300));
          await runner.stop(tcpdump, 'SIGINT');
          return readPcap(readFileSync(file)).packets;
        } finally {
          runner.teardown();
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (e) {
    runner.teardown();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

const TCP_PORT = 5201;

/** Receives one connection, hashes everything until the sender's FIN, answers with the count and hash. */
const TCP_SINK = `
const net = require('node:net'), crypto = require('node:crypto');
const [address, port] = process.argv.slice(1);
const server = net.createServer((c) => {
  const h = crypto.createHash('sha256'); let bytes = 0;
  c.on('data', (d) => { h.update(d); bytes += d.length; });
  c.on('end', () => { c.end(JSON.stringify({ bytes, sha256: h.digest('hex') })); server.close(); });
});
server.listen(Number(port), address, () => console.log('listening'));
`;

/** Sends N random bytes, half-closes, prints what it sent and what the sink answered. */
const TCP_SOURCE = `
const net = require('node:net'), crypto = require('node:crypto');
const [address, port, n] = process.argv.slice(1);
const data = crypto.randomBytes(Number(n));
const sha256 = crypto.createHash('sha256').update(data).digest('hex');
let answer = '';
const c = net.connect(Number(port), address, () => c.end(data));
c.on('data', (d) => { answer += d; });
c.on('end', () => console.log(JSON.stringify({ bytes: data.length, sha256, answer: JSON.parse(answer) })));
c.on('error', (e) => { console.error(e.code); process.exit(1); });
`;

export interface TransferResult {
  readonly sent: { readonly bytes: number; readonly sha256: string };
  readonly received: { readonly bytes: number; readonly sha256: string };
  readonly ms: number;
}

/** `bytes` random bytes over TCP/IPv4 from `from`'s host to `to`'s host, within `timeoutMs`. */
export async function tcpTransfer(lab: DemoLab, from: Site, to: Site, bytes: number, timeoutMs = 30_000): Promise<TransferResult> {
  const runner = new NetnsLab();
  try {
    const sink = await runner.start(to.hostNs, [process.execPath, '-e', TCP_SINK, to.hostIpv4, String(TCP_PORT)], /listening/);
    const t0 = Date.now();
    const r = await lab.topology.execAsync(from.hostNs, [process.execPath, '-e', TCP_SOURCE, to.hostIpv4, String(TCP_PORT), String(bytes)], timeoutMs);
    const ms = Date.now() - t0;
    await runner.stop(sink);
    if (r.status !== 0) throw new Error(`the TCP transfer ${from.name} -> ${to.name} failed (status ${String(r.status)}): ${r.stderr.trim()}`);
    const out = JSON.parse(r.stdout.trim()) as { bytes: number; sha256: string; answer: { bytes: number; sha256: string } };
    return { sent: { bytes: out.bytes, sha256: out.sha256 }, received: out.answer, ms };
  } finally {
    runner.teardown();
  }
}

/** The MTU of `dev` in `ns` as the kernel has it. */
export function mtuOf(lab: DemoLab, ns: string, dev: string): number {
  return (JSON.parse(lab.topology.exec(ns, 'ip', '-j', 'link', 'show', 'dev', dev)) as { mtu: number }[])[0]!.mtu;
}

/** Datagrams the kernel of `ns` reassembled from IPv6 fragments (Ip6ReasmOKs of /proc/net/snmp6). */
export function ipv6Reassembled(lab: DemoLab, ns: string): number {
  const line = lab.topology.exec(ns, 'cat', '/proc/net/snmp6').split('\n').find((l) => l.startsWith('Ip6ReasmOKs'));
  return Number(line?.trim().split(/\s+/)[1] ?? Number.NaN);
}

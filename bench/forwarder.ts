/**
 * The DPDK forwarder against the Linux kernel's vxlan + bridge, in the same run (issue #6).
 *
 *   npm run bench -- forwarder      (root, DPDK built: native/build/fwd_bench)
 *
 * Forwarder: native/build/fwd_bench on one lcore with in-memory net_ring ports — TSC cycles per
 * frame and Mpps of the lcore loop (RX burst, classify, encap/decap, fragmentation or reassembly,
 * TX burst, freeing what was sent), best round of several; then the core alone on byte buffers.
 * Kernel: a namespace with a bridge and a vxlan device over IPv6 (the seed's set-up), fed through a
 * veth by fwd_bench's af_packet generator for a few seconds; its rate is what left the other side.
 * The kernel cannot send a 1514-byte frame over a 1500-byte IPv6 underlay at all (RFC 7348 says
 * VTEPs do not fragment: it drops them), so the fragmented cases have no kernel anchor.
 * Goals: <= 150 cycles/frame at 64 bytes, <= 400 per fragmented 1514-byte frame, >= 10x the kernel.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NetnsLab } from '../test/support/netns.js';
import { formatRate } from './_support.js';

const BENCH = fileURLToPath(new URL('../native/build/fwd_bench', import.meta.url));
const EAL = ['--no-huge', '--no-pci', '-m', '512', '--no-shconf', '--no-telemetry', '--log-level', 'lib.eal:error'];
const SECONDS = Number(process.env['FWD_BENCH_SECONDS'] ?? 1);
const KERNEL_SECONDS = 3;

interface Row {
  readonly case: string;
  readonly cyclesPerFrame: number;
  readonly mpps: number;
  readonly tscHz: number;
}

function cpuModel(): string {
  const lscpu = spawnSync('lscpu', [], { encoding: 'utf8' }).stdout ?? '';
  const field = (name: string) => lscpu.match(new RegExp(`^${name}:\\s*(.+)$`, 'm'))?.[1]?.trim() ?? '?';
  return `${field('Model name')}, ${field('CPU\\(s\\)')} CPUs, ${field('Vendor ID')} family ${field('CPU family')} model ${field('Model')}`;
}

function forwarderRows(): Row[] {
  // One lcore: the second CPU (if any), so this process's own threads do not share it.
  const out = execFileSync(BENCH, [...EAL, '-l', '1', '--', 'run', String(SECONDS)], { encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row);
}

const MAC = { gen: '02:00:5e:00:53:01', peer: '02:00:5e:00:53:02', u0: '02:00:5e:00:53:10', sink: '02:00:5e:00:53:20' };
const VTEP = { kernel: '2001:db8:9::1', remote: '2001:db8:9::2' };

interface KernelRate {
  /** Frames/s that came out of the kernel VTEP. */
  readonly carried: number;
  /** Frames/s the generator sent meanwhile (it feeds the kernel on its own core, in its syscalls). */
  readonly offered: number;
  /** Frames/s the same generator sends into a veth whose peer drops them at once. */
  readonly bare: number;
}

/** The kernel's own time per frame: what the bridge + vxlan path added to the generator's. */
export function kernelOnlyRate(k: KernelRate): number {
  const extra = 1 / k.carried - 1 / k.bare;
  return extra > 0 ? 1 / extra : Infinity;
}

/** Frames/s the kernel's vxlan + bridge carried, encap (LAN -> underlay) and decap (underlay -> LAN). */
function kernelRates(): { encap: KernelRate; decap: KernelRate } {
  const lab = new NetnsLab();
  try {
    const gen = lab.add('gen');
    const kv = lab.add('kv');
    const sink = lab.add('sink');
    lab.veth(gen, 'g0', kv, 'l0', MAC.gen);
    lab.veth(kv, 'u0', sink, 's0', MAC.u0, MAC.sink);
    // Dead ends for the generator's own rate: the peer has no bridge and no address, and drops.
    lab.veth(gen, 'g1', kv, 'x1', MAC.gen);
    lab.veth(sink, 's1', kv, 'x2', MAC.sink);
    for (const [ns, dev] of [[gen, 'g0'], [gen, 'g1'], [kv, 'l0'], [kv, 'u0'], [kv, 'x1'], [kv, 'x2'], [sink, 's0'], [sink, 's1']] as const) {
      lab.sysctl(ns, `net.ipv6.conf.${dev}.disable_ipv6=${ns === kv && dev === 'u0' ? 0 : 1}`);
    }
    lab.ip(kv, 'addr', 'add', `${VTEP.kernel}/64`, 'dev', 'u0', 'nodad');
    lab.ip(kv, 'neigh', 'add', VTEP.remote, 'lladdr', MAC.sink, 'dev', 'u0', 'nud', 'permanent');
    lab.ip(kv, 'link', 'add', 'br0', 'type', 'bridge');
    lab.ip(kv, 'link', 'add', 'vx0', 'type', 'vxlan', 'id', '550', 'local', VTEP.kernel, 'dstport', '4789', 'nolearning');
    for (const dev of ['vx0', 'l0']) lab.ip(kv, 'link', 'set', dev, 'master', 'br0');
    lab.ip(kv, 'link', 'set', 'vx0', 'up');
    lab.ip(kv, 'link', 'set', 'br0', 'up');
    // Unicast both ways, as a site behind EVPN has it: no flooding, no learning on the way.
    lab.exec(kv, 'bridge', 'fdb', 'add', MAC.peer, 'dev', 'vx0', 'dst', VTEP.remote, 'self', 'static');
    lab.exec(kv, 'bridge', 'fdb', 'add', MAC.gen, 'dev', 'l0', 'master', 'static');
    const txPackets = (dev: string) =>
      (JSON.parse(lab.exec(kv, 'ip', '-s', '-j', 'link', 'show', 'dev', dev)) as { stats64: { tx: { packets: number } } }[])[0]!.stats64.tx.packets;
    const generate = (ns: string, iface: string, kind: string, src: string, dst: string, innerDst: string) => {
      const out = lab.exec(ns, BENCH, ...EAL, '-l', '0', '--vdev', `net_af_packet0,iface=${iface}`, '--', 'generate', kind, String(KERNEL_SECONDS), src, dst, innerDst, VTEP.remote, VTEP.kernel, '550');
      return JSON.parse(out.trim().split('\n').pop()!) as { sent: number; seconds: number };
    };
    const measure = (ns: string, iface: string, deadEnd: string, kind: string, src: string, dst: string, innerDst: string): KernelRate => {
      const bare = generate(ns, deadEnd, kind, src, dst, innerDst);
      const before = txPackets(kind === 'encap' ? 'u0' : 'l0');
      const run = generate(ns, iface, kind, src, dst, innerDst);
      const carried = (txPackets(kind === 'encap' ? 'u0' : 'l0') - before) / run.seconds;
      return { carried, offered: run.sent / run.seconds, bare: bare.sent / bare.seconds };
    };
    return {
      encap: measure(gen, 'g0', 'g1', 'encap', MAC.gen, MAC.peer, MAC.peer),
      decap: measure(sink, 's0', 's1', 'decap', MAC.sink, MAC.u0, MAC.gen),
    };
  } finally {
    lab.teardown();
  }
}

function main(): void {
  if (!existsSync(BENCH)) {
    console.log(`bench/forwarder: ${BENCH} is missing: build native/ with DPDK (libdpdk-dev; npm run build:native -w @evpn6/router)`);
    process.exit(1);
  }
  console.log(`CPU: ${cpuModel()}`);
  const rows = forwarderRows();
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const kernel = isRoot ? kernelRates() : undefined;
  const anchorOf = (name: string): number | undefined => {
    if (kernel === undefined) return undefined;
    if (name === 'encap 64') return kernelOnlyRate(kernel.encap);
    if (name === 'decap 64') return kernelOnlyRate(kernel.decap);
    return undefined;
  };
  const goal = (name: string) => (name.includes('64') && !name.includes('flood') ? 150 : name.includes('1514') ? 400 : undefined);
  console.log(`\nVXLAN over IPv6 forwarding, one lcore, TSC ${(rows[0]!.tscHz / 1e9).toFixed(2)} GHz (anchor: Linux vxlan + bridge, same run)`);
  const head = `  ${'case'.padEnd(32)}  ${'cycles/frame'.padStart(12)}  ${'goal'.padStart(5)}  ${'rate'.padStart(16)}  ${'x kernel'.padStart(9)}`;
  console.log(head);
  console.log(`  ${'-'.repeat(head.length - 2)}`);
  for (const r of rows) {
    const g = goal(r.case);
    const anchor = anchorOf(r.case);
    console.log(
      `  ${r.case.padEnd(32)}  ${r.cyclesPerFrame.toFixed(1).padStart(12)}  ${(g === undefined ? '-' : `<=${g}`).padStart(5)}  ${formatRate(r.mpps * 1e6, 'frames').padStart(16)}  ${(anchor ? `${((r.mpps * 1e6) / anchor).toFixed(1)}x` : '-').padStart(9)}`,
    );
  }
  if (kernel !== undefined) {
    for (const [name, k] of [['encap 64', kernel.encap], ['decap 64', kernel.decap]] as const) {
      console.log(
        `  ${`kernel ${name}`.padEnd(32)}  ${'-'.padStart(12)}  ${'-'.padStart(5)}  ${formatRate(kernelOnlyRate(k), 'frames').padStart(16)}  ` +
          `(carried ${formatRate(k.carried, 'frames')} of ${formatRate(k.offered, 'frames')} offered; generator alone ${formatRate(k.bare, 'frames')})`,
      );
    }
    console.log('  The kernel forwards in the generator\'s own syscalls, on its core: its rate is 1 / (time per frame with the');
    console.log('  bridge + vxlan path - time per frame into a dead end). "x kernel" compares the lcore with that.');
  } else {
    console.log('  kernel path not measured: it needs root (network namespaces)');
  }
}

main();

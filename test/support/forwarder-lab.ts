/**
 * Namespaces around two DPDK forwarders for test/forwarder-dpdk.test.ts:
 *
 *   ha (LAN host)           fwa (forwarder agent)                core (IPv6 router)     k1, k2 (kernel VTEPs)
 *   eth0 2001:db8:55::1 --- enl0 [af_packet LAN, TAP tnl0]
 *                           enu0 [af_packet underlay, TAP tnu0 --- fa 2001:db8::fe
 *                                 2001:db8::1 = local VTEP]       c1 2001:db8:1::fe --- eth0 2001:db8:1::1, vx0 550 + br0 2001:db8:55::2
 *                                                                 c2 2001:db8:2::fe --- eth0 2001:db8:2::1, vx0 550 + br0 2001:db8:55::3
 *   hb  2001:db8:55::4  --- fwb (the same, VTEP 2001:db8:3::1) --- fb 2001:db8:3::fe
 *
 * k1 and k2 are the Linux kernel's own vxlan (IPv6 VTEPs) flooding to 2001:db8::1. Forwarder a
 * floods VNI 550 to k1, k2 and b, and accepts VXLAN from k1 and b only; b pairs with a, so that
 * one forwarder's fragments are reassembled by the other (Linux never fragments VXLAN). Checksum
 * offload is off on every veth: af_packet hands DPDK the frame bytes, and a frame whose checksum
 * the kernel left for the hardware to fill would look corrupt.
 */
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ForwarderStats, MacEvent } from '../../packages/router/src/forwarder/index.js';
import { forwarderUnavailable } from '../../packages/router/src/forwarder/index.js';
import { NetnsLab } from './netns.js';
import { NamespaceAgent } from './ns-agent.js';
import { IN_CI, requirePrereqs } from './prereq.js';
import { waitFor } from './processes.js';

const AGENT = fileURLToPath(new URL('./forwarder-agent.ts', import.meta.url));

/**
 * EAL without hugepages, PCI or shared files: what a test machine gives (DESIGN.md). The one lcore
 * may run on any CPU: pinning it would fight the other jobs of a shared machine for one core.
 */
export const BASE_EAL = ['--no-huge', '--no-pci', '-m', '256', '--no-shconf', '--no-telemetry', '--lcores', `0@(0-${Math.max(0, cpus().length - 1)})`, '--log-level', 'lib.eal:error'];
export const NULL_EAL = [...BASE_EAL, '--vdev', 'net_null0', '--vdev', 'net_null1'];

export type ForwarderAgent = NamespaceAgent<MacEvent>;

export function startAgent(ns: string): Promise<ForwarderAgent> {
  return NamespaceAgent.start(ns, AGENT, (m) => m.event as MacEvent);
}

/** Root, the tools, and a loadable forwarder addon; otherwise skip (locally) or fail (CI=true). */
export function requireForwarder(ctx: Mocha.Context, binaries: readonly string[] = []): void {
  requirePrereqs(ctx, { root: true, binaries: ['ip', 'ethtool', ...binaries] });
  const why = forwarderUnavailable();
  if (why === null) return;
  if (IN_CI) throw new Error(`the DPDK forwarder is unavailable: ${why}; CI=true, so this is a failure, not a skip`);
  console.log(`      skipped: ${why}`);
  ctx.skip();
}

const HOST_MAC = '02:00:5e:00:53:77';
const SECOND_HOST_MAC = '02:00:5e:00:53:78';
const LOCAL_VTEP = '2001:db8::1';
const SECOND_VTEP = '2001:db8:3::1';
const SECOND_HOST = '2001:db8:55::4';
const KERNEL_VTEPS = ['2001:db8:1::1', '2001:db8:2::1'];
const OVERLAY = ['2001:db8:55::1', '2001:db8:55::2', '2001:db8:55::3'];

/** One forwarder site: its namespace, its LAN host's, and the agent running the forwarder. */
interface Site {
  readonly fw: string;
  readonly h: string;
  readonly agent: ForwarderAgent;
}

interface SiteSpec {
  readonly name: string;
  /** Underlay subnet 2001:db8:<net>::/64 toward the core router; our VTEP is ::1 in it. */
  readonly net: number;
  readonly hostMac: string;
  readonly hostAddress: string;
  readonly flood: readonly string[];
  readonly allowed: readonly string[];
}

export class ForwarderLab {
  readonly lab = new NetnsLab();
  readonly hostMac = HOST_MAC;
  core = '';
  k: string[] = [];
  sites: Site[] = [];

  /** The first site: the one the tests drive. */
  get h(): string {
    return this.sites[0]!.h;
  }
  get fw(): string {
    return this.sites[0]!.fw;
  }
  get agent(): ForwarderAgent {
    return this.sites[0]!.agent;
  }

  static async create(): Promise<ForwarderLab> {
    const fl = new ForwarderLab();
    try {
      await fl.build();
    } catch (e) {
      await fl.teardown();
      throw e;
    }
    return fl;
  }

  private noOffload(ns: string, dev: string): void {
    this.lab.exec(ns, 'ethtool', '-K', dev, 'tx', 'off', 'rx', 'off');
  }

  /** Site <name>: forwarder namespace with an af_packet underlay on the core and a LAN host. */
  private async site(spec: SiteSpec): Promise<Site> {
    const { lab, core } = this;
    const fw = lab.add(`fw${spec.name}`);
    const h = lab.add(`h${spec.name}`);
    const vtep = `2001:db8:${spec.net.toString(16)}::1`;
    const gateway = `2001:db8:${spec.net.toString(16)}::fe`;
    const coreIf = `f${spec.name}`;
    const coreMac = `02:00:5e:00:54:${(0x10 + spec.net).toString(16)}`;
    lab.veth(fw, 'enl0', h, 'eth0', undefined, spec.hostMac);
    lab.veth(fw, 'enu0', core, coreIf, `02:00:5e:00:55:${(0x10 + spec.net).toString(16)}`, coreMac);
    // The DPDK ports belong to the forwarder: the kernel must not speak on them itself.
    lab.sysctl(fw, 'net.ipv6.conf.enl0.disable_ipv6=1', 'net.ipv6.conf.enu0.disable_ipv6=1');
    this.noOffload(h, 'eth0');
    this.noOffload(core, coreIf);
    lab.ip(h, 'addr', 'add', `${spec.hostAddress}/64`, 'dev', 'eth0', 'nodad');
    lab.ip(core, 'addr', 'add', `${gateway}/64`, 'dev', coreIf, 'nodad');
    for (const [ns, dev] of [[fw, 'enl0'], [fw, 'enu0'], [h, 'eth0'], [core, coreIf]] as const) await lab.waitLinkReady(ns, dev);

    const agent = await startAgent(fw);
    const site = { fw, h, agent };
    this.sites.push(site);
    await agent.call('start', {
      options: {
        ealArgs: [...BASE_EAL, '--vdev', 'net_af_packet0,iface=enu0', '--vdev', 'net_af_packet1,iface=enl0'],
        underlay: { device: 'net_af_packet0', tap: 'tnu0' },
        lan: [{ device: 'net_af_packet1', tap: 'tnl0' }],
        // Shared test machine: give the core back when idle (production busy-polls).
        idleSleepUs: 50,
      },
    });
    // The TAP is the kernel's side of the underlay port: it holds the VTEP address and answers ND.
    await lab.waitLinkReady(fw, 'tnu0');
    this.noOffload(fw, 'tnu0');
    lab.ip(fw, 'addr', 'add', `${vtep}/64`, 'dev', 'tnu0', 'nodad');
    lab.ip(fw, '-6', 'route', 'add', 'default', 'via', gateway);
    const failures = await agent.call<unknown[]>('apply', {
      commands: [
        { op: 'setLocalVtep', address: vtep },
        { op: 'setUnderlayNextHop', mac: coreMac },
        { op: 'bindVni', vni: 550, port: 0 },
        ...spec.flood.map((v) => ({ op: 'addFloodVtep', vni: 550, vtep: v })),
        ...spec.allowed.map((v) => ({ op: 'addAllowedVtep', vni: 550, vtep: v })),
      ],
    });
    if (failures.length > 0) throw new Error(`forwarder ${spec.name} refused its set-up: ${JSON.stringify(failures)}`);
    return site;
  }

  private async build(): Promise<void> {
    const { lab } = this;
    this.core = lab.add('core');
    this.k = [lab.add('k1'), lab.add('k2')];
    const { core, k } = this;
    lab.sysctl(core, 'net.ipv6.conf.all.forwarding=1');
    for (let i = 0; i < 2; i++) {
      const kn = k[i]!;
      const c = `c${i + 1}`;
      lab.veth(core, c, kn, 'eth0');
      this.noOffload(core, c);
      this.noOffload(kn, 'eth0');
      lab.ip(core, 'addr', 'add', `2001:db8:${i + 1}::fe/64`, 'dev', c, 'nodad');
      lab.ip(kn, 'addr', 'add', `${KERNEL_VTEPS[i]}/64`, 'dev', 'eth0', 'nodad');
      lab.ip(kn, '-6', 'route', 'add', 'default', 'via', `2001:db8:${i + 1}::fe`);
      lab.ip(kn, 'link', 'add', 'br0', 'type', 'bridge');
      lab.ip(kn, 'link', 'add', 'vx0', 'type', 'vxlan', 'id', '550', 'local', KERNEL_VTEPS[i]!, 'dstport', '4789');
      lab.ip(kn, 'link', 'set', 'vx0', 'master', 'br0');
      lab.ip(kn, 'link', 'set', 'vx0', 'up');
      lab.ip(kn, 'link', 'set', 'br0', 'up');
      lab.ip(kn, 'addr', 'add', `${OVERLAY[i + 1]}/64`, 'dev', 'br0', 'nodad');
      lab.exec(kn, 'bridge', 'fdb', 'append', '00:00:00:00:00:00', 'dev', 'vx0', 'dst', LOCAL_VTEP);
    }
    // Site a: floods to both kernel VTEPs and to site b; takes VXLAN from k1 and site b only.
    await this.site({ name: 'a', net: 0, hostMac: HOST_MAC, hostAddress: OVERLAY[0]!, flood: [...KERNEL_VTEPS, SECOND_VTEP], allowed: [KERNEL_VTEPS[0]!, SECOND_VTEP] });
    // Site b: a second forwarder, so that one forwarder's fragments are reassembled by another.
    await this.site({ name: 'b', net: 3, hostMac: SECOND_HOST_MAC, hostAddress: SECOND_HOST, flood: [LOCAL_VTEP], allowed: [LOCAL_VTEP] });
  }

  /** Pings of `size` bytes between the two forwarders' LAN hosts: fragmented both ways on a 1500-byte underlay. */
  pingBetweenSites(count: number, size: number): number | null {
    return this.ping(this.h, SECOND_HOST, count, size);
  }

  statsOf(site: number): Promise<ForwarderStats> {
    return this.sites[site]!.agent.call<ForwarderStats>('stats');
  }

  /** ping's exit status: 0 when at least one reply came back. */
  private ping(ns: string, to: string, count: number, size = 56): number | null {
    return this.lab.tryExec(ns, 'ping', '-6', '-c', String(count), '-s', String(size), '-i', '0.2', '-W', '2', to).status;
  }

  pingFromHost(count: number, size?: number): number | null {
    return this.ping(this.h, OVERLAY[1]!, count, size);
  }

  pingFromKernelSide(count: number): number | null {
    return this.ping(this.k[0]!, OVERLAY[0]!, count);
  }

  /** From behind k2, which the forwarder floods to but does not accept VXLAN from. */
  pingFromUnlisted(count: number): number | null {
    return this.ping(this.k[1]!, OVERLAY[0]!, count);
  }

  /** A multicast echo to all nodes on the overlay: a BUM frame. */
  broadcastFromHost(): void {
    this.lab.tryExec(this.h, 'ping', '-6', '-c', '2', '-i', '0.2', '-W', '1', '-I', 'eth0', 'ff02::1');
  }

  /** Frames kernel VTEP k<n> decapsulated. */
  vxlanRx(n: number): number {
    const links = JSON.parse(this.lab.exec(this.k[n - 1]!, 'ip', '-s', '-j', 'link', 'show', 'dev', 'vx0')) as { stats64: { rx: { packets: number } } }[];
    return links[0]!.stats64.rx.packets;
  }

  stats(): Promise<ForwarderStats> {
    return this.statsOf(0);
  }

  waitEvent(match: (e: MacEvent) => boolean): Promise<MacEvent> {
    return waitFor('a forwarder MAC event', () => this.agent.events.find(match), 10000, 50);
  }

  until(what: string, cond: () => Promise<boolean> | boolean): Promise<true> {
    return waitFor(what, async () => ((await cond()) ? true : undefined), 10000, 100);
  }

  async teardown(): Promise<void> {
    for (const s of this.sites) await s.agent.stop();
    this.lab.teardown();
  }
}

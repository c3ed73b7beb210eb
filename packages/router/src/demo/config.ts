/**
 * Each site's router configuration: the seed's, generated for site N of the mesh (iBGP full mesh
 * in AS 64512, update-source the site's own underlay address, EVPN with advertise-all-vni), and
 * for a DPDK site the `dataplane dpdk` block (the seed's /etc/default/gdp) for its af_packet ports.
 */
import { cpus } from 'node:os';
import { DEMO_ASN, DEMO_VNI, LAN_IF, LAN_TAP, UNDERLAY_IF, UNDERLAY_TAP, type Site } from './topology.js';

/**
 * EAL for a forwarder on a machine that is not a DPDK box: no hugepages, no PCI, no shared files
 * (several forwarders run side by side), and the forwarding lcore free to float over every CPU
 * rather than pinned to a core the routers and hosts also need. net_tap's complaints about what a
 * namespace lacks (the multiq qdisc, rte_flow, a secondary process) would drown the routers' own
 * lines; a TAP that cannot be made still fails the forwarder's start, with its own error.
 */
export const DEMO_EAL: readonly string[] = [
  ...['--no-huge', '--no-pci', '-m', '256', '--no-shconf', '--no-telemetry', '--lcores', `0@(0-${Math.max(0, cpus().length - 1)})`],
  ...['--log-level', 'lib.eal:error', '--log-level', 'pmd.net.tap:crit'],
];
/** The demo's forwarders share the machine's cores with each other: they sleep when idle. */
export const DEMO_IDLE_SLEEP_US = 50;

export interface ExtraNeighbor {
  readonly address: string;
  /** `internal` (iBGP, as the sites) unless set. */
  readonly remoteAs?: number | 'internal';
}

export interface SiteConfigOptions {
  /** `neighbor X timers KEEPALIVE HOLD` on every neighbor; FRR's 60/180 when absent. */
  readonly timers?: { readonly keepalive: number; readonly hold: number };
  /** More EVPN neighbors besides the other sites (a GoBGP peer on the carrier, say). */
  readonly extraNeighbors?: readonly ExtraNeighbor[];
  /** A DPDK site's `idle-sleep` (DEMO_IDLE_SLEEP_US when absent). */
  readonly idleSleepUs?: number;
}

/**
 * The `dataplane dpdk` block: enp1s0 and enp4s0 as af_packet ports, the seed's TAP names, MTU 1500.
 * af_packet rings of 4096 frames rather than 512: a forwarder that shares its core with hosts and
 * other routers is late to poll now and then, and a full ring drops what the veth hands it (the
 * underlay port sees two fragments per full-size frame).
 */
export function dpdkBlock(options: SiteConfigOptions = {}): string[] {
  return [
    'dataplane dpdk',
    ` eal ${DEMO_EAL.join(' ')}`,
    ` eal --vdev net_af_packet0,iface=${UNDERLAY_IF},framecnt=4096 --vdev net_af_packet1,iface=${LAN_IF},framecnt=4096`,
    ` underlay net_af_packet0 tap ${UNDERLAY_TAP}`,
    ` lan net_af_packet1 tap ${LAN_TAP} vni ${DEMO_VNI}`,
    ' mtu 1500',
    ` idle-sleep ${options.idleSleepUs ?? DEMO_IDLE_SLEEP_US}`,
    'exit',
  ];
}

export function siteConfig(site: Site, sites: readonly Site[], options: SiteConfigOptions = {}): string {
  const neighbors: ExtraNeighbor[] = [...sites.filter((s) => s !== site).map((s) => ({ address: s.vtep })), ...(options.extraNeighbors ?? [])];
  const lines = [`router bgp ${DEMO_ASN}`];
  for (const n of neighbors) {
    lines.push(` neighbor ${n.address} remote-as ${n.remoteAs ?? 'internal'}`, ` neighbor ${n.address} update-source ${site.vtep}`);
    if (options.timers !== undefined) lines.push(` neighbor ${n.address} timers ${options.timers.keepalive} ${options.timers.hold}`);
  }
  lines.push(' !', ' address-family ipv6 unicast', `  network ${site.vtep}/128`, ' exit-address-family', ' !', ' address-family l2vpn evpn');
  for (const n of neighbors) lines.push(`  neighbor ${n.address} activate`);
  lines.push('  advertise-all-vni', ' exit-address-family', 'exit', 'ipv6 nht resolve-via-default');
  if (site.dataplane === 'dpdk') lines.push(...dpdkBlock(options));
  return `${lines.join('\n')}\n`;
}

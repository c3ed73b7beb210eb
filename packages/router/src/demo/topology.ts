/**
 * The seed's topology in network namespaces: three sites on a carrier network (the closed IPv6
 * network of the seed: IPv6 only, MTU 1500, no multicast for the overlay), each with a router
 * namespace and a host namespace behind the router's LAN port.
 *
 *        host1 (eth0)            host2 (eth0)            host3 (eth0)
 *          │ enp4s0                │ enp4s0                │ enp4s0
 *   site1: br50 ─ vni550    site2: br50 ─ vni550    site3: br50 ─ vni550
 *          enp1s0 2001:db8:0:1::11 enp1s0 2001:db8:0:2::11 enp1s0 2001:db8:0:3::11
 *          └──────────────────── carrier: bridge br0 ─────────────────┘
 *
 * With DPDK sites (`siteDataplanes`, or every site with `dataplane: 'dpdk'`) the carrier is a
 * router instead (`carrier: 'routed'`): each site its own /64 (2001:db8:0:N::/64, the carrier at
 * ::fe), a default route via the carrier, IPv6 forwarding on. The forwarder sends every tunnel to
 * one next hop, the router whose MAC the kernel learned on the underlay TAP, as on the seed's
 * carrier network. A DPDK site has no br50/vni550: its enp1s0 and enp4s0 are af_packet "NICs" of
 * the forwarder, its TAPs tnp1s0 (the site's address, BGP) and tnp4s0 appear when its router has
 * started, and prepareTap() gives tnp1s0 the address and route, as an operator's host would.
 *
 * Every namespace name starts with a per-run prefix, so a crashed run's leftovers are found by
 * it; the namespaces are deleted on teardown and, as a last resort, when the process exits.
 */
import { formatIpv6, parseIpv6 } from '@evpn6/bgp';
import { DemoError } from './errors.js';
import { run, runAsync, tryRun, type CommandResult } from './shell.js';

export const DEMO_ASN = 64512;
export const DEMO_VNI = 550;
export const UNDERLAY_IF = 'enp1s0';
/** The seed's LAN port is tnp4s0 under its DPDK forwarder; on the kernel dataplane it is the NIC itself. */
export const LAN_IF = 'enp4s0';
export const BRIDGE_IF = 'br50';
export const VXLAN_IF = `vni${DEMO_VNI}`;
export const HOST_IF = 'eth0';
export const VXLAN_PORT = 4789;
/** The carrier network: routes to every site's underlay /64 lie on the one carrier link. */
export const UNDERLAY_AGGREGATE = '2001:db8::/48';
/**
 * The kernel's vxlan neither fragments the outer IPv6 packet nor lets it exceed the 1500-byte
 * underlay (RFC 7348 forbids fragmenting; Linux drops and fakes an ICMP "too big, mtu 1430"):
 * inner Ethernet 14 + VXLAN 8 + UDP 8 + IPv6 40 = 70 bytes of overhead leave 1430 for the hosts'
 * IP packets. The DPDK dataplane fragments and lifts this limit (issue 8).
 */
export const HOST_MTU = 1430;
/** Hosts behind a DPDK site keep Ethernet's 1500: the forwarder fragments the outer packet. */
export const FAST_PATH_HOST_MTU = 1500;
/** ICMP payloads that make 1500-byte IP packets: 1472 + 8 + 20 (IPv4), 1452 + 8 + 40 (IPv6). */
export const BIG_PING_SIZE = { 4: 1472, 6: 1452 } as const;
/** The DPDK site's TAPs, the seed's naming (enp1s0 -> tnp1s0): the kernel's side of each port. */
export const UNDERLAY_TAP = 'tnp1s0';
export const LAN_TAP = 'tnp4s0';

/** How a site forwards: the Linux bridge + vxlan, or the DPDK forwarder on af_packet ports. */
export type SiteDataplane = 'kernel' | 'dpdk';
/** One L2 segment with every /64 on-link, or a router between the sites' own /64s. */
export type CarrierKind = 'bridge' | 'routed';

export function underlayAddress(n: number): string {
  return `2001:db8:0:${n.toString(16)}::11`;
}

/** The routed carrier's address in `address`'s /64: ::fe, the next hop of everything there. */
export function underlayGateway(address: string): string {
  const bytes = parseIpv6(address);
  bytes.fill(0, 8);
  bytes[15] = 0xfe;
  return formatIpv6(bytes);
}

export interface Site {
  /** 1, 2, 3: the seed's 2001:db8:0:N::11. */
  readonly index: number;
  readonly name: string;
  readonly routerNs: string;
  readonly hostNs: string;
  readonly vtep: string;
  readonly hostMac: string;
  readonly hostIpv4: string;
  readonly hostIpv6: string;
  readonly dataplane: SiteDataplane;
  /** The host's (and LAN port's) MTU: what the site's dataplane can carry over the 1500-byte underlay. */
  readonly hostMtu: number;
  /** Where the site's default route points on a routed carrier. */
  readonly gateway: string;
}

export function siteOf(prefix: string, index: number, dataplane: SiteDataplane = 'kernel'): Site {
  const hex = index.toString(16).padStart(2, '0');
  return {
    index,
    name: `site${index}`,
    routerNs: `${prefix}site${index}`,
    hostNs: `${prefix}host${index}`,
    vtep: underlayAddress(index),
    // Locally administered (bit 1 of the first octet), so no vendor's MAC is borrowed.
    hostMac: `02:e6:00:00:50:${hex}`,
    hostIpv4: `192.0.2.${index}`,
    hostIpv6: `2001:db8:50::${index.toString(16)}`,
    dataplane,
    hostMtu: dataplane === 'dpdk' ? FAST_PATH_HOST_MTU : HOST_MTU,
    gateway: underlayGateway(underlayAddress(index)),
  };
}

/** `e6demo<pid>-`, or `$EVPN6_NETNS_PREFIX<pid>-` (CI sets it, to find what a crashed run left). */
export function defaultPrefix(kind = 'e6demo'): string {
  return `${process.env['EVPN6_NETNS_PREFIX'] ?? kind}${process.pid}-`;
}

export interface TopologyOptions {
  /** Namespace name prefix; defaultPrefix() when absent. */
  readonly prefix?: string;
  /** Number of sites (1..15); the seed has 3. */
  readonly sites?: number;
  /** 'dpdk': every site on the fast path (unless siteDataplanes says otherwise). */
  readonly dataplane?: string;
  /** Per site, site1 first; sites past its end are kernel sites. */
  readonly siteDataplanes?: readonly SiteDataplane[];
  /** Default: 'routed' when a site is on DPDK (it needs one), else 'bridge' (the seed's picture). */
  readonly carrier?: CarrierKind;
}

const live = new Set<Topology>();
let exitHookInstalled = false;

export class Topology {
  readonly carrierNs: string;
  readonly sites: readonly Site[];
  readonly carrier: CarrierKind;
  /** A DPDK site is there: every veth gets its checksum offloads off (see noOffload). */
  readonly fastPath: boolean;
  private readonly namespaces: string[] = [];
  private attached = 0;

  private constructor(
    readonly prefix: string,
    siteCount: number,
    options: TopologyOptions,
  ) {
    this.carrierNs = `${prefix}carrier`;
    const kind = (i: number): SiteDataplane => options.siteDataplanes?.[i] ?? (options.siteDataplanes === undefined && options.dataplane === 'dpdk' ? 'dpdk' : 'kernel');
    this.sites = Array.from({ length: siteCount }, (_, i) => siteOf(prefix, i + 1, kind(i)));
    this.fastPath = this.sites.some((s) => s.dataplane === 'dpdk');
    this.carrier = options.carrier ?? (this.fastPath ? 'routed' : 'bridge');
  }

  /** Builds the carrier, the sites and their hosts; on failure removes what it made and throws. */
  static build(options: TopologyOptions = {}): Topology {
    const count = options.sites ?? 3;
    if (!Number.isInteger(count) || count < 1 || count > 15) throw new DemoError('ERR_DEMO_COMMAND', `sites must be 1..15, not ${count}`);
    const t = new Topology(options.prefix ?? defaultPrefix(), count, options);
    if (t.fastPath && t.carrier !== 'routed') {
      throw new DemoError('ERR_DEMO_COMMAND', 'DPDK sites need the routed carrier: the forwarder sends every tunnel to one next hop');
    }
    live.add(t);
    installExitHook();
    try {
      t.addNamespace(t.carrierNs);
      if (t.carrier === 'bridge') {
        // The carrier is one L2 segment; with MLD snooping off it forwards ND's multicast like a
        // plain switch, so no querier is needed. It carries no overlay multicast: BUM uses HER.
        t.batch(t.carrierNs, ['link add br0 type bridge mcast_snooping 0', 'link set br0 up']);
      } else {
        // A router: forwarding on makes its Neighbor Advertisements carry the R bit, which is how
        // a DPDK site's kernel flags it as the router whose MAC the forwarder sends tunnels to.
        run(['ip', 'netns', 'exec', t.carrierNs, 'sysctl', '-qw', 'net.ipv6.conf.all.forwarding=1']);
      }
      for (const site of t.sites) {
        t.addUnderlayNode(site.routerNs, `site${site.index}`, site.vtep, site.dataplane);
        if (site.dataplane === 'kernel') t.addVni(site);
        t.addHost(site);
      }
      return t;
    } catch (e) {
      t.teardown();
      throw e;
    }
  }

  /** A namespace of this run, with loopback up. */
  private addNamespace(ns: string): void {
    run(['ip', 'netns', 'add', ns]);
    this.namespaces.push(ns);
    run(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
  }

  /** Runs `ip` commands in `ns` in one process; the first failing line throws. */
  batch(ns: string, lines: readonly string[]): void {
    run(['ip', '-n', ns, '-batch', '-'], `${lines.join('\n')}\n`);
  }

  /** The carrier's port towards a node attached as `label`. */
  carrierPort(label: string): string {
    return `c-${label}`.slice(0, 15);
  }

  /**
   * Connects namespace `ns` (created here) to the carrier with `enp1s0`, MTU 1500. Bridged carrier:
   * `address`/64 on it and an on-link route to every other underlay address. Routed carrier:
   * `address`/64 and a default route via the carrier's ::fe in that /64; for a DPDK node the
   * address goes on its TAP later (prepareTap) and enp1s0 stays the forwarder's alone.
   */
  private addUnderlayNode(ns: string, label: string, address: string, dataplane: SiteDataplane = 'kernel'): void {
    this.addNamespace(ns);
    const carrierPort = this.carrierPort(label);
    this.batch(ns, [`link add ${UNDERLAY_IF} mtu 1500 type veth peer name ${carrierPort} mtu 1500 netns ${this.carrierNs}`, `link set ${UNDERLAY_IF} up`]);
    if (this.carrier === 'bridge') {
      this.batch(ns, [`addr add ${address}/64 dev ${UNDERLAY_IF} nodad`, `route add ${UNDERLAY_AGGREGATE} dev ${UNDERLAY_IF}`]);
      this.batch(this.carrierNs, [`link set ${carrierPort} master br0`, `link set ${carrierPort} up`]);
    } else {
      this.batch(this.carrierNs, [`addr add ${underlayGateway(address)}/64 dev ${carrierPort} nodad`, `link set ${carrierPort} up`]);
      if (dataplane === 'dpdk') this.forwarderPort(ns, UNDERLAY_IF);
      else this.batch(ns, [`addr add ${address}/64 dev ${UNDERLAY_IF} nodad`, `route add default via ${underlayGateway(address)}`]);
    }
    this.noOffload(ns, UNDERLAY_IF);
    this.noOffload(this.carrierNs, carrierPort);
  }

  /**
   * With a DPDK site in the lab, checksum offloads go off on every veth (and TAP): af_packet hands
   * the forwarder the bytes as they are, and a checksum the kernel left for "hardware" to fill
   * would reach the far host unfilled.
   */
  private noOffload(ns: string, dev: string): void {
    if (this.fastPath) run(['ip', 'netns', 'exec', ns, 'ethtool', '-K', dev, 'tx', 'off', 'rx', 'off']);
  }

  /** A veth the forwarder drives through af_packet: the kernel must not speak on it itself. */
  private forwarderPort(ns: string, dev: string): void {
    run(['ip', 'netns', 'exec', ns, 'sysctl', '-qw', `net.ipv6.conf.${dev}.disable_ipv6=1`]);
  }

  /**
   * Another speaker on the carrier (a GoBGP peer, say): a namespace `<prefix><name>` whose
   * enp1s0 holds `address`. Deleted with the topology.
   */
  attach(name: string, address: string): string {
    const ns = `${this.prefix}${name}`;
    this.addUnderlayNode(ns, `x${++this.attached}-${name}`, address);
    return ns;
  }

  /** The seed's commands for VNI 550 on br50, word for word, then the LAN port on the bridge. */
  private addVni(site: Site): void {
    this.batch(site.routerNs, [
      `link add ${BRIDGE_IF} type bridge`,
      `link set ${BRIDGE_IF} addrgenmode none`,
      `link add ${VXLAN_IF} type vxlan local ${site.vtep} dstport ${VXLAN_PORT} id ${DEMO_VNI} nolearning`,
      `link set ${VXLAN_IF} master ${BRIDGE_IF} addrgenmode none`,
      `link set ${VXLAN_IF} type bridge_slave neigh_suppress on learning off`,
      `link set ${VXLAN_IF} up`,
      `link set ${BRIDGE_IF} up`,
    ]);
  }

  private addHost(site: Site): void {
    this.addNamespace(site.hostNs);
    this.batch(site.routerNs, [
      `link add ${LAN_IF} mtu ${site.hostMtu} type veth peer name ${HOST_IF} mtu ${site.hostMtu} address ${site.hostMac} netns ${site.hostNs}`,
      ...(site.dataplane === 'kernel' ? [`link set ${LAN_IF} master ${BRIDGE_IF}`] : []),
      `link set ${LAN_IF} up`,
    ]);
    if (site.dataplane === 'dpdk') this.forwarderPort(site.routerNs, LAN_IF);
    this.noOffload(site.routerNs, LAN_IF);
    this.noOffload(site.hostNs, HOST_IF);
    this.batch(site.hostNs, [
      `link set ${HOST_IF} up`,
      `addr add ${site.hostIpv4}/24 dev ${HOST_IF}`,
      `addr add ${site.hostIpv6}/64 dev ${HOST_IF} nodad`,
    ]);
  }

  /**
   * A DPDK site's underlay TAP, once its router's forwarder has made it and brought it up: the
   * offloads off, the site's address (what the router reads as its VTEP) and the default route via
   * the carrier. True when the TAP holds the address (now or from before), false while there is no
   * TAP yet. A restarted router makes a new TAP, which this sets up again.
   */
  prepareTap(site: Site): boolean {
    const shown = tryRun(['ip', '-n', site.routerNs, '-j', 'addr', 'show', 'dev', UNDERLAY_TAP]);
    if (shown.status !== 0) return false;
    const link = (JSON.parse(shown.stdout) as { flags?: string[]; addr_info?: { local?: string }[] }[])[0];
    if (link === undefined || !(link.flags ?? []).includes('LOWER_UP')) return false;
    if ((link.addr_info ?? []).some((a) => a.local === site.vtep)) return true;
    this.noOffload(site.routerNs, UNDERLAY_TAP);
    if (tryRun(['ip', '-n', site.routerNs, 'link', 'show', 'dev', LAN_TAP]).status === 0) this.noOffload(site.routerNs, LAN_TAP);
    this.batch(site.routerNs, [`addr add ${site.vtep}/64 dev ${UNDERLAY_TAP} nodad`, `route replace default via ${site.gateway} dev ${UNDERLAY_TAP}`]);
    return true;
  }

  /** Runs `command` inside `ns`; a non-zero exit throws. */
  exec(ns: string, ...command: string[]): string {
    return run(['ip', 'netns', 'exec', ns, ...command]);
  }

  tryExec(ns: string, ...command: string[]): CommandResult {
    return tryRun(['ip', 'netns', 'exec', ns, ...command]);
  }

  execAsync(ns: string, command: readonly string[], timeoutMs?: number): Promise<CommandResult> {
    return runAsync(['ip', 'netns', 'exec', ns, ...command], timeoutMs);
  }

  /** Deletes every namespace made here. Idempotent and synchronous (it also runs at exit). */
  teardown(): void {
    while (this.namespaces.length > 0) tryRun(['ip', 'netns', 'del', this.namespaces.pop()!]);
    live.delete(this);
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const t of live) t.teardown();
  });
}

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
 * Every namespace name starts with a per-run prefix, so a crashed run's leftovers are found by
 * it; the namespaces are deleted on teardown and, as a last resort, when the process exits.
 */
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

export function underlayAddress(n: number): string {
  return `2001:db8:0:${n.toString(16)}::11`;
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
}

export function siteOf(prefix: string, index: number): Site {
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
}

const live = new Set<Topology>();
let exitHookInstalled = false;

export class Topology {
  readonly carrierNs: string;
  readonly sites: readonly Site[];
  private readonly namespaces: string[] = [];
  private attached = 0;

  private constructor(
    readonly prefix: string,
    siteCount: number,
  ) {
    this.carrierNs = `${prefix}carrier`;
    this.sites = Array.from({ length: siteCount }, (_, i) => siteOf(prefix, i + 1));
  }

  /** Builds the carrier, the sites and their hosts; on failure removes what it made and throws. */
  static build(options: TopologyOptions = {}): Topology {
    const count = options.sites ?? 3;
    if (!Number.isInteger(count) || count < 1 || count > 15) throw new DemoError('ERR_DEMO_COMMAND', `sites must be 1..15, not ${count}`);
    const t = new Topology(options.prefix ?? defaultPrefix(), count);
    live.add(t);
    installExitHook();
    try {
      t.addNamespace(t.carrierNs);
      // The carrier is one L2 segment; with MLD snooping off it forwards ND's multicast like a
      // plain switch, so no querier is needed. It carries no overlay multicast: BUM uses HER.
      t.batch(t.carrierNs, ['link add br0 type bridge mcast_snooping 0', 'link set br0 up']);
      for (const site of t.sites) {
        t.addUnderlayNode(site.routerNs, `site${site.index}`, site.vtep);
        t.addVni(site);
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

  /**
   * Connects namespace `ns` (created here) to the carrier with `enp1s0` holding `address`/64,
   * MTU 1500, and an on-link route to every other underlay address.
   */
  private addUnderlayNode(ns: string, label: string, address: string): void {
    this.addNamespace(ns);
    const carrierPort = `c-${label}`.slice(0, 15);
    this.batch(ns, [
      `link add ${UNDERLAY_IF} mtu 1500 type veth peer name ${carrierPort} mtu 1500 netns ${this.carrierNs}`,
      `link set ${UNDERLAY_IF} up`,
      `addr add ${address}/64 dev ${UNDERLAY_IF} nodad`,
      `route add ${UNDERLAY_AGGREGATE} dev ${UNDERLAY_IF}`,
    ]);
    this.batch(this.carrierNs, [`link set ${carrierPort} master br0`, `link set ${carrierPort} up`]);
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
      `link add ${LAN_IF} mtu ${HOST_MTU} type veth peer name ${HOST_IF} mtu ${HOST_MTU} address ${site.hostMac} netns ${site.hostNs}`,
      `link set ${LAN_IF} master ${BRIDGE_IF}`,
      `link set ${LAN_IF} up`,
    ]);
    this.batch(site.hostNs, [
      `link set ${HOST_IF} up`,
      `addr add ${site.hostIpv4}/24 dev ${HOST_IF}`,
      `addr add ${site.hostIpv6}/64 dev ${HOST_IF} nodad`,
    ]);
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

/**
 * From the parsed configuration to what @evpn6/bgp and the MAC-VRF engine take. Pure: the host's
 * interface addresses come in as data, so the same mapping runs in tests and in the daemon.
 */
import type { NeighborOptions } from '@evpn6/bgp';
import { parseIp } from '@evpn6/bgp';
import type { VniConfig as EngineVniConfig } from '@evpn6/evpn';
import { formatRd, formatRouteTarget, legacyFrrEvpnFilter } from '@evpn6/evpn';
import type { NeighborConfig, RouterConfig, VniConfig } from '../config/types.js';
import { DaemonError, DaemonErrorCode } from './errors.js';

/** Addresses per interface name, as os.networkInterfaces() lists them (address text only). */
export type InterfaceAddresses = ReadonlyMap<string, readonly string[]>;

/** FRR's defaults when `neighbor X timers` is absent. */
export const DEFAULT_KEEPALIVE = 60;
export const DEFAULT_HOLD_TIME = 180;
/**
 * Seconds between attempts to reach a neighbor that is not up. FRR waits 120; a site router
 * whose peers reboot benefits from coming back sooner, and GoBGP uses 5.
 */
export const CONNECT_RETRY = 10;
/**
 * Longest wait before a session that keeps failing is tried (and accepted) again: the backoff
 * doubles from 1 s up to this. The speaker's own default is 120 s; a site router should be back
 * within half a minute of its peer getting well (GoBGP's idle-hold-time-after-reset is 30 s), and
 * a peer that keeps sending bad UPDATEs still cannot make it flap faster than that.
 */
export const IDLE_HOLD_MAX = 30;

function isLinkLocal(address: string): boolean {
  return /^fe[89ab]/i.test(address);
}

function familyOf(address: string): 4 | 6 {
  return address.includes(':') ? 6 : 4;
}

/**
 * The address a neighbor's session is bound to: the configured address, or the first global
 * address of the configured interface in the neighbor's family. Undefined when the interface
 * has none yet (the session then binds to whatever the kernel picks, as FRR does).
 */
export function resolveUpdateSource(n: NeighborConfig, interfaces: InterfaceAddresses): string | undefined {
  const src = n.updateSource;
  if (src === undefined) return undefined;
  if (src.kind === 'address') return src.address;
  const want = familyOf(n.address);
  return (interfaces.get(src.name) ?? []).find((a) => familyOf(a) === want && !isLinkLocal(a));
}

/**
 * The site's own address as the configuration names it: the first neighbor's update-source, else
 * the first `network` prefix's address. Undefined when the file names none.
 */
export function configuredSiteAddress(config: RouterConfig, interfaces: InterfaceAddresses): string | undefined {
  return (
    config.bgp.neighbors.map((n) => resolveUpdateSource(n, interfaces)).find((a) => a !== undefined) ??
    config.bgp.ipv6Unicast.networks[0]?.split('/')[0]
  );
}

/** 32-bit FNV-1a: spreads IPv6 addresses that differ in one nibble over distinct router ids. */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

function dottedQuad(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/**
 * The BGP identifier when `bgp router-id` is absent. Like FRR: the highest IPv4 address on a
 * non-loopback interface. An IPv6-only site (the seed's carrier network) has none, and FRR then
 * runs with 0.0.0.0, which every peer refuses; evpn6 derives a stable id from the first IPv6
 * update-source or `network` address instead (a hash, so sites 2001:db8:0:1::11 and
 * 2001:db8:0:2::11 get different ids), kept out of 0.0.0.0/8 and the multicast/reserved range.
 */
export function chooseRouterId(config: RouterConfig, interfaces: InterfaceAddresses): string {
  if (config.bgp.routerId !== undefined) return config.bgp.routerId;
  let best: number | undefined;
  for (const [name, list] of interfaces) {
    if (name === 'lo') continue;
    for (const a of list) {
      if (familyOf(a) !== 4 || a.startsWith('127.')) continue;
      const bytes = parseIp(a);
      const n = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
      if (best === undefined || n > best) best = n;
    }
  }
  if (best !== undefined) return dottedQuad(best);
  const seed =
    configuredSiteAddress(config, interfaces) ?? [...interfaces.values()].flat().find((a) => familyOf(a) === 6 && !isLinkLocal(a) && a !== '::1');
  if (seed === undefined) {
    throw new DaemonError(DaemonErrorCode.config, 'no router id: set `bgp router-id A.B.C.D` (the host has no IPv4 address and no IPv6 address to derive one from)');
  }
  const h = fnv1a(parseIp(seed));
  // 1.0.0.0 .. 223.255.255.255: a unicast-looking id that no peer rejects.
  const id = 0x01000000 + (h % (0xe0000000 - 0x01000000));
  return dottedQuad(id);
}

/**
 * The families a neighbor negotiates: those it is activated in. Unlike FRR's default, IPv4
 * unicast is never on by itself (docs/config.md: `no bgp default ipv4-unicast` is always true).
 */
export function neighborFamilies(n: NeighborConfig): string[] {
  const families: string[] = [];
  if (n.ipv6Unicast.activate) families.push('ipv6-unicast');
  if (n.evpn.activate) families.push('l2vpn-evpn');
  return families;
}

/** Speaker options for one neighbor. */
export function neighborOptions(n: NeighborConfig, interfaces: InterfaceAddresses): NeighborOptions {
  const localAddress = resolveUpdateSource(n, interfaces);
  return {
    address: n.address,
    remoteAs: n.remoteAs,
    port: n.port,
    families: neighborFamilies(n),
    keepalive: n.timers?.keepalive ?? DEFAULT_KEEPALIVE,
    holdTime: n.timers?.hold ?? DEFAULT_HOLD_TIME,
    connectRetry: CONNECT_RETRY,
    routeReflectorClient: n.evpn.routeReflectorClient || n.ipv6Unicast.routeReflectorClient,
    ...(localAddress !== undefined ? { localAddress } : {}),
    ...(n.description !== undefined ? { description: n.description } : {}),
    ...(n.shutdown !== undefined ? { shutdown: n.shutdown.message ?? true } : {}),
    ...(n.passive === true ? { passive: true } : {}),
    // A peer that cannot take the IPv6 PMSI form (stock FRR 8.4) never gets an IMET it would
    // answer with a session reset; see docs/config.md `pmsi-ipv4-form`.
    ...(n.evpn.pmsiIpv4Form ? { exportFilter: legacyFrrEvpnFilter } : {}),
  };
}

/** The engine's view of a `vni N` block (absent parts stay auto: router-id:N and AS:N). */
export function engineVniConfig(vni: number, block: VniConfig | undefined): EngineVniConfig {
  if (block === undefined) return { vni };
  return {
    vni,
    ...(block.rd !== undefined ? { rd: formatRd(block.rd) } : {}),
    ...(block.importRouteTargets.length > 0 ? { importRts: block.importRouteTargets.map((rt) => formatRouteTarget(rt)) } : {}),
    ...(block.exportRouteTargets.length > 0 ? { exportRts: block.exportRouteTargets.map((rt) => formatRouteTarget(rt)) } : {}),
  };
}

/**
 * Which VNIs the engine should run, given what the dataplane has. With `advertise-all-vni`
 * every segment the dataplane has (zebra's rule); without it none, as in FRR (the config
 * check warns about `vni` blocks without it).
 */
export function wantedVnis(config: RouterConfig, present: readonly number[]): number[] {
  return config.bgp.evpn.advertiseAllVni ? [...present].sort((a, b) => a - b) : [];
}

/** What differs between two configurations, for SIGHUP. */
export interface ConfigDiff {
  /** Something only a restart can change (AS, router id): the reload is refused. */
  readonly restartNeeded: string | undefined;
  readonly removedNeighbors: string[];
  readonly addedNeighbors: NeighborConfig[];
  /** Same address, different settings: the session is re-created. */
  readonly changedNeighbors: NeighborConfig[];
  /** Only `shutdown` changed: toggled without re-creating the neighbor. */
  readonly shutdownChanged: NeighborConfig[];
  readonly networksAdded: string[];
  readonly networksRemoved: string[];
  /** The VNI settings (blocks or advertise-all-vni) changed. */
  readonly evpnChanged: boolean;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function diffConfig(old: RouterConfig, next: RouterConfig): ConfigDiff {
  let restartNeeded: string | undefined;
  if (old.bgp.asn !== next.bgp.asn) restartNeeded = `router bgp ${old.bgp.asn} -> ${next.bgp.asn}`;
  else if (old.bgp.routerId !== next.bgp.routerId) restartNeeded = `bgp router-id ${old.bgp.routerId ?? 'auto'} -> ${next.bgp.routerId ?? 'auto'}`;
  // The forwarder's ports and EAL are set up once per process (EAL cannot be initialised twice).
  else if (!sameJson(old.dpdk, next.dpdk)) restartNeeded = 'the "dataplane dpdk" block';
  const before = new Map(old.bgp.neighbors.map((n) => [n.address, n]));
  const after = new Map(next.bgp.neighbors.map((n) => [n.address, n]));
  const removedNeighbors = [...before.keys()].filter((a) => !after.has(a));
  const addedNeighbors: NeighborConfig[] = [];
  const changedNeighbors: NeighborConfig[] = [];
  const shutdownChanged: NeighborConfig[] = [];
  for (const [address, n] of after) {
    const o = before.get(address);
    if (o === undefined) addedNeighbors.push(n);
    else if (sameJson({ ...o, shutdown: undefined }, { ...n, shutdown: undefined })) {
      if (!sameJson(o.shutdown, n.shutdown)) shutdownChanged.push(n);
    } else changedNeighbors.push(n);
  }
  const oldNets = new Set(old.bgp.ipv6Unicast.networks);
  const newNets = new Set(next.bgp.ipv6Unicast.networks);
  return {
    restartNeeded,
    removedNeighbors,
    addedNeighbors,
    changedNeighbors,
    shutdownChanged,
    networksAdded: [...newNets].filter((p) => !oldNets.has(p)),
    networksRemoved: [...oldNets].filter((p) => !newNets.has(p)),
    evpnChanged: !sameJson(old.bgp.evpn, next.bgp.evpn),
  };
}

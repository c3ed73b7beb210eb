import type { RouteDistinguisher, RouteTarget } from '@evpn6/evpn';

/**
 * The router's configuration, as parsed from the FRR-syntax subset documented in
 * docs/config.md. Plain data: it survives JSON.stringify unchanged (no bytes, no classes), and
 * optional fields are absent rather than undefined.
 */
export interface RouterConfig {
  /** `hostname NAME`. */
  readonly hostname?: string;
  /** `ipv6 nht resolve-via-default`: may a BGP next hop be resolved through the default route. */
  readonly ipv6NhtResolveViaDefault: boolean;
  readonly bgp: BgpConfig;
  /** evpn6 extension `dataplane dpdk` block: what `evpn6 run --dataplane dpdk` starts. */
  readonly dpdk?: DpdkConfig;
  /** Lines accepted and ignored (see docs/config.md), so `check` can say what had no effect. */
  readonly ignored: readonly IgnoredLine[];
}

export interface BgpConfig {
  /** `router bgp ASN`: 1..4294967295. */
  readonly asn: number;
  /** `bgp router-id A.B.C.D`; absent means the runtime chooses one. */
  readonly routerId?: string;
  /** In the order of their `remote-as` lines. */
  readonly neighbors: readonly NeighborConfig[];
  readonly ipv6Unicast: Ipv6UnicastConfig;
  readonly evpn: EvpnConfig;
}

export type RemoteAs = number | 'internal' | 'external';

export interface NeighborConfig {
  /** Canonical text of the peer's address (RFC 5952 for IPv6): two spellings are one neighbor. */
  readonly address: string;
  readonly remoteAs: RemoteAs;
  readonly updateSource?: UpdateSource;
  /** TCP port to connect to; 179 unless `neighbor X port N`. */
  readonly port: number;
  /** `neighbor X timers KEEPALIVE HOLD`, seconds; absent means the defaults (60/180 in FRR). */
  readonly timers?: { readonly keepalive: number; readonly hold: number };
  readonly description?: string;
  /** `neighbor X shutdown [message TEXT]`: configured but administratively down. */
  readonly shutdown?: { readonly message?: string };
  /** `neighbor X passive`: never connect, only accept the peer's connection. */
  readonly passive?: boolean;
  readonly ipv6Unicast: NeighborFamilyConfig;
  readonly evpn: NeighborEvpnConfig;
}

export type UpdateSource = { readonly kind: 'address'; readonly address: string } | { readonly kind: 'interface'; readonly name: string };

export interface NeighborFamilyConfig {
  readonly activate: boolean;
  readonly routeReflectorClient: boolean;
}

export interface NeighborEvpnConfig extends NeighborFamilyConfig {
  /** evpn6 extension `neighbor X pmsi-ipv4-form`: send the 9-byte IPv4 PMSI form to this peer. */
  readonly pmsiIpv4Form: boolean;
}

export interface Ipv6UnicastConfig {
  /** `network P/L` lines, canonical text ("2001:db8:0:1::11/128"), in config order, no duplicates. */
  readonly networks: readonly string[];
}

export interface EvpnConfig {
  readonly advertiseAllVni: boolean;
  /** `vni N` blocks in config order. */
  readonly vnis: readonly VniConfig[];
}

export interface VniConfig {
  readonly vni: number;
  /** `rd X:Y`; absent means auto (router-id:N). */
  readonly rd?: RouteDistinguisher;
  /** `route-target import|both X:Y`; empty means the auto-derived target. */
  readonly importRouteTargets: readonly RouteTarget[];
  /** `route-target export|both X:Y`; empty means the auto-derived target. */
  readonly exportRouteTargets: readonly RouteTarget[];
}

/** An ethdev the forwarder drives: its EAL name (PCI address or vdev name) and its TAP exception interface. */
export interface DpdkPortConfig {
  readonly device: string;
  /** The kernel interface made for it (the seed's naming: enp1s0 -> tnp1s0); absent: none. */
  readonly tap?: string;
}

export interface DpdkLanPortConfig extends DpdkPortConfig {
  /** The VNI this LAN port is bridged into. */
  readonly vni: number;
}

export interface DpdkConfig {
  /** EAL arguments, in order (the seed's GDP_OPTS: `-l 2-3`, `--vdev ...`). */
  readonly ealArgs: readonly string[];
  /** The carrier-side port; its TAP carries the site's underlay address, so BGP runs over it. */
  readonly underlay: DpdkPortConfig & { readonly tap: string };
  readonly lan: readonly DpdkLanPortConfig[];
  /** Underlay MTU in bytes (default 1500): outer packets above it are fragmented. */
  readonly mtu: number;
  /**
   * Microseconds the forwarder sleeps between polls once idle; 0 (default) busy-polls, as a
   * dedicated core should. A shared machine (tests, a small box with one spare core) sets it.
   */
  readonly idleSleepUs: number;
}

export interface IgnoredLine {
  readonly line: number;
  readonly text: string;
}

/** One problem found in a configuration file. `line` 0 means the file as a whole. */
export interface ConfigProblem {
  readonly file: string;
  readonly line: number;
  /** 1-based column of the offending word, when one word is at fault. */
  readonly column?: number;
  readonly code: ConfigErrorCodeValue;
  readonly message: string;
  /** The line as written (without its line break); empty for file-level problems. */
  readonly text: string;
}

/** Stable codes of ConfigProblem (and of ConfigError when a file cannot be read). */
export const ConfigErrorCode = {
  /** The file could not be read. */
  file: 'ERR_CONFIG_FILE',
  /** No command of this subset (nor any accepted-and-ignored line) starts like this. */
  unknownCommand: 'ERR_CONFIG_UNKNOWN_COMMAND',
  /** An FRR command that evpn6 knows about but does not implement. */
  unsupported: 'ERR_CONFIG_UNSUPPORTED',
  /** A known command in the wrong place (e.g. `network` outside `address-family ipv6 unicast`). */
  wrongContext: 'ERR_CONFIG_WRONG_CONTEXT',
  /** Missing, extra or unknown words after a known command. */
  syntax: 'ERR_CONFIG_SYNTAX',
  /** Text that should be an IP address (or interface name) and is not, or of the wrong family. */
  address: 'ERR_CONFIG_ADDRESS',
  /** A `network` prefix that does not parse or has host bits set. */
  prefix: 'ERR_CONFIG_PREFIX',
  /** An AS number outside 1..4294967295. */
  asn: 'ERR_CONFIG_ASN',
  /** A number outside its range (port, VNI). */
  range: 'ERR_CONFIG_RANGE',
  /** Timers that break RFC 4271 §4.2 (hold 1 or 2) or keepalive >= hold. */
  timers: 'ERR_CONFIG_TIMERS',
  /** `neighbor X ...` at router level before `neighbor X remote-as`. */
  noRemoteAs: 'ERR_CONFIG_NO_REMOTE_AS',
  /** `neighbor X activate` (or another per-family setting) for a neighbor never defined. */
  unknownNeighbor: 'ERR_CONFIG_UNKNOWN_NEIGHBOR',
  /** A second `vni N` block for the same N. */
  duplicateVni: 'ERR_CONFIG_DUPLICATE_VNI',
  /** A route distinguisher that does not parse. */
  rd: 'ERR_CONFIG_RD',
  /** A route target that does not parse. */
  routeTarget: 'ERR_CONFIG_ROUTE_TARGET',
  /** A second `router bgp` with another AS (one BGP instance only). */
  conflict: 'ERR_CONFIG_CONFLICT',
  /** Something required is absent (no `router bgp` at all). */
  missing: 'ERR_CONFIG_MISSING',
} as const;

export type ConfigErrorCodeValue = (typeof ConfigErrorCode)[keyof typeof ConfigErrorCode];

/** Stable codes of ConfigWarning: the file is usable, but probably not what was meant. */
export const ConfigWarningCode = {
  /** A neighbor activated in no address family exchanges no routes. */
  neighborNotActivated: 'WARN_CONFIG_NEIGHBOR_NOT_ACTIVATED',
  /** `network` lines while no neighbor is activated in ipv6 unicast: advertised to no one. */
  networksNotAdvertised: 'WARN_CONFIG_NETWORKS_NOT_ADVERTISED',
  /** `vni` blocks without `advertise-all-vni`: their VNIs are not advertised. */
  vniWithoutAdvertise: 'WARN_CONFIG_VNI_WITHOUT_ADVERTISE_ALL_VNI',
} as const;

export type ConfigWarningCodeValue = (typeof ConfigWarningCode)[keyof typeof ConfigWarningCode];

/** Something legal but suspicious, located like a ConfigProblem. */
export interface ConfigWarning extends Omit<ConfigProblem, 'code'> {
  readonly code: ConfigWarningCodeValue;
}

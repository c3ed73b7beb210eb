import type { PeerSummary } from '@evpn6/bgp';
import type { VniSnapshot } from '@evpn6/evpn';

/** Session timers of one neighbor as negotiated (seconds); shown by `show bgp neighbors`. */
export interface ShowNeighborTimers {
  readonly holdTime: number;
  readonly keepalive: number;
  readonly configuredHoldTime: number;
  readonly configuredKeepalive: number;
}

/** One EVPN Loc-RIB path, already in text form (the router's adapter fills it from the speaker's RIB). */
export interface ShowEvpnRoute {
  /** 1..5, or the raw type number of an unknown route type. */
  readonly routeType: number;
  /** "192.0.2.11:550" */
  readonly rd: string;
  /** The NLRI without its RD, FRR style: "[2]:[0]:[48]:[52:54:00:56:18:ff]". */
  readonly prefix: string;
  /** Address of the peer it came from, or 'local'. */
  readonly peer: string;
  readonly nextHop: string;
  readonly localPref: number | undefined;
  readonly med: number | undefined;
  /** AS_PATH as text ("" for an iBGP/local path). */
  readonly asPath: string;
  readonly origin: 'igp' | 'egp' | 'incomplete';
  /** Extended/large communities as text ("RT:64512:550", "ET:8"). */
  readonly communities: readonly string[];
  readonly best: boolean;
  readonly valid: boolean;
}

/** One VNI: the engine's snapshot plus what only the host knows (interface names and indexes). */
export interface ShowVni {
  readonly snapshot: VniSnapshot;
  readonly vxlanInterface: string;
  readonly vxlanIfindex: number;
  readonly sviInterface: string;
  readonly sviIfindex: number;
  /** Access interface that local MACs were learned on (the "Intf" column). */
  readonly localInterface: string;
  /** Per local MAC, the port it was learned on, where it differs by MAC; else `localInterface`. */
  readonly macInterfaces?: ReadonlyMap<string, string>;
  /** Multicast group; '' for head-end replication only. */
  readonly mcastGroup: string;
}

/** One dataplane counter. */
export interface ShowCounter {
  readonly name: string;
  readonly value: number;
}

/** Everything the `show` formatters read. Plain data; formatting never does I/O. */
export interface ShowContext {
  readonly routerId: string;
  readonly localAs: number;
  readonly peers: readonly PeerSummary[];
  /** Per neighbor address; neighbors missing here print no timer line. */
  readonly timers?: ReadonlyMap<string, ShowNeighborTimers>;
  /** Loc-RIB destinations per family name ("ipv6-unicast", "l2vpn-evpn") for the summary. */
  readonly ribEntries?: Readonly<Record<string, number>>;
  readonly evpnRoutes: readonly ShowEvpnRoute[];
  readonly vnis: readonly ShowVni[];
  readonly dataplane: readonly ShowCounter[];
}

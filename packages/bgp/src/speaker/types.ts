import type { NlriRegistry, Nlri } from '../nlri/registry.js';
import type { PathAttribute } from '../attributes/path-attribute.js';
import type { UpdateDescription } from '../attributes/build-update.js';
import type { FsmStateName, DownKind } from '../fsm/types.js';
import type { DecisionReason } from '../rib/types.js';
import type { Logger } from '../session/logger.js';
import type { FamilyInput } from './families.js';

/** Timers in seconds; tests shorten them, production keeps the RFC 4271 defaults. */
export interface TimerOptions {
  /** Offered in OPEN; 0 or 3..65535 (default 90). */
  readonly holdTime?: number;
  /** KEEPALIVE interval; default a third of the negotiated hold time. */
  readonly keepalive?: number;
  /** ConnectRetryTime (default 120; GoBGP uses 5, FRR 120). */
  readonly connectRetry?: number;
  /** First wait before an automatic restart after a failure; doubles per failure up to idleHoldMax (1 s to 120 s). */
  readonly idleHold?: number;
  readonly idleHoldMax?: number;
  /**
   * RFC 4271 DelayOpen: after the TCP connection comes up, wait this many seconds (1..240) for
   * the peer's OPEN before sending ours. Off unless set.
   */
  readonly delayOpen?: number;
}

export interface SpeakerOptions extends TimerOptions {
  readonly asn: number;
  /** BGP Identifier, dotted quad. */
  readonly routerId: string;
  /** Passive side: where to accept connections (default all addresses, port 179), or false not to listen. */
  readonly listen?: { readonly addresses?: readonly string[]; readonly port?: number } | false;
  /** Families offered to every neighbor unless it says otherwise (default IPv4 and IPv6 unicast). */
  readonly families?: readonly FamilyInput[];
  /** NLRI codecs (EVPN registers its family here); default IPv4/IPv6 unicast. */
  readonly registry?: NlriRegistry;
  /** RFC 4456 CLUSTER_ID (dotted quad); default the router id. */
  readonly clusterId?: string;
  /** RFC 8654 extended messages offered (default true). */
  readonly extendedMessage?: boolean;
  /** Connect to neighbors on this port unless a neighbor says otherwise (default 179). */
  readonly connectPort?: number;
  readonly logger?: Logger;
}

/** Max-prefix for one family, or every family when `family` is absent. */
export interface MaxPrefixOptions {
  readonly limit: number;
  readonly family?: FamilyInput;
  /** Warn at this percentage of the limit (default 75). */
  readonly warningPercent?: number;
  /** Above the limit: 'teardown' sends Cease 6/1 and stays down (default), 'warn' only logs. */
  readonly action?: 'warn' | 'teardown';
  /** After a teardown, restart the session after this many seconds (default never, like FRR). */
  readonly restartAfter?: number;
}

export interface GracefulRestartOptions {
  /** Restart Time we announce (seconds, default 120). */
  readonly restartTime?: number;
  /** How long a peer's stale routes may wait for its End-of-RIB after it came back (default 360). */
  readonly staleTime?: number;
}

export interface NeighborOptions extends TimerOptions {
  /** Peer address (IPv4 or IPv6 text). */
  readonly address: string;
  /** The peer's AS, or only whether it is ours ('internal') or not ('external'). */
  readonly remoteAs: number | 'internal' | 'external';
  /** update-source: bind outgoing connections to this local address. */
  readonly localAddress?: string;
  /** The peer's port (default the speaker's connectPort, 179). */
  readonly port?: number;
  /** Never connect; wait for the peer. */
  readonly passive?: boolean;
  readonly families?: readonly FamilyInput[];
  /** RFC 4456: this iBGP peer is a route reflector client of ours. */
  readonly routeReflectorClient?: boolean;
  /** iBGP: announce routes with our session address as next hop. */
  readonly nextHopSelf?: boolean;
  /** eBGP: pass learned next hops on instead of our session address (FRR's `attribute-unchanged next-hop`). */
  readonly nextHopUnchanged?: boolean;
  readonly maxPrefix?: number | MaxPrefixOptions | readonly MaxPrefixOptions[];
  /** RFC 4724 helper mode (default on): keep the peer's routes as stale while it restarts. */
  readonly gracefulRestart?: boolean | GracefulRestartOptions;
  /** RFC 7911: accept several paths per prefix from the peer, for these families (true: all). */
  readonly addPathReceive?: boolean | readonly FamilyInput[];
  /** Configured but administratively down (true, or the RFC 9003 message to send). */
  readonly shutdown?: boolean | string;
  /** A description for logs and `show`. */
  readonly description?: string;
  /**
   * Per-route export veto for this neighbor, called with what would be sent (after the iBGP/eBGP
   * and reflection rewrites, next hop filled in). Returning false keeps the route from the peer
   * (and withdraws it if it was sent before). The speaker knows nothing of any family's meaning,
   * so this is how a family plugs in peer workarounds: @evpn6/evpn's `legacyFrrEvpnFilter` keeps
   * IPv6 IMET routes and 21-byte PMSI attributes away from stock FRR 8.4, which answers them with
   * NOTIFICATION 3/9 or 3/5 and would otherwise reset the session on every reconnect.
   * Keep it pure and cheap: it runs once per route and peer on every export. A filter that
   * throws holds that route back (and the speaker logs an error).
   */
  readonly exportFilter?: ExportFilter;
}

/** What an export filter sees of one route on its way to one neighbor. */
export interface ExportCandidate {
  /** Family name as the registry spells it ("l2vpn-evpn", "ipv6-unicast"). */
  readonly family: string;
  readonly afi: number;
  readonly safi: number;
  /** The NLRI, as the family's codec decodes it. */
  readonly nlri: Nlri;
  /** Path attributes as they would go out (without MP_REACH_NLRI / NEXT_HOP). */
  readonly attributes: readonly PathAttribute[];
  /** The next hop as it would go out (4, 16 or 32 bytes). */
  readonly nextHop: Uint8Array;
}

/** True: send the route to this neighbor; false: do not. */
export type ExportFilter = (route: ExportCandidate) => boolean;

/** Routes to originate (or withdraw): one family, shared attributes. */
export interface OriginateInput {
  /** Default: from the first NLRI when they are prefix strings ("2001:db8::/32" is ipv6-unicast). */
  readonly family?: FamilyInput;
  /** Prefix text for unicast families, or NLRI objects of the family's codec. */
  readonly nlri: readonly (Nlri | string)[];
  /** Next hop; default: our address on each session. */
  readonly nextHop?: string | Uint8Array;
  /** Path attributes as objects (ORIGIN IGP and an empty AS_PATH are added when absent). */
  readonly attributes?: readonly PathAttribute[];
  /** Or as a plain description (communities, MED, LOCAL_PREF, ...); merged after `attributes`. */
  readonly description?: Omit<UpdateDescription, 'nlri' | 'withdrawn' | 'mpReach' | 'mpUnreach' | 'nextHop'>;
}

export interface WithdrawInput {
  readonly family?: FamilyInput;
  readonly nlri: readonly (Nlri | string)[];
}

/** One path as the API shows it. */
export interface RouteView {
  /** Address of the peer it came from, or 'local' for ours. */
  readonly peer: string;
  readonly peerAs: number;
  readonly attributes: readonly PathAttribute[];
  /** Next hop text; '' for a route of ours without one set (each session's address is used). */
  readonly nextHop: string;
  readonly stale: boolean;
}

/** A Loc-RIB change: the best path of one destination was set, replaced or removed. */
export interface RouteChange {
  readonly family: string;
  readonly afi: number;
  readonly safi: number;
  /** The destination as text ("2001:db8::/48"). */
  readonly prefix: string;
  readonly nlri: Nlri;
  readonly best: RouteView | undefined;
  readonly previous: RouteView | undefined;
  readonly reason: DecisionReason;
}

export interface PeerStateChange {
  readonly address: string;
  readonly state: FsmStateName;
  readonly previous: FsmStateName;
  /** Why the session fell back to Idle, when it did. */
  readonly down?: DownInfo;
}

export interface NotificationInfo {
  readonly code: number;
  readonly subcode: number;
  /** "Cease/Administrative Shutdown" style name. */
  readonly name: string;
  /** RFC 9003 shutdown communication, when there was one. */
  readonly message?: string;
}

export interface DownInfo {
  readonly kind: DownKind;
  /** 'sent' or 'received', with the NOTIFICATION, when there was one. */
  readonly direction?: 'sent' | 'received';
  readonly notification?: NotificationInfo;
}

export type MessageCounts = { [K in 'open' | 'update' | 'notification' | 'keepalive' | 'routeRefresh' | 'total']: number };

export interface PeerFamilyStats {
  readonly family: string;
  /** Negotiated on the current session. */
  readonly active: boolean;
  /** Paths held from the peer (including ones rejected by loop checks). */
  readonly received: number;
  readonly accepted: number;
  readonly stale: number;
  /** Destinations the peer has from us. */
  readonly sent: number;
}

/** One row of `show bgp summary`. */
export interface PeerSummary {
  readonly address: string;
  readonly description: string | undefined;
  readonly remoteAs: number | 'internal' | 'external';
  /** The peer's AS and router id from its last OPEN. */
  readonly peerAs: number | undefined;
  readonly peerRouterId: string | undefined;
  readonly state: FsmStateName;
  readonly shutdown: boolean;
  /** Milliseconds since Established (0 when not Established). */
  readonly uptimeMs: number;
  readonly establishedTransitions: number;
  readonly localAddress: string | undefined;
  readonly messagesIn: MessageCounts;
  readonly messagesOut: MessageCounts;
  readonly families: readonly PeerFamilyStats[];
  readonly lastDown: DownInfo | undefined;
  readonly timers: PeerTimers;
}

/** Hold and keepalive times in seconds: what we offer, and what the session agreed (0 when down). */
export interface PeerTimers {
  readonly configuredHoldTime: number;
  readonly configuredKeepalive: number;
  readonly holdTime: number;
  readonly keepalive: number;
}

export interface MaxPrefixEvent {
  readonly address: string;
  readonly family: string;
  readonly level: 'warning' | 'exceeded';
  readonly limit: number;
  readonly accepted: number;
  readonly action: 'warn' | 'teardown';
}

/** Events of a Speaker and their argument. */
export interface SpeakerEvents {
  peerState: PeerStateChange;
  ribChange: RouteChange;
  maxPrefix: MaxPrefixEvent;
}

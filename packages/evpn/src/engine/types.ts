/**
 * Plain-data shapes the MAC-VRF engine takes and gives. They are deliberately independent of the
 * EVPN wire codecs: an adapter turns decoded NLRI + path attributes into these and back.
 *
 * Text forms used throughout (the adapter must produce exactly these):
 * - VTEP: canonical address text, RFC 5952 for IPv6 ("2001:db8:0:1::11"), dotted quad for IPv4.
 *   A ':' in the text means IPv6. It is the Map key for a VTEP everywhere.
 * - MAC: lower-case "02:00:00:00:00:01".
 * - RD: "192.0.2.1:550" (type 1), "64512:550" (type 0/2). RT: "64512:550" or "192.0.2.1:550".
 */

/** RFC 7432 §7.7 MAC Mobility extended community; null on a route means "not present" (sequence 0). */
export interface EngineMacMobility {
  readonly sequence: number;
  readonly sticky: boolean;
}

/** RFC 6514 §5 PMSI tunnel attribute as the engine needs it. */
export interface EnginePmsiTunnel {
  /** 6 = ingress replication (RFC 7432 §11.2, RFC 8365 §9): the only type we flood to. */
  readonly tunnelType: number;
  /** VNI carried in the label field (RFC 8365 §5.1.3). */
  readonly label: number;
  /** The tunnel endpoint: the VTEP that wants a copy of BUM traffic. */
  readonly endpoint: string;
}

/** Route type 2 (MAC/IP advertisement) with the attributes the engine uses. */
export interface EngineMacIpRoute {
  readonly type: 'mac-ip';
  readonly rd: string;
  readonly ethernetTag: number;
  readonly mac: string;
  /** Host IPv4/IPv6 address text, or null for a MAC-only route. */
  readonly ip: string | null;
  /** Label 1 = VNI (RFC 8365 §5.1.3). */
  readonly label: number;
  /** MP_REACH next hop = the VTEP that owns the MAC. */
  readonly nextHop: string;
  readonly routeTargets: readonly string[];
  readonly mobility: EngineMacMobility | null;
}

/** Route type 3 (Inclusive Multicast Ethernet Tag) with the attributes the engine uses. */
export interface EngineImetRoute {
  readonly type: 'imet';
  readonly rd: string;
  readonly ethernetTag: number;
  readonly originator: string;
  readonly pmsi: EnginePmsiTunnel | null;
  readonly nextHop: string;
  readonly routeTargets: readonly string[];
}

export type EvpnEngineRoute = EngineMacIpRoute | EngineImetRoute;

/** What identifies a route in the Loc-RIB (RFC 7432 §7: the fields of the NLRI that form its key). */
export type EngineMacIpRouteKey = Pick<EngineMacIpRoute, 'type' | 'rd' | 'ethernetTag' | 'mac' | 'ip'>;
export type EngineImetRouteKey = Pick<EngineImetRoute, 'type' | 'rd' | 'ethernetTag' | 'originator'>;

/** A Loc-RIB change: a best route appeared or changed (add), or went away (withdraw). */
export type RemoteRouteChange =
  | { readonly action: 'add'; readonly route: EvpnEngineRoute }
  | { readonly action: 'withdraw'; readonly route: EngineMacIpRouteKey | EngineImetRouteKey };

/** A route the engine wants the speaker to originate (advertise replaces a route with the same key). */
export type OriginatedRouteChange =
  | { readonly action: 'advertise'; readonly vni: number; readonly route: EvpnEngineRoute }
  | { readonly action: 'withdraw'; readonly vni: number; readonly route: EvpnEngineRoute };

/**
 * Forwarding intent deltas for the dataplane. The engine only ever removes what it added and never
 * adds twice, so a driver can apply them blindly. A MAC moving between remote VTEPs comes as a
 * remove of the old VTEP followed by an add of the new one in the same output.
 */
export type ForwardingIntent =
  | { readonly kind: 'remoteMac'; readonly op: 'add' | 'remove'; readonly vni: number; readonly mac: string; readonly vtep: string }
  | { readonly kind: 'floodVtep'; readonly op: 'add' | 'remove'; readonly vni: number; readonly vtep: string }
  | { readonly kind: 'allowVtep'; readonly op: 'add' | 'remove'; readonly vni: number; readonly vtep: string };

/** Where a MAC lives: 'local', or the text of the remote VTEP. */
export type MacLocation = string;

/** Things worth a log line. None of them needs an answer from the caller. */
export type EngineEvent =
  | { readonly kind: 'mac-move'; readonly vni: number; readonly mac: string; readonly from: MacLocation; readonly to: MacLocation }
  /** RFC 7432 §15.1 duplicate detection tripped: the MAC is frozen where it is now. */
  | { readonly kind: 'mac-duplicate'; readonly vni: number; readonly mac: string; readonly location: MacLocation; readonly moves: number }
  | { readonly kind: 'mac-thawed'; readonly vni: number; readonly mac: string }
  /** RFC 7432 §15.2: a sticky MAC was claimed from elsewhere; the sticky owner keeps it. */
  | { readonly kind: 'sticky-conflict'; readonly vni: number; readonly mac: string; readonly owner: MacLocation; readonly claimant: MacLocation };

export interface EngineOutput {
  readonly routes: OriginatedRouteChange[];
  readonly intents: ForwardingIntent[];
  readonly events: EngineEvent[];
}

export interface DuplicateDetection {
  /** Moves within `windowMs` that mark a MAC duplicate (FRR `dup-addr-detection max-moves`, default 5). */
  readonly maxMoves: number;
  /** FRR `dup-addr-detection time`, default 180 s. */
  readonly windowMs: number;
  /** How long a duplicate stays frozen; null = until `thawMac` (FRR `freeze permanent`). */
  readonly freezeMs: number | null;
}

export interface EngineConfig {
  /** BGP router id (dotted quad): the administrator part of auto RDs. */
  readonly routerId: string;
  /** Local AS: the administrator part of auto route targets (RFC 8365 §5.1.2.1; low 16 bits if 4-byte). */
  readonly asn: number;
  /** Our VTEP address; nothing is originated until one is set. */
  readonly localVtep?: string | null;
  readonly duplicateDetection?: Partial<DuplicateDetection>;
}

export interface VniConfig {
  readonly vni: number;
  /** Default: routerId:vni (type 1 RD; needs vni <= 65535). */
  readonly rd?: string;
  /** Default: [asn:vni] (low 16 bits of a 4-byte AS, as FRR). Entries may be "*:N" to match any administrator (eBGP). */
  readonly importRts?: readonly string[];
  /** Default: [asn:vni], as for import. */
  readonly exportRts?: readonly string[];
}

export interface LocalMacInput {
  readonly vni: number;
  readonly mac: string;
  /** A host address bound to the MAC (ARP/ND); it adds a MAC+IP route next to the MAC-only one. */
  readonly ip?: string;
  /** Static MAC: advertised sticky and never moves (RFC 7432 §15.2). */
  readonly sticky?: boolean;
}

export interface LocalMacAgedInput {
  readonly vni: number;
  readonly mac: string;
  /** Only this IP binding aged; without it the whole MAC (and all its IPs) goes. */
  readonly ip?: string;
}

export interface MacSnapshot {
  readonly mac: string;
  /** 'local' (we own it), 'remote' (installed towards `vtep`) or 'none' (known but nowhere: frozen away). */
  readonly type: 'local' | 'remote' | 'none';
  readonly vtep: string | null;
  readonly localSequence: number;
  readonly remoteSequence: number;
  readonly sticky: boolean;
  readonly ips: readonly string[];
  readonly frozen: boolean;
  readonly moves: number;
}

export interface RemoteVtepSnapshot {
  readonly vtep: string;
  /** Installed in the flood list (head-end replication). */
  readonly flood: boolean;
  /** Installed in the allowed-source list. */
  readonly allowed: boolean;
}

export interface VniSnapshot {
  readonly vni: number;
  readonly rd: string;
  readonly importRts: readonly string[];
  readonly exportRts: readonly string[];
  readonly localVtep: string | null;
  /** Sorted by MAC. */
  readonly macs: readonly MacSnapshot[];
  /** Sorted by VTEP text. */
  readonly remoteVteps: readonly RemoteVtepSnapshot[];
  /** Every route this VNI currently has advertised. */
  readonly originated: readonly EvpnEngineRoute[];
}

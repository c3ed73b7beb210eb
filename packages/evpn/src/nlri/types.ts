import type { Nlri } from '@evpn6/bgp';
import type { RouteDistinguisher } from '../rd.js';
import type { Esi } from '../esi.js';

/**
 * One EVPN route (the NLRI of AFI 25 / SAFI 70), discriminated on `kind`.
 *
 * Addresses are raw bytes (copies): 4 bytes for IPv4, 16 for IPv6. Label fields are the raw
 * 24-bit value as on the wire; with VXLAN that value is the VNI (RFC 8365 §5.1.3), which is what
 * GoBGP and FRR put there (VNI 10550 = 0x002936), not an MPLS label shifted by 4.
 */
export type EvpnRoute =
  | EthernetAdRoute
  | MacIpRoute
  | InclusiveMulticastRoute
  | EthernetSegmentRoute
  | IpPrefixRoute
  | UnknownEvpnRoute;

export type EvpnRouteKind = EvpnRoute['kind'];

/** Route type 1 (RFC 7432 §7.1). */
export interface EthernetAdRoute extends Nlri {
  readonly kind: 'ethernet-ad';
  readonly pathId: number | undefined;
  readonly rd: RouteDistinguisher;
  readonly esi: Esi;
  readonly ethernetTag: number;
  readonly label: number;
}

/** Route type 2 (RFC 7432 §7.2). `ip` is absent for a MAC-only route. */
export interface MacIpRoute extends Nlri {
  readonly kind: 'mac-ip';
  readonly pathId: number | undefined;
  readonly rd: RouteDistinguisher;
  readonly esi: Esi;
  readonly ethernetTag: number;
  readonly mac: Uint8Array;
  readonly ip: Uint8Array | undefined;
  /** Label1, and Label2 when present (symmetric IRB: the L3 VNI). */
  readonly labels: readonly number[];
}

/** Route type 3 (RFC 7432 §7.3); the originator is the VTEP's IPv4 or IPv6 address. */
export interface InclusiveMulticastRoute extends Nlri {
  readonly kind: 'inclusive-multicast';
  readonly pathId: number | undefined;
  readonly rd: RouteDistinguisher;
  readonly ethernetTag: number;
  readonly originator: Uint8Array;
}

/** Route type 4 (RFC 7432 §7.4). */
export interface EthernetSegmentRoute extends Nlri {
  readonly kind: 'ethernet-segment';
  readonly pathId: number | undefined;
  readonly rd: RouteDistinguisher;
  readonly esi: Esi;
  readonly originator: Uint8Array;
}

/**
 * Route type 5 (RFC 9136 §3.1). `prefix` and `gateway` have the same width (4 or 16 bytes), the
 * route length tells which (34 or 58); bits of `prefix` past `prefixLength` are kept as received.
 */
export interface IpPrefixRoute extends Nlri {
  readonly kind: 'ip-prefix';
  readonly pathId: number | undefined;
  readonly rd: RouteDistinguisher;
  readonly esi: Esi;
  readonly ethernetTag: number;
  readonly prefixLength: number;
  readonly prefix: Uint8Array;
  readonly gateway: Uint8Array;
  readonly label: number;
}

/** A route type we do not know: kept whole, re-encoded byte-identical. */
export interface UnknownEvpnRoute extends Nlri {
  readonly kind: 'unknown';
  readonly pathId: number | undefined;
  readonly routeType: number;
  readonly data: Uint8Array;
}

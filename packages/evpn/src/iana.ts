/** EVPN numbers (IANA "EVPN Route Types", BGP extended community and tunnel type registries). */

export const EvpnRouteType = {
  ETHERNET_AD: 1,
  MAC_IP: 2,
  INCLUSIVE_MULTICAST: 3,
  ETHERNET_SEGMENT: 4,
  IP_PREFIX: 5,
} as const;

/** Route distinguisher types (RFC 4364 §4.2). */
export const RdType = {
  AS2: 0,
  IPV4: 1,
  AS4: 2,
} as const;

/** ESI types (RFC 7432 §5). */
export const EsiType = {
  ARBITRARY: 0,
  LACP: 1,
  MSTP: 2,
  MAC: 3,
  ROUTER_ID: 4,
  AS: 5,
} as const;

/** Extended community high-order type octets (RFC 4360, RFC 5668, RFC 7153). */
export const ExtCommunityType = {
  TRANSITIVE_AS2: 0x00,
  TRANSITIVE_IPV4: 0x01,
  TRANSITIVE_AS4: 0x02,
  TRANSITIVE_OPAQUE: 0x03,
  EVPN: 0x06,
} as const;

/** Sub-types used by EVPN. */
export const ExtCommunitySubtype = {
  ROUTE_TARGET: 0x02,
  /** Under TRANSITIVE_OPAQUE (RFC 9012 §4.1). */
  ENCAPSULATION: 0x0c,
  /** Under TRANSITIVE_OPAQUE (RFC 7432 §7.8). */
  DEFAULT_GATEWAY: 0x0d,
  /** Under EVPN (RFC 7432 §7.7). */
  MAC_MOBILITY: 0x00,
  /** Under EVPN (RFC 7432 §7.5). */
  ESI_LABEL: 0x01,
  /** Under EVPN (RFC 7432 §7.6). */
  ES_IMPORT_ROUTE_TARGET: 0x02,
  /** Under EVPN (RFC 9135 §8.1). */
  ROUTERS_MAC: 0x03,
} as const;

/** BGP tunnel encapsulation types (RFC 9012 / IANA) that EVPN deployments carry. */
export const TunnelEncapsulation = {
  L2TPV3: 1,
  GRE: 2,
  VXLAN: 8,
  NVGRE: 9,
  MPLS: 10,
  MPLS_IN_GRE: 11,
  VXLAN_GPE: 12,
  MPLS_IN_UDP: 13,
  GENEVE: 19,
} as const;

/** PMSI tunnel attribute flag bits (RFC 6514 §5). */
export const PmsiFlag = {
  LEAF_INFO_REQUIRED: 0x01,
} as const;

/** MAC mobility flag bits (RFC 7432 §7.7). */
export const MacMobilityFlag = {
  STICKY: 0x01,
} as const;

/** ESI label flag bits (RFC 7432 §7.5). */
export const EsiLabelFlag = {
  SINGLE_ACTIVE: 0x01,
} as const;

/** A VNI is 24 bits (RFC 7348 §5); RFC 8365 §5.1.3 carries it in the 3-octet label field as is. */
export const MAX_VNI = 0xffffff;

/**
 * IANA numbers used on the wire (BGP parameters registry). One table per registry,
 * `as const` so that names and numbers are both types.
 */

export const MessageType = {
  OPEN: 1,
  UPDATE: 2,
  NOTIFICATION: 3,
  KEEPALIVE: 4,
  ROUTE_REFRESH: 5,
} as const;
export type MessageTypeName = keyof typeof MessageType;

export const HEADER_LENGTH = 19;
export const MARKER_LENGTH = 16;
export const MAX_MESSAGE_LENGTH = 4096;
/** RFC 8654: every message but OPEN and KEEPALIVE may grow to this once negotiated. */
export const MAX_EXTENDED_MESSAGE_LENGTH = 65535;

export const Afi = {
  IPV4: 1,
  IPV6: 2,
  L2VPN: 25,
} as const;

export const Safi = {
  UNICAST: 1,
  MULTICAST: 2,
  MPLS_LABEL: 4,
  EVPN: 70,
  MPLS_VPN: 128,
  FLOWSPEC: 133,
} as const;

/** Path attribute type codes. */
export const AttrType = {
  ORIGIN: 1,
  AS_PATH: 2,
  NEXT_HOP: 3,
  MULTI_EXIT_DISC: 4,
  LOCAL_PREF: 5,
  ATOMIC_AGGREGATE: 6,
  AGGREGATOR: 7,
  COMMUNITIES: 8,
  ORIGINATOR_ID: 9,
  CLUSTER_LIST: 10,
  MP_REACH_NLRI: 14,
  MP_UNREACH_NLRI: 15,
  EXTENDED_COMMUNITIES: 16,
  AS4_PATH: 17,
  AS4_AGGREGATOR: 18,
  PMSI_TUNNEL: 22,
  LARGE_COMMUNITY: 32,
} as const;

/** Attribute flag bits (RFC 4271 §4.3). */
export const AttrFlag = {
  OPTIONAL: 0x80,
  TRANSITIVE: 0x40,
  PARTIAL: 0x20,
  EXTENDED_LENGTH: 0x10,
} as const;

export const Origin = { IGP: 0, EGP: 1, INCOMPLETE: 2 } as const;

export const AsPathSegmentType = {
  AS_SET: 1,
  AS_SEQUENCE: 2,
  AS_CONFED_SEQUENCE: 3,
  AS_CONFED_SET: 4,
} as const;

/** Capability codes (RFC 5492 registry). */
export const CapabilityCode = {
  MULTIPROTOCOL: 1,
  ROUTE_REFRESH: 2,
  EXTENDED_NEXT_HOP: 5,
  EXTENDED_MESSAGE: 6,
  GRACEFUL_RESTART: 64,
  FOUR_OCTET_AS: 65,
  ADD_PATH: 69,
  ENHANCED_ROUTE_REFRESH: 70,
  FQDN: 73,
} as const;

/** OPEN optional parameter types. */
export const OptionalParameterType = {
  CAPABILITIES: 2,
  /** RFC 9072 extended optional parameters length marker. */
  EXTENDED_LENGTH: 255,
} as const;

export const AS_TRANS = 23456;

/** NOTIFICATION error codes and subcodes (RFC 4271 §4.5 and later RFCs). */
export const ErrorCode = {
  MESSAGE_HEADER: 1,
  OPEN_MESSAGE: 2,
  UPDATE_MESSAGE: 3,
  HOLD_TIMER_EXPIRED: 4,
  FSM: 5,
  CEASE: 6,
  ROUTE_REFRESH: 7,
} as const;

export const HeaderErrorSubcode = {
  CONNECTION_NOT_SYNCHRONIZED: 1,
  BAD_MESSAGE_LENGTH: 2,
  BAD_MESSAGE_TYPE: 3,
} as const;

export const OpenErrorSubcode = {
  UNSUPPORTED_VERSION: 1,
  BAD_PEER_AS: 2,
  BAD_BGP_IDENTIFIER: 3,
  UNSUPPORTED_OPTIONAL_PARAMETER: 4,
  /** 5 is deprecated (authentication failure). */
  UNACCEPTABLE_HOLD_TIME: 6,
  UNSUPPORTED_CAPABILITY: 7,
  /** 8 deprecated; 9 deprecated. */
  ROLE_MISMATCH: 11,
} as const;

export const UpdateErrorSubcode = {
  MALFORMED_ATTRIBUTE_LIST: 1,
  UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE: 2,
  MISSING_WELL_KNOWN_ATTRIBUTE: 3,
  ATTRIBUTE_FLAGS_ERROR: 4,
  ATTRIBUTE_LENGTH_ERROR: 5,
  INVALID_ORIGIN_ATTRIBUTE: 6,
  /** 7 deprecated (AS routing loop). */
  INVALID_NEXT_HOP_ATTRIBUTE: 8,
  OPTIONAL_ATTRIBUTE_ERROR: 9,
  INVALID_NETWORK_FIELD: 10,
  MALFORMED_AS_PATH: 11,
} as const;

/** RFC 6608. */
export const FsmErrorSubcode = {
  UNSPECIFIED: 0,
  UNEXPECTED_IN_OPENSENT: 1,
  UNEXPECTED_IN_OPENCONFIRM: 2,
  UNEXPECTED_IN_ESTABLISHED: 3,
} as const;

/** RFC 4486, RFC 8203/9003, RFC 8538. */
export const CeaseSubcode = {
  MAXIMUM_PREFIXES_REACHED: 1,
  ADMINISTRATIVE_SHUTDOWN: 2,
  PEER_DECONFIGURED: 3,
  ADMINISTRATIVE_RESET: 4,
  CONNECTION_REJECTED: 5,
  OTHER_CONFIGURATION_CHANGE: 6,
  CONNECTION_COLLISION_RESOLUTION: 7,
  OUT_OF_RESOURCES: 8,
  HARD_RESET: 9,
  BFD_DOWN: 10,
} as const;

/** RFC 7313. */
export const RouteRefreshErrorSubcode = {
  INVALID_MESSAGE_LENGTH: 1,
} as const;

/** RFC 7313 ROUTE-REFRESH message subtypes (the former "reserved" byte). */
export const RouteRefreshSubtype = {
  NORMAL: 0,
  BEGIN_OF_RR: 1,
  END_OF_RR: 2,
} as const;

/** RFC 7911 ADD-PATH send/receive field. */
export const AddPathMode = {
  RECEIVE: 1,
  SEND: 2,
  BOTH: 3,
} as const;

/** PMSI tunnel types (RFC 6514 §5, RFC 7432 §11.2). */
export const PmsiTunnelType = {
  NO_TUNNEL_INFO: 0,
  RSVP_TE_P2MP: 1,
  MLDP_P2MP: 2,
  PIM_SSM: 3,
  PIM_SM: 4,
  BIDIR_PIM: 5,
  INGRESS_REPLICATION: 6,
  MLDP_MP2MP: 7,
} as const;

/** A family as one number, for Maps and Sets: AFI in the high 16 bits, SAFI in the low 8. */
export function familyKey(afi: number, safi: number): number {
  return afi * 256 + safi;
}

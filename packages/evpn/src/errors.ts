import { BgpError } from '@evpn6/bgp';

/**
 * Every error @evpn6/evpn throws itself is an EvpnError with a stable `code` (bytes that do not
 * decode raise @evpn6/bgp's DecodeError, with the codes in `EvpnDecodeCode`). Match on `code`.
 */
export class EvpnError extends BgpError {}

/** Codes of EvpnError. */
export const EvpnErrorCode = {
  /** Text (RD, route target, MAC, ESI, address) that does not parse. */
  parse: 'ERR_EVPN_PARSE',
  /** A value out of range for the field it is meant for (VNI > 24 bits, bad ESI type...). */
  value: 'ERR_EVPN_VALUE',
  /** A next hop or endpoint that cannot be a VTEP (wrong length, unspecified address). */
  vtep: 'ERR_EVPN_VTEP',
} as const;

/** Codes of the DecodeErrors raised for an EVPN NLRI whose fields contradict each other. */
export const EvpnDecodeCode = {
  /** The route length does not match what its type's fields add up to. */
  routeLength: 'ERR_EVPN_ROUTE_LENGTH',
  macLength: 'ERR_EVPN_MAC_LENGTH',
  /** An IP/originator length other than the ones the RFC allows (0, 32, 128 bits). */
  ipLength: 'ERR_EVPN_IP_LENGTH',
  /** RT5 prefix length beyond 32 (IPv4) or 128 (IPv6). */
  prefixLength: 'ERR_EVPN_PREFIX_LENGTH',
} as const;

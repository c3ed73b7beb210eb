/**
 * The MAC-VRF engine (issue #4): per-VNI import by route target, MAC mobility, flood and
 * allowed-source lists, and the routes a VTEP originates. It speaks plain text values (see
 * types.ts); an adapter maps the EVPN codec types to them:
 *   Loc-RIB RT2 -> EngineMacIpRoute: rd text, ethernetTag, MAC text, ip text or null, label = first
 *     label (the VNI), nextHop = VTEP text of the MP_REACH next hop (global part of a 32-byte one),
 *     routeTargets = RT ext communities as text (plain or asdot AS both match), mobility from the
 *     MAC Mobility ext community or null.
 *   Loc-RIB RT3 -> EngineImetRoute: originator text, pmsi {tunnelType, label, endpoint text} or null.
 *   Withdrawals need only the key fields (type, rd, ethernetTag, mac + ip / originator).
 *   Originated routes come back in the same shapes; the adapter adds the BGP encapsulation ext
 *   community (VXLAN, RFC 8365 §5.1.3) and encodes mobility when it is non-null.
 */
export type * from './types.js';
export { EngineError, EngineErrorCode } from './errors.js';
export type { EngineErrorCodeValue } from './errors.js';
export { MacVrfEngine, DEFAULT_DUPLICATE_DETECTION } from './engine.js';
export { PMSI_INGRESS_REPLICATION } from './flood.js';
export { engineRouteFromBgp, engineKeyFromBgp, bgpRouteFromEngine } from './adapter.js';
export type { BgpRouteForEngine } from './adapter.js';

import type { ExportCandidate } from '@evpn6/bgp';
import { Afi, Safi } from '@evpn6/bgp';
import type { EvpnRoute } from './nlri/types.js';

/** The largest PMSI tunnel identifier stock FRR 8.4 takes for ingress replication (an IPv4 address). */
const LEGACY_TUNNEL_ID_MAX = 4;
/** IPv4 originator length in bytes: FRR 8.4 parses type-3 and type-4 originators only at 32 bits. */
const LEGACY_ORIGINATOR_LENGTH = 4;

/**
 * Export filter (`NeighborOptions.exportFilter` of @evpn6/bgp) for peers running stock FRR 8.4,
 * which was measured here (../../shared/vectors/frr-8.4-ipv6-evpn) to reset the session on:
 *  - a PMSI tunnel attribute longer than 9 bytes (a 16-byte IPv6 endpoint, 21 bytes in all):
 *    NOTIFICATION 3/5 (attribute length error), again on every reconnect;
 *  - an IMET (type 3) or ES (type 4) route whose originator is 128 bits: NOTIFICATION 3/9
 *    (optional attribute error, "unsupported IP address length 128").
 * Such routes are not sent to the peer; everything else goes out unchanged. Types 1, 2 and 5 with
 * an IPv6 next hop are sent: FRR 8.4 accepts them but records the next hop as 0.0.0.0 (zebra
 * then shows a type-2 MAC as remote behind VTEP 0.0.0.0) — harmless for the session, useless for
 * forwarding, so a site that must forward to FRR 8.4 uses an IPv4 VTEP towards it.
 * Other families pass untouched. test/interop-evpn-frr.test.ts shows both behaviours.
 */
export function legacyFrrEvpnFilter(route: ExportCandidate): boolean {
  if (route.afi !== Afi.L2VPN || route.safi !== Safi.EVPN) return true;
  for (const a of route.attributes) {
    if (a.type === 'PMSI_TUNNEL' && a.tunnelId.length > LEGACY_TUNNEL_ID_MAX) return false;
  }
  const r = route.nlri as EvpnRoute;
  if (r.kind === 'inclusive-multicast' || r.kind === 'ethernet-segment') return r.originator.length === LEGACY_ORIGINATOR_LENGTH;
  return true;
}

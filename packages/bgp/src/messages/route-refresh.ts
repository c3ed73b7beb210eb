import type { Codec } from '../codec.js';
import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';

/**
 * A ROUTE-REFRESH (RFC 2918), with the RFC 7313 subtype in the former reserved octet:
 * 0 normal request, 1 Beginning of Route Refresh, 2 End of Route Refresh. Other subtypes are
 * kept as their number (RFC 7313 §5: the receiver ignores the message). `orf` is whatever
 * follows the fixed four octets (RFC 5291 ORF entries in a subtype-0 request), kept raw.
 */
export interface RouteRefreshMessage {
  readonly type: 'ROUTE_REFRESH';
  readonly afi: number;
  readonly safi: number;
  readonly subtype: number;
  readonly orf: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/*
 * The ROUTE-REFRESH body after the header (RFC 2918 §3, RFC 7313 §3.2):
 *
 *    0       7      15      23      31
 *   +-------+-------+-------+-------+
 *   |      AFI      | Subt. | SAFI  |
 *   +-------+-------+-------+-------+
 *   |  ORF entries (RFC 5291, rare) ...
 *
 * A BoRR/EoRR longer than 4 octets is NOTIFICATION 7/1 (RFC 7313 §5); decodeMessage checks it,
 * since that NOTIFICATION carries the whole message as data.
 */
export const routeRefreshBody: Codec<RouteRefreshMessage> = {
  decode(r: Reader): RouteRefreshMessage {
    const afi = r.u16('route refresh AFI');
    const subtype = r.u8('route refresh subtype');
    const safi = r.u8('route refresh SAFI');
    const orf = r.done ? EMPTY : r.copy(r.remaining, 'route refresh ORF');
    return { type: 'ROUTE_REFRESH', afi, safi, subtype, orf };
  },
  encode(m: RouteRefreshMessage, w: Writer): void {
    w.u16(m.afi, 'ROUTE-REFRESH AFI');
    w.u8(m.subtype, 'ROUTE-REFRESH subtype');
    w.u8(m.safi, 'ROUTE-REFRESH SAFI');
    w.bytes(m.orf);
  },
  encodedLength(m: RouteRefreshMessage): number {
    return 4 + m.orf.length;
  },
};

/** A ROUTE-REFRESH with no ORF entries; subtype defaults to a normal request. */
export function createRouteRefresh(afi: number, safi: number, subtype = 0): RouteRefreshMessage {
  return { type: 'ROUTE_REFRESH', afi, safi, subtype, orf: new Uint8Array(0) };
}

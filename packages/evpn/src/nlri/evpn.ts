import type { CodecContext, NlriCodec, NlriRegistry, Reader, Writer } from '@evpn6/bgp';
import { Afi, EncodeError, Safi, formatIpv4, formatIpv6, toHex } from '@evpn6/bgp';
import type { EvpnRoute } from './types.js';
import { EvpnRouteType } from '../iana.js';
import { ethernetAdBody } from './ethernet-ad.js';
import { macIpBody } from './mac-ip.js';
import { inclusiveMulticastBody } from './inclusive-multicast.js';
import { ethernetSegmentBody } from './ethernet-segment.js';
import { ipPrefixBody } from './ip-prefix.js';
import { decodeUnknownRoute, encodeUnknownRoute } from './unknown.js';
import { formatRd } from '../rd.js';
import type { RouteDistinguisher } from '../rd.js';
import { formatMac, colonHex } from '../mac.js';

/**
 * EVPN NLRI (RFC 7432 §7), one route per element of MP_REACH/MP_UNREACH's NLRI field:
 *
 *  +-----------------------------------+
 *  |    Route Type (1 octet)           |
 *  +-----------------------------------+
 *  |     Length (1 octet)              |
 *  +-----------------------------------+
 *  | Route Type specific (variable)    |
 *  +-----------------------------------+
 *
 * Each route type's body lives in its own file. A length that runs past the NLRI field is a
 * truncation; a length that contradicts the type's fields is ERR_EVPN_ROUTE_LENGTH. Either way the
 * NLRI field is unusable, which RFC 7606 §5.4 makes the UPDATE's problem (the bgp side maps it).
 */
export const evpnNlri: NlriCodec<EvpnRoute> = {
  afi: Afi.L2VPN,
  safi: Safi.EVPN,
  name: 'l2vpn-evpn',
  nextHopLengths: [4, 16, 32],

  decode(r: Reader, _ctx: CodecContext, pathId: number | undefined): EvpnRoute {
    const at = r.pos;
    if (at + 2 > r.end) r.need(2, 'EVPN route type and length');
    const type = r.buf[at]!;
    const length = r.buf[at + 1]!;
    r.pos = at + 2;
    if (r.pos + length > r.end) r.need(length, 'EVPN route');
    switch (type) {
      case EvpnRouteType.MAC_IP:
        return macIpBody.decode(r, length, pathId);
      case EvpnRouteType.ETHERNET_AD:
        return ethernetAdBody.decode(r, length, pathId);
      case EvpnRouteType.INCLUSIVE_MULTICAST:
        return inclusiveMulticastBody.decode(r, length, pathId);
      case EvpnRouteType.ETHERNET_SEGMENT:
        return ethernetSegmentBody.decode(r, length, pathId);
      case EvpnRouteType.IP_PREFIX:
        return ipPrefixBody.decode(r, length, pathId);
      default:
        return decodeUnknownRoute(r, type, length, pathId);
    }
  },

  encode(route: EvpnRoute, w: Writer): void {
    const length = bodyLength(route);
    if (length > 0xff) throw new EncodeError('EVPN route', `body of ${length} bytes does not fit the length octet`);
    w.u8(routeTypeOf(route), 'EVPN route type');
    w.u8(length, 'EVPN route length');
    switch (route.kind) {
      case 'mac-ip':
        return macIpBody.encode(route, w);
      case 'ethernet-ad':
        return ethernetAdBody.encode(route, w);
      case 'inclusive-multicast':
        return inclusiveMulticastBody.encode(route, w);
      case 'ethernet-segment':
        return ethernetSegmentBody.encode(route, w);
      case 'ip-prefix':
        return ipPrefixBody.encode(route, w);
      case 'unknown':
        return encodeUnknownRoute(route, w);
    }
  },

  encodedLength(route: EvpnRoute): number {
    return 2 + bodyLength(route);
  },

  key(route: EvpnRoute): string {
    return evpnRouteKey(route);
  },

  format(route: EvpnRoute): string {
    return formatEvpnRoute(route);
  },
};

/** Adds AFI 25 / SAFI 70 to a registry (returned, for chaining). */
export function registerEvpn(registry: NlriRegistry): NlriRegistry {
  return registry.register(evpnNlri);
}

export function routeTypeOf(route: EvpnRoute): number {
  switch (route.kind) {
    case 'ethernet-ad':
      return EvpnRouteType.ETHERNET_AD;
    case 'mac-ip':
      return EvpnRouteType.MAC_IP;
    case 'inclusive-multicast':
      return EvpnRouteType.INCLUSIVE_MULTICAST;
    case 'ethernet-segment':
      return EvpnRouteType.ETHERNET_SEGMENT;
    case 'ip-prefix':
      return EvpnRouteType.IP_PREFIX;
    case 'unknown':
      return route.routeType;
  }
}

function bodyLength(route: EvpnRoute): number {
  switch (route.kind) {
    case 'mac-ip':
      return macIpBody.bodyLength(route);
    case 'ethernet-ad':
      return ethernetAdBody.bodyLength(route);
    case 'inclusive-multicast':
      return inclusiveMulticastBody.bodyLength(route);
    case 'ethernet-segment':
      return ethernetSegmentBody.bodyLength(route);
    case 'ip-prefix':
      return ipPrefixBody.bodyLength(route);
    case 'unknown':
      return route.data.length;
  }
}

function rdKey(rd: RouteDistinguisher): string {
  return `${rd.type}:${rd.admin}:${rd.assigned}`;
}

/** The prefix with bits past its length cleared, so two spellings of one prefix share a key. */
function maskedPrefix(prefix: Uint8Array, length: number): Uint8Array {
  const m = prefix.slice();
  for (let i = 0; i < m.length; i++) {
    const keep = length - i * 8;
    if (keep <= 0) m[i] = 0;
    else if (keep < 8) m[i] = m[i]! & (0xff << (8 - keep));
  }
  return m;
}

/**
 * The RIB identity of a route: the fields RFC 7432 §7.1–7.4 and RFC 9136 §3.1 name as the route
 * key, plus the RD. Labels, ESI (types 2 and 5) and the gateway are attributes: a change in them is
 * an implicit replacement of the same route, not a second route.
 */
export function evpnRouteKey(route: EvpnRoute): string {
  switch (route.kind) {
    case 'ethernet-ad':
      return `1|${rdKey(route.rd)}|${toHex(route.esi)}|${route.ethernetTag}`;
    case 'mac-ip':
      return `2|${rdKey(route.rd)}|${route.ethernetTag}|${toHex(route.mac)}|${route.ip === undefined ? '' : toHex(route.ip)}`;
    case 'inclusive-multicast':
      return `3|${rdKey(route.rd)}|${route.ethernetTag}|${toHex(route.originator)}`;
    case 'ethernet-segment':
      return `4|${rdKey(route.rd)}|${toHex(route.esi)}|${toHex(route.originator)}`;
    case 'ip-prefix':
      return `5|${rdKey(route.rd)}|${route.ethernetTag}|${route.prefixLength}|${toHex(maskedPrefix(route.prefix, route.prefixLength))}`;
    case 'unknown':
      return `${route.routeType}|${toHex(route.data)}`;
  }
}

function ipText(b: Uint8Array): string {
  return b.length === 4 ? formatIpv4(b) : b.length === 16 ? formatIpv6(b) : toHex(b);
}

/**
 * The route as FRR prints EVPN prefixes (without the RD, which FRR shows as a header):
 *   [1]:[tag]:[esi]   [2]:[tag]:[48]:[mac](:[bits]:[ip])   [3]:[tag]:[bits]:[originator]
 *   [4]:[esi]:[bits]:[originator]   [5]:[tag]:[length]:[prefix]   [N]:[hex] for unknown types
 */
export function formatEvpnRoute(route: EvpnRoute): string {
  switch (route.kind) {
    case 'ethernet-ad':
      return `[1]:[${route.ethernetTag}]:[${colonHex(route.esi)}]`;
    case 'mac-ip': {
      const mac = `[2]:[${route.ethernetTag}]:[48]:[${formatMac(route.mac)}]`;
      return route.ip === undefined ? mac : `${mac}:[${route.ip.length * 8}]:[${ipText(route.ip)}]`;
    }
    case 'inclusive-multicast':
      return `[3]:[${route.ethernetTag}]:[${route.originator.length * 8}]:[${ipText(route.originator)}]`;
    case 'ethernet-segment':
      return `[4]:[${colonHex(route.esi)}]:[${route.originator.length * 8}]:[${ipText(route.originator)}]`;
    case 'ip-prefix':
      return `[5]:[${route.ethernetTag}]:[${route.prefixLength}]:[${ipText(maskedPrefix(route.prefix, route.prefixLength))}]`;
    case 'unknown':
      return `[${route.routeType}]:[${toHex(route.data)}]`;
  }
}

/** "192.0.2.1:100:[2]:[0]:[48]:[02:00:00:00:00:01]", as FRR writes an imported route's origin. */
export function formatEvpnRouteWithRd(route: EvpnRoute): string {
  return route.kind === 'unknown' ? formatEvpnRoute(route) : `${formatRd(route.rd)}:${formatEvpnRoute(route)}`;
}

import type { Reader, Writer } from '@evpn6/bgp';
import { EncodeError } from '@evpn6/bgp';
import type { UnknownEvpnRoute } from './types.js';

/**
 * A route type this library does not model (6–11 for multicast, later ones...): the body is
 * kept as raw bytes (a copy) so the route can be stored, compared and passed on unchanged.
 */
export function decodeUnknownRoute(r: Reader, routeType: number, length: number, pathId: number | undefined): UnknownEvpnRoute {
  return { kind: 'unknown', pathId, routeType, data: r.copy(length, `EVPN route type ${routeType}`) };
}

export function encodeUnknownRoute(route: UnknownEvpnRoute, w: Writer): void {
  // Types 1-5 never decode as unknown; writing one raw would put bytes we cannot read on the wire.
  if (route.routeType >= 1 && route.routeType <= 5) {
    throw new EncodeError('EVPN route', `route type ${route.routeType} must be given typed, not as unknown`);
  }
  w.bytes(route.data, `EVPN route type ${route.routeType}`);
}

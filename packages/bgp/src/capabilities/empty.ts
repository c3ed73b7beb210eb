import type { CapabilityBase, CapabilityValueCodec } from './codec.js';
import { expectValueLength } from './codec.js';
import { CapabilityCode } from '../iana.js';

/** RFC 2918: the speaker accepts ROUTE-REFRESH messages. */
export interface RouteRefreshCapability extends CapabilityBase {
  readonly kind: 'route-refresh';
}

/** RFC 7313: the speaker brackets a refresh with BoRR/EoRR. */
export interface EnhancedRouteRefreshCapability extends CapabilityBase {
  readonly kind: 'enhanced-route-refresh';
}

/** RFC 8654: the speaker accepts messages (other than OPEN and KEEPALIVE) up to 65535 bytes. */
export interface ExtendedMessageCapability extends CapabilityBase {
  readonly kind: 'extended-message';
}

/*
 * Capabilities that are announced by their presence alone: code, length 0, no value.
 *
 *   +----------------+----------------+
 *   | Code (2/70/6)  |  Length = 0    |
 *   +----------------+----------------+
 *
 * A non-zero length is malformed (RFC 2918 §3, RFC 7313 §3, RFC 8654 §3 all fix it at 0).
 */
function emptyCapability<T extends { readonly kind: string }>(code: number, name: string, value: T): CapabilityValueCodec<T> {
  return {
    code,
    decode(r) {
      expectValueLength(r, 0, name);
      return { ...value };
    },
    encode() {},
    encodedLength() {
      return 0;
    },
  };
}

export const routeRefreshCapability = emptyCapability<RouteRefreshCapability>(CapabilityCode.ROUTE_REFRESH, 'route refresh', {
  kind: 'route-refresh',
});

export const enhancedRouteRefreshCapability = emptyCapability<EnhancedRouteRefreshCapability>(
  CapabilityCode.ENHANCED_ROUTE_REFRESH,
  'enhanced route refresh',
  { kind: 'enhanced-route-refresh' },
);

export const extendedMessageCapability = emptyCapability<ExtendedMessageCapability>(CapabilityCode.EXTENDED_MESSAGE, 'extended message', {
  kind: 'extended-message',
});

import type { Reader, Writer } from '@evpn6/bgp';
import type { InclusiveMulticastRoute } from './types.js';
import type { RouteBodyCodec } from './fields.js';
import { addressBytes, badLength, checkBytes, checkU32, rdAt } from './fields.js';
import { checkRd, encodeRd } from '../rd.js';

/**
 * Inclusive Multicast Ethernet Tag route, type 3 (RFC 7432 §7.3), 17 or 29 octets:
 *
 *  +---------------------------------------+
 *  |  RD (8 octets)                        |
 *  +---------------------------------------+
 *  |  Ethernet Tag ID (4 octets)           |
 *  +---------------------------------------+
 *  |  IP Address Length (1 octet) 32/128   |
 *  +---------------------------------------+
 *  |  Originating Router's IP Address      |
 *  |          (4 or 16 octets)             |
 *  +---------------------------------------+
 *
 * An IPv6 VTEP sends the 128-bit form (stock FRR 8.4 cannot take it; GoBGP and FRR >= 10.6 can).
 * Route key: all fields.
 */
export const inclusiveMulticastBody: RouteBodyCodec<InclusiveMulticastRoute> = {
  decode(r: Reader, length: number, pathId: number | undefined): InclusiveMulticastRoute {
    const p = r.pos;
    if (length < 13) badLength('Inclusive Multicast', p, length, '17 or 29');
    const ipLen = addressBytes(r.buf[p + 12]!, false, 'originator address length', p + 12);
    if (length !== 13 + ipLen) badLength('Inclusive Multicast', p, length, `${13 + ipLen} for a ${ipLen * 8}-bit originator`);
    r.pos = p + length;
    return {
      kind: 'inclusive-multicast',
      pathId,
      rd: rdAt(r.view, p),
      ethernetTag: r.view.getUint32(p + 8),
      originator: r.buf.slice(p + 13, p + 13 + ipLen),
    };
  },
  encode(route: InclusiveMulticastRoute, w: Writer): void {
    checkRd(route.rd);
    checkU32(route.ethernetTag, 'Ethernet Tag');
    checkBytes(route.originator, [4, 16], 'originator address');
    encodeRd(route.rd, w);
    w.u32(route.ethernetTag, 'Ethernet Tag');
    w.u8(route.originator.length * 8, 'originator address length');
    w.bytes(route.originator, 'originator address');
  },
  bodyLength(route: InclusiveMulticastRoute): number {
    return 13 + route.originator.length;
  },
};

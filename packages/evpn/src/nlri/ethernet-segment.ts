import type { Reader, Writer } from '@evpn6/bgp';
import type { EthernetSegmentRoute } from './types.js';
import type { RouteBodyCodec } from './fields.js';
import { addressBytes, badLength, checkBytes, rdAt } from './fields.js';
import { checkRd, encodeRd } from '../rd.js';

/**
 * Ethernet Segment route, type 4 (RFC 7432 §7.4), 23 or 35 octets:
 *
 *  +---------------------------------------+
 *  |  RD (8 octets)                        |
 *  +---------------------------------------+
 *  |Ethernet Segment Identifier (10 octets)|
 *  +---------------------------------------+
 *  |  IP Address Length (1 octet) 32/128   |
 *  +---------------------------------------+
 *  |  Originating Router's IP Address      |
 *  |          (4 or 16 octets)             |
 *  +---------------------------------------+
 *
 * Route key (§7.4): RD, ESI, IP length and originator.
 */
export const ethernetSegmentBody: RouteBodyCodec<EthernetSegmentRoute> = {
  decode(r: Reader, length: number, pathId: number | undefined): EthernetSegmentRoute {
    const p = r.pos;
    if (length < 19) badLength('Ethernet Segment', p, length, '23 or 35');
    const ipLen = addressBytes(r.buf[p + 18]!, false, 'originator address length', p + 18);
    if (length !== 19 + ipLen) badLength('Ethernet Segment', p, length, `${19 + ipLen} for a ${ipLen * 8}-bit originator`);
    r.pos = p + length;
    return {
      kind: 'ethernet-segment',
      pathId,
      rd: rdAt(r.view, p),
      esi: r.buf.slice(p + 8, p + 18),
      originator: r.buf.slice(p + 19, p + 19 + ipLen),
    };
  },
  encode(route: EthernetSegmentRoute, w: Writer): void {
    checkRd(route.rd);
    checkBytes(route.esi, [10], 'ESI');
    checkBytes(route.originator, [4, 16], 'originator address');
    encodeRd(route.rd, w);
    w.bytes(route.esi, 'ESI');
    w.u8(route.originator.length * 8, 'originator address length');
    w.bytes(route.originator, 'originator address');
  },
  bodyLength(route: EthernetSegmentRoute): number {
    return 19 + route.originator.length;
  },
};

import type { Reader, Writer } from '@evpn6/bgp';
import type { EthernetAdRoute } from './types.js';
import type { RouteBodyCodec } from './fields.js';
import { badLength, checkBytes, checkLabel, checkU32, rdAt, u24At } from './fields.js';
import { checkRd, encodeRd } from '../rd.js';

/**
 * Ethernet Auto-Discovery route, type 1 (RFC 7432 §7.1), 25 octets:
 *
 *  +---------------------------------------+
 *  |  Route Distinguisher (RD) (8 octets)  |
 *  +---------------------------------------+
 *  |Ethernet Segment Identifier (10 octets)|
 *  +---------------------------------------+
 *  |  Ethernet Tag ID (4 octets)           |
 *  +---------------------------------------+
 *  |  MPLS Label (3 octets) = VNI          |
 *  +---------------------------------------+
 *
 * Route key (§7.1): RD, ESI and Ethernet Tag; the label is an attribute of the route.
 */
export const ETHERNET_AD_LENGTH = 25;

export const ethernetAdBody: RouteBodyCodec<EthernetAdRoute> = {
  decode(r: Reader, length: number, pathId: number | undefined): EthernetAdRoute {
    const p = r.pos;
    if (length !== ETHERNET_AD_LENGTH) badLength('Ethernet A-D', p, length, '25');
    const b = r.buf;
    r.pos = p + length;
    return {
      kind: 'ethernet-ad',
      pathId,
      rd: rdAt(r.view, p),
      esi: b.slice(p + 8, p + 18),
      ethernetTag: r.view.getUint32(p + 18),
      label: u24At(b, p + 22),
    };
  },
  encode(route: EthernetAdRoute, w: Writer): void {
    checkRd(route.rd);
    checkBytes(route.esi, [10], 'ESI');
    checkU32(route.ethernetTag, 'Ethernet Tag');
    checkLabel(route.label, 'label');
    encodeRd(route.rd, w);
    w.bytes(route.esi, 'ESI');
    w.u32(route.ethernetTag, 'Ethernet Tag');
    w.u24(route.label, 'label');
  },
  bodyLength(): number {
    return ETHERNET_AD_LENGTH;
  },
};

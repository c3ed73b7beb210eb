import type { Reader, Writer } from '@evpn6/bgp';
import { DecodeError, EncodeError } from '@evpn6/bgp';
import type { MacIpRoute } from './types.js';
import type { RouteBodyCodec } from './fields.js';
import { addressBytes, badLength, checkBytes, checkLabel, checkU32, rdAt, u24At } from './fields.js';
import { checkRd, encodeRd } from '../rd.js';
import { EvpnDecodeCode } from '../errors.js';

/**
 * MAC/IP Advertisement route, type 2 (RFC 7432 §7.2), 33 to 55 octets:
 *
 *  +---------------------------------------+
 *  |  RD (8 octets)                        |
 *  +---------------------------------------+
 *  |Ethernet Segment Identifier (10 octets)|
 *  +---------------------------------------+
 *  |  Ethernet Tag ID (4 octets)           |
 *  +---------------------------------------+
 *  |  MAC Address Length (1 octet) = 48    |
 *  +---------------------------------------+
 *  |  MAC Address (6 octets)               |
 *  +---------------------------------------+
 *  |  IP Address Length (1 octet) 0/32/128 |
 *  +---------------------------------------+
 *  |  IP Address (0, 4, or 16 octets)      |
 *  +---------------------------------------+
 *  |  MPLS Label1 (3 octets) = L2 VNI      |
 *  +---------------------------------------+
 *  |  MPLS Label2 (0 or 3 octets) = L3 VNI |
 *  +---------------------------------------+
 *
 * Route key (§7.2): RD, Ethernet Tag, MAC length and MAC, IP length and IP. Not ESI, not labels.
 */
const FIXED = 30; // RD + ESI + tag + MAC length + MAC + IP length

export const macIpBody: RouteBodyCodec<MacIpRoute> = {
  decode(r: Reader, length: number, pathId: number | undefined): MacIpRoute {
    const p = r.pos;
    if (length < FIXED + 3) badLength('MAC/IP', p, length, 'at least 33');
    const b = r.buf;
    const macBits = b[p + 22]!;
    if (macBits !== 48) throw new DecodeError(EvpnDecodeCode.macLength, 'MAC address length', p + 22, `${macBits} bits, expected 48`);
    const ipLen = addressBytes(b[p + 29]!, true, 'IP address length', p + 29);
    const labelBytes = length - FIXED - ipLen;
    if (labelBytes !== 3 && labelBytes !== 6) badLength('MAC/IP', p, length, `${FIXED + ipLen + 3} or ${FIXED + ipLen + 6} for a ${ipLen * 8}-bit IP`);
    const q = p + FIXED + ipLen;
    const label1 = u24At(b, q);
    r.pos = p + length;
    return {
      kind: 'mac-ip',
      pathId,
      rd: rdAt(r.view, p),
      esi: b.slice(p + 8, p + 18),
      ethernetTag: r.view.getUint32(p + 18),
      mac: b.slice(p + 23, p + 29),
      ip: ipLen === 0 ? undefined : b.slice(p + FIXED, q),
      labels: labelBytes === 3 ? [label1] : [label1, u24At(b, q + 3)],
    };
  },
  encode(route: MacIpRoute, w: Writer): void {
    checkRd(route.rd);
    checkBytes(route.esi, [10], 'ESI');
    checkU32(route.ethernetTag, 'Ethernet Tag');
    checkBytes(route.mac, [6], 'MAC address');
    if (route.ip !== undefined) checkBytes(route.ip, [4, 16], 'IP address');
    const labels = route.labels;
    if (labels.length !== 1 && labels.length !== 2) throw new EncodeError('labels', `a MAC/IP route carries 1 or 2 labels, got ${labels.length}`);
    for (const l of labels) checkLabel(l, 'label');
    encodeRd(route.rd, w);
    w.bytes(route.esi, 'ESI');
    w.u32(route.ethernetTag, 'Ethernet Tag');
    w.u8(48, 'MAC address length');
    w.bytes(route.mac, 'MAC address');
    if (route.ip === undefined) {
      w.u8(0, 'IP address length');
    } else {
      w.u8(route.ip.length * 8, 'IP address length');
      w.bytes(route.ip, 'IP address');
    }
    for (const l of labels) w.u24(l, 'label');
  },
  bodyLength(route: MacIpRoute): number {
    return FIXED + (route.ip === undefined ? 0 : route.ip.length) + 3 * route.labels.length;
  },
};

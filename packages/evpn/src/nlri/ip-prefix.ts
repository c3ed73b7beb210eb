import type { Reader, Writer } from '@evpn6/bgp';
import { DecodeError, EncodeError } from '@evpn6/bgp';
import type { IpPrefixRoute } from './types.js';
import type { RouteBodyCodec } from './fields.js';
import { badLength, checkBytes, checkLabel, checkU32, rdAt, u24At } from './fields.js';
import { checkRd, encodeRd } from '../rd.js';
import { EvpnDecodeCode } from '../errors.js';

/**
 * IP Prefix route, type 5 (RFC 9136 §3.1), 34 (IPv4) or 58 (IPv6) octets:
 *
 *  +---------------------------------------+
 *  |      RD (8 octets)                    |
 *  +---------------------------------------+
 *  |Ethernet Segment Identifier (10 octets)|
 *  +---------------------------------------+
 *  |  Ethernet Tag ID (4 octets)           |
 *  +---------------------------------------+
 *  |  IP Prefix Length (1 octet, 0 to 32   |
 *  |               or 0 to 128)            |
 *  +---------------------------------------+
 *  |  IP Prefix (4 or 16 octets)           |
 *  +---------------------------------------+
 *  |  GW IP Address (4 or 16 octets)       |
 *  +---------------------------------------+
 *  |  MPLS Label (3 octets) = L3 VNI       |
 *  +---------------------------------------+
 *
 * There is no address family field: the route length (34 or 58) says which one it is.
 * Route key (RFC 9136 §3.1): RD, Ethernet Tag, prefix length and prefix.
 */
export const IP_PREFIX_V4_LENGTH = 34;
export const IP_PREFIX_V6_LENGTH = 58;

export const ipPrefixBody: RouteBodyCodec<IpPrefixRoute> = {
  decode(r: Reader, length: number, pathId: number | undefined): IpPrefixRoute {
    const p = r.pos;
    let width: number;
    if (length === IP_PREFIX_V4_LENGTH) width = 4;
    else if (length === IP_PREFIX_V6_LENGTH) width = 16;
    else badLength('IP Prefix', p, length, '34 (IPv4) or 58 (IPv6)');
    const b = r.buf;
    const prefixLength = b[p + 22]!;
    if (prefixLength > width * 8) {
      throw new DecodeError(EvpnDecodeCode.prefixLength, 'IP prefix length', p + 22, `${prefixLength} > ${width * 8}`);
    }
    const q = p + 23;
    r.pos = p + length;
    return {
      kind: 'ip-prefix',
      pathId,
      rd: rdAt(r.view, p),
      esi: b.slice(p + 8, p + 18),
      ethernetTag: r.view.getUint32(p + 18),
      prefixLength,
      prefix: b.slice(q, q + width),
      gateway: b.slice(q + width, q + 2 * width),
      label: u24At(b, q + 2 * width),
    };
  },
  encode(route: IpPrefixRoute, w: Writer): void {
    checkRd(route.rd);
    checkBytes(route.esi, [10], 'ESI');
    checkU32(route.ethernetTag, 'Ethernet Tag');
    checkBytes(route.prefix, [4, 16], 'IP prefix');
    checkBytes(route.gateway, [route.prefix.length], 'gateway address (same family as the prefix)');
    if (!Number.isInteger(route.prefixLength) || route.prefixLength < 0 || route.prefixLength > route.prefix.length * 8) {
      throw new EncodeError('IP prefix length', `${route.prefixLength} for a ${route.prefix.length * 8}-bit prefix`);
    }
    checkLabel(route.label, 'label');
    encodeRd(route.rd, w);
    w.bytes(route.esi, 'ESI');
    w.u32(route.ethernetTag, 'Ethernet Tag');
    w.u8(route.prefixLength, 'IP prefix length');
    w.bytes(route.prefix, 'IP prefix');
    w.bytes(route.gateway, 'gateway address');
    w.u24(route.label, 'label');
  },
  bodyLength(route: IpPrefixRoute): number {
    return route.prefix.length === 16 ? IP_PREFIX_V6_LENGTH : IP_PREFIX_V4_LENGTH;
  },
};

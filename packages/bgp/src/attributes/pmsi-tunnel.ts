import { AttrType } from '../iana.js';
import { defineAttribute, OPTIONAL_TRANSITIVE } from './base.js';
import type { AttributeBase } from './base.js';

export interface PmsiTunnelAttribute extends AttributeBase {
  readonly type: 'PMSI_TUNNEL';
  /** Bit 0 (0x01) is Leaf Information Required. */
  readonly tunnelFlags: number;
  /** See `PmsiTunnelType`; 6 = ingress replication. */
  readonly tunnelType: number;
  /** The raw 24-bit MPLS Label field. EVPN/VXLAN puts the VNI here (RFC 8365 §5.1.3), unshifted. */
  readonly label: number;
  /** Tunnel Identifier bytes, any length (an IPv4 or IPv6 endpoint for ingress replication). */
  readonly tunnelId: Uint8Array;
}

/**
 * PMSI_TUNNEL (type 22, optional transitive, RFC 6514 §5):
 *
 *   +---------------------------------+
 *   |  Flags (1 octet)                |
 *   +---------------------------------+
 *   |  Tunnel Type (1 octet)          |
 *   +---------------------------------+
 *   |  MPLS Label (3 octets)          |
 *   +---------------------------------+
 *   |  Tunnel Identifier (variable)   |
 *   +---------------------------------+
 *
 * With an IPv6 endpoint the attribute is 21 bytes long: what stock FRR 8.4 rejects.
 */
export const pmsiTunnelAttribute = defineAttribute<PmsiTunnelAttribute>({
  code: AttrType.PMSI_TUNNEL,
  name: 'PMSI_TUNNEL',
  flags: OPTIONAL_TRANSITIVE,
  decodeValue(r, flags) {
    const tunnelFlags = r.u8('PMSI flags');
    const tunnelType = r.u8('PMSI tunnel type');
    const label = r.u24('PMSI label');
    const tunnelId = r.copy(r.remaining, 'PMSI tunnel identifier');
    return { type: 'PMSI_TUNNEL', flags, tunnelFlags, tunnelType, label, tunnelId };
  },
  valueLength: (a) => 5 + a.tunnelId.length,
  encodeValue(a, w) {
    w.u8(a.tunnelFlags, 'PMSI flags');
    w.u8(a.tunnelType, 'PMSI tunnel type');
    w.u24(a.label, 'PMSI label');
    w.bytes(a.tunnelId, 'PMSI tunnel identifier');
  },
});

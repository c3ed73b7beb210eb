import type { Codec, CodecContext, Reader, Writer } from '@evpn6/bgp';
import { EncodeError, PmsiTunnelType } from '@evpn6/bgp';
import { EvpnError, EvpnErrorCode } from './errors.js';
import { MAX_VNI, PmsiFlag } from './iana.js';
import { VtepAddress } from './vtep.js';

/**
 * PMSI Tunnel attribute value (RFC 6514 §5), as EVPN uses it (RFC 7432 §11.2, RFC 8365 §5.1.3):
 *
 *  +---------------------------------+
 *  |  Flags (1 octet)                |  0x01 = Leaf Information Required
 *  +---------------------------------+
 *  |  Tunnel Type (1 octet)          |  6 = ingress replication
 *  +---------------------------------+
 *  |  MPLS Label (3 octets)          |  the VNI, raw 24 bits
 *  +---------------------------------+
 *  |  Tunnel Identifier (variable)   |  ingress replication: the VTEP,
 *  +---------------------------------+  4 (9-byte attribute) or 16 octets (21-byte attribute)
 *
 * `PmsiTunnelValue` is the generic shape the UPDATE codec keeps; `PmsiTunnel` is the typed view.
 */
export interface PmsiTunnelValue {
  readonly tunnelFlags: number;
  readonly tunnelType: number;
  /** The raw 24-bit label field. */
  readonly label: number;
  readonly tunnelId: Uint8Array;
}

export type PmsiTunnel =
  | {
      readonly kind: 'ingress-replication';
      readonly flags: number;
      readonly leafInfoRequired: boolean;
      readonly vni: number;
      readonly endpoint: VtepAddress;
    }
  | { readonly kind: 'other'; readonly attribute: PmsiTunnelValue };

/**
 * Types a PMSI attribute. Ingress replication must name a usable VTEP (4 or 16 bytes, not
 * unspecified): anything else is an EvpnError with code ERR_EVPN_VTEP.
 */
export function pmsiFromAttribute(attr: PmsiTunnelValue): PmsiTunnel {
  if (attr.tunnelType !== PmsiTunnelType.INGRESS_REPLICATION) return { kind: 'other', attribute: attr };
  return {
    kind: 'ingress-replication',
    flags: attr.tunnelFlags,
    leafInfoRequired: (attr.tunnelFlags & PmsiFlag.LEAF_INFO_REQUIRED) !== 0,
    vni: attr.label,
    endpoint: VtepAddress.fromBytes(attr.tunnelId),
  };
}

export interface IngressReplicationOptions {
  /**
   * Send an IPv4-mapped IPv6 endpoint (::ffff:a.b.c.d) in the 4-byte IPv4 form (a 9-byte
   * attribute) for peers that cannot take 21 bytes, such as stock FRR 8.4. Default false: IPv6
   * endpoints go out as 16 bytes, IPv4 ones as 4.
   */
  ipv4Form?: boolean;
  leafInfoRequired?: boolean;
}

/** The PMSI attribute an IMET route carries for ingress replication of `vni` to `endpoint`. */
export function pmsiIngressReplication(vni: number, endpoint: VtepAddress, opts: IngressReplicationOptions = {}): PmsiTunnelValue {
  if (!Number.isInteger(vni) || vni < 0 || vni > MAX_VNI) throw new EvpnError(EvpnErrorCode.value, `VNI ${vni} does not fit 24 bits`);
  let tunnelId: Uint8Array;
  if (endpoint.family === 4) {
    tunnelId = endpoint.bytes.slice();
  } else if (opts.ipv4Form) {
    if (!endpoint.isIpv4Mapped) throw new EvpnError(EvpnErrorCode.vtep, `${endpoint.toString()} has no IPv4 form`);
    tunnelId = endpoint.bytes.slice(12);
  } else {
    tunnelId = endpoint.bytes.slice();
  }
  return {
    tunnelFlags: opts.leafInfoRequired ? PmsiFlag.LEAF_INFO_REQUIRED : 0,
    tunnelType: PmsiTunnelType.INGRESS_REPLICATION,
    label: vni,
    tunnelId,
  };
}

/**
 * The attribute value as a wire object (the reader ends where the attribute ends), for callers
 * holding raw attribute bytes and for golden vectors. The tunnel identifier is the rest.
 */
export const pmsiAttributeCodec: Codec<PmsiTunnelValue, CodecContext | undefined> = {
  decode(r: Reader): PmsiTunnelValue {
    const tunnelFlags = r.u8('PMSI flags');
    const tunnelType = r.u8('PMSI tunnel type');
    const label = r.u24('PMSI label');
    return { tunnelFlags, tunnelType, label, tunnelId: r.copy(r.remaining, 'PMSI tunnel identifier') };
  },
  encode(a: PmsiTunnelValue, w: Writer): void {
    if (!(a.tunnelId instanceof Uint8Array)) throw new EncodeError('PMSI tunnel identifier', 'must be bytes');
    w.u8(a.tunnelFlags, 'PMSI flags');
    w.u8(a.tunnelType, 'PMSI tunnel type');
    w.u24(a.label, 'PMSI label');
    w.bytes(a.tunnelId, 'PMSI tunnel identifier');
  },
  encodedLength(a: PmsiTunnelValue): number {
    return 5 + a.tunnelId.length;
  },
};

import { NDMSG_LEN, NdaAttr } from './constants.js';
import { formatLinkAddress, ipBytes, ipText, parseLinkAddress } from './addresses.js';
import { ipValue } from './address.js';
import { NetlinkDecodeError, NetlinkEncodeError, NetlinkErrorCode } from './errors.js';
import { AttributeCursor, HOST_LE, view, type NetlinkWriter, type RawAttribute } from './wire.js';

/**
 * RTM_NEWNEIGH / RTM_DELNEIGH / RTM_GETNEIGH payload: IP neighbours, and with family AF_BRIDGE
 * the forwarding database of bridges and vxlan devices.
 */
export interface NeighborMessage {
  kind: 'neighbor';
  family: number;
  /** ndm_ifindex: the device (for FDB: the bridge port or the vxlan device). */
  index: number;
  /** ndm_state: NUD_* bits. */
  state: number;
  /** ndm_flags: NTF_* bits. */
  flags: number;
  /** ndm_type (RTN_*), 0 for FDB entries. */
  ndmType: number;
  /** NDA_LLADDR as colon hex. */
  lladdr?: string;
  /** NDA_DST: for a vxlan FDB entry the remote VTEP (IPv6 or IPv4 text). */
  dst?: string;
  vni?: number;
  /** NDA_IFINDEX: outgoing underlay device of a vxlan FDB entry. */
  ifindex?: number;
  master?: number;
  /** NDA_PORT: UDP port, host value (it travels big-endian). */
  port?: number;
  vlan?: number;
  srcVni?: number;
  /** NDA_FLAGS_EXT: NTF_EXT_* bits. */
  extendedFlags?: number;
  unknown: RawAttribute[];
}

/*
 * ndmsg, then rtattrs:
 *  0                   1                   2                   3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ndm_family   |   (pad1)      |            (pad2)             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     ndm_ifindex (int32)                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      ndm_state (NUD_*)        |  ndm_flags    |   ndm_type    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  NDA_LLADDR, NDA_DST, NDA_VNI, NDA_IFINDEX, NDA_MASTER,       |
 * |  NDA_PORT (big-endian), NDA_VLAN, NDA_SRC_VNI, …              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
export const neighborCodec = {
  decode(buf: Uint8Array, start: number, end: number): NeighborMessage {
    if (end - start < NDMSG_LEN) {
      throw new NetlinkDecodeError(NetlinkErrorCode.truncated, 'ndmsg', start, `${end - start} bytes`);
    }
    const dv = view(buf);
    const msg: NeighborMessage = {
      kind: 'neighbor',
      family: buf[start]!,
      index: dv.getInt32(start + 4, HOST_LE),
      state: dv.getUint16(start + 8, HOST_LE),
      flags: buf[start + 10]!,
      ndmType: buf[start + 11]!,
      unknown: [],
    };
    const c = new AttributeCursor(buf, start + NDMSG_LEN, end);
    while (c.next()) {
      switch (c.type) {
        case NdaAttr.lladdr:
          msg.lladdr = formatLinkAddress(c.bytes());
          break;
        case NdaAttr.dst:
          msg.dst = ipText(ipValue(c, 'NDA_DST'));
          break;
        case NdaAttr.vni:
          msg.vni = c.u32('NDA_VNI');
          break;
        case NdaAttr.ifindex:
          msg.ifindex = c.u32('NDA_IFINDEX');
          break;
        case NdaAttr.master:
          msg.master = c.u32('NDA_MASTER');
          break;
        case NdaAttr.port:
          msg.port = c.be16('NDA_PORT');
          break;
        case NdaAttr.vlan:
          msg.vlan = c.u16('NDA_VLAN');
          break;
        case NdaAttr.srcVni:
          msg.srcVni = c.u32('NDA_SRC_VNI');
          break;
        case NdaAttr.flagsExt:
          msg.extendedFlags = c.u32('NDA_FLAGS_EXT');
          break;
        default:
          msg.unknown.push(c.raw());
      }
    }
    return msg;
  },

  encode(m: NeighborMessage, w: NetlinkWriter): void {
    w.u8(m.family, 'ndm_family');
    w.zeros(3, 'ndm_pad');
    w.i32(m.index, 'ndm_ifindex');
    w.u16(m.state, 'ndm_state');
    w.u8(m.flags, 'ndm_flags');
    w.u8(m.ndmType, 'ndm_type');
    if (m.lladdr !== undefined) w.attrBytes(NdaAttr.lladdr, 0, parseLinkAddress(m.lladdr), 'NDA_LLADDR');
    if (m.dst !== undefined) w.attrBytes(NdaAttr.dst, 0, ipBytes(m.dst, 'NDA_DST'), 'NDA_DST');
    if (m.vni !== undefined) {
      if (m.vni > 0xffffff) throw new NetlinkEncodeError('NDA_VNI', `${m.vni} exceeds 24 bits`);
      w.attrU32(NdaAttr.vni, m.vni, 'NDA_VNI');
    }
    if (m.ifindex !== undefined) w.attrU32(NdaAttr.ifindex, m.ifindex, 'NDA_IFINDEX');
    if (m.master !== undefined) w.attrU32(NdaAttr.master, m.master, 'NDA_MASTER');
    if (m.port !== undefined) w.attrBe16(NdaAttr.port, m.port, 'NDA_PORT');
    if (m.vlan !== undefined) w.attrU16(NdaAttr.vlan, m.vlan, 'NDA_VLAN');
    if (m.srcVni !== undefined) w.attrU32(NdaAttr.srcVni, m.srcVni, 'NDA_SRC_VNI');
    if (m.extendedFlags !== undefined) w.attrU32(NdaAttr.flagsExt, m.extendedFlags, 'NDA_FLAGS_EXT');
    for (const a of m.unknown) w.raw(a, 'NDA attribute');
  },
};

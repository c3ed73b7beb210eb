import { IFINFOMSG_LEN, IflaAttr, IflaInfo, IflaVxlan } from './constants.js';
import { formatLinkAddress, ipBytes, ipText, parseLinkAddress } from './addresses.js';
import { NetlinkDecodeError, NetlinkEncodeError, NetlinkErrorCode } from './errors.js';
import { AttributeCursor, HOST_LE, view, type NetlinkWriter, type RawAttribute } from './wire.js';

/** IFLA_INFO_DATA of a vxlan device: the fields the EVPN dataplane reads and writes. */
export interface VxlanInfo {
  vni?: number;
  /** IFLA_VXLAN_LOCAL6, IPv6 text. */
  local6?: string;
  /** IFLA_VXLAN_LOCAL, IPv4 text. */
  local?: string;
  /** IFLA_VXLAN_PORT: UDP destination port, host value (it travels big-endian). */
  port?: number;
  learning?: boolean;
  /** IFLA_VXLAN_LINK: ifindex of the underlay device. */
  link?: number;
  unknown: RawAttribute[];
}

/** IFLA_LINKINFO. `vxlan` is set for kind "vxlan"; other kinds keep IFLA_INFO_DATA as `data`. */
export interface LinkInfo {
  kind?: string;
  vxlan?: VxlanInfo;
  data?: Uint8Array;
  slaveKind?: string;
  slaveData?: Uint8Array;
  unknown: RawAttribute[];
}

/** RTM_NEWLINK / RTM_DELLINK / RTM_GETLINK / RTM_SETLINK payload. */
export interface LinkMessage {
  kind: 'link';
  family: number;
  /** ifi_type: ARPHRD_* (1 = Ethernet). */
  deviceType: number;
  index: number;
  /** ifi_flags: IFF_*. */
  flags: number;
  /** ifi_change: which flags a request changes. */
  change: number;
  name?: string;
  mtu?: number;
  master?: number;
  /** IFLA_ADDRESS as colon hex ("02:00:5e:00:53:01"). */
  address?: string;
  operState?: number;
  linkInfo?: LinkInfo;
  unknown: RawAttribute[];
}

/*
 * ifinfomsg, then rtattrs:
 *  0                   1                   2                   3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ifi_family   |   (padding)   |     ifi_type (ARPHRD_*)       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     ifi_index (int32)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     ifi_flags (IFF_*)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     ifi_change                                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  IFLA_* attributes; IFLA_LINKINFO nests IFLA_INFO_KIND and    |
 * |  IFLA_INFO_DATA, which for vxlan nests IFLA_VXLAN_*           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
export const linkCodec = {
  decode(buf: Uint8Array, start: number, end: number): LinkMessage {
    if (end - start < IFINFOMSG_LEN) {
      throw new NetlinkDecodeError(NetlinkErrorCode.truncated, 'ifinfomsg', start, `${end - start} bytes`);
    }
    const dv = view(buf);
    const msg: LinkMessage = {
      kind: 'link',
      family: buf[start]!,
      deviceType: dv.getUint16(start + 2, HOST_LE),
      index: dv.getInt32(start + 4, HOST_LE),
      flags: dv.getUint32(start + 8, HOST_LE),
      change: dv.getUint32(start + 12, HOST_LE),
      unknown: [],
    };
    const c = new AttributeCursor(buf, start + IFINFOMSG_LEN, end);
    while (c.next()) {
      switch (c.type) {
        case IflaAttr.ifname:
          msg.name = c.string();
          break;
        case IflaAttr.mtu:
          msg.mtu = c.u32('IFLA_MTU');
          break;
        case IflaAttr.master:
          msg.master = c.u32('IFLA_MASTER');
          break;
        case IflaAttr.address:
          msg.address = formatLinkAddress(c.bytes());
          break;
        case IflaAttr.operstate:
          msg.operState = c.u8('IFLA_OPERSTATE');
          break;
        case IflaAttr.linkinfo:
          msg.linkInfo = decodeLinkInfo(c.nested());
          break;
        default:
          msg.unknown.push(c.raw());
      }
    }
    return msg;
  },

  encode(m: LinkMessage, w: NetlinkWriter): void {
    w.u8(m.family, 'ifi_family');
    w.u8(0, 'ifi_pad');
    w.u16(m.deviceType, 'ifi_type');
    w.i32(m.index, 'ifi_index');
    w.u32(m.flags, 'ifi_flags');
    w.u32(m.change, 'ifi_change');
    if (m.name !== undefined) w.attrString(IflaAttr.ifname, m.name, 'IFLA_IFNAME');
    if (m.mtu !== undefined) w.attrU32(IflaAttr.mtu, m.mtu, 'IFLA_MTU');
    if (m.master !== undefined) w.attrU32(IflaAttr.master, m.master, 'IFLA_MASTER');
    if (m.address !== undefined) w.attrBytes(IflaAttr.address, 0, parseLinkAddress(m.address), 'IFLA_ADDRESS');
    if (m.operState !== undefined) w.attrU8(IflaAttr.operstate, m.operState, 'IFLA_OPERSTATE');
    if (m.linkInfo !== undefined) encodeLinkInfo(m.linkInfo, w);
    for (const a of m.unknown) w.raw(a, 'IFLA attribute');
  },
};

function decodeLinkInfo(c: AttributeCursor): LinkInfo {
  const info: LinkInfo = { unknown: [] };
  // IFLA_INFO_DATA's meaning depends on IFLA_INFO_KIND, which the kernel sends first but a
  // sender need not: decode the data once the whole nest is read.
  let dataAt = -1;
  let dataEnd = -1;
  while (c.next()) {
    switch (c.type) {
      case IflaInfo.kind:
        info.kind = c.string();
        break;
      case IflaInfo.data:
        dataAt = c.valueStart;
        dataEnd = c.valueEnd;
        break;
      case IflaInfo.slaveKind:
        info.slaveKind = c.string();
        break;
      case IflaInfo.slaveData:
        info.slaveData = c.bytes();
        break;
      default:
        info.unknown.push(c.raw());
    }
  }
  if (dataAt >= 0) {
    if (info.kind === 'vxlan') info.vxlan = decodeVxlan(new AttributeCursor(c.buf, dataAt, dataEnd));
    else info.data = c.buf.slice(dataAt, dataEnd);
  }
  return info;
}

function decodeVxlan(c: AttributeCursor): VxlanInfo {
  const v: VxlanInfo = { unknown: [] };
  while (c.next()) {
    switch (c.type) {
      case IflaVxlan.id: {
        const vni = c.u32('IFLA_VXLAN_ID');
        // The kernel refuses VNIs past 24 bits (VXLAN's field); one here means the bytes are not the kernel's.
        if (vni > 0xffffff) throw new NetlinkDecodeError(NetlinkErrorCode.malformed, 'IFLA_VXLAN_ID', c.valueStart, `${vni} exceeds 24 bits`);
        v.vni = vni;
        break;
      }
      case IflaVxlan.local6:
        v.local6 = ipText(c.fixed(16, 'IFLA_VXLAN_LOCAL6'));
        break;
      case IflaVxlan.local:
        v.local = ipText(c.fixed(4, 'IFLA_VXLAN_LOCAL'));
        break;
      case IflaVxlan.port:
        v.port = c.be16('IFLA_VXLAN_PORT');
        break;
      case IflaVxlan.learning:
        v.learning = c.u8('IFLA_VXLAN_LEARNING') !== 0;
        break;
      case IflaVxlan.link:
        v.link = c.u32('IFLA_VXLAN_LINK');
        break;
      default:
        v.unknown.push(c.raw());
    }
  }
  return v;
}

// Nests are written without NLA_F_NESTED, as iproute2 does: these attributes predate the flag
// and the kernel parses them either way.
function encodeLinkInfo(info: LinkInfo, w: NetlinkWriter): void {
  const at = w.attrStart(IflaAttr.linkinfo, 0, 'IFLA_LINKINFO');
  if (info.kind !== undefined) w.attrString(IflaInfo.kind, info.kind, 'IFLA_INFO_KIND');
  if (info.vxlan !== undefined) {
    if (info.kind !== 'vxlan') throw new NetlinkEncodeError('IFLA_INFO_DATA', `vxlan data with kind "${info.kind}"`);
    const dataAt = w.attrStart(IflaInfo.data, 0, 'IFLA_INFO_DATA');
    encodeVxlan(info.vxlan, w);
    w.attrEnd(dataAt, 'IFLA_INFO_DATA');
  } else if (info.data !== undefined) {
    w.attrBytes(IflaInfo.data, 0, info.data, 'IFLA_INFO_DATA');
  }
  if (info.slaveKind !== undefined) w.attrString(IflaInfo.slaveKind, info.slaveKind, 'IFLA_INFO_SLAVE_KIND');
  if (info.slaveData !== undefined) w.attrBytes(IflaInfo.slaveData, 0, info.slaveData, 'IFLA_INFO_SLAVE_DATA');
  for (const a of info.unknown) w.raw(a, 'IFLA_INFO attribute');
  w.attrEnd(at, 'IFLA_LINKINFO');
}

function encodeVxlan(v: VxlanInfo, w: NetlinkWriter): void {
  if (v.vni !== undefined) {
    if (v.vni > 0xffffff) throw new NetlinkEncodeError('IFLA_VXLAN_ID', `${v.vni} exceeds 24 bits`);
    w.attrU32(IflaVxlan.id, v.vni, 'IFLA_VXLAN_ID');
  }
  if (v.link !== undefined) w.attrU32(IflaVxlan.link, v.link, 'IFLA_VXLAN_LINK');
  if (v.local !== undefined) w.attrBytes(IflaVxlan.local, 0, ipv(v.local, 4, 'IFLA_VXLAN_LOCAL'), 'IFLA_VXLAN_LOCAL');
  if (v.local6 !== undefined) w.attrBytes(IflaVxlan.local6, 0, ipv(v.local6, 16, 'IFLA_VXLAN_LOCAL6'), 'IFLA_VXLAN_LOCAL6');
  if (v.learning !== undefined) w.attrU8(IflaVxlan.learning, v.learning ? 1 : 0, 'IFLA_VXLAN_LEARNING');
  if (v.port !== undefined) w.attrBe16(IflaVxlan.port, v.port, 'IFLA_VXLAN_PORT');
  for (const a of v.unknown) w.raw(a, 'IFLA_VXLAN attribute');
}

function ipv(text: string, len: 4 | 16, what: string): Uint8Array {
  const b = ipBytes(text, what);
  if (b.length !== len) throw new NetlinkEncodeError(what, `"${text}" is not IPv${len === 4 ? 4 : 6}`);
  return b;
}

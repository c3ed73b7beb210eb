import { IFADDRMSG_LEN, IfaAttr } from './constants.js';
import { ipBytes, ipText } from './addresses.js';
import { NetlinkDecodeError, NetlinkErrorCode } from './errors.js';
import { AttributeCursor, HOST_LE, view, type NetlinkWriter, type RawAttribute } from './wire.js';

/** RTM_NEWADDR / RTM_DELADDR / RTM_GETADDR payload. */
export interface AddressMessage {
  kind: 'address';
  family: number;
  prefixLength: number;
  /** ifa_flags: the low 8 IFA_F_* bits; `extendedFlags` (IFA_FLAGS) has all of them. */
  flags: number;
  scope: number;
  index: number;
  /** IFA_ADDRESS: the peer on point-to-point links, else the same as local. */
  address?: string;
  /** IFA_LOCAL: the interface's own address (IPv4 always sends it). */
  local?: string;
  label?: string;
  /** IFA_FLAGS: the full 32-bit IFA_F_* set. */
  extendedFlags?: number;
  unknown: RawAttribute[];
}

/** All IFA_F_* bits of an address, whichever field carried them. */
export function addressFlags(m: AddressMessage): number {
  return m.extendedFlags ?? m.flags;
}

/** The address that belongs to the interface: IFA_LOCAL when present, else IFA_ADDRESS. */
export function interfaceAddress(m: AddressMessage): string | undefined {
  return m.local ?? m.address;
}

/*
 * ifaddrmsg, then rtattrs:
 *  0                   1                   2                   3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ifa_family   | ifa_prefixlen |   ifa_flags   |   ifa_scope   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     ifa_index                                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  IFA_ADDRESS, IFA_LOCAL, IFA_LABEL, IFA_FLAGS, IFA_CACHEINFO…  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
export const addressCodec = {
  decode(buf: Uint8Array, start: number, end: number): AddressMessage {
    if (end - start < IFADDRMSG_LEN) {
      throw new NetlinkDecodeError(NetlinkErrorCode.truncated, 'ifaddrmsg', start, `${end - start} bytes`);
    }
    const msg: AddressMessage = {
      kind: 'address',
      family: buf[start]!,
      prefixLength: buf[start + 1]!,
      flags: buf[start + 2]!,
      scope: buf[start + 3]!,
      index: view(buf).getUint32(start + 4, HOST_LE),
      unknown: [],
    };
    const c = new AttributeCursor(buf, start + IFADDRMSG_LEN, end);
    while (c.next()) {
      switch (c.type) {
        case IfaAttr.address:
          msg.address = ipText(ipValue(c, 'IFA_ADDRESS'));
          break;
        case IfaAttr.local:
          msg.local = ipText(ipValue(c, 'IFA_LOCAL'));
          break;
        case IfaAttr.label:
          msg.label = c.string();
          break;
        case IfaAttr.flags:
          msg.extendedFlags = c.u32('IFA_FLAGS');
          break;
        default:
          msg.unknown.push(c.raw());
      }
    }
    return msg;
  },

  encode(m: AddressMessage, w: NetlinkWriter): void {
    w.u8(m.family, 'ifa_family');
    w.u8(m.prefixLength, 'ifa_prefixlen');
    w.u8(m.flags, 'ifa_flags');
    w.u8(m.scope, 'ifa_scope');
    w.u32(m.index, 'ifa_index');
    if (m.address !== undefined) w.attrBytes(IfaAttr.address, 0, ipBytes(m.address, 'IFA_ADDRESS'), 'IFA_ADDRESS');
    if (m.local !== undefined) w.attrBytes(IfaAttr.local, 0, ipBytes(m.local, 'IFA_LOCAL'), 'IFA_LOCAL');
    if (m.label !== undefined) w.attrString(IfaAttr.label, m.label, 'IFA_LABEL');
    if (m.extendedFlags !== undefined) w.attrU32(IfaAttr.flags, m.extendedFlags, 'IFA_FLAGS');
    for (const a of m.unknown) w.raw(a, 'IFA attribute');
  },
};

/** An IPv4 or IPv6 address attribute: exactly 4 or 16 bytes. */
export function ipValue(c: AttributeCursor, what: string): Uint8Array {
  return c.fixed(c.length === 4 ? 4 : 16, what);
}

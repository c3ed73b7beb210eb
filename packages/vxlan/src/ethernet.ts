import type { Codec } from './codec.js';
import { VxlanEncodeError, VxlanErrorCode } from './errors.js';
import { ETHERNET_HEADER_LENGTH, EtherType, VLAN_TAG_LENGTH } from './iana.js';
import type { Reader } from './wire/reader.js';
import type { Writer } from './wire/writer.js';

/*
 * Ethernet II header with zero or more 802.1Q / 802.1ad tags (IEEE 802.3, 802.1Q):
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   Destination MAC (6 bytes)                   |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                     Source MAC (6 bytes)                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  TPID 0x88a8 / 0x8100 (opt.)  | PCP |D|         VID           |  (repeats per tag)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           EtherType           |  payload ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */

export interface VlanTag {
  /** 0x8100 (802.1Q C-tag) or 0x88a8 (802.1ad S-tag). */
  tpid: number;
  /** Priority code point, 3 bits. */
  pcp: number;
  /** Drop eligible indicator. */
  dei: boolean;
  /** VLAN id, 12 bits. */
  vid: number;
}

export interface EthernetHeader {
  destination: Uint8Array;
  source: Uint8Array;
  /** Outermost first. */
  tags: VlanTag[];
  etherType: number;
}

/** More stacked tags than this is not a frame anyone sends; stop walking instead of trusting it. */
export const MAX_VLAN_TAGS = 4;

function isTagType(t: number): boolean {
  return t === EtherType.vlan || t === EtherType.qinq;
}

/**
 * Offset of the payload of the Ethernet frame starting at `start`, skipping any VLAN tags; the
 * EtherType is then the 16 bits just before it. Returns -1 if the header is truncated and -2 if
 * more than MAX_VLAN_TAGS tags are stacked. Fast path: no allocation.
 */
export function ethernetPayloadOffset(buf: Uint8Array, start: number, end: number): number {
  let p = start + 12;
  for (let tags = 0; ; tags++) {
    if (p + 2 > end) return -1;
    const t = (buf[p]! << 8) | buf[p + 1]!;
    if (!isTagType(t)) return p + 2;
    if (tags === MAX_VLAN_TAGS) return -2;
    p += VLAN_TAG_LENGTH;
  }
}

/** Writes an Ethernet header at `at` and returns the offset after it. No allocation. */
export function writeEthernetHeader(buf: Uint8Array, at: number, h: EthernetHeader): number {
  buf.set(h.destination, at);
  buf.set(h.source, at + 6);
  let p = at + 12;
  for (let i = 0; i < h.tags.length; i++) {
    const t = h.tags[i]!;
    buf[p] = t.tpid >>> 8;
    buf[p + 1] = t.tpid & 0xff;
    const tci = (t.pcp << 13) | (t.dei ? 0x1000 : 0) | t.vid;
    buf[p + 2] = tci >>> 8;
    buf[p + 3] = tci & 0xff;
    p += VLAN_TAG_LENGTH;
  }
  buf[p] = h.etherType >>> 8;
  buf[p + 1] = h.etherType & 0xff;
  return p + 2;
}

function validate(h: EthernetHeader): void {
  if (h.destination.length !== 6) throw new VxlanEncodeError('ethernet.destination', 'a MAC address is 6 bytes');
  if (h.source.length !== 6) throw new VxlanEncodeError('ethernet.source', 'a MAC address is 6 bytes');
  if (h.tags.length > MAX_VLAN_TAGS) throw new VxlanEncodeError('ethernet.tags', `at most ${MAX_VLAN_TAGS} tags`);
  for (const t of h.tags) {
    if (!isTagType(t.tpid)) throw new VxlanEncodeError('ethernet.tag.tpid', `0x${t.tpid.toString(16)} is not a VLAN TPID`);
    if (t.pcp >>> 3 !== 0 || t.pcp < 0) throw new VxlanEncodeError('ethernet.tag.pcp', `${t.pcp} is not 3 bits`);
    if (!Number.isInteger(t.vid) || t.vid < 0 || t.vid > 0xfff) throw new VxlanEncodeError('ethernet.tag.vid', `${t.vid} is not 12 bits`);
  }
  if (!Number.isInteger(h.etherType) || h.etherType < 0 || h.etherType > 0xffff || isTagType(h.etherType)) {
    throw new VxlanEncodeError('ethernet.etherType', `${h.etherType} is not a payload EtherType`);
  }
}

export const ethernetHeaderCodec: Codec<EthernetHeader> = {
  decode(r: Reader): EthernetHeader {
    const destination = r.copy(6, 'ethernet.destination');
    const source = r.copy(6, 'ethernet.source');
    const tags: VlanTag[] = [];
    let t = r.u16('ethernet.etherType');
    while (isTagType(t)) {
      if (tags.length === MAX_VLAN_TAGS) r.fail(VxlanErrorCode.malformed, 'ethernet.tags', `more than ${MAX_VLAN_TAGS} VLAN tags`, r.pos - 2);
      const tci = r.u16('ethernet.tag.tci');
      tags.push({ tpid: t, pcp: tci >>> 13, dei: (tci & 0x1000) !== 0, vid: tci & 0xfff });
      t = r.u16('ethernet.etherType');
    }
    return { destination, source, tags, etherType: t };
  },
  encode(h: EthernetHeader, w: Writer): void {
    validate(h);
    const n = ETHERNET_HEADER_LENGTH + h.tags.length * VLAN_TAG_LENGTH;
    w.room(n, 'ethernet');
    w.pos = writeEthernetHeader(w.buf, w.pos, h);
  },
  encodedLength(h: EthernetHeader): number {
    return ETHERNET_HEADER_LENGTH + h.tags.length * VLAN_TAG_LENGTH;
  },
};

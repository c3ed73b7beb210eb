import { PcapError, PcapErrorCode } from './errors.js';

/** One captured frame, as the capture file gives it. */
export interface CapturedPacket {
  /** 1-based position in the file, as Wireshark numbers frames. */
  readonly index: number;
  /** Capture time: whole seconds since the epoch and the nanoseconds within that second. */
  readonly seconds: number;
  readonly nanos: number;
  /** LINKTYPE_* of the interface the frame was captured on. */
  readonly linkType: number;
  /** The captured bytes (a view into the file buffer). */
  readonly data: Uint8Array;
  /** The frame's length on the wire; more than data.length when the snap length cut it. */
  readonly originalLength: number;
}

export interface Capture {
  readonly format: 'pcap' | 'pcapng';
  readonly packets: readonly CapturedPacket[];
  /** Non-fatal problems (a file cut short in its last record, unknown blocks skipped). */
  readonly warnings: readonly string[];
}

export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LINUX_SLL: 113,
  LINUX_SLL2: 276,
} as const;

const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER = 0x1a2b3c4d;

/** Reads a classic pcap (µs or ns, either byte order) or pcapng file held in memory. */
export function readCapture(file: Uint8Array): Capture {
  if (file.length < 4) throw new PcapError(PcapErrorCode.format, `${file.length} bytes: too short for a capture file`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const magic = view.getUint32(0, false);
  if (magic === PCAPNG_SHB) return readPcapng(file, view);
  if (magic === PCAP_MAGIC_US || magic === PCAP_MAGIC_NS) return readPcap(file, view, false, magic === PCAP_MAGIC_NS);
  const le = view.getUint32(0, true);
  if (le === PCAP_MAGIC_US || le === PCAP_MAGIC_NS) return readPcap(file, view, true, le === PCAP_MAGIC_NS);
  throw new PcapError(PcapErrorCode.format, `magic number 0x${magic.toString(16).padStart(8, '0')} is neither pcap nor pcapng`);
}

/*
 * Classic pcap: a 24-byte file header, then records.
 *
 *   file header:  magic(4) version major(2) minor(2) thiszone(4) sigfigs(4) snaplen(4) linktype(4)
 *   record:       ts_sec(4) ts_frac(4, µs or ns by magic) incl_len(4) orig_len(4) data(incl_len)
 *
 * The upper bits of linktype may carry FCS information; only the low 16 bits name the link.
 */
function readPcap(file: Uint8Array, view: DataView, le: boolean, nanoResolution: boolean): Capture {
  const warnings: string[] = [];
  if (file.length < 24) throw new PcapError(PcapErrorCode.malformed, 'pcap file header cut short');
  const linkType = view.getUint32(20, le) & 0xffff;
  const packets: CapturedPacket[] = [];
  let pos = 24;
  while (pos < file.length) {
    if (pos + 16 > file.length) {
      warnings.push(`file ends inside a record header at byte ${pos}`);
      break;
    }
    const seconds = view.getUint32(pos, le);
    const frac = view.getUint32(pos + 4, le);
    const captured = view.getUint32(pos + 8, le);
    const original = view.getUint32(pos + 12, le);
    if (pos + 16 + captured > file.length) {
      warnings.push(`file ends inside record ${packets.length + 1} (${captured} bytes announced)`);
      break;
    }
    packets.push({
      index: packets.length + 1,
      seconds,
      nanos: nanoResolution ? frac : frac * 1000,
      linkType,
      data: file.subarray(pos + 16, pos + 16 + captured),
      originalLength: original,
    });
    pos += 16 + captured;
  }
  return { format: 'pcap', packets, warnings };
}

interface PcapngInterface {
  readonly linkType: number;
  /** Timestamp units per second (if_tsresol), and if_tsoffset seconds. */
  readonly unitsPerSecond: bigint;
  readonly offsetSeconds: bigint;
}

const BLOCK_IDB = 1;
const BLOCK_OBSOLETE_PACKET = 2;
const BLOCK_SPB = 3;
const BLOCK_EPB = 6;
const OPTION_TSRESOL = 9;
const OPTION_TSOFFSET = 14;

/*
 * pcapng: a sequence of blocks, each
 *
 *   block type(4) | block total length(4) | body ... | block total length(4)
 *
 * in the byte order the Section Header Block's byte-order magic 0x1A2B3C4D announces. Frames
 * come in Enhanced Packet Blocks (interface id(4) ts high(4) ts low(4) captured(4) original(4)
 * data, padded to 32 bits), Simple Packet Blocks (original(4) data, interface 0, no time) and
 * the obsolete Packet Block. Each Interface Description Block (linktype(2) reserved(2)
 * snaplen(4) options) gives the link type and timestamp resolution of one interface; a new
 * section starts a new interface list.
 */
function readPcapng(file: Uint8Array, view: DataView): Capture {
  const warnings: string[] = [];
  const packets: CapturedPacket[] = [];
  let interfaces: PcapngInterface[] = [];
  let le = true;
  let pos = 0;
  while (pos < file.length) {
    if (pos + 12 > file.length) {
      warnings.push(`file ends inside a block header at byte ${pos}`);
      break;
    }
    let type = view.getUint32(pos, le);
    if (view.getUint32(pos, false) === PCAPNG_SHB) {
      type = PCAPNG_SHB;
      const bom = view.getUint32(pos + 8, true);
      if (bom === PCAPNG_BYTE_ORDER) le = true;
      else if (view.getUint32(pos + 8, false) === PCAPNG_BYTE_ORDER) le = false;
      else throw new PcapError(PcapErrorCode.malformed, `section header at byte ${pos} has no byte-order magic`);
      interfaces = [];
    }
    const length = view.getUint32(pos + 4, le);
    if (length < 12 || length % 4 !== 0) throw new PcapError(PcapErrorCode.malformed, `block at byte ${pos} has length ${length}`);
    if (pos + length > file.length) {
      warnings.push(`file ends inside a block of ${length} bytes at byte ${pos}`);
      break;
    }
    const body = pos + 8;
    const bodyEnd = pos + length - 4;
    if (type === BLOCK_IDB) {
      interfaces.push(readInterface(file, view, body, bodyEnd, le));
    } else if (type === BLOCK_EPB || type === BLOCK_OBSOLETE_PACKET) {
      const packet = readEnhancedPacket(file, view, body, bodyEnd, le, type === BLOCK_OBSOLETE_PACKET, interfaces, packets.length + 1);
      packets.push(packet);
    } else if (type === BLOCK_SPB) {
      const iface = interfaces[0];
      if (iface === undefined) throw new PcapError(PcapErrorCode.malformed, `simple packet block at byte ${pos} before any interface`);
      if (body + 4 > bodyEnd) throw new PcapError(PcapErrorCode.malformed, `simple packet block at byte ${pos} is too short`);
      const original = view.getUint32(body, le);
      const captured = Math.min(original, bodyEnd - body - 4);
      packets.push({
        index: packets.length + 1,
        seconds: 0,
        nanos: 0,
        linkType: iface.linkType,
        data: file.subarray(body + 4, body + 4 + captured),
        originalLength: original,
      });
    }
    pos += length;
  }
  return { format: 'pcapng', packets, warnings };
}

function readInterface(file: Uint8Array, view: DataView, body: number, end: number, le: boolean): PcapngInterface {
  if (body + 8 > end) throw new PcapError(PcapErrorCode.malformed, `interface block at byte ${body - 8} is too short`);
  const linkType = view.getUint16(body, le);
  let unitsPerSecond = 1_000_000n;
  let offsetSeconds = 0n;
  let p = body + 8;
  // Options: code(2) length(2) value padded to 32 bits; code 0 ends the list.
  while (p + 4 <= end) {
    const code = view.getUint16(p, le);
    const length = view.getUint16(p + 2, le);
    if (code === 0 || p + 4 + length > end) break;
    if (code === OPTION_TSRESOL && length >= 1) {
      const v = file[p + 4]!;
      unitsPerSecond = v & 0x80 ? 1n << BigInt(v & 0x7f) : 10n ** BigInt(v);
    } else if (code === OPTION_TSOFFSET && length >= 8) {
      offsetSeconds = view.getBigInt64(p + 4, le);
    }
    p += 4 + ((length + 3) & ~3);
  }
  if (unitsPerSecond === 0n) unitsPerSecond = 1_000_000n;
  return { linkType, unitsPerSecond, offsetSeconds };
}

function readEnhancedPacket(
  file: Uint8Array,
  view: DataView,
  body: number,
  end: number,
  le: boolean,
  obsolete: boolean,
  interfaces: readonly PcapngInterface[],
  index: number,
): CapturedPacket {
  if (body + 20 > end) throw new PcapError(PcapErrorCode.malformed, `packet block at byte ${body - 8} is too short`);
  const interfaceId = obsolete ? view.getUint16(body, le) : view.getUint32(body, le);
  const iface = interfaces[interfaceId];
  if (iface === undefined) throw new PcapError(PcapErrorCode.malformed, `packet block at byte ${body - 8} names unknown interface ${interfaceId}`);
  const ts = (BigInt(view.getUint32(body + 4, le)) << 32n) | BigInt(view.getUint32(body + 8, le));
  const captured = view.getUint32(body + 12, le);
  const original = view.getUint32(body + 16, le);
  if (body + 20 + captured > end) throw new PcapError(PcapErrorCode.malformed, `packet block at byte ${body - 8} overruns itself`);
  const whole = ts / iface.unitsPerSecond;
  const nanos = ((ts % iface.unitsPerSecond) * 1_000_000_000n) / iface.unitsPerSecond;
  return {
    index,
    seconds: Number(whole + iface.offsetSeconds),
    nanos: Number(nanos),
    linkType: iface.linkType,
    data: file.subarray(body + 20, body + 20 + captured),
    originalLength: original,
  };
}

/** "2026-11-23T23:09:27.709783Z": microseconds, or nanoseconds when the capture has them. */
export function formatCaptureTime(seconds: number, nanos: number): string {
  // Dates beyond ±275760 years (a corrupt pcapng offset) cannot be ISO text: plain seconds then.
  if (!(Math.abs(seconds) < 8.64e12)) return `${seconds}.${String(nanos).padStart(9, '0')}`;
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  const fraction = String(nanos).padStart(9, '0');
  return `${base}.${fraction.endsWith('000') ? fraction.slice(0, 6) : fraction}Z`;
}

/**
 * Classic libpcap files (the format `tcpdump -w` writes and `tcpreplay` reads), both byte orders,
 * microsecond and nanosecond timestamps. Test helper: captures in, crafted frames out.
 */

export const PcapLinkType = {
  ethernet: 1,
  raw: 101,
  linuxSll: 113,
  linuxSll2: 276,
} as const;

const MAGIC_MICROS = 0xa1b2c3d4;
const MAGIC_NANOS = 0xa1b23c4d;
const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;

export class PcapError extends Error {
  readonly code: string;
  constructor(code: 'ERR_PCAP_MAGIC' | 'ERR_PCAP_TRUNCATED', message: string) {
    super(message);
    this.name = 'PcapError';
    this.code = code;
  }
}

export interface PcapPacket {
  /** Capture time in nanoseconds since the epoch (a bigint: nanoseconds overflow doubles). */
  timestampNs: bigint;
  /** Bytes captured (a copy). */
  data: Uint8Array;
  /** Length on the wire; larger than data.length when the snap length cut it. */
  originalLength: number;
}

export interface PcapFile {
  linkType: number;
  snapLength: number;
  packets: PcapPacket[];
}

export function readPcap(bytes: Uint8Array): PcapFile {
  if (bytes.length < GLOBAL_HEADER) throw new PcapError('ERR_PCAP_TRUNCATED', 'shorter than the pcap global header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let little: boolean;
  let nanos: boolean;
  const magicBe = view.getUint32(0, false);
  const magicLe = view.getUint32(0, true);
  if (magicBe === MAGIC_MICROS || magicBe === MAGIC_NANOS) {
    little = false;
    nanos = magicBe === MAGIC_NANOS;
  } else if (magicLe === MAGIC_MICROS || magicLe === MAGIC_NANOS) {
    little = true;
    nanos = magicLe === MAGIC_NANOS;
  } else {
    throw new PcapError('ERR_PCAP_MAGIC', `not a classic pcap file (magic 0x${magicBe.toString(16)})`);
  }
  const snapLength = view.getUint32(16, little);
  const linkType = view.getUint32(20, little) & 0x0fffffff;
  const packets: PcapPacket[] = [];
  let p = GLOBAL_HEADER;
  while (p < bytes.length) {
    if (p + RECORD_HEADER > bytes.length) throw new PcapError('ERR_PCAP_TRUNCATED', `record header at ${p} cut short`);
    const seconds = view.getUint32(p, little);
    const fraction = view.getUint32(p + 4, little);
    const included = view.getUint32(p + 8, little);
    const originalLength = view.getUint32(p + 12, little);
    p += RECORD_HEADER;
    if (p + included > bytes.length) throw new PcapError('ERR_PCAP_TRUNCATED', `record data at ${p} cut short`);
    const timestampNs = BigInt(seconds) * 1_000_000_000n + BigInt(fraction) * (nanos ? 1n : 1000n);
    packets.push({ timestampNs, data: bytes.slice(p, p + included), originalLength });
    p += included;
  }
  return { linkType, snapLength, packets };
}

/** Writes a little-endian microsecond pcap; frames without a timestamp are stamped 1 µs apart from 0. */
export function writePcap(frames: readonly (Uint8Array | PcapPacket)[], linkType: number = PcapLinkType.ethernet, snapLength = 262144): Uint8Array {
  let size = GLOBAL_HEADER;
  for (const f of frames) size += RECORD_HEADER + ('data' in f ? f.data.length : f.length);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC_MICROS, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setUint32(16, snapLength, true);
  view.setUint32(20, linkType, true);
  let p = GLOBAL_HEADER;
  frames.forEach((f, i) => {
    const data = 'data' in f ? f.data : f;
    const ns = 'data' in f ? f.timestampNs : BigInt(i) * 1000n;
    view.setUint32(p, Number(ns / 1_000_000_000n), true);
    view.setUint32(p + 4, Number((ns % 1_000_000_000n) / 1000n), true);
    view.setUint32(p + 8, data.length, true);
    view.setUint32(p + 12, 'data' in f ? f.originalLength : data.length, true);
    out.set(data, p + RECORD_HEADER);
    p += RECORD_HEADER + data.length;
  });
  return out;
}

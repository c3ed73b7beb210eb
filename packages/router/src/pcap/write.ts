import { LinkType } from './file.js';

/** A frame to write, with its capture time (default: frames 1 µs apart from the epoch). */
export interface PacketToWrite {
  readonly data: Uint8Array;
  readonly seconds?: number;
  readonly nanos?: number;
  /** Length on the wire when the capture was cut short (default data.length). */
  readonly originalLength?: number;
}

/**
 * Writes a classic little-endian pcap with nanosecond timestamps (magic 0xa1b23c4d), which
 * tcpdump, tshark and tcpreplay all read. Used to hand crafted frames to tools (tcpreplay) and to
 * save what the decoder or the fast path saw.
 */
export function writePcap(frames: readonly (Uint8Array | PacketToWrite)[], linkType: number = LinkType.ETHERNET, snapLength = 262144): Uint8Array {
  let size = 24;
  for (const f of frames) size += 16 + (f instanceof Uint8Array ? f.length : f.data.length);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0xa1b23c4d, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setUint32(16, snapLength, true);
  view.setUint32(20, linkType, true);
  let p = 24;
  frames.forEach((f, i) => {
    const packet: PacketToWrite = f instanceof Uint8Array ? { data: f } : f;
    const defaultNanos = i * 1000;
    view.setUint32(p, packet.seconds ?? Math.floor(defaultNanos / 1e9), true);
    view.setUint32(p + 4, packet.nanos ?? defaultNanos % 1e9, true);
    view.setUint32(p + 8, packet.data.length, true);
    view.setUint32(p + 12, packet.originalLength ?? packet.data.length, true);
    out.set(packet.data, p + 16);
    p += 16 + packet.data.length;
  });
  return out;
}

/**
 * Classic pcap in and out for the kernel tests (`tcpdump -w` captures in, crafted frames out to
 * tcpreplay), on top of @evpn6/router's capture module so there is one pcap reader in the tree.
 * Timestamps as bigint nanoseconds: the tests compute time deltas from them.
 */
import { LinkType, readCapture, writePcap as writeCapture } from '@evpn6/router';

export const PcapLinkType = {
  ethernet: LinkType.ETHERNET,
  raw: LinkType.RAW,
  linuxSll: LinkType.LINUX_SLL,
  linuxSll2: LinkType.LINUX_SLL2,
} as const;

export interface PcapPacket {
  /** Capture time in nanoseconds since the epoch. */
  timestampNs: bigint;
  /** Bytes captured (a copy). */
  data: Uint8Array;
  /** Length on the wire; larger than data.length when the snap length cut it. */
  originalLength: number;
}

export interface PcapFile {
  linkType: number;
  packets: PcapPacket[];
  /** Records the file ended inside (a capture stopped mid-write). */
  warnings: readonly string[];
}

export function readPcap(bytes: Uint8Array): PcapFile {
  const c = readCapture(bytes);
  return {
    linkType: c.packets[0]?.linkType ?? (bytes.length >= 24 ? new DataView(bytes.buffer, bytes.byteOffset).getUint32(20, true) & 0xffff : 0),
    packets: c.packets.map((p) => ({ timestampNs: BigInt(p.seconds) * 1_000_000_000n + BigInt(p.nanos), data: p.data.slice(), originalLength: p.originalLength })),
    warnings: c.warnings,
  };
}

export function writePcap(frames: readonly (Uint8Array | PcapPacket)[], linkType: number = PcapLinkType.ethernet): Uint8Array {
  return writeCapture(
    frames.map((f) =>
      f instanceof Uint8Array
        ? f
        : { data: f.data, seconds: Number(f.timestampNs / 1_000_000_000n), nanos: Number(f.timestampNs % 1_000_000_000n), originalLength: f.originalLength },
    ),
    linkType,
  );
}

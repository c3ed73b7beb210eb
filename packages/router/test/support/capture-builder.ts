import { parseIp } from '@evpn6/bgp';

/** Builds capture files and frames for tests: the inverse of what packages/router/src/pcap reads. */

export interface SegmentSpec {
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack?: number;
  /** TCP flags; ACK|PSH by default. */
  readonly flags?: number;
  readonly payload?: Uint8Array;
}

export type LinkKind = 'ethernet' | 'vlan' | 'sll' | 'sll2' | 'raw';

export const LINKTYPE: Record<LinkKind, number> = { ethernet: 1, vlan: 1, sll: 113, sll2: 276, raw: 101 };

function put16(b: Uint8Array, p: number, v: number): void {
  b[p] = (v >>> 8) & 0xff;
  b[p + 1] = v & 0xff;
}

function put32(b: Uint8Array, p: number, v: number): void {
  put16(b, p, (v >>> 16) & 0xffff);
  put16(b, p + 2, v & 0xffff);
}

function tcpHeader(s: SegmentSpec): Uint8Array {
  const payload = s.payload ?? new Uint8Array(0);
  const t = new Uint8Array(20 + payload.length);
  put16(t, 0, s.srcPort);
  put16(t, 2, s.dstPort);
  put32(t, 4, s.seq >>> 0);
  put32(t, 8, (s.ack ?? 0) >>> 0);
  t[12] = 5 << 4;
  t[13] = s.flags ?? 0x18;
  put16(t, 14, 65535);
  t.set(payload, 20);
  return t;
}

/** An IP packet (v4 or v6 by the addresses) carrying the segment. */
export function ipPacket(s: SegmentSpec): Uint8Array {
  const tcp = tcpHeader(s);
  const src = parseIp(s.src);
  const dst = parseIp(s.dst);
  if (src.length === 4) {
    const ip = new Uint8Array(20 + tcp.length);
    ip[0] = 0x45;
    put16(ip, 2, ip.length);
    ip[6] = 0x40; // don't fragment
    ip[8] = 64;
    ip[9] = 6;
    ip.set(src, 12);
    ip.set(dst, 16);
    ip.set(tcp, 20);
    return ip;
  }
  const ip = new Uint8Array(40 + tcp.length);
  ip[0] = 0x60;
  put16(ip, 4, tcp.length);
  ip[6] = 6;
  ip[7] = 64;
  ip.set(src, 8);
  ip.set(dst, 24);
  ip.set(tcp, 40);
  return ip;
}

/** The segment framed for a link type; Ethernet frames are padded to the 60-byte minimum. */
export function frame(s: SegmentSpec, link: LinkKind = 'ethernet'): Uint8Array {
  const ip = ipPacket(s);
  const etherType = ip[0]! >> 4 === 6 ? 0x86dd : 0x0800;
  let head: Uint8Array;
  switch (link) {
    case 'ethernet':
    case 'vlan': {
      head = new Uint8Array(link === 'vlan' ? 18 : 14);
      head.set([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2]);
      if (link === 'vlan') {
        put16(head, 12, 0x8100);
        put16(head, 14, 100);
        put16(head, 16, etherType);
      } else put16(head, 12, etherType);
      break;
    }
    case 'sll':
      head = new Uint8Array(16);
      put16(head, 2, 1);
      put16(head, 4, 6);
      put16(head, 14, etherType);
      break;
    case 'sll2':
      head = new Uint8Array(20);
      put16(head, 0, etherType);
      put32(head, 4, 3);
      put16(head, 8, 1);
      head[11] = 6;
      break;
    case 'raw':
      head = new Uint8Array(0);
      break;
  }
  const size = link === 'ethernet' || link === 'vlan' ? Math.max(60, head.length + ip.length) : head.length + ip.length;
  const out = new Uint8Array(size);
  out.set(head, 0);
  out.set(ip, head.length);
  return out;
}

export interface FrameRecord {
  readonly data: Uint8Array;
  /** Seconds and nanoseconds; defaults to index-based times. */
  readonly seconds?: number;
  readonly nanos?: number;
  /** Wire length when the capture was cut by a snap length. */
  readonly originalLength?: number;
}

/** A classic pcap file (µs or ns resolution, little or big endian). */
export function pcapFile(frames: readonly FrameRecord[], linkType: number, opts: { bigEndian?: boolean; nano?: boolean } = {}): Uint8Array {
  const le = !opts.bigEndian;
  const size = 24 + frames.reduce((n, f) => n + 16 + f.data.length, 0);
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  v.setUint32(0, opts.nano ? 0xa1b23c4d : 0xa1b2c3d4, le);
  v.setUint16(4, 2, le);
  v.setUint16(6, 4, le);
  v.setUint32(16, 262144, le);
  v.setUint32(20, linkType, le);
  let p = 24;
  frames.forEach((f, i) => {
    const nanos = f.nanos ?? 0;
    v.setUint32(p, f.seconds ?? 1_700_000_000 + i, le);
    v.setUint32(p + 4, opts.nano ? nanos : Math.floor(nanos / 1000), le);
    v.setUint32(p + 8, f.data.length, le);
    v.setUint32(p + 12, f.originalLength ?? f.data.length, le);
    out.set(f.data, p + 16);
    p += 16 + f.data.length;
  });
  return out;
}

/** A pcapng file: one section, one interface, Enhanced Packet Blocks; `tsresol` as if_tsresol. */
export function pcapngFile(frames: readonly FrameRecord[], linkType: number, opts: { tsresol?: number; bigEndian?: boolean } = {}): Uint8Array {
  const le = !opts.bigEndian;
  const blocks: Uint8Array[] = [];
  const block = (type: number, body: Uint8Array) => {
    const padded = (body.length + 3) & ~3;
    const b = new Uint8Array(12 + padded);
    const v = new DataView(b.buffer);
    v.setUint32(0, type, le);
    v.setUint32(4, b.length, le);
    b.set(body, 8);
    v.setUint32(b.length - 4, b.length, le);
    blocks.push(b);
  };
  const shb = new Uint8Array(16);
  const sv = new DataView(shb.buffer);
  sv.setUint32(0, 0x1a2b3c4d, le);
  sv.setUint16(4, 1, le);
  sv.setBigInt64(8, -1n, le);
  block(0x0a0d0d0a, shb);
  const resol = opts.tsresol ?? 6;
  const idb = new Uint8Array(opts.tsresol === undefined ? 8 : 20);
  const iv = new DataView(idb.buffer);
  iv.setUint16(0, linkType, le);
  iv.setUint32(4, 262144, le);
  if (opts.tsresol !== undefined) {
    iv.setUint16(8, 9, le);
    iv.setUint16(10, 1, le);
    idb[12] = resol;
    // then opt_endofopt (4 zero bytes) at 16
  }
  block(1, idb);
  const units = resol & 0x80 ? 2n ** BigInt(resol & 0x7f) : 10n ** BigInt(resol);
  frames.forEach((f, i) => {
    const seconds = BigInt(f.seconds ?? 1_700_000_000 + i);
    const ts = seconds * units + (BigInt(f.nanos ?? 0) * units) / 1_000_000_000n;
    const body = new Uint8Array(20 + f.data.length);
    const bv = new DataView(body.buffer);
    bv.setUint32(4, Number(ts >> 32n), le);
    bv.setUint32(8, Number(ts & 0xffffffffn), le);
    bv.setUint32(12, f.data.length, le);
    bv.setUint32(16, f.originalLength ?? f.data.length, le);
    body.set(f.data, 20);
    block(6, body);
  });
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let p = 0;
  for (const b of blocks) {
    out.set(b, p);
    p += b.length;
  }
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
  let p = 0;
  for (const b of parts) {
    out.set(b, p);
    p += b.length;
  }
  return out;
}

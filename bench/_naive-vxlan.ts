/**
 * The anchor for bench/vxlan.ts: VXLAN over IPv6 written the straightforward way — Buffer.alloc
 * per header, Buffer.concat to join them, readUInt16BE checksums over a concatenated pseudo-header,
 * a copy per field on decode, and fragments kept in arrays joined with Buffer.concat.
 */

function checksum(buf: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < buf.length; i += 2) sum += buf.readUInt16BE(i);
  if (buf.length % 2 === 1) sum += buf[buf.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

function pseudoHeader(src: Buffer, dst: Buffer, length: number): Buffer {
  const p = Buffer.alloc(40);
  src.copy(p, 0);
  dst.copy(p, 16);
  p.writeUInt32BE(length, 32);
  p[39] = 17;
  return p;
}

let nextId = 1;

export function naiveEncap(inner: Buffer, vni: number, local: Buffer, remote: Buffer, mtu = 1500): Buffer[] {
  const vx = Buffer.alloc(8);
  vx[0] = 0x08;
  vx.writeUIntBE(vni, 4, 3);
  const udp = Buffer.alloc(8);
  let h = 0;
  for (let i = 0; i < Math.min(inner.length, 14); i++) h = (h * 31 + inner[i]!) >>> 0;
  udp.writeUInt16BE(49152 + (h & 0x3fff), 0);
  udp.writeUInt16BE(4789, 2);
  udp.writeUInt16BE(16 + inner.length, 4);
  let datagram = Buffer.concat([udp, vx, inner]);
  const c = checksum(Buffer.concat([pseudoHeader(local, remote, datagram.length), datagram]));
  datagram.writeUInt16BE(c === 0 ? 0xffff : c, 6);
  const ipHeader = (payloadLength: number, next: number) => {
    const ip = Buffer.alloc(40);
    ip.writeUInt32BE(0x60000000, 0);
    ip.writeUInt16BE(payloadLength, 4);
    ip[6] = next;
    ip[7] = 64;
    local.copy(ip, 8);
    remote.copy(ip, 24);
    return ip;
  };
  if (40 + datagram.length <= mtu) return [Buffer.concat([ipHeader(datagram.length, 17), datagram])];
  const chunk = (mtu - 48) & ~7;
  const id = nextId++;
  const out: Buffer[] = [];
  for (let off = 0; off < datagram.length; off += chunk) {
    const part = datagram.subarray(off, off + chunk);
    const frag = Buffer.alloc(8);
    frag[0] = 17;
    frag.writeUInt16BE(off | (off + chunk < datagram.length ? 1 : 0), 2);
    frag.writeUInt32BE(id, 4);
    out.push(Buffer.concat([ipHeader(8 + part.length, 44), frag, part]));
  }
  datagram = Buffer.alloc(0);
  return out;
}

interface NaiveFrame {
  vni: number;
  source: string;
  inner: Buffer;
}

export class NaiveDecap {
  private readonly pending = new Map<string, { parts: { offset: number; data: Buffer }[]; total: number; header: Buffer }>();

  decap(packet: Buffer): NaiveFrame | null {
    if (packet.length < 40 || packet[0]! >> 4 !== 6) return null;
    const payloadLength = packet.readUInt16BE(4);
    const header = Buffer.from(packet.subarray(0, 40));
    let next = packet[6]!;
    let payload = Buffer.from(packet.subarray(40, 40 + payloadLength));
    if (next === 44) {
      const offsetFlags = payload.readUInt16BE(2);
      const key = `${packet.subarray(8, 40).toString('hex')}/${payload.readUInt32BE(4)}`;
      let entry = this.pending.get(key);
      if (!entry) {
        entry = { parts: [], total: -1, header };
        this.pending.set(key, entry);
      }
      const data = Buffer.from(payload.subarray(8));
      entry.parts.push({ offset: offsetFlags & 0xfff8, data });
      if ((offsetFlags & 1) === 0) entry.total = (offsetFlags & 0xfff8) + data.length;
      const have = entry.parts.reduce((n, p) => n + p.data.length, 0);
      if (entry.total < 0 || have !== entry.total) return null;
      this.pending.delete(key);
      next = payload[0]!;
      payload = Buffer.concat(entry.parts.sort((a, b) => a.offset - b.offset).map((p) => p.data));
    }
    if (next !== 17 || payload.length < 16) return null;
    const c = checksum(Buffer.concat([pseudoHeader(header.subarray(8, 24), header.subarray(24, 40), payload.length), payload]));
    if (c !== 0 || payload.readUInt16BE(2) !== 4789 || (payload[8]! & 0x08) === 0) return null;
    return { vni: payload.readUIntBE(12, 3), source: header.subarray(8, 24).toString('hex'), inner: Buffer.from(payload.subarray(16)) };
  }
}

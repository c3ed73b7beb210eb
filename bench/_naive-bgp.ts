/**
 * The baseline the codec benchmark compares against: how a first attempt at a BGP decoder looks
 * in Node. Buffer.readUInt* for every field, every attribute value copied into its own Buffer,
 * prefixes and next hops turned into text, and a framer that concatenates buffers. It decodes the
 * same bytes to the same routes (checked by bench/bgp-codec.ts before timing), nothing more: no
 * RFC 7606 checks, no typed attributes.
 */

export interface NaiveAttribute {
  flags: number;
  type: number;
  value: Buffer;
}

export interface NaiveRoute {
  attributes: NaiveAttribute[];
  afi: number;
  safi: number;
  nextHop: string;
  /** "2001:db8:1::/48" for IPv6 unicast, "type:hex" for EVPN and other families. */
  reach: string[];
  unreach: string[];
}

function ipv6Text(b: Buffer, start: number, bytes: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) {
    const hi = i < bytes ? b[start + i]! : 0;
    const lo = i + 1 < bytes ? b[start + i + 1]! : 0;
    groups.push(((hi << 8) | lo).toString(16));
  }
  return groups.join(':');
}

function prefixes(b: Buffer, start: number, end: number, afi: number, safi: number, out: string[]): void {
  let p = start;
  while (p < end) {
    if (afi === 2 && safi === 1) {
      const bits = b.readUInt8(p);
      const bytes = Math.ceil(bits / 8);
      out.push(`${ipv6Text(b, p + 1, bytes)}/${bits}`);
      p += 1 + bytes;
    } else if (afi === 1 && safi === 1) {
      const bits = b.readUInt8(p);
      const bytes = Math.ceil(bits / 8);
      const q = [0, 0, 0, 0];
      for (let i = 0; i < bytes; i++) q[i] = b[p + 1 + i]!;
      out.push(`${q.join('.')}/${bits}`);
      p += 1 + bytes;
    } else {
      // EVPN: route type, length, body.
      const type = b.readUInt8(p);
      const len = b.readUInt8(p + 1);
      out.push(`${type}:${Buffer.from(b.subarray(p + 2, p + 2 + len)).toString('hex')}`);
      p += 2 + len;
    }
  }
}

/** Decodes a whole UPDATE message (header included). */
export function naiveDecodeUpdate(msg: Buffer): NaiveRoute {
  const length = msg.readUInt16BE(16);
  let p = 19;
  const withdrawnLength = msg.readUInt16BE(p);
  p += 2;
  const unreach: string[] = [];
  prefixes(msg, p, p + withdrawnLength, 1, 1, unreach);
  p += withdrawnLength;
  const attrLength = msg.readUInt16BE(p);
  p += 2;
  const attrEnd = p + attrLength;
  const attributes: NaiveAttribute[] = [];
  const reach: string[] = [];
  let afi = 1;
  let safi = 1;
  let nextHop = '';
  while (p < attrEnd) {
    const flags = msg.readUInt8(p);
    const type = msg.readUInt8(p + 1);
    const ext = (flags & 0x10) !== 0;
    const len = ext ? msg.readUInt16BE(p + 2) : msg.readUInt8(p + 2);
    const v = p + (ext ? 4 : 3);
    const value = Buffer.from(msg.subarray(v, v + len));
    attributes.push({ flags, type, value });
    if (type === 14) {
      afi = value.readUInt16BE(0);
      safi = value.readUInt8(2);
      const nhLen = value.readUInt8(3);
      nextHop = value.subarray(4, 4 + nhLen).toString('hex');
      prefixes(value, 5 + nhLen, value.length, afi, safi, reach);
    } else if (type === 15) {
      prefixes(value, 3, value.length, value.readUInt16BE(0), value.readUInt8(2), unreach);
    }
    p = v + len;
  }
  prefixes(msg, attrEnd, length, 1, 1, reach);
  return { attributes, afi, safi, nextHop, reach, unreach };
}

function prefixBytes(text: string): Buffer {
  const [addr, bits] = text.split('/') as [string, string];
  const n = Number(bits);
  const groups = addr.split(':').map((g) => parseInt(g, 16));
  const full = Buffer.alloc(16);
  groups.forEach((g, i) => full.writeUInt16BE(g, i * 2));
  return Buffer.concat([Buffer.from([n]), full.subarray(0, Math.ceil(n / 8))]);
}

/** Encodes an IPv6 unicast route set back into a whole UPDATE message. */
export function naiveEncodeUpdate(r: NaiveRoute): Buffer {
  const attrs: Buffer[] = [];
  for (const a of r.attributes) {
    let value = a.value;
    if (a.type === 14) {
      const nh = Buffer.from(r.nextHop, 'hex');
      const head = Buffer.alloc(4);
      head.writeUInt16BE(r.afi, 0);
      head.writeUInt8(r.safi, 2);
      head.writeUInt8(nh.length, 3);
      value = Buffer.concat([head, nh, Buffer.from([0]), ...r.reach.map(prefixBytes)]);
    }
    const ext = value.length > 255;
    const h = Buffer.alloc(ext ? 4 : 3);
    h.writeUInt8(ext ? a.flags | 0x10 : a.flags, 0);
    h.writeUInt8(a.type, 1);
    if (ext) h.writeUInt16BE(value.length, 2);
    else h.writeUInt8(value.length, 2);
    attrs.push(h, value);
  }
  const body = Buffer.concat(attrs);
  const head = Buffer.alloc(23, 0xff);
  head.writeUInt16BE(23 + body.length, 16);
  head.writeUInt8(2, 18);
  head.writeUInt16BE(0, 19);
  head.writeUInt16BE(body.length, 21);
  return Buffer.concat([head, body]);
}

/** Splits a stream by the header's length, concatenating leftovers with each new chunk. */
export class NaiveFramer {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Buffer[] = [];
    while (buf.length >= 19) {
      const length = buf.readUInt16BE(16);
      if (buf.length < length) break;
      out.push(Buffer.from(buf.subarray(0, length)));
      buf = buf.subarray(length);
    }
    this.pending = Buffer.from(buf);
    return out;
  }
}

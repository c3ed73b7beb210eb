/**
 * Layout of a VXLAN frame sequence for the mutators: [2-byte length][Ethernet frame] repeated,
 * each frame walked through VLAN tags, IPv6 (extension headers, fragment header) or IPv4, UDP and
 * the VXLAN header. Lives here because @evpn6/bgp/fuzz knows nothing of packets.
 */
import type { Layout } from '@evpn6/bgp/fuzz';
import { aroundLength, readField } from '@evpn6/bgp/fuzz';

const ETHER_TYPES = [0x86dd, 0x0800, 0x8100, 0x88a8, 0x0806, 0x0000, 0xffff];
const NEXT_HEADERS = [0, 6, 17, 43, 44, 58, 59, 60, 135, 255];

export function walkFrameSequence(buf: Uint8Array, layout: Layout): void {
  for (let p = 0; p + 2 <= buf.length; ) {
    const n = readField(buf, p, 2);
    const end = Math.min(buf.length, p + 2 + n);
    layout.field('frame length', p, 2, aroundLength(n, 2), { start: p + 2, end, unit: 1 });
    layout.element('frame', p, end);
    walkFrame(buf, p + 2, end, layout);
    p = end;
  }
}

function walkFrame(buf: Uint8Array, start: number, end: number, layout: Layout): void {
  let p = start + 12;
  while (p + 2 <= end) {
    const type = readField(buf, p, 2);
    layout.field('EtherType', p, 2, ETHER_TYPES);
    if (type === 0x8100 || type === 0x88a8) {
      layout.element('VLAN tag', p, p + 4, end);
      p += 4;
      continue;
    }
    if (type === 0x86dd) walkIpv6(buf, p + 2, end, layout);
    else if (type === 0x0800) walkIpv4(buf, p + 2, end, layout);
    return;
  }
}

function walkIpv6(buf: Uint8Array, ip: number, end: number, layout: Layout): void {
  if (end - ip < 40) return;
  const payload = readField(buf, ip + 4, 2);
  const stop = Math.min(end, ip + 40 + payload);
  layout.field('IPv6 version', ip, 1, [0x60, 0x40, 0x00, 0x6f, 0xff]);
  layout.field('IPv6 payload length', ip + 4, 2, aroundLength(payload, 2, [0, 8, 16, 1240]), { start: ip + 40, end: stop, unit: 1 });
  layout.field('IPv6 next header', ip + 6, 1, NEXT_HEADERS);
  layout.field('IPv6 destination last byte', ip + 39, 1, [0, 1, 2]);
  let next = buf[ip + 6]!;
  let p = ip + 40;
  let firstFragment = true;
  for (let hops = 0; hops < 16 && p < stop; hops++) {
    if (next === 0 || next === 43 || next === 60) {
      if (stop - p < 8) return;
      const len = buf[p + 1]!;
      const hEnd = Math.min(stop, p + 8 + len * 8);
      layout.field('extension next header', p, 1, NEXT_HEADERS);
      layout.field('extension length', p + 1, 1, [0, 1, 2, 255], { start: p + 8, end: hEnd, unit: 8 });
      if (next === 43) layout.field('segments left', p + 3, 1, [0, 1, 255]);
      else layout.field('option type', p + 2, 1, [0, 1, 4, 0x80, 0xc2, 0xff]);
      layout.element('extension header', p, hEnd);
      next = buf[p]!;
      p = hEnd;
    } else if (next === 44) {
      if (stop - p < 8) return;
      layout.field('fragment next header', p, 1, NEXT_HEADERS);
      layout.field('fragment offset and M', p + 2, 2, [0, 1, 8, 9, 0x00b1, 0x00b0, 0xfff8, 0xfff9, 0x0006]);
      layout.field('fragment identification', p + 4, 4, [0, 1, 0xffffffff]);
      layout.element('fragment header', p, p + 8);
      firstFragment = (readField(buf, p + 2, 2) & 0xfff8) === 0;
      next = buf[p]!;
      p += 8;
    } else {
      break;
    }
  }
  if (next === 17 && firstFragment) walkUdp(buf, p, stop, layout);
}

function walkIpv4(buf: Uint8Array, ip: number, end: number, layout: Layout): void {
  if (end - ip < 20) return;
  const ihl = (buf[ip]! & 0xf) * 4;
  const total = readField(buf, ip + 2, 2);
  const stop = Math.min(end, ip + total);
  layout.field('IPv4 version and IHL', ip, 1, [0x45, 0x46, 0x44, 0x4f, 0x65]);
  layout.field('IPv4 total length', ip + 2, 2, aroundLength(total, 2), { start: ip, end: stop, unit: 1 });
  layout.field('IPv4 flags and offset', ip + 6, 2, [0, 0x4000, 0x2000, 0x0001]);
  layout.field('IPv4 protocol', ip + 9, 1, [17, 6, 0, 255]);
  if (ihl >= 20) walkUdp(buf, ip + ihl, stop, layout);
}

function walkUdp(buf: Uint8Array, udp: number, end: number, layout: Layout): void {
  if (end - udp < 8) return;
  const length = readField(buf, udp + 4, 2);
  layout.field('UDP destination port', udp + 2, 2, [4789, 4790, 8472, 0, 65535]);
  layout.field('UDP length', udp + 4, 2, aroundLength(length, 2, [0, 8, 16]), { start: udp, end: Math.min(end, udp + length), unit: 1 });
  layout.field('UDP checksum', udp + 6, 2, [0, 0xffff]);
  if (end - udp < 16) return;
  layout.field('VXLAN flags', udp + 8, 1, [0x08, 0x00, 0x0c, 0xff]);
  layout.field('VNI', udp + 12, 3, [0, 1, 0xffffff]);
}

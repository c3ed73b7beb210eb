import { expect } from 'chai';
import {
  EtherType,
  Reader,
  Writer,
  ethernetHeaderCodec,
  ethernetPayloadOffset,
  fragmentHeaderCodec,
  ipv4HeaderCodec,
  ipv6HeaderCodec,
  parseIp,
  parseMac,
  udpHeaderCodec,
  vxlanHeaderCodec,
  formatIp,
  formatMac,
} from '../src/index.js';
import { checkCodecVector, decodeAll } from './support/vectors.js';
import { expectVxlanError, fromHex } from './support/util.js';

const MAC_A = parseMac('02:00:5e:00:53:01');
const MAC_B = parseMac('02:00:5e:00:53:02');

describe('vxlan header codecs', () => {
  describe('Ethernet II with 802.1Q / 802.1ad tags', () => {
    checkCodecVector(ethernetHeaderCodec, {
      name: 'untagged IPv6',
      hex: '02005e005301 02005e005302 86dd',
      value: { destination: MAC_A, source: MAC_B, tags: [], etherType: EtherType.ipv6 },
    });
    checkCodecVector(ethernetHeaderCodec, {
      name: '802.1Q pcp 5 vid 100, IPv4',
      hex: '02005e005301 02005e005302 8100 a064 0800',
      value: { destination: MAC_A, source: MAC_B, tags: [{ tpid: 0x8100, pcp: 5, dei: false, vid: 100 }], etherType: EtherType.ipv4 },
    });
    checkCodecVector(ethernetHeaderCodec, {
      name: '802.1ad S-tag (DEI, vid 1) over C-tag vid 4094',
      hex: '02005e005301 02005e005302 88a8 1001 8100 0ffe 86dd',
      value: {
        destination: MAC_A,
        source: MAC_B,
        tags: [
          { tpid: 0x88a8, pcp: 0, dei: true, vid: 1 },
          { tpid: 0x8100, pcp: 0, dei: false, vid: 4094 },
        ],
        etherType: EtherType.ipv6,
      },
    });
    it('refuses more than four stacked tags, typed', () => {
      const frame = fromHex('02005e005301 02005e005302' + '81000001'.repeat(5) + '0800');
      expectVxlanError(() => decodeAll(ethernetHeaderCodec, frame), 'ERR_VXLAN_MALFORMED');
      expect(ethernetPayloadOffset(frame, 0, frame.length)).to.equal(-2);
    });
    it('the fast path finds the payload after the tags', () => {
      const frame = fromHex('02005e005301 02005e005302 88a8 1001 8100 0ffe 86dd 60');
      expect(ethernetPayloadOffset(frame, 0, frame.length)).to.equal(22);
      expect(ethernetPayloadOffset(frame, 0, 17)).to.equal(-1);
    });
    it('rejects out-of-range values on encode', () => {
      const w = Writer.alloc(64);
      expectVxlanError(() => ethernetHeaderCodec.encode({ destination: MAC_A, source: MAC_B, tags: [{ tpid: 0x8100, pcp: 0, dei: false, vid: 4096 }], etherType: 0x0800 }, w), 'ERR_VXLAN_ENCODE');
      expectVxlanError(() => ethernetHeaderCodec.encode({ destination: MAC_A, source: MAC_B, tags: [], etherType: 0x8100 }, w), 'ERR_VXLAN_ENCODE');
      expectVxlanError(() => ethernetHeaderCodec.encode({ destination: MAC_A.subarray(0, 5), source: MAC_B, tags: [], etherType: 0x0800 }, w), 'ERR_VXLAN_ENCODE');
    });
  });

  describe('IPv6 fixed header', () => {
    checkCodecVector(ipv6HeaderCodec, {
      name: 'traffic class 0xb8, flow label 0x12345, UDP',
      hex: '6b812345 0072 11 40 20010db800e600000000000000000002 20010db800e600000000000000000001',
      value: {
        trafficClass: 0xb8,
        flowLabel: 0x12345,
        payloadLength: 0x72,
        nextHeader: 17,
        hopLimit: 64,
        source: parseIp('2001:db8:e6::2'),
        destination: parseIp('2001:db8:e6::1'),
      },
    });
    it('rejects another version, typed', () => {
      expectVxlanError(() => decodeAll(ipv6HeaderCodec, fromHex('4b812345 0072 11 40' + '00'.repeat(32))), 'ERR_VXLAN_BAD_VALUE');
    });
  });

  describe('IPv6 fragment header', () => {
    checkCodecVector(fragmentHeaderCodec, {
      name: 'offset 1448, M set',
      hex: '11 00 05a9 deadbeef',
      value: { nextHeader: 17, byteOffset: 1448, more: true, identification: 0xdeadbeef },
    });
    checkCodecVector(fragmentHeaderCodec, {
      name: 'first fragment, offset 0',
      hex: '11 00 0001 00000001',
      value: { nextHeader: 17, byteOffset: 0, more: true, identification: 1 },
    });
    it('ignores the reserved bits on receipt (RFC 8200 §4.5)', () => {
      expect(decodeAll(fragmentHeaderCodec, fromHex('11 ff 05a8 00000002'))).to.deep.equal({ nextHeader: 17, byteOffset: 1448, more: false, identification: 2 });
      expect(decodeAll(fragmentHeaderCodec, fromHex('11 00 05ae 00000002')).more).to.equal(false);
    });
    it('rejects an offset that is not a multiple of 8', () => {
      expectVxlanError(() => fragmentHeaderCodec.encode({ nextHeader: 17, byteOffset: 4, more: false, identification: 0 }, Writer.alloc(8)), 'ERR_VXLAN_ENCODE');
    });
  });

  describe('IPv4 header', () => {
    checkCodecVector(ipv4HeaderCodec, {
      name: 'DF, UDP, header checksum 0x4e3e',
      hex: '4500 0073 0000 4000 4011 4e3e c0000201 c6336407',
      value: {
        tos: 0,
        totalLength: 0x73,
        identification: 0,
        dontFragment: true,
        moreFragments: false,
        fragmentByteOffset: 0,
        ttl: 64,
        protocol: 17,
        checksum: 0x4e3e,
        source: parseIp('192.0.2.1'),
        destination: parseIp('198.51.100.7'),
        options: new Uint8Array(0),
      },
    });
    checkCodecVector(ipv4HeaderCodec, {
      name: 'with 4 bytes of options, MF and an offset',
      hex: '4600 0078 1234 2003 0111 9801 c0000201 c6336407 01010100',
      value: {
        tos: 0,
        totalLength: 0x78,
        identification: 0x1234,
        dontFragment: false,
        moreFragments: true,
        fragmentByteOffset: 24,
        ttl: 1,
        protocol: 17,
        checksum: 0x9801,
        source: parseIp('192.0.2.1'),
        destination: parseIp('198.51.100.7'),
        options: fromHex('01010100'),
      },
    });
    it('rejects a header length below 20 and a total length below it, typed', () => {
      expectVxlanError(() => decodeAll(ipv4HeaderCodec, fromHex('4400 0073 0000 4000 4011 0000 c0000201 c6336407')), 'ERR_VXLAN_BAD_VALUE');
      expectVxlanError(() => decodeAll(ipv4HeaderCodec, fromHex('4500 0010 0000 4000 4011 0000 c0000201 c6336407')), 'ERR_VXLAN_BAD_VALUE');
    });
  });

  describe('UDP header', () => {
    checkCodecVector(udpHeaderCodec, {
      name: 'kernel VXLAN datagram header',
      hex: 'd9cb 12b5 0072 7777',
      value: { sourcePort: 0xd9cb, destinationPort: 4789, length: 0x72, checksum: 0x7777 },
    });
  });

  describe('VXLAN header (RFC 7348 §5)', () => {
    checkCodecVector(vxlanHeaderCodec, {
      name: 'I flag, VNI 550',
      hex: '08000000 00022600',
      value: { vniValid: true, vni: 550 },
    });
    checkCodecVector(vxlanHeaderCodec, {
      name: 'I flag, VNI 16777215',
      hex: '08000000 ffffff00',
      value: { vniValid: true, vni: 0xffffff },
    });
    it('ignores reserved bits on receive and sends them as zero', () => {
      const v = decodeAll(vxlanHeaderCodec, fromHex('f7ffffff 000226ff'));
      expect(v).to.deep.equal({ vniValid: false, vni: 550 });
      const v2 = decodeAll(vxlanHeaderCodec, fromHex('ffffffff 000226ff'));
      expect(v2).to.deep.equal({ vniValid: true, vni: 550 });
      const w = Writer.alloc(8);
      vxlanHeaderCodec.encode(v2, w);
      expect(Buffer.from(w.buf).toString('hex')).to.equal('0800000000022600');
    });
    it('rejects a VNI over 24 bits', () => {
      expectVxlanError(() => vxlanHeaderCodec.encode({ vniValid: true, vni: 0x1000000 }, Writer.alloc(8)), 'ERR_VXLAN_ENCODE');
    });
  });

  describe('reader and writer bounds', () => {
    it('a reader range outside its buffer is a typed error', () => {
      expectVxlanError(() => new Reader(new Uint8Array(4), 2, 8), 'ERR_VXLAN_TRUNCATED');
    });
    it('a writer out of room is a typed error', () => {
      expectVxlanError(() => Writer.alloc(1).u16(1), 'ERR_VXLAN_ENCODE');
      expectVxlanError(() => Writer.alloc(4).u8(256), 'ERR_VXLAN_ENCODE');
    });
  });

  describe('address text', () => {
    it('parses and formats IPv6 (RFC 5952), IPv4 and MACs', () => {
      for (const t of ['2001:db8::1', '::', '::1', '2001:db8:0:1:1:1:1:1', '2001:db8::1:0:0:1', 'fe80::', '192.0.2.1']) expect(formatIp(parseIp(t))).to.equal(t);
      expect(formatIp(parseIp('2001:DB8:0:0:0:0:0:1'))).to.equal('2001:db8::1');
      expect(formatIp(parseIp('::ffff:192.0.2.1'))).to.equal('::ffff:c000:201');
      expect(formatMac(parseMac('02-00-5E-00-53-01'))).to.equal('02:00:5e:00:53:01');
    });
    it('rejects malformed text, typed', () => {
      for (const t of ['', '1.2.3', '256.1.1.1', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'g::1', '1:2:3:4:5:6:7']) expectVxlanError(() => parseIp(t), 'ERR_VXLAN_ADDRESS');
      expectVxlanError(() => parseMac('02:00:5e:00:53'), 'ERR_VXLAN_ADDRESS');
    });
  });
});

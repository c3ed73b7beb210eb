/**
 * Hand-built vectors (from the RFC 7432 / RFC 9136 layouts) for what the GoBGP capture does not
 * carry, and for every way a route's fields can contradict its length.
 */
import { expect } from 'chai';
import type { CodecContext } from '@evpn6/bgp';
import { DecodeErrorCode, NlriRegistry, Reader, Writer, createContext, fromHex, toHex } from '@evpn6/bgp';
import { checkVector, expectTypedError } from '../../bgp/test/support/vectors.js';
import type { EvpnRoute, IpPrefixRoute, MacIpRoute } from '../src/index.js';
import { EvpnDecodeCode, evpnNlri, parseMac, parseRd, registerEvpn, zeroEsi } from '../src/index.js';
import { evpnRouteCodec } from './support/codecs.js';

const ctx = createContext({ registry: registerEvpn(new NlriRegistry()) });
const hex = (s: string) => fromHex(s);

describe('EVPN NLRI: hand vectors', () => {
  const rt2v6TwoLabels: MacIpRoute = {
    kind: 'mac-ip',
    pathId: undefined,
    rd: { type: 2, admin: 4200000001, assigned: 300 },
    esi: hex('05 0000fc00 00000009 00'),
    ethernetTag: 0,
    mac: hex('020000000001'),
    ip: hex('20010db8000000000000000000000001'),
    labels: [10550, 20550],
  };
  checkVector<EvpnRoute, CodecContext>(evpnRouteCodec, {
    name: 'RT2 MAC+IPv6, two labels, AS ESI, type 2 RD',
    hex: '02 34 0002fa56ea01012c 050000fc000000000900 00000000 30 020000000001 80 20010db8000000000000000000000001 002936 005046',
    ctx,
    value: rt2v6TwoLabels,
  });
  checkVector<EvpnRoute, CodecContext>(evpnRouteCodec, {
    name: 'RT2 MAC+IPv4, one label',
    hex: '02 25 0000fc0000000064 00000000000000000000 00000064 30 020000000002 20 c6336402 002936',
    ctx,
    value: {
      kind: 'mac-ip',
      pathId: undefined,
      rd: parseRd('64512:100'),
      esi: zeroEsi(),
      ethernetTag: 100,
      mac: parseMac('02:00:00:00:00:02'),
      ip: hex('c6336402'),
      labels: [10550],
    },
  });
  checkVector<EvpnRoute, CodecContext>(evpnRouteCodec, {
    name: 'RT4 with an IPv4 originator',
    hex: '04 17 0001c00002010000 01020000aa0001100100 20 c0000201',
    ctx,
    value: {
      kind: 'ethernet-segment',
      pathId: undefined,
      rd: parseRd('192.0.2.1:0'),
      esi: hex('01020000aa0001100100'),
      originator: hex('c0000201'),
    },
  });
  checkVector<EvpnRoute, CodecContext>(evpnRouteCodec, {
    name: 'RT3 with an IPv4 originator, type 0 RD with a 4-octet number',
    hex: '03 11 0000fc0000ffffff 00000000 20 c0000201',
    ctx,
    value: { kind: 'inclusive-multicast', pathId: undefined, rd: parseRd('64512:16777215'), ethernetTag: 0, originator: hex('c0000201') },
  });
  checkVector<EvpnRoute, CodecContext>(evpnRouteCodec, {
    name: 'RT5 IPv6 with host bits past the prefix length (kept as received)',
    hex: '05 3a 0001c00002015046 00000000000000000000 00000000 40 20010db8fffe00010000000000000001 00000000000000000000000000000000 005046',
    ctx,
  });
  checkVector<EvpnRoute, CodecContext>(evpnRouteCodec, {
    name: 'unknown route type 11 stays raw',
    hex: '0b 05 0102030405',
    ctx,
    value: { kind: 'unknown', pathId: undefined, routeType: 11, data: hex('0102030405') },
  });
  checkVector<EvpnRoute, CodecContext>(evpnRouteCodec, {
    name: 'unknown route type with an empty body',
    hex: 'c8 00',
    ctx,
    value: { kind: 'unknown', pathId: undefined, routeType: 200, data: new Uint8Array(0) },
  });
  checkVector<EvpnRoute, CodecContext>(evpnRouteCodec, {
    name: 'RD of an unknown type (3) keeps its 6 value octets',
    hex: '03 11 0003112233445566 00000000 20 c0000201',
    ctx,
    value: { kind: 'inclusive-multicast', pathId: undefined, rd: { type: 3, admin: 0x1122, assigned: 0x33445566 }, ethernetTag: 0, originator: hex('c0000201') },
  });

  const errors: Array<[string, string, string]> = [
    ['MAC length 47', '02 21 0000fc0000000064 00000000000000000000 00000000 2f 020000000001 00 002936', EvpnDecodeCode.macLength],
    ['MAC length 0', '02 21 0000fc0000000064 00000000000000000000 00000000 00 020000000001 00 002936', EvpnDecodeCode.macLength],
    ['RT2 IP length 24', '02 24 0000fc0000000064 00000000000000000000 00000000 30 020000000001 18 c63364 002936', EvpnDecodeCode.ipLength],
    ['RT2 one byte too long', '02 22 0000fc0000000064 00000000000000000000 00000000 30 020000000001 00 002936 00', EvpnDecodeCode.routeLength],
    ['RT2 too short for a label', '02 1f 0000fc0000000064 00000000000000000000 00000000 30 020000000001 00 00', EvpnDecodeCode.routeLength],
    ['RT2 IPv6 length with IPv4 bytes', '02 25 0000fc0000000064 00000000000000000000 00000000 30 020000000001 80 c6336402 002936', EvpnDecodeCode.routeLength],
    ['RT1 length 26', '01 1a 0000fc0000000064 00000000000000000000 00000000 002936 00', EvpnDecodeCode.routeLength],
    ['RT1 length 24', '01 18 0000fc0000000064 00000000000000000000 00000000 0029', EvpnDecodeCode.routeLength],
    ['RT3 originator length 64', '03 15 0000fc0000000064 00000000 40 c0000201c0000201', EvpnDecodeCode.ipLength],
    ['RT3 128-bit length with 4 bytes', '03 11 0000fc0000000064 00000000 80 c0000201', EvpnDecodeCode.routeLength],
    ['RT3 too short for the length octet', '03 0c 0000fc0000000064 00000000', EvpnDecodeCode.routeLength],
    ['RT4 originator length 0', '04 13 0000fc0000000064 00000000000000000000 00', EvpnDecodeCode.ipLength],
    ['RT5 length 40', '05 28 ' + '00'.repeat(40), EvpnDecodeCode.routeLength],
    ['RT5 IPv4 prefix length 33', '05 22 0001c00002015046 00000000000000000000 00000000 21 c6336400 00000000 005046', EvpnDecodeCode.prefixLength],
    ['RT5 IPv6 prefix length 129', '05 3a 0001c00002015046 00000000000000000000 00000000 81 ' + '00'.repeat(32) + ' 005046', EvpnDecodeCode.prefixLength],
    ['route length past the NLRI field', '02 21 0000fc0000000064 0000', DecodeErrorCode.truncated],
    ['type octet only', '02', DecodeErrorCode.truncated],
  ];
  for (const [name, h, code] of errors) checkVector<EvpnRoute, CodecContext>(evpnRouteCodec, { name, hex: h, ctx, error: code });

  it('route errors point at the offending byte', () => {
    const err = expectTypedError(() => evpnNlri.decode(new Reader(hex(errors[0]![1])), ctx, undefined), EvpnDecodeCode.macLength);
    expect((err as unknown as { offset: number }).offset).to.equal(2 + 22);
  });

  it('carries the ADD-PATH identifier it is handed', () => {
    const r = evpnNlri.decode(new Reader(hex('03 11 0000fc0000000064 00000000 20 c0000201')), ctx, 7);
    expect(r.pathId).to.equal(7);
  });

  it('decoded byte fields are copies, not views of the input', () => {
    const input = hex('02 34 0002fa56ea01012c 050000fc000000000900 00000000 30 020000000001 80 20010db8000000000000000000000001 002936 005046');
    const r = evpnNlri.decode(new Reader(input), ctx, undefined) as MacIpRoute;
    input.fill(0xee);
    expect(toHex(r.mac)).to.equal('020000000001');
    expect(toHex(r.esi)).to.equal('050000fc000000000900');
    expect(toHex(r.ip!)).to.equal('20010db8000000000000000000000001');
  });
});

describe('EVPN NLRI: route key and text', () => {
  const base: MacIpRoute = {
    kind: 'mac-ip',
    pathId: undefined,
    rd: parseRd('192.0.2.1:100'),
    esi: zeroEsi(),
    ethernetTag: 0,
    mac: parseMac('02:00:00:00:00:01'),
    ip: undefined,
    labels: [10550],
  };

  it('RT2 key ignores labels and ESI but not RD, tag, MAC or IP', () => {
    const k = evpnNlri.key(base);
    expect(evpnNlri.key({ ...base, labels: [1, 2], esi: hex('00112233445566778899') })).to.equal(k);
    expect(evpnNlri.key({ ...base, rd: parseRd('192.0.2.1:101') })).to.not.equal(k);
    expect(evpnNlri.key({ ...base, ethernetTag: 1 })).to.not.equal(k);
    expect(evpnNlri.key({ ...base, mac: parseMac('02:00:00:00:00:02') })).to.not.equal(k);
    expect(evpnNlri.key({ ...base, ip: hex('c6336401') })).to.not.equal(k);
  });

  it('RT5 key ignores ESI, gateway and label, and host bits past the prefix length', () => {
    const p: IpPrefixRoute = {
      kind: 'ip-prefix',
      pathId: undefined,
      rd: parseRd('192.0.2.1:20550'),
      esi: zeroEsi(),
      ethernetTag: 0,
      prefixLength: 24,
      prefix: hex('c6336400'),
      gateway: hex('00000000'),
      label: 20550,
    };
    const k = evpnNlri.key(p);
    expect(evpnNlri.key({ ...p, gateway: hex('c63364fe'), label: 1, esi: hex('00112233445566778899') })).to.equal(k);
    expect(evpnNlri.key({ ...p, prefix: hex('c63364ff') })).to.equal(k);
    expect(evpnNlri.key({ ...p, prefixLength: 25 })).to.not.equal(k);
    expect(evpnNlri.format({ ...p, prefix: hex('c63364ff') })).to.equal('[5]:[0]:[24]:[198.51.100.0]');
  });

  it('RT1 key ignores the label; RT3 and RT4 keys include the originator', () => {
    const ead: EvpnRoute = { kind: 'ethernet-ad', pathId: undefined, rd: parseRd('64512:1'), esi: hex('00112233445566778899'), ethernetTag: 5, label: 1 };
    expect(evpnNlri.key({ ...ead, label: 2 })).to.equal(evpnNlri.key(ead));
    expect(evpnNlri.key({ ...ead, ethernetTag: 6 })).to.not.equal(evpnNlri.key(ead));
    const imet: EvpnRoute = { kind: 'inclusive-multicast', pathId: undefined, rd: parseRd('64512:1'), ethernetTag: 0, originator: hex('c0000201') };
    expect(evpnNlri.key({ ...imet, originator: hex('c0000202') })).to.not.equal(evpnNlri.key(imet));
    const es: EvpnRoute = { kind: 'ethernet-segment', pathId: undefined, rd: parseRd('64512:1'), esi: zeroEsi(), originator: hex('c0000201') };
    expect(evpnNlri.key({ ...es, originator: hex('c0000202') })).to.not.equal(evpnNlri.key(es));
  });

  it('formats as FRR prints EVPN prefixes', () => {
    expect(evpnNlri.format(base)).to.equal('[2]:[0]:[48]:[02:00:00:00:00:01]');
    expect(evpnNlri.format({ ...base, ip: hex('20010db8000000000000000000000001') })).to.equal('[2]:[0]:[48]:[02:00:00:00:00:01]:[128]:[2001:db8::1]');
    expect(
      evpnNlri.format({ kind: 'inclusive-multicast', pathId: undefined, rd: base.rd, ethernetTag: 0, originator: hex('20010db8000000000000000000000001') }),
    ).to.equal('[3]:[0]:[128]:[2001:db8::1]');
  });

  it('refuses to encode what cannot go on the wire', () => {
    const bad: EvpnRoute[] = [
      { ...base, mac: hex('0200000000') },
      { ...base, labels: [] },
      { ...base, labels: [1, 2, 3] },
      { ...base, labels: [0x1000000] },
      { ...base, ip: hex('c63364') },
      { ...base, rd: { type: 0, admin: 70000, assigned: 1 } },
      { ...base, rd: { type: 1, admin: 1, assigned: 70000 } },
      { ...base, ethernetTag: -1 },
      { kind: 'ip-prefix', pathId: undefined, rd: base.rd, esi: zeroEsi(), ethernetTag: 0, prefixLength: 33, prefix: hex('c6336400'), gateway: hex('00000000'), label: 1 },
      { kind: 'ip-prefix', pathId: undefined, rd: base.rd, esi: zeroEsi(), ethernetTag: 0, prefixLength: 24, prefix: hex('c6336400'), gateway: new Uint8Array(16), label: 1 },
      { kind: 'unknown', pathId: undefined, routeType: 9, data: new Uint8Array(256) },
      { kind: 'unknown', pathId: undefined, routeType: 2, data: new Uint8Array(33) },
      { kind: 'unknown', pathId: undefined, routeType: 256, data: new Uint8Array(1) },
    ];
    for (const route of bad) {
      expectTypedError(() => {
        const w = new Writer(new Uint8Array(600));
        evpnNlri.encode(route, w, ctx);
      }, 'ERR_BGP_ENCODE');
    }
  });

  it('registers as l2vpn-evpn, AFI 25 / SAFI 70, next hops of 4, 16 or 32 bytes', () => {
    const reg = registerEvpn(new NlriRegistry());
    expect(reg.get(25, 70)).to.equal(evpnNlri);
    expect(reg.byName('l2vpn-evpn')).to.equal(evpnNlri);
    expect(evpnNlri.nextHopLengths).to.deep.equal([4, 16, 32]);
    expect(() => registerEvpn(reg)).to.not.throw();
  });
});

import { expect } from 'chai';
import { Reader, Writer, fromHex, toHex } from '@evpn6/bgp';
import { checkVector, expectTypedError } from '../../bgp/test/support/vectors.js';
import type { EsiInfo, EvpnExtCommunity } from '../src/index.js';
import {
  EvpnError,
  EvpnErrorCode,
  TunnelEncapsulation,
  VtepAddress,
  autoRouteTarget,
  buildEsi,
  decodeExtCommunity,
  decodeRd,
  describeEsi,
  describeEsiText,
  encapsulation,
  encodeExtCommunity,
  encodeRd,
  extCommunityCodec,
  formatEsi,
  formatExtCommunity,
  formatRd,
  formatRouteTarget,
  macMobility,
  nextHopFromVtep,
  parseEsi,
  parseMac,
  parseRd,
  parseRouteTarget,
  pmsiAttributeCodec,
  pmsiFromAttribute,
  pmsiIngressReplication,
  rdFromIpv4,
  routeTargetEquals,
  routeTargetKey,
  routerMac,
  vtepFromNextHop,
} from '../src/index.js';

const hex = fromHex;

describe('route distinguisher', () => {
  const cases: Array<[string, { type: number; admin: number; assigned: number }, string]> = [
    ['64512:100', { type: 0, admin: 64512, assigned: 100 }, '0000fc0000000064'],
    ['64512:16777215', { type: 0, admin: 64512, assigned: 16777215 }, '0000fc0000ffffff'],
    ['192.0.2.1:100', { type: 1, admin: 0xc0000201, assigned: 100 }, '0001c00002010064'],
    ['64086.59905:300', { type: 2, admin: 4200000001, assigned: 300 }, '0002fa56ea01012c'],
  ];
  for (const [text, rd, wire] of cases) {
    it(`${text} parses, prints and goes on the wire as ${wire}`, () => {
      expect(parseRd(text)).to.deep.equal(rd);
      expect(formatRd(rd)).to.equal(text);
      const w = Writer.alloc(8);
      encodeRd(rd, w);
      expect(toHex(w.buf)).to.equal(wire);
      expect(decodeRd(new Reader(hex(wire)))).to.deep.equal(rd);
    });
  }
  it('a plain 4-byte AS (as FRR 8 prints) is a type 2 RD', () => {
    expect(parseRd('4200000001:300')).to.deep.equal({ type: 2, admin: 4200000001, assigned: 300 });
    expect(formatRd({ type: 2, admin: 4200000001, assigned: 300 }, { asNotation: 'asplain' })).to.equal('4200000001:300');
  });
  it('a type 2 RD with a small AS prints asdot so it parses back as type 2', () => {
    expect(formatRd({ type: 2, admin: 100, assigned: 5 })).to.equal('0.100:5');
    expect(parseRd('0.100:5')).to.deep.equal({ type: 2, admin: 100, assigned: 5 });
  });
  it('rdFromIpv4 builds router-id:N', () => {
    expect(rdFromIpv4('192.0.2.1', 7)).to.deep.equal({ type: 1, admin: 0xc0000201, assigned: 7 });
    expectTypedError(() => rdFromIpv4('192.0.2.1', 70000), EvpnErrorCode.value);
  });
  for (const bad of ['', '64512', ':100', '64512:', '192.0.2.1:65536', '70000:65536', '1.2.3:4', 'abc:1', '64512:4294967296', '65536.1:1', '4294967296:1', '192.0.2.256:1']) {
    it(`rejects "${bad}" with ${EvpnErrorCode.parse}`, () => {
      const e = expectTypedError(() => parseRd(bad), EvpnErrorCode.parse);
      expect(e).to.be.instanceOf(EvpnError);
    });
  }
  it('truncated RD is a typed error', () => {
    expectTypedError(() => decodeRd(new Reader(hex('0000fc00000000'))), 'ERR_BGP_TRUNCATED');
  });
});

describe('ESI', () => {
  const infos: Array<[EsiInfo, string, string]> = [
    [{ type: 'arbitrary', value: hex('112233445566778899') }, '00112233445566778899', 'ESI_ARBITRARY | 11:22:33:44:55:66:77:88:99'],
    [{ type: 'lacp', systemMac: parseMac('02:00:00:00:aa:01'), portKey: 4097 }, '01020000 00aa01100100', 'ESI_LACP | system mac 02:00:00:00:aa:01, port key 4097'],
    [{ type: 'mstp', bridgeMac: parseMac('02:00:00:00:aa:02'), priority: 32768 }, '02020000 00aa02800000', 'ESI_MSTP | bridge mac 02:00:00:00:aa:02, priority 32768'],
    [{ type: 'mac', systemMac: parseMac('02:00:00:00:aa:03'), localDiscriminator: 65537 }, '03020000 00aa03010001', 'ESI_MAC | system mac 02:00:00:00:aa:03, local discriminator 65537'],
    [{ type: 'router-id', routerId: '192.0.2.1', localDiscriminator: 7 }, '04c0000201 0000000700', 'ESI_ROUTERID | router id 192.0.2.1, local discriminator 7'],
    [{ type: 'as', as: 4200000001, localDiscriminator: 0xffffffff }, '05fa56ea01 ffffffff00', 'ESI_AS | as 4200000001, local discriminator 4294967295'],
    [{ type: 'unknown', esiType: 6, value: hex('010203040506070809') }, '06010203040506070809', 'ESI_UNKNOWN(6) | 01:02:03:04:05:06:07:08:09'],
  ];
  for (const [info, wire, text] of infos) {
    it(`type ${info.type}: fields <-> bytes ${wire.replace(/ /g, '')}`, () => {
      const esi = buildEsi(info);
      expect(toHex(esi)).to.equal(wire.replace(/ /g, ''));
      expect(describeEsi(esi)).to.deep.equal(info);
      expect(describeEsiText(esi)).to.equal(text);
      expect(parseEsi(formatEsi(esi))).to.deep.equal(esi);
    });
  }
  it('zero ESI reads as single-homed; bad input is a typed error', () => {
    expect(describeEsiText(new Uint8Array(10))).to.equal('single-homed');
    expectTypedError(() => parseEsi('00:11'), EvpnErrorCode.parse);
    expectTypedError(() => describeEsi(new Uint8Array(9)), EvpnErrorCode.value);
    expectTypedError(() => buildEsi({ type: 'lacp', systemMac: new Uint8Array(5), portKey: 1 }), EvpnErrorCode.value);
    expectTypedError(() => buildEsi({ type: 'mac', systemMac: new Uint8Array(6), localDiscriminator: 0x1000000 }), EvpnErrorCode.value);
    expectTypedError(() => buildEsi({ type: 'router-id', routerId: '2001:db8::1', localDiscriminator: 1 }), EvpnErrorCode.value);
  });
});

describe('extended communities', () => {
  const typed: Array<[string, EvpnExtCommunity, string]> = [
    ['0002fc0000000064', parseRouteTarget('64512:100'), 'RT:64512:100'],
    ['0102c0000201 0190', parseRouteTarget('192.0.2.1:400'), 'RT:192.0.2.1:400'],
    ['0202fa56ea01 012c', parseRouteTarget('64086.59905:300'), 'RT:64086.59905:300'],
    ['030c000000000008', encapsulation(), 'ET:8'],
    ['030c00000000000a', encapsulation(TunnelEncapsulation.MPLS), 'ET:10'],
    ['030d000000000000', { kind: 'default-gateway' }, 'Default Gateway'],
    ['0600000000000005', macMobility(5), 'MM:5'],
    ['0600010000010000', macMobility(65536, true), 'MM:65536, sticky MAC'],
    ['0601010000002937', { kind: 'esi-label', flags: 1, label: 10551 }, 'ESI-label-Rt:SA:10551'],
    ['060202000000aa01', { kind: 'es-import-route-target', mac: parseMac('02:00:00:00:aa:01') }, 'ES-Import-Rt:02:00:00:00:aa:01'],
    ['060302000000ff01', routerMac(parseMac('02:00:00:00:ff:01')), 'Rmac:02:00:00:00:ff:01'],
  ];
  for (const [wire, c, text] of typed) {
    it(`${text} <-> ${wire.replace(/ /g, '')}`, () => {
      expect(decodeExtCommunity(hex(wire))).to.deep.equal(c);
      expect(toHex(encodeExtCommunity(c))).to.equal(wire.replace(/ /g, ''));
      expect(formatExtCommunity(c)).to.equal(text);
    });
  }
  // Non-zero reserved octets, unknown types and non-transitive route targets stay raw.
  for (const wire of ['4002fc0000000064', '030c000100000008', '030d000000000001', '0601000100002937', '0600000100000005', '8006000000000000', '0607000000000000', '0303000000000000']) {
    checkVector(extCommunityCodec, { name: `raw ${wire}`, hex: wire, ctx: undefined, value: { kind: 'raw', bytes: hex(wire) } });
  }
  it('MAC mobility keeps flag bits it does not know', () => {
    expect(decodeExtCommunity(hex('0600030000000009'))).to.deep.equal({ kind: 'mac-mobility', flags: 3, sequence: 9 });
  });
  it('decodes at an offset and refuses short input with a typed error', () => {
    const buf = hex('ffff 0002fc0000000064');
    expect(decodeExtCommunity(buf, 2)).to.deep.equal(parseRouteTarget('64512:100'));
    expectTypedError(() => decodeExtCommunity(buf, 4), EvpnErrorCode.value);
  });
  it('refuses to encode out-of-range values', () => {
    expectTypedError(() => encodeExtCommunity({ kind: 'route-target', format: 'as2', admin: 65536, assigned: 1 }), 'ERR_BGP_ENCODE');
    expectTypedError(() => encodeExtCommunity({ kind: 'route-target', format: 'ipv4', admin: 1, assigned: 65536 }), 'ERR_BGP_ENCODE');
    expectTypedError(() => encodeExtCommunity({ kind: 'esi-label', flags: 0, label: 0x1000000 }), 'ERR_BGP_ENCODE');
    expectTypedError(() => encodeExtCommunity({ kind: 'raw', bytes: new Uint8Array(7) }), 'ERR_BGP_ENCODE');
  });
});

describe('route targets', () => {
  it('parse and print as GoBGP does', () => {
    for (const t of ['64512:100', '64512:4294967295', '192.0.2.1:65535', '64086.59905:300']) expect(formatRouteTarget(parseRouteTarget(t))).to.equal(t);
    expect(parseRouteTarget('4200000001:300')).to.deep.equal(parseRouteTarget('64086.59905:300'));
    expect(formatRouteTarget(parseRouteTarget('64086.59905:300'), { asNotation: 'asplain' })).to.equal('4200000001:300');
    expectTypedError(() => parseRouteTarget('4200000001:70000'), EvpnErrorCode.parse);
  });
  it('keys and equality follow the wire form', () => {
    const a = parseRouteTarget('64512:100');
    expect(routeTargetEquals(a, parseRouteTarget('64512:100'))).to.equal(true);
    expect(routeTargetEquals(a, parseRouteTarget('0.64512:100'))).to.equal(false);
    expect(routeTargetKey(a)).to.not.equal(routeTargetKey(parseRouteTarget('0.64512:100')));
  });
  it('auto RT (RFC 8365 §5.1.2.1): AS:VNI with Type=1 (VXLAN), as FRR emits with autort rfc8365-compatible', () => {
    const rt = autoRouteTarget(64512, 10550);
    expect(toHex(encodeExtCommunity(rt))).to.equal('0002fc0010002936');
    expect(formatRouteTarget(rt)).to.equal('64512:268446006');
  });
  it("auto RT without the type bits is FRR's default AS:VNI; a 4-octet AS contributes its low 16 bits", () => {
    expect(formatRouteTarget(autoRouteTarget(64512, 10550, { rfc8365: false }))).to.equal('64512:10550');
    expect(toHex(encodeExtCommunity(autoRouteTarget(4200000001, 300, { rfc8365: false })))).to.equal('0002ea010000012c');
    expectTypedError(() => autoRouteTarget(64512, 0x1000000), EvpnErrorCode.value);
  });
});

describe('VTEP addresses and next hops', () => {
  it('takes 4, 16 or 32-byte next hops (the global address of a 32-byte one)', () => {
    expect(vtepFromNextHop(hex('c0000201')).toString()).to.equal('192.0.2.1');
    const v6 = vtepFromNextHop(hex('20010db8000000010000000000000011'));
    expect(v6.family).to.equal(6);
    expect(v6.toString()).to.equal('2001:db8:0:1::11');
    const both = vtepFromNextHop(hex('20010db8000000010000000000000011 fe800000000000000000000000000011'));
    expect(both.equals(v6)).to.equal(true);
    expect(both.key).to.equal(v6.key);
  });
  it('never invents a VTEP: bad lengths and the unspecified or a multicast address are errors', () => {
    for (const h of ['', 'c00002', 'c000020100', '00000000', '00000000000000000000000000000000', 'ff020000000000000000000000000001', 'e0000001', '20010db8'.repeat(5)]) {
      expectTypedError(() => vtepFromNextHop(hex(h)), EvpnErrorCode.vtep);
    }
  });
  it('parses text, compares IPv4 before IPv6, and round-trips to a next hop', () => {
    const a = VtepAddress.parse('2001:DB8:0:1:0:0:0:11');
    expect(a.key).to.equal('2001:db8:0:1::11');
    expect(JSON.stringify({ a })).to.equal('{"a":"2001:db8:0:1::11"}');
    const list = ['2001:db8::2', '192.0.2.9', '2001:db8::1', '192.0.2.1'].map((t) => VtepAddress.parse(t)).sort((x, y) => x.compare(y));
    expect(list.map(String)).to.deep.equal(['192.0.2.1', '192.0.2.9', '2001:db8::1', '2001:db8::2']);
    expect(toHex(nextHopFromVtep(a))).to.equal('20010db8000000010000000000000011');
    expectTypedError(() => VtepAddress.parse('not an address'), EvpnErrorCode.parse);
  });
  it('copies the bytes it is given', () => {
    const b = hex('c0000201');
    const v = VtepAddress.fromBytes(b);
    b[3] = 9;
    expect(v.toString()).to.equal('192.0.2.1');
  });
});

describe('PMSI tunnel (ingress replication)', () => {
  const v6 = VtepAddress.parse('2001:db8:0:1::11');
  const v4 = VtepAddress.parse('192.0.2.1');
  const encode = (a: ReturnType<typeof pmsiIngressReplication>) => {
    const w = Writer.alloc(pmsiAttributeCodec.encodedLength(a, undefined));
    pmsiAttributeCodec.encode(a, w, undefined);
    return toHex(w.buf);
  };
  it('an IPv6 VTEP gets the 21-byte attribute, VNI in the label field (GoBGP line 19 bytes)', () => {
    expect(encode(pmsiIngressReplication(10550, v6))).to.equal('000600293620010db8000000010000000000000011');
  });
  it('an IPv4 VTEP gets the 9-byte attribute (GoBGP line 22 bytes)', () => {
    expect(encode(pmsiIngressReplication(400, v4))).to.equal('0006000190c0000201');
  });
  it('ipv4Form sends an IPv4-mapped endpoint as 4 bytes for old peers', () => {
    const mapped = VtepAddress.parse('::ffff:192.0.2.1');
    expect(encode(pmsiIngressReplication(10550, mapped, { ipv4Form: true }))).to.equal('0006002936c0000201');
    expect(encode(pmsiIngressReplication(10550, mapped))).to.equal('000600293600000000000000000000ffffc0000201');
    expectTypedError(() => pmsiIngressReplication(10550, v6, { ipv4Form: true }), EvpnErrorCode.vtep);
  });
  it('leaf-info-required sets flag 0x01', () => {
    expect(encode(pmsiIngressReplication(300, v6, { leafInfoRequired: true }))).to.equal('010600012c20010db8000000010000000000000011');
  });
  it('reads both forms back to the VTEP and VNI', () => {
    for (const [h, vni, ep] of [
      ['0006000190c0000201', 400, '192.0.2.1'],
      ['000600293620010db8000000010000000000000011', 10550, '2001:db8:0:1::11'],
    ] as const) {
      const t = pmsiFromAttribute(pmsiAttributeCodec.decode(new Reader(hex(h)), undefined));
      expect(t.kind).to.equal('ingress-replication');
      if (t.kind !== 'ingress-replication') continue;
      expect(t.vni).to.equal(vni);
      expect(t.endpoint.toString()).to.equal(ep);
      expect(t.leafInfoRequired).to.equal(false);
    }
  });
  it('an ingress-replication endpoint of another length is ERR_EVPN_VTEP; other tunnel types pass through', () => {
    expectTypedError(() => pmsiFromAttribute({ tunnelFlags: 0, tunnelType: 6, label: 1, tunnelId: new Uint8Array(8) }), EvpnErrorCode.vtep);
    expectTypedError(() => pmsiFromAttribute({ tunnelFlags: 0, tunnelType: 6, label: 1, tunnelId: new Uint8Array(4) }), EvpnErrorCode.vtep);
    const other = { tunnelFlags: 0, tunnelType: 3, label: 0, tunnelId: hex('c0000201e0000001') };
    expect(pmsiFromAttribute(other)).to.deep.equal({ kind: 'other', attribute: other });
  });
  it('rejects a VNI over 24 bits', () => {
    expectTypedError(() => pmsiIngressReplication(0x1000000, v6), EvpnErrorCode.value);
  });
});

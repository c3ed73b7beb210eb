import { expect } from 'chai';
import type { CodecContext, ExtendedCommunitiesAttribute, IpPrefix, PathAttribute, PmsiTunnelAttribute, UnknownAttribute, UpdateMessage } from '../src/index.js';
import {
  AttrType,
  attributeCode,
  buildUpdate,
  createContext,
  EncodeError,
  endOfRib,
  endOfRibFamily,
  familyKey,
  formatIp,
  fromHex,
  getAttribute,
  isRawNlri,
  parsePrefix,
  prefixToString,
  Reader,
  toHex,
  updateBody,
} from '../src/index.js';
import { checkVector, decodeAll, encodeToBytes, expectTypedError } from './support/vectors.js';
import { GOBGP_UPDATE_BODIES } from './vectors/update-gobgp.js';
import { EOR_EVPN_HEX, EOR_IPV4_HEX, EOR_IPV6_HEX, IPV4_ADDPATH, IPV4_ADDPATH_HEX, IPV4_EVERY_ATTRIBUTE, IPV4_EVERY_ATTRIBUTE_HEX, IPV6_ADDPATH_HEX } from './vectors/update-handmade.js';

const ctx = createContext();
const twoOctet = createContext({ fourOctetAs: false });
const addPathV6 = createContext({ addPath: [familyKey(2, 1)] });
const addPathV4 = createContext({ addPath: [familyKey(1, 1)] });

const decode = (hex: string, c: CodecContext = ctx): UpdateMessage => decodeAll(updateBody, fromHex(hex), c);
const prefixes = (list: readonly IpPrefix[]) => list.map((p) => `${p.pathId ?? '-'} ${prefixToString(p)}`);
const hexes = (list: readonly Uint8Array[]) => list.map(toHex);

describe('UPDATE: GoBGP 3.10 EVPN capture (every UPDATE it sent)', () => {
  for (const v of GOBGP_UPDATE_BODIES) checkVector(updateBody, { name: `messages.hex.txt line ${v.line}`, hex: v.body, ctx });

  const adds = GOBGP_UPDATE_BODIES.slice(0, 25).map((v) => decode(v.body));
  const withdrawals = GOBGP_UPDATE_BODIES.slice(25).map((v) => decode(v.body));

  it('has 25 announcements and 5 withdrawals, none with an RFC 7606 problem', () => {
    expect(GOBGP_UPDATE_BODIES.length).to.equal(30);
    for (const m of [...adds, ...withdrawals]) expect(m.report).to.equal(undefined);
  });
  it('announcements: ORIGIN INCOMPLETE, empty AS_PATH, LOCAL_PREF 100 (iBGP), no NEXT_HOP, no body NLRI', () => {
    for (const m of adds) {
      expect(m.withdrawn).to.deep.equal([]);
      expect(m.nlri).to.deep.equal([]);
      expect(getAttribute(m.attributes, AttrType.ORIGIN)?.origin).to.equal(2);
      expect(getAttribute(m.attributes, AttrType.AS_PATH)?.segments).to.deep.equal([]);
      expect(getAttribute(m.attributes, AttrType.LOCAL_PREF)?.localPref).to.equal(100);
      expect(getAttribute(m.attributes, AttrType.NEXT_HOP)).to.equal(undefined);
    }
  });
  it('announcements: MP_REACH_NLRI l2vpn/evpn with the 16-byte next hop 2001:db8:0:1::11, NLRI raw (no EVPN codec here)', () => {
    for (const m of adds) {
      const mp = getAttribute(m.attributes, AttrType.MP_REACH_NLRI)!;
      expect([mp.afi, mp.safi, mp.reserved]).to.deep.equal([25, 70, 0]);
      expect(formatIp(mp.nextHop)).to.equal('2001:db8:0:1::11');
      expect(isRawNlri(mp.nlri)).to.equal(true);
      // GoBGP sends one route per UPDATE: route type, length, then exactly that many bytes.
      if (isRawNlri(mp.nlri)) expect(mp.nlri.bytes[1]! + 2).to.equal(mp.nlri.bytes.length);
    }
  });
  it('announcements: the route targets and encapsulation communities asked for in commands.txt', () => {
    const ext = (m: UpdateMessage) => hexes((getAttribute(m.attributes, AttrType.EXTENDED_COMMUNITIES) as ExtendedCommunitiesAttribute).communities);
    // a-d esi ARBITRARY ... rt 64512:100 encap vxlan
    expect(ext(adds[0]!)).to.deep.equal(['0002fc0000000064', '030c000000000008']);
    // a-d esi MAC ... rd 64086.59905:300 rt 64086.59905:300 (4-octet AS RT, no encap)
    expect(ext(adds[3]!)).to.deep.equal(['0202fa56ea01012c']);
    // a-d esi ROUTERID ... rt 192.0.2.1:400 encap vxlan (IPv4-address RT)
    expect(ext(adds[4]!)).to.deep.include('0102c00002010190');
    // a-d esi AS ... rt 64512:500 encap mpls (tunnel type 10)
    expect(ext(adds[5]!)).to.deep.equal(['0002fc00000001f4', '030c00000000000a']);
  });
  it('IMET announcements carry a PMSI tunnel: ingress replication, label = VNI, endpoint as given', () => {
    const pmsi = adds.map((m) => getAttribute(m.attributes, AttrType.PMSI_TUNNEL));
    const imet = pmsi.slice(14, 18) as PmsiTunnelAttribute[];
    expect(pmsi.filter((p) => p !== undefined).length).to.equal(4);
    for (const p of imet) expect(p.tunnelType).to.equal(6);
    expect([imet[0]!.tunnelFlags, imet[0]!.label, formatIp(imet[0]!.tunnelId)]).to.deep.equal([0, 10550, '2001:db8:0:1::11']);
    expect(imet[1]!.label).to.equal(16777215);
    expect([imet[2]!.tunnelFlags, imet[2]!.label]).to.deep.equal([1, 300]); // leaf-info-required
    expect([imet[3]!.label, formatIp(imet[3]!.tunnelId)]).to.deep.equal([400, '192.0.2.1']);
    // An IPv6 endpoint makes the 21-byte attribute stock FRR 8.4 rejects.
    expect(5 + imet[0]!.tunnelId.length).to.equal(21);
  });
  it('withdrawals: a lone MP_UNREACH_NLRI for l2vpn/evpn with raw routes, not an End-of-RIB', () => {
    for (const m of withdrawals) {
      expect(m.attributes.length).to.equal(1);
      const mp = getAttribute(m.attributes, AttrType.MP_UNREACH_NLRI)!;
      expect([mp.afi, mp.safi]).to.deep.equal([25, 70]);
      expect(isRawNlri(mp.withdrawn) && mp.withdrawn.bytes.length > 0).to.equal(true);
      expect(endOfRibFamily(m)).to.equal(undefined);
    }
  });
  it('keeps the attribute wire order (GoBGP puts MP_REACH after LOCAL_PREF)', () => {
    expect(adds[14]!.attributes.map(attributeCode)).to.deep.equal([1, 2, 5, 14, 16, 22]);
  });
});

describe('UPDATE: hand-made vectors', () => {
  const v4NlriStart = (IPV4_EVERY_ATTRIBUTE.withdrawn.length + IPV4_EVERY_ATTRIBUTE.attributes.length) / 2;
  checkVector(updateBody, {
    name: 'IPv4 unicast, 2-octet AS, every attribute',
    hex: IPV4_EVERY_ATTRIBUTE_HEX,
    ctx: twoOctet,
    // Cut exactly where the NLRI start, the UPDATE is a valid one without NLRI.
    truncationMayDecode: (cut) => cut === v4NlriStart,
  });
  checkVector(updateBody, { name: 'IPv6 unicast, 4-octet AS, ADD-PATH, 32-byte next hop', hex: IPV6_ADDPATH_HEX, ctx: addPathV6 });
  const headLength = IPV4_ADDPATH.head.length / 2;
  checkVector(updateBody, {
    name: 'IPv4 unicast with ADD-PATH',
    hex: IPV4_ADDPATH_HEX,
    ctx: addPathV4,
    truncationMayDecode: (cut) => cut === headLength || cut === headLength + IPV4_ADDPATH.nlri[0]!.length / 2,
  });
  checkVector(updateBody, { name: 'End-of-RIB IPv4 unicast', hex: EOR_IPV4_HEX, ctx });
  checkVector(updateBody, { name: 'End-of-RIB IPv6 unicast', hex: EOR_IPV6_HEX, ctx });
  checkVector(updateBody, { name: 'End-of-RIB l2vpn/evpn (unregistered family)', hex: EOR_EVPN_HEX, ctx });

  it('IPv4 vector: every field decodes to what the comments say', () => {
    const m = decode(IPV4_EVERY_ATTRIBUTE_HEX, twoOctet);
    expect(m.report).to.equal(undefined);
    expect(prefixes(m.withdrawn)).to.deep.equal(['- 198.51.100.0/24']);
    expect(prefixes(m.nlri)).to.deep.equal(['- 192.0.2.128/25']);
    const a = m.attributes;
    expect(a.map(attributeCode)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 16, 17, 18, 22, 32, 240, 241]);
    expect(getAttribute(a, AttrType.ORIGIN)!.origin).to.equal(0);
    expect(getAttribute(a, AttrType.AS_PATH)!.segments).to.deep.equal([
      { type: 2, asns: [23456, 64501] },
      { type: 1, asns: [64510] },
    ]);
    expect(formatIp(getAttribute(a, AttrType.NEXT_HOP)!.nextHop)).to.equal('192.0.2.1');
    expect(getAttribute(a, AttrType.MULTI_EXIT_DISC)!.med).to.equal(50);
    expect(getAttribute(a, AttrType.LOCAL_PREF)!.localPref).to.equal(200);
    expect(getAttribute(a, AttrType.ATOMIC_AGGREGATE)).to.deep.equal({ type: 'ATOMIC_AGGREGATE', flags: 0x40 });
    const agg = getAttribute(a, AttrType.AGGREGATOR)!;
    expect([agg.asn, formatIp(agg.address)]).to.deep.equal([23456, '192.0.2.2']);
    expect(getAttribute(a, AttrType.COMMUNITIES)!.communities).to.deep.equal([0xfbf40064, 0xffffff01]);
    expect(getAttribute(a, AttrType.ORIGINATOR_ID)!.originatorId).to.equal(0xc0000209);
    expect(getAttribute(a, AttrType.CLUSTER_LIST)!.clusterIds).to.deep.equal([0xc0000201, 0xc0000202]);
    expect(hexes(getAttribute(a, AttrType.EXTENDED_COMMUNITIES)!.communities)).to.deep.equal(['0002fbf400000064']);
    expect(getAttribute(a, AttrType.AS4_PATH)!.segments).to.deep.equal([{ type: 2, asns: [65536, 64501] }]);
    expect(getAttribute(a, AttrType.AS4_AGGREGATOR)!.asn).to.equal(65536);
    const pmsi = getAttribute(a, AttrType.PMSI_TUNNEL)!;
    expect([pmsi.tunnelFlags, pmsi.tunnelType, pmsi.label, formatIp(pmsi.tunnelId)]).to.deep.equal([0, 6, 10550, '192.0.2.1']);
    expect(getAttribute(a, AttrType.LARGE_COMMUNITY)!.communities).to.deep.equal([{ globalAdmin: 64500, localData1: 1, localData2: 2 }]);
    expect(getAttribute(a, 240)).to.deep.equal({ type: 'UNKNOWN', flags: 0xc0, code: 240, value: fromHex('aabbcc') });
    expect(getAttribute(a, 241)).to.deep.equal({ type: 'UNKNOWN', flags: 0xd0, code: 241, value: fromHex('1234') });
  });
  it('IPv6 vector: MP_UNREACH and MP_REACH with path ids, 32-byte next hop, extended length kept', () => {
    const m = decode(IPV6_ADDPATH_HEX, addPathV6);
    expect(m.report).to.equal(undefined);
    const un = getAttribute(m.attributes, AttrType.MP_UNREACH_NLRI)!;
    expect(prefixes(un.withdrawn as IpPrefix[])).to.deep.equal(['1 2001:db8::/32']);
    const mp = getAttribute(m.attributes, AttrType.MP_REACH_NLRI)!;
    expect(mp.flags).to.equal(0x90);
    expect(mp.nextHop.length).to.equal(32);
    expect([formatIp(mp.nextHop.subarray(0, 16)), formatIp(mp.nextHop.subarray(16))]).to.deep.equal(['2001:db8::1', 'fe80::1']);
    expect(prefixes(mp.nlri as IpPrefix[])).to.deep.equal(['7 2001:db8:1::/48', '8 2001:db8:2::/64']);
    expect(getAttribute(m.attributes, AttrType.AS_PATH)!.segments).to.deep.equal([{ type: 2, asns: [64500, 65536] }]);
  });
  it('IPv4 ADD-PATH vector: path ids on withdrawn routes and NLRI', () => {
    const m = decode(IPV4_ADDPATH_HEX, addPathV4);
    expect(prefixes(m.withdrawn)).to.deep.equal(['5 198.51.100.0/24']);
    expect(prefixes(m.nlri)).to.deep.equal(['1 192.0.2.128/25', '2 192.0.2.1/32']);
  });
  it('the same bytes read differently without ADD-PATH (the session decides, not the bytes)', () => {
    expectTypedError(() => decode(IPV4_ADDPATH_HEX, ctx));
  });
});

describe('UPDATE: End-of-RIB', () => {
  it('builds and recognises the IPv4 marker (an empty UPDATE)', () => {
    expect(toHex(encodeToBytes(updateBody, endOfRib(), ctx))).to.equal(EOR_IPV4_HEX);
    expect(endOfRibFamily(decode(EOR_IPV4_HEX))).to.deep.equal({ afi: 1, safi: 1 });
  });
  it('builds and recognises other families (a lone empty MP_UNREACH), registered or not', () => {
    expect(toHex(encodeToBytes(updateBody, endOfRib(2, 1), ctx))).to.equal(EOR_IPV6_HEX);
    expect(toHex(encodeToBytes(updateBody, endOfRib(25, 70), ctx))).to.equal(EOR_EVPN_HEX);
    expect(endOfRibFamily(decode(EOR_IPV6_HEX))).to.deep.equal({ afi: 2, safi: 1 });
    expect(endOfRibFamily(decode(EOR_EVPN_HEX))).to.deep.equal({ afi: 25, safi: 70 });
  });
  it('is not fooled by an UPDATE that carries anything else', () => {
    expect(endOfRibFamily(decode(IPV6_ADDPATH_HEX, addPathV6))).to.equal(undefined);
    expect(endOfRibFamily(buildUpdate({ withdrawn: ['192.0.2.0/24'] }))).to.equal(undefined);
    expect(endOfRibFamily({ ...endOfRib(2, 1), attributes: [...endOfRib(2, 1).attributes, { type: 'ORIGIN', origin: 0 }] })).to.equal(undefined);
  });
});

describe('UPDATE: building from a description', () => {
  it('an IPv4 route, attribute by attribute', () => {
    const m = buildUpdate({ nlri: ['192.0.2.0/24'], nextHop: '192.0.2.1', localPref: 100 });
    // ORIGIN IGP and an empty AS_PATH are supplied; attributes in type order.
    expect(toHex(encodeToBytes(updateBody, m, ctx))).to.equal('0000' + '0015' + '40010100' + '400200' + '400304c0000201' + '40050400000064' + '18c00002');
  });
  it('an EVPN route like GoBGP\'s IMET: the same attributes, MP_REACH first (RFC 7606 §5.1)', () => {
    const gobgp = decode(GOBGP_UPDATE_BODIES[14]!.body);
    const mp = getAttribute(gobgp.attributes, AttrType.MP_REACH_NLRI)!;
    const ext = getAttribute(gobgp.attributes, AttrType.EXTENDED_COMMUNITIES)!;
    const pmsi = getAttribute(gobgp.attributes, AttrType.PMSI_TUNNEL)!;
    const built = buildUpdate({
      origin: 'incomplete',
      localPref: 100,
      mpReach: { afi: 25, safi: 70, nextHop: '2001:db8:0:1::11', nlri: mp.nlri },
      extendedCommunities: ext.communities,
      pmsiTunnel: { tunnelType: 6, label: 10550, tunnelId: '2001:db8:0:1::11' },
    });
    expect(built.attributes.map(attributeCode)).to.deep.equal([14, 1, 2, 5, 16, 22]);
    const again = decode(toHex(encodeToBytes(updateBody, built, ctx)));
    const byCode = (attrs: readonly PathAttribute[]) => [...attrs].sort((x, y) => attributeCode(x) - attributeCode(y));
    expect(byCode(again.attributes)).to.deep.equal(byCode(gobgp.attributes));
    expect(pmsi.tunnelId.length).to.equal(16);
  });
  it('IPv6 with a link-local next hop, communities as text, AS path as numbers', () => {
    const m = buildUpdate({
      asPath: [64500, 65536],
      communities: ['64500:100', 0xffffff02],
      originatorId: '192.0.2.9',
      clusterList: ['192.0.2.1'],
      mpReach: { afi: 2, safi: 1, nextHop: ['2001:db8::1', 'fe80::1'], nlri: [parsePrefix('2001:db8::/32')] },
    });
    const back = decode(toHex(encodeToBytes(updateBody, m, ctx)));
    expect(back.report).to.equal(undefined);
    expect(getAttribute(back.attributes, AttrType.MP_REACH_NLRI)!.nextHop.length).to.equal(32);
    expect(getAttribute(back.attributes, AttrType.COMMUNITIES)!.communities).to.deep.equal([0xfbf40064, 0xffffff02]);
    expect(getAttribute(back.attributes, AttrType.ORIGINATOR_ID)!.originatorId).to.equal(0xc0000209);
    expect(getAttribute(back.attributes, AttrType.AS_PATH)!.segments).to.deep.equal([{ type: 2, asns: [64500, 65536] }]);
  });
  it('sets EXTENDED_LENGTH by itself when a value passes 255 bytes, and reads it back', () => {
    const asns = Array.from({ length: 300 }, (_, i) => 65536 + i);
    const bytes = encodeToBytes(updateBody, buildUpdate({ asPath: asns, mpReach: { afi: 2, safi: 1, nextHop: '2001:db8::1', nlri: [] } }), ctx);
    const back = decode(toHex(bytes));
    const path = getAttribute(back.attributes, AttrType.AS_PATH)!;
    expect(path.flags).to.equal(0x50);
    expect(path.segments.map((s) => s.asns.length)).to.deep.equal([255, 45]);
    expect(path.segments.flatMap((s) => s.asns)).to.deep.equal(asns);
  });
  it('refuses what cannot be sent: IPv4 NLRI without a next hop, a 4-octet AS on a 2-octet session, no path id under ADD-PATH, too big', () => {
    expectTypedError(() => buildUpdate({ nlri: ['192.0.2.0/24'] }), 'ERR_BGP_ENCODE');
    const big = buildUpdate({ nlri: ['192.0.2.0/24'], nextHop: '192.0.2.1', asPath: [65536] });
    expectTypedError(() => encodeToBytes(updateBody, big, twoOctet), 'ERR_BGP_ENCODE');
    expectTypedError(() => encodeToBytes(updateBody, buildUpdate({ nlri: ['192.0.2.0/24'], nextHop: '192.0.2.1' }), addPathV4), 'ERR_BGP_ENCODE');
    const many = buildUpdate({ nlri: Array.from({ length: 1100 }, (_, i) => `192.0.2.${i % 256}/32`), nextHop: '192.0.2.1' });
    expect(() => updateBody.encodedLength(many, ctx)).to.throw(EncodeError);
    expect(updateBody.encodedLength(many, createContext({ extendedMessage: true }))).to.be.greaterThan(4096);
  });
});

describe('UPDATE: decoding details', () => {
  it('keeps NLRI host bits and copies everything kept (the input buffer may be reused)', () => {
    const buf = fromHex(IPV4_EVERY_ATTRIBUTE_HEX);
    const m = updateBody.decode(new Reader(buf), twoOctet);
    buf.fill(0);
    expect(formatIp(getAttribute(m.attributes, AttrType.NEXT_HOP)!.nextHop)).to.equal('192.0.2.1');
    expect(toHex((getAttribute(m.attributes, 240) as UnknownAttribute).value)).to.equal('aabbcc');
    expect(prefixToString(m.nlri[0]!)).to.equal('192.0.2.128/25');
  });
  it('reads a too-short body as a header length error (1/2) carrying the message length', () => {
    const err = expectTypedError(() => updateBody.decode(new Reader(fromHex('000000')), ctx), 'ERR_BGP_NOTIFICATION') as unknown as {
      errorCode: number;
      errorSubcode: number;
      data: Uint8Array;
    };
    expect([err.errorCode, err.errorSubcode, toHex(err.data)]).to.deep.equal([1, 2, '0016']);
  });
});

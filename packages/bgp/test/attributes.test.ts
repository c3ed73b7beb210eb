import { expect } from 'chai';
import type { Codec, CodecContext, IpPrefix, PathAttribute } from '../src/index.js';
import {
  aggregatorAttribute,
  as4AggregatorAttribute,
  as4PathAttribute,
  asPathAttribute,
  asPathLength,
  atomicAggregateAttribute,
  AttrType,
  attributesForReadvertisement,
  AttributeError,
  clusterListAttribute,
  communitiesAttribute,
  createContext,
  extendedCommunitiesAttribute,
  familyKey,
  formatCommunity,
  fromHex,
  getAttribute,
  largeCommunityAttribute,
  localPrefAttribute,
  MALFORMED_ATTRIBUTE,
  mpReachAttribute,
  mpUnreachAttribute,
  multiExitDiscAttribute,
  nextHopAttribute,
  originAttribute,
  originatorIdAttribute,
  parseCommunity,
  parseIp,
  pathAttribute,
  reconstructAsPath,
  pmsiTunnelAttribute,
  Rfc7606Reason,
  splitNextHop,
  toHex,
  unknownAttribute,
} from '../src/index.js';
import { checkVector, decodeAll, encodeToBytes, expectTypedError } from './support/vectors.js';

const ctx = createContext();
const v6Prefix = (pathId: number | undefined): IpPrefix => ({ pathId, length: 32, address: parseIp('2001:db8::') });
const twoOctet = createContext({ fourOctetAs: false });
const addPathV6 = createContext({ addPath: [familyKey(2, 1)] });

interface AttrVector {
  name: string;
  codec: Codec<PathAttribute>;
  hex: string;
  ctx: CodecContext;
  value: PathAttribute;
}

const V = (name: string, codec: unknown, hex: string, value: PathAttribute, c: CodecContext = ctx): AttrVector => ({
  name,
  codec: codec as Codec<PathAttribute>,
  hex,
  ctx: c,
  value,
});

const VECTORS: AttrVector[] = [
  V('ORIGIN EGP', originAttribute, '40010101', { type: 'ORIGIN', flags: 0x40, origin: 1 }),
  V('AS_PATH 2-octet', asPathAttribute, '40020a02025ba0fbf50101fbfe', { type: 'AS_PATH', flags: 0x40, segments: [{ type: 2, asns: [23456, 64501] }, { type: 1, asns: [64510] }] }, twoOctet),
  V('AS_PATH 4-octet with confederation segments', asPathAttribute, '400210' + '030100010000' + '020200000001fffffffe', {
    type: 'AS_PATH',
    flags: 0x40,
    segments: [{ type: 3, asns: [65536] }, { type: 2, asns: [1, 0xfffffffe] }],
  }),
  V('AS_PATH empty', asPathAttribute, '400200', { type: 'AS_PATH', flags: 0x40, segments: [] }),
  V('NEXT_HOP', nextHopAttribute, '400304c0000201', { type: 'NEXT_HOP', flags: 0x40, nextHop: parseIp('192.0.2.1') }),
  V('MULTI_EXIT_DISC', multiExitDiscAttribute, '80040400000032', { type: 'MULTI_EXIT_DISC', flags: 0x80, med: 50 }),
  V('LOCAL_PREF', localPrefAttribute, '40050400000064', { type: 'LOCAL_PREF', flags: 0x40, localPref: 100 }),
  V('ATOMIC_AGGREGATE', atomicAggregateAttribute, '400600', { type: 'ATOMIC_AGGREGATE', flags: 0x40 }),
  V('AGGREGATOR 4-octet', aggregatorAttribute, 'c0070800010000c0000202', { type: 'AGGREGATOR', flags: 0xc0, asn: 65536, address: parseIp('192.0.2.2') }),
  V('AGGREGATOR 2-octet', aggregatorAttribute, 'c007065ba0c0000202', { type: 'AGGREGATOR', flags: 0xc0, asn: 23456, address: parseIp('192.0.2.2') }, twoOctet),
  V('COMMUNITIES', communitiesAttribute, 'c00808fbf40064ffffff01', { type: 'COMMUNITIES', flags: 0xc0, communities: [0xfbf40064, 0xffffff01] }),
  V('ORIGINATOR_ID', originatorIdAttribute, '800904c0000209', { type: 'ORIGINATOR_ID', flags: 0x80, originatorId: 0xc0000209 }),
  V('CLUSTER_LIST', clusterListAttribute, '800a08c0000201c0000202', { type: 'CLUSTER_LIST', flags: 0x80, clusterIds: [0xc0000201, 0xc0000202] }),
  V('MP_REACH_NLRI IPv6, 32-byte next hop, ADD-PATH', mpReachAttribute, '800e2e' + '000201' + '20' + '20010db8000000000000000000000001' + 'fe800000000000000000000000000001' + '00' + '00000009' + '2020010db8', {
    type: 'MP_REACH_NLRI',
    flags: 0x80,
    afi: 2,
    safi: 1,
    nextHop: fromHex('20010db8000000000000000000000001fe800000000000000000000000000001'),
    reserved: 0,
    nlri: [v6Prefix(9)],
  }, addPathV6),
  V('MP_REACH_NLRI unregistered family, odd next hop, reserved byte 1', mpReachAttribute, '800e0a' + '001946' + '03' + 'aabbcc' + '01' + 'dead', {
    type: 'MP_REACH_NLRI',
    flags: 0x80,
    afi: 25,
    safi: 70,
    nextHop: fromHex('aabbcc'),
    reserved: 1,
    nlri: { kind: 'raw', bytes: fromHex('dead') },
  }),
  V('MP_UNREACH_NLRI IPv6', mpUnreachAttribute, '800f08' + '000201' + '2020010db8', {
    type: 'MP_UNREACH_NLRI',
    flags: 0x80,
    afi: 2,
    safi: 1,
    withdrawn: [v6Prefix(undefined)],
  }),
  V('EXTENDED_COMMUNITIES', extendedCommunitiesAttribute, 'c01010' + '0002fc0000000064' + '030c000000000008', {
    type: 'EXTENDED_COMMUNITIES',
    flags: 0xc0,
    communities: [fromHex('0002fc0000000064'), fromHex('030c000000000008')],
  }),
  V('AS4_PATH', as4PathAttribute, 'c0110a' + '0202' + '00010000' + '0000fbf5', { type: 'AS4_PATH', flags: 0xc0, segments: [{ type: 2, asns: [65536, 64501] }] }, twoOctet),
  V('AS4_AGGREGATOR', as4AggregatorAttribute, 'c0120800010000c0000202', { type: 'AS4_AGGREGATOR', flags: 0xc0, asn: 65536, address: parseIp('192.0.2.2') }, twoOctet),
  V('PMSI_TUNNEL IPv6 ingress replication (21 bytes)', pmsiTunnelAttribute, 'c01615' + '00' + '06' + '002936' + '20010db8000000010000000000000011', {
    type: 'PMSI_TUNNEL',
    flags: 0xc0,
    tunnelFlags: 0,
    tunnelType: 6,
    label: 10550,
    tunnelId: parseIp('2001:db8:0:1::11'),
  }),
  V('LARGE_COMMUNITY', largeCommunityAttribute, 'c0200c' + '0000fbf4' + '00000001' + '00000002', { type: 'LARGE_COMMUNITY', flags: 0xc0, communities: [{ globalAdmin: 64500, localData1: 1, localData2: 2 }] }),
  V('unknown, extended length on a short value', unknownAttribute, 'd0f10002' + '1234', { type: 'UNKNOWN', flags: 0xd0, code: 241, value: fromHex('1234') }),
  V('LOCAL_PREF with extended length and unused flag bits', localPrefAttribute, '5f05000400000064', { type: 'LOCAL_PREF', flags: 0x5f, localPref: 100 }),
];

describe('path attributes: golden vectors', () => {
  for (const v of VECTORS) {
    checkVector(v.codec, { name: v.name, hex: v.hex, ctx: v.ctx, value: v.value });
    checkVector(pathAttribute, { name: `${v.name} (through pathAttribute)`, hex: v.hex, ctx: v.ctx, value: v.value });
  }
});

describe('path attributes: flags and lengths', () => {
  it('uses the canonical flags when none are given, adding EXTENDED_LENGTH only past 255 bytes', () => {
    expect(toHex(encodeToBytes(pathAttribute, { type: 'MULTI_EXIT_DISC', med: 1 }, ctx))).to.equal('80040400000001');
    expect(toHex(encodeToBytes(pathAttribute, { type: 'COMMUNITIES', communities: [1] }, ctx))).to.equal('c0080400000001');
    const long = encodeToBytes(pathAttribute, { type: 'COMMUNITIES', communities: Array.from({ length: 64 }, (_, i) => i) }, ctx);
    expect(toHex(long.subarray(0, 4))).to.equal('d0080100');
    const unknownLong = encodeToBytes(pathAttribute, { type: 'UNKNOWN', flags: 0xc0, code: 99, value: new Uint8Array(300) }, ctx);
    expect(toHex(unknownLong.subarray(0, 4))).to.equal('d063012c');
  });
  it('standalone codecs throw typed errors on malformed values', () => {
    const e = expectTypedError(() => decodeAll(originAttribute, fromHex('40010105'), ctx), MALFORMED_ATTRIBUTE);
    expect(e).to.be.instanceOf(AttributeError);
    expect((e as AttributeError).reason).to.equal(Rfc7606Reason.value);
    expect((e as AttributeError).reason).to.equal('attribute-value');
    expectTypedError(() => decodeAll(localPrefAttribute, fromHex('400503000064'), ctx), MALFORMED_ATTRIBUTE);
    expectTypedError(() => decodeAll(originAttribute, fromHex('40020100'), ctx));
    expectTypedError(() => decodeAll(asPathAttribute, fromHex('4002020200'), ctx), MALFORMED_ATTRIBUTE);
  });
  it('refuses to encode values that do not fit', () => {
    expectTypedError(() => encodeToBytes(pathAttribute, { type: 'NEXT_HOP', nextHop: parseIp('2001:db8::1') }, ctx), 'ERR_BGP_ENCODE');
    expectTypedError(() => encodeToBytes(pathAttribute, { type: 'EXTENDED_COMMUNITIES', communities: [new Uint8Array(7)] }, ctx), 'ERR_BGP_ENCODE');
    expectTypedError(() => encodeToBytes(pathAttribute, { type: 'AS_PATH', segments: [{ type: 2, asns: [] }] }, ctx), 'ERR_BGP_ENCODE');
    expectTypedError(() => encodeToBytes(pathAttribute, { type: 'AGGREGATOR', asn: 70000, address: parseIp('192.0.2.1') }, twoOctet), 'ERR_BGP_ENCODE');
    expectTypedError(
      () => encodeToBytes(pathAttribute, { type: 'MP_REACH_NLRI', afi: 25, safi: 70, nextHop: parseIp('2001:db8::1'), nlri: [{ pathId: undefined }] }, ctx),
      'ERR_BGP_ENCODE',
    );
  });
});

describe('path attributes: helpers', () => {
  const attrs: PathAttribute[] = [
    { type: 'ORIGIN', flags: 0x40, origin: 0 },
    { type: 'LOCAL_PREF', flags: 0x40, localPref: 300 },
    { type: 'UNKNOWN', flags: 0xc0, code: 200, value: fromHex('01') },
    { type: 'UNKNOWN', flags: 0xe0, code: 201, value: fromHex('02') },
    { type: 'UNKNOWN', flags: 0x80, code: 202, value: fromHex('03') },
    { type: 'UNKNOWN', flags: 0xc0, code: 25, value: new Uint8Array(20) },
  ];
  it('getAttribute finds the first of a type, typed', () => {
    expect(getAttribute(attrs, AttrType.LOCAL_PREF)?.localPref).to.equal(300);
    expect(getAttribute(attrs, AttrType.MULTI_EXIT_DISC)).to.equal(undefined);
    expect(getAttribute(attrs, 202)).to.equal(attrs[4]);
  });
  it('re-advertisement: unknown optional transitive gets Partial, unknown non-transitive is dropped, known pass', () => {
    const out = attributesForReadvertisement(attrs);
    expect(out.map((a) => (a.type === 'UNKNOWN' ? `${a.code}:${a.flags.toString(16)}` : a.type))).to.deep.equal(['ORIGIN', 'LOCAL_PREF', '200:e0', '201:e0', '25:c0']);
    expect(out[0]).to.equal(attrs[0]);
    expect(attrs[2]).to.deep.include({ flags: 0xc0 }); // the input is not changed
  });
  it('community text, AS path length, next hop split', () => {
    expect(parseCommunity('64500:100')).to.equal(0xfbf40064);
    expect(parseCommunity('65536:1')).to.equal(undefined);
    expect(parseCommunity('no')).to.equal(undefined);
    expect(formatCommunity(0xffffff01)).to.equal('65535:65281');
    expect(asPathLength([{ type: 2, asns: [1, 2, 3] }, { type: 1, asns: [4, 5] }, { type: 3, asns: [6] }])).to.equal(4);
    const split = splitNextHop(fromHex('20010db8000000000000000000000001fe800000000000000000000000000001'));
    expect(toHex(split.linkLocal!)).to.equal('fe800000000000000000000000000001');
    expect(splitNextHop(parseIp('2001:db8::1')).linkLocal).to.equal(undefined);
  });
  it('rebuilds the AS path from AS_PATH and AS4_PATH (RFC 6793 §4.2.3)', () => {
    const seq = (...asns: number[]) => ({ type: 2, asns });
    expect(reconstructAsPath([seq(64499, 23456, 64501)], [seq(65536, 64501)])).to.deep.equal([seq(64499), seq(65536, 64501)]);
    expect(reconstructAsPath([{ type: 1, asns: [1, 2] }, seq(23456)], [seq(65536)])).to.deep.equal([{ type: 1, asns: [1, 2] }, seq(65536)]);
    const asPath = [seq(23456)];
    expect(reconstructAsPath(asPath, [seq(65536, 65537)])).to.equal(asPath); // AS4_PATH longer: ignored
    expect(reconstructAsPath(asPath, [seq(65536)], 64500)).to.equal(asPath); // a real-AS aggregator: ignored
    expect(reconstructAsPath(asPath, [seq(65536)], 23456)).to.deep.equal([seq(65536)]);
    expect(reconstructAsPath(asPath, undefined)).to.equal(asPath);
  });
});

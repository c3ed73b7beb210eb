/**
 * Valid inputs the mutators start from: the GoBGP captures, plus messages we build ourselves so
 * that every attribute, capability, EVPN route type and PMSI form is present in some seed.
 */
import { readFileSync } from 'node:fs';
import type { BgpMessage, CodecContext, IpPrefix, OpenMessage, UpdateMessage } from '@evpn6/bgp';
import { Afi, buildUpdate, createNotification, encodeMessage, fromHex, parseIp, parsePrefix, Safi } from '@evpn6/bgp';
import type { EvpnRoute } from '@evpn6/evpn';
import { encapsulation, encodeExtCommunity, macMobility, parseRouteTarget } from '@evpn6/evpn';
import { VxlanEncapsulator } from '@evpn6/vxlan';
import { Prng } from '@evpn6/bgp/fuzz';

const VECTORS = new URL('../../packages/bgp/test/vectors/gobgp-evpn/', import.meta.url);

export function capturedMessages(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const file of ['messages.hex.txt', 'messages.receiver.hex.txt']) {
    for (const line of readFileSync(new URL(file, VECTORS), 'utf8').split('\n')) {
      if (line.trim()) out.push(fromHex(line.trim()));
    }
  }
  return out;
}

const rd = { type: 1, admin: 0xc0000201, assigned: 100 };
const esi = Uint8Array.of(0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99);
const zeroEsi = new Uint8Array(10);
const mac = Uint8Array.of(0x02, 0, 0, 0, 0, 0x01);
const v6 = (text: string) => parseIp(text);

export function evpnRoutes(pathId?: number): EvpnRoute[] {
  return [
    { kind: 'ethernet-ad', pathId, rd, esi, ethernetTag: 0xffffffff, label: 0 },
    { kind: 'mac-ip', pathId, rd, esi: zeroEsi, ethernetTag: 0, mac, ip: undefined, labels: [10100] },
    { kind: 'mac-ip', pathId, rd, esi: zeroEsi, ethernetTag: 0, mac, ip: Uint8Array.of(198, 51, 100, 7), labels: [10100] },
    { kind: 'mac-ip', pathId, rd, esi, ethernetTag: 5, mac, ip: v6('2001:db8::7'), labels: [10100, 50100] },
    { kind: 'inclusive-multicast', pathId, rd, ethernetTag: 0, originator: v6('2001:db8::1') },
    { kind: 'inclusive-multicast', pathId, rd, ethernetTag: 0, originator: Uint8Array.of(192, 0, 2, 1) },
    { kind: 'ethernet-segment', pathId, rd, esi, originator: v6('2001:db8::1') },
    { kind: 'ip-prefix', pathId, rd, esi: zeroEsi, ethernetTag: 0, prefixLength: 24, prefix: Uint8Array.of(198, 51, 100, 0), gateway: new Uint8Array(4), label: 50100 },
    { kind: 'ip-prefix', pathId, rd, esi: zeroEsi, ethernetTag: 0, prefixLength: 64, prefix: v6('2001:db8:1::'), gateway: new Uint8Array(16), label: 50100 },
  ];
}

const communities = [
  encodeExtCommunity(parseRouteTarget('64512:100')),
  encodeExtCommunity(encapsulation()),
  encodeExtCommunity(macMobility(3, true)),
];

function prefixes(texts: string[], pathId: number | undefined): IpPrefix[] {
  return texts.map((t) => ({ ...parsePrefix(t), pathId }));
}

/** UPDATEs covering every attribute we decode, with ADD-PATH path ids when `addPath`. */
export function builtUpdates(addPath: boolean): UpdateMessage[] {
  const id = addPath ? 7 : undefined;
  const routes = evpnRoutes(id);
  return [
    buildUpdate({
      nlri: prefixes(['192.0.2.0/24', '198.51.100.128/25', '0.0.0.0/0'], id),
      withdrawn: prefixes(['203.0.113.0/24'], id),
      nextHop: '192.0.2.1',
      asPath: [{ type: 2, asns: [64512, 64513] }, { type: 1, asns: [65001, 65002] }],
      med: 10,
      localPref: 100,
      atomicAggregate: true,
      aggregator: { asn: 64512, address: '192.0.2.9' },
      communities: ['64512:1', 0xffffff01],
      originatorId: '192.0.2.2',
      clusterList: ['192.0.2.3'],
      largeCommunities: [{ globalAdmin: 64512, localData1: 1, localData2: 2 }],
    }),
    buildUpdate({
      asPath: [64512, addPath ? 23456 : 4200000000],
      // The ADD-PATH seeds are for the 2-octet AS session: the real path travels in AS4_PATH.
      ...(addPath ? { attributes: [{ type: 'AS4_PATH' as const, segments: [{ type: 2, asns: [64512, 4200000000] }] }] } : {}),
      med: 5,
      localPref: 200,
      communities: ['64512:100'],
      mpReach: { afi: Afi.IPV6, safi: Safi.UNICAST, nextHop: ['2001:db8::1', 'fe80::1'], nlri: prefixes(['2001:db8:1::/48', '2001:db8:2:3::/64', '::/0', '2001:db8::1/128'], id) },
    }),
    buildUpdate({ mpUnreach: { afi: Afi.IPV6, safi: Safi.UNICAST, withdrawn: prefixes(['2001:db8:1::/48'], id) } }),
    buildUpdate({ mpReach: { afi: Afi.L2VPN, safi: Safi.EVPN, nextHop: '2001:db8::1', nlri: routes.slice(0, 4) }, extendedCommunities: communities, localPref: 100 }),
    buildUpdate({
      mpReach: { afi: Afi.L2VPN, safi: Safi.EVPN, nextHop: '2001:db8::1', nlri: [routes[4]!] },
      extendedCommunities: communities.slice(0, 2),
      pmsiTunnel: { tunnelType: 6, label: 10100, tunnelId: '2001:db8::1' },
    }),
    buildUpdate({
      mpReach: { afi: Afi.L2VPN, safi: Safi.EVPN, nextHop: '192.0.2.1', nlri: [routes[5]!] },
      extendedCommunities: communities.slice(0, 2),
      pmsiTunnel: { tunnelType: 6, label: 10100, tunnelId: '192.0.2.1' },
    }),
    buildUpdate({ mpReach: { afi: Afi.L2VPN, safi: Safi.EVPN, nextHop: '2001:db8::1', nlri: routes.slice(6) }, extendedCommunities: communities.slice(0, 1) }),
    buildUpdate({ mpUnreach: { afi: Afi.L2VPN, safi: Safi.EVPN, withdrawn: routes.slice(1, 3) } }),
  ];
}

const opens: OpenMessage[] = [
  {
    type: 'OPEN',
    myAs: 23456,
    holdTime: 90,
    bgpId: '192.0.2.1',
    capabilityGroups: [
      [
        { kind: 'multiprotocol', afi: Afi.L2VPN, safi: Safi.EVPN },
        { kind: 'multiprotocol', afi: Afi.IPV6, safi: Safi.UNICAST },
        { kind: 'route-refresh' },
        { kind: 'four-octet-as', asn: 4200000000 },
        { kind: 'add-path', families: [{ afi: Afi.L2VPN, safi: Safi.EVPN, mode: 3 }] },
      ],
      [{ kind: 'graceful-restart', flags: 8, restartTime: 120, families: [{ afi: Afi.IPV6, safi: Safi.UNICAST, flags: 0x80 }] }],
      [{ kind: 'extended-next-hop', entries: [{ afi: Afi.IPV4, safi: Safi.UNICAST, nextHopAfi: Afi.IPV6 }] }, { kind: 'extended-message' }],
      [{ kind: 'fqdn', hostname: 'vtep1', domain: 'example' }, { kind: 'unknown', code: 200, value: Uint8Array.of(1, 2, 3) }],
    ],
    extendedOptionalParameters: false,
  },
  {
    type: 'OPEN',
    myAs: 64512,
    holdTime: 0,
    bgpId: '198.51.100.1',
    capabilityGroups: [[{ kind: 'multiprotocol', afi: Afi.IPV4, safi: Safi.UNICAST }, { kind: 'enhanced-route-refresh' }]],
    extendedOptionalParameters: true,
  },
];

function randomPrefix(rng: Prng, width: 4 | 16, pathId: number | undefined): IpPrefix {
  const length = rng.between(0, width * 8);
  const address = new Uint8Array(width);
  for (let i = 0; i < length >> 3; i++) address[i] = rng.next() & 0xff;
  if (length & 7) address[length >> 3] = rng.next() & (0xff << (8 - (length & 7))) & 0xff;
  return { pathId, length, address };
}

/** Valid UPDATEs with random contents (reproducible: a fixed seed), beyond the hand-built ones. */
export function randomUpdates(count: number, addPath: boolean): UpdateMessage[] {
  const out: UpdateMessage[] = [];
  for (let i = 0; i < count; i++) {
    const rng = Prng.forInput(0x5eed, i);
    const id = addPath ? rng.next() : undefined;
    const asns = Array.from({ length: rng.between(0, 6) }, () => (addPath ? rng.between(1, 65535) : rng.next()));
    const family = rng.below(3);
    const routes = evpnRoutes(id);
    out.push(
      buildUpdate({
        asPath: asns,
        ...(rng.chance(0.5) ? { med: rng.next() } : {}),
        ...(rng.chance(0.5) ? { localPref: rng.next() } : {}),
        ...(rng.chance(0.5) ? { communities: Array.from({ length: rng.between(1, 5) }, () => rng.next()) } : {}),
        ...(rng.chance(0.3) ? { extendedCommunities: Array.from({ length: rng.between(1, 4) }, () => rng.bytes(8)) } : {}),
        ...(family === 0
          ? { nlri: Array.from({ length: rng.between(1, 20) }, () => randomPrefix(rng, 4, id)), nextHop: rng.bytes(4) }
          : family === 1
            ? { mpReach: { afi: Afi.IPV6, safi: Safi.UNICAST, nextHop: rng.chance(0.5) ? rng.bytes(16) : rng.bytes(32), nlri: Array.from({ length: rng.between(1, 20) }, () => randomPrefix(rng, 16, id)) } }
            : { mpReach: { afi: Afi.L2VPN, safi: Safi.EVPN, nextHop: rng.chance(0.5) ? rng.bytes(16) : rng.bytes(4), nlri: Array.from({ length: rng.between(1, 6) }, () => rng.pick(routes)) } }),
      }),
    );
  }
  return out;
}

export function builtMessages(addPath: boolean): BgpMessage[] {
  return [
    ...opens,
    ...builtUpdates(addPath),
    ...randomUpdates(16, addPath),
    createNotification(6, 2, { communication: 'maintenance' }),
    { type: 'NOTIFICATION', code: 3, subcode: 1, data: Uint8Array.of(1, 2) },
    { type: 'KEEPALIVE' },
    { type: 'ROUTE_REFRESH', afi: Afi.L2VPN, safi: Safi.EVPN, subtype: 0, orf: new Uint8Array(0) },
    { type: 'ROUTE_REFRESH', afi: Afi.IPV6, safi: Safi.UNICAST, subtype: 1, orf: new Uint8Array(0) },
  ];
}

/** Whole messages for a context: the captures plus ours encoded under it. */
export function messageSeeds(ctx: CodecContext, addPath: boolean): Uint8Array[] {
  const built = builtMessages(addPath).map((m) => encodeMessage(m, ctx));
  return addPath ? built : [...capturedMessages(), ...built];
}

// ---- VXLAN ----

/** A fixed "random" source: seeds must not change from run to run. */
const fixedRandom = (bytes: Uint8Array): void => {
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 73 + 11) & 0xff;
};

function innerFrame(length: number): Uint8Array {
  const f = new Uint8Array(length);
  f.set([0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x86, 0xdd]);
  for (let i = 14; i < length; i++) f[i] = i & 0xff;
  return f;
}

/** Frames are given to the decapsulator as a sequence: [2-byte length][frame] repeated. */
export function frameSequence(frames: readonly Uint8Array[]): Uint8Array {
  const n = frames.reduce((s, f) => s + 2 + f.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const f of frames) {
    out[o] = f.length >> 8;
    out[o + 1] = f.length & 0xff;
    out.set(f, o + 2);
    o += 2 + f.length;
  }
  return out;
}

/** Inserts an 8-byte Destination Options header after the fixed IPv6 header of an Ethernet frame. */
function withDestinationOptions(frame: Uint8Array): Uint8Array {
  const ip = 14;
  const out = new Uint8Array(frame.length + 8);
  out.set(frame.subarray(0, ip + 40));
  out.set([frame[ip + 6]!, 0, 1, 4, 0, 0, 0, 0], ip + 40); // next header, hdr ext len 0, PadN of 4
  out.set(frame.subarray(ip + 40), ip + 48);
  out[ip + 6] = 60;
  const payload = ((frame[ip + 4]! << 8) | frame[ip + 5]!) + 8;
  out[ip + 4] = payload >> 8;
  out[ip + 5] = payload & 0xff;
  return out;
}

export function vxlanSeeds(): Uint8Array[] {
  const remote = v6('2001:db8::2');
  const ether = { source: Uint8Array.of(2, 0, 0, 0, 0, 0x11), destination: Uint8Array.of(2, 0, 0, 0, 0, 0x22) };
  const encap = new VxlanEncapsulator({ local: v6('2001:db8::1'), mtu: 1280, outerEthernet: ether, random: fixedRandom });
  const vlan = new VxlanEncapsulator({ local: v6('2001:db8::1'), mtu: 1500, outerEthernet: { ...ether, vlan: { tpid: 0x8100, pcp: 0, dei: false, vid: 10 } }, random: fixedRandom });
  const v4 = new VxlanEncapsulator({ local: Uint8Array.of(192, 0, 2, 1), outerEthernet: ether, random: fixedRandom });
  const small = encap.encapsulate(innerFrame(64), 10100, remote);
  const big = encap.encapsulate(innerFrame(1514), 10100, remote);
  const huge = encap.encapsulate(innerFrame(3000), 0xffffff, remote);
  return [
    frameSequence(small),
    frameSequence(big),
    frameSequence([...big].reverse()),
    frameSequence([small[0]!, big[0]!, small[0]!, big[1]!]),
    frameSequence(huge),
    frameSequence([huge[2]!, huge[0]!, big[1]!, huge[1]!]),
    frameSequence(vlan.encapsulate(innerFrame(200), 7, remote)),
    frameSequence(v4.encapsulate(innerFrame(100), 7, Uint8Array.of(192, 0, 2, 2))),
    frameSequence([withDestinationOptions(small[0]!)]),
    frameSequence(big.map(withDestinationOptions)),
  ];
}

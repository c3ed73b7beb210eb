import { expect } from 'chai';
import type { Nlri, Path, PathAttribute, PeerRef, RouteAttributes } from '../src/index.js';
import { exportDecision, exportRoute, familyKey, fromHex, parsePrefix, parseIp, routePathInfo, selfNextHop, toBgpId } from '../src/index.js';

const V6 = familyKey(2, 1);
const V4 = familyKey(1, 1);

function peer(id: string, type: PeerRef['type'], as: number, rrClient = false): PeerRef {
  return { id, address: parseIp(id === 'local' ? '0.0.0.0' : id), routerId: toBgpId(`192.0.2.${id.length}`), as, type, rrClient };
}

function path(from: PeerRef, list: PathAttribute[], nextHop: string | undefined, family = V6): Path<Nlri, RouteAttributes> {
  const attrs: RouteAttributes = { list, nextHop: nextHop === undefined ? new Uint8Array(0) : parseIp(nextHop) };
  const nlri = parsePrefix(family === V6 ? '2001:db8:1::/48' : '198.51.100.0/24');
  return { family, key: 'k', nlri, pathId: 0, peer: from, attrs, info: routePathInfo(attrs, 65000, 1), stale: false };
}

const base: PathAttribute[] = [
  { type: 'ORIGIN', origin: 0 },
  { type: 'AS_PATH', segments: [{ type: 2, asns: [65010] }] },
  { type: 'MULTI_EXIT_DISC', med: 7 },
  { type: 'LOCAL_PREF', localPref: 200 },
  { type: 'ORIGINATOR_ID', originatorId: 42 },
  { type: 'CLUSTER_LIST', clusterIds: [9] },
];

const session = { localAs: 65000, localAddress: '2001:db8::1', nextHopSelf: false };
const types = (x: RouteAttributes | undefined) => x!.list.map((a) => a.type);

describe('speaker: export rules (iBGP, eBGP, route reflection)', () => {
  const ebgpIn = peer('2001:db8::10', 'ebgp', 65010);
  const ibgpIn = peer('2001:db8::20', 'ibgp', 65000);
  const client = peer('2001:db8::30', 'ibgp', 65000, true);
  const ebgpOut = peer('2001:db8::40', 'ebgp', 65040);
  const ibgpOut = peer('2001:db8::50', 'ibgp', 65000);

  it('to eBGP: prepends our AS, next hop self (16 bytes), strips LOCAL_PREF/ORIGINATOR_ID/CLUSTER_LIST and a foreign MED', () => {
    const p = path(ebgpIn, base, '2001:db8::99');
    const x = exportRoute(p, ebgpOut, exportDecision(p, ebgpOut, 1), session);
    expect(types(x)).to.deep.equal(['ORIGIN', 'AS_PATH']);
    expect(x!.list[1]).to.deep.include({ segments: [{ type: 2, asns: [65000, 65010] }] });
    expect(x!.nextHop).to.deep.equal(parseIp('2001:db8::1'));
    const kept = exportRoute(p, ebgpOut, exportDecision(p, ebgpOut, 1), { ...session, nextHopUnchanged: true })!;
    expect(kept.nextHop).to.deep.equal(parseIp('2001:db8::99'));
    // Our own MED goes out to eBGP.
    const own = path(peer('local', 'local', 65000), [{ type: 'MULTI_EXIT_DISC', med: 3 }], undefined);
    const x2 = exportRoute(own, ebgpOut, exportDecision(own, ebgpOut, 1), session);
    expect(types(x2)).to.deep.equal(['AS_PATH', 'MULTI_EXIT_DISC']);
    expect(x2!.nextHop).to.deep.equal(parseIp('2001:db8::1'));
    // A next hop given when originating (a VTEP address) is kept, even towards eBGP.
    const vtep = path(peer('local', 'local', 65000), [], '2001:db8::abcd');
    expect(exportRoute(vtep, ebgpOut, exportDecision(vtep, ebgpOut, 1), session)!.nextHop).to.deep.equal(parseIp('2001:db8::abcd'));
  });

  it('to eBGP: a full AS_SEQUENCE gets a new segment in front', () => {
    const long = Array.from({ length: 255 }, (_, i) => 64600 + i);
    const p = path(ebgpIn, [{ type: 'AS_PATH', segments: [{ type: 2, asns: long }] }], '2001:db8::99');
    const x = exportRoute(p, ebgpOut, exportDecision(p, ebgpOut, 1), session)!;
    expect(x.list[0]).to.deep.include({ segments: [{ type: 2, asns: [65000] }, { type: 2, asns: long }] });
  });

  it('to iBGP: keeps attributes and next hop, adds LOCAL_PREF 100 when absent; nextHopSelf overrides', () => {
    const p = path(ebgpIn, [{ type: 'ORIGIN', origin: 0 }, { type: 'AS_PATH', segments: [] }], '2001:db8::99');
    const x = exportRoute(p, ibgpOut, exportDecision(p, ibgpOut, 1), session)!;
    expect(types(x)).to.deep.equal(['ORIGIN', 'AS_PATH', 'LOCAL_PREF']);
    expect(x.list[2]).to.deep.include({ localPref: 100 });
    expect(x.nextHop).to.deep.equal(parseIp('2001:db8::99'));
    const self = exportRoute(p, ibgpOut, exportDecision(p, ibgpOut, 1), { ...session, nextHopSelf: true })!;
    expect(self.nextHop).to.deep.equal(parseIp('2001:db8::1'));
  });

  it('reflection: ORIGINATOR_ID added only when absent, CLUSTER_ID prepended', () => {
    const fresh = path(client, [{ type: 'ORIGIN', origin: 0 }, { type: 'AS_PATH', segments: [] }], '2001:db8::30');
    const d = exportDecision(fresh, ibgpOut, 77);
    expect(d.reflect).to.equal(true);
    const x = exportRoute(fresh, ibgpOut, d, session)!;
    expect(x.list.find((a) => a.type === 'ORIGINATOR_ID')).to.deep.include({ originatorId: client.routerId });
    expect(x.list.find((a) => a.type === 'CLUSTER_LIST')).to.deep.include({ clusterIds: [77] });
    const again = path(client, base, '2001:db8::30');
    const y = exportRoute(again, ibgpOut, exportDecision(again, ibgpOut, 77), session)!;
    expect(y.list.find((a) => a.type === 'ORIGINATOR_ID')).to.deep.include({ originatorId: 42 });
    expect(y.list.find((a) => a.type === 'CLUSTER_LIST')).to.deep.include({ clusterIds: [77, 9] });
    expect(y.list.find((a) => a.type === 'LOCAL_PREF')).to.deep.include({ localPref: 200 });
    // iBGP to iBGP without a client: not sent at all.
    expect(exportDecision(path(ibgpIn, base, '2001:db8::20'), ibgpOut, 77).export).to.equal(false);
  });

  it('next hop self per family: IPv4 unicast needs an IPv4 session; IPv6 over IPv4 is IPv4-mapped', () => {
    expect(selfNextHop(V4, '192.0.2.1')).to.deep.equal(parseIp('192.0.2.1'));
    expect(selfNextHop(V4, '2001:db8::1')).to.equal(undefined);
    expect(selfNextHop(V6, '192.0.2.1')).to.deep.equal(fromHex('00000000000000000000ffffc0000201'));
    expect(selfNextHop(familyKey(25, 70), '2001:db8::1')).to.deep.equal(parseIp('2001:db8::1'));
    const p = path(peer('local', 'local', 65000), [], undefined, V4);
    expect(exportRoute(p, ebgpOut, exportDecision(p, ebgpOut, 1), session)).to.equal(undefined);
  });

  it('PathInfo from attributes: defaults, loops, neighbor AS', () => {
    const p = path(ebgpIn, [...base, { type: 'AS_PATH', segments: [] }], '2001:db8::99');
    expect(p.info).to.deep.include({ localPref: 200, med: 7, neighborAs: 65010, originatorId: 42, clusterListLength: 1, asPathLength: 1 });
    const loop = routePathInfo({ list: [{ type: 'AS_PATH', segments: [{ type: 2, asns: [65010, 65000] }] }, { type: 'CLUSTER_LIST', clusterIds: [1] }], nextHop: new Uint8Array(0) }, 65000, 1);
    expect(loop).to.deep.include({ asPathHasOwnAs: true, clusterListHasOwnClusterId: true, localPref: 100 });
  });
});

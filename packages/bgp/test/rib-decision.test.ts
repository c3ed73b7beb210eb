import { expect } from 'chai';
import {
  DECISION_STEPS,
  parseIp,
  parsePrefix,
  pathInfo,
  selectBest,
  type DecisionReason,
  type IpPrefix,
  type Path,
  type PathInfo,
  type PeerRef,
  type PeerType,
} from '../src/index.js';

function peer(id: string, type: PeerType, routerId: number, address: string, as = type === 'ibgp' ? 65000 : 65100): PeerRef {
  return { id, address: parseIp(address), routerId, as, type, rrClient: false };
}

const nlri = parsePrefix('2001:db8:1::/48');

function path(p: PeerRef, info: Partial<PathInfo> = {}, pathId = 0): Path<IpPrefix, string> {
  return { family: 0x0201, key: '2001:db8:1::/48', nlri, pathId, peer: p, attrs: p.id, info: pathInfo(info), stale: false };
}

const e1 = peer('e1', 'ebgp', 0x0a000001, '2001:db8::1');
const e2 = peer('e2', 'ebgp', 0x0a000002, '2001:db8::2');
const e3 = peer('e3', 'ebgp', 0x0a000003, '2001:db8::3');
const i1 = peer('i1', 'ibgp', 0x0a000004, '2001:db8::4');
const i2 = peer('i2', 'ibgp', 0x0a000005, '2001:db8::5');
const local = peer('local', 'local', 0x0a0000ff, '::');

function decide(paths: Path<IpPrefix, string>[], opts = { alwaysCompareMed: false, medMissingAsWorst: false }): [string | undefined, DecisionReason] {
  const { best, reason } = selectBest(paths, opts);
  return [best?.attrs, reason];
}

describe('RIB decision process (RFC 4271 §9.1.2.2)', () => {
  it('lists its steps by name, in RFC order', () => {
    expect(DECISION_STEPS.map((s) => s.name)).to.deep.equal([
      'local-origin',
      'local-pref',
      'as-path-length',
      'origin',
      'med',
      'ebgp-over-ibgp',
      'router-id',
      'cluster-list-length',
      'peer-address',
      'path-id',
    ]);
  });

  it('has nothing to decide for zero or one candidate', () => {
    expect(decide([])).to.deep.equal([undefined, 'withdrawn']);
    expect(decide([path(e1)])).to.deep.equal(['e1', 'only-path']);
  });

  it('prefers a locally originated path over anything learned', () => {
    expect(decide([path(e1, { localPref: 500 }), path(local, { localPref: 50, asPathLength: 0 })])).to.deep.equal(['local', 'local-origin']);
  });

  it('prefers the highest LOCAL_PREF', () => {
    expect(decide([path(e1, { localPref: 100, asPathLength: 1 }), path(i1, { localPref: 200, asPathLength: 9 })])).to.deep.equal(['i1', 'local-pref']);
  });

  it('falls through equal LOCAL_PREF to the shortest AS_PATH', () => {
    expect(decide([path(e1, { localPref: 150, asPathLength: 3 }), path(e2, { localPref: 150, asPathLength: 2 })])).to.deep.equal(['e2', 'as-path-length']);
  });

  it('falls through equal AS_PATH length to the lowest ORIGIN', () => {
    expect(decide([path(e1, { asPathLength: 2, origin: 2 }), path(e2, { asPathLength: 2, origin: 0 })])).to.deep.equal(['e2', 'origin']);
  });

  it('prefers the lowest MED among paths from the same neighbor AS', () => {
    expect(decide([path(e1, { neighborAs: 65100, med: 10 }), path(e2, { neighborAs: 65100, med: 5 })])).to.deep.equal(['e2', 'med']);
  });

  it('does not compare MED across neighbor ASes unless always-compare-med', () => {
    // e2 has the worse MED but another neighbor AS, so the MED step keeps both and router id decides.
    const paths = [path(e2, { neighborAs: 65200, med: 50 }), path(e3, { neighborAs: 65300, med: 10 })];
    expect(decide(paths)).to.deep.equal(['e2', 'router-id']);
    expect(decide(paths, { alwaysCompareMed: true, medMissingAsWorst: false })).to.deep.equal(['e3', 'med']);
  });

  it('eliminates by MED per neighbor AS, which no pairwise comparator can express', () => {
    // X beats Y on MED (same AS); Z is from another AS and survives; then Z beats X on router id.
    const x = path(e3, { neighborAs: 65100, med: 10 });
    const y = path(e1, { neighborAs: 65100, med: 20 });
    const z = path(e2, { neighborAs: 65200, med: 99 });
    for (const order of [[x, y, z], [z, y, x], [y, z, x], [y, x, z]]) expect(decide(order)).to.deep.equal(['e2', 'router-id']);
  });

  it('treats a missing MED as 0, or as the worst with missing-as-worst', () => {
    const paths = [path(e1, { neighborAs: 65100 }), path(e2, { neighborAs: 65100, med: 7 })];
    expect(decide(paths)).to.deep.equal(['e1', 'med']);
    expect(decide(paths, { alwaysCompareMed: false, medMissingAsWorst: true })).to.deep.equal(['e2', 'med']);
  });

  it('prefers eBGP over iBGP when everything before is equal', () => {
    // i1's router id is lower, so only this step can pick e3.
    const lowId = peer('i0', 'ibgp', 1, '2001:db8::9');
    expect(decide([path(lowId, { neighborAs: 65100 }), path(e3, { neighborAs: 65100 })])).to.deep.equal(['e3', 'ebgp-over-ibgp']);
  });

  it('prefers the lowest BGP identifier', () => {
    expect(decide([path(i2), path(i1)])).to.deep.equal(['i1', 'router-id']);
  });

  it('uses ORIGINATOR_ID in place of the peer identifier for a reflected path (RFC 4456 §9)', () => {
    // i1 has the lower identifier, but reflects a path originated by a router with a higher one.
    expect(decide([path(i1, { originatorId: 0x0a0000aa }), path(i2)])).to.deep.equal(['i2', 'router-id']);
    expect(decide([path(i1, { originatorId: 0x0a0000aa }), path(i2, { originatorId: 0x0a0000ab })])).to.deep.equal(['i1', 'router-id']);
  });

  it('falls through equal identifiers to the shortest CLUSTER_LIST', () => {
    const o = 0x0a0000aa;
    expect(decide([path(i1, { originatorId: o, clusterListLength: 2 }), path(i2, { originatorId: o, clusterListLength: 1 })])).to.deep.equal([
      'i2',
      'cluster-list-length',
    ]);
  });

  it('falls through everything else to the lowest peer address', () => {
    const a = peer('a', 'ibgp', 7, '2001:db8::20');
    const b = peer('b', 'ibgp', 7, '2001:db8::10');
    expect(decide([path(a), path(b)])).to.deep.equal(['b', 'peer-address']);
  });

  it('breaks a tie between ADD-PATH paths of one peer by path id', () => {
    const best = selectBest([path(e1, {}, 9), path(e1, {}, 3), path(e1, {}, 5)]);
    expect(best.best?.pathId).to.equal(3);
    expect(best.reason).to.equal('path-id');
  });

  it('stays deterministic when two peers share an address (lower peer id)', () => {
    const a = peer('zz', 'ibgp', 7, '2001:db8::10');
    const b = peer('aa', 'ibgp', 7, '2001:db8::10');
    expect(decide([path(a), path(b)])[0]).to.equal('aa');
    expect(decide([path(b), path(a)])[0]).to.equal('aa');
  });

  it('reports the step that left one candidate, not the first that eliminated one', () => {
    // local-pref removes e1, as-path-length then decides between e2 and e3.
    const r = decide([path(e1, { localPref: 90 }), path(e2, { asPathLength: 4 }), path(e3, { asPathLength: 3 })]);
    expect(r).to.deep.equal(['e3', 'as-path-length']);
  });
});

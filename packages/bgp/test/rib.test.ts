import { expect } from 'chai';
import {
  Afi,
  Safi,
  familyKey,
  parseIp,
  parsePrefix,
  pathInfo,
  Rib,
  RibErrorCode,
  type IpPrefix,
  type PathInfo,
  type PeerRef,
  type PeerType,
  type RibChange,
} from '../src/index.js';
import { expectTypedError } from './support/vectors.js';

const V6 = familyKey(Afi.IPV6, Safi.UNICAST);
const V4 = familyKey(Afi.IPV4, Safi.UNICAST);
const ROUTER_ID = 0xc0000201;
const LOCAL_AS = 65000;

/** Test attributes: a label plus the PathInfo derived from them. */
interface Attrs {
  readonly label: string;
  readonly info: PathInfo;
}
const attrs = (label: string, info: Partial<PathInfo> = {}): Attrs => ({ label, info: pathInfo(info) });

function peer(id: string, type: PeerType, routerId: number, address: string): PeerRef {
  return { id, address: parseIp(address), routerId, as: type === 'ibgp' ? LOCAL_AS : 65100, type, rrClient: false };
}
const e1 = peer('e1', 'ebgp', 1, '2001:db8::1');
const e2 = peer('e2', 'ebgp', 2, '2001:db8::2');
const i1 = peer('i1', 'ibgp', 3, '2001:db8::3');

function newRib(extra: Partial<ConstructorParameters<typeof Rib<IpPrefix, Attrs>>[0]> = {}): Rib<IpPrefix, Attrs> {
  const rib = new Rib<IpPrefix, Attrs>({ routerId: ROUTER_ID, localAs: LOCAL_AS, pathInfo: (a) => a.info, ...extra });
  rib.addPeer(e1);
  rib.addPeer(e2);
  rib.addPeer(i1);
  return rib;
}

const pfx = (text: string, pathId?: number): IpPrefix => parsePrefix(text, pathId);
const summary = (c: RibChange<IpPrefix, Attrs>) => [c.key, c.best?.peer.id, c.previous?.peer.id, c.reason];

describe('RIB: Adj-RIB-In and Loc-RIB', () => {
  it('reports a new destination, a better path, and the promotion of the next best on withdraw', () => {
    const rib = newRib();
    let r = rib.announce('e1', V6, [pfx('2001:db8:1::/48')], attrs('a', { asPathLength: 2 }));
    expect(r.changes.map(summary)).to.deep.equal([['2001:db8:1::/48', 'e1', undefined, 'only-path']]);
    r = rib.announce('e2', V6, [pfx('2001:db8:1::/48')], attrs('b', { asPathLength: 1 }));
    expect(r.changes.map(summary)).to.deep.equal([['2001:db8:1::/48', 'e2', 'e1', 'as-path-length']]);
    // A worse third path changes nothing.
    r = rib.announce('i1', V6, [pfx('2001:db8:1::/48')], attrs('c', { asPathLength: 5 }));
    expect(r.changes).to.deep.equal([]);
    r = rib.withdraw('e2', V6, [pfx('2001:db8:1::/48')]);
    expect(r.changes.map(summary)).to.deep.equal([['2001:db8:1::/48', 'e1', 'e2', 'as-path-length']]);
    expect(rib.get(V6, '2001:db8:1::/48')?.paths.map((p) => p.peer.id).sort()).to.deep.equal(['e1', 'i1']);
    rib.withdraw('e1', V6, [pfx('2001:db8:1::/48')]);
    r = rib.withdraw('i1', V6, [pfx('2001:db8:1::/48')]);
    expect(r.changes.map(summary)).to.deep.equal([['2001:db8:1::/48', undefined, 'i1', 'withdrawn']]);
    expect(rib.get(V6, '2001:db8:1::/48')).to.equal(undefined);
    expect(rib.size(V6)).to.equal(0);
  });

  it('replaces a path on re-announcement from the same peer and keys prefixes by their masked form', () => {
    const rib = newRib();
    rib.announce('e1', V6, [pfx('2001:db8:1::/48')], attrs('a'));
    const r = rib.announce('e1', V6, [{ length: 48, address: parseIp('2001:db8:1:ff::') }], attrs('a2'));
    expect(r.changes).to.have.length(1);
    expect(r.changes[0]!.best?.attrs.label).to.equal('a2');
    expect(r.changes[0]!.previous?.attrs.label).to.equal('a');
    expect(rib.get(V6, '2001:db8:1::/48')?.paths).to.have.length(1);
    expect(rib.stats('e1', V6)).to.include({ received: 1, accepted: 1, best: 1 });
  });

  it('ignores withdrawals of unknown routes', () => {
    const rib = newRib();
    rib.announce('e1', V6, [pfx('2001:db8:1::/48')], attrs('a'));
    expect(rib.withdraw('e2', V6, [pfx('2001:db8:1::/48'), pfx('2001:db8:9::/48')]).changes).to.deep.equal([]);
    expect(rib.best(V6, '2001:db8:1::/48')?.peer.id).to.equal('e1');
  });

  it('hands subscribers one array per operation', () => {
    const rib = newRib();
    const seen: number[] = [];
    const stop = rib.subscribe((changes) => seen.push(changes.length));
    rib.announce('e1', V6, [pfx('2001:db8:1::/48'), pfx('2001:db8:2::/48'), pfx('2001:db8:3::/48')], attrs('a'));
    rib.announce('e1', V6, [], attrs('a'));
    rib.withdraw('e1', V6, [pfx('2001:db8:2::/48')]);
    stop();
    rib.withdraw('e1', V6, [pfx('2001:db8:1::/48')]);
    expect(seen).to.deep.equal([3, 1]);
  });

  it('keeps ADD-PATH paths of one peer apart by path id', () => {
    const rib = newRib();
    rib.announce('i1', V6, [pfx('2001:db8:1::/48', 1)], attrs('p1', { localPref: 100 }));
    rib.announce('i1', V6, [pfx('2001:db8:1::/48', 2)], attrs('p2', { localPref: 200 }));
    expect(rib.best(V6, '2001:db8:1::/48')?.attrs.label).to.equal('p2');
    expect(rib.stats('i1', V6)).to.include({ accepted: 2, best: 1 });
    const r = rib.withdraw('i1', V6, [pfx('2001:db8:1::/48', 2)]);
    expect(r.changes.map((c) => [c.best?.attrs.label, c.reason])).to.deep.equal([['p1', 'only-path']]);
    expect([...rib.adjRibIn('i1', V6)].map((p) => p.pathId)).to.deep.equal([1]);
  });

  it('prefers routes we originate and lets them be withdrawn', () => {
    const rib = newRib();
    rib.announce('e1', V6, [pfx('2001:db8:1::/48')], attrs('learned', { localPref: 1000 }));
    let r = rib.originate(V6, [pfx('2001:db8:1::/48')], attrs('mine'));
    expect(r.changes.map(summary)).to.deep.equal([['2001:db8:1::/48', 'local', 'e1', 'local-origin']]);
    r = rib.unoriginate(V6, [pfx('2001:db8:1::/48')]);
    expect(r.changes.map(summary)).to.deep.equal([['2001:db8:1::/48', 'e1', 'local', 'only-path']]);
  });

  describe('withdrawing a whole peer', () => {
    it('removes only that peer’s paths, re-deciding the destinations it shared', () => {
      const rib = newRib();
      rib.announce('e1', V6, [pfx('2001:db8:1::/48'), pfx('2001:db8:2::/48')], attrs('e1', { asPathLength: 1 }));
      rib.announce('e2', V6, [pfx('2001:db8:1::/48'), pfx('2001:db8:3::/48')], attrs('e2', { asPathLength: 2 }));
      rib.announce('e1', V4, [pfx('192.0.2.0/24')], attrs('e1v4'));
      const r = rib.withdrawPeer('e1');
      expect(r.changes.map(summary).sort()).to.deep.equal([
        ['192.0.2.0/24', undefined, 'e1', 'withdrawn'],
        ['2001:db8:1::/48', 'e2', 'e1', 'only-path'],
        ['2001:db8:2::/48', undefined, 'e1', 'withdrawn'],
      ]);
      expect([...rib.bestPaths(V6)].map((p) => [p.key, p.peer.id]).sort()).to.deep.equal([
        ['2001:db8:1::/48', 'e2'],
        ['2001:db8:3::/48', 'e2'],
      ]);
      expect(rib.stats('e1', V6)).to.include({ received: 0, accepted: 0, best: 0 });
      expect(rib.stats('e2', V6)).to.include({ received: 2, accepted: 2, best: 2 });
    });

    it('can drop one family of a peer (RFC 7606 AFI/SAFI disable) and keep the others', () => {
      const rib = newRib();
      rib.announce('e1', V6, [pfx('2001:db8:1::/48')], attrs('a'));
      rib.announce('e1', V4, [pfx('192.0.2.0/24')], attrs('b'));
      const r = rib.withdrawPeer('e1', V6);
      expect(r.changes.map(summary)).to.deep.equal([['2001:db8:1::/48', undefined, 'e1', 'withdrawn']]);
      expect(rib.best(V4, '192.0.2.0/24')?.peer.id).to.equal('e1');
    });

    it('removePeer forgets the peer entirely', () => {
      const rib = newRib();
      rib.announce('e1', V6, [pfx('2001:db8:1::/48')], attrs('a'));
      expect(rib.removePeer('e1').changes).to.have.length(1);
      expect(rib.hasPeer('e1')).to.equal(false);
      expectTypedError(() => rib.announce('e1', V6, [pfx('2001:db8:1::/48')], attrs('a')), RibErrorCode.unknownPeer);
    });
  });

  describe('loop checks on input', () => {
    it('drops an eBGP path with our AS in AS_PATH, but not an iBGP one', () => {
      const rib = newRib();
      let r = rib.announce('e1', V6, [pfx('2001:db8:1::/48'), pfx('2001:db8:2::/48')], attrs('x', { asPathHasOwnAs: true }));
      expect(r.loopDropped).to.equal(2);
      expect(r.changes).to.deep.equal([]);
      r = rib.announce('i1', V6, [pfx('2001:db8:1::/48')], attrs('y', { asPathHasOwnAs: true }));
      expect(r.loopDropped).to.equal(0);
      expect(rib.best(V6, '2001:db8:1::/48')?.peer.id).to.equal('i1');
      expect(rib.stats('e1', V6)).to.deep.equal({ received: 2, accepted: 0, best: 0, stale: 0, loopDropped: 2 });
    });

    it('drops a path whose ORIGINATOR_ID is our router id, or whose CLUSTER_LIST holds our cluster id', () => {
      const rib = newRib();
      expect(rib.announce('i1', V6, [pfx('2001:db8:1::/48')], attrs('x', { originatorId: ROUTER_ID })).loopDropped).to.equal(1);
      expect(rib.announce('i1', V6, [pfx('2001:db8:1::/48')], attrs('x', { clusterListHasOwnClusterId: true })).loopDropped).to.equal(1);
      expect(rib.announce('i1', V6, [pfx('2001:db8:1::/48')], attrs('x', { originatorId: ROUTER_ID + 1 })).loopDropped).to.equal(0);
    });

    it('treats a looped re-announcement as a withdrawal of the earlier path', () => {
      const rib = newRib();
      rib.announce('e1', V6, [pfx('2001:db8:1::/48')], attrs('ok'));
      const r = rib.announce('e1', V6, [pfx('2001:db8:1::/48')], attrs('looped', { asPathHasOwnAs: true }));
      expect(r.changes.map(summary)).to.deep.equal([['2001:db8:1::/48', undefined, 'e1', 'withdrawn']]);
      expect(rib.stats('e1', V6)).to.include({ received: 1, accepted: 0 });
      // A clean announcement takes it back out of the rejected count.
      rib.announce('e1', V6, [pfx('2001:db8:1::/48')], attrs('ok'));
      expect(rib.stats('e1', V6)).to.include({ received: 1, accepted: 1 });
    });
  });

  describe('graceful restart (RFC 4724)', () => {
    function restarted() {
      const rib = newRib();
      rib.announce('e1', V6, [pfx('2001:db8:1::/48'), pfx('2001:db8:2::/48'), pfx('2001:db8:3::/48')], attrs('e1'));
      rib.announce('e1', V4, [pfx('192.0.2.0/24')], attrs('e1'));
      rib.announce('e2', V6, [pfx('2001:db8:9::/48')], attrs('e2'));
      expect(rib.markStale('e1')).to.equal(4);
      return rib;
    }

    it('keeps stale paths in use and clears the mark on a fresh announcement', () => {
      const rib = restarted();
      expect(rib.best(V6, '2001:db8:1::/48')?.stale).to.equal(true);
      expect(rib.stats('e1', V6)).to.include({ accepted: 3, best: 3, stale: 3 });
      const r = rib.announce('e1', V6, [pfx('2001:db8:1::/48')], attrs('e1-new'));
      expect(r.changes.map((c) => [c.best?.attrs.label, c.best?.stale])).to.deep.equal([['e1-new', false]]);
      expect(rib.stats('e1', V6)).to.include({ stale: 2 });
    });

    it('sweeps the remaining stale paths of a family on End-of-RIB, leaving other families and peers alone', () => {
      const rib = restarted();
      rib.announce('e1', V6, [pfx('2001:db8:1::/48')], attrs('e1-new'));
      const r = rib.endOfRib('e1', V6);
      expect(r.changes.map(summary).sort()).to.deep.equal([
        ['2001:db8:2::/48', undefined, 'e1', 'withdrawn'],
        ['2001:db8:3::/48', undefined, 'e1', 'withdrawn'],
      ]);
      expect(rib.best(V6, '2001:db8:1::/48')?.attrs.label).to.equal('e1-new');
      expect(rib.best(V4, '192.0.2.0/24')?.stale).to.equal(true);
      expect(rib.best(V6, '2001:db8:9::/48')?.peer.id).to.equal('e2');
      expect(rib.stats('e1', V6)).to.include({ accepted: 1, stale: 0 });
    });

    it('sweeps every stale path when the timer fires', () => {
      const rib = restarted();
      const r = rib.sweepStale('e1');
      expect(r.changes).to.have.length(4);
      expect(rib.size(V4)).to.equal(0);
      expect(rib.size(V6)).to.equal(1);
      expect(rib.sweepStale('e1').changes).to.deep.equal([]);
    });

    it('with `unchanged`, a refresh with equal attributes clears the mark without a change', () => {
      const rib = newRib({ unchanged: (old, _n, a) => old.attrs.label === a.label });
      rib.announce('e1', V6, [pfx('2001:db8:1::/48')], attrs('same'));
      rib.markStale('e1', V6);
      const r = rib.announce('e1', V6, [pfx('2001:db8:1::/48')], attrs('same'));
      expect(r.changes).to.deep.equal([]);
      expect(rib.best(V6, '2001:db8:1::/48')?.stale).to.equal(false);
      expect(rib.endOfRib('e1', V6).changes).to.deep.equal([]);
    });
  });

  describe('max-prefix', () => {
    it('reports the warning and the limit once each when crossed, and re-arms below the warning level', () => {
      const rib = newRib();
      rib.setPrefixLimit('e1', V6, { limit: 4, warningPercent: 50 });
      const many = (from: number, n: number) => Array.from({ length: n }, (_, i) => pfx(`2001:db8:${from + i}::/48`));
      expect(rib.announce('e1', V6, many(1, 1), attrs('a')).prefixLimit).to.equal(undefined);
      expect(rib.announce('e1', V6, many(2, 1), attrs('a')).prefixLimit).to.equal('warning');
      expect(rib.announce('e1', V6, many(3, 2), attrs('a')).prefixLimit).to.equal(undefined);
      const r = rib.announce('e1', V6, many(5, 1), attrs('a'));
      expect(r.prefixLimit).to.equal('exceeded');
      // The paths are kept: the session decides whether to tear down.
      expect(rib.stats('e1', V6).accepted).to.equal(5);
      expect(rib.announce('e1', V6, many(6, 1), attrs('a')).prefixLimit).to.equal(undefined);
      rib.withdraw('e1', V6, many(2, 5));
      expect(rib.announce('e1', V6, many(20, 1), attrs('a')).prefixLimit).to.equal('warning');
    });

    it('reports a limit that the current count already exceeds when it is set', () => {
      const rib = newRib();
      rib.announce('e1', V6, [pfx('2001:db8:1::/48'), pfx('2001:db8:2::/48')], attrs('a'));
      expect(rib.setPrefixLimit('e1', V6, { limit: 1 })).to.equal('exceeded');
      expect(rib.setPrefixLimit('e1', V6, { limit: 10 })).to.equal(undefined);
      expectTypedError(() => rib.setPrefixLimit('e1', V6, { limit: -1 }), RibErrorCode.badConfig);
    });

    it('takes limits per family from the peer options and counts only that family', () => {
      const rib = new Rib<IpPrefix, Attrs>({ routerId: ROUTER_ID, localAs: LOCAL_AS, pathInfo: (a) => a.info });
      rib.addPeer(e1, { prefixLimits: new Map([[V4, { limit: 1 }]]) });
      expect(rib.announce('e1', V6, [pfx('2001:db8:1::/48'), pfx('2001:db8:2::/48')], attrs('a')).prefixLimit).to.equal(undefined);
      expect(rib.announce('e1', V4, [pfx('192.0.2.0/25'), pfx('192.0.2.128/25')], attrs('a')).prefixLimit).to.equal('exceeded');
    });
  });

  it('raises typed errors for unknown peers and families and missing PathInfo', () => {
    const rib = newRib();
    expectTypedError(() => rib.withdraw('nobody', V6, []), RibErrorCode.unknownPeer);
    expectTypedError(() => rib.addPeer(e1), RibErrorCode.duplicatePeer);
    expectTypedError(() => rib.announce('e1', familyKey(99, 1), [pfx('2001:db8::/32')], attrs('a')), RibErrorCode.unknownFamily);
    const bare = new Rib<IpPrefix, Attrs>({ routerId: 1, localAs: 1 });
    bare.addPeer(e1);
    expectTypedError(() => bare.announce('e1', V6, [pfx('2001:db8::/32')], attrs('a')), RibErrorCode.noPathInfo);
    // An explicit PathInfo needs no deriving function.
    expect(bare.announce('e1', V6, [pfx('2001:db8::/32')], attrs('a'), pathInfo()).changes).to.have.length(1);
  });
});

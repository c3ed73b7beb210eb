import { expect } from 'chai';
import {
  AdjRibOut,
  Afi,
  Safi,
  exportDecision,
  familyKey,
  ipv6Unicast,
  parseIp,
  parsePrefix,
  pathInfo,
  Rib,
  RibErrorCode,
  UPDATE_FIXED_SIZE,
  type ExportDecision,
  type IpPrefix,
  type Path,
  type PathInfo,
  type PeerRef,
  type PeerType,
  type UpdateBatch,
  type UpdateSizes,
} from '../src/index.js';
import { expectTypedError } from './support/vectors.js';

const V6 = familyKey(Afi.IPV6, Safi.UNICAST);
const ctx = { fourOctetAs: true, extendedMessage: false, addPath: new Set<number>(), registry: undefined as never };
const CLUSTER_ID = 0xc0000201;

interface Attrs {
  readonly label: string;
  readonly info: PathInfo;
  readonly size?: number;
}
/** What the hook produces: the source label plus what the export decision asked for. */
interface Exported {
  readonly text: string;
  readonly size: number;
}

function peer(id: string, type: PeerType, routerId: number, address: string, rrClient = false): PeerRef {
  return { id, address: parseIp(address), routerId, as: type === 'ebgp' ? 65100 : 65000, type, rrClient };
}
const e1 = peer('e1', 'ebgp', 1, '2001:db8::1');
const e2 = peer('e2', 'ebgp', 2, '2001:db8::2');
const c1 = peer('c1', 'ibgp', 3, '2001:db8::3', true);
const c2 = peer('c2', 'ibgp', 4, '2001:db8::4', true);
const n1 = peer('n1', 'ibgp', 5, '2001:db8::5');
const n2 = peer('n2', 'ibgp', 6, '2001:db8::6');
const local = peer('local', 'local', CLUSTER_ID, '::');

const pfx = (t: string): IpPrefix => parsePrefix(t);
const pathFrom = (p: PeerRef, info: Partial<PathInfo> = {}): Path =>
  ({ family: V6, key: 'k', nlri: pfx('2001:db8::/32'), pathId: 0, peer: p, attrs: undefined, info: pathInfo(info), stale: false }) as Path;

describe('RIB export rules', () => {
  const verdict = (from: PeerRef, to: PeerRef, info: Partial<PathInfo> = {}) => {
    const d = exportDecision(pathFrom(from, info), to, CLUSTER_ID);
    return [d.export, d.reason, d.reflect];
  };

  it('never sends a path back to the peer it came from', () => {
    expect(verdict(e1, e1)).to.deep.equal([false, 'same-peer', false]);
    expect(verdict(c1, c1)).to.deep.equal([false, 'same-peer', false]);
  });

  it('sends everything to eBGP peers and marks them as such', () => {
    expect(verdict(e1, e2)).to.deep.equal([true, 'to-ebgp', false]);
    expect(verdict(n1, e2)).to.deep.equal([true, 'to-ebgp', false]);
    expect(exportDecision(pathFrom(n1), e2, CLUSTER_ID).toEbgp).to.equal(true);
  });

  it('sends eBGP-learned and local paths to every iBGP peer without reflecting', () => {
    expect(verdict(e1, n1)).to.deep.equal([true, 'from-ebgp', false]);
    expect(verdict(e1, c1)).to.deep.equal([true, 'from-ebgp', false]);
    expect(verdict(local, n1)).to.deep.equal([true, 'local', false]);
  });

  it('applies iBGP split horizon between non-clients', () => {
    expect(verdict(n1, n2)).to.deep.equal([false, 'ibgp-split-horizon', false]);
  });

  it('reflects a client’s path to clients and non-clients', () => {
    expect(verdict(c1, c2)).to.deep.equal([true, 'reflect-from-client', true]);
    expect(verdict(c1, n1)).to.deep.equal([true, 'reflect-from-client', true]);
  });

  it('reflects a non-client’s path to clients only', () => {
    expect(verdict(n1, c1)).to.deep.equal([true, 'reflect-to-client', true]);
    expect(verdict(n1, n2)[0]).to.equal(false);
  });

  it('tells the caller which ORIGINATOR_ID and CLUSTER_ID to add when reflecting', () => {
    const fresh = exportDecision(pathFrom(c1), c2, CLUSTER_ID);
    expect([fresh.originatorId, fresh.clusterId]).to.deep.equal([c1.routerId, CLUSTER_ID]);
    const again = exportDecision(pathFrom(c1, { originatorId: 0x0a0a0a0a, clusterListLength: 1 }), n1, CLUSTER_ID);
    expect([again.originatorId, again.clusterId]).to.deep.equal([0x0a0a0a0a, CLUSTER_ID]);
  });
});

/** A RIB wired to an Adj-RIB-Out whose hook records the decision in the exported attributes. */
function setup(opts: { attrsKey?: boolean; deny?: (a: Attrs, to: PeerRef) => boolean } = {}) {
  const rib = new Rib<IpPrefix, Attrs>({ routerId: CLUSTER_ID, localAs: 65000, pathInfo: (a) => a.info });
  const cache = new Map<string, Exported>();
  const out = new AdjRibOut<IpPrefix, Attrs, Exported>({
    clusterId: CLUSTER_ID,
    exportAttributes(path, to, d: ExportDecision) {
      if (opts.deny?.(path.attrs, to)) return undefined;
      const text = `${path.attrs.label}${d.reflect ? `+orig=${d.originatorId}+cl=${d.clusterId}` : ''}${d.toEbgp ? '+ebgp' : ''}`;
      if (opts.attrsKey) return { text, size: path.attrs.size ?? 30 };
      let x = cache.get(text);
      if (!x) cache.set(text, (x = { text, size: path.attrs.size ?? 30 }));
      return x;
    },
    ...(opts.attrsKey ? { attrsKey: (x: Exported) => x.text } : {}),
  });
  rib.subscribe((changes) => out.apply(changes));
  for (const p of [e1, e2, c1, c2, n1]) {
    rib.addPeer(p);
    out.addPeer(p, [V6]);
  }
  return { rib, out };
}

const sizes = (max = 4096): UpdateSizes<IpPrefix, Exported> => ({
  maxMessageSize: max,
  nlriSize: (n) => ipv6Unicast.encodedLength(n, ctx),
  attributesSize: (x) => x.size,
  withdrawOverhead: 7,
});
const show = (b: UpdateBatch<IpPrefix, Exported>) =>
  b.kind === 'withdraw' ? ['withdraw', b.nlri.map((n) => ipv6Unicast.format(n))] : [b.attrs.text, b.nlri.map((n) => ipv6Unicast.format(n))];
const attrs = (label: string, info: Partial<PathInfo> = {}, size?: number): Attrs => ({ label, info: pathInfo(info), ...(size !== undefined ? { size } : {}) });

describe('Adj-RIB-Out', () => {
  it('queues the best path for every peer it may go to, with the reflection attributes', () => {
    const { rib, out } = setup();
    rib.announce('c1', V6, [pfx('2001:db8:1::/48')], attrs('from-c1'));
    expect(out.hasPending('c1', V6)).to.equal(false);
    expect(out.pack('e1', V6, sizes()).batches.map(show)).to.deep.equal([['from-c1+ebgp', ['2001:db8:1::/48']]]);
    expect(out.pack('c2', V6, sizes()).batches.map(show)).to.deep.equal([[`from-c1+orig=3+cl=${CLUSTER_ID}`, ['2001:db8:1::/48']]]);
    expect(out.pack('n1', V6, sizes()).batches).to.have.length(1);
    expect(out.stats('e1', V6)).to.deep.equal({ advertised: 1, pending: 0 });
  });

  it('withholds a non-client’s path from other non-clients and sends it to clients', () => {
    const { rib, out } = setup();
    const n2peer = peer('n2', 'ibgp', 6, '2001:db8::6');
    rib.addPeer(n2peer);
    out.addPeer(n2peer, [V6]);
    rib.announce('n1', V6, [pfx('2001:db8:1::/48')], attrs('from-n1'));
    expect(out.hasPending('n2', V6)).to.equal(false);
    expect(out.hasPending('c1', V6)).to.equal(true);
  });

  it('sends only real changes: an equal re-export is suppressed', () => {
    const { rib, out } = setup();
    rib.announce('e1', V6, [pfx('2001:db8:1::/48')], attrs('a'));
    out.pack('e2', V6, sizes());
    // The replacement has other source attributes but exports to the same thing.
    rib.announce('e1', V6, [pfx('2001:db8:1::/48')], attrs('a', { med: 5 }));
    expect(out.hasPending('e2', V6)).to.equal(false);
    rib.announce('e1', V6, [pfx('2001:db8:1::/48')], attrs('b'));
    rib.announce('e1', V6, [pfx('2001:db8:1::/48')], attrs('a'));
    expect(out.hasPending('e2', V6), 'a change undone before packing').to.equal(false);
  });

  it('suppresses equal re-exports by attrsKey when the hook builds new objects', () => {
    const { rib, out } = setup({ attrsKey: true });
    rib.announce('e1', V6, [pfx('2001:db8:1::/48')], attrs('a'));
    out.pack('e2', V6, sizes());
    rib.announce('e1', V6, [pfx('2001:db8:1::/48')], attrs('a', { med: 5 }));
    expect(out.hasPending('e2', V6)).to.equal(false);
  });

  it('withdraws when the best path goes away', () => {
    const { rib, out } = setup();
    rib.announce('e1', V6, [pfx('2001:db8:1::/48'), pfx('2001:db8:2::/48')], attrs('a'));
    out.pack('c1', V6, sizes());
    rib.withdraw('e1', V6, [pfx('2001:db8:1::/48')]);
    expect(out.pack('c1', V6, sizes()).batches.map(show)).to.deep.equal([['withdraw', ['2001:db8:1::/48']]]);
    expect(out.stats('c1', V6).advertised).to.equal(1);
    // Announced and withdrawn before packing: nothing goes out.
    rib.announce('e1', V6, [pfx('2001:db8:7::/48')], attrs('a'));
    rib.withdraw('e1', V6, [pfx('2001:db8:7::/48')]);
    expect(out.pack('c1', V6, sizes()).batches).to.deep.equal([]);
  });

  it('withdraws when the new best may not go to the peer (split horizon, or back to its source)', () => {
    const { rib, out } = setup();
    rib.announce('e1', V6, [pfx('2001:db8:1::/48')], attrs('from-e1', { localPref: 100 }));
    out.pack('n1', V6, sizes());
    out.pack('c1', V6, sizes());
    // c1's path wins; sent to n1 by reflection, but not back to c1 itself.
    rib.announce('c1', V6, [pfx('2001:db8:1::/48')], attrs('from-c1', { localPref: 200 }));
    expect(out.pack('n1', V6, sizes()).batches.map(show)).to.deep.equal([[`from-c1+orig=3+cl=${CLUSTER_ID}`, ['2001:db8:1::/48']]]);
    expect(out.pack('c1', V6, sizes()).batches.map(show)).to.deep.equal([['withdraw', ['2001:db8:1::/48']]]);
  });

  it('withdraws when the export hook refuses a path it sent before', () => {
    const { rib, out } = setup({ deny: (a, to) => a.label === 'secret' && to.id === 'e2' });
    rib.announce('e1', V6, [pfx('2001:db8:1::/48')], attrs('open'));
    out.pack('e2', V6, sizes());
    rib.announce('e1', V6, [pfx('2001:db8:1::/48')], attrs('secret'));
    expect(out.pack('e2', V6, sizes()).batches.map(show)).to.deep.equal([['withdraw', ['2001:db8:1::/48']]]);
  });

  it('advertises the Loc-RIB to a peer that comes up, and re-sends everything on route refresh', () => {
    const { rib, out } = setup();
    rib.announce('e1', V6, [pfx('2001:db8:1::/48'), pfx('2001:db8:2::/48')], attrs('a'));
    const late = peer('late', 'ebgp', 9, '2001:db8::9');
    out.addPeer(late, [V6]);
    out.advertise('late', V6, rib.bestPaths(V6));
    expect(out.pack('late', V6, sizes()).batches.map(show)).to.deep.equal([['a+ebgp', ['2001:db8:1::/48', '2001:db8:2::/48']]]);
    expect(out.pack('late', V6, sizes()).batches).to.deep.equal([]);
    out.refresh('late', V6);
    // A refreshed entry survives an equal re-export before packing.
    rib.announce('e1', V6, [pfx('2001:db8:2::/48')], attrs('a', { med: 1 }));
    expect(out.pack('late', V6, sizes()).batches.map(show)).to.deep.equal([['a+ebgp', ['2001:db8:1::/48', '2001:db8:2::/48']]]);
    out.removePeer('late');
    expectTypedError(() => out.pack('late', V6, sizes()), RibErrorCode.unknownPeer);
  });

  describe('update packing', () => {
    it('groups NLRI by attributes, withdrawals first, in a deterministic order', () => {
      const { rib, out } = setup();
      rib.announce('e1', V6, [pfx('2001:db8:1::/48'), pfx('2001:db8:2::/48'), pfx('2001:db8:3::/48')], attrs('a'));
      out.pack('c1', V6, sizes());
      rib.announce('e1', V6, [pfx('2001:db8:4::/48')], attrs('b'));
      rib.withdraw('e1', V6, [pfx('2001:db8:2::/48')]);
      rib.announce('e1', V6, [pfx('2001:db8:5::/48')], attrs('a'));
      rib.announce('e1', V6, [pfx('2001:db8:6::/48')], attrs('b'));
      rib.withdraw('e1', V6, [pfx('2001:db8:3::/48')]);
      expect(out.pack('c1', V6, sizes()).batches.map(show)).to.deep.equal([
        ['withdraw', ['2001:db8:2::/48', '2001:db8:3::/48']],
        ['b', ['2001:db8:4::/48', '2001:db8:6::/48']],
        ['a', ['2001:db8:5::/48']],
      ]);
    });

    for (const max of [4096, 65535]) {
      it(`cuts batches so that each UPDATE fits ${max} bytes`, () => {
        const { rib, out } = setup();
        const many = Array.from({ length: 20000 }, (_, i) => pfx(`2001:db8:${(i >> 8).toString(16)}:${(i & 0xff).toString(16)}00::/56`));
        rib.announce('e1', V6, many, attrs('big', {}, 700));
        const s = sizes(max);
        const { batches, tooLarge } = out.pack('c1', V6, s);
        expect(tooLarge).to.deep.equal([]);
        let total = 0;
        for (const b of batches) {
          expect(b.kind).to.equal('announce');
          const bytes = UPDATE_FIXED_SIZE + 700 + b.nlri.reduce((n, p) => n + s.nlriSize(p), 0);
          expect(bytes).to.be.at.most(max);
          // Full except for the last: one more NLRI (8 bytes) would not have fitted.
          if (b !== batches[batches.length - 1]) expect(bytes + 8).to.be.above(max);
          total += b.nlri.length;
        }
        expect(total).to.equal(20000);
        expect(batches.length).to.equal(Math.ceil(20000 / Math.floor((max - UPDATE_FIXED_SIZE - 700) / 8)));
        rib.withdrawPeer('e1');
        const w = out.pack('c1', V6, s).batches;
        for (const b of w) expect(UPDATE_FIXED_SIZE + 7 + b.nlri.length * 8).to.be.at.most(max);
        expect(w.reduce((n, b) => n + b.nlri.length, 0)).to.equal(20000);
      });
    }

    it('stops at maxBatches and leaves the rest pending, in order', () => {
      const { rib, out } = setup();
      const many = Array.from({ length: 10 }, (_, i) => pfx(`2001:db8:${i}::/48`));
      rib.announce('e1', V6, many.slice(0, 6), attrs('a'));
      rib.announce('e1', V6, many.slice(6), attrs('b'));
      // Room for two /48s (7 bytes each) after 23 fixed bytes and 30 of attributes.
      const s = sizes(UPDATE_FIXED_SIZE + 30 + 14);
      const first = out.pack('c1', V6, s, 2);
      expect(first.more).to.equal(true);
      expect(first.batches.map(show)).to.deep.equal([
        ['a', ['2001:db8::/48', '2001:db8:1::/48']],
        ['a', ['2001:db8:2::/48', '2001:db8:3::/48']],
      ]);
      expect(out.stats('c1', V6)).to.deep.equal({ advertised: 4, pending: 6 });
      const rest = out.pack('c1', V6, s);
      expect(rest.more).to.equal(false);
      expect(rest.batches.map(show)).to.deep.equal([
        ['a', ['2001:db8:4::/48', '2001:db8:5::/48']],
        ['b', ['2001:db8:6::/48', '2001:db8:7::/48']],
        ['b', ['2001:db8:8::/48', '2001:db8:9::/48']],
      ]);
    });

    it('reports NLRI whose attributes cannot fit one UPDATE, withdrawing the older version', () => {
      const { rib, out } = setup();
      rib.announce('e1', V6, [pfx('2001:db8:1::/48')], attrs('small'));
      out.pack('c1', V6, sizes());
      rib.announce('e1', V6, [pfx('2001:db8:1::/48'), pfx('2001:db8:2::/48')], attrs('huge', {}, 5000));
      const r = out.pack('c1', V6, sizes());
      expect(r.tooLarge.map((n) => ipv6Unicast.format(n))).to.deep.equal(['2001:db8:1::/48', '2001:db8:2::/48']);
      expect(r.batches.map(show)).to.deep.equal([['withdraw', ['2001:db8:1::/48']]]);
      expect(out.stats('c1', V6).advertised).to.equal(0);
      expectTypedError(() => out.pack('c1', V6, sizes(10)), RibErrorCode.badConfig);
    });
  });
});

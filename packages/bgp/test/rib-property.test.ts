import { expect } from 'chai';
import fc from 'fast-check';
import {
  Afi,
  Safi,
  familyKey,
  ipv6Unicast,
  parseIp,
  pathInfo,
  Rib,
  selectBest,
  type IpPrefix,
  type Path,
  type PathInfo,
  type PeerRef,
  type RibChange,
} from '../src/index.js';

const V6 = familyKey(Afi.IPV6, Safi.UNICAST);
const PEERS: PeerRef[] = [
  { id: 'e1', address: parseIp('2001:db8::1'), routerId: 1, as: 65001, type: 'ebgp', rrClient: false },
  { id: 'e2', address: parseIp('2001:db8::2'), routerId: 2, as: 65002, type: 'ebgp', rrClient: false },
  { id: 'i1', address: parseIp('2001:db8::3'), routerId: 3, as: 65000, type: 'ibgp', rrClient: true },
];
const INFOS: PathInfo[] = [
  pathInfo({ asPathLength: 1, neighborAs: 65001 }),
  pathInfo({ asPathLength: 1, neighborAs: 65001, med: 20 }),
  pathInfo({ asPathLength: 2, localPref: 200, neighborAs: 65002 }),
  pathInfo({ asPathLength: 1, origin: 2, neighborAs: 65002, med: 5 }),
  pathInfo({ asPathLength: 1, originatorId: 9, clusterListLength: 1, neighborAs: 65001 }),
];

function prefix(i: number, pathId: number | undefined): IpPrefix {
  const address = new Uint8Array(16);
  address.set([0x20, 0x01, 0x0d, 0xb8, 0, i]);
  return { pathId, length: 48, address };
}
const keyOf = (i: number) => ipv6Unicast.key(prefix(i, undefined));

type Cmd =
  | { op: 'announce'; peer: number; prefixes: number[]; pathId: number | undefined; info: number }
  | { op: 'withdraw'; peer: number; prefixes: number[]; pathId: number | undefined }
  | { op: 'withdrawPeer'; peer: number }
  | { op: 'markStale'; peer: number }
  | { op: 'sweepStale'; peer: number };

const peerArb = fc.integer({ min: 0, max: PEERS.length - 1 });
const prefixesArb = fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 4 });
const pathIdArb = fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined });
const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('announce' as const), peer: peerArb, prefixes: prefixesArb, pathId: pathIdArb, info: fc.integer({ min: 0, max: INFOS.length - 1 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('withdraw' as const), peer: peerArb, prefixes: prefixesArb, pathId: pathIdArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('withdrawPeer' as const), peer: peerArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('markStale' as const), peer: peerArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('sweepStale' as const), peer: peerArb }) },
);

interface ModelPath {
  peer: number;
  prefix: number;
  pathId: number;
  info: number;
  stale: boolean;
}

describe('RIB against a plain model (property)', () => {
  it('keeps Adj-RIB-In, best paths, change events and counters consistent under any sequence', () => {
    fc.assert(
      fc.property(fc.array(cmdArb, { maxLength: 60 }), (cmds) => {
        const rib = new Rib<IpPrefix, number>({ routerId: 100, localAs: 65000, pathInfo: (a) => INFOS[a]! });
        for (const p of PEERS) rib.addPeer(p);
        const model = new Map<string, ModelPath>();
        const mirror = new Map<string, Path<IpPrefix, number>>();
        const id = (peer: number, prefix: number, pathId: number) => `${peer}/${prefix}/${pathId}`;
        for (const c of cmds) {
          const peerId = PEERS[c.peer]!.id;
          let changes: readonly RibChange<IpPrefix, number>[];
          switch (c.op) {
            case 'announce':
              changes = rib.announce(peerId, V6, c.prefixes.map((i) => prefix(i, c.pathId)), c.info).changes;
              for (const i of c.prefixes) model.set(id(c.peer, i, c.pathId ?? 0), { peer: c.peer, prefix: i, pathId: c.pathId ?? 0, info: c.info, stale: false });
              break;
            case 'withdraw':
              changes = rib.withdraw(peerId, V6, c.prefixes.map((i) => prefix(i, c.pathId))).changes;
              for (const i of c.prefixes) model.delete(id(c.peer, i, c.pathId ?? 0));
              break;
            case 'withdrawPeer':
              changes = rib.withdrawPeer(peerId).changes;
              for (const [k, m] of model) if (m.peer === c.peer) model.delete(k);
              break;
            case 'markStale':
              rib.markStale(peerId);
              changes = [];
              for (const m of model.values()) if (m.peer === c.peer) m.stale = true;
              break;
            case 'sweepStale':
              changes = rib.sweepStale(peerId).changes;
              for (const [k, m] of model) if (m.peer === c.peer && m.stale) model.delete(k);
              break;
          }
          for (const ch of changes) {
            expect(ch.previous).to.equal(mirror.get(ch.key));
            if (ch.best) mirror.set(ch.key, ch.best);
            else mirror.delete(ch.key);
          }
        }
        for (let i = 0; i < 8; i++) {
          const key = keyOf(i);
          const expected = [...model.values()].filter((m) => m.prefix === i);
          const dest = rib.get(V6, key);
          expect(dest?.paths.length ?? 0).to.equal(expected.length);
          const best = rib.best(V6, key);
          expect(mirror.get(key)).to.equal(best);
          if (expected.length === 0) continue;
          // The best is what the decision process picks from the model's candidates.
          const candidates: Path<IpPrefix, number>[] = expected.map((m) => ({
            family: V6,
            key,
            nlri: prefix(i, m.pathId),
            pathId: m.pathId,
            peer: PEERS[m.peer]!,
            attrs: m.info,
            info: INFOS[m.info]!,
            stale: m.stale,
          }));
          const want = selectBest(candidates).best!;
          expect([best?.peer.id, best?.pathId, best?.attrs, best?.stale]).to.deep.equal([want.peer.id, want.pathId, want.attrs, want.stale]);
        }
        PEERS.forEach((p, n) => {
          const mine = [...model.values()].filter((m) => m.peer === n);
          const stats = rib.stats(p.id, V6);
          expect(stats.accepted).to.equal(mine.length);
          expect(stats.stale).to.equal(mine.filter((m) => m.stale).length);
          expect([...rib.adjRibIn(p.id, V6)].length).to.equal(mine.length);
          expect(stats.best).to.equal([...mirror.values()].filter((b) => b.peer.id === p.id).length);
        });
      }),
      { numRuns: 300 },
    );
  });
});

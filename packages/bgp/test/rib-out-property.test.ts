import { expect } from 'chai';
import fc from 'fast-check';
import {
  AdjRibOut,
  Afi,
  Safi,
  exportDecision,
  familyKey,
  ipv6Unicast,
  parseIp,
  pathInfo,
  Rib,
  type IpPrefix,
  type PathInfo,
  type PeerRef,
} from '../src/index.js';

const V6 = familyKey(Afi.IPV6, Safi.UNICAST);
const CLUSTER_ID = 77;
const PEERS: PeerRef[] = [
  { id: 'e1', address: parseIp('2001:db8::1'), routerId: 1, as: 65001, type: 'ebgp', rrClient: false },
  { id: 'c1', address: parseIp('2001:db8::2'), routerId: 2, as: 65000, type: 'ibgp', rrClient: true },
  { id: 'n1', address: parseIp('2001:db8::3'), routerId: 3, as: 65000, type: 'ibgp', rrClient: false },
  { id: 'n2', address: parseIp('2001:db8::4'), routerId: 4, as: 65000, type: 'ibgp', rrClient: false },
];
const INFOS: PathInfo[] = [pathInfo({ localPref: 100 }), pathInfo({ localPref: 200 }), pathInfo({ localPref: 100, asPathLength: 3 })];
const prefix = (i: number): IpPrefix => ({ pathId: undefined, length: 48, address: Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, 0, i, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) });

type Cmd =
  | { op: 'announce'; peer: number; prefixes: number[]; attrs: number }
  | { op: 'withdraw'; peer: number; prefixes: number[] }
  | { op: 'down'; peer: number }
  | { op: 'pack'; peer: number; max: number; batches: number | undefined }
  | { op: 'refresh'; peer: number };

const peerArb = fc.integer({ min: 0, max: PEERS.length - 1 });
const prefixesArb = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 5 });
const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('announce' as const), peer: peerArb, prefixes: prefixesArb, attrs: fc.integer({ min: 0, max: 5 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('withdraw' as const), peer: peerArb, prefixes: prefixesArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('down' as const), peer: peerArb }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('pack' as const), peer: peerArb, max: fc.constantFrom(60, 100, 4096), batches: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('refresh' as const), peer: peerArb }) },
);

/** Exported attributes are strings; their size on the wire is their length. */
function exported(attrs: number, d: { reflect: boolean; toEbgp: boolean }): string {
  return `a${attrs}${d.reflect ? 'R' : ''}${d.toEbgp ? 'E' : ''}`;
}

describe('Adj-RIB-Out against what each peer should end up with (property)', () => {
  it('after packing everything, every peer holds exactly the exportable Loc-RIB, in UPDATEs that fit', () => {
    fc.assert(
      fc.property(fc.array(cmdArb, { maxLength: 50 }), (cmds) => {
        const rib = new Rib<IpPrefix, number>({ routerId: 100, localAs: 65000, pathInfo: (a) => INFOS[a % INFOS.length]! });
        const out = new AdjRibOut<IpPrefix, number, string>({
          clusterId: CLUSTER_ID,
          exportAttributes: (p, _to, d) => exported(p.attrs, d),
          attrsKey: (x) => x,
        });
        rib.subscribe((c) => out.apply(c));
        // What each peer has from us, as it would see it from the UPDATEs.
        const held = PEERS.map(() => new Map<string, string>());
        for (const p of PEERS) {
          rib.addPeer(p);
          out.addPeer(p, [V6]);
        }
        const pack = (n: number, max: number, maxBatches?: number) => {
          const r = out.pack(PEERS[n]!.id, V6, { maxMessageSize: max, nlriSize: (x) => ipv6Unicast.encodedLength(x, undefined as never), attributesSize: (a) => a.length * 7, withdrawOverhead: 7 }, maxBatches);
          if (maxBatches !== undefined) expect(r.batches.length).to.be.at.most(maxBatches);
          expect(r.more).to.equal(out.hasPending(PEERS[n]!.id, V6));
          for (const b of r.batches) {
            const nlriBytes = b.nlri.reduce((s, x) => s + 1 + ((x.length + 7) >> 3), 0);
            expect(23 + (b.kind === 'withdraw' ? 7 : b.attrs.length * 7) + nlriBytes).to.be.at.most(max);
            for (const x of b.nlri) {
              if (b.kind === 'withdraw') held[n]!.delete(ipv6Unicast.key(x));
              else held[n]!.set(ipv6Unicast.key(x), b.attrs);
            }
          }
          for (const x of r.tooLarge) expect(held[n]!.has(ipv6Unicast.key(x))).to.equal(false);
          return r.tooLarge.length;
        };
        for (const c of cmds) {
          const id = PEERS[c.peer]!.id;
          if (c.op === 'announce') rib.announce(id, V6, c.prefixes.map(prefix), c.attrs);
          else if (c.op === 'withdraw') rib.withdraw(id, V6, c.prefixes.map(prefix));
          else if (c.op === 'down') {
            rib.withdrawPeer(id);
            out.removePeer(id);
            held[c.peer]!.clear();
            out.addPeer(PEERS[c.peer]!, [V6]);
            out.advertise(id, V6, rib.bestPaths(V6));
          } else if (c.op === 'pack') pack(c.peer, c.max, c.batches);
          else out.refresh(id, V6);
        }
        PEERS.forEach((to, n) => {
          const tooLarge = pack(n, 4096);
          expect(tooLarge).to.equal(0);
          const want = new Map<string, string>();
          for (const best of rib.bestPaths(V6)) {
            const d = exportDecision(best, to, CLUSTER_ID);
            if (d.export) want.set(best.key, exported(best.attrs, d));
          }
          expect(new Map([...held[n]!].sort())).to.deep.equal(new Map([...want].sort()));
          expect(out.stats(to.id, V6)).to.deep.equal({ advertised: want.size, pending: 0 });
        });
      }),
      { numRuns: 300 },
    );
  });
});

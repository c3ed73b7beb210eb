/**
 * The peer fuzzer's expectation table and case classes: every field and element the walkers
 * name lands in a class the table knows; the table says what RFC 7606 says for the cases it
 * is most often quoted on; patterns and judgements behave; cases are named by (seed, index).
 */
import { expect } from 'chai';
import { createContext, defaultRegistry, encodeMessage, fromHex } from '@evpn6/bgp';
import { Layout, walkMessage } from '@evpn6/bgp/fuzz';
import { registerEvpn } from '@evpn6/evpn';
import { evpnWalkers } from '@evpn6/evpn/fuzz';
import {
  ATTRIBUTE_ERRORS,
  buildCorpus,
  classOf,
  expectationOf,
  FAMILIES,
  fuzzCase,
  judge,
  layoutFor,
  matches,
  ourOpen,
  ourVerdict,
  widen,
} from '../src/fuzz/index.js';
import type { Pattern, Reaction } from '../src/fuzz/index.js';

const registry = registerEvpn(defaultRegistry().clone());
const tx = { ...createContext({ registry }), external: true };
const cfg = { asn: 65002, holdTime: 3, routerId: '192.0.2.250', families: FAMILIES };
const corpus = buildCorpus(
  { asn: 65002, localAddress: '2001:db8:f::2', families: FAMILIES, external: true, routeRefresh: true, tx },
  encodeMessage(ourOpen(cfg), createContext()),
);
const usable = corpus.map((_, i) => i);
const layoutOf = layoutFor(tx);
const ctx = { external: true, bodyNlri: false };

describe('peer fuzzer: expectation table', () => {
  it('gives every field and element the walkers name in our corpus a class the table knows', () => {
    const seen = new Set<string>();
    for (const b of corpus) {
      const l = new Layout();
      walkMessage(b.bytes, 0, b.bytes.length, l, { nlri: evpnWalkers });
      for (const f of l.fields) {
        for (const mutator of ['set-field', 'resize-content']) {
          const cls = classOf(mutator, f.name, f.at, b.bytes, b.bytes, b.bytes[f.at + 1]);
          expect(expectationOf(cls, ctx), `${f.name} (${mutator}) -> ${cls}`).to.not.equal(undefined);
          seen.add(f.name);
        }
      }
      for (const e of l.elements) {
        for (const mutator of ['duplicate-element', 'remove-element', 'swap-elements']) {
          const cls = classOf(mutator, e.name, e.start, b.bytes, b.bytes, b.bytes[e.start + 1]);
          expect(expectationOf(cls, ctx), `${e.name} (${mutator}) -> ${cls}`).to.not.equal(undefined);
          seen.add(e.name);
        }
      }
    }
    // The corpus reaches what issue 9 lists: header, OPEN, capabilities, attributes, AS_PATH, MP_REACH next hop, NLRI, EVPN, PMSI, communities.
    for (const name of ['message length', 'OPEN version', 'OPEN hold time', 'capability length', 'attribute flags', 'attribute length', 'AS_PATH segment count', 'MP_REACH next hop length', 'prefix length', 'route length', 'MAC length', 'IP length', 'originator length', 'PMSI tunnel type', 'extended community']) {
      expect(seen.has(name), name).to.equal(true);
    }
  });

  it('classifies 2000 generated cases, none unclassified', () => {
    for (let i = 0; i < 2000; i++) {
      const c = fuzzCase(corpus, usable, layoutOf, 77, i);
      expect(c.cls, `${c.mutator} on ${c.target}`).to.not.match(/^unclassified/);
      expect(expectationOf(c.cls, ctx), c.cls).to.not.equal(undefined);
    }
  });

  it('names each case by (seed, index) alone', () => {
    const a = fuzzCase(corpus, usable, layoutOf, 5, 123);
    const b = fuzzCase(corpus, usable, layoutOf, 5, 123);
    expect(b).to.deep.equal(a);
    expect(fuzzCase(corpus, usable, layoutOf, 6, 123).bytes).to.not.deep.equal(a.bytes);
  });

  it('says what RFC 7606 says', () => {
    const accept = (cls: string, c = ctx) => expectationOf(cls, c)!.accept;
    // §3 g: a second MP_REACH_NLRI is Malformed Attribute List; other duplicates are dropped.
    expect(accept('attribute-duplicate 14')).to.deep.equal([{ code: 3, subcodes: [1] }]);
    expect(accept('attribute-duplicate 8')).to.deep.equal(['kept']);
    expect(expectationOf('attribute-duplicate 8', ctx)!.legacy).to.deep.equal([{ code: 3, subcodes: [1] }]);
    // §3 d: a missing ORIGIN or AS_PATH is treat-as-withdraw.
    expect(accept('attribute-missing 1')).to.deep.equal(['withdrawn']);
    expect(accept('attribute-missing 2')).to.deep.equal(['withdrawn']);
    // §7.6, §7.7: ATOMIC_AGGREGATE and AGGREGATOR are discarded; §7.1, §7.8: ORIGIN and COMMUNITIES withdraw.
    expect(accept('attribute-value 6')).to.deep.equal(['kept']);
    expect(accept('attribute-value 7')).to.deep.equal(['kept']);
    expect(accept('attribute-value 1')).to.deep.equal(['withdrawn']);
    expect(accept('attribute-value 8')).to.deep.equal(['withdrawn']);
    // §7.5: LOCAL_PREF from an external peer is discarded, from an internal one withdrawn.
    expect(accept('attribute-value 5')).to.deep.equal(['kept']);
    expect(accept('attribute-value 5', { external: false, bodyNlri: false })).to.deep.equal(['withdrawn']);
    // §7.11: a next-hop length the family does not allow is session reset or AFI/SAFI disable.
    expect(accept('next-hop-length')).to.deep.equal([{ code: 3 }, 'withdrawn']);
    // §3 c: conflicting flags are treat-as-withdraw.
    expect(accept('attribute-flags 16')).to.deep.equal(['withdrawn']);
    expect(Object.keys(ATTRIBUTE_ERRORS).map(Number)).to.include.members([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 15, 16, 17, 18, 22, 32]);
  });

  it('matches reactions to patterns; judges ok, rfc7606, unexpected, crash, hang', () => {
    const kept: Reaction = { kind: 'kept', checked: true };
    const unchecked: Reaction = { kind: 'kept', checked: false };
    const n31: Reaction = { kind: 'notification', code: 3, subcode: 1 };
    expect(matches(kept, 'withdrawn')).to.equal(false);
    expect(matches(unchecked, 'withdrawn')).to.equal(true);
    expect(matches({ kind: 'withdrawn' }, 'kept')).to.equal(false);
    expect(matches(n31, { code: 3 })).to.equal(true);
    expect(matches(n31, { code: 3, subcodes: [5] })).to.equal(false);
    expect(matches({ kind: 'reset' }, 'closed')).to.equal(true);
    const e = expectationOf('attribute-duplicate 8', ctx)!;
    expect(judge(kept, e)).to.equal('ok');
    expect(judge(n31, e)).to.equal('rfc7606');
    expect(judge({ kind: 'closed' }, e)).to.equal('unexpected');
    expect(judge({ kind: 'crash' }, { accept: ['kept'], rfc: '' })).to.equal('crash');
    expect(judge({ kind: 'hang' }, { accept: ['kept'], rfc: '' })).to.equal('hang');
  });

  it('widens by our decoder: valid messages may be kept, cut ones waited on, our NOTIFICATION closes', () => {
    const base: { accept: readonly Pattern[]; rfc: string } = { accept: ['withdrawn'], rfc: 'x' };
    expect(widen(base, { kind: 'valid' }, true).accept).to.deep.equal(['withdrawn', 'kept']);
    expect(widen(base, { kind: 'incomplete' }, true).accept).to.deep.include({ code: 4, subcodes: [0] });
    expect(widen(base, { kind: 'notification' }, true).accept).to.include('closed');
    const update = corpus.find((b) => b.type === 'update')!.bytes;
    expect(ourVerdict(update, tx)).to.deep.equal({ kind: 'valid' });
    expect(ourVerdict(update.subarray(0, update.length - 3), tx)).to.deep.equal({ kind: 'incomplete' });
    expect(ourVerdict(fromHex('ffffffffffffffffffffffffffffffff0015030602'), tx)).to.deep.equal({ kind: 'notification' });
    // A message Length of 18 is a header error (RFC 4271 §6.1).
    const bad = update.slice();
    bad[16] = 0;
    bad[17] = 18;
    expect(ourVerdict(bad, tx)).to.deep.equal({ kind: 'error', code: 1, subcode: 2 });
  });
});

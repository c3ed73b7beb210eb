/**
 * @evpn6/bgp/fuzz: reproducible inputs, mutations that keep enclosing lengths true (so they reach
 * the decoder they aim at), walkers that survive any bytes, and the shrinker. Plus the driver's
 * verdict: our typed errors are fine, anything else is a finding.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import type { UpdateMessage } from '@evpn6/bgp';
import { createContext, decodeMessage, defaultRegistry, encodeMessage } from '@evpn6/bgp';
import type { Layout as LayoutType, Mutator } from '@evpn6/bgp/fuzz';
import { duplicateElement, fuzzInput, Layout, minimize, mutators, Prng, readField, removeElement, resizeField, respellLength, walkMessage } from '@evpn6/bgp/fuzz';
import { registerEvpn } from '@evpn6/evpn';
import { evpnWalkers } from '@evpn6/evpn/fuzz';
import { builtUpdates } from '../../scripts/fuzz/seeds.js';
import { guard } from '../../scripts/fuzz/targets.js';
import { DecodeError } from '@evpn6/bgp';

const ctx = createContext({ registry: registerEvpn(defaultRegistry().clone()) });
const layoutOf = (b: Uint8Array): LayoutType => {
  const l = new Layout();
  walkMessage(b, 0, b.length, l, { nlri: evpnWalkers });
  return l;
};
const updates = builtUpdates(false).map((u) => encodeMessage(u, ctx));
const mutator = (name: string): Mutator => mutators.find((m) => m.name === name)!;

describe('@evpn6/bgp/fuzz', () => {
  it('names each input by (seed, index) alone', () => {
    const a = fuzzInput(updates, layoutOf, 42, 1234);
    const b = fuzzInput(updates, layoutOf, 42, 1234);
    expect(b.bytes).to.deep.equal(a.bytes);
    expect(b.steps).to.deep.equal(a.steps);
    const others = new Set<string>();
    for (let i = 0; i < 50; i++) others.add(Buffer.from(fuzzInput(updates, layoutOf, 42, i).bytes).toString('hex'));
    expect(others.size).to.be.greaterThan(40);
    expect(Prng.forInput(1, 2).next()).to.equal(Prng.forInput(1, 2).next());
    expect(Prng.forInput(1, 2).next()).to.not.equal(Prng.forInput(1, 3).next());
  });

  it('says what each mutation aimed at: a field or element of the layout, a cut, or bytes', () => {
    const names = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const input = fuzzInput(updates, layoutOf, 9, i, { maxMutations: 1 });
      expect(input.targets).to.have.length(input.steps.length);
      if (input.steps.length === 0) continue;
      const t = input.targets[0]!;
      const base = updates[input.base]!;
      const layout = layoutOf(base);
      const step = input.steps[0]!;
      if (step === 'truncate' || step === 'truncate-consistent') expect(t.target).to.equal('truncation');
      else if (step === 'byte' || step === 'insert-bytes' || step === 'delete-bytes') expect(t.target).to.equal('bytes');
      else if (step.startsWith('extended-length')) expect(layout.attributeHeaders.some((h) => h.flagsAt === t.at)).to.equal(true);
      else if (step === 'set-field' || step === 'resize-content') {
        expect(layout.fields.some((f) => f.name === t.target && f.at === t.at)).to.equal(true);
        expect(t.value).to.be.a('number');
      } else expect(layout.elements.some((e) => e.name === t.target && e.start === t.at)).to.equal(true);
      names.add(t.target);
    }
    expect(names.size).to.be.greaterThan(15);
    expect(fuzzInput(updates, layoutOf, 9, 17).targets).to.deep.equal(fuzzInput(updates, layoutOf, 9, 17).targets);
  });

  it('keeps the message length true through every length-correcting mutation', () => {
    const correcting = ['resize-content', 'truncate-consistent', 'duplicate-element', 'remove-element', 'extended-length-respell', 'insert-bytes'];
    for (const name of correcting) {
      for (let i = 0; i < 300; i++) {
        const base = updates[i % updates.length]!;
        const out = mutator(name).apply(base, layoutOf(base), Prng.forInput(7, i));
        // Bytes inserted into the marker or into the length field itself leave no header to keep true.
        if (!out || out.length < 19 || out.subarray(0, 16).some((x) => x !== 0xff) || (name === 'insert-bytes' && out[18] !== base[18])) continue;
        // Resizing the message length field itself appends or cuts bytes to match it: still true.
        expect(readField(out, 16, 2), `${name} #${i}`).to.equal(out.length);
      }
    }
  });

  it('duplicating an attribute gives an UPDATE that still parses, with the duplicate reported', () => {
    const base = updates[1]!; // IPv6 unicast: MP_REACH, ORIGIN, AS_PATH, MED, LOCAL_PREF, COMMUNITIES
    const layout = layoutOf(base);
    const med = layout.elements.find((e) => e.name === 'attribute' && base[e.start + 1] === 4)!;
    const out = duplicateElement(base, layout, med);
    expect(out.length).to.equal(base.length + 7);
    const m = decodeMessage(out, ctx) as UpdateMessage;
    expect(m.report?.problems.map((p) => p.reason)).to.deep.equal(['duplicate-attribute']);
    expect(m.attributes).to.deep.equal((decodeMessage(base, ctx) as UpdateMessage).attributes);
    const without = decodeMessage(removeElement(base, layout, med), ctx) as UpdateMessage;
    expect(without.report).to.equal(undefined);
    expect(without.attributes.map((a) => a.type)).to.not.include('MULTI_EXIT_DISC');
  });

  it('re-spells attribute lengths in two octets and back without changing what they say', () => {
    const base = updates[1]!;
    const before = decodeMessage(base, ctx) as UpdateMessage;
    const strip = (m: UpdateMessage) => m.attributes.map((a) => ({ ...a, flags: (a.flags ?? 0) & ~0x10 }));
    for (const h of layoutOf(base).attributeHeaders) {
      const out = respellLength(base, layoutOf(base), h);
      expect(out.length).to.equal(base.length + (h.extended ? -1 : 1));
      const after = decodeMessage(out, ctx) as UpdateMessage;
      expect(after.report).to.equal(undefined);
      expect(strip(after)).to.deep.equal(strip(before));
      if (!h.extended) expect(respellLength(out, layoutOf(out), { ...h, extended: true })).to.deep.equal(base);
    }
  });

  it('resizes an MP_REACH next hop to the lengths peers get wrong, and the UPDATE reports it', () => {
    for (const base of [updates[1]!, updates[3]!]) {
      const layout = layoutOf(base);
      const field = layout.fields.find((f) => f.name === 'MP_REACH next hop length')!;
      for (const length of [0, 3, 5, 15, 17, 31, 33]) {
        const out = resizeField(base, layout, field, length)!;
        expect(out[field.at]).to.equal(length);
        expect(out.length).to.equal(base.length - (field.content!.end - field.content!.start) + length);
        expect(readField(out, 16, 2)).to.equal(out.length);
        const m = decodeMessage(out, ctx) as UpdateMessage;
        expect(m.report?.problems.map((p) => p.reason), `next hop length ${length}`).to.deep.equal(['next-hop-length']);
      }
    }
  });

  it('resizes a PMSI tunnel attribute to 9, 21 and other lengths, still a readable UPDATE', () => {
    const base = updates[4]!; // IMET with a 21-byte PMSI
    const layout = layoutOf(base);
    const pmsi = layout.fields.find((f) => f.name === 'attribute length' && base[f.at - 1] === 22)!;
    for (const length of [5, 9, 13, 20, 21, 22, 37]) {
      const out = resizeField(base, layout, pmsi, length)!;
      const m = decodeMessage(out, ctx) as UpdateMessage;
      const attr = m.attributes.find((a) => a.type === 'PMSI_TUNNEL');
      expect(attr && 'tunnelId' in attr ? attr.tunnelId.length : -1, `PMSI length ${length}`).to.equal(length - 5);
    }
  });

  it('walks any bytes without throwing, every element inside the buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 3 }), (bytes, flavour) => {
        const b = bytes.slice();
        if (flavour > 0 && b.length >= 19) {
          b.fill(0xff, 0, 16);
          b[16] = b.length >> 8;
          b[17] = b.length & 0xff;
          b[18] = flavour === 1 ? 2 : flavour === 2 ? 1 : 5;
        }
        const l = layoutOf(b);
        for (const e of l.elements) expect(e.start >= 0 && e.end <= b.length && e.start <= e.end).to.equal(true);
        for (const m of mutators) m.apply(b, l, new Prng(b.length));
      }),
      { numRuns: 3000 },
    );
  });

  it('shrinks an input to what still fails', () => {
    const input = Uint8Array.from({ length: 200 }, (_, i) => (i === 150 ? 0xab : i === 151 ? 0xcd : 0));
    const small = minimize(input, (b) => b.includes(0xab) && b.includes(0xcd));
    expect(Array.from(small)).to.deep.equal([0xab, 0xcd]);
  });

  it('treats our typed errors as fine and anything else as a finding', () => {
    expect(guard(() => undefined)).to.equal(undefined);
    expect(guard(() => {
      throw new DecodeError('ERR_BGP_TRUNCATED', 'x', 0);
    })).to.equal(undefined);
    const finding = guard(() => {
      throw new RangeError('offset is out of bounds');
    });
    expect(finding?.kind).to.equal('exception');
    expect(finding?.signature).to.match(/^exception RangeError/);
  });
});

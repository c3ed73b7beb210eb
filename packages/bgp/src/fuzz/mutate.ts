import type { AttributeHeader, Element, Field, Layout } from './layout.js';
import { readField, writeField } from './layout.js';
import type { Prng } from './prng.js';
import { FuzzError } from './prng.js';

/** Builds the layout of a buffer (a walker bound to its options). */
export type LayoutOf = (buf: Uint8Array) => Layout;

/** One edit: remove `remove` bytes at `at`, then put `insert` there. Byte lengths around it are kept true. */
interface Edit {
  readonly at: number;
  readonly remove: number;
  readonly insert: Uint8Array;
  /** The span the inserted bytes belong to: byte lengths whose content holds all of it grow. */
  readonly anchorStart: number;
  readonly anchorEnd: number;
  /** A field left alone (the one a resize sets itself). */
  readonly skipFieldAt?: number;
}

const EMPTY = new Uint8Array(0);

/**
 * Applies an edit and corrects every byte-length field (unit 1) that measures the changed
 * bytes: removed bytes inside its content shrink it, inserted bytes within its content grow it.
 * Fields inside the removed range vanish; fields after the edit move.
 */
function applyEdit(buf: Uint8Array, layout: Layout, e: Edit): Uint8Array {
  if (e.at < 0 || e.at + e.remove > buf.length) throw new FuzzError(`edit at ${e.at}+${e.remove} outside ${buf.length} bytes`);
  const removeEnd = e.at + e.remove;
  const delta = e.insert.length - e.remove;
  const out = new Uint8Array(buf.length + delta);
  out.set(buf.subarray(0, e.at), 0);
  out.set(e.insert, e.at);
  out.set(buf.subarray(removeEnd), e.at + e.insert.length);
  for (const f of layout.fields) {
    const c = f.content;
    if (!c || c.unit !== 1 || f.at === e.skipFieldAt) continue;
    if (f.at < removeEnd && f.at + f.size > e.at) continue; // the field itself was edited away
    let value = readField(buf, f.at, f.size);
    if (e.remove > 0) value -= Math.max(0, Math.min(c.end, removeEnd) - Math.max(c.start, e.at));
    if (e.insert.length > 0 && c.start <= e.anchorStart && e.anchorEnd <= c.end) value += e.insert.length;
    if (value === readField(buf, f.at, f.size)) continue;
    const at = f.at >= removeEnd ? f.at + delta : f.at;
    writeField(out, at, f.size, value);
  }
  return out;
}

function insertAt(buf: Uint8Array, layout: Layout, at: number, bytes: Uint8Array, anchorStart = at, anchorEnd = at): Uint8Array {
  return applyEdit(buf, layout, { at, remove: 0, insert: bytes, anchorStart, anchorEnd });
}

function removeRange(buf: Uint8Array, layout: Layout, start: number, end: number): Uint8Array {
  return applyEdit(buf, layout, { at: start, remove: end - start, insert: EMPTY, anchorStart: start, anchorEnd: start });
}

/**
 * Sets a field that measures content to `value` and grows (with bytes from `rng`, zeros without)
 * or cuts its content to match, correcting every enclosing byte length. Undefined when the value
 * makes no sense here (negative, or more than 4096 bytes of growth).
 */
export function resizeField(buf: Uint8Array, layout: Layout, f: Field, value: number, rng?: Prng): Uint8Array | undefined {
  const c = f.content;
  if (!c || value < 0) return undefined;
  const wanted = Math.ceil(value * c.unit);
  const current = c.end - c.start;
  if (wanted > current + 4096) return undefined;
  let out: Uint8Array;
  if (wanted > current) {
    const fill = rng ? rng.bytes(wanted - current) : new Uint8Array(wanted - current);
    out = applyEdit(buf, layout, { at: c.end, remove: 0, insert: fill, anchorStart: c.start, anchorEnd: c.end, skipFieldAt: f.at });
  } else if (wanted < current) {
    out = applyEdit(buf, layout, { at: c.start + wanted, remove: current - wanted, insert: EMPTY, anchorStart: c.start, anchorEnd: c.start, skipFieldAt: f.at });
  } else {
    out = buf.slice();
  }
  writeField(out, f.at, f.size, value);
  return out;
}

/** A copy of the element right after it, enclosing lengths grown to match. */
export function duplicateElement(buf: Uint8Array, layout: Layout, el: Element): Uint8Array {
  return insertAt(buf, layout, el.end, buf.slice(el.start, el.end), el.start, el.end);
}

/** The element cut out, enclosing lengths shrunk to match. */
export function removeElement(buf: Uint8Array, layout: Layout, el: Element): Uint8Array {
  return removeRange(buf, layout, el.start, el.end);
}

/**
 * Toggles an attribute's extended-length bit and re-spells its length in 1 or 2 octets: same
 * meaning, other spelling (a length over 255 squeezed into one octet keeps only its low byte: a lie).
 */
export function respellLength(buf: Uint8Array, layout: Layout, h: AttributeHeader): Uint8Array {
  const out = h.extended ? removeRange(buf, layout, h.lengthAt, h.lengthAt + 1) : insertAt(buf, layout, h.lengthAt, Uint8Array.of(0));
  out[h.flagsAt] = out[h.flagsAt]! ^ 0x10;
  return out;
}

function pickValue(f: Field, current: number, rng: Prng): number {
  const r = rng.below(10);
  if (r < 7 && f.interesting.length > 0) return rng.pick(f.interesting);
  if (r < 9) return current + rng.between(-3, 3);
  return rng.next();
}

/**
 * What a mutation aimed at: the field or element name from the layout ('attribute length',
 * 'AS_PATH segment', ...), 'truncation' for a cut, 'bytes' for an unstructured edit, and the
 * offset in the buffer it was applied to. A peer fuzzer classifies its cases by this.
 */
export interface MutationTarget {
  readonly target: string;
  readonly at: number;
  /** The value a field was set to (set-field, resize-content). */
  readonly value?: number;
}

/** Told what a mutator picked, before it edits. */
export type NoteTarget = (target: string, at: number, value?: number) => void;

/**
 * A named mutation: returns the new bytes, or undefined when it does not apply to this layout.
 * `note`, when given, is told what it aimed at.
 */
export interface Mutator {
  readonly name: string;
  readonly weight: number;
  apply(buf: Uint8Array, layout: Layout, rng: Prng, note?: NoteTarget): Uint8Array | undefined;
}

const INTERESTING_BYTES = [0x00, 0x01, 0x02, 0x03, 0x04, 0x10, 0x20, 0x3f, 0x40, 0x7f, 0x80, 0x81, 0xc0, 0xfe, 0xff];

export const mutators: readonly Mutator[] = [
  {
    name: 'set-field',
    weight: 24,
    apply(buf, layout, rng, note) {
      if (layout.fields.length === 0) return undefined;
      const f = rng.pick(layout.fields);
      const value = pickValue(f, readField(buf, f.at, f.size), rng);
      note?.(f.name, f.at, value);
      const out = buf.slice();
      writeField(out, f.at, f.size, value);
      return out;
    },
  },
  {
    // A length (or count) set to a new value with its content grown or cut to match, and every
    // enclosing length corrected: reaches the decoder of the field itself.
    name: 'resize-content',
    weight: 18,
    apply(buf, layout, rng, note) {
      const sized = layout.fields.filter((f) => f.content !== undefined);
      if (sized.length === 0) return undefined;
      const f = rng.pick(sized);
      const value = pickValue(f, readField(buf, f.at, f.size), rng);
      note?.(f.name, f.at, value);
      return resizeField(buf, layout, f, value, rng);
    },
  },
  {
    name: 'truncate',
    weight: 3,
    apply(buf, layout, rng, note) {
      if (layout.boundaries.length === 0) return undefined;
      const cut = Math.max(0, Math.min(buf.length, rng.pick(layout.boundaries) + rng.between(-1, 1)));
      note?.('truncation', cut);
      return buf.slice(0, cut);
    },
  },
  {
    // Cut at a boundary with every enclosing length shortened to match: the structure ends early but says so.
    name: 'truncate-consistent',
    weight: 6,
    apply(buf, layout, rng, note) {
      if (layout.boundaries.length === 0) return undefined;
      const cut = Math.max(0, Math.min(buf.length, rng.pick(layout.boundaries)));
      note?.('truncation', cut);
      return removeRange(buf, layout, cut, buf.length);
    },
  },
  {
    name: 'duplicate-element',
    weight: 8,
    apply(buf, layout, rng, note) {
      if (layout.elements.length === 0) return undefined;
      const el = rng.pick(layout.elements);
      note?.(el.name, el.start);
      return duplicateElement(buf, layout, el);
    },
  },
  {
    name: 'remove-element',
    weight: 8,
    apply(buf, layout, rng, note) {
      if (layout.elements.length === 0) return undefined;
      const el = rng.pick(layout.elements);
      note?.(el.name, el.start);
      return removeElement(buf, layout, el);
    },
  },
  {
    name: 'swap-elements',
    weight: 3,
    apply(buf, layout, rng, note) {
      if (layout.elements.length === 0) return undefined;
      const a = rng.pick(layout.elements);
      const b = layout.elements.find((e) => e.start === a.end && e.name === a.name);
      if (!b) return undefined;
      note?.(a.name, a.start);
      const out = buf.slice();
      out.set(buf.subarray(b.start, b.end), a.start);
      out.set(buf.subarray(a.start, a.end), a.start + (b.end - b.start));
      return out;
    },
  },
  {
    // Toggle an attribute's extended-length bit and re-spell its length in 1 or 2 octets, so the attribute still parses.
    name: 'extended-length-respell',
    weight: 4,
    apply(buf, layout, rng, note) {
      if (layout.attributeHeaders.length === 0) return undefined;
      const h = rng.pick(layout.attributeHeaders);
      note?.('attribute header', h.flagsAt);
      return respellLength(buf, layout, h);
    },
  },
  {
    // Toggle the bit alone: the length field now lies about its own size.
    name: 'extended-length-lie',
    weight: 3,
    apply(buf, layout, rng, note) {
      if (layout.attributeHeaders.length === 0) return undefined;
      const h = rng.pick(layout.attributeHeaders);
      note?.('attribute header', h.flagsAt);
      const out = buf.slice();
      out[h.flagsAt] = out[h.flagsAt]! ^ 0x10;
      return out;
    },
  },
  {
    name: 'byte',
    weight: 10,
    apply(buf, _layout, rng, note) {
      if (buf.length === 0) return undefined;
      const out = buf.slice();
      const at = rng.below(buf.length);
      note?.('bytes', at);
      const r = rng.below(3);
      out[at] = r === 0 ? out[at]! ^ (1 << rng.below(8)) : r === 1 ? rng.pick(INTERESTING_BYTES) : rng.next() & 0xff;
      return out;
    },
  },
  {
    name: 'insert-bytes',
    weight: 5,
    apply(buf, layout, rng, note) {
      const at = rng.below(buf.length + 1);
      note?.('bytes', at);
      return insertAt(buf, layout, at, rng.bytes(rng.pick([1, 1, 2, 3, 4, 8, 16])));
    },
  },
  {
    name: 'delete-bytes',
    weight: 6,
    apply(buf, layout, rng, note) {
      if (buf.length === 0) return undefined;
      const at = rng.below(buf.length);
      const end = Math.min(buf.length, at + rng.pick([1, 1, 2, 3, 4, 8, 16]));
      note?.('bytes', at);
      // Half the time lengths are corrected, half the time they are left to lie.
      if (rng.chance(0.5)) return removeRange(buf, layout, at, end);
      const out = new Uint8Array(buf.length - (end - at));
      out.set(buf.subarray(0, at));
      out.set(buf.subarray(end), at);
      return out;
    },
  },
];

const TOTAL_WEIGHT = mutators.reduce((n, m) => n + m.weight, 0);

function pickMutator(rng: Prng): Mutator {
  let r = rng.below(TOTAL_WEIGHT);
  for (const m of mutators) {
    if (r < m.weight) return m;
    r -= m.weight;
  }
  return mutators[0]!;
}

export interface MutateOptions {
  /** At most this many stacked mutations (at least one is applied when any applies). Default 3. */
  readonly maxMutations?: number;
  /** Results longer than this are discarded. Default 70000 (above any BGP message). */
  readonly maxLength?: number;
}

export interface MutationResult {
  readonly bytes: Uint8Array;
  /** Names of the mutations applied, in order. */
  readonly steps: readonly string[];
  /** What each applied mutation aimed at, in the same order (offsets in the buffer it was applied to). */
  readonly targets: readonly MutationTarget[];
}

/** Applies 1..maxMutations mutations; the layout is rebuilt after each so stacked edits stay aimed. */
export function mutate(input: Uint8Array, layoutOf: LayoutOf, rng: Prng, opts: MutateOptions = {}): MutationResult {
  const max = opts.maxMutations ?? 3;
  const maxLength = opts.maxLength ?? 70000;
  if (max < 1) throw new FuzzError('maxMutations must be at least 1');
  const count = 1 + rng.below(max);
  let bytes = input;
  const steps: string[] = [];
  const targets: MutationTarget[] = [];
  for (let attempt = 0; steps.length < count && attempt < count * 4; attempt++) {
    const m = pickMutator(rng);
    let out: Uint8Array | undefined;
    let aimed: MutationTarget = { target: 'bytes', at: 0 };
    try {
      out = m.apply(bytes, layoutOf(bytes), rng, (target, at, value) => (aimed = value === undefined ? { target, at } : { target, at, value }));
    } catch (e) {
      // A walker described something the bytes do not hold: skip this mutation, as if it did not apply.
      if (e instanceof FuzzError) continue;
      throw e;
    }
    if (out === undefined || out.length > maxLength) continue;
    bytes = out;
    steps.push(m.name);
    targets.push(aimed);
  }
  return { bytes: bytes === input ? input.slice() : bytes, steps, targets };
}

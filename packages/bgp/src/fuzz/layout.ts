/**
 * A layout is a map of where a structure's fields are in a byte buffer: what a structure-aware
 * mutator needs to corrupt exactly the places decoders trip over (a length field, a count, a
 * type code) and to keep the enclosing lengths true so that the corruption reaches the decoder
 * it is aimed at instead of being stopped at the outermost length check.
 *
 * Walkers build layouts from bytes that may already be mutated: they stop quietly wherever the
 * structure stops making sense and never throw.
 */

export interface Content {
  readonly start: number;
  readonly end: number;
  /**
   * Bytes per unit of the field's value: 1 for a length in octets, 0.125 for a length in bits,
   * 2 or 4 for an AS count. Only byte lengths (1) are kept true when bytes move inside them.
   */
  readonly unit: number;
}

export interface Field {
  readonly name: string;
  readonly at: number;
  readonly size: 1 | 2 | 3 | 4;
  /** Values worth trying here (boundaries, lengths other implementations accept or reject). */
  readonly interesting: readonly number[];
  /** Set when the field measures a span of the buffer. */
  readonly content?: Content;
}

/** A unit that may be duplicated, removed or swapped with a sibling: an attribute, an NLRI, a capability... */
export interface Element {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

/** A path attribute header, for flipping the extended-length bit while keeping the attribute readable. */
export interface AttributeHeader {
  readonly flagsAt: number;
  readonly lengthAt: number;
  readonly extended: boolean;
}

export class Layout {
  readonly fields: Field[] = [];
  readonly elements: Element[] = [];
  readonly attributeHeaders: AttributeHeader[] = [];
  /** Offsets where a structure or field begins or ends: truncation points. */
  readonly boundaries: number[] = [];

  field(name: string, at: number, size: 1 | 2 | 3 | 4, interesting: readonly number[], content?: Content): void {
    this.fields.push(content ? { name, at, size, interesting, content } : { name, at, size, interesting });
    this.boundaries.push(at, at + size);
  }

  /** Walkers may describe a structure running past the buffer; such an element is cut at `limit`. */
  element(name: string, start: number, end: number, limit = Number.MAX_SAFE_INTEGER): void {
    end = Math.min(end, limit);
    if (end < start) return;
    this.elements.push({ name, start, end });
    this.boundaries.push(start, end);
  }
}

export function readField(buf: Uint8Array, at: number, size: number): number {
  let v = 0;
  for (let i = 0; i < size; i++) v = v * 256 + (buf[at + i] ?? 0);
  return v;
}

/** Writes the low `size` bytes of `value` (a value too large for the field wraps: that is a lie too). */
export function writeField(buf: Uint8Array, at: number, size: number, value: number): void {
  let v = Math.max(0, Math.floor(value));
  for (let i = size - 1; i >= 0; i--) {
    if (at + i < buf.length) buf[at + i] = v & 0xff;
    v = Math.floor(v / 256);
  }
}

/** The interesting values of a length, around its current value and at the edges of its field. */
export function aroundLength(current: number, size: number, extra: readonly number[] = []): number[] {
  const max = size === 1 ? 0xff : size === 2 ? 0xffff : size === 3 ? 0xffffff : 0xffffffff;
  const out = [0, 1, current - 1, current + 1, current + 2, current - 2, max, max - 1, ...extra];
  return out.filter((v) => v >= 0 && v <= max);
}

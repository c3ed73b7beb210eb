import { Afi, AttrType, familyKey, MessageType, Safi } from '../iana.js';
import { aroundLength, readField } from './layout.js';
import type { Layout } from './layout.js';

/**
 * Walks one family's NLRI field [start, end) into the layout. `addPath` says whether each NLRI
 * is preceded by a 4-byte path identifier. Families other packages define (EVPN) plug in here.
 */
export type NlriWalker = (buf: Uint8Array, start: number, end: number, layout: Layout, addPath: boolean) => void;

export interface WalkOptions {
  /** AS numbers in AS_PATH are 4 octets (else 2). */
  readonly fourOctetAs?: boolean;
  /** familyKey of the families with ADD-PATH on. */
  readonly addPath?: ReadonlySet<number>;
  /** NLRI walkers by familyKey, beyond IPv4/IPv6 unicast. */
  readonly nlri?: ReadonlyMap<number, NlriWalker>;
}

const HEADER = 19;
const MESSAGE_LENGTHS = [19, 20, 23, 28, 29, 4096, 4097, 65535];
const MESSAGE_TYPES = [0, 1, 2, 3, 4, 5, 6, 255];
/** Next-hop lengths around the legal 4/16/32 that implementations mishandle. */
export const NEXT_HOP_LENGTHS = [0, 3, 4, 5, 12, 15, 16, 17, 24, 31, 32, 33, 255];
const PREFIX_BITS = [0, 1, 7, 8, 9, 24, 31, 32, 33, 48, 64, 120, 127, 128, 129, 255];
const ATTRIBUTE_FLAGS = [0x00, 0x10, 0x20, 0x40, 0x50, 0x60, 0x80, 0x90, 0xc0, 0xd0, 0xe0, 0xf0, 0xff];
const ATTRIBUTE_TYPES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15, 16, 17, 18, 20, 22, 25, 29, 32, 35, 128, 255];
const AFIS = [0, 1, 2, 25, 0xffff];
const SAFIS = [0, 1, 2, 4, 70, 128, 255];

/** Lengths per attribute type that are just legal, just not, or the ones peers are known to send. */
const ATTRIBUTE_LENGTHS: Readonly<Record<number, readonly number[]>> = {
  [AttrType.ORIGIN]: [0, 1, 2],
  [AttrType.NEXT_HOP]: [0, 3, 4, 5, 16],
  [AttrType.MULTI_EXIT_DISC]: [0, 3, 4, 5, 8],
  [AttrType.LOCAL_PREF]: [0, 3, 4, 5],
  [AttrType.ATOMIC_AGGREGATE]: [0, 1],
  [AttrType.AGGREGATOR]: [0, 4, 6, 7, 8, 9],
  [AttrType.COMMUNITIES]: [0, 3, 4, 5, 7, 8],
  [AttrType.ORIGINATOR_ID]: [0, 3, 4, 5],
  [AttrType.CLUSTER_LIST]: [0, 3, 4, 5, 8],
  [AttrType.EXTENDED_COMMUNITIES]: [0, 7, 8, 9, 15, 16, 17, 24],
  [AttrType.AS4_AGGREGATOR]: [0, 6, 7, 8, 9],
  // PMSI: 9 with an IPv4 endpoint, 21 with IPv6 (what stock FRR 8.4 rejects), and the rest.
  [AttrType.PMSI_TUNNEL]: [0, 4, 5, 6, 8, 9, 10, 13, 17, 20, 21, 22, 37],
  [AttrType.LARGE_COMMUNITY]: [0, 11, 12, 13, 24],
  [AttrType.MP_REACH_NLRI]: [0, 2, 3, 4, 5],
  [AttrType.MP_UNREACH_NLRI]: [0, 2, 3, 4],
};

/** A whole message at `at`; returns where it ends (by its length field, clipped to `end`). */
export function walkMessage(buf: Uint8Array, at: number, end: number, layout: Layout, opts: WalkOptions = {}): number {
  if (end - at < HEADER) {
    layout.boundaries.push(at, end);
    return end;
  }
  const length = readField(buf, at + 16, 2);
  const stop = Math.min(end, at + Math.max(length, HEADER));
  layout.field('message length', at + 16, 2, aroundLength(length, 2, MESSAGE_LENGTHS), { start: at, end: stop, unit: 1 });
  layout.field('message type', at + 18, 1, MESSAGE_TYPES);
  layout.field('marker last byte', at + 15, 1, [0, 0xfe]);
  layout.element('message', at, stop);
  const body = at + HEADER;
  switch (buf[at + 18]) {
    case MessageType.OPEN:
      walkOpenBody(buf, body, stop, layout);
      break;
    case MessageType.UPDATE:
      walkUpdateBody(buf, body, stop, layout, opts);
      break;
    case MessageType.NOTIFICATION:
      if (stop - body >= 2) {
        layout.field('notification code', body, 1, [0, 1, 2, 3, 4, 5, 6, 7, 255]);
        layout.field('notification subcode', body + 1, 1, [0, 1, 2, 3, 4, 5, 6, 9, 11, 255]);
        if (stop - body >= 3) layout.field('shutdown communication length', body + 2, 1, aroundLength(buf[body + 2]!, 1, [128, 129, 255]), { start: body + 3, end: stop, unit: 1 });
      }
      break;
    case MessageType.ROUTE_REFRESH:
      if (stop - body >= 4) {
        layout.field('route refresh AFI', body, 2, AFIS);
        layout.field('route refresh subtype', body + 2, 1, [0, 1, 2, 3, 255]);
        layout.field('route refresh SAFI', body + 3, 1, SAFIS);
      }
      break;
  }
  return stop;
}

/** Several messages back to back (a stream for the framer). */
export function walkMessages(buf: Uint8Array, start: number, end: number, layout: Layout, opts: WalkOptions = {}): void {
  let at = start;
  while (at < end) {
    const next = walkMessage(buf, at, end, layout, opts);
    if (next <= at) break;
    at = next;
  }
}

/** The OPEN body after the header, both the RFC 4271 and the RFC 9072 extended parameter forms. */
export function walkOpenBody(buf: Uint8Array, start: number, end: number, layout: Layout): void {
  if (end - start < 10) return;
  layout.field('OPEN version', start, 1, [0, 1, 3, 4, 5, 255]);
  layout.field('OPEN my AS', start + 1, 2, [0, 23456, 64512, 65535]);
  layout.field('OPEN hold time', start + 3, 2, [0, 1, 2, 3, 90, 65535]);
  layout.field('OPEN BGP identifier', start + 5, 4, [0, 0xffffffff, 0x7f000001]);
  const optLength = buf[start + 9]!;
  let p = start + 10;
  let extended = false;
  let paramsEnd: number;
  if (end - p >= 3 && buf[p] === 0xff) {
    extended = true;
    const extLength = readField(buf, p + 1, 2);
    paramsEnd = Math.min(end, p + 3 + extLength);
    layout.field('OPEN non-extended length', start + 9, 1, [0, 1, 254, 255]);
    layout.field('OPEN extended marker', p, 1, [0, 2, 254, 255]);
    layout.field('OPEN extended parameters length', p + 1, 2, aroundLength(extLength, 2), { start: p + 3, end: paramsEnd, unit: 1 });
    p += 3;
  } else {
    paramsEnd = Math.min(end, p + optLength);
    layout.field('OPEN optional parameters length', start + 9, 1, aroundLength(optLength, 1, [255]), { start: p, end: paramsEnd, unit: 1 });
  }
  const lengthSize = extended ? 2 : 1;
  while (paramsEnd - p >= 1 + lengthSize) {
    const type = buf[p]!;
    const length = readField(buf, p + 1, lengthSize);
    const valueStart = p + 1 + lengthSize;
    const valueEnd = Math.min(paramsEnd, valueStart + length);
    layout.field('optional parameter type', p, 1, [0, 1, 2, 3, 255]);
    layout.field('optional parameter length', p + 1, lengthSize, aroundLength(length, lengthSize), { start: valueStart, end: valueEnd, unit: 1 });
    layout.element('optional parameter', p, valueEnd);
    if (type === 2) walkCapabilities(buf, valueStart, valueEnd, layout);
    p = valueEnd;
  }
}

/** Capability TLVs (RFC 5492) and the fields of the ones we decode. */
export function walkCapabilities(buf: Uint8Array, start: number, end: number, layout: Layout): void {
  let p = start;
  while (end - p >= 2) {
    const code = buf[p]!;
    const length = buf[p + 1]!;
    const v = p + 2;
    const valueEnd = Math.min(end, v + length);
    layout.field('capability code', p, 1, [0, 1, 2, 5, 6, 64, 65, 69, 70, 71, 73, 128, 255]);
    const lengths: Record<number, number[]> = { 1: [3, 4, 5], 2: [0, 1], 5: [5, 6, 7, 12], 6: [0, 1], 64: [1, 2, 6, 7], 65: [3, 4, 5], 69: [3, 4, 5, 8], 73: [0, 1, 2, 3] };
    layout.field('capability length', p + 1, 1, aroundLength(length, 1, lengths[code] ?? []), { start: v, end: valueEnd, unit: 1 });
    layout.element('capability', p, valueEnd);
    if (code === 1 && valueEnd - v >= 4) {
      layout.field('MP capability AFI', v, 2, AFIS);
      layout.field('MP capability SAFI', v + 3, 1, SAFIS);
    } else if (code === 65 && valueEnd - v >= 4) {
      layout.field('4-octet AS', v, 4, [0, 23456, 65535, 65536, 0xffffffff]);
    } else if (code === 69) {
      for (let q = v; q + 4 <= valueEnd; q += 4) {
        layout.element('ADD-PATH family', q, q + 4);
        layout.field('ADD-PATH mode', q + 3, 1, [0, 1, 2, 3, 4, 255]);
      }
    } else if (code === 64 && valueEnd - v >= 2) {
      layout.field('graceful restart flags and time', v, 2, [0, 0x8000, 0x4fff, 0xffff]);
      for (let q = v + 2; q + 4 <= valueEnd; q += 4) layout.element('graceful restart family', q, q + 4);
    } else if (code === 5) {
      for (let q = v; q + 6 <= valueEnd; q += 6) {
        layout.element('extended next hop entry', q, q + 6);
        layout.field('extended next hop AFI', q + 4, 2, AFIS);
      }
    } else if (code === 73 && valueEnd - v >= 1) {
      const hostLength = buf[v]!;
      layout.field('FQDN hostname length', v, 1, aroundLength(hostLength, 1, [0, 64, 255]), { start: v + 1, end: Math.min(valueEnd, v + 1 + hostLength), unit: 1 });
      const d = v + 1 + hostLength;
      if (d < valueEnd) layout.field('FQDN domain length', d, 1, aroundLength(buf[d]!, 1, [0, 64, 255]), { start: d + 1, end: Math.min(valueEnd, d + 1 + buf[d]!), unit: 1 });
    }
    p = valueEnd;
  }
}

/** The UPDATE body (after the header). */
export function walkUpdateBody(buf: Uint8Array, start: number, end: number, layout: Layout, opts: WalkOptions = {}): void {
  if (end - start < 2) return;
  const withdrawnLength = readField(buf, start, 2);
  const wStart = start + 2;
  const wEnd = Math.min(end, wStart + withdrawnLength);
  layout.field('withdrawn routes length', start, 2, aroundLength(withdrawnLength, 2), { start: wStart, end: wEnd, unit: 1 });
  walkPrefixes(buf, wStart, wEnd, layout, opts.addPath?.has(familyKey(Afi.IPV4, Safi.UNICAST)) ?? false, 4);
  if (end - wEnd < 2) return;
  const attributesLength = readField(buf, wEnd, 2);
  const aStart = wEnd + 2;
  const aEnd = Math.min(end, aStart + attributesLength);
  layout.field('total path attribute length', wEnd, 2, aroundLength(attributesLength, 2), { start: aStart, end: aEnd, unit: 1 });
  walkAttributes(buf, aStart, aEnd, layout, opts);
  walkPrefixes(buf, aEnd, end, layout, opts.addPath?.has(familyKey(Afi.IPV4, Safi.UNICAST)) ?? false, 4);
}

/** A Path Attributes field: every TLV, and the inside of the ones that hold structure. */
export function walkAttributes(buf: Uint8Array, start: number, end: number, layout: Layout, opts: WalkOptions = {}): void {
  let p = start;
  while (end - p >= 3) {
    const flags = buf[p]!;
    const code = buf[p + 1]!;
    const extended = (flags & 0x10) !== 0;
    const lengthSize = extended ? 2 : 1;
    if (end - p < 2 + lengthSize) break;
    const length = readField(buf, p + 2, lengthSize);
    const v = p + 2 + lengthSize;
    const valueEnd = Math.min(end, v + length);
    layout.field('attribute flags', p, 1, ATTRIBUTE_FLAGS);
    layout.field('attribute type', p + 1, 1, ATTRIBUTE_TYPES);
    layout.field('attribute length', p + 2, lengthSize, aroundLength(length, lengthSize, ATTRIBUTE_LENGTHS[code] ?? []), { start: v, end: valueEnd, unit: 1 });
    layout.attributeHeaders.push({ flagsAt: p, lengthAt: p + 2, extended });
    layout.element('attribute', p, valueEnd);
    walkAttributeValue(buf, code, v, valueEnd, layout, opts);
    p = valueEnd;
  }
}

function walkAttributeValue(buf: Uint8Array, code: number, v: number, end: number, layout: Layout, opts: WalkOptions): void {
  switch (code) {
    case AttrType.ORIGIN:
      if (end > v) layout.field('ORIGIN', v, 1, [0, 1, 2, 3, 255]);
      break;
    case AttrType.AS_PATH:
      walkSegments(buf, v, end, layout, opts.fourOctetAs ?? true ? 4 : 2);
      break;
    case AttrType.AS4_PATH:
      walkSegments(buf, v, end, layout, 4);
      break;
    case AttrType.COMMUNITIES:
    case AttrType.CLUSTER_LIST:
      for (let q = v; q + 4 <= end; q += 4) layout.element('4-byte item', q, q + 4);
      break;
    case AttrType.EXTENDED_COMMUNITIES:
      for (let q = v; q + 8 <= end; q += 8) {
        layout.element('extended community', q, q + 8);
        layout.field('extended community type', q, 1, [0x00, 0x01, 0x02, 0x03, 0x06, 0x40, 0x43, 0x80]);
        layout.field('extended community subtype', q + 1, 1, [0x00, 0x01, 0x02, 0x03, 0x0c, 0x0d, 0xff]);
      }
      break;
    case AttrType.LARGE_COMMUNITY:
      for (let q = v; q + 12 <= end; q += 12) layout.element('large community', q, q + 12);
      break;
    case AttrType.PMSI_TUNNEL:
      if (end - v >= 5) {
        layout.field('PMSI flags', v, 1, [0, 1, 0x80, 0xff]);
        layout.field('PMSI tunnel type', v + 1, 1, [0, 1, 2, 3, 4, 5, 6, 7, 0xff]);
        layout.field('PMSI label', v + 2, 3, [0, 1, 0xffffff, 0x100000]);
      }
      break;
    case AttrType.MP_REACH_NLRI:
      walkMpReach(buf, v, end, layout, opts);
      break;
    case AttrType.MP_UNREACH_NLRI:
      if (end - v >= 3) {
        layout.field('MP_UNREACH AFI', v, 2, AFIS);
        layout.field('MP_UNREACH SAFI', v + 2, 1, SAFIS);
        walkNlri(buf, readField(buf, v, 2), buf[v + 2]!, v + 3, end, layout, opts);
      }
      break;
  }
}

function walkSegments(buf: Uint8Array, start: number, end: number, layout: Layout, width: number): void {
  let p = start;
  while (end - p >= 2) {
    const count = buf[p + 1]!;
    const segEnd = Math.min(end, p + 2 + count * width);
    layout.field('AS_PATH segment type', p, 1, [0, 1, 2, 3, 4, 5, 255]);
    layout.field('AS_PATH segment count', p + 1, 1, [0, 1, count - 1, count + 1, 255].filter((c) => c >= 0 && c <= 255), { start: p + 2, end: segEnd, unit: width });
    layout.element('AS_PATH segment', p, segEnd);
    p = segEnd;
  }
}

function walkMpReach(buf: Uint8Array, v: number, end: number, layout: Layout, opts: WalkOptions): void {
  if (end - v < 4) return;
  layout.field('MP_REACH AFI', v, 2, AFIS);
  layout.field('MP_REACH SAFI', v + 2, 1, SAFIS);
  const nhLength = buf[v + 3]!;
  const nhEnd = Math.min(end, v + 4 + nhLength);
  layout.field('MP_REACH next hop length', v + 3, 1, NEXT_HOP_LENGTHS, { start: v + 4, end: nhEnd, unit: 1 });
  if (nhEnd >= end) return;
  layout.field('MP_REACH reserved', nhEnd, 1, [0, 1, 255]);
  walkNlri(buf, readField(buf, v, 2), buf[v + 2]!, nhEnd + 1, end, layout, opts);
}

function walkNlri(buf: Uint8Array, afi: number, safi: number, start: number, end: number, layout: Layout, opts: WalkOptions): void {
  const key = familyKey(afi, safi);
  const addPath = opts.addPath?.has(key) ?? false;
  const custom = opts.nlri?.get(key);
  if (custom) custom(buf, start, end, layout, addPath);
  else if (safi === Safi.UNICAST && (afi === Afi.IPV4 || afi === Afi.IPV6)) walkPrefixes(buf, start, end, layout, addPath, afi === Afi.IPV4 ? 4 : 16);
}

/** IP prefixes (length in bits, then the significant bytes), with path identifiers when ADD-PATH is on. */
export function walkPrefixes(buf: Uint8Array, start: number, end: number, layout: Layout, addPath: boolean, width: number): void {
  let p = start;
  while (p < end) {
    const first = p;
    if (addPath) {
      if (end - p < 4) break;
      layout.field('path identifier', p, 4, [0, 1, 0xffffffff]);
      p += 4;
    }
    if (p >= end) break;
    const bits = buf[p]!;
    const bytesEnd = Math.min(end, p + 1 + ((bits + 7) >> 3));
    layout.field('prefix length', p, 1, [...PREFIX_BITS, width * 8, width * 8 + 1], { start: p + 1, end: bytesEnd, unit: 0.125 });
    layout.element('prefix', first, bytesEnd);
    p = bytesEnd;
  }
}

/**
 * A walker for NLRI made of (type, length, body) routes whose bodies are described as data:
 * how @evpn6/evpn's route types are fuzzed without @evpn6/bgp knowing EVPN.
 */
export interface TlvRouteDescription {
  /** Route type values worth trying (known ones and neighbours). */
  readonly types: readonly number[];
  /** Per route type: the body lengths it can legally have, and its fields in order. */
  readonly routes: Readonly<Record<number, { readonly lengths: readonly number[]; readonly fields: readonly RouteFieldDescription[] }>>;
}

/**
 * One field of a route body: fixed `size` bytes, or (with `bits`) a 1-byte length in bits
 * followed by that many bits rounded up to bytes (EVPN's MAC, IP and originator lengths).
 * `size: 'rest'` is whatever remains of the body (labels, for instance).
 */
export type RouteFieldDescription =
  | { readonly name: string; readonly size: 1 | 2 | 3 | 4; readonly interesting?: readonly number[] }
  | { readonly name: string; readonly size: number }
  | { readonly name: string; readonly bits: true; readonly interesting: readonly number[] }
  | { readonly name: string; readonly size: 'rest' };

export function tlvRouteWalker(d: TlvRouteDescription): NlriWalker {
  return (buf, start, end, layout, addPath) => {
    let p = start;
    while (p < end) {
      const first = p;
      if (addPath) {
        if (end - p < 4) break;
        layout.field('path identifier', p, 4, [0, 1, 0xffffffff]);
        p += 4;
      }
      if (end - p < 2) break;
      const type = buf[p]!;
      const length = buf[p + 1]!;
      const bodyEnd = Math.min(end, p + 2 + length);
      const route = d.routes[type];
      layout.field('route type', p, 1, d.types);
      layout.field('route length', p + 1, 1, aroundLength(length, 1, route?.lengths ?? []), { start: p + 2, end: bodyEnd, unit: 1 });
      layout.element('route', first, bodyEnd);
      if (route) walkRouteFields(buf, p + 2, bodyEnd, route.fields, layout);
      p = bodyEnd;
    }
  };
}

function walkRouteFields(buf: Uint8Array, start: number, end: number, fields: readonly RouteFieldDescription[], layout: Layout): void {
  let q = start;
  for (const f of fields) {
    if (q >= end) return;
    if ('bits' in f) {
      const bits = buf[q]!;
      const contentEnd = Math.min(end, q + 1 + ((bits + 7) >> 3));
      layout.field(f.name, q, 1, f.interesting, { start: q + 1, end: contentEnd, unit: 0.125 });
      q = contentEnd;
    } else if (f.size === 'rest') {
      layout.element(f.name, q, end);
      q = end;
    } else {
      const size = f.size;
      if ('interesting' in f && f.interesting && (size === 1 || size === 2 || size === 3 || size === 4)) layout.field(f.name, q, size, f.interesting);
      else layout.boundaries.push(q, Math.min(end, q + size));
      q += size;
    }
  }
}

/**
 * Fuzz cases: case `index` of a run with `seed` is one mutation (never stacked, so that its
 * class is clear) of one base message, chosen and made by a generator seeded with
 * (seed, index) alone — any case can be rebuilt without the ones before it.
 */
import type { CodecContext } from '@evpn6/bgp';
import { Layout, mutate, Prng, walkMessage } from '@evpn6/bgp/fuzz';
import type { LayoutOf } from '@evpn6/bgp/fuzz';
import { evpnWalkers } from '@evpn6/evpn/fuzz';
import type { BaseMessage } from './corpus.js';

export interface FuzzCase {
  readonly seed: number;
  readonly index: number;
  /** Index of the base message in the corpus, and its name. */
  readonly base: number;
  readonly baseName: string;
  readonly mutator: string;
  /** What the mutation aimed at (a field or element name, 'truncation', 'bytes'). */
  readonly target: string;
  /** The value the field was set to, for field mutations. */
  readonly value: number | undefined;
  /** Type code of the path attribute the mutation landed in, if any. */
  readonly attribute: number | undefined;
  /** The expectation class (see expectations.ts). */
  readonly cls: string;
  readonly bytes: Uint8Array;
}

export function layoutFor(ctx: CodecContext): LayoutOf {
  const opts = { fourOctetAs: ctx.fourOctetAs, addPath: ctx.addPath, nlri: evpnWalkers };
  return (b) => {
    const l = new Layout();
    walkMessage(b, 0, b.length, l, opts);
    return l;
  };
}

/** How often each kind of base is picked: UPDATEs most, OPENs (a fresh connection each) less, the rest a little. */
const WEIGHTS: Readonly<Record<BaseMessage['type'], number>> = { update: 16, open: 3, keepalive: 1, 'route-refresh': 1 };

function pickBase(corpus: readonly BaseMessage[], rng: Prng): number {
  const total = corpus.reduce((n, b) => n + WEIGHTS[b.type], 0);
  let r = rng.below(total);
  for (const [i, b] of corpus.entries()) {
    if (r < WEIGHTS[b.type]) return i;
    r -= WEIGHTS[b.type];
  }
  return 0;
}

/** The innermost path attribute of `buf` holding offset `at`, by walking the layout's attribute elements. */
function attributeAt(buf: Uint8Array, layout: Layout, at: number): number | undefined {
  let best: { start: number; end: number } | undefined;
  for (const e of layout.elements) {
    if (e.name !== 'attribute' || at < e.start || at >= Math.max(e.end, e.start + 1)) continue;
    if (!best || e.start >= best.start) best = e;
  }
  return best ? buf[best.start + 1] : undefined;
}

const OPEN_FIELDS: Readonly<Record<string, string>> = {
  'OPEN version': 'open-version',
  'OPEN my AS': 'open-my-as',
  'OPEN hold time': 'open-hold-time',
  'OPEN BGP identifier': 'open-bgp-identifier',
};

const OPEN_PARAMETER_TARGETS = new Set([
  'OPEN optional parameters length',
  'OPEN non-extended length',
  'OPEN extended marker',
  'OPEN extended parameters length',
  'optional parameter type',
  'optional parameter length',
  'optional parameter',
]);

const CAPABILITY_TARGETS = new Set([
  'capability code',
  'capability length',
  'capability',
  'MP capability AFI',
  'MP capability SAFI',
  '4-octet AS',
  'ADD-PATH family',
  'ADD-PATH mode',
  'graceful restart flags and time',
  'graceful restart family',
  'extended next hop entry',
  'extended next hop AFI',
  'FQDN hostname length',
  'FQDN domain length',
]);

/** Names inside one attribute's value: a change there is a malformed (or still valid) instance of it. */
const ATTRIBUTE_VALUE_TARGETS = new Set([
  'ORIGIN',
  'AS_PATH segment type',
  'AS_PATH segment count',
  'AS_PATH segment',
  '4-byte item',
  'extended community',
  'extended community type',
  'extended community subtype',
  'large community',
  'PMSI flags',
  'PMSI tunnel type',
  'PMSI label',
]);

const EVPN_LENGTH_TARGETS = new Set(['route length', 'MAC length', 'IP length', 'originator length', 'labels', 'prefix, gateway and label']);
const EVPN_FIELD_TARGETS = new Set(['RD', 'ESI', 'ESI type', 'ESI value', 'Ethernet tag', 'label']);
const NOTIFICATION_TARGETS = new Set(['notification code', 'notification subcode', 'shutdown communication length']);

/**
 * The expectation class of a mutation: `mutator` applied to `target` at `at` of `base` (the
 * buffer before the mutation), giving `out`. Every target name the walkers produce has a class;
 * test/fuzz-expectations checks that.
 */
export function classOf(mutator: string, target: string, at: number, base: Uint8Array, out: Uint8Array, attribute: number | undefined): string {
  if (mutator === 'none') return 'baseline';
  if (mutator === 'truncate' || mutator === 'truncate-consistent') return 'truncation';
  if (target === 'bytes') return 'bytes';
  if (target === 'message length') return 'header-length';
  if (target === 'message type' || target === 'marker last byte') return 'header';
  // The copy of a message lands inside its own Length (which grows): the body gains a tail.
  if (target === 'message') return 'header-length';
  const openField = OPEN_FIELDS[target];
  if (openField) return openField;
  if (OPEN_PARAMETER_TARGETS.has(target)) return 'open-parameters';
  if (CAPABILITY_TARGETS.has(target)) return 'capability';
  if (target.startsWith('route refresh')) return 'route-refresh';
  if (NOTIFICATION_TARGETS.has(target)) return 'header';
  if (target === 'withdrawn routes length' || target === 'total path attribute length') return 'update-lengths';
  if (target === 'attribute header') return mutator === 'extended-length-respell' ? `attribute-value ${attribute ?? 0}` : 'attribute-list';
  if (target === 'attribute flags') {
    // A changed extended-length bit re-reads the length: the list lies, whatever the other bits say.
    if (((base[at] ?? 0) ^ (out[at] ?? 0)) & 0x10) return 'attribute-list';
    return `attribute-flags ${attribute ?? 0}`;
  }
  if (target === 'attribute type') return 'attribute-type';
  if (target === 'attribute length') return mutator === 'resize-content' ? `attribute-value ${attribute ?? 0}` : 'attribute-list';
  if (target === 'attribute') {
    if (mutator === 'duplicate-element') return `attribute-duplicate ${attribute ?? 0}`;
    if (mutator === 'remove-element') return `attribute-missing ${attribute ?? 0}`;
    return 'attribute-order';
  }
  if (ATTRIBUTE_VALUE_TARGETS.has(target)) return `attribute-value ${attribute ?? 0}`;
  if (target === 'MP_REACH next hop length') return 'next-hop-length';
  if (target === 'MP_REACH reserved') return 'mp-reserved';
  if (target === 'MP_REACH AFI' || target === 'MP_REACH SAFI' || target === 'MP_UNREACH AFI' || target === 'MP_UNREACH SAFI') return 'mp-family';
  if (target === 'prefix length' || target === 'prefix' || target === 'path identifier') return 'nlri';
  if (target === 'route type') return 'evpn-route-type';
  if (target === 'route') return 'evpn-routes';
  if (target === 'IP prefix length') return 'evpn-prefix-length';
  if (EVPN_LENGTH_TARGETS.has(target)) return 'evpn-length';
  if (EVPN_FIELD_TARGETS.has(target)) return 'evpn-field';
  return `unclassified ${target}`;
}

/** Case `index` of the run with `seed` over `corpus` (the bases the target accepted). */
export function fuzzCase(corpus: readonly BaseMessage[], usable: readonly number[], layoutOf: LayoutOf, seed: number, index: number): FuzzCase {
  const rng = Prng.forInput(seed, index);
  const candidates = usable.map((i) => corpus[i]!);
  const base = usable[pickBase(candidates, rng)]!;
  const b = corpus[base]!;
  const { bytes, steps, targets } = mutate(b.bytes, layoutOf, rng, { maxMutations: 1 });
  const mutator = steps[0] ?? 'none';
  const aimed = targets[0] ?? { target: 'none', at: 0 };
  const attribute = mutator === 'none' ? undefined : attributeAt(b.bytes, layoutOf(b.bytes), aimed.at);
  return {
    seed,
    index,
    base,
    baseName: b.name,
    mutator,
    target: aimed.target,
    value: aimed.value,
    attribute,
    cls: classOf(mutator, aimed.target, aimed.at, b.bytes, bytes, attribute),
    bytes,
  };
}

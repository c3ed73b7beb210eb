import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import type { CodecContext } from '../context.js';
import type { Codec } from '../codec.js';
import { AttrType, UpdateErrorSubcode } from '../iana.js';
import type { AttributeCodec } from './base.js';
import { AttributeError, checkLength } from './base.js';
import { Rfc7606Reason } from './rules.js';
import { originAttribute } from './origin.js';
import type { OriginAttribute } from './origin.js';
import { asPathAttribute } from './as-path.js';
import type { AsPathAttribute } from './as-path.js';
import { nextHopAttribute } from './next-hop.js';
import type { NextHopAttribute } from './next-hop.js';
import { multiExitDiscAttribute } from './med.js';
import type { MultiExitDiscAttribute } from './med.js';
import { localPrefAttribute } from './local-pref.js';
import type { LocalPrefAttribute } from './local-pref.js';
import { atomicAggregateAttribute } from './atomic-aggregate.js';
import type { AtomicAggregateAttribute } from './atomic-aggregate.js';
import { aggregatorAttribute } from './aggregator.js';
import type { AggregatorAttribute } from './aggregator.js';
import { communitiesAttribute } from './communities.js';
import type { CommunitiesAttribute } from './communities.js';
import { originatorIdAttribute } from './originator-id.js';
import type { OriginatorIdAttribute } from './originator-id.js';
import { clusterListAttribute } from './cluster-list.js';
import type { ClusterListAttribute } from './cluster-list.js';
import { mpReachAttribute } from './mp-reach.js';
import type { MpReachAttribute } from './mp-reach.js';
import { mpUnreachAttribute } from './mp-unreach.js';
import type { MpUnreachAttribute } from './mp-unreach.js';
import { extendedCommunitiesAttribute } from './extended-communities.js';
import type { ExtendedCommunitiesAttribute } from './extended-communities.js';
import { as4PathAttribute } from './as4-path.js';
import type { As4PathAttribute } from './as4-path.js';
import { as4AggregatorAttribute } from './as4-aggregator.js';
import type { As4AggregatorAttribute } from './as4-aggregator.js';
import { pmsiTunnelAttribute } from './pmsi-tunnel.js';
import type { PmsiTunnelAttribute } from './pmsi-tunnel.js';
import { largeCommunityAttribute } from './large-communities.js';
import type { LargeCommunityAttribute } from './large-communities.js';
import { unknownAttribute } from './unknown.js';
import type { UnknownAttribute } from './unknown.js';
import { readAttributeHeader } from './base.js';

/** Every attribute we decode, by type code: the key to typed lookups. */
export interface AttributeByCode {
  1: OriginAttribute;
  2: AsPathAttribute;
  3: NextHopAttribute;
  4: MultiExitDiscAttribute;
  5: LocalPrefAttribute;
  6: AtomicAggregateAttribute;
  7: AggregatorAttribute;
  8: CommunitiesAttribute;
  9: OriginatorIdAttribute;
  10: ClusterListAttribute;
  14: MpReachAttribute;
  15: MpUnreachAttribute;
  16: ExtendedCommunitiesAttribute;
  17: As4PathAttribute;
  18: As4AggregatorAttribute;
  22: PmsiTunnelAttribute;
  32: LargeCommunityAttribute;
}

export type KnownAttribute = AttributeByCode[keyof AttributeByCode];
/** A path attribute: a discriminated union on `type`. */
export type PathAttribute = KnownAttribute | UnknownAttribute;
export type KnownAttributeType = KnownAttribute['type'];

const KNOWN: readonly AttributeCodec<KnownAttribute>[] = [
  originAttribute,
  asPathAttribute,
  nextHopAttribute,
  multiExitDiscAttribute,
  localPrefAttribute,
  atomicAggregateAttribute,
  aggregatorAttribute,
  communitiesAttribute,
  originatorIdAttribute,
  clusterListAttribute,
  mpReachAttribute,
  mpUnreachAttribute,
  extendedCommunitiesAttribute,
  as4PathAttribute,
  as4AggregatorAttribute,
  pmsiTunnelAttribute,
  largeCommunityAttribute,
] as unknown as readonly AttributeCodec<KnownAttribute>[];

const BY_CODE: (AttributeCodec<KnownAttribute> | undefined)[] = new Array<AttributeCodec<KnownAttribute> | undefined>(256).fill(undefined);
const BY_TYPE = new Map<string, AttributeCodec<KnownAttribute>>();
for (const c of KNOWN) {
  BY_CODE[c.code] = c;
  BY_TYPE.set(c.name, c);
}

/** The codec that decodes type `code`, if we decode it. */
export function attributeCodecFor(code: number): AttributeCodec<KnownAttribute> | undefined {
  return BY_CODE[code];
}

/** The type code of an attribute object. */
export function attributeCode(a: PathAttribute): number {
  if (a.type === 'UNKNOWN') return a.code;
  return AttrType[a.type];
}

/**
 * Any path attribute, TLV included. Decoding dispatches on the type code and keeps types
 * we do not decode raw; a malformed value throws (the UPDATE decoder is what applies
 * RFC 7606 instead). Encoding dispatches on `type`.
 */
export const pathAttribute: Codec<PathAttribute> = {
  decode(r: Reader, ctx: CodecContext): PathAttribute {
    const start = r.pos;
    const h = readAttributeHeader(r);
    const codec = BY_CODE[h.code];
    if (!codec) {
      r.pos = start;
      return unknownAttribute.decode(r, ctx);
    }
    const value = r.sub(h.length, `${codec.name} value`);
    checkLength(codec.code, codec.name, h.length, value.pos, ctx);
    const a = codec.decodeValue(value, h.flags, ctx);
    if (!value.done) throw new AttributeError(Rfc7606Reason.length, UpdateErrorSubcode.ATTRIBUTE_LENGTH_ERROR, codec.name, value.pos, 'bytes left over');
    return a;
  },
  encode(a: PathAttribute, w: Writer, ctx: CodecContext): void {
    if (a.type === 'UNKNOWN') unknownAttribute.encode(a, w, ctx);
    else BY_TYPE.get(a.type)!.encode(a, w, ctx);
  },
  encodedLength(a: PathAttribute, ctx: CodecContext): number {
    if (a.type === 'UNKNOWN') return unknownAttribute.encodedLength(a, ctx);
    return BY_TYPE.get(a.type)!.encodedLength(a, ctx);
  },
};

/**
 * The first attribute of type `code`, typed: `getAttribute(update.attributes, AttrType.LOCAL_PREF)?.localPref`.
 * Unknown codes give the raw attribute.
 */
export function getAttribute<K extends keyof AttributeByCode>(attrs: readonly PathAttribute[], code: K): AttributeByCode[K] | undefined;
export function getAttribute(attrs: readonly PathAttribute[], code: number): PathAttribute | undefined;
export function getAttribute(attrs: readonly PathAttribute[], code: number): PathAttribute | undefined {
  for (const a of attrs) if (attributeCode(a) === code) return a;
  return undefined;
}

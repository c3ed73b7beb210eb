import { AttrType } from '../iana.js';
import { defineAttribute, OPTIONAL_TRANSITIVE } from './base.js';
import type { AttributeBase } from './base.js';

export interface CommunitiesAttribute extends AttributeBase {
  readonly type: 'COMMUNITIES';
  /** Each community as an unsigned 32-bit number: (ASN << 16) | value. */
  readonly communities: readonly number[];
}

/** RFC 1997 well-known communities. */
export const WellKnownCommunity = {
  NO_EXPORT: 0xffffff01,
  NO_ADVERTISE: 0xffffff02,
  NO_EXPORT_SUBCONFED: 0xffffff03,
} as const;

/**
 * COMMUNITIES (type 8, optional transitive, RFC 1997):
 *
 *   +---------------+---------------+
 *   | ASN (2)       | Value (2)     |  repeated, length a non-zero multiple of 4
 *   +---------------+---------------+
 */
export const communitiesAttribute = defineAttribute<CommunitiesAttribute>({
  code: AttrType.COMMUNITIES,
  name: 'COMMUNITIES',
  flags: OPTIONAL_TRANSITIVE,
  decodeValue(r, flags) {
    const communities: number[] = [];
    while (r.remaining >= 4) communities.push(r.u32('community'));
    return { type: 'COMMUNITIES', flags, communities };
  },
  valueLength: (a) => 4 * a.communities.length,
  encodeValue(a, w) {
    for (const c of a.communities) w.u32(c, 'community');
  },
});

/** "65000:100" → 0xfde80064. */
export function parseCommunity(text: string): number | undefined {
  const m = /^(\d{1,5}):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const hi = Number(m[1]);
  const lo = Number(m[2]);
  if (hi > 0xffff || lo > 0xffff) return undefined;
  return hi * 0x10000 + lo;
}

export function formatCommunity(c: number): string {
  return `${Math.floor(c / 0x10000)}:${c & 0xffff}`;
}

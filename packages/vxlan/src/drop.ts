/**
 * Why a received packet (or a whole datagram under reassembly) was dropped. Every drop increments
 * exactly one counter named by its reason, so `DropCounters` explains every packet that did not
 * come out as a frame.
 */
export const DropReason = {
  // Link and network layer
  truncated: 'truncated',
  tooManyVlanTags: 'too-many-vlan-tags',
  notIp: 'not-ip',
  badIpVersion: 'bad-ip-version',
  badIpLength: 'bad-ip-length',
  badIpv4Checksum: 'bad-ipv4-checksum',
  ipv4Fragment: 'ipv4-fragment',
  notLocalAddress: 'not-local-address',
  hopByHopNotFirst: 'hop-by-hop-not-first',
  routingSegmentsLeft: 'routing-segments-left',
  unknownNextHeader: 'unknown-next-header',
  notUdp: 'not-udp',
  // UDP and VXLAN
  badUdpLength: 'bad-udp-length',
  udpZeroChecksum: 'udp-zero-checksum',
  badUdpChecksum: 'bad-udp-checksum',
  notVxlanPort: 'not-vxlan-port',
  vxlanFlagNotSet: 'vxlan-i-flag-not-set',
  innerFrameTooShort: 'inner-frame-too-short',
  // Fragments (RFC 8200 §4.5, RFC 5722, RFC 7112); each counts one fragment
  fragmentBadLength: 'fragment-bad-length',
  fragmentNested: 'fragment-nested',
  fragmentIncompleteChain: 'fragment-incomplete-header-chain',
  fragmentDuplicate: 'fragment-duplicate',
  fragmentOfDiscarded: 'fragment-of-discarded-datagram',
  fragmentOverLimit: 'fragment-over-memory-limit',
  // Whole datagrams under reassembly; each counts one datagram
  reassemblyOverlap: 'reassembly-overlap',
  reassemblyBadEnd: 'reassembly-bad-end',
  reassemblyTimeout: 'reassembly-timeout',
  reassemblyEvictedPerSource: 'reassembly-evicted-per-source',
  reassemblyEvictedGlobal: 'reassembly-evicted-global',
} as const;
export type DropReason = (typeof DropReason)[keyof typeof DropReason];

export const DROP_REASONS: readonly DropReason[] = Object.values(DropReason);

export type DropCounters = Record<DropReason, number>;

export function newDropCounters(): DropCounters {
  const c = {} as DropCounters;
  for (const r of DROP_REASONS) c[r] = 0;
  return c;
}

const KNOWN_REASONS: ReadonlySet<string> = new Set(DROP_REASONS);

export function isDropReason(x: unknown): x is DropReason {
  return typeof x === 'string' && KNOWN_REASONS.has(x);
}

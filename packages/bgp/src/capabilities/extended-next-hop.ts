import type { CapabilityBase, CapabilityValueCodec } from './codec.js';
import { expectWholeEntries } from './codec.js';
import { CapabilityCode } from '../iana.js';

/** One (NLRI family, next-hop AFI) pair the speaker can receive. */
export interface ExtendedNextHopEntry {
  readonly afi: number;
  readonly safi: number;
  readonly nextHopAfi: number;
}

/** RFC 8950: NLRI of a family may carry a next hop of another AFI (IPv4 routes via IPv6, EVPN via IPv6). */
export interface ExtendedNextHopCapability extends CapabilityBase {
  readonly kind: 'extended-next-hop';
  readonly entries: readonly ExtendedNextHopEntry[];
}

/*
 * Capability code 5, length 6 * n (RFC 8950 §3):
 *
 *   +-----------------------------------------------------+
 *   | NLRI AFI - 1 (2 octets)                             |
 *   | NLRI SAFI - 1 (2 octets)                            |
 *   | Nexthop AFI - 1 (2 octets)                          |
 *   +-----------------------------------------------------+
 *   | ...                                                 |
 *   +-----------------------------------------------------+
 *   | NLRI AFI - N / NLRI SAFI - N / Nexthop AFI - N      |
 *   +-----------------------------------------------------+
 *
 * The SAFI takes two octets here, unlike everywhere else.
 */
export const extendedNextHopCapability: CapabilityValueCodec<ExtendedNextHopCapability> = {
  code: CapabilityCode.EXTENDED_NEXT_HOP,
  decode(r) {
    expectWholeEntries(r, 6, 'extended next hop', 6);
    const entries: ExtendedNextHopEntry[] = [];
    while (!r.done) {
      const afi = r.u16('NLRI AFI');
      const safi = r.u16('NLRI SAFI');
      const nextHopAfi = r.u16('next-hop AFI');
      entries.push({ afi, safi, nextHopAfi });
    }
    return { kind: 'extended-next-hop', entries };
  },
  encode(c, w) {
    for (const e of c.entries) {
      w.u16(e.afi, 'extended next hop NLRI AFI');
      w.u16(e.safi, 'extended next hop NLRI SAFI');
      w.u16(e.nextHopAfi, 'extended next hop AFI');
    }
  },
  encodedLength(c) {
    return 6 * c.entries.length;
  },
};

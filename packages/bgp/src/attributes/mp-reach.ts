import { AttrType, UpdateErrorSubcode } from '../iana.js';
import { BgpError, EncodeError } from '../errors.js';
import { AttributeError, defineAttribute, OPTIONAL_NON_TRANSITIVE } from './base.js';
import type { AttributeBase } from './base.js';
import { Rfc7606Reason } from './rules.js';
import { decodeNlriList, encodeNlriList, nlriListLength } from './nlri-list.js';
import type { NlriList } from './nlri-list.js';

export interface MpReachAttribute extends AttributeBase {
  readonly type: 'MP_REACH_NLRI';
  readonly afi: number;
  readonly safi: number;
  /**
   * The next hop field as received: 4 bytes (IPv4), 16 (IPv6 global), 32 (global then
   * link-local, RFC 2545 §3), or any length for a family we have no codec for.
   */
  readonly nextHop: Uint8Array;
  /** The byte after the next hop: reserved in RFC 4760, "number of SNPAs" in RFC 2858. Kept for re-encoding; 0 when built. */
  readonly reserved?: number;
  readonly nlri: NlriList;
}

/**
 * MP_REACH_NLRI (type 14, optional non-transitive, RFC 4760 §3):
 *
 *   +---------------------------------------------------------+
 *   | Address Family Identifier (2 octets)                    |
 *   +---------------------------------------------------------+
 *   | Subsequent Address Family Identifier (1 octet)          |
 *   +---------------------------------------------------------+
 *   | Length of Next Hop Network Address (1 octet)            |
 *   +---------------------------------------------------------+
 *   | Network Address of Next Hop (variable)                  |
 *   +---------------------------------------------------------+
 *   | Reserved (1 octet)                                      |
 *   +---------------------------------------------------------+
 *   | Network Layer Reachability Information (variable)       |
 *   +---------------------------------------------------------+
 *
 * A next hop length the family's codec does not accept, or NLRI that do not parse, make
 * the attribute malformed (RFC 7606 §7.11): the rule table decides what that costs.
 */
export const mpReachAttribute = defineAttribute<MpReachAttribute>({
  code: AttrType.MP_REACH_NLRI,
  name: 'MP_REACH_NLRI',
  flags: OPTIONAL_NON_TRANSITIVE,
  decodeValue(r, flags, ctx) {
    const afi = r.u16('AFI');
    const safi = r.u8('SAFI');
    const codec = ctx.registry.get(afi, safi);
    const at = r.pos;
    const S = UpdateErrorSubcode.OPTIONAL_ATTRIBUTE_ERROR;
    if (r.remaining < 1) throw new AttributeError(Rfc7606Reason.nextHopLength, S, 'MP_REACH next hop length', at, 'missing');
    const nhLength = r.u8();
    if (nhLength + 1 > r.remaining) throw new AttributeError(Rfc7606Reason.nextHopLength, S, 'MP_REACH next hop', at, `${nhLength} bytes overrun the attribute`);
    if (codec?.nextHopLengths && !codec.nextHopLengths.includes(nhLength)) {
      throw new AttributeError(Rfc7606Reason.nextHopLength, S, 'MP_REACH next hop length', at, `${nhLength} bytes not valid for ${codec.name}`);
    }
    const nextHop = r.copy(nhLength, 'MP_REACH next hop');
    const reserved = r.u8('MP_REACH reserved');
    let nlri: NlriList;
    try {
      nlri = decodeNlriList(r, afi, safi, ctx, codec);
    } catch (e) {
      if (e instanceof BgpError) throw new AttributeError(Rfc7606Reason.mpNlri, S, 'MP_REACH NLRI', r.pos, e.message);
      throw e;
    }
    return { type: 'MP_REACH_NLRI', flags, afi, safi, nextHop, reserved, nlri };
  },
  valueLength: (a, ctx) => 5 + a.nextHop.length + nlriListLength(a.nlri, a.afi, a.safi, ctx),
  encodeValue(a, w, ctx) {
    if (a.nextHop.length > 255) throw new EncodeError('MP_REACH next hop', `${a.nextHop.length} bytes`);
    w.u16(a.afi, 'AFI');
    w.u8(a.safi, 'SAFI');
    w.u8(a.nextHop.length, 'next hop length');
    w.bytes(a.nextHop, 'next hop');
    w.u8(a.reserved ?? 0, 'reserved');
    encodeNlriList(a.nlri, w, a.afi, a.safi, ctx);
  },
});

/** Splits a 32-byte IPv6 next hop into global and link-local (RFC 2545 §3); other lengths are all global. */
export function splitNextHop(nextHop: Uint8Array): { global: Uint8Array; linkLocal: Uint8Array | undefined } {
  if (nextHop.length === 32) return { global: nextHop.subarray(0, 16), linkLocal: nextHop.subarray(16) };
  return { global: nextHop, linkLocal: undefined };
}

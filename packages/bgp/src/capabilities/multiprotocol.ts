import type { CapabilityBase, CapabilityValueCodec } from './codec.js';
import { expectValueLength } from './codec.js';
import { CapabilityCode } from '../iana.js';

/** RFC 4760 §8: the speaker can exchange routes of one AFI/SAFI. One capability per family. */
export interface MultiprotocolCapability extends CapabilityBase {
  readonly kind: 'multiprotocol';
  readonly afi: number;
  readonly safi: number;
}

/*
 * Capability code 1, length 4:
 *
 *    0       7      15      23      31
 *   +-------+-------+-------+-------+
 *   |      AFI      | Rsvd. | SAFI  |
 *   +-------+-------+-------+-------+
 *
 * The reserved octet is sent as 0 and ignored on receipt; a non-zero one survives in `raw`.
 */
export const multiprotocolCapability: CapabilityValueCodec<MultiprotocolCapability> = {
  code: CapabilityCode.MULTIPROTOCOL,
  decode(r) {
    expectValueLength(r, 4, 'multiprotocol');
    const afi = r.u16('AFI');
    r.skip(1, 'reserved');
    const safi = r.u8('SAFI');
    return { kind: 'multiprotocol', afi, safi };
  },
  encode(c, w) {
    w.u16(c.afi, 'multiprotocol AFI');
    w.u8(0);
    w.u8(c.safi, 'multiprotocol SAFI');
  },
  encodedLength() {
    return 4;
  },
};

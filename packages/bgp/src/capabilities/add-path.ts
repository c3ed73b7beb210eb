import type { CapabilityBase, CapabilityValueCodec } from './codec.js';
import { expectWholeEntries } from './codec.js';
import { CapabilityCode } from '../iana.js';

/** `mode` is AddPathMode: 1 receive, 2 send, 3 both (other values are kept but mean nothing). */
export interface AddPathEntry {
  readonly afi: number;
  readonly safi: number;
  readonly mode: number;
}

/** RFC 7911: per family, whether the speaker can send and/or receive several paths per prefix. */
export interface AddPathCapability extends CapabilityBase {
  readonly kind: 'add-path';
  readonly families: readonly AddPathEntry[];
}

/*
 * Capability code 69, length 4 * n (RFC 7911 §4):
 *
 *   +------------------------------------------------+
 *   | Address Family Identifier (2 octets)           |
 *   +------------------------------------------------+
 *   | Subsequent Address Family Identifier (1 octet) |
 *   +------------------------------------------------+
 *   | Send/Receive (1 octet)                         |
 *   +------------------------------------------------+
 *   | ... repeated                                   |
 */
export const addPathCapability: CapabilityValueCodec<AddPathCapability> = {
  code: CapabilityCode.ADD_PATH,
  decode(r) {
    expectWholeEntries(r, 4, 'ADD-PATH', 4);
    const families: AddPathEntry[] = [];
    while (!r.done) {
      const afi = r.u16('ADD-PATH AFI');
      const safi = r.u8('ADD-PATH SAFI');
      const mode = r.u8('ADD-PATH send/receive');
      families.push({ afi, safi, mode });
    }
    return { kind: 'add-path', families };
  },
  encode(c, w) {
    for (const f of c.families) {
      w.u16(f.afi, 'ADD-PATH AFI');
      w.u8(f.safi, 'ADD-PATH SAFI');
      w.u8(f.mode, 'ADD-PATH send/receive');
    }
  },
  encodedLength(c) {
    return 4 * c.families.length;
  },
};

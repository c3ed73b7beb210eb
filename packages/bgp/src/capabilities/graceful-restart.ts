import type { CapabilityBase, CapabilityValueCodec } from './codec.js';
import { badCapability, expectWholeEntries } from './codec.js';
import { CapabilityCode } from '../iana.js';
import { EncodeError } from '../errors.js';

/** Bits of the 4-bit Restart Flags (RFC 4724 §3; N from RFC 8538 §2). */
export const GracefulRestartFlag = {
  /** R: the sender has restarted (its peer must not wait for End-of-RIB from itself first). */
  RESTART_STATE: 0x8,
  /** N: the sender supports Graceful Restart for NOTIFICATION messages (RFC 8538). */
  NOTIFICATION: 0x4,
} as const;

/** Bit of the per-family flags: forwarding state was preserved across the restart. */
export const GracefulRestartFamilyFlag = {
  FORWARDING_STATE: 0x80,
} as const;

export interface GracefulRestartFamily {
  readonly afi: number;
  readonly safi: number;
  /** The whole flags octet (F = 0x80); reserved bits are kept as received. */
  readonly flags: number;
}

/** RFC 4724: restart flags, restart time (seconds, 12 bits) and the families whose forwarding survives. */
export interface GracefulRestartCapability extends CapabilityBase {
  readonly kind: 'graceful-restart';
  /** The 4-bit Restart Flags field (R = 8, N = 4). */
  readonly flags: number;
  readonly restartTime: number;
  readonly families: readonly GracefulRestartFamily[];
}

/*
 * Capability code 64, length 2 + 4 * n (RFC 4724 §3):
 *
 *   +--------------------------------------------------+
 *   | Restart Flags (4 bits)                           |
 *   +--------------------------------------------------+
 *   | Restart Time in seconds (12 bits)                |
 *   +--------------------------------------------------+
 *   | Address Family Identifier (16 bits)              |
 *   +--------------------------------------------------+
 *   | Subsequent Address Family Identifier (8 bits)    |
 *   +--------------------------------------------------+
 *   | Flags for Address Family (8 bits)                |
 *   +--------------------------------------------------+
 *   | ... (AFI, SAFI, flags) repeated                  |
 */
export const gracefulRestartCapability: CapabilityValueCodec<GracefulRestartCapability> = {
  code: CapabilityCode.GRACEFUL_RESTART,
  decode(r) {
    if (r.remaining < 2) badCapability(r, 'graceful restart', `value is ${r.remaining} bytes, expected at least 2`);
    const head = r.u16('restart flags and time');
    expectWholeEntries(r, 4, 'graceful restart');
    const families: GracefulRestartFamily[] = [];
    while (!r.done) {
      const afi = r.u16('graceful restart AFI');
      const safi = r.u8('graceful restart SAFI');
      const flags = r.u8('graceful restart family flags');
      families.push({ afi, safi, flags });
    }
    return { kind: 'graceful-restart', flags: head >>> 12, restartTime: head & 0x0fff, families };
  },
  encode(c, w) {
    if ((c.flags & 0xf) !== c.flags) throw new EncodeError('graceful restart flags', `${c.flags} does not fit 4 bits`);
    if ((c.restartTime & 0xfff) !== c.restartTime) throw new EncodeError('graceful restart time', `${c.restartTime} does not fit 12 bits`);
    w.u16((c.flags << 12) | c.restartTime);
    for (const f of c.families) {
      w.u16(f.afi, 'graceful restart AFI');
      w.u8(f.safi, 'graceful restart SAFI');
      w.u8(f.flags, 'graceful restart family flags');
    }
  },
  encodedLength(c) {
    return 2 + 4 * c.families.length;
  },
};

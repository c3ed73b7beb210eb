import { RouterError } from '../errors.js';
import { errnoName } from '../netlink/errors.js';

/** Stable codes of the DPDK forwarder's errors (besides `ERR_FORWARDER_<ERRNO>` from native calls). */
export const ForwarderErrorCode = {
  /** The addon is not built (DPDK was absent at build time), or cannot load here. */
  unavailable: 'ERR_FORWARDER_UNAVAILABLE',
  /** A forwarder is already starting or running in this process (EAL allows one). */
  busy: 'ERR_FORWARDER_BUSY',
  /** The forwarder is not running (never started, failed, or stopped). */
  notRunning: 'ERR_FORWARDER_NOT_RUNNING',
  /** A command could not be encoded: bad address, MAC, VNI, port or MTU. */
  badCommand: 'ERR_FORWARDER_BAD_COMMAND',
  /** The start options are unusable (no underlay device, too many LAN ports, a bad TAP name). */
  badConfig: 'ERR_FORWARDER_BAD_CONFIG',
} as const;

/** Every error of the forwarder module; match on `code`. */
export class ForwarderError extends RouterError {}

/** Why the forwarder cannot be used on this machine: `missing` says what, the message says where. */
export class ForwarderUnavailableError extends ForwarderError {
  readonly missing: 'platform' | 'dpdk' | 'addon' | 'load';
  constructor(missing: 'platform' | 'dpdk' | 'addon' | 'load', detail: string, options?: { cause?: unknown }) {
    super(ForwarderErrorCode.unavailable, detail, options);
    this.missing = missing;
  }
}

/**
 * A native call or a control command failed with an errno: code is `ERR_FORWARDER_<ERRNO NAME>`
 * (ERR_FORWARDER_ENODEV: no such port; ERR_FORWARDER_ENOSPC: a table is full; ERR_FORWARDER_ENOENT:
 * nothing to remove; ERR_FORWARDER_EALREADY: EAL was initialised before with other arguments).
 */
export class ForwarderNativeError extends ForwarderError {
  readonly errno: number;
  /** What failed: 'start', 'submit', or the command ('addRemoteMac', ...). */
  readonly operation: string;
  constructor(errno: number, operation: string, detail?: string) {
    const name = errnoName(errno);
    super(`ERR_FORWARDER_${name}`, `forwarder ${operation} failed: ${name} (${errno})${detail ? `: ${detail}` : ''}`);
    this.errno = errno;
    this.operation = operation;
  }
}

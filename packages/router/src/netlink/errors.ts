import { constants as osConstants } from 'node:os';
import { RouterError } from '../errors.js';

export const NetlinkErrorCode = {
  truncated: 'ERR_NETLINK_TRUNCATED',
  malformed: 'ERR_NETLINK_MALFORMED',
  encode: 'ERR_NETLINK_ENCODE',
  closed: 'ERR_NETLINK_CLOSED',
  timeout: 'ERR_NETLINK_TIMEOUT',
  dumpInterrupted: 'ERR_NETLINK_DUMP_INTERRUPTED',
  overrun: 'ERR_NETLINK_OVERRUN',
  nativeUnavailable: 'ERR_NATIVE_UNAVAILABLE',
} as const;

/** Netlink bytes that do not decode; `offset` points at the problem, `field` names what was read. */
export class NetlinkDecodeError extends RouterError {
  readonly offset: number;
  readonly field: string;
  constructor(code: string, field: string, offset: number, detail?: string) {
    super(code, `${field} at offset ${offset}: ${detail ?? code}`);
    this.offset = offset;
    this.field = field;
  }
}

/** A value that cannot be put into a netlink message (out of range, bad address text). */
export class NetlinkEncodeError extends RouterError {
  readonly field: string;
  constructor(field: string, detail: string) {
    super(NetlinkErrorCode.encode, `cannot encode ${field}: ${detail}`);
    this.field = field;
  }
}

const errnoNames = new Map<number, string>();
for (const [name, value] of Object.entries(osConstants.errno)) {
  // Aliases (EWOULDBLOCK = EAGAIN, EDEADLOCK = EDEADLK): keep the first, POSIX-preferred name.
  if (!errnoNames.has(value)) errnoNames.set(value, name);
}

/** "EEXIST" for 17 on Linux; "E<n>" for a number this platform has no name for. */
export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `E${errno}`;
}

/** A system call in the native binding failed: code is `ERR_NETLINK_<ERRNO NAME>`. */
export class NativeError extends RouterError {
  readonly errno: number;
  readonly syscall: string;
  constructor(errno: number, syscall: string) {
    const name = errnoName(errno);
    super(`ERR_NETLINK_${name}`, `netlink ${syscall} failed: ${name} (${errno})`);
    this.errno = errno;
    this.syscall = syscall;
  }
}

/** The native addon is not built or cannot load here. */
export class NativeUnavailableError extends RouterError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(NetlinkErrorCode.nativeUnavailable, detail, options);
  }
}

/**
 * The kernel refused a request (NLMSG_ERROR with a negative errno): code is
 * `ERR_NETLINK_<ERRNO NAME>`, e.g. ERR_NETLINK_EEXIST; `kernelMessage` is the extended-ACK text.
 */
export class NetlinkKernelError extends RouterError {
  readonly errno: number;
  readonly requestType: number;
  readonly kernelMessage: string | undefined;
  constructor(errno: number, requestType: number, kernelMessage?: string) {
    const name = errnoName(errno);
    super(
      `ERR_NETLINK_${name}`,
      `kernel refused netlink request type ${requestType}: ${name} (${errno})${kernelMessage ? `: ${kernelMessage}` : ''}`,
    );
    this.errno = errno;
    this.requestType = requestType;
    this.kernelMessage = kernelMessage;
  }
}

/** The socket was closed, a reply never came, a dump was interrupted or notifications were lost. */
export class NetlinkStateError extends RouterError {}

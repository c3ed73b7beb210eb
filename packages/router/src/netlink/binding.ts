/**
 * The one module that loads native/'s netlink addon (evpn6_netlink.node). It loads lazily, on the
 * first socket, so the router still imports on a machine where the addon is not built, and it
 * turns the addon's negative errno returns into NativeError. Nothing else touches the addon.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { NETLINK_ROUTE } from './constants.js';
import { NativeError, NativeUnavailableError } from './errors.js';
import { nativeAddonFile } from '../native-path.js';

interface AddonHandle {
  join(group: number): number;
  leave(group: number): number;
  send(bytes: Uint8Array): number;
  ref(): void;
  unref(): void;
  close(): void;
  readonly portId: number;
  readonly closed: boolean;
}

interface NetlinkAddon {
  readonly abiVersion: number;
  open(
    protocol: number,
    receiveBufferBytes: number,
    onBatch: (data: Uint8Array, starts: Uint32Array, ends: Uint32Array) => void,
    onOverrun: () => void,
    onError: (errno: number) => void,
  ): AddonHandle | number;
}

const ABI_VERSION = 1;
const ADDON_FILE = 'evpn6_netlink.node';

/** Where the addon is looked for: EVPN6_NATIVE_DIR, then native/build/Release of this checkout. */
export function nativeAddonPath(): string {
  return nativeAddonFile(ADDON_FILE);
}

let addon: NetlinkAddon | undefined;
let loadFailure: NativeUnavailableError | undefined;

function loadAddon(): NetlinkAddon {
  if (addon !== undefined) return addon;
  if (loadFailure !== undefined) throw loadFailure;
  const path = nativeAddonPath();
  if (process.platform !== 'linux') {
    loadFailure = new NativeUnavailableError('the netlink addon needs Linux');
    throw loadFailure;
  }
  if (!existsSync(path)) {
    loadFailure = new NativeUnavailableError(
      `the native netlink addon is not built (${path} is missing): run \`npm run build:native -w @evpn6/router\` (scripts/install.sh does)`,
    );
    throw loadFailure;
  }
  try {
    const loaded = createRequire(import.meta.url)(path) as NetlinkAddon;
    if (loaded.abiVersion !== ABI_VERSION) {
      throw new Error(`addon ABI ${loaded.abiVersion}, want ${ABI_VERSION}: rebuild it`);
    }
    addon = loaded;
    return loaded;
  } catch (e) {
    loadFailure = new NativeUnavailableError(`cannot load ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    throw loadFailure;
  }
}

/** Null when the addon loads; otherwise why not (for tests and `--dataplane` checks). */
export function nativeNetlinkUnavailable(): string | null {
  try {
    loadAddon();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

export interface NetlinkSocketHandlers {
  /** A batch of datagrams: datagram i is data[starts[i], ends[i]). Called on the event loop. */
  onDatagrams(data: Uint8Array, starts: Uint32Array, ends: Uint32Array): void;
  /** The kernel dropped messages for this socket (ENOBUFS): state must be re-read with a dump. */
  onOverrun(): void;
  onError(error: NativeError): void;
}

export interface NetlinkSocketOptions {
  protocol?: number;
  /** SO_RCVBUF(FORCE) size; large, so a burst of notifications does not overrun. */
  receiveBufferBytes?: number;
}

export const DEFAULT_RECEIVE_BUFFER_BYTES = 8 * 1024 * 1024;

/**
 * A non-blocking netlink socket polled by libuv. Sending never blocks; received datagrams arrive
 * through the handlers. close() stops polling and frees everything; until then the socket keeps
 * the process alive unless unref()'d.
 */
export class NetlinkSocket {
  private constructor(private readonly handle: AddonHandle) {}

  static open(handlers: NetlinkSocketHandlers, options: NetlinkSocketOptions = {}): NetlinkSocket {
    const native = loadAddon();
    const result = native.open(
      options.protocol ?? NETLINK_ROUTE,
      options.receiveBufferBytes ?? DEFAULT_RECEIVE_BUFFER_BYTES,
      (data, starts, ends) => handlers.onDatagrams(data, starts, ends),
      () => handlers.onOverrun(),
      (errno) => handlers.onError(new NativeError(errno, 'recvmsg')),
    );
    if (typeof result === 'number') throw new NativeError(-result, 'socket');
    return new NetlinkSocket(result);
  }

  /** The netlink port id the kernel gave this socket (nlmsg_pid of replies to us). */
  get portId(): number {
    return this.handle.portId;
  }

  get closed(): boolean {
    return this.handle.closed;
  }

  /** Joins a multicast group (RtnlGroup.*). */
  join(group: number): void {
    const rc = this.handle.join(group);
    if (rc < 0) throw new NativeError(-rc, 'setsockopt(NETLINK_ADD_MEMBERSHIP)');
  }

  leave(group: number): void {
    const rc = this.handle.leave(group);
    if (rc < 0) throw new NativeError(-rc, 'setsockopt(NETLINK_DROP_MEMBERSHIP)');
  }

  /** Sends one datagram to the kernel; throws NativeError (e.g. ERR_NETLINK_EBADF once closed). */
  send(datagram: Uint8Array): void {
    const rc = this.handle.send(datagram);
    if (rc < 0) throw new NativeError(-rc, 'sendto');
  }

  ref(): void {
    this.handle.ref();
  }

  unref(): void {
    this.handle.unref();
  }

  close(): void {
    this.handle.close();
  }
}

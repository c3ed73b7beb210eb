/**
 * The one module that loads native/'s DPDK forwarder addon (evpn6_forwarder.node). It loads lazily,
 * on first use, so the router imports and runs on the kernel dataplane where DPDK is absent; it
 * turns the addon's negative errno returns into ForwarderNativeError and says precisely what is
 * missing when the addon cannot be used. Nothing else touches the addon.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { COMMAND_SIZE, EVENT_SIZE } from './commands.js';
import { ForwarderError, ForwarderErrorCode, ForwarderNativeError, ForwarderUnavailableError } from './errors.js';
import { nativeAddonFile } from '../native-path.js';

/** Counters of one port as the addon reports them. */
export interface NativePortStats {
  readonly rx: number;
  readonly tx: number;
  readonly txDropped: number;
  readonly toTap: number;
  readonly fromTap: number;
  readonly tapDropped: number;
  readonly encapsulated: number;
  readonly delivered: number;
  /** LAN ports: the VNI bound to the port, or -1. */
  readonly vni: number;
}

export interface NativeStats {
  /** Drops and exceptions by reason name (@evpn6/vxlan's DropReason names where they overlap). */
  readonly reasons: Readonly<Record<string, number>>;
  readonly underlayRx: number;
  readonly delivered: number;
  readonly exceptions: number;
  readonly pending: number;
  readonly reassembled: number;
  readonly lanRx: number;
  readonly encapsulated: number;
  readonly flooded: number;
  readonly fragmentsOut: number;
  readonly underlay: NativePortStats;
  readonly lan: readonly NativePortStats[];
  readonly noMbuf: number;
  readonly commands: number;
  readonly commandErrors: number;
  readonly eventsLost: number;
  readonly polls: number;
  readonly fdbEntries: number;
  readonly reassemblyInFlight: number;
}

/** What start() takes besides EAL arguments (fwd_dp_config; 0 / absent = the native default). */
export interface NativeConfig {
  readonly underlay: { readonly device: string; readonly tap?: string };
  readonly lan: readonly { readonly device: string; readonly tap?: string }[];
  readonly fdbEntries?: number;
  readonly maxVteps?: number;
  readonly maxVnis?: number;
  readonly fdbAgeMs?: number;
  readonly reassemblySlots?: number;
  readonly reassemblyBytes?: number;
  readonly reassemblyPerSource?: number;
  readonly reassemblyTimeoutMs?: number;
  readonly mbufs?: number;
  readonly rxDescriptors?: number;
  readonly txDescriptors?: number;
  readonly idlePolls?: number;
  readonly idleSleepUs?: number;
}

export type NativeState = 'running' | 'failed' | 'stopped';

interface ForwarderAddon {
  readonly abiVersion: number;
  readonly commandSize: number;
  readonly eventSize: number;
  readonly reasonNames: readonly string[];
  start(
    ealArgs: readonly string[],
    config: NativeConfig,
    onEvents: (batch: Uint8Array, count: number) => void,
    onState: (state: NativeState, rc: number, detail: string) => void,
  ): number;
  submit(commands: Uint8Array): number;
  stats(): NativeStats | number;
  stop(): number;
  ref(): void;
  unref(): void;
}

const ABI_VERSION = 1;
const ADDON_FILE = 'evpn6_forwarder.node';

/** Where the addon is looked for: EVPN6_NATIVE_DIR, then native/build/Release of this checkout. */
export function forwarderAddonPath(): string {
  return nativeAddonFile(ADDON_FILE);
}

let addon: ForwarderAddon | undefined;
let loadFailure: ForwarderUnavailableError | undefined;

function missingAddon(path: string): ForwarderUnavailableError {
  const build = `npm run build:native -w @evpn6/router`;
  // The netlink addon is built unconditionally: beside it, a missing forwarder means no DPDK at build time.
  if (existsSync(`${dirname(path)}/evpn6_netlink.node`)) {
    return new ForwarderUnavailableError(
      'dpdk',
      `${path} is missing: native/ was built without DPDK (pkg-config found no libdpdk). Install DPDK (Debian: apt-get install libdpdk-dev; scripts/install.sh does) and run \`${build}\``,
    );
  }
  return new ForwarderUnavailableError('addon', `${path} is missing: native/ is not built; run \`${build}\` (scripts/install.sh does), with libdpdk-dev installed`);
}

function loadAddon(): ForwarderAddon {
  if (addon !== undefined) return addon;
  if (loadFailure !== undefined) throw loadFailure;
  const path = forwarderAddonPath();
  if (process.platform !== 'linux') {
    loadFailure = new ForwarderUnavailableError('platform', 'the DPDK forwarder needs Linux');
    throw loadFailure;
  }
  if (!existsSync(path)) {
    loadFailure = missingAddon(path);
    throw loadFailure;
  }
  try {
    const loaded = createRequire(import.meta.url)(path) as ForwarderAddon;
    if (loaded.abiVersion !== ABI_VERSION || loaded.commandSize !== COMMAND_SIZE || loaded.eventSize !== EVENT_SIZE) {
      throw new Error(
        `addon ABI ${loaded.abiVersion} (command ${loaded.commandSize} B, event ${loaded.eventSize} B), want ${ABI_VERSION} (${COMMAND_SIZE} B, ${EVENT_SIZE} B): rebuild it`,
      );
    }
    addon = loaded;
    return loaded;
  } catch (e) {
    // A DPDK shared library that went away after the build shows up here, as a dlopen error.
    loadFailure = new ForwarderUnavailableError('load', `cannot load ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    throw loadFailure;
  }
}

/** Null when the forwarder addon loads; otherwise why not (for tests and `--dataplane dpdk`). */
export function forwarderUnavailable(): string | null {
  try {
    loadAddon();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Throws the ForwarderUnavailableError that says what is missing, if anything is. */
export function requireForwarderAddon(): void {
  loadAddon();
}

/** The reason names in the addon's counter order (fwd_reason_name). */
export function reasonNames(): readonly string[] {
  return loadAddon().reasonNames;
}

export interface NativeHandlers {
  onEvents(batch: Uint8Array, count: number): void;
  onState(state: NativeState, error: ForwarderNativeError | undefined): void;
}

/**
 * Asks the EAL thread to start a forwarder; `onState` says 'running' (or 'failed' with the error)
 * later. Throws ForwarderError right away for what can be refused without EAL.
 */
export function nativeStart(ealArgs: readonly string[], config: NativeConfig, handlers: NativeHandlers): void {
  const native = loadAddon();
  const rc = native.start(ealArgs, config, handlers.onEvents, (state, code, detail) =>
    handlers.onState(state, state === 'failed' ? new ForwarderNativeError(-code, 'start', detail) : undefined),
  );
  if (rc === 0) return;
  const errno = -rc;
  if (errno === 16 /* EBUSY */) throw new ForwarderError(ForwarderErrorCode.busy, 'a forwarder is already running in this process (EAL allows one)');
  if (errno === 22 /* EINVAL */ || errno === 7 /* E2BIG */) {
    throw new ForwarderError(ForwarderErrorCode.badConfig, 'unusable forwarder options: each port needs a device name (< 48 bytes), TAP names < 16 bytes, at most 16 LAN ports');
  }
  throw new ForwarderNativeError(errno, 'start');
}

function notRunning(what: string): ForwarderError {
  return new ForwarderError(ForwarderErrorCode.notRunning, `${what}: the forwarder is not running`);
}

/** Enqueues whole command records; returns how many the control ring took. */
export function nativeSubmit(records: Uint8Array): number {
  const rc = loadAddon().submit(records);
  if (rc === -107 /* ENOTCONN */) throw notRunning('submit');
  if (rc < 0) throw new ForwarderNativeError(-rc, 'submit');
  return rc;
}

export function nativeStats(): NativeStats {
  const s = loadAddon().stats();
  if (typeof s === 'number') throw notRunning('stats');
  return s;
}

/** Asks the lcore to stop; 'stopped' follows through onState. */
export function nativeStop(): void {
  if (loadAddon().stop() < 0) throw notRunning('stop');
}

/** Whether a running forwarder keeps the event loop alive (it does by default, like a server). */
export function nativeRef(keepAlive: boolean): void {
  if (keepAlive) loadAddon().ref();
  else loadAddon().unref();
}

/**
 * The DPDK forwarder as the router sees it: start it with EAL arguments and ports, apply batches of
 * commands (one promise per batch, settled when the lcore has applied all of it), receive MAC
 * events in batches, read counters, stop. Nothing here waits on the lcore: commands go into a ring
 * and what does not fit is retried on a later turn of the event loop.
 *
 * A dataplane driver (the Dataplane interface of ../dataplane/types.ts) maps engine intents with
 * intentCommands() onto apply(), and MacEvents onto 'mac-learned' / 'mac-aged'.
 */
import { CommandEncoder, COMMAND_SIZE, decodeEvents, opName, type ForwarderCommand, type MacEvent } from './commands.js';
import { nativeRef, nativeStart, nativeStats, nativeStop, nativeSubmit, type NativeConfig, type NativeStats } from './binding.js';
import { ForwarderError, ForwarderErrorCode, ForwarderNativeError } from './errors.js';

export interface ForwarderPort {
  /** The ethdev as EAL names it: a PCI address, or a --vdev name such as net_af_packet0. */
  readonly device: string;
  /** The TAP exception interface to create for it (tapName('enp1s0') = 'tnp1s0'); none when absent. */
  readonly tap?: string;
}

export interface ForwarderOptions {
  /**
   * EAL arguments, e.g. `-l 1 --vdev net_af_packet0,iface=enp1s0` (production: the NIC's PMD and
   * hugepages; tests: `--no-huge --no-pci -m 256 --no-shconf`). EAL initialises once per process:
   * a later start must pass the same arguments.
   */
  readonly ealArgs: readonly string[];
  readonly underlay: ForwarderPort;
  /** LAN ports; bindVni names them by index in this list. */
  readonly lan: readonly ForwarderPort[];
  /** Remote + learned MACs held at once (default 65536). */
  readonly fdbEntries?: number;
  /** A learned MAC not seen for this long ages out (default 300000). */
  readonly fdbAgeMs?: number;
  /** Reassembly: datagrams held at once (default 256), per source (32), lifetime (60000 ms). */
  readonly reassemblySlots?: number;
  readonly reassemblyPerSource?: number;
  readonly reassemblyTimeoutMs?: number;
  /** Packet buffers (default 8191). */
  readonly mbufs?: number;
  /**
   * Sleep this long between polls once idle (after `idlePolls` empty polls in a row, default 1000).
   * 0 (default) busy-polls forever, as a dedicated core should; tests on shared machines set it.
   */
  readonly idleSleepUs?: number;
  readonly idlePolls?: number;
}

/** The TAP name the seed's forwarder gives a port's kernel side: the first letter becomes 't'. */
export function tapName(ifname: string): string {
  if (ifname.length === 0 || ifname.length > 15) throw new ForwarderError(ForwarderErrorCode.badConfig, `"${ifname}" is not an interface name`);
  return `t${ifname.slice(1)}`;
}

export interface CommandFailure {
  /** Index of the command in the batch given to apply(). */
  readonly index: number;
  readonly command: ForwarderCommand;
  /** ERR_FORWARDER_ENOSPC (table full), ERR_FORWARDER_ENOENT (nothing to remove), ERR_FORWARDER_EINVAL, ... */
  readonly error: ForwarderNativeError;
}

export type ForwarderStats = NativeStats;

interface Batch {
  readonly firstTag: number;
  /** Records in the batch, the closing NOP included. */
  readonly records: number;
  readonly commands: readonly ForwarderCommand[];
  readonly failures: CommandFailure[];
  resolve(failures: CommandFailure[]): void;
  reject(error: Error): void;
}

interface Pending {
  readonly bytes: Uint8Array;
  offset: number;
}

let current: Forwarder | undefined;

export class Forwarder {
  private readonly encoder = new CommandEncoder();
  private nextTag = 1;
  private readonly batches: Batch[] = [];
  private readonly queue: Pending[] = [];
  private pumping = false;
  private readonly listeners = new Set<(events: MacEvent[]) => void>();
  private state: 'starting' | 'running' | 'stopping' | 'stopped' = 'starting';
  private stopped: (() => void) | undefined;

  private constructor() {}

  /** Starts the forwarder on its own native thread; resolves once its ports are up. */
  static start(options: ForwarderOptions): Promise<Forwarder> {
    if (current !== undefined) return Promise.reject(new ForwarderError(ForwarderErrorCode.busy, 'a forwarder is already running in this process'));
    const fwd = new Forwarder();
    const config: NativeConfig = {
      underlay: options.underlay,
      lan: options.lan,
      ...(options.fdbEntries !== undefined && { fdbEntries: options.fdbEntries }),
      ...(options.fdbAgeMs !== undefined && { fdbAgeMs: options.fdbAgeMs }),
      ...(options.reassemblySlots !== undefined && { reassemblySlots: options.reassemblySlots }),
      ...(options.reassemblyPerSource !== undefined && { reassemblyPerSource: options.reassemblyPerSource }),
      ...(options.reassemblyTimeoutMs !== undefined && { reassemblyTimeoutMs: options.reassemblyTimeoutMs }),
      ...(options.mbufs !== undefined && { mbufs: options.mbufs }),
      ...(options.idleSleepUs !== undefined && { idleSleepUs: options.idleSleepUs }),
      ...(options.idlePolls !== undefined && { idlePolls: options.idlePolls }),
    };
    return new Promise<Forwarder>((resolve, reject) => {
      nativeStart(options.ealArgs, config, {
        onEvents: (batch, count) => fwd.onEvents(batch, count),
        onState: (state, error) => {
          if (state === 'running') {
            fwd.state = 'running';
            resolve(fwd);
          } else {
            fwd.ended(error);
            if (error !== undefined) reject(error);
          }
        },
      });
      current = fwd;
    });
  }

  get running(): boolean {
    return this.state === 'running';
  }

  /**
   * Applies commands in order. Resolves once the lcore has applied every one of them, with the
   * commands it refused (an empty list when all went in); rejects only when the forwarder stops
   * first. Bad input (an unparsable address, a VNI over 24 bits) throws before anything is sent.
   */
  apply(commands: readonly ForwarderCommand[]): Promise<CommandFailure[]> {
    if (this.state !== 'running') return Promise.reject(new ForwarderError(ForwarderErrorCode.notRunning, 'apply: the forwarder is not running'));
    const firstTag = this.nextTag;
    let bytes: Uint8Array;
    try {
      bytes = this.encoder.encodeBatch(commands, firstTag);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    this.nextTag = (firstTag + commands.length + 1) >>> 0;
    return new Promise<CommandFailure[]>((resolve, reject) => {
      this.batches.push({ firstTag, records: commands.length + 1, commands, failures: [], resolve, reject });
      this.queue.push({ bytes, offset: 0 });
      this.pump();
    });
  }

  /** Receives MAC events in batches; returns a function that removes the listener. */
  onMacEvents(listener: (events: MacEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Counters as the lcore last published them (it does about every millisecond). */
  stats(): ForwarderStats {
    if (this.state !== 'running') throw new ForwarderError(ForwarderErrorCode.notRunning, 'stats: the forwarder is not running');
    return nativeStats();
  }

  /** Whether the running forwarder keeps the process alive (it does, like a listening server). */
  ref(): void {
    if (this.state === 'running') nativeRef(true);
  }

  unref(): void {
    if (this.state === 'running') nativeRef(false);
  }

  /** Stops the lcore, removes the TAPs and stops the ports. Commands not yet applied are dropped. */
  stop(): Promise<void> {
    if (this.state === 'stopped') return Promise.resolve();
    if (this.state === 'starting') return Promise.reject(new ForwarderError(ForwarderErrorCode.notRunning, 'stop: the forwarder has not started yet'));
    const done = new Promise<void>((resolve) => {
      const previous = this.stopped;
      this.stopped = () => {
        previous?.();
        resolve();
      };
    });
    if (this.state === 'running') {
      this.state = 'stopping';
      nativeStop();
    }
    return done;
  }

  private ended(error: ForwarderNativeError | undefined): void {
    this.state = 'stopped';
    current = undefined;
    this.queue.length = 0;
    const why = error ?? new ForwarderError(ForwarderErrorCode.notRunning, 'the forwarder stopped before applying these commands');
    for (const b of this.batches.splice(0)) b.reject(why);
    this.stopped?.();
    this.stopped = undefined;
  }

  /** Moves queued records into the control ring; what does not fit waits for the next turn. */
  private pump(): void {
    while (this.queue.length > 0 && this.state === 'running') {
      const head = this.queue[0]!;
      const taken = nativeSubmit(head.bytes.subarray(head.offset));
      head.offset += taken * COMMAND_SIZE;
      if (head.offset < head.bytes.length) {
        if (!this.pumping) {
          this.pumping = true;
          setImmediate(() => {
            this.pumping = false;
            this.pump();
          });
        }
        return;
      }
      this.queue.shift();
    }
  }

  private batchOf(tag: number): Batch | undefined {
    for (const b of this.batches) if ((tag - b.firstTag) >>> 0 < b.records) return b;
    return undefined;
  }

  private onEvents(bytes: Uint8Array, count: number): void {
    const macs: MacEvent[] = [];
    for (const e of decodeEvents(bytes, count)) {
      if (e.kind === 'ack' || e.kind === 'error') {
        const b = this.batchOf(e.tag);
        if (b === undefined) continue;
        const index = (e.tag - b.firstTag) >>> 0;
        if (e.kind === 'error' && index < b.commands.length) {
          b.failures.push({ index, command: b.commands[index]!, error: new ForwarderNativeError(e.errno, opName(e.op)) });
        } else if (index === b.records - 1) {
          this.batches.splice(this.batches.indexOf(b), 1);
          b.resolve(b.failures);
        }
      } else {
        macs.push(e);
      }
    }
    if (macs.length > 0) for (const l of this.listeners) l(macs);
  }
}

/**
 * Requests and notifications over one NetlinkSocket: sequence numbers, multi-part dumps collected
 * until NLMSG_DONE, NLMSG_ERROR turned into NetlinkKernelError, and multicast notifications
 * handed to listeners. Use one client for requests and another (with groups) to monitor, so a
 * burst of notifications can never crowd out a reply.
 */
import { NetlinkSocket, type NetlinkSocketOptions } from './binding.js';
import { NlmFlag, NlmsgType } from './constants.js';
import { NetlinkErrorCode, NetlinkKernelError, NetlinkStateError, type NativeError } from './errors.js';
import type { RouterError } from '../errors.js';
import { decodeMessages, encodeMessage, type NetlinkBody, type NetlinkMessage } from './message.js';

export interface NetlinkClientOptions extends NetlinkSocketOptions {
  /** Multicast groups to join (RtnlGroup.*): the client then delivers notifications. */
  groups?: readonly number[];
  /** Milliseconds before a request without an answer fails with ERR_NETLINK_TIMEOUT. */
  timeoutMs?: number;
  /**
   * Whether the open socket keeps the process alive when no request is pending.
   * Default: true when it joins groups (a monitor), false otherwise.
   */
  keepAlive?: boolean;
}

export interface NetlinkMonitor {
  /** A notification (any message that answers no request of ours). */
  onMessage?(message: NetlinkMessage): void;
  /** Notifications were lost: re-dump what you track. */
  onOverrun?(): void;
  /** A receive error or undecodable bytes. */
  onError?(error: RouterError): void;
}

interface Pending {
  seq: number;
  /** 'done' for dumps, 'ack' for requests answered by NLMSG_ERROR. */
  endsOn: 'done' | 'ack';
  messages: NetlinkMessage[];
  interrupted: boolean;
  requestType: number;
  timer: NodeJS.Timeout;
  resolve(messages: NetlinkMessage[]): void;
  reject(error: Error): void;
}

const DUMP_RETRIES = 5;

/** rtnetlink numbers its GET requests 4k + 2 (RTM_GETLINK = 18, RTM_GETADDR = 22, …). */
function isGetRequest(type: number): boolean {
  return type >= 16 && (type & 3) === 2;
}

/** Whether a non-control message with the request's seq is its answer rather than a notification. */
function answersRequest(p: Pending, flags: number): boolean {
  if (p.endsOn === 'done') return (flags & NlmFlag.multi) !== 0;
  return isGetRequest(p.requestType);
}

export class NetlinkClient {
  private readonly socket: NetlinkSocket;
  private readonly pending = new Map<number, Pending>();
  private readonly monitors = new Set<NetlinkMonitor>();
  private readonly timeoutMs: number;
  private readonly keepAlive: boolean;
  private seq: number;
  private referenced = true;
  private dumpQueue: Promise<unknown> = Promise.resolve();

  private constructor(options: NetlinkClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.keepAlive = options.keepAlive ?? (options.groups !== undefined && options.groups.length > 0);
    this.seq = (Date.now() & 0x7fffffff) >>> 0;
    this.socket = NetlinkSocket.open(
      {
        onDatagrams: (data, starts, ends) => this.onDatagrams(data, starts, ends),
        onOverrun: () => this.onOverrun(),
        onError: (e) => this.onSocketError(e),
      },
      options,
    );
    try {
      for (const g of options.groups ?? []) this.socket.join(g);
    } catch (e) {
      this.socket.close();
      throw e;
    }
    this.updateRef();
  }

  /** Opens a NETLINK_ROUTE client; throws NativeUnavailableError when the addon is not built. */
  static open(options: NetlinkClientOptions = {}): NetlinkClient {
    return new NetlinkClient(options);
  }

  get portId(): number {
    return this.socket.portId;
  }

  get closed(): boolean {
    return this.socket.closed;
  }

  /** Registers a notification listener; returns a function that removes it. */
  monitor(listener: NetlinkMonitor): () => void {
    this.monitors.add(listener);
    return () => this.monitors.delete(listener);
  }

  joinGroup(group: number): void {
    this.socket.join(group);
  }

  /**
   * Sends a dump request (NLM_F_REQUEST | NLM_F_DUMP are added) and resolves with every message
   * of the reply up to NLMSG_DONE. An interrupted dump (the table changed midway) is retried.
   * Dumps on one client run one after another; other requests go out at once.
   */
  dump(type: number, body: NetlinkBody, extraFlags = 0): Promise<NetlinkMessage[]> {
    // The kernel runs one dump per socket at a time (a second one fails with EBUSY): queue them.
    const run = this.dumpQueue.then(() => this.dumpNow(type, body, extraFlags));
    this.dumpQueue = run.catch(() => undefined);
    return run;
  }

  private async dumpNow(type: number, body: NetlinkBody, extraFlags: number): Promise<NetlinkMessage[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.send(type, NlmFlag.request | NlmFlag.dump | extraFlags, body, 'done');
      } catch (e) {
        const retry = e instanceof NetlinkStateError && e.code === NetlinkErrorCode.dumpInterrupted && attempt < DUMP_RETRIES;
        if (!retry) throw e;
      }
    }
  }

  /**
   * Sends a request with NLM_F_ACK and resolves once the kernel acknowledges it, with whatever it
   * answered before the ACK (a GET's reply, say). A refusal rejects with NetlinkKernelError.
   */
  request(type: number, body: NetlinkBody, flags = 0): Promise<NetlinkMessage[]> {
    return this.send(type, NlmFlag.request | NlmFlag.ack | flags, body, 'ack');
  }

  /** Closes the socket; pending requests fail with ERR_NETLINK_CLOSED. Idempotent. */
  close(): void {
    if (this.socket.closed) return;
    this.socket.close();
    this.failAll(new NetlinkStateError(NetlinkErrorCode.closed, 'netlink client closed'));
    this.monitors.clear();
  }

  ref(): void {
    this.referenced = true;
    this.updateRef();
  }

  unref(): void {
    this.referenced = false;
    this.updateRef();
  }

  private nextSeq(): number {
    do this.seq = (this.seq + 1) >>> 0;
    while (this.seq === 0 || this.pending.has(this.seq));
    return this.seq;
  }

  private send(type: number, flags: number, body: NetlinkBody, endsOn: 'done' | 'ack'): Promise<NetlinkMessage[]> {
    if (this.socket.closed) return Promise.reject(new NetlinkStateError(NetlinkErrorCode.closed, 'netlink client closed'));
    const seq = this.nextSeq();
    let bytes: Uint8Array;
    try {
      bytes = encodeMessage({ header: { type, flags, seq, pid: 0 }, body });
    } catch (e) {
      return Promise.reject(e as Error);
    }
    return new Promise<NetlinkMessage[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settle(seq);
        reject(new NetlinkStateError(NetlinkErrorCode.timeout, `no answer to netlink request type ${type} in ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      const p: Pending = { seq, endsOn, messages: [], interrupted: false, requestType: type, timer, resolve, reject };
      this.pending.set(seq, p);
      this.updateRef();
      try {
        this.socket.send(bytes);
      } catch (e) {
        this.settle(seq);
        reject(e as NativeError);
      }
    });
  }

  private settle(seq: number): Pending | undefined {
    const p = this.pending.get(seq);
    if (p === undefined) return undefined;
    clearTimeout(p.timer);
    this.pending.delete(seq);
    this.updateRef();
    return p;
  }

  private updateRef(): void {
    if (this.socket.closed) return;
    if (this.referenced && (this.keepAlive || this.pending.size > 0)) this.socket.ref();
    else this.socket.unref();
  }

  private onDatagrams(data: Uint8Array, starts: Uint32Array, ends: Uint32Array): void {
    for (let i = 0; i < starts.length; i++) {
      let messages: NetlinkMessage[];
      try {
        messages = decodeMessages(data, starts[i]!, ends[i]!);
      } catch (e) {
        this.report(e as RouterError);
        continue;
      }
      for (const m of messages) this.dispatch(m);
    }
  }

  private dispatch(m: NetlinkMessage): void {
    const h = m.header;
    const p = h.seq !== 0 && h.pid === this.socket.portId ? this.pending.get(h.seq) : undefined;
    // A notification our own request caused carries our seq and port id too; only multi-part
    // messages, DONE and ERROR belong to the request.
    const b = m.body;
    if (p === undefined || (b.kind !== 'error' && b.kind !== 'done' && !answersRequest(p, h.flags))) {
      for (const l of this.monitors) l.onMessage?.(m);
      return;
    }
    if ((h.flags & NlmFlag.dumpInterrupted) !== 0) p.interrupted = true;
    if (b.kind === 'error') {
      this.settle(p.seq);
      if (b.errno !== 0) p.reject(new NetlinkKernelError(b.errno, p.requestType, b.kernelMessage));
      else p.resolve(p.messages);
      return;
    }
    if (b.kind === 'done' || h.type === NlmsgType.done) {
      this.settle(p.seq);
      if (b.kind === 'done' && b.errno !== 0) p.reject(new NetlinkKernelError(b.errno, p.requestType));
      else if (p.interrupted) p.reject(new NetlinkStateError(NetlinkErrorCode.dumpInterrupted, 'dump interrupted by a change; retry'));
      else p.resolve(p.messages);
      return;
    }
    p.messages.push(m);
  }

  private onOverrun(): void {
    // Replies may have been dropped with the notifications: fail what is pending, callers retry.
    this.failAll(new NetlinkStateError(NetlinkErrorCode.overrun, 'netlink receive buffer overrun'));
    for (const l of this.monitors) l.onOverrun?.();
  }

  private onSocketError(e: NativeError): void {
    this.report(e);
  }

  private report(e: RouterError): void {
    for (const l of this.monitors) l.onError?.(e);
  }

  private failAll(e: Error): void {
    for (const seq of [...this.pending.keys()]) this.settle(seq)?.reject(e);
  }
}

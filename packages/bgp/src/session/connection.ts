import type net from 'node:net';
import type { FsmState, FsmTimer, FsmSimpleEventType } from '../fsm/types.js';
import type { BgpMessage } from '../messages/message.js';
import type { OpenMessage } from '../messages/open.js';
import type { SessionProperties } from '../capabilities/negotiate.js';
import type { CodecContext } from '../context.js';
import { MessageFramer } from '../framer.js';
import { encodeMessage } from '../messages/message.js';
import { MAX_EXTENDED_MESSAGE_LENGTH, MAX_MESSAGE_LENGTH } from '../iana.js';
import { connectTcp, remoteAddressOf } from './transport.js';

/** The FSM event each timer's expiry feeds in. */
export const TIMER_EVENT: Readonly<Record<FsmTimer, FsmSimpleEventType>> = {
  ConnectRetry: 'ConnectRetryTimer_Expires',
  Hold: 'HoldTimer_Expires',
  Keepalive: 'KeepaliveTimer_Expires',
  DelayOpen: 'DelayOpenTimer_Expires',
  IdleHold: 'IdleHoldTimer_Expires',
  IdleHoldReset: 'IdleHoldResetTimer_Expires',
};

/** What a connection reports to whoever drives its FSM. */
export interface ConnectionHooks {
  timerExpired(conn: Connection, timer: FsmTimer): void;
  /** A whole message arrived (bytes include the header); decoding is the owner's business. */
  received(conn: Connection, bytes: Uint8Array): void;
  /** The framer refused the stream (bad marker or length): a header error. */
  framingFailed(conn: Connection, error: unknown): void;
  /** The TCP connection went away without us closing it. */
  lost(conn: Connection): void;
  /** Our outgoing attempt connected. */
  connected(conn: Connection): void;
  /** Our outgoing attempt failed. */
  connectFailed(conn: Connection, error: unknown): void;
  /** Every message sent, for statistics. */
  sent(conn: Connection, m: BgpMessage): void;
  /** Hand over a socket that is closing after a NOTIFICATION, so shutdown can wait for it. */
  closing(socket: net.Socket): void;
}

export interface ConnectTarget {
  readonly host: string;
  readonly port: number;
  readonly localAddress: string | undefined;
}

/** How long a socket may take to flush a NOTIFICATION before it is destroyed anyway. */
export const NOTIFICATION_FLUSH_MS = 2000;

/**
 * One TCP connection to a peer and the FSM that drives it (RFC 4271 §8 models one FSM per
 * connection). It owns the socket, the framer and the FSM's timers; it knows nothing about
 * routes. The owner feeds FSM events and carries out the actions through these methods.
 */
export class Connection {
  fsm: FsmState;
  socket: net.Socket | null = null;
  /** Who opened the socket: us ('local') or the peer ('remote'). */
  origin: 'local' | 'remote' | null = null;
  /** Our OPEN as sent on this connection, and the peer's once received. */
  ourOpen: OpenMessage | null = null;
  peerOpen: OpenMessage | null = null;
  /** Negotiated from the two OPENs. */
  props: SessionProperties | null = null;
  /** Decoding context before the OPENs are exchanged, then the negotiated one. */
  rx: CodecContext;
  tx: CodecContext;
  /** The local address of the socket ("update-source" as the peer sees it). */
  localAddress: string | undefined;
  /** A NOTIFICATION went out: closing must flush it instead of resetting. */
  private notified = false;
  private attempt: net.Socket | null = null;
  private framer = new MessageFramer();
  private readonly timers = new Map<FsmTimer, NodeJS.Timeout>();
  private discarded = false;

  constructor(
    fsm: FsmState,
    private readonly hooks: ConnectionHooks,
    /** The context until OPENs are exchanged (and again after the connection closes). */
    private readonly initialContext: CodecContext,
  ) {
    const ctx = initialContext;
    this.fsm = fsm;
    this.rx = ctx;
    this.tx = ctx;
  }

  get isOpen(): boolean {
    return this.socket !== null;
  }

  get connecting(): boolean {
    return this.attempt !== null;
  }

  startTimer(timer: FsmTimer, seconds: number): void {
    this.stopTimer(timer);
    if (this.discarded) return;
    const t = setTimeout(() => {
      this.timers.delete(timer);
      this.hooks.timerExpired(this, timer);
    }, seconds * 1000);
    this.timers.set(timer, t);
  }

  stopTimer(timer: FsmTimer): void {
    const t = this.timers.get(timer);
    if (t !== undefined) {
      clearTimeout(t);
      this.timers.delete(timer);
    }
  }

  /** Active open; a later `attach` or `close` abandons the attempt. */
  connect(target: ConnectTarget): void {
    if (this.discarded || this.attempt !== null || this.socket !== null) return;
    const { socket, connected } = connectTcp({
      host: target.host,
      port: target.port,
      ...(target.localAddress !== undefined ? { localAddress: target.localAddress } : {}),
    });
    this.attempt = socket;
    connected.then(
      (s) => {
        if (this.attempt !== s) {
          s.destroy();
          return;
        }
        this.attempt = null;
        this.attach(s, 'local');
        this.hooks.connected(this);
      },
      (err: unknown) => {
        if (this.attempt !== socket) return;
        this.attempt = null;
        this.hooks.connectFailed(this, err);
      },
    );
  }

  /** Takes a connected socket (ours or the peer's) into use. */
  attach(socket: net.Socket, origin: 'local' | 'remote'): void {
    this.abandonAttempt();
    this.socket = socket;
    this.origin = origin;
    this.notified = false;
    this.framer = new MessageFramer();
    const local = socket.localAddress;
    this.localAddress = local === undefined ? undefined : local.startsWith('::ffff:') && local.includes('.') ? local.slice(7) : local;
    socket.on('data', (chunk: Buffer) => {
      if (this.socket !== socket) return;
      let messages: Uint8Array[];
      try {
        messages = this.framer.push(chunk);
      } catch (e) {
        this.hooks.framingFailed(this, e);
        return;
      }
      for (const m of messages) {
        // A message may close the connection (NOTIFICATION, error): the rest of the chunk is moot.
        if (this.socket !== socket) return;
        this.hooks.received(this, m);
      }
    });
    socket.on('error', () => {
      // 'close' follows and reports the loss.
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.hooks.lost(this);
    });
  }

  get remoteAddress(): string | undefined {
    return this.socket === null ? undefined : remoteAddressOf(this.socket);
  }

  /** Allows RFC 8654 extended messages from the next header on. */
  setExtendedMessages(on: boolean): void {
    this.framer.maxLength = on ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH;
  }

  /** Encodes and writes; false when there is no socket (the message is dropped). */
  send(m: BgpMessage): boolean {
    const s = this.socket;
    if (s === null || s.destroyed) return false;
    const bytes = encodeMessage(m, this.tx);
    if (m.type === 'NOTIFICATION') this.notified = true;
    s.write(bytes);
    this.hooks.sent(this, m);
    return true;
  }

  /**
   * Drops the connection (FSM action CloseTcp; safe to repeat). After a NOTIFICATION the socket
   * is half-closed so the NOTIFICATION is flushed before the FIN, then destroyed once the peer
   * closes too or the flush time runs out.
   */
  close(): void {
    this.abandonAttempt();
    const s = this.socket;
    if (s === null) return;
    this.socket = null;
    this.origin = null;
    this.props = null;
    this.peerOpen = null;
    this.rx = this.tx = this.initialContext;
    if (this.notified && !s.destroyed) {
      const guard = setTimeout(() => s.destroy(), NOTIFICATION_FLUSH_MS);
      s.once('close', () => clearTimeout(guard));
      s.end();
      this.hooks.closing(s);
    } else {
      s.destroy();
    }
  }

  /** The connection is done for good: no timers, no socket, no attempt. */
  discard(): void {
    this.discarded = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.close();
  }

  get isDiscarded(): boolean {
    return this.discarded;
  }

  private abandonAttempt(): void {
    if (this.attempt !== null) {
      const a = this.attempt;
      this.attempt = null;
      a.destroy();
    }
  }
}

/**
 * A BGP session of our own making, for the peer fuzzer: a plain TCP socket, the OPEN/KEEPALIVE
 * exchange done with @evpn6/bgp's codecs, and after that any bytes at all may be written. The
 * Speaker cannot be used for this: it only ever sends what is valid. Everything the target
 * sends (messages, FIN, RST) is queued as an event, so a caller can wait for "the next thing the
 * target did" with a deadline.
 */
import { connect, type Socket } from 'node:net';
import type { OpenMessage, SessionProperties } from '@evpn6/bgp';
import {
  Afi,
  BgpError,
  createContext,
  decodeMessage,
  encodeMessage,
  KEEPALIVE,
  MessageFramer,
  MessageType,
  negotiate,
  Safi,
} from '@evpn6/bgp';
import type { NlriRegistry } from '@evpn6/bgp';

export interface Family {
  readonly afi: number;
  readonly safi: number;
  /** "ipv6-unicast", "l2vpn-evpn", "ipv4-unicast". */
  readonly name: string;
}

export const FAMILIES: readonly Family[] = [
  { afi: Afi.IPV4, safi: Safi.UNICAST, name: 'ipv4-unicast' },
  { afi: Afi.IPV6, safi: Safi.UNICAST, name: 'ipv6-unicast' },
  { afi: Afi.L2VPN, safi: Safi.EVPN, name: 'l2vpn-evpn' },
];

export interface SessionConfig {
  readonly peer: string;
  readonly port: number;
  /** Source address to connect from (the observer needs one of its own). */
  readonly localAddress?: string;
  readonly asn: number;
  readonly peerAsn: number;
  readonly routerId: string;
  readonly families: readonly Family[];
  /** Offered hold time in seconds: 3, the least RFC 4271 allows, so the target's KEEPALIVEs come every second. */
  readonly holdTime: number;
  readonly registry: NlriRegistry;
  /** How long TCP connect and the OPEN exchange may take. */
  readonly timeoutMs: number;
}

/** What the target did, in order. */
export type PeerEvent =
  | { readonly kind: 'message'; readonly type: number; readonly bytes: Uint8Array; readonly at: number }
  | { readonly kind: 'notification'; readonly code: number; readonly subcode: number; readonly at: number }
  /** FIN: the target closed its side. */
  | { readonly kind: 'end'; readonly at: number }
  /** RST (or EPIPE writing into a reset connection). */
  | { readonly kind: 'reset'; readonly at: number; readonly errno: string }
  /** The target sent bytes our framer cannot split into messages: a broken target. */
  | { readonly kind: 'garbage'; readonly at: number; readonly detail: string };

/** Our OPEN for a configuration: MP for each family, route refresh, 4-octet AS. */
export function ourOpen(cfg: Pick<SessionConfig, 'asn' | 'holdTime' | 'routerId' | 'families'>): OpenMessage {
  return {
    type: 'OPEN',
    myAs: cfg.asn > 0xffff ? 23456 : cfg.asn,
    holdTime: cfg.holdTime,
    bgpId: cfg.routerId,
    capabilityGroups: [
      [
        ...cfg.families.map((f) => ({ kind: 'multiprotocol' as const, afi: f.afi, safi: f.safi })),
        { kind: 'route-refresh' as const },
        { kind: 'four-octet-as' as const, asn: cfg.asn },
      ],
    ],
    extendedOptionalParameters: false,
  };
}

/** How opening a session ended when it did not come up. */
export type OpenFailure =
  | { readonly kind: 'refused'; readonly errno: string }
  /**
   * TCP came up but the target closed it (FIN or RST) before sending its OPEN: it was not taking
   * sessions yet (Idle, idle hold after a reset), so it never looked at what we sent.
   */
  | { readonly kind: 'turned-away'; readonly how: 'end' | 'reset' }
  | { readonly kind: 'timeout'; readonly stage: 'connect' | 'open' | 'keepalive' }
  | { readonly kind: 'notification'; readonly code: number; readonly subcode: number }
  | { readonly kind: 'end' }
  | { readonly kind: 'reset'; readonly errno: string }
  | { readonly kind: 'garbage'; readonly detail: string };

export class RawSession {
  private readonly events: PeerEvent[] = [];
  private waiter: (() => void) | undefined;
  private readonly framer = new MessageFramer();
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Set once the OPEN exchange is over. */
  properties: SessionProperties | undefined;

  private constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      let messages: Uint8Array[];
      try {
        messages = this.framer.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      } catch (e) {
        this.push({ kind: 'garbage', at: Date.now(), detail: e instanceof BgpError ? e.code : String(e) });
        return;
      }
      for (const m of messages) {
        const type = m[18]!;
        if (type === MessageType.NOTIFICATION && m.length >= 21) this.push({ kind: 'notification', code: m[19]!, subcode: m[20]!, at: Date.now() });
        else this.push({ kind: 'message', type, bytes: m, at: Date.now() });
      }
    });
    socket.on('end', () => this.push({ kind: 'end', at: Date.now() }));
    socket.on('error', (e: NodeJS.ErrnoException) => this.push({ kind: 'reset', at: Date.now(), errno: e.code ?? 'ERROR' }));
    socket.on('close', () => {
      this.closed = true;
      this.stopKeepalives();
      this.wake();
    });
  }

  /** Connects and waits for TCP to come up; undefined with the reason when it does not. */
  static connect(cfg: SessionConfig): Promise<RawSession | OpenFailure> {
    return new Promise((resolve) => {
      const socket = connect({ host: cfg.peer, port: cfg.port, ...(cfg.localAddress !== undefined ? { localAddress: cfg.localAddress } : {}) });
      const timer = setTimeout(() => {
        socket.destroy();
        resolve({ kind: 'timeout', stage: 'connect' });
      }, cfg.timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new RawSession(socket));
      });
      socket.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        resolve({ kind: 'refused', errno: e.code ?? 'ERROR' });
      });
    });
  }

  /**
   * A session up to Established: connect, send `openBytes` (our OPEN unless given), read the
   * target's OPEN, KEEPALIVE both ways. Returns the session, or how it failed.
   */
  static async open(cfg: SessionConfig, openBytes?: Uint8Array, sendKeepalive = true): Promise<RawSession | OpenFailure> {
    const s = await RawSession.connect(cfg);
    if (!(s instanceof RawSession)) return s;
    const failure = await s.handshake(cfg, openBytes, sendKeepalive);
    if (failure === undefined) return s;
    s.destroy();
    return failure;
  }

  /**
   * Without `sendKeepalive` (an OPEN cut short: our KEEPALIVE would be read as its rest) the
   * target's next move after its OPEN is awaited for a second instead.
   */
  private async handshake(cfg: SessionConfig, openBytes: Uint8Array | undefined, sendKeepalive: boolean): Promise<OpenFailure | undefined> {
    const local = ourOpen(cfg);
    this.write(openBytes ?? encodeMessage(local, createContext()));
    const theirOpen = await this.nextOrFailure(cfg.timeoutMs, 'open');
    if (!('bytes' in theirOpen)) return theirOpen.kind === 'end' || theirOpen.kind === 'reset' ? { kind: 'turned-away', how: theirOpen.kind } : theirOpen;
    if (theirOpen.type !== MessageType.OPEN) return { kind: 'garbage', detail: `message type ${theirOpen.type} instead of OPEN` };
    let peer: OpenMessage;
    try {
      peer = decodeMessage(theirOpen.bytes, createContext()) as OpenMessage;
      this.properties = negotiate(local, peer, { registry: cfg.registry });
    } catch (e) {
      return { kind: 'garbage', detail: `their OPEN: ${e instanceof BgpError ? e.code : String(e)}` };
    }
    // A mutated OPEN: give the target time to answer it before our KEEPALIVE arrives. A target
    // that closes with our KEEPALIVE unread makes its kernel send RST, which can overtake the
    // NOTIFICATION it just wrote; the reaction would be misread as a reset.
    if (openBytes !== undefined) {
      const early = await this.next((e) => e.kind !== 'message', 400);
      if (early) {
        const f = this.failureOf(early);
        if (!('bytes' in f)) return f;
      }
    }
    if (sendKeepalive) this.write(encodeMessage(KEEPALIVE, createContext()));
    const ka = await this.nextOrFailure(sendKeepalive ? cfg.timeoutMs : 1000, 'keepalive');
    if (!('bytes' in ka)) return ka;
    if (ka.type !== MessageType.KEEPALIVE) return { kind: 'garbage', detail: `message type ${ka.type} instead of KEEPALIVE` };
    this.startKeepalives();
    return undefined;
  }

  private async nextOrFailure(timeoutMs: number, stage: 'open' | 'keepalive'): Promise<{ type: number; bytes: Uint8Array } | OpenFailure> {
    const e = await this.next(() => true, timeoutMs);
    if (e === undefined) return { kind: 'timeout', stage };
    return this.failureOf(e);
  }

  private failureOf(e: PeerEvent): { type: number; bytes: Uint8Array } | OpenFailure {
    switch (e.kind) {
      case 'message':
        return e;
      case 'notification':
        return { kind: 'notification', code: e.code, subcode: e.subcode };
      case 'end':
        return { kind: 'end' };
      case 'reset':
        return { kind: 'reset', errno: e.errno };
      case 'garbage':
        return { kind: 'garbage', detail: e.detail };
    }
  }

  /** When set, every event goes here as well as into the queue (the observer reads UPDATEs so). */
  listener: ((e: PeerEvent) => void) | undefined;

  private push(e: PeerEvent): void {
    this.events.push(e);
    // The queue is for waiting callers; one that only listens must not make it grow without end.
    if (this.events.length > 10000) this.events.splice(0, this.events.length - 10000);
    this.listener?.(e);
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Takes every queued event: what the target did since the last call. */
  drain(): PeerEvent[] {
    return this.events.splice(0);
  }

  /**
   * Takes the first queued event matching `match` (dropping the ones before it) or waits for one
   * up to `timeoutMs`; undefined on timeout or when the socket closed with nothing matching
   * (events that did not match stay queued).
   */
  async next(match: (e: PeerEvent) => boolean, timeoutMs: number): Promise<PeerEvent | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.events.findIndex(match);
      if (i >= 0) return this.events.splice(0, i + 1)[i];
      const left = deadline - Date.now();
      if (left <= 0 || this.closed) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Writes raw bytes; false when the socket is already gone. */
  write(bytes: Uint8Array): boolean {
    if (this.closed || this.socket.destroyed) return false;
    this.socket.write(bytes);
    return true;
  }

  /** Our KEEPALIVEs every holdTime/3 s (at least each second) until stopped. */
  startKeepalives(): void {
    this.stopKeepalives();
    const every = Math.max(1, this.properties?.keepaliveTime ?? 1) * 1000;
    this.keepaliveTimer = setInterval(() => this.write(encodeMessage(KEEPALIVE, createContext())), every);
    this.keepaliveTimer.unref();
  }

  /**
   * No more KEEPALIVEs from us: after bytes that leave the target waiting for the rest of a
   * message, anything more we send would be read as that message's body.
   */
  stopKeepalives(): void {
    if (this.keepaliveTimer !== undefined) clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = undefined;
  }

  /**
   * Cease / Administrative Shutdown, then FIN, then the target's own close (up to 3 s): until it
   * has closed its side the session is still up there, and a new connection would meet it as a
   * collision (Cease 6/7) instead of being read on its own.
   */
  async close(): Promise<void> {
    this.stopKeepalives();
    if (!this.closed) {
      this.write(Uint8Array.of(...new Array<number>(16).fill(0xff), 0, 21, MessageType.NOTIFICATION, 6, 2));
      this.socket.end();
      await this.next((e) => e.kind === 'end' || e.kind === 'reset', 3000);
    }
    this.destroy();
  }

  destroy(): void {
    this.stopKeepalives();
    this.socket.destroy();
  }
}

/**
 * Opens sessions until one comes up or `withinMs` passes (targets turn sessions away for a while
 * after one went down, or while they start): the session, or the last failure.
 */
export async function openWithin(cfg: SessionConfig, withinMs: number): Promise<RawSession | OpenFailure> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const s = await RawSession.open(cfg);
    if (!isFailure(s) || Date.now() >= deadline) return s;
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** True for a failure, false for a session. */
export function isFailure(x: RawSession | OpenFailure): x is OpenFailure {
  return !(x instanceof RawSession);
}

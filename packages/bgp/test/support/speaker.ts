/**
 * Helpers for session and speaker tests: waiting for conditions, and a fake peer built on our own
 * codec that can do what a real speaker would not (go silent, send malformed UPDATEs, vanish).
 */
import net from 'node:net';
import type { BgpMessage, Capability, CodecContext, LogFields, Logger, NotificationMessage, OpenMessage, Speaker, SpeakerOptions } from '../../src/index.js';
import { createContext, createOpen, createSpeaker, decodeMessage, encodeMessage, KEEPALIVE, MessageFramer } from '../../src/index.js';

/** Polls until `check` returns something truthy; fails after `timeoutMs`. */
export async function until<T>(check: () => T | undefined | false | null, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false && v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A logger that keeps every line, for assertions on what the speaker reported. */
export class MemoryLogger implements Logger {
  readonly lines: { level: string; message: string; fields: LogFields | undefined }[] = [];
  debug(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'debug', message, fields });
  }
  info(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'info', message, fields });
  }
  warn(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'warn', message, fields });
  }
  error(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'error', message, fields });
  }
  count(message: string): number {
    return this.lines.filter((l) => l.message === message).length;
  }
}

/** Speakers created in a test, closed in afterEach whatever happened. */
export class SpeakerPool {
  private readonly speakers: Speaker[] = [];
  private readonly peers: FakePeer[] = [];

  async speaker(opts: SpeakerOptions): Promise<Speaker> {
    const s = await createSpeaker(opts);
    this.speakers.push(s);
    return s;
  }

  track(p: FakePeer): FakePeer {
    this.peers.push(p);
    return p;
  }

  async closeAll(): Promise<void> {
    for (const p of this.peers.splice(0)) p.destroy();
    await Promise.all(this.speakers.splice(0).map((s) => s.close()));
  }
}

export function portOf(s: Speaker): number {
  const l = s.listening()[0];
  if (l === undefined) throw new Error('speaker is not listening');
  return l.port;
}

export interface FakePeerOptions {
  readonly host: string;
  readonly port: number;
  readonly localAddress?: string;
  readonly asn: number;
  readonly routerId: string;
  readonly holdTime?: number;
  readonly capabilities?: readonly Capability[];
  /** Codec context for what the fake peer sends and receives (ADD-PATH, say). */
  readonly ctx?: CodecContext;
}

/** A BGP peer driven by hand: every message it receives is kept in `received`. */
export class FakePeer {
  readonly received: BgpMessage[] = [];
  readonly ctx: CodecContext;
  private readonly framer = new MessageFramer();
  private closedFlag = false;
  readonly closed: Promise<void>;

  private constructor(
    readonly socket: net.Socket,
    readonly opts: FakePeerOptions,
  ) {
    this.ctx = opts.ctx ?? createContext();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      for (const m of this.framer.push(chunk)) this.received.push(decodeMessage(m, this.ctx));
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.closedFlag = true;
        resolve();
      }),
    );
  }

  static connect(opts: FakePeerOptions): Promise<FakePeer> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: opts.host, port: opts.port, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) }, () => {
        s.removeListener('error', reject);
        resolve(new FakePeer(s, opts));
      });
      s.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  open(): OpenMessage {
    return createOpen({
      asn: this.opts.asn,
      holdTime: this.opts.holdTime ?? 90,
      bgpId: this.opts.routerId,
      capabilities: this.opts.capabilities ?? [{ kind: 'multiprotocol', afi: 2, safi: 1 }, { kind: 'route-refresh' }],
    });
  }

  send(m: BgpMessage): void {
    this.socket.write(encodeMessage(m, this.ctx));
  }

  sendBytes(b: Uint8Array): void {
    this.socket.write(b);
  }

  /** Waits for a received message matching `match` (searching from index `from`). */
  async expect<T extends BgpMessage>(match: (m: BgpMessage) => m is T, timeoutMs = 5000, from = 0): Promise<T> {
    return until(() => this.received.slice(from).find(match), timeoutMs, 'a message from the speaker');
  }

  /** OPEN, then KEEPALIVE both ways: the session is Established on the speaker's side. */
  async establish(): Promise<OpenMessage> {
    this.send(this.open());
    const theirs = await this.expect(isOpen);
    this.send(KEEPALIVE);
    await this.expect(isKeepalive);
    return theirs;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export const isOpen = (m: BgpMessage): m is OpenMessage => m.type === 'OPEN';
export const isKeepalive = (m: BgpMessage): m is typeof KEEPALIVE => m.type === 'KEEPALIVE';
export const isNotification = (m: BgpMessage): m is NotificationMessage => m.type === 'NOTIFICATION';

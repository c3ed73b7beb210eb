/**
 * A BGP generator peer built on @evpn6/bgp's codec, for load benchmarks: it pre-encodes a stream of
 * IPv6 unicast UPDATEs (many /48../64 prefixes per ~4096-byte message, MP_REACH_NLRI, then
 * End-of-RIB), brings a session up over TCP and pushes the whole stream in one write. The same
 * bytes go to every receiver, so two speakers measured in one run see an identical feed.
 */
import net from 'node:net';
import {
  Afi,
  KEEPALIVE,
  MessageFramer,
  MessageType,
  Safi,
  buildUpdate,
  createContext,
  createOpen,
  encodeMessage,
  endOfRib,
  messageLength,
  type IpPrefix,
} from '@evpn6/bgp';

export interface StreamOptions {
  /** Our AS; it is the only AS in every AS_PATH. */
  readonly asn: number;
  /** IPv6 next hop in MP_REACH_NLRI (text). */
  readonly nextHop: string;
  /** Message size limit (4096 unless the receiver offers extended messages and we do too). */
  readonly maxMessage?: number;
}

export interface RouteStream {
  /** UPDATEs with routes, then End-of-RIB, as one buffer. */
  readonly bytes: Buffer;
  readonly routes: number;
  readonly messages: number;
}

/** Prefix lengths cycle through 48..64, so /48s stay unique up to ~1.1M routes inside 2001:db8::/32. */
const LENGTHS = 17;

/** The i-th test prefix: 2001:db8::/32 + a per-length index ending at bit `length`. */
export function testPrefix(i: number): IpPrefix {
  const length = 48 + (i % LENGTHS);
  const j = Math.floor(i / LENGTHS);
  if (j >= 2 ** (length - 32)) throw new RangeError(`route ${i}: too many /${length} prefixes for 2001:db8::/32`);
  const a = new Uint8Array(16);
  a[0] = 0x20;
  a[1] = 0x01;
  a[2] = 0x0d;
  a[3] = 0xb8;
  // j fills bits (length - 32 - 16)..(length - 1) of the address, so nothing sits past the length.
  const first = length - 16;
  for (let b = 0; b < 16; b++) {
    if (((j >>> (15 - b)) & 1) === 0) continue;
    const bit = first + b;
    a[bit >> 3]! |= 0x80 >> (bit & 7);
  }
  return { pathId: undefined, length, address: a };
}

/** Pre-encodes `n` routes as packed UPDATEs plus End-of-RIB (not timed: this is the peer's side). */
export function buildRouteStream(n: number, o: StreamOptions): RouteStream {
  const ctx = createContext();
  const max = o.maxMessage ?? 4096;
  const update = (nlri: IpPrefix[]) =>
    buildUpdate({
      origin: 'igp',
      asPath: [o.asn],
      mpReach: { afi: Afi.IPV6, safi: Safi.UNICAST, nextHop: o.nextHop, nlri },
    });
  // Everything but the NLRI, with MP_REACH_NLRI counted with its 2-byte (extended) length.
  const probe = testPrefix(0);
  const overhead = messageLength(update([probe]), ctx) - (1 + ((probe.length + 7) >> 3)) + 1;
  const chunks: Uint8Array[] = [];
  let total = 0;
  let batch: IpPrefix[] = [];
  let used = overhead;
  const emit = () => {
    const bytes = encodeMessage(update(batch), ctx);
    chunks.push(bytes);
    total += bytes.length;
    batch = [];
    used = overhead;
  };
  for (let i = 0; i < n; i++) {
    const p = testPrefix(i);
    const size = 1 + ((p.length + 7) >> 3);
    if (used + size > max) emit();
    batch.push(p);
    used += size;
  }
  if (batch.length > 0) emit();
  const messages = chunks.length;
  const eor = encodeMessage(endOfRib(Afi.IPV6, Safi.UNICAST), ctx);
  chunks.push(eor);
  total += eor.length;
  const bytes = Buffer.allocUnsafe(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return { bytes, routes: n, messages };
}

export interface GeneratorOptions {
  readonly host: string;
  readonly port: number;
  /** Source address of our connection: the receiver knows us as this neighbor. */
  readonly localAddress: string;
  readonly asn: number;
  readonly routerId: string;
  readonly holdTime?: number;
}

/** One established session towards the receiver. */
export class GeneratorSession {
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private failure: string | undefined;

  private constructor(private readonly socket: net.Socket) {}

  /** Connects, exchanges OPEN and KEEPALIVE; resolves once the receiver's KEEPALIVE is in. */
  static connect(o: GeneratorOptions, timeoutMs = 20000): Promise<GeneratorSession> {
    const ctx = createContext();
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: o.host, port: o.port, localAddress: o.localAddress });
      socket.setNoDelay(true);
      const s = new GeneratorSession(socket);
      const framer = new MessageFramer();
      let gotOpen = false;
      let settled = false;
      const guard = setTimeout(() => fail(`no session with ${o.host}:${o.port} within ${timeoutMs} ms`), timeoutMs);
      const fail = (why: string) => {
        s.failure ??= why;
        if (settled) return;
        settled = true;
        clearTimeout(guard);
        socket.destroy();
        reject(new Error(why));
      };
      socket.once('connect', () => {
        const holdTime = o.holdTime ?? 180;
        const caps = [{ kind: 'multiprotocol' as const, afi: Afi.IPV6, safi: Safi.UNICAST }, { kind: 'route-refresh' as const }];
        socket.write(encodeMessage(createOpen({ asn: o.asn, holdTime, bgpId: o.routerId, capabilities: caps }), ctx));
        s.keepaliveTimer = setInterval(() => socket.write(encodeMessage(KEEPALIVE, ctx)), (holdTime / 3) * 1000);
      });
      socket.on('data', (chunk: Buffer) => {
        let messages: Uint8Array[];
        try {
          messages = framer.push(chunk);
        } catch (e) {
          fail(`bad framing from the receiver: ${String(e)}`);
          return;
        }
        for (const m of messages) {
          const type = m[18];
          if (type === MessageType.NOTIFICATION) fail(`NOTIFICATION ${m[19]}/${m[20]} from the receiver`);
          else if (type === MessageType.OPEN && !gotOpen) {
            gotOpen = true;
            socket.write(encodeMessage(KEEPALIVE, ctx));
          } else if (type === MessageType.KEEPALIVE && gotOpen && !settled) {
            settled = true;
            clearTimeout(guard);
            resolve(s);
          }
        }
      });
      socket.on('error', (e) => fail(`socket: ${e.message}`));
      socket.on('close', () => {
        s.stopTimers();
        fail('the receiver closed the connection');
      });
    });
  }

  /** Writes the stream; returns process.hrtime.bigint() taken just before the first byte went out. */
  send(stream: RouteStream): bigint {
    if (this.failure !== undefined) throw new Error(this.failure);
    const t0 = process.hrtime.bigint();
    this.socket.write(stream.bytes);
    return t0;
  }

  /** Why the session failed, if it did. */
  get error(): string | undefined {
    return this.failure;
  }

  close(): void {
    this.stopTimers();
    this.socket.destroy();
  }

  private stopTimers(): void {
    if (this.keepaliveTimer !== undefined) clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = undefined;
  }
}

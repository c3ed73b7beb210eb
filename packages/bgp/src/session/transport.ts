import net from 'node:net';
import { BgpError } from '../errors.js';

/** A TCP problem: refused, unreachable, timed out, or an address we cannot bind. */
export class TransportError extends BgpError {
  readonly syscallCode: string | undefined;
  constructor(code: string, message: string, syscallCode?: string, cause?: unknown) {
    super(code, message, cause === undefined ? undefined : { cause });
    this.syscallCode = syscallCode;
  }
}

export const BGP_PORT = 179;

export interface ConnectOptions {
  /** Peer address, IPv4 or IPv6 text. */
  readonly host: string;
  readonly port?: number;
  /** `update-source`: the local address the connection is bound to. */
  readonly localAddress?: string;
  /** Give up after this long (the FSM's ConnectRetry timer usually fires first). */
  readonly timeoutMs?: number;
}

/**
 * Opens the active side of a BGP connection. Resolves with a connected socket with Nagle
 * off (KEEPALIVEs and small UPDATEs must not wait for an ACK) or rejects with a TransportError.
 */
export function connectTcp(opts: ConnectOptions): { socket: net.Socket; connected: Promise<net.Socket> } {
  const socket = new net.Socket();
  const connected = new Promise<net.Socket>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const fail = (err: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      socket.destroy();
      reject(new TransportError('ERR_BGP_CONNECT', `connect to [${opts.host}]:${opts.port ?? BGP_PORT} failed: ${err.message}`, err.code, err));
    };
    socket.once('error', fail);
    if (opts.timeoutMs !== undefined) {
      timer = setTimeout(() => fail(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), opts.timeoutMs);
    }
    socket.connect(
      {
        host: opts.host,
        port: opts.port ?? BGP_PORT,
        ...(opts.localAddress !== undefined ? { localAddress: opts.localAddress } : {}),
        family: opts.host.includes(':') ? 6 : 4,
      },
      () => {
        if (timer) clearTimeout(timer);
        socket.removeListener('error', fail);
        socket.setNoDelay(true);
        resolve(socket);
      },
    );
  });
  return { socket, connected };
}

export interface ListenOptions {
  /** Addresses to listen on; default all IPv6 and IPv4 ("::" with dual stack). */
  readonly addresses?: readonly string[];
  readonly port?: number;
}

/**
 * The passive side: one server per address. Incoming sockets are handed over with Nagle
 * off; deciding whether the remote is a configured neighbor is the speaker's job.
 */
export async function listenTcp(opts: ListenOptions, onConnection: (socket: net.Socket) => void): Promise<net.Server[]> {
  const addrs = opts.addresses && opts.addresses.length > 0 ? opts.addresses : ['::'];
  const servers: net.Server[] = [];
  try {
    for (const host of addrs) {
      const server = net.createServer({ noDelay: true }, (s) => {
        s.setNoDelay(true);
        onConnection(s);
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', (err: NodeJS.ErrnoException) =>
          reject(new TransportError('ERR_BGP_LISTEN', `cannot listen on [${host}]:${opts.port ?? BGP_PORT}: ${err.message}`, err.code, err)),
        );
        server.listen({ host, port: opts.port ?? BGP_PORT, ipv6Only: false }, () => resolve());
      });
      servers.push(server);
    }
  } catch (e) {
    for (const s of servers) s.close();
    throw e;
  }
  return servers;
}

/** Normalises a socket's remote address ("::ffff:192.0.2.1" -> "192.0.2.1") for neighbor lookup. */
export function remoteAddressOf(socket: net.Socket): string | undefined {
  const a = socket.remoteAddress;
  if (a === undefined) return undefined;
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

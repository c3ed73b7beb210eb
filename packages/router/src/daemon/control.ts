/**
 * The control socket: a Unix stream socket carrying one JSON object per line each way.
 *
 *   request:  {"id": 1, "command": "show", "words": ["evpn", "mac", "vni", "all"], "json": true}
 *   answer:   {"id": 1, "ok": true, "text": "..."}  or  {"id": 1, "ok": true, "json": {...}}
 *             {"id": 1, "ok": false, "error": {"code": "ERR_DAEMON_BAD_REQUEST", "message": "..."}}
 *
 * A client may send several requests on one connection; answers come in request order.
 */
import { existsSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { DaemonError, DaemonErrorCode } from './errors.js';

export interface ControlRequest {
  readonly id?: number;
  readonly command: string;
  readonly words?: readonly string[];
  readonly json?: boolean;
}

export type ControlAnswer =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: true; readonly json: unknown }
  | { readonly ok: false; readonly error: { readonly code: string; readonly message: string } };

export type ControlHandler = (request: ControlRequest) => Promise<ControlAnswer> | ControlAnswer;

/** A request line longer than this is refused (and the connection closed): no unbounded buffers. */
export const MAX_REQUEST_BYTES = 64 * 1024;

export function errorAnswer(e: unknown): ControlAnswer {
  const code = typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : 'ERR_DAEMON_INTERNAL';
  return { ok: false, error: { code, message: e instanceof Error ? e.message : String(e) } };
}

function parseRequest(line: string): ControlRequest {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new DaemonError(DaemonErrorCode.badRequest, 'request is not JSON');
  }
  if (typeof v !== 'object' || v === null || typeof (v as { command?: unknown }).command !== 'string') {
    throw new DaemonError(DaemonErrorCode.badRequest, 'request needs a "command" string');
  }
  const r = v as Record<string, unknown>;
  const words = r['words'];
  if (words !== undefined && !(Array.isArray(words) && words.every((w) => typeof w === 'string'))) {
    throw new DaemonError(DaemonErrorCode.badRequest, '"words" must be a list of strings');
  }
  return v as ControlRequest;
}

/** Whether something answers on a Unix socket path. */
function socketIsLive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export class ControlServer {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly path: string,
  ) {}

  /** Listens on `path`; a stale socket file of a dead router is replaced, a live one is refused. */
  static async listen(path: string, handler: ControlHandler): Promise<ControlServer> {
    if (existsSync(path)) {
      if (await socketIsLive(path)) throw new DaemonError(DaemonErrorCode.socketInUse, `${path}: another router answers on this control socket`);
      unlinkSync(path);
    }
    const server = createServer();
    const control = new ControlServer(server, path);
    server.on('connection', (s) => control.serve(s, handler));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => reject(new DaemonError(DaemonErrorCode.socketInUse, `${path}: cannot listen (${(e as NodeJS.ErrnoException).code ?? e.message})`)));
      server.listen(path, () => resolve());
    });
    return control;
  }

  private serve(socket: Socket, handler: ControlHandler): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = '';
    let chain = Promise.resolve();
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      if (buffered.length > MAX_REQUEST_BYTES && !buffered.includes('\n')) {
        socket.end(`${JSON.stringify(errorAnswer(new DaemonError(DaemonErrorCode.badRequest, 'request too long')))}\n`);
        return;
      }
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.trim() === '') continue;
        chain = chain.then(async () => {
          let id: number | undefined;
          let answer: ControlAnswer;
          try {
            const request = parseRequest(line);
            id = request.id;
            answer = await handler(request);
          } catch (e) {
            answer = errorAnswer(e);
          }
          if (!socket.destroyed) socket.write(`${JSON.stringify(id === undefined ? answer : { id, ...answer })}\n`);
        });
      }
    });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (existsSync(this.path)) {
      try {
        unlinkSync(this.path);
      } catch {
        // already gone
      }
    }
  }
}

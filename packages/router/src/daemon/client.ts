/** The client side of the control socket (control.ts): what `evpn6 show` and tests use. */
import { createConnection } from 'node:net';
import type { ControlAnswer, ControlRequest } from './control.js';
import { DaemonError, DaemonErrorCode } from './errors.js';

/** Where `evpn6 run` and `evpn6 show` meet unless --socket says otherwise. */
export const DEFAULT_SOCKET = '/run/evpn6/evpn6.sock';

export interface QueryOptions {
  /** Milliseconds before giving up (default 10 s). */
  readonly timeoutMs?: number;
}

/** Sends one request and resolves to the router's answer (an error answer is not a rejection). */
export function request(socketPath: string, req: ControlRequest, options: QueryOptions = {}): Promise<ControlAnswer> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let buffered = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new DaemonError(DaemonErrorCode.timeout, `${socketPath}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const fail = (e: DaemonError): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(e);
    };
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write(`${JSON.stringify(req)}\n`));
    socket.on('error', (e: NodeJS.ErrnoException) =>
      fail(new DaemonError(DaemonErrorCode.notRunning, `${socketPath}: no router answers here (${e.code ?? e.message}); is evpn6 run started with this --socket?`)),
    );
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const nl = buffered.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      socket.end();
      try {
        resolve(JSON.parse(buffered.slice(0, nl)) as ControlAnswer);
      } catch {
        reject(new DaemonError(DaemonErrorCode.badRequest, `${socketPath}: the answer is not JSON`));
      }
    });
    socket.on('end', () => {
      if (!buffered.includes('\n')) fail(new DaemonError(DaemonErrorCode.stopped, `${socketPath}: the router closed the connection without answering`));
    });
  });
}

/**
 * Runs `show WORDS` on a router: the text, or the parsed JSON when `json` is set. An error the
 * router answers with is thrown as a DaemonError with the router's code.
 */
export async function queryRouter(socketPath: string, words: readonly string[], json: boolean, options: QueryOptions = {}): Promise<unknown> {
  const answer = await request(socketPath, { command: 'show', words, json }, options);
  if (!answer.ok) throw new DaemonError(answer.error.code as never, answer.error.message);
  return 'json' in answer ? answer.json : answer.text;
}

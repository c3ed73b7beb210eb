/** `show` on a site's router over its control socket, in-process (no CLI start-up per poll). */
import { queryRouter } from '../daemon/client.js';
import { DemoError } from './errors.js';

/** A poll must not hang on a router that stopped answering; the convergence deadline governs. */
const QUERY_TIMEOUT_MS = 5000;

export async function queryText(socket: string, words: readonly string[]): Promise<string> {
  const answer = await queryRouter(socket, words, false, { timeoutMs: QUERY_TIMEOUT_MS });
  if (typeof answer !== 'string') throw new DemoError('ERR_DEMO_COMMAND', `show ${words.join(' ')}: the router answered ${typeof answer}, not text`);
  return answer;
}

/** The parsed JSON answer; its shape is the one docs/show.md documents for these words. */
export async function queryJson<T>(socket: string, words: readonly string[]): Promise<T> {
  return (await queryRouter(socket, words, true, { timeoutMs: QUERY_TIMEOUT_MS })) as T;
}

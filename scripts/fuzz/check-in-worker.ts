import { Worker } from 'node:worker_threads';
import type { Finding } from './targets.js';

/**
 * Checks one input in a worker thread, cut off after `timeoutMs`: how the regression test replays
 * inputs that once hung without hanging itself. A timeout is a 'hang' finding.
 */
export function checkInWorker(target: string, bytes: Uint8Array, timeoutMs: number): Promise<Finding | undefined> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./check-worker.mjs', import.meta.url), { workerData: { target, bytes } });
    const timer = setTimeout(() => {
      void worker.terminate().then(() => resolve({ kind: 'hang', signature: 'hang', detail: `no answer within ${timeoutMs} ms` }));
    }, timeoutMs);
    worker.once('message', (m: Finding | null) => {
      clearTimeout(timer);
      void worker.terminate().then(() => resolve(m ?? undefined));
    });
    worker.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

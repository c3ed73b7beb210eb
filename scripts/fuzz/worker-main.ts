/**
 * One target's fuzz run in a worker thread. `progress` (shared with the main thread) holds the
 * index of the input being checked and a heartbeat, so the main thread can tell a hang from slow
 * progress and rebuild the exact input that hung.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toHex } from '@evpn6/bgp';
import { targetByName } from './targets.js';
import { inputAt, shrink } from './engine.js';

export interface WorkerJob {
  readonly target: string;
  readonly seed: number;
  readonly startIndex: number;
  /** Stop after this index (exclusive). */
  readonly endIndex: number;
  /** How long to fuzz, from when the corpus is ready (worker start-up is not counted). */
  readonly budgetMs: number;
  /** Int32Array over it: [0] index being checked, [1] heartbeat. */
  readonly progress: SharedArrayBuffer;
  /** The corpus as the main thread read it when the target started (the index means nothing without it). */
  readonly corpus: readonly Uint8Array[];
}

export type WorkerMessage =
  | { readonly type: 'ready'; readonly corpusSize: number }
  | { readonly type: 'finding'; readonly index: number; readonly kind: string; readonly signature: string; readonly detail: string; readonly steps: readonly string[]; readonly hex: string; readonly minimizedHex: string }
  | { readonly type: 'done'; readonly inputs: number; readonly nextIndex: number; readonly ms: number };

const job = workerData as WorkerJob;
const target = targetByName(job.target);
if (!target) throw new Error(`no target ${job.target}`);
const progress = new Int32Array(job.progress);
const post = (m: WorkerMessage) => parentPort!.postMessage(m);

const corpus = job.corpus;
post({ type: 'ready', corpusSize: corpus.length });
const seen = new Set<string>();
const t0 = Date.now();
const deadline = t0 + job.budgetMs;
let i = job.startIndex;
for (; i < job.endIndex; i++) {
  if ((i & 255) === 0 && Date.now() >= deadline) break;
  Atomics.store(progress, 0, i);
  Atomics.add(progress, 1, 1);
  const input = inputAt(target, corpus, job.seed, i);
  const finding = target.check(input.bytes);
  if (!finding || seen.has(finding.signature)) continue;
  seen.add(finding.signature);
  const small = shrink(target, input.bytes, finding, () => Atomics.add(progress, 1, 1));
  post({ type: 'finding', index: i, kind: finding.kind, signature: finding.signature, detail: finding.detail, steps: input.steps, hex: toHex(input.bytes), minimizedHex: toHex(small) });
}
post({ type: 'done', inputs: i - job.startIndex, nextIndex: i, ms: Date.now() - t0 });

/** Checks one input (workerData: { target, bytes }) and posts the finding, or null. */
import { parentPort, workerData } from 'node:worker_threads';
import { targetByName } from './targets.js';

const { target, bytes } = workerData as { target: string; bytes: Uint8Array };
const t = targetByName(target);
parentPort!.postMessage(t ? (t.check(bytes) ?? null) : { kind: 'exception', signature: 'no target', detail: `no target ${target}` });

/**
 * In-process fuzzing of every decoder with structure-aware mutations (@evpn6/bgp/fuzz).
 *
 *   npm run fuzz                         short pass: under a minute over all targets
 *   npm run fuzz -- --seconds 5          5 s per target
 *   npm run fuzz -- --long               every target until 1M inputs (or --seconds, if given)
 *   npm run fuzz -- --target evpn-nlri   one target (repeat or comma-separate for more)
 *   npm run fuzz -- --seed 1234          reproducible run: (seed, index) names each input
 *   npm run fuzz -- --list               the targets
 *
 * Each target runs in a worker thread watched for hangs. An input that raises anything but our
 * typed errors, breaks decode -> encode -> decode, or hangs is shrunk and written to
 * test/fuzz/corpus/<target>/<hash>.hex, which the normal test suite replays. Exit code 1 on any finding.
 */
import { Worker } from 'node:worker_threads';
import { toHex } from '@evpn6/bgp';
import { targetByName, targets } from './fuzz/targets.js';
import type { Target } from './fuzz/targets.js';
import { inputAt, startingCorpus } from './fuzz/engine.js';
import { writeCorpus } from './fuzz/corpus.js';
import type { WorkerJob, WorkerMessage } from './fuzz/worker-main.js';

interface Options {
  seconds: number | undefined;
  long: boolean;
  names: string[];
  seed: number;
  maxInputs: number | undefined;
  hangMs: number;
  jobs: number;
  list: boolean;
}

function usage(message: string): never {
  console.error(`${message}\nusage: npm run fuzz -- [--seconds N] [--long] [--target NAME[,NAME]] [--seed N] [--inputs N] [--jobs N] [--hang-ms N] [--list]`);
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const o: Options = { seconds: undefined, long: false, names: [], seed: (Date.now() ^ (process.pid << 16)) >>> 0, maxInputs: undefined, hangMs: 3000, jobs: 1, list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    const number = (): number => {
      const n = Number(value());
      if (!Number.isFinite(n) || n < 0) usage(`${a} needs a non-negative number`);
      return n;
    };
    if (a === '--seconds') o.seconds = number();
    else if (a === '--long') o.long = true;
    else if (a === '--target') o.names.push(...value().split(',').filter(Boolean));
    else if (a === '--seed') o.seed = number() >>> 0;
    else if (a === '--inputs') o.maxInputs = number();
    else if (a === '--hang-ms') o.hangMs = number();
    else if (a === '--jobs') o.jobs = Math.max(1, Math.floor(number()));
    else if (a === '--list') o.list = true;
    else usage(`unknown option ${a}`);
  }
  return o;
}

interface TargetResult {
  readonly target: Target;
  inputs: number;
  ms: number;
  findings: number;
  toolErrors: number;
  files: string[];
}

const LONG_INPUTS = 1_000_000;
const SHORT_PASS_SECONDS = 36;

function runWorker(job: WorkerJob, hangMs: number, onMessage: (m: WorkerMessage) => void): Promise<{ hungAt?: number; nextIndex: number; inputs: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./fuzz/worker.mjs', import.meta.url), { workerData: job });
    const progress = new Int32Array(job.progress);
    let ready = false;
    let lastBeat = -1;
    let lastChange = Date.now();
    let settled = false;
    const timer = setInterval(() => {
      if (!ready) return;
      const beat = Atomics.load(progress, 1);
      if (beat !== lastBeat) {
        lastBeat = beat;
        lastChange = Date.now();
        return;
      }
      if (Date.now() - lastChange > hangMs && !settled) {
        settled = true;
        clearInterval(timer);
        const hungAt = Atomics.load(progress, 0);
        void worker.terminate().then(() => resolve({ hungAt, nextIndex: hungAt + 1, inputs: hungAt + 1 - job.startIndex, ms: Date.now() - started }));
      }
    }, 100);
    let started = Date.now();
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'ready') {
        ready = true;
        lastChange = started = Date.now();
      }
      onMessage(m);
      if (m.type === 'done' && !settled) {
        settled = true;
        clearInterval(timer);
        resolve({ nextIndex: m.nextIndex, inputs: m.inputs, ms: m.ms });
      }
    });
    worker.on('error', (e) => {
      clearInterval(timer);
      if (!settled) reject(e);
    });
  });
}

async function fuzzTarget(target: Target, o: Options, perTargetMs: number | undefined, maxInputs: number): Promise<TargetResult> {
  const result: TargetResult = { target, inputs: 0, ms: 0, findings: 0, toolErrors: 0, files: [] };
  let budgetMs = perTargetMs ?? Number.MAX_SAFE_INTEGER;
  let index = 0;
  // Read once: hangs written during the run must not change what (seed, index) means.
  const corpus = startingCorpus(target);
  while (index < maxInputs && budgetMs > 0) {
    const job: WorkerJob = { target: target.name, seed: o.seed, startIndex: index, endIndex: maxInputs, budgetMs, progress: new SharedArrayBuffer(8), corpus };
    const r = await runWorker(job, o.hangMs, onMessage).catch((e: unknown) => {
      // The fuzz machinery itself failed (not a decoder): report it and stop this target.
      console.error(`  ERROR in the ${target.name} worker: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      result.toolErrors++;
      return undefined;
    });
    if (r === undefined) break;
    function onMessage(m: WorkerMessage): void {
      if (m.type !== 'finding') return;
      result.findings++;
      const file = writeCorpus(target.name, Buffer.from(m.minimizedHex, 'hex'), [
        `${m.kind}: ${m.detail}`,
        `signature: ${m.signature}`,
        `found by: npm run fuzz -- --target ${target.name} --seed ${o.seed} (input ${m.index}, mutations ${m.steps.join(' ')})`,
        `original input: ${m.hex}`,
      ]);
      result.files.push(file);
      console.log(`  FINDING ${target.name} #${m.index}: ${m.detail}\n    -> ${file}`);
    }
    result.inputs += r.inputs;
    result.ms += r.ms;
    budgetMs -= Math.max(1, r.ms);
    index = r.nextIndex;
    if (r.hungAt !== undefined) {
      // The worker was stuck on one input: rebuild it here (never run it) and keep it as a finding.
      const input = inputAt(target, corpus, o.seed, r.hungAt);
      result.findings++;
      const file = writeCorpus(target.name, input.bytes, [
        `hang: no progress for ${o.hangMs} ms`,
        `signature: hang`,
        `found by: npm run fuzz -- --target ${target.name} --seed ${o.seed} (input ${r.hungAt}, mutations ${input.steps.join(' ')})`,
        `original input: ${toHex(input.bytes)}`,
      ]);
      result.files.push(file);
      console.log(`  FINDING ${target.name} #${r.hungAt}: hang\n    -> ${file}`);
    }
  }
  return result;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.list) {
    for (const t of targets) console.log(`${t.name.padEnd(20)} ${t.description}`);
    return;
  }
  const chosen = o.names.length === 0 ? [...targets] : o.names.map((n) => targetByName(n) ?? usage(`unknown target ${n} (see --list)`));
  const maxInputs = o.maxInputs ?? (o.long ? LONG_INPUTS : Number.MAX_SAFE_INTEGER);
  const seconds = o.seconds ?? (o.long ? undefined : Math.max(1, Math.floor(SHORT_PASS_SECONDS / chosen.length)));
  const perTargetMs = seconds === undefined ? undefined : seconds * 1000;
  console.log(
    `fuzz: seed ${o.seed}, ${chosen.length} target(s), ${seconds === undefined ? 'no time limit' : `${seconds} s each`}` +
      `${maxInputs < Number.MAX_SAFE_INTEGER ? `, up to ${maxInputs} inputs each` : ''}, ${o.jobs} job(s)`,
  );
  const results: TargetResult[] = [];
  const queue = [...chosen];
  await Promise.all(
    Array.from({ length: Math.min(o.jobs, queue.length) }, async () => {
      for (let t = queue.shift(); t; t = queue.shift()) results.push(await fuzzTarget(t, o, perTargetMs, maxInputs));
    }),
  );
  results.sort((a, b) => chosen.indexOf(a.target) - chosen.indexOf(b.target));
  console.log(`\n  ${'target'.padEnd(20)} ${'inputs'.padStart(10)} ${'inputs/s'.padStart(10)} ${'seconds'.padStart(8)} ${'findings'.padStart(9)}`);
  for (const r of results) {
    const rate = r.ms > 0 ? Math.round((r.inputs / r.ms) * 1000) : 0;
    console.log(`  ${r.target.name.padEnd(20)} ${String(r.inputs).padStart(10)} ${String(rate).padStart(10)} ${(r.ms / 1000).toFixed(1).padStart(8)} ${String(r.findings).padStart(9)}`);
  }
  const findings = results.reduce((n, r) => n + r.findings, 0);
  const total = results.reduce((n, r) => n + r.inputs, 0);
  console.log(`\n  ${total} inputs, ${findings} finding(s)${findings ? ' written under test/fuzz/corpus/' : ''}; replay with --seed ${o.seed}`);
  const toolErrors = results.reduce((n, r) => n + r.toolErrors, 0);
  if (toolErrors) console.log(`  ${toolErrors} target(s) stopped on an error of the fuzz driver itself (see above)`);
  process.exitCode = findings > 0 || toolErrors > 0 ? 1 : 0;
}

await main();

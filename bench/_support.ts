/**
 * Shared helpers for benchmarks: best-of-N rates, allocation per unit, and a table that prints
 * every figure next to its ratio to an anchor measured in the same process (ratios travel between
 * machines; absolute figures do not).
 *
 *   const rate = bestRate(() => { decodeAll(); return PREFIXES; });   // units per second
 *   printTable('IPv6 UPDATE decode', [{ name: 'codec', perSecond: rate, unit: 'prefixes' }], naiveRate);
 */

export interface RateOptions {
  /** Calls before timing starts, so the JIT has settled. */
  readonly warmupCalls?: number;
  /** Timed rounds; the best one counts (the others lost time to GC or the scheduler). */
  readonly rounds?: number;
  /** Length of one round. */
  readonly roundMs?: number;
}

/** Units per second of `fn` (which returns how many units one call processed), best of several rounds. */
export function bestRate(fn: () => number, opts: RateOptions = {}): number {
  const warmup = opts.warmupCalls ?? 100;
  const rounds = opts.rounds ?? 7;
  const roundNs = BigInt(Math.round((opts.roundMs ?? 200) * 1e6));
  for (let i = 0; i < warmup; i++) fn();
  let best = 0;
  for (let round = 0; round < rounds; round++) {
    const t0 = process.hrtime.bigint();
    let units = 0;
    let elapsed = 0n;
    do {
      units += fn();
      elapsed = process.hrtime.bigint() - t0;
    } while (elapsed < roundNs);
    best = Math.max(best, units / (Number(elapsed) / 1e9));
  }
  return best;
}

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * Approximate heap bytes allocated per unit by `fn`, or undefined without `--expose-gc`
 * (`npm run bench` passes it). Measured over short runs that a scavenge cannot interrupt
 * unnoticed: a run during which the heap shrank is thrown away and retried shorter.
 */
export function bytesPerUnit(fn: () => number, calls = 50): number | undefined {
  if (!gc) return undefined;
  for (let attempt = 0; attempt < 8 && calls >= 1; attempt++) {
    gc();
    const before = process.memoryUsage().heapUsed;
    let units = 0;
    for (let i = 0; i < calls; i++) units += fn();
    const after = process.memoryUsage().heapUsed;
    if (after >= before && units > 0) return (after - before) / units;
    calls = Math.floor(calls / 2);
  }
  return undefined;
}

export interface Row {
  readonly name: string;
  readonly perSecond: number;
  /** What is counted: "prefixes", "msgs", "NLRI". */
  readonly unit: string;
  /** Optional second figure, e.g. messages/s next to prefixes/s. */
  readonly extra?: string;
  readonly bytesPerUnit?: number | undefined;
}

export function formatRate(perSecond: number, unit: string): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M ${unit}/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)}k ${unit}/s`;
  return `${perSecond.toFixed(0)} ${unit}/s`;
}

/** Prints rows as a table; `anchor` (same unit as the rows) gives the "x anchor" column. */
export function printTable(title: string, rows: readonly Row[], anchor: { name: string; perSecond: number } | undefined): void {
  console.log(`\n${title}${anchor ? `  (anchor: ${anchor.name})` : ''}`);
  const nameWidth = Math.max(10, ...rows.map((r) => r.name.length));
  const head = `  ${'case'.padEnd(nameWidth)}  ${'rate'.padStart(20)}  ${anchor ? 'x anchor'.padStart(9) : ''}  ${'B/unit'.padStart(7)}  other`;
  console.log(head);
  console.log(`  ${'-'.repeat(head.length - 2)}`);
  for (const r of rows) {
    const ratio = anchor ? `${(r.perSecond / anchor.perSecond).toFixed(2)}x`.padStart(9) : '';
    const bytes = r.bytesPerUnit === undefined ? '-' : r.bytesPerUnit.toFixed(0);
    console.log(`  ${r.name.padEnd(nameWidth)}  ${formatRate(r.perSecond, r.unit).padStart(20)}  ${ratio}  ${bytes.padStart(7)}  ${r.extra ?? ''}`);
  }
}

/** A place for benchmark results to go so the JIT cannot drop the work that made them. */
export const blackhole = { value: 0 };
export function consume(n: number): void {
  blackhole.value = (blackhole.value + n) | 0;
}

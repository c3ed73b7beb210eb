/**
 * Runs `evpn6 fuzz` (the CLI on the sources) inside a namespace, since the fuzzer must connect
 * from the namespace's addresses, and reads back its summary line and the findings it wrote.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../../packages/router/src/fuzz/index.js';

const CLI = fileURLToPath(new URL('../../packages/router/src/cli.ts', import.meta.url));

export interface FuzzCliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** From the summary line: cases run, and judgements counted (baseline included). */
  readonly cases: number;
  readonly counts: Readonly<Record<'ok' | 'rfc7606' | 'unexpected' | 'crash' | 'hang', number>>;
  readonly findings: readonly Finding[];
}

export function runFuzzCli(ns: string, args: readonly string[], out: string, timeoutMs: number): Promise<FuzzCliResult> {
  return new Promise((resolve) => {
    execFile(
      'ip',
      ['netns', 'exec', ns, process.execPath, '--conditions=@evpn6/source', '--import', 'tsx', CLI, 'fuzz', ...args, '--out', out],
      { timeout: timeoutMs, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const status = error ? ((error as { code?: unknown }).code as number | null) : 0;
        const m = /(\d+) cases \+ (\d+) baseline in [\d.]+ s, seed \d+: ok (\d+), rfc7606 (\d+), unexpected (\d+), crash (\d+), hang (\d+)/.exec(stdout);
        const n = (i: number) => (m ? Number(m[i]) : NaN);
        const findings = existsSync(out)
          ? readdirSync(out)
              .filter((f) => f.endsWith('.json'))
              .map((f) => JSON.parse(readFileSync(join(out, f), 'utf8')) as Finding)
          : [];
        resolve({
          status: typeof status === 'number' ? status : null,
          stdout,
          stderr,
          cases: n(1),
          counts: { ok: n(3), rfc7606: n(4), unexpected: n(5), crash: n(6), hang: n(7) },
          findings,
        });
      },
    );
  });
}

/** One line per distinct (class, reaction) among findings of `judgement`, with a count: what the README lists. */
export function findingLines(findings: readonly Finding[], judgement: string): string[] {
  const counts = new Map<string, number>();
  for (const f of findings.filter((x) => x.judgement === judgement)) {
    const k = `${f.class}: ${f.seenText} (expected ${f.expected.join(' or ')}; ${f.rfc})`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${v}× ${k}`);
}

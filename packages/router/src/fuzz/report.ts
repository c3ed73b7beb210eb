/**
 * Findings as replayable files, and the summary table. A finding file is JSON: the case's seed
 * and index, its bytes as hex, the target and families, what the table expected and what was
 * seen; `evpn6 fuzz --replay FILE` sends the same bytes again.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromHex, toHex } from '@evpn6/bgp';
import { FuzzError } from './errors.js';
import type { CaseResult } from './judge.js';
import { formatPattern, formatReaction, reactionColumn } from './reaction.js';
import type { Reaction } from './reaction.js';
import { formatVerdict } from './verdict.js';
import type { FuzzRun } from './runner.js';

export const FINDING_VERSION = 1;

export interface FindingTarget {
  readonly peer: string;
  readonly port: number;
  readonly asn: number;
  readonly peerAsn: number;
  readonly families: readonly string[];
  readonly localAddress?: string;
  readonly observer?: { readonly address: string; readonly asn: number };
}

export interface Finding {
  readonly version: typeof FINDING_VERSION;
  readonly seed: number;
  readonly index: number;
  readonly base: string;
  readonly mutator: string;
  readonly target: string;
  readonly value?: number;
  readonly attribute?: number;
  readonly class: string;
  readonly hex: string;
  readonly judgement: string;
  readonly expected: readonly string[];
  readonly legacy: readonly string[];
  readonly rfc: string;
  readonly seen: Reaction;
  readonly seenText: string;
  readonly before?: Reaction;
  readonly ours: string;
  readonly peer: FindingTarget;
}

export function findingOf(r: CaseResult, peer: FindingTarget): Finding {
  const c = r.fuzzCase;
  return {
    version: FINDING_VERSION,
    seed: c.seed,
    index: c.index,
    base: c.baseName,
    mutator: c.mutator,
    target: c.target,
    ...(c.value !== undefined ? { value: c.value } : {}),
    ...(c.attribute !== undefined ? { attribute: c.attribute } : {}),
    class: c.cls,
    hex: toHex(c.bytes),
    judgement: r.judgement,
    expected: r.expected.accept.map(formatPattern),
    legacy: (r.expected.legacy ?? []).map(formatPattern),
    rfc: r.expected.rfc,
    seen: r.reaction,
    seenText: formatReaction(r.reaction),
    ...(r.before ? { before: r.before } : {}),
    ours: formatVerdict(r.ours),
    peer,
  };
}

/** Writes the finding under `dir` as `<judgement>-<seed>-<index>.json`; returns the path. */
export function writeFinding(dir: string, f: Finding): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${f.judgement}-${f.seed}-${f.index < 0 ? `baseline${-1 - f.index}` : f.index}.json`);
  writeFileSync(file, `${JSON.stringify(f, null, 2)}\n`);
  return file;
}

export function readFinding(file: string): Finding {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new FuzzError('ERR_FUZZ_REPLAY', `${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const f = parsed as Partial<Finding>;
  if (f.version !== FINDING_VERSION || typeof f.hex !== 'string' || typeof f.seed !== 'number' || typeof f.index !== 'number' || !f.peer || typeof f.peer.peer !== 'string') {
    throw new FuzzError('ERR_FUZZ_REPLAY', `${file}: not a finding file of version ${FINDING_VERSION}`);
  }
  try {
    fromHex(f.hex);
  } catch {
    throw new FuzzError('ERR_FUZZ_REPLAY', `${file}: hex is not hex`);
  }
  return f as Finding;
}

/** One row per class: how many cases, judged how, and the reactions seen. */
export function summaryLines(run: FuzzRun): string[] {
  const rows = new Map<string, { n: number; j: Map<string, number>; seen: Map<string, number> }>();
  for (const r of [...run.baseline, ...run.results]) {
    const row = rows.get(r.fuzzCase.cls) ?? { n: 0, j: new Map(), seen: new Map() };
    row.n++;
    row.j.set(r.judgement, (row.j.get(r.judgement) ?? 0) + 1);
    const col = reactionColumn(r.reaction);
    row.seen.set(col, (row.seen.get(col) ?? 0) + 1);
    rows.set(r.fuzzCase.cls, row);
  }
  const judgements = ['ok', 'rfc7606', 'unexpected', 'crash', 'hang'];
  const out = [`  ${'class'.padEnd(26)} ${'cases'.padStart(6)} ${judgements.map((j) => j.padStart(10)).join(' ')}  reactions seen`];
  for (const [cls, row] of [...rows].sort((a, b) => b[1].n - a[1].n)) {
    const seen = [...row.seen].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}×${v}`).join(' ');
    out.push(`  ${cls.padEnd(26)} ${String(row.n).padStart(6)} ${judgements.map((j) => String(row.j.get(j) ?? 0).padStart(10)).join(' ')}  ${seen}`);
  }
  const all = [...run.baseline, ...run.results];
  const total = (j: string) => all.filter((r) => r.judgement === j).length;
  out.push(
    `  ${run.results.length} cases + ${run.baseline.length} baseline in ${(run.ms / 1000).toFixed(1)} s, seed ${run.seed}: ` +
      judgements.map((j) => `${j} ${total(j)}`).join(', ') +
      (run.stoppedBy ? `; stopped: the target ${run.stoppedBy.judgement}ed after case ${run.stoppedBy.fuzzCase.index}` : ''),
  );
  return out;
}

/**
 * The regression corpus: test/fuzz/corpus/<target>/<hash>.hex, one input per file as hex, after
 * '#' comment lines saying what it found and how it was made. test/fuzz-regressions.test.ts replays them.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromHex, toHex } from '@evpn6/bgp';

export const CORPUS_DIR = fileURLToPath(new URL('../../test/fuzz/corpus/', import.meta.url));

export interface CorpusEntry {
  readonly file: string;
  readonly bytes: Uint8Array;
}

export function parseCorpusFile(text: string): Uint8Array {
  const hex = text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('')
    .replace(/\s+/g, '');
  return fromHex(hex);
}

export function readCorpus(target: string): CorpusEntry[] {
  const dir = `${CORPUS_DIR}${target}`;
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.hex'))
    .sort()
    .map((f) => ({ file: `${dir}/${f}`, bytes: parseCorpusFile(readFileSync(`${dir}/${f}`, 'utf8')) }));
}

/** Writes one input; the name is a hash of its bytes, so the same input is never stored twice. Returns the path. */
export function writeCorpus(target: string, bytes: Uint8Array, comments: readonly string[]): string {
  const dir = `${CORPUS_DIR}${target}`;
  mkdirSync(dir, { recursive: true });
  const name = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const file = `${dir}/${name}.hex`;
  const head = comments.map((c) => `# ${c.replace(/\n/g, ' ')}`).join('\n');
  writeFileSync(file, `${head}\n${toHex(bytes)}\n`);
  return file;
}

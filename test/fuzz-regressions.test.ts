/**
 * Replays every input the fuzzer ever kept (test/fuzz/corpus/<target>/*.hex) through its target's
 * check: each once raised an untyped error, broke a round trip or hung, and must not any more.
 * The seeds the fuzzer starts from must pass too: they are valid messages and packets.
 */
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { CORPUS_DIR, parseCorpusFile } from '../scripts/fuzz/corpus.js';
import { targetByName, targets } from '../scripts/fuzz/targets.js';
import { checkInWorker } from '../scripts/fuzz/check-in-worker.js';

describe('fuzz regression corpus', () => {
  const dirs = existsSync(CORPUS_DIR) ? readdirSync(CORPUS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()) : [];

  it('names only existing targets', () => {
    for (const d of dirs) expect(targetByName(d.name), `test/fuzz/corpus/${d.name}`).to.not.equal(undefined);
  });

  for (const d of dirs) {
    const target = targetByName(d.name);
    if (!target) continue;
    describe(d.name, () => {
      for (const file of readdirSync(`${CORPUS_DIR}${d.name}`).filter((f) => f.endsWith('.hex')).sort()) {
        it(file, async function () {
          const text = readFileSync(`${CORPUS_DIR}${d.name}/${file}`, 'utf8');
          const bytes = parseCorpusFile(text);
          // An input that once hung is checked in a worker that can be cut off, so it cannot hang the suite.
          const hung = /^# signature: hang$/m.test(text);
          if (hung) this.timeout(30000);
          const finding = hung ? await checkInWorker(d.name, bytes, 10000) : target.check(bytes);
          expect(finding?.detail, text.split('\n').filter((l) => l.startsWith('#')).join('\n')).to.equal(undefined);
        });
      }
    });
  }

  describe('seeds are valid and pass their target', () => {
    for (const target of targets) {
      it(target.name, () => {
        const seeds = target.seeds();
        expect(seeds.length).to.be.greaterThan(0);
        for (const [i, s] of seeds.entries()) {
          expect(target.check(s)?.detail, `seed ${i}`).to.equal(undefined);
          expect(target.accepts(s), `seed ${i} is valid`).to.equal(true);
        }
      });
    }
  });
});

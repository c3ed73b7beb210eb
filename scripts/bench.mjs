#!/usr/bin/env node
// `npm run bench [-- name-filter]`: runs every bench/*.ts in its own process (so one
// benchmark's garbage and JIT state never colours the next) and prints their figures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const filter = process.argv[2] ?? '';
const files = readdirSync('bench')
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_') && f.includes(filter))
  .sort();
let failed = 0;
for (const f of files) {
  console.log(`\n### bench/${f}`);
  const r = spawnSync(process.execPath, ['--conditions=@evpn6/source', '--import', 'tsx', '--expose-gc', `bench/${f}`], {
    stdio: 'inherit',
  });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);

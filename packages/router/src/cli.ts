#!/usr/bin/env node
import { main } from './cli/main.js';

// `evpn6 decode ... | head` closes the pipe early: that ends the output, it is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // Only a bug gets here: every expected failure is reported by the commands themselves.
    process.stderr.write(`evpn6: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 70;
  },
);

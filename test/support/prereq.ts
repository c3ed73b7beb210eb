/**
 * Prerequisites of the system tests (root, a binary on PATH). Locally a missing one skips the
 * suite and says why; under CI=true it fails, so CI can never go green by skipping.
 */
import { execFileSync } from 'node:child_process';

export const IN_CI = process.env['CI'] === 'true';

export function hasBinary(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export interface Needs {
  readonly root?: boolean;
  readonly binaries?: readonly string[];
}

/** What of `needs` this machine lacks, as one line, or null when nothing is missing. */
export function missingOf(needs: Needs): string | null {
  const missing: string[] = [];
  if (needs.root && !isRoot()) missing.push('root (network namespaces)');
  for (const b of needs.binaries ?? []) if (!hasBinary(b)) missing.push(`${b} on PATH`);
  return missing.length === 0 ? null : missing.join(', ');
}

/**
 * Call from a mocha `before` hook: returns normally when everything is there; otherwise skips the
 * suite with a printed reason, or throws under CI.
 */
export function requirePrereqs(ctx: Mocha.Context, needs: Needs): void {
  const missing = missingOf(needs);
  if (missing === null) return;
  const why = `missing prerequisite: ${missing} (scripts/install.sh installs them)`;
  if (IN_CI) throw new Error(`${why}; CI=true, so this is a failure, not a skip`);
  console.log(`      skipped: ${why}`);
  ctx.skip();
}

import { RouterError } from '../errors.js';
import type { ConfigProblem } from './types.js';

/**
 * A configuration that cannot be used. `errors` lists every problem of the file (parsing does
 * not stop at the first); the error's own `code` is ERR_CONFIG, or ERR_CONFIG_FILE when the file
 * could not be read at all.
 */
export class ConfigError extends RouterError {
  readonly errors: readonly ConfigProblem[];
  constructor(errors: readonly ConfigProblem[], code = 'ERR_CONFIG') {
    const first = errors[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    super(code, first ? `${formatProblem(first)}${more}` : 'invalid configuration');
    this.errors = errors;
  }
}

/** "FILE:LINE: message", or "FILE: message" for a problem with the file as a whole. */
export function formatProblem(p: ConfigProblem): string {
  return p.line > 0 ? `${p.file}:${p.line}: ${p.message}` : `${p.file}: ${p.message}`;
}

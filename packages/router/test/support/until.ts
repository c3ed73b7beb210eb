import { waitFor } from '../../../../test/support/processes.js';

/** waitFor for probes that say "not yet" with false as well as undefined, polled often (in-process tests). */
export function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 8000): Promise<T> {
  return waitFor(what, () => probe() || undefined, timeoutMs, 20);
}

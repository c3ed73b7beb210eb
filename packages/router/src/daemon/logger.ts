/**
 * Structured logs for the daemon: pino, one JSON object per line on stdout, adapted to the
 * four-method Logger that @evpn6/bgp takes so the speaker's lines land in the same stream.
 */
import { destination, pino, stdTimeFunctions, type Logger as Pino } from 'pino';
import type { LogFields, Logger } from '@evpn6/bgp';

export interface DaemonLogger extends Logger {
  /** A logger whose lines all carry `fields` (e.g. `{ component: 'bgp' }`). */
  child(fields: LogFields): DaemonLogger;
}

function adapt(p: Pino): DaemonLogger {
  return {
    debug: (message, fields) => p.debug(fields ?? {}, message),
    info: (message, fields) => p.info(fields ?? {}, message),
    warn: (message, fields) => p.warn(fields ?? {}, message),
    error: (message, fields) => p.error(fields ?? {}, message),
    child: (fields) => adapt(p.child(fields)),
  };
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** A pino logger writing synchronously to stdout (lines are never lost on exit or crash). */
export function createLogger(level: LogLevel = 'info', fields: LogFields = {}): DaemonLogger {
  return adapt(pino({ level, base: { ...fields }, timestamp: stdTimeFunctions.isoTime }, destination({ dest: 1, sync: true })));
}

/** Collects lines in memory: for tests and for embedding the router in another program. */
export function memoryLogger(lines: { level: string; message: string; fields: LogFields }[] = []): DaemonLogger & { lines: typeof lines } {
  const make = (base: LogFields): DaemonLogger => {
    const at = (level: string) => (message: string, fields?: LogFields) => void lines.push({ level, message, fields: { ...base, ...fields } });
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (f) => make({ ...base, ...f }) };
  };
  return Object.assign(make({}), { lines });
}

/** Structured fields that go with a log line: peer address, state, counts... */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * What the speaker logs through. Plug in pino, winston or console by adapting these four
 * methods; the default is silent, so the library never writes to stdout on its own.
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const ignore = (): void => {};

export const silentLogger: Logger = Object.freeze({ debug: ignore, info: ignore, warn: ignore, error: ignore });

/** Where a command writes: the process's streams, or buffers in tests. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Reads standard input whole (for `--hex -`). */
  readStdin(): Promise<string>;
}

export function processIo(): CliIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

/** Exit statuses: 0 success, 1 the input is bad (config errors, unreadable capture), 2 wrong usage. */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;

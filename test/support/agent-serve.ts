/**
 * The agent side of test/support/ns-agent.ts: a process run inside a namespace reads one JSON
 * request per stdin line ({id, op, args}), answers {id, result} or {id, error}, and may push
 * {event} lines at any time through `say`.
 */
import { createInterface } from 'node:readline';

export function say(line: unknown): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

export interface AgentHandlers<A> {
  /** Runs one request; what it resolves to is the answer, what it throws the error. */
  run(op: string, args: A): Promise<unknown>;
  /** Releases what the agent holds before it says goodbye (the 'exit' request). */
  exit?(): Promise<void> | void;
  /** What the ready line carries (default true). */
  ready?: unknown;
}

export function serveAgent<A>(handlers: AgentHandlers<A>): void {
  createInterface({ input: process.stdin }).on('line', (line) => {
    const { id, op, args } = JSON.parse(line) as { id: number; op: string; args?: A };
    if (op === 'exit') {
      const bye = () => {
        say({ id, result: 'bye' });
        process.stdin.destroy();
      };
      Promise.resolve()
        .then(() => handlers.exit?.())
        .then(bye, bye);
      return;
    }
    handlers.run(op, args ?? ({} as A)).then(
      (result) => say({ id, result }),
      (e: unknown) => {
        const err = e as { name?: string; code?: string; message?: string };
        say({ id, error: { name: err.name, code: err.code, message: err.message } });
      },
    );
  });
  say({ ready: handlers.ready ?? true });
}

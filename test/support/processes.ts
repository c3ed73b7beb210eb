/**
 * Child processes that system tests start (peers, routers). Each is tracked by PID and ended by
 * PID — never by name — in teardown, and also when the test process exits for any reason.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

const live = new Set<ChildProcess>();

process.on('exit', () => {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

export interface Started {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything the process printed so far (stdout and stderr, interleaved). */
  output(): string;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export function start(cmd: string, args: readonly string[], opts: { logFile?: string; env?: NodeJS.ProcessEnv } = {}): Started {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
  if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
  live.add(child);
  child.once('exit', () => live.delete(child));
  let out = '';
  const log = opts.logFile ? createWriteStream(opts.logFile) : undefined;
  const take = (d: Buffer) => {
    out += d.toString();
    if (out.length > 1 << 20) out = out.slice(-(1 << 19));
    log?.write(d);
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const pid = child.pid;
  return {
    child,
    pid,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 3000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      log?.end();
    },
  };
}

/** Ends a process we started that daemonised itself, by the PID it wrote to its pid file. */
export async function stopPid(pid: number, graceMs = 3000): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive() && Date.now() < deadline) await sleep(50);
  if (alive()) process.kill(pid, 'SIGKILL');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `probe` until it returns a value other than undefined, or fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await sleep(everyMs);
  }
}

/**
 * The few system commands the demo drives, run synchronously while the topology is built (order
 * matters, and a failure must stop the build at once) or asynchronously for traffic.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { DemoCommandError, DemoError } from './errors.js';

/** Runs `command` and returns its stdout; a non-zero exit throws DemoCommandError. */
export function run(command: readonly string[], input?: string): string {
  try {
    return execFileSync(command[0]!, command.slice(1), { encoding: 'utf8', maxBuffer: 256 << 20, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], ...(input === undefined ? {} : { input }) });
  } catch (e) {
    const err = e as { status?: number | null; stderr?: string };
    throw new DemoCommandError(command, err.status ?? null, err.stderr ?? String(e));
  }
}

export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command` to its end without throwing on a non-zero exit. */
export function tryRun(command: readonly string[]): CommandResult {
  const r = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

/** Like tryRun, but without blocking the event loop (pings run while routers log). */
export function runAsync(command: readonly string[], timeoutMs = 30_000): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(command[0]!, command.slice(1), { encoding: 'utf8', timeout: timeoutMs }, (error, stdout, stderr) => {
      const status = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ status, stdout, stderr });
    });
  });
}

function onPath(name: string): boolean {
  return tryRun(['sh', '-c', `command -v ${name}`]).status === 0;
}

/** Throws the typed reason the demo cannot run here: not root, or a tool missing. */
export function checkPrivileges(tools: readonly string[] = ['ip', 'bridge', 'ping']): void {
  if (process.platform !== 'linux') throw new DemoError('ERR_DEMO_NOT_ROOT', 'the demo needs Linux network namespaces');
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new DemoError('ERR_DEMO_NOT_ROOT', 'the demo builds network namespaces and needs root: run it with sudo');
  }
  const missing = tools.filter((t) => !onPath(t));
  if (missing.length > 0) throw new DemoError('ERR_DEMO_TOOL_MISSING', `the demo needs ${missing.join(', ')} on PATH (iproute2, iputils-ping)`);
}

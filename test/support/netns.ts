/**
 * Network-namespace labs for tests that need real kernels on the other end. Every namespace gets
 * a per-run unique name (`e6t<pid>-<lab>-<name>`), every process started is tracked by PID, and
 * `teardown()` removes both; a process 'exit' hook tears down whatever a crashed run left.
 *
 *   const lab = new NetnsLab();
 *   after(() => lab.teardown());
 *   const a = lab.add('a'); const b = lab.add('b');
 *   lab.veth(a, 'eth0', b, 'eth0');
 *   lab.ip(a, 'addr', 'add', '2001:db8::1/64', 'dev', 'eth0', 'nodad');
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { missingOf, requirePrereqs } from './prereq.js';

let labCount = 0;
const liveLabs = new Set<NetnsLab>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const lab of liveLabs) lab.teardown();
  });
}

export class NetnsCommandError extends Error {
  readonly code = 'ERR_NETNS_COMMAND';
  constructor(
    readonly command: readonly string[],
    readonly status: number | null,
    readonly stderr: string,
  ) {
    super(`${command.join(' ')} exited ${status}: ${stderr.trim()}`);
    this.name = 'NetnsCommandError';
  }
}

export class NetnsLab {
  readonly prefix: string;
  private readonly namespaces: string[] = [];
  private readonly children = new Set<ChildProcess>();

  constructor() {
    this.prefix = `${process.env['EVPN6_NETNS_PREFIX'] ?? 'e6t'}${process.pid}-${++labCount}`;
    installExitHook();
    liveLabs.add(this);
  }

  /** Creates a namespace named `<prefix>-<name>` with loopback up; returns its full name. */
  add(name: string): string {
    const ns = `${this.prefix}-${name}`;
    run(['ip', 'netns', 'add', ns]);
    this.namespaces.push(ns);
    run(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    return ns;
  }

  /** Runs a command inside `ns` and returns its stdout; a non-zero exit throws NetnsCommandError. */
  exec(ns: string, ...command: string[]): string {
    return run(['ip', 'netns', 'exec', ns, ...command]);
  }

  /** Like exec, but returns the exit status instead of throwing. */
  tryExec(ns: string, ...command: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync('ip', ['netns', 'exec', ns, ...command], { encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** `ip -n ns ...` */
  ip(ns: string, ...args: string[]): string {
    return run(['ip', '-n', ns, ...args]);
  }

  /** A veth pair from `ifA` in `nsA` to `ifB` in `nsB`, both up; MACs optional. */
  veth(nsA: string, ifA: string, nsB: string, ifB: string, macA?: string, macB?: string): void {
    const a = macA === undefined ? [] : ['address', macA];
    const b = macB === undefined ? [] : ['address', macB];
    run(['ip', '-n', nsA, 'link', 'add', ifA, ...a, 'type', 'veth', 'peer', 'name', ifB, ...b, 'netns', nsB]);
    run(['ip', '-n', nsA, 'link', 'set', ifA, 'up']);
    run(['ip', '-n', nsB, 'link', 'set', ifB, 'up']);
  }

  /**
   * Waits until `ifname` in `ns` is up with carrier and an active queue: a fresh veth drops what
   * is sent to it until the kernel's link watcher has run (up to a second later).
   */
  async waitLinkReady(ns: string, ifname: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = run(['ip', '-n', ns, 'link', 'show', 'dev', ifname]);
      if (line.includes('LOWER_UP') && !line.includes('qdisc noop') && !line.includes('NO-CARRIER')) return;
      if (Date.now() > deadline) throw new NetnsCommandError(['ip', '-n', ns, 'link', 'show', 'dev', ifname], null, `not ready: ${line}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Sets sysctls inside `ns`, e.g. sysctl(ns, 'net.ipv6.conf.all.forwarding=1'). */
  sysctl(ns: string, ...settings: string[]): void {
    run(['ip', 'netns', 'exec', ns, 'sysctl', '-qw', ...settings]);
  }

  /**
   * Starts a long-running command inside `ns` (tracked, killed in teardown). With `readyPattern`,
   * resolves once its stdout or stderr matches, so a capture is listening before traffic starts.
   */
  async start(ns: string, command: readonly string[], readyPattern?: RegExp, timeoutMs = 5000): Promise<ChildProcess> {
    const child = spawn('ip', ['netns', 'exec', ns, ...command], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    let output = '';
    const collect = (d: Buffer) => {
      output += d.toString();
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    if (readyPattern === undefined) return child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new NetnsCommandError(command, null, `not ready after ${timeoutMs} ms: ${output}`)), timeoutMs);
      const check = () => {
        if (readyPattern.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', check);
      child.stderr!.on('data', check);
      child.on('exit', (status) => {
        clearTimeout(timer);
        reject(new NetnsCommandError(command, status, output));
      });
      check();
    });
    return child;
  }

  /** Sends `signal` to a child started here (by its PID) and waits for it to exit. */
  async stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 5000): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.pid !== undefined) process.kill(child.pid, signal);
    const timer = setTimeout(() => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    }, timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  /** Kills the children started here and deletes the namespaces made here. Idempotent, synchronous. */
  teardown(): void {
    for (const child of this.children) {
      if (child.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
    this.children.clear();
    while (this.namespaces.length > 0) {
      const ns = this.namespaces.pop()!;
      spawnSync('ip', ['netns', 'del', ns]);
    }
    liveLabs.delete(this);
  }
}

function run(command: readonly string[]): string {
  try {
    return execFileSync(command[0]!, command.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { status?: number | null; stderr?: string };
    throw new NetnsCommandError(command, err.status ?? null, err.stderr ?? String(e));
  }
}

/** Why a namespace test cannot run here (not root, tools missing), or null when it can. */
export function missingPrerequisites(tools: readonly string[] = []): string | null {
  if (process.platform !== 'linux') return 'needs Linux network namespaces';
  return missingOf({ root: true, binaries: ['ip', ...tools] });
}

/**
 * Call from a mocha `before` with `this`: skips the suite with a printed reason when prerequisites
 * are missing, except under CI=true, where a missing prerequisite fails instead.
 */
export function requirePrerequisites(ctx: Mocha.Context, tools: readonly string[] = []): void {
  requirePrereqs(ctx, { root: true, binaries: ['ip', ...tools] });
}

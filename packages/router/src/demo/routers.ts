/**
 * evpn6 routers as child processes inside the site namespaces, started and ended by PID (never by
 * name). The same CLI the demo itself runs from is used: the TypeScript sources under tsx when
 * the demo runs from them, dist/cli.js when it runs built.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { DemoError } from './errors.js';
import type { Site } from './topology.js';

/** How to start `evpn6`: a program and the arguments that come before the command words. */
export interface Evpn6Command {
  readonly file: string;
  readonly args: readonly string[];
  /** Where to start it: `--import tsx` is resolved from the working directory. */
  readonly cwd: string;
}

export function evpn6Command(): Evpn6Command {
  const fromSource = import.meta.url.endsWith('.ts');
  const cli = fileURLToPath(new URL(fromSource ? '../cli.ts' : '../cli.js', import.meta.url));
  const loader = fromSource ? ['--conditions=@evpn6/source', '--import', 'tsx'] : [];
  // The package's own directory, whose node_modules lookup finds tsx wherever the demo was started.
  return { file: process.execPath, args: [...loader, cli], cwd: fileURLToPath(new URL('../..', import.meta.url)) };
}

export type DataplaneKind = 'kernel' | 'dpdk' | 'none';

/** A DPDK site's router runs the fast path; any other site's what was asked (kernel unless 'none'). */
export function siteRouterDataplane(site: Site, requested?: DataplaneKind): DataplaneKind {
  if (site.dataplane === 'dpdk') return 'dpdk';
  return requested === 'none' ? 'none' : 'kernel';
}

export interface RouterOptions {
  /** Namespace to run in. */
  readonly ns: string;
  /** Short name for output lines ("site1"). */
  readonly name: string;
  readonly configFile: string;
  readonly socket: string;
  readonly dataplane?: DataplaneKind;
  readonly bgpPort?: number;
  /** Every line the router prints (stdout and stderr), as it comes. */
  readonly onLine?: (line: string) => void;
  /** Extra node flags for the router process (`--cpu-prof`, which NODE_OPTIONS refuses). */
  readonly nodeFlags?: readonly string[];
}

export interface RouterExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Lines kept per router for error reports. */
const KEPT_LINES = 200;

export class RouterProcess {
  readonly pid: number;
  readonly exited: Promise<RouterExit>;
  private exit: RouterExit | undefined;
  private readonly lines: string[] = [];

  private constructor(
    readonly options: RouterOptions,
    private readonly child: ChildProcess,
  ) {
    this.pid = child.pid!;
    this.exited = once(child, 'exit').then(([code, signal]) => {
      this.exit = { code: code as number | null, signal: signal as NodeJS.Signals | null };
      live.delete(child);
      return this.exit;
    });
    for (const stream of [child.stdout!, child.stderr!]) {
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop()!;
        for (const line of parts) this.take(line);
      });
      stream.on('end', () => {
        if (partial !== '') this.take(partial);
      });
    }
  }

  static start(options: RouterOptions): RouterProcess {
    const cmd = evpn6Command();
    const args = ['netns', 'exec', options.ns, cmd.file, ...(options.nodeFlags ?? []), ...cmd.args, 'run', '-f', options.configFile, '--socket', options.socket];
    args.push('--dataplane', options.dataplane ?? 'kernel');
    if (options.bgpPort !== undefined) args.push('--bgp-port', String(options.bgpPort));
    // `ip netns exec` execs the program after entering the namespace, so this PID is the router's.
    const child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: cmd.cwd });
    if (child.pid === undefined) throw new DemoError('ERR_DEMO_ROUTER_EXIT', `could not start the router of ${options.name}`);
    live.add(child);
    installExitHook();
    return new RouterProcess(options, child);
  }

  private take(line: string): void {
    this.lines.push(line);
    if (this.lines.length > KEPT_LINES) this.lines.shift();
    this.options.onLine?.(line);
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** How it ended, once it has. */
  get exitStatus(): RouterExit | undefined {
    return this.exit;
  }

  /** The last lines it printed. */
  output(): string {
    return this.lines.join('\n');
  }

  /** Sends `signal` without waiting (SIGSTOP / SIGCONT: a router that hangs, then wakes). */
  signal(signal: NodeJS.Signals): void {
    if (this.exit === undefined) this.child.kill(signal);
  }

  /**
   * Sends `signal` and waits for the exit; SIGKILL after `graceMs` if it is still there. SIGTERM
   * is the clean stop (Cease to peers, FDB entries removed); SIGKILL is a crash.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<RouterExit> {
    if (this.exit !== undefined) return this.exit;
    this.child.kill(signal);
    const timer = setTimeout(() => {
      if (this.exit === undefined) this.child.kill('SIGKILL');
    }, graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
}

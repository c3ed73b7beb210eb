/**
 * The test side of a helper process run inside a namespace (`ip netns exec NS node … SCRIPT`), for
 * APIs that must run in the namespace while the test process cannot enter it. One JSON line per
 * message: the agent says {ready}, answers {id, result} or {id, error}, and pushes {event}.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface AgentError {
  name: string;
  code?: string;
  message: string;
}

interface AgentLine {
  id?: number;
  result?: unknown;
  error?: AgentError;
  event?: unknown;
  ready?: unknown;
}

export class NamespaceAgent<E> {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: AgentError): void }>();
  readonly events: E[] = [];
  private readonly ready: Promise<void>;

  private constructor(
    readonly child: ChildProcess,
    eventOf: (line: AgentLine) => E,
  ) {
    let onReady!: () => void;
    this.ready = new Promise((r) => (onReady = r));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const msg = JSON.parse(line) as AgentLine;
      if (msg.ready !== undefined) onReady();
      else if (msg.event !== undefined) this.events.push(eventOf(msg));
      else if (msg.id !== undefined) {
        const w = this.waiting.get(msg.id);
        this.waiting.delete(msg.id);
        if (msg.error !== undefined) w?.reject(msg.error);
        else w?.resolve(msg.result);
      }
    });
  }

  /** Starts SCRIPT (TypeScript, run on the sources) in namespace `ns` and waits for its {ready}. */
  static async start<E>(ns: string, script: string, eventOf: (line: AgentLine) => E, timeoutMs = 20000): Promise<NamespaceAgent<E>> {
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '--conditions=@evpn6/source', '--import', 'tsx', script], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const agent = new NamespaceAgent(child, eventOf);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([agent.ready, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${script} did not start`)), timeoutMs)))]);
    } finally {
      clearTimeout(timer);
    }
    return agent;
  }

  call<T>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.stdin!.write(`${JSON.stringify({ id, op, args })}\n`);
    });
  }

  /** The typed error of a call that must fail. */
  async failure(op: string, args: Record<string, unknown> = {}): Promise<AgentError> {
    try {
      await this.call(op, args);
    } catch (e) {
      return e as AgentError;
    }
    throw new Error(`${op} was expected to fail`);
  }

  /** Asks the agent to exit (op "exit"); kills it by PID if it has not after 3 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((res) => this.child.once('exit', res));
    this.child.stdin!.write(`${JSON.stringify({ id: 0, op: 'exit' })}\n`);
    const t = setTimeout(() => this.child.pid !== undefined && process.kill(this.child.pid, 'SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  }
}

/** The test side of speaker-agent.ts: a Speaker in a namespace, driven over JSON lines. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { waitFor } from './processes.js';
import type { EvpnRow, EvpnSpec } from './evpn-agent.js';

const AGENT = fileURLToPath(new URL('./speaker-agent.ts', import.meta.url));

export interface PeerStateEvent {
  address: string;
  state: string;
  previous: string;
  down?: { kind: string; direction?: string; notification?: { code: number; subcode: number; name: string; message?: string } };
  /** When the test process read the event (Date.now()): for timing checks such as IdleHold backoff. */
  at?: number;
}

export interface RouteRow {
  prefix: string;
  peer: string;
  nextHop: string;
  stale: boolean;
  attributes: Array<{ type: string } & Record<string, unknown>>;
}

export class RemoteSpeaker {
  readonly events: PeerStateEvent[] = [];
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private stderr = '';

  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let msg: { id?: number; ok?: boolean; value?: unknown; error?: { code?: string; message: string }; event?: string };
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        return; // not ours (a stray log line)
      }
      if (msg.event === 'peerState') this.events.push({ ...(msg as unknown as PeerStateEvent), at: Date.now() });
      if (msg.id === undefined) return;
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.value);
      else p.reject(Object.assign(new Error(msg.error?.message ?? 'agent error'), { code: msg.error?.code }));
    });
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    child.once('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error(`speaker agent exited: ${this.stderr.slice(-2000)}`));
      this.pending.clear();
    });
  }

  static start(ns: string): RemoteSpeaker {
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '--conditions=@evpn6/source', '--import', 'tsx', AGENT], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new RemoteSpeaker(child);
  }

  call<T = unknown>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.stdin!.write(`${JSON.stringify({ id, op, args })}\n`);
    });
  }

  async peerState(address: string): Promise<string | undefined> {
    const peers = await this.call<Array<{ address: string; state: string }>>('peers');
    return peers.find((p) => p.address === address)?.state;
  }

  async waitEstablished(address: string, timeoutMs = 20000): Promise<void> {
    await waitFor(`our session with ${address} Established`, async () => ((await this.peerState(address)) === 'Established' ? true : undefined), timeoutMs);
  }

  async routes(family: string): Promise<RouteRow[]> {
    return this.call<RouteRow[]>('routes', { family });
  }

  /** The EVPN Loc-RIB, decoded by the agent (see evpn-agent.ts). */
  async evpnRoutes(): Promise<EvpnRow[]> {
    return this.call<EvpnRow[]>('evpnRoutes');
  }

  async originateEvpn(routes: readonly EvpnSpec[]): Promise<void> {
    await this.call('originateEvpn', { routes });
  }

  async withdrawEvpn(routes: readonly EvpnSpec[]): Promise<void> {
    await this.call('withdrawEvpn', { routes });
  }

  /** `Speaker.peer(address)`: the summary row (established transitions, last down reason, counters). */
  async peer(address: string): Promise<{ state: string; establishedTransitions: number; lastDown?: PeerStateEvent['down'] } & Record<string, unknown>> {
    return this.call('peer', { address });
  }

  /** Closes the speaker (Cease to peers) and ends the agent process. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    try {
      await Promise.race([this.call('close'), new Promise((r) => setTimeout(r, 3000))]);
    } catch {
      /* agent already gone */
    }
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }

  /** SIGKILL: no Cease, sockets reset — a crashed router. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }
}

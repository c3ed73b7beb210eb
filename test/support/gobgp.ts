/**
 * GoBGP 3.10 (gobgpd + the gobgp CLI) as a test peer inside a network namespace. The CLI reaches
 * the daemon's gRPC port on the namespace's own loopback, so several GoBGPs never collide.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { start, waitFor, type Started } from './processes.js';

const run = promisify(execFile);

export interface GoBgpNeighbor {
  address: string;
  peerAs: number;
  /** AFI-SAFI names as GoBGP spells them: "ipv6-unicast", "l2vpn-evpn", "ipv4-unicast". */
  families: readonly string[];
  passive?: boolean;
  localAddress?: string;
  remotePort?: number;
  holdTime?: number;
  keepalive?: number;
  connectRetry?: number;
  routeReflectorClient?: boolean;
  clusterId?: string;
  gracefulRestart?: { restartTime: number };
}

export interface GoBgpOptions {
  ns: string;
  dir: string;
  asn: number;
  routerId: string;
  listenPort?: number;
  listenAddresses?: readonly string[];
  neighbors: readonly GoBgpNeighbor[];
  /** Passed to gobgpd as -r: announce restart state in the graceful-restart capability. */
  restarting?: boolean;
}

function q(s: string): string {
  return JSON.stringify(s);
}

export function gobgpConfig(o: GoBgpOptions): string {
  const lines = ['[global.config]', `  as = ${o.asn}`, `  router-id = ${q(o.routerId)}`, `  port = ${o.listenPort ?? 179}`];
  if (o.listenAddresses) lines.push(`  local-address-list = [${o.listenAddresses.map(q).join(', ')}]`);
  for (const n of o.neighbors) {
    lines.push('', '[[neighbors]]', '  [neighbors.config]', `    neighbor-address = ${q(n.address)}`, `    peer-as = ${n.peerAs}`);
    const transport: string[] = [];
    if (n.passive) transport.push('    passive-mode = true');
    if (n.localAddress) transport.push(`    local-address = ${q(n.localAddress)}`);
    if (n.remotePort) transport.push(`    remote-port = ${n.remotePort}`);
    if (transport.length) lines.push('  [neighbors.transport.config]', ...transport);
    const timers: string[] = [];
    if (n.holdTime !== undefined) timers.push(`    hold-time = ${n.holdTime}`);
    if (n.keepalive !== undefined) timers.push(`    keepalive-interval = ${n.keepalive}`);
    if (n.connectRetry !== undefined) timers.push(`    connect-retry = ${n.connectRetry}`);
    if (timers.length) lines.push('  [neighbors.timers.config]', ...timers);
    if (n.routeReflectorClient) {
      lines.push('  [neighbors.route-reflector.config]', '    route-reflector-client = true', `    route-reflector-cluster-id = ${q(n.clusterId ?? o.routerId)}`);
    }
    if (n.gracefulRestart) {
      lines.push('  [neighbors.graceful-restart.config]', '    enabled = true', `    restart-time = ${n.gracefulRestart.restartTime}`);
    }
    for (const f of n.families) {
      lines.push('  [[neighbors.afi-safis]]', '    [neighbors.afi-safis.config]', `      afi-safi-name = ${q(f)}`);
      if (n.gracefulRestart) lines.push('    [neighbors.afi-safis.mp-graceful-restart.config]', '      enabled = true');
    }
  }
  return lines.join('\n') + '\n';
}

export class GoBgp {
  private constructor(
    readonly opts: GoBgpOptions,
    private proc: Started,
  ) {}

  static async start(opts: GoBgpOptions): Promise<GoBgp> {
    mkdirSync(opts.dir, { recursive: true });
    const conf = join(opts.dir, 'gobgpd.toml');
    writeFileSync(conf, gobgpConfig(opts));
    const proc = GoBgp.spawn(opts, conf);
    const g = new GoBgp(opts, proc);
    await waitFor('gobgpd gRPC API', async () => ((await g.cli(['global'])).includes('AS') ? true : undefined), 15000);
    return g;
  }

  private static spawn(opts: GoBgpOptions, conf: string): Started {
    const args = ['netns', 'exec', opts.ns, 'gobgpd', '-f', conf, '-p', '--api-hosts', '127.0.0.1:50051', '--pprof-disable'];
    if (opts.restarting) args.push('-r');
    return start('ip', args, { logFile: join(opts.dir, 'gobgpd.log') });
  }

  get pid(): number {
    return this.proc.pid;
  }

  log(): string {
    return this.proc.output();
  }

  async cli(args: readonly string[]): Promise<string> {
    const { stdout } = await run('ip', ['netns', 'exec', this.opts.ns, 'gobgp', '-u', '127.0.0.1', '-p', '50051', ...args], {
      timeout: 10000,
      maxBuffer: 64 << 20,
    });
    return stdout;
  }

  async json<T = unknown>(args: readonly string[]): Promise<T> {
    const out = await this.cli([...args, '-j']);
    return JSON.parse(out.trim() || 'null') as T;
  }

  /** session_state 6 is ESTABLISHED in GoBGP's API enum. */
  async neighborState(address: string): Promise<number | undefined> {
    const all = await this.json<Array<{ state?: { neighbor_address?: string; session_state?: number } }>>(['neighbor']);
    return all.find((n) => n.state?.neighbor_address === address)?.state?.session_state;
  }

  async waitEstablished(address: string, timeoutMs = 20000): Promise<void> {
    await waitFor(`GoBGP session with ${address} Established`, async () => ((await this.neighborState(address)) === 6 ? true : undefined), timeoutMs);
  }

  /** SIGSTOP: the process stays, its socket stays open, but it sends nothing (hold timer tests). */
  freeze(): void {
    process.kill(this.proc.pid, 'SIGSTOP');
  }

  thaw(): void {
    process.kill(this.proc.pid, 'SIGCONT');
  }

  async stop(): Promise<void> {
    try {
      this.thaw();
    } catch {
      /* already gone */
    }
    await this.proc.stop('SIGTERM');
  }

  /** SIGKILL: no NOTIFICATION, the kernel just closes the connection — a crashed peer. */
  async crash(): Promise<void> {
    await this.proc.stop('SIGKILL');
  }

  /** Starts gobgpd again with the same config (after crash() or stop()). */
  async startAgain(opts: { restarting?: boolean } = {}): Promise<void> {
    const o = { ...this.opts, ...(opts.restarting !== undefined ? { restarting: opts.restarting } : {}) };
    this.proc = GoBgp.spawn(o, join(o.dir, 'gobgpd.toml'));
    await waitFor('gobgpd gRPC API after restart', async () => ((await this.cli(['global'])).includes('AS') ? true : undefined), 15000);
  }

  /** Kill (no NOTIFICATION) and start again with the same config: a peer restart. */
  async restart(opts: { restarting?: boolean } = {}): Promise<void> {
    await this.crash();
    await this.startAgain(opts);
  }
}

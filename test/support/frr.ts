/**
 * Stock FRR 8.4 (zebra + bgpd) as a test peer inside a network namespace, with its own run
 * directory, pid files and vty sockets so it never meets a system FRR. FRR's daemons drop
 * privileges to user frr, so that user must own the directory.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stopPid, waitFor } from './processes.js';

const run = promisify(execFile);

export interface FrrOptions {
  ns: string;
  dir: string;
  /** frr.conf text (FRR syntax), loaded by both daemons at start. */
  config: string;
}

function frrIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'frr']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'frr']).toString().trim());
  return { uid, gid };
}

export class Frr {
  private constructor(readonly opts: FrrOptions) {}

  static async start(opts: FrrOptions): Promise<Frr> {
    mkdirSync(opts.dir, { recursive: true });
    const { uid, gid } = frrIds();
    chownSync(opts.dir, uid, gid);
    const conf = join(opts.dir, 'frr.conf');
    writeFileSync(conf, opts.config);
    chownSync(conf, uid, gid);
    const f = new Frr(opts);
    await f.daemon('zebra', ['-s', '90000000']);
    await f.daemon('bgpd', []);
    await waitFor('FRR vty', async () => ((await f.vtysh('show version')).includes('FRRouting') ? true : undefined), 15000);
    return f;
  }

  private async daemon(name: 'zebra' | 'bgpd', extra: readonly string[]): Promise<void> {
    const d = this.opts.dir;
    await run(
      'ip',
      ['netns', 'exec', this.opts.ns, `/usr/lib/frr/${name}`, '-d', '-u', 'frr', '-g', 'frr', '-A', '127.0.0.1', '-P', '0',
        '-i', join(d, `${name}.pid`), '-z', join(d, 'zserv.api'), '--vty_socket', d, '-f', join(d, 'frr.conf'), ...extra],
      { timeout: 15000 },
    );
    await waitFor(`${name} pid file`, () => (existsSync(join(d, `${name}.pid`)) ? true : undefined), 10000, 50);
  }

  pid(name: 'zebra' | 'bgpd'): number | undefined {
    const p = join(this.opts.dir, `${name}.pid`);
    return existsSync(p) ? Number(readFileSync(p, 'utf8').trim()) : undefined;
  }

  async vtysh(...commands: string[]): Promise<string> {
    const args = ['netns', 'exec', this.opts.ns, 'vtysh', '--vty_socket', this.opts.dir];
    for (const c of commands) args.push('-c', c);
    const { stdout } = await run('ip', args, { timeout: 15000, maxBuffer: 64 << 20 });
    return stdout;
  }

  async json<T = unknown>(command: string): Promise<T> {
    return JSON.parse(await this.vtysh(command)) as T;
  }

  async stop(): Promise<void> {
    for (const name of ['bgpd', 'zebra'] as const) {
      const pid = this.pid(name);
      if (pid !== undefined) await stopPid(pid);
    }
  }
}

// Speaker load benchmark (issue #3): a generator peer built on our codec pushes N IPv6 unicast
// routes over loopback, (a) into our Speaker in a child process of its own (so its RSS is the
// speaker's alone) and (b) into gobgpd, in the same run. Reported: time from the first UPDATE byte
// sent until the receiver's Loc-RIB holds all N, routes/s, RSS bytes per route, ratio ours/gobgpd.
//
// Run: node --conditions=@evpn6/source --import tsx --expose-gc bench/speaker-load.ts [--n 100000,1000000]
//        [--impl dist|src|both] [--no-gobgp] [--sink] [--profile DIR] [--speaker-module PATH]
// gobgpd's end is the last moment it used CPU before going idle with all N accepted (asking its
// CLI often would slow it down: each answer walks its tables).
// --impl dist (the default when packages/bgp/dist is built and newer than src) runs the speaker
// from the compiled JavaScript, src runs it from TypeScript under tsx, both measures each.
// --profile DIR writes a V8 CPU profile of each speaker child to DIR (node --cpu-prof).
// --sink adds a second eBGP peer to our speaker that receives the routes as they come in
// (export, packing and sending are then part of the measured time; ours only).
// --speaker-module PATH runs the speaker from another copy of @evpn6/bgp (an A/B baseline).
// EVPN6_BENCH_CHILD_FLAGS="--trace-gc ..." passes extra node flags to the speaker child.
import { execFile, fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type * as Bgp from '@evpn6/bgp';
import { buildRouteStream, GeneratorSession, type RouteStream } from './_bgp-generator.js';

const run = promisify(execFile);
const here = fileURLToPath(import.meta.url);
const root = resolve(here, '../..');

const SPEAKER_ADDRESS = '127.0.0.1';
const GENERATOR_ADDRESS = '127.0.0.2';
const SPEAKER_AS = 65000;
const GENERATOR_AS = 65001;
/** With --sink, a second eBGP peer that receives our Loc-RIB while the generator feeds it. */
const SINK_ADDRESS = '127.0.0.3';
const SINK_AS = 65002;
const GOBGP_PORT = 10179;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

interface ChildReady {
  readonly kind: 'ready';
  readonly port: number;
  readonly rss: number;
  /** process.cpuUsage() user + system, microseconds. */
  readonly cpu: number;
}
interface ChildDone {
  readonly kind: 'done';
  /** process.hrtime.bigint() (CLOCK_MONOTONIC, shared by every process) when the Loc-RIB held N. */
  readonly doneAt: string;
  readonly rss: number;
  readonly rssAfterGc: number;
  readonly locRib: number;
  readonly cpu: number;
}
type ChildMessage = ChildReady | ChildDone | { readonly kind: 'failed'; readonly error: string };

// ---- the speaker child ------------------------------------------------------------------------

async function speakerChild(n: number): Promise<void> {
  // --speaker-module points at another copy of @evpn6/bgp (a baseline tree for A/B runs).
  const { createSpeaker } = (await import(process.env.EVPN6_BENCH_SPEAKER_MODULE ?? '@evpn6/bgp')) as typeof Bgp;
  const send = (m: ChildMessage) => process.send!(m);
  const gc = (globalThis as { gc?: () => void }).gc;
  const speaker = await createSpeaker({
    asn: SPEAKER_AS,
    routerId: '192.0.2.1',
    families: ['ipv6-unicast'],
    listen: { addresses: [SPEAKER_ADDRESS], port: 0 },
    holdTime: 180,
  });
  speaker.addNeighbor({ address: GENERATOR_ADDRESS, remoteAs: GENERATOR_AS, passive: true });
  if (process.env.EVPN6_BENCH_SINK === '1') speaker.addNeighbor({ address: SINK_ADDRESS, remoteAs: SINK_AS, passive: true });
  gc?.();
  const cpu = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  send({ kind: 'ready', port: speaker.listening()[0]!.port, rss: process.memoryUsage().rss, cpu: cpu() });
  // Polled rather than counted through ribChange events, which would add a RouteChange (with the
  // prefix as text) per route to the work measured. With one peer, every accepted path is best.
  const poll = setInterval(() => {
    const accepted = speaker.peer(GENERATOR_ADDRESS).families[0]?.accepted ?? 0;
    if (accepted < n) return;
    const doneAt = process.hrtime.bigint();
    const cpuAtDone = cpu();
    clearInterval(poll);
    const rss = process.memoryUsage().rss;
    gc?.();
    const rssAfterGc = process.memoryUsage().rss;
    const locRib = speaker.routes('ipv6-unicast').length;
    send({ kind: 'done', doneAt: String(doneAt), rss, rssAfterGc, locRib, cpu: cpuAtDone });
  }, 2);
  process.once('disconnect', () => {
    clearInterval(poll);
    void speaker.close().then(() => process.exit(0));
  });
}

// ---- ours -------------------------------------------------------------------------------------

interface Measured {
  readonly seconds: number;
  /** RSS growth per route (bytes). */
  readonly rssPerRoute: number;
  readonly rssPerRouteAfterGc?: number;
  /** CPU seconds the receiver used (ours only: less sensitive to other load on the machine). */
  readonly cpuSeconds?: number;
}

function nextMessage(child: ChildProcess): Promise<ChildMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: ChildMessage) => {
      child.off('exit', onExit);
      resolve(m);
    };
    const onExit = (code: number | null) => {
      child.off('message', onMessage);
      reject(new Error(`speaker child exited (${code})`));
    };
    child.once('message', onMessage);
    child.once('exit', onExit);
  });
}

async function measureOurs(stream: RouteStream, impl: 'dist' | 'src', profileDir: string | undefined, withSink: boolean): Promise<Measured> {
  const execArgv = ['--import', 'tsx', '--expose-gc'];
  if (impl === 'src') execArgv.unshift('--conditions=@evpn6/source');
  if (profileDir !== undefined) execArgv.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`);
  if (process.env.EVPN6_BENCH_CHILD_FLAGS) execArgv.push(...process.env.EVPN6_BENCH_CHILD_FLAGS.split(' '));
  const env = { ...process.env };
  if (withSink) env.EVPN6_BENCH_SINK = '1';
  const module = arg('--speaker-module');
  if (module !== undefined) env.EVPN6_BENCH_SPEAKER_MODULE = resolve(module);
  const child = fork(here, ['--child', String(stream.routes)], { execArgv, env, cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let session: GeneratorSession | undefined;
  let sink: GeneratorSession | undefined;
  try {
    const ready = await nextMessage(child);
    if (ready.kind !== 'ready') throw new Error(`speaker child: ${JSON.stringify(ready)}`);
    if (withSink) {
      sink = await GeneratorSession.connect({ host: SPEAKER_ADDRESS, port: ready.port, localAddress: SINK_ADDRESS, asn: SINK_AS, routerId: '192.0.2.3' });
    }
    session = await GeneratorSession.connect({
      host: SPEAKER_ADDRESS,
      port: ready.port,
      localAddress: GENERATOR_ADDRESS,
      asn: GENERATOR_AS,
      routerId: '192.0.2.2',
    });
    const done = nextMessage(child);
    const t0 = session.send(stream);
    const d = await done;
    if (d.kind !== 'done') throw new Error(`speaker child: ${JSON.stringify(d)}`);
    if (d.locRib !== stream.routes) throw new Error(`Loc-RIB holds ${d.locRib} routes, expected ${stream.routes}`);
    return {
      seconds: Number(BigInt(d.doneAt) - t0) / 1e9,
      rssPerRoute: (d.rss - ready.rss) / stream.routes,
      rssPerRouteAfterGc: (d.rssAfterGc - ready.rss) / stream.routes,
      cpuSeconds: (d.cpu - ready.cpu) / 1e6,
    };
  } finally {
    session?.close();
    sink?.close();
    const exited = once(child, 'exit');
    if (child.connected) child.disconnect();
    const guard = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(guard);
  }
}

// ---- gobgpd -----------------------------------------------------------------------------------

function gobgpConfig(): string {
  return [
    '[global.config]',
    `  as = ${SPEAKER_AS}`,
    '  router-id = "192.0.2.1"',
    `  port = ${GOBGP_PORT}`,
    `  local-address-list = ["${SPEAKER_ADDRESS}"]`,
    '',
    '[[neighbors]]',
    '  [neighbors.config]',
    `    neighbor-address = "${GENERATOR_ADDRESS}"`,
    `    peer-as = ${GENERATOR_AS}`,
    '  [neighbors.transport.config]',
    '    passive-mode = true',
    '  [[neighbors.afi-safis]]',
    '    [neighbors.afi-safis.config]',
    '      afi-safi-name = "ipv6-unicast"',
    '',
  ].join('\n');
}

function vmRss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (m === null) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

/** utime + stime of a process, in clock ticks. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * Waits until the process has used no CPU for IDLE_MS and `done()` holds; returns the time of the
 * last sample in which it was still busy (to within SAMPLE_MS).
 */
async function waitIdleWith(pid: number, done: () => Promise<boolean>, failed: () => string | undefined): Promise<bigint> {
  const SAMPLE_MS = 20;
  const IDLE_MS = 300;
  let ticks = cpuTicks(pid);
  let lastBusy = process.hrtime.bigint();
  for (;;) {
    await sleep(SAMPLE_MS);
    const now = process.hrtime.bigint();
    const t = cpuTicks(pid);
    if (t !== ticks) {
      ticks = t;
      lastBusy = now;
      continue;
    }
    const why = failed();
    if (why !== undefined) throw new Error(`gobgpd session: ${why}`);
    if (Number(now - lastBusy) / 1e6 < IDLE_MS) continue;
    const busyBefore = lastBusy;
    if (await done()) return busyBefore;
    // Not all in yet: the CLI call itself made gobgpd busy; keep sampling.
    ticks = cpuTicks(pid);
    lastBusy = process.hrtime.bigint();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function gobgpAvailable(): Promise<boolean> {
  try {
    await run('gobgpd', ['--version']);
    await run('gobgp', ['--version']);
    return true;
  } catch {
    return false;
  }
}

async function measureGobgp(stream: RouteStream): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'evpn6-bench-gobgp-'));
  const conf = join(dir, 'gobgpd.toml');
  writeFileSync(conf, gobgpConfig());
  // A private gRPC port, so a gobgpd someone else runs on this host is never the one we ask.
  const apiPort = 50100 + Math.floor(Math.random() * 800);
  const api = ['-u', '127.0.0.1', '-p', String(apiPort)];
  const proc = spawn('gobgpd', ['-f', conf, '-p', '-l', 'warn', '--api-hosts', `127.0.0.1:${apiPort}`, '--pprof-disable'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  proc.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const pid = proc.pid;
  if (pid === undefined) throw new Error('could not start gobgpd');
  const cli = async (args: readonly string[]) => (await run('gobgp', [...api, ...args], { timeout: 60000, maxBuffer: 16 << 20 })).stdout;
  const accepted = async () => {
    const j = JSON.parse(await cli(['neighbor', GENERATOR_ADDRESS, '-j'])) as { afi_safis?: { state?: { accepted?: number } }[] };
    let sum = 0;
    for (const f of j.afi_safis ?? []) sum += f.state?.accepted ?? 0;
    return sum;
  };
  let session: GeneratorSession | undefined;
  try {
    for (let i = 0; ; i++) {
      if (proc.exitCode !== null) throw new Error(`gobgpd exited: ${log}`);
      try {
        await cli(['global']);
        break;
      } catch {
        if (i > 100) throw new Error(`gobgpd API did not come up: ${log}`);
        await sleep(100);
      }
    }
    for (let i = 0; ; i++) {
      try {
        session = await GeneratorSession.connect({
          host: SPEAKER_ADDRESS,
          port: GOBGP_PORT,
          localAddress: GENERATOR_ADDRESS,
          asn: GENERATOR_AS,
          routerId: '192.0.2.2',
        });
        break;
      } catch (e) {
        if (i > 20) throw e;
        await sleep(200);
      }
    }
    await sleep(200);
    const rss0 = vmRss(pid);
    const t0 = session.send(stream);
    // Asking gobgpd for its counts walks its tables under a lock, so polling the CLI often slows
    // it down more the more routes it holds. Instead its CPU time is sampled (/proc, cheap): once
    // it has been idle for a while the CLI is asked once, and if all N are in, the end is the
    // last sample in which gobgpd was still busy.
    // A CLI call that times out while gobgpd is still digesting just means "not yet".
    const allIn = async () => {
      try {
        return (await accepted()) >= stream.routes;
      } catch {
        return false;
      }
    };
    const doneAt = await waitIdleWith(pid, allIn, () => session?.error);
    const rss = vmRss(pid);
    return { seconds: Number(doneAt - t0) / 1e9, rssPerRoute: (rss - rss0) / stream.routes };
  } finally {
    session?.close();
    if (proc.exitCode === null) {
      const exited = once(proc, 'exit');
      proc.kill('SIGTERM');
      const guard = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(guard);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- main -------------------------------------------------------------------------------------

/** The latest modification time of the files under `dir` whose names end in `ext`. */
function newestMtime(dir: string, ext: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith(ext)) newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

function fmtRate(r: number): string {
  return r >= 1e6 ? `${(r / 1e6).toFixed(2)}M/s` : `${(r / 1e3).toFixed(0)}k/s`;
}

function cells(m: Measured | undefined, n: number): string[] {
  if (m === undefined) return ['-', '-', '-'];
  const rss = m.rssPerRouteAfterGc === undefined ? m.rssPerRoute.toFixed(0) : `${m.rssPerRoute.toFixed(0)} (${m.rssPerRouteAfterGc.toFixed(0)})`;
  return [m.seconds.toFixed(2), fmtRate(n / m.seconds), rss];
}

async function main(): Promise<void> {
  const counts = (arg('--n') ?? '100000,1000000').split(',').map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--n takes positive integers, comma separated');
  const distBuilt = existsSync(join(root, 'packages/bgp/dist/index.js'));
  const stale = distBuilt && newestMtime(join(root, 'packages/bgp/src'), '.ts') > newestMtime(join(root, 'packages/bgp/dist'), '.js');
  if (stale) console.log('packages/bgp/dist is older than its sources: run `npm run build` to measure the compiled path');
  const implArg = arg('--impl') ?? (distBuilt && !stale ? 'dist' : 'src');
  const impls = (implArg === 'both' ? ['dist', 'src'] : [implArg]) as ('dist' | 'src')[];
  if (impls.some((i) => i !== 'dist' && i !== 'src')) throw new Error('--impl is dist, src or both');
  if (impls.includes('dist') && !distBuilt) throw new Error('packages/bgp/dist is missing: run `npm run build` first (or use --impl src)');
  if (!distBuilt && arg('--impl') === undefined) console.log('packages/bgp/dist not built: measuring the TypeScript sources under tsx (`npm run build` for the compiled path)');
  const profileDir = arg('--profile');
  const withSink = process.argv.includes('--sink');
  const withGobgp = !withSink && !process.argv.includes('--no-gobgp') && (await gobgpAvailable());
  if (!withGobgp) console.log('gobgpd: not measured (missing, or --no-gobgp): ours only');

  const rows: string[][] = [];
  for (const n of counts) {
    const stream = buildRouteStream(n, { asn: GENERATOR_AS, nextHop: '2001:db8::2' });
    const mb = (stream.bytes.length / 1e6).toFixed(1);
    console.log(`N=${n}: ${stream.messages} UPDATEs, ${mb} MB`);
    const ours: [string, Measured][] = [];
    for (const impl of impls) {
      const m = await measureOurs(stream, impl, profileDir, withSink);
      console.log(
        `  ours (${impl}): ${m.seconds.toFixed(2)} s (${m.cpuSeconds!.toFixed(2)} s CPU in the speaker process), RSS ${m.rssPerRoute.toFixed(0)} B/route`,
      );
      ours.push([impl, m]);
    }
    let gobgp: Measured | undefined;
    if (withGobgp) {
      gobgp = await measureGobgp(stream);
      console.log(`  gobgpd: ${gobgp.seconds.toFixed(2)} s`);
    }
    for (const [impl, m] of ours) {
      const ratio = gobgp === undefined ? '-' : `${(m.seconds / gobgp.seconds).toFixed(2)}x`;
      rows.push([String(n), impl, ...cells(m, n), ...cells(gobgp, n), ratio]);
    }
  }
  const head = ['N', 'ours', 'ours s', 'ours routes/s', 'ours RSS B/route (after gc)', 'gobgpd s', 'gobgpd routes/s', 'gobgpd RSS B/route', 'time ours/gobgpd'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  console.log('\nIPv6 unicast routes into the Loc-RIB over loopback (time from the first UPDATE byte sent)');
  console.log(head.map((h, i) => h.padStart(widths[i]!)).join('  '));
  for (const r of rows) console.log(r.map((c, i) => c.padStart(widths[i]!)).join('  '));
}

if (process.argv[2] === '--child') {
  speakerChild(Number(process.argv[3])).catch((e: unknown) => {
    process.send?.({ kind: 'failed', error: String(e) });
    process.exit(1);
  });
} else {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}

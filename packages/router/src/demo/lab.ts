/**
 * The demo's sites running: the topology, one evpn6 router per site (config written to a temp
 * dir, control socket beside it), and what the demo and the end-to-end tests do with them — ask
 * a router `show ...`, wait for convergence, make hosts talk, stop and restart a router.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MacVniJson, SummaryJson, VniJson } from '../show/index.js';
import { convergenceProblems, type Expectation, type SiteState } from './checks.js';
import { siteConfig, type SiteConfigOptions } from './config.js';
import { DemoError } from './errors.js';
import { queryJson, queryText } from './query.js';
import { RouterProcess, siteRouterDataplane, type DataplaneKind, type RouterExit } from './routers.js';
import type { CommandResult } from './shell.js';
import { HOST_IF, Topology, UNDERLAY_TAP, type Site, type TopologyOptions } from './topology.js';

export interface AttachSpec {
  readonly name: string;
  readonly address: string;
}

export interface DemoLabOptions extends TopologyOptions, SiteConfigOptions {
  /** Other speakers' namespaces on the carrier, made before the routers start. */
  readonly attach?: readonly AttachSpec[];
  readonly dataplane?: DataplaneKind;
  /** Every line a router prints, with its site. */
  readonly onRouterLine?: (site: Site, line: string) => void;
  /** Extra node flags for every router process (profiling). */
  readonly routerNodeFlags?: readonly string[];
}

export interface WaitOptions extends Partial<Expectation> {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface PingResult {
  readonly from: Site;
  readonly to: Site;
  readonly family: 4 | 6;
  /** ICMP payload bytes with DF set (`ping -M do -s N`); absent: ping's default 56, DF as the kernel likes. */
  readonly size?: number;
  readonly ok: boolean;
  readonly output: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Temp dirs of labs not yet closed, removed at exit whatever ended the process (routers and namespaces have their own hooks). */
const liveDirs = new Set<string>();
let exitHookInstalled = false;

function removeAtExit(dir: string): void {
  liveDirs.add(dir);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const d of liveDirs) rmSync(d, { recursive: true, force: true });
  });
}

function interrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DemoError('ERR_DEMO_INTERRUPTED', 'interrupted');
}

export class DemoLab {
  private readonly routers = new Map<Site, RouterProcess>();
  /** Attached namespaces by the name they were attached with. */
  readonly attached = new Map<string, string>();
  private closed = false;

  private constructor(
    readonly topology: Topology,
    readonly dir: string,
    private readonly options: DemoLabOptions,
  ) {}

  get sites(): readonly Site[] {
    return this.topology.sites;
  }

  /** Builds the topology, writes each site's config and starts every router. */
  static start(options: DemoLabOptions = {}): DemoLab {
    const topology = Topology.build(options);
    const lab = new DemoLab(topology, mkdtempSync(join(tmpdir(), 'evpn6-demo-')), options);
    removeAtExit(lab.dir);
    try {
      for (const a of options.attach ?? []) lab.attached.set(a.name, topology.attach(a.name, a.address));
      for (const site of topology.sites) {
        writeFileSync(lab.configFile(site), siteConfig(site, topology.sites, options));
        lab.startRouter(site);
      }
      return lab;
    } catch (e) {
      void lab.close();
      throw e;
    }
  }

  configFile(site: Site): string {
    return join(this.dir, `${site.name}.conf`);
  }

  /** Each router's control socket: the filesystem is shared by all namespaces, so one path each. */
  socket(site: Site): string {
    return join(this.dir, `${site.name}.sock`);
  }

  router(site: Site): RouterProcess | undefined {
    return this.routers.get(site);
  }

  startRouter(site: Site): RouterProcess {
    const running = this.routers.get(site);
    if (running?.running) return running;
    const onLine = this.options.onRouterLine;
    const r = RouterProcess.start({
      ns: site.routerNs,
      name: site.name,
      configFile: this.configFile(site),
      socket: this.socket(site),
      dataplane: siteRouterDataplane(site, this.options.dataplane),
      ...(onLine !== undefined ? { onLine: (line: string) => onLine(site, line) } : {}),
      ...(this.options.routerNodeFlags !== undefined ? { nodeFlags: this.options.routerNodeFlags } : {}),
    });
    this.routers.set(site, r);
    return r;
  }

  /** Stops the site's router; SIGKILL follows after `graceMs` (a clean stop removing many FDB entries needs longer). */
  async stopRouter(site: Site, signal: NodeJS.Signals = 'SIGTERM', graceMs?: number): Promise<RouterExit | undefined> {
    return this.routers.get(site)?.stop(signal, graceMs);
  }

  show(site: Site, words: readonly string[]): Promise<string> {
    return queryText(this.socket(site), words);
  }

  showJson<T>(site: Site, words: readonly string[]): Promise<T> {
    return queryJson<T>(this.socket(site), words);
  }

  async state(site: Site): Promise<SiteState> {
    const [summary, vnis, macs] = await Promise.all([
      this.showJson<SummaryJson>(site, ['bgp', 'summary']),
      this.showJson<VniJson[]>(site, ['evpn', 'vni', 'detail']),
      this.showJson<MacVniJson[]>(site, ['evpn', 'mac', 'vni', 'all']),
    ]);
    return { summary, vnis, macs };
  }

  /** The host sends one frame (an IPv6 all-nodes echo), so its router's bridge learns its MAC. */
  async poke(site: Site): Promise<void> {
    await this.topology.execAsync(site.hostNs, ['ping', '-6', '-c', '1', '-W', '1', `ff02::1%${HOST_IF}`], 5000);
  }

  private checkRunning(up: readonly Site[]): void {
    for (const site of up) {
      const r = this.routers.get(site);
      if (r !== undefined && !r.running) {
        const how = r.exitStatus?.signal ?? `status ${String(r.exitStatus?.code)}`;
        throw new DemoError('ERR_DEMO_ROUTER_EXIT', `the router of ${site.name} ended (${how}); its last output:\n${r.output()}`);
      }
    }
  }

  /**
   * Polls every running router until convergenceProblems() is empty for all; hosts whose MAC is
   * not yet local are poked. Throws ERR_DEMO_CONVERGENCE listing what was still missing.
   */
  async waitConverged(options: WaitOptions = {}): Promise<void> {
    const up = options.up ?? this.sites;
    const expect: Expectation = { up, ...(options.extraPeers !== undefined ? { extraPeers: options.extraPeers } : {}) };
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    let problems: string[] = ['no router answered yet'];
    for (;;) {
      interrupted(options.signal);
      this.checkRunning(up);
      const round: string[] = [];
      // A DPDK site's TAP exists only once its router runs; it then needs the site's address.
      for (const site of up) {
        if (site.dataplane !== 'dpdk' || this.routers.get(site)?.running !== true) continue;
        try {
          if (!this.topology.prepareTap(site)) round.push(`${site.name}: its forwarder has not made ${UNDERLAY_TAP} yet`);
        } catch (e) {
          round.push(`${site.name}: ${UNDERLAY_TAP}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      await Promise.all(
        up.map(async (site) => {
          try {
            const p = convergenceProblems(site, await this.state(site), expect, this.sites);
            round.push(...p);
            if (p.some((line) => line.includes('its own host'))) await this.poke(site);
          } catch (e) {
            round.push(`${site.name}: ${e instanceof Error ? e.message : String(e)}`);
          }
        }),
      );
      problems = round;
      if (problems.length === 0) return;
      if (Date.now() > deadline) break;
      await sleep(250);
    }
    throw new DemoError('ERR_DEMO_CONVERGENCE', `not converged after ${options.timeoutMs ?? 60_000} ms:\n  ${problems.sort().join('\n  ')}`);
  }

  async ping(from: Site, to: Site, family: 4 | 6, size?: number): Promise<PingResult> {
    const big = size === undefined ? [] : ['-M', 'do', '-s', String(size)];
    const r: CommandResult = await this.topology.execAsync(from.hostNs, ['ping', ...big, '-c', '1', '-w', '5', family === 4 ? to.hostIpv4 : to.hostIpv6], 10_000);
    return { from, to, family, ...(size === undefined ? {} : { size }), ok: r.status === 0, output: (r.stdout + r.stderr).trim() };
  }

  /** Every host to every other host, IPv4 and IPv6, one pair after another (readable output). */
  async pingAll(signal?: AbortSignal): Promise<PingResult[]> {
    const results: PingResult[] = [];
    for (const from of this.sites) {
      for (const to of this.sites) {
        if (to === from) continue;
        for (const family of [4, 6] as const) {
          interrupted(signal);
          results.push(await this.ping(from, to, family));
        }
      }
    }
    return results;
  }

  /** Stops every router cleanly (SIGTERM: Cease, FDB entries removed), deletes the namespaces and the temp dir. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.routers.values()].map((r) => r.stop('SIGTERM')));
    this.topology.teardown();
    rmSync(this.dir, { recursive: true, force: true });
    liveDirs.delete(this.dir);
  }
}

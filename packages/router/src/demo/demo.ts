/**
 * `evpn6 demo`: the seed's three sites in namespaces, three evpn6 routers, convergence, pings
 * between every pair of hosts (IPv4 and IPv6 inside VNI 550), 1500-byte pings with DF set, and
 * each site's `show` outputs; everything torn down at the end, on error and on Ctrl-C / SIGTERM.
 * With `--dataplane dpdk` every site runs the DPDK forwarder on af_packet "NICs" over a routed
 * carrier, and the 1500-byte pings must get through (fragmented on the underlay); on the kernel
 * dataplane they show its limit and do not count as failures.
 */
import { forwarderUnavailable } from '../forwarder/binding.js';
import { DemoError } from './errors.js';
import { DemoLab, type PingResult } from './lab.js';
import type { DataplaneKind } from './routers.js';
import { checkPrivileges } from './shell.js';
import { BIG_PING_SIZE, defaultPrefix, HOST_MTU, type Site } from './topology.js';
/** The fast path's counters the demo prints per DPDK site. */
const FAST_PATH_COUNTERS = ['encapsulated', 'decapsulated', 'fragmentsSent', 'datagramsReassembled', 'reason.vtep-not-allowed'] as const;

export interface DemoOptions {
  /** Keep the sites running after the report, until Ctrl-C / SIGTERM. */
  readonly keep: boolean;
  readonly dataplane: DataplaneKind;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Aborted by Ctrl-C / SIGTERM. */
  readonly signal: AbortSignal;
  readonly convergeTimeoutMs?: number;
}

/** What the demo's result was: 0 all good, 1 convergence or a ping failed, 'interrupted'. */
export type DemoOutcome = 0 | 1 | 'interrupted';

const LEVELS: Readonly<Record<number, string>> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** A pino JSON line as `level message {fields}`, shorter to read beside two other routers'; other lines as they are. */
export function renderLogLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return line;
    record = parsed as Record<string, unknown>;
  } catch {
    return line;
  }
  const { level, msg, time: _time, pid: _pid, hostname: _hostname, ...rest } = record;
  const name = typeof level === 'number' ? (LEVELS[level] ?? String(level)) : String(level ?? '');
  const fields = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  return `${name.padEnd(5)} ${String(msg ?? '')}${fields}`;
}

function pingLine(p: PingResult, failed = 'FAILED'): string {
  const to = p.family === 4 ? p.to.hostIpv4 : p.to.hostIpv6;
  const rtt = /time=([\d.]+ ms)/.exec(p.output)?.[1];
  const size = p.size === undefined ? '' : ` ${p.size + 8 + (p.family === 4 ? 20 : 40)} bytes`;
  return `  ${p.from.name} host → ${p.to.name} host ${to.padEnd(16)}${size} ${p.ok ? `ok   ${rtt ?? ''}` : failed}`;
}

/** The forwarder on DPDK needs the addon (built with DPDK) and ethtool for the veths' offloads. */
function checkFastPath(): void {
  checkPrivileges(['ip', 'ping', 'ethtool']);
  const why = forwarderUnavailable();
  if (why !== null) throw new DemoError('ERR_DEMO_DPDK_UNAVAILABLE', `--dataplane dpdk: ${why}`);
}

/** The show commands printed per site, the seed's three. */
const REPORT: readonly (readonly string[])[] = [
  ['bgp', 'summary'],
  ['evpn', 'vni', 'detail'],
  ['evpn', 'mac', 'vni', 'all'],
];

function waitForAbort(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

export async function runDemoScenario(o: DemoOptions): Promise<DemoOutcome> {
  const fastPath = o.dataplane === 'dpdk';
  if (fastPath) checkFastPath();
  else checkPrivileges();
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  // Router logs go out as they come, except while the report prints (they would cut into it).
  let holding = false;
  const held: string[] = [];
  const routerLine = (site: Site, line: string) => {
    const text = `${site.name} | ${renderLogLine(line)}`;
    if (holding) held.push(text);
    else o.out(text);
  };
  const prefix = defaultPrefix();
  o.out(
    fastPath
      ? `evpn6 demo: building three sites in namespaces ${prefix}* (DPDK forwarders on af_packet enp1s0/enp4s0, TAPs tnp1s0/tnp4s0; a routed carrier, underlay MTU 1500; VNI 550)`
      : `evpn6 demo: building three sites in namespaces ${prefix}* (underlay MTU 1500, VNI 550 on br50)`,
  );
  const lab = DemoLab.start({ prefix, dataplane: o.dataplane, onRouterLine: routerLine });
  try {
    for (const s of lab.sites) o.out(`  ${s.name}: router ${s.routerNs} VTEP ${s.vtep}, host ${s.hostNs} ${s.hostMac} ${s.hostIpv4} ${s.hostIpv6}`);
    o.out('evpn6 demo: routers started, waiting for BGP sessions and MACs');
    try {
      await lab.waitConverged({ signal: o.signal, ...(o.convergeTimeoutMs !== undefined ? { timeoutMs: o.convergeTimeoutMs } : {}) });
    } catch (e) {
      if (e instanceof DemoError && e.code === 'ERR_DEMO_CONVERGENCE') {
        o.err(`evpn6 demo: ${e.message} [${e.code}]`);
        return 1;
      }
      throw e;
    }
    holding = true;
    o.out(`evpn6 demo: converged after ${elapsed()}: every session Established, every host MAC known at every site`);
    o.out('evpn6 demo: pings between the hosts across VNI 550');
    const pings = await lab.pingAll(o.signal);
    for (const p of pings) o.out(pingLine(p));
    o.out(
      fastPath
        ? 'evpn6 demo: 1500-byte packets with DF set (ping -M do -s 1472, -6 -s 1452): 1514-byte frames, the outer packet fragmented to fit the 1500-byte underlay'
        : `evpn6 demo: 1500-byte packets with DF set (ping -M do -s 1472, -6 -s 1452): the kernel's vxlan does not fragment, so its hosts have MTU ${HOST_MTU} and cannot send them (--dataplane dpdk can)`,
    );
    const big: PingResult[] = [];
    // On the kernel dataplane one pair shows the limit; every pair would only repeat it.
    for (const from of fastPath ? lab.sites : lab.sites.slice(0, 1)) {
      for (const to of fastPath ? lab.sites : lab.sites.slice(1, 2)) {
        if (to === from) continue;
        for (const family of [4, 6] as const) {
          if (o.signal.aborted) throw new DemoError('ERR_DEMO_INTERRUPTED', 'interrupted');
          const p = await lab.ping(from, to, family, BIG_PING_SIZE[family]);
          big.push(p);
          o.out(pingLine(p, fastPath ? 'FAILED' : `no (host MTU ${HOST_MTU})`));
        }
      }
    }
    if (fastPath) {
      for (const site of lab.sites) {
        const { counters } = await lab.showJson<{ counters: Record<string, number> }>(site, ['dataplane', 'stats']);
        o.out(`  ${site.name} forwarder: ${FAST_PATH_COUNTERS.map((c) => `${c} ${counters[c] ?? 0}`).join(', ')}`);
      }
    }
    // On the kernel dataplane the big pings only show its limit; on the fast path they must pass.
    const failed = [...pings, ...(fastPath ? big : [])].filter((p) => !p.ok);
    for (const site of lab.sites) {
      for (const words of REPORT) {
        o.out('');
        o.out(`${site.name}# show ${words.join(' ')}`);
        o.out((await lab.show(site, words)).replace(/\n$/, ''));
      }
    }
    o.out('');
    if (failed.length > 0) {
      o.err(`evpn6 demo: ${failed.length} of ${pings.length + (fastPath ? big.length : 0)} pings failed [ERR_DEMO_PING]`);
      for (const p of failed) o.err(`  ${p.from.name} → ${p.to.name} IPv${p.family}${p.size === undefined ? '' : ` -s ${p.size}`}: ${p.output.split('\n').slice(-2).join(' ')}`);
    } else o.out(`evpn6 demo: all ${pings.length + (fastPath ? big.length : 0)} pings answered (${elapsed()})`);
    if (o.keep) {
      o.out('evpn6 demo: --keep: the sites stay up until Ctrl-C. Try:');
      const s = lab.sites[0]!;
      o.out(`  ip netns exec ${s.hostNs} ping ${lab.sites[1]!.hostIpv6}`);
      if (fastPath) {
        o.out(`  ip netns exec ${s.hostNs} ping -M do -s 1472 ${lab.sites[1]!.hostIpv4}`);
        o.out(`  ip netns exec ${lab.topology.carrierNs} tcpdump -n -i ${lab.topology.carrierPort(s.name)} ip6`);
        o.out(`  evpn6 show dataplane stats --socket ${lab.socket(s)}`);
      } else o.out(`  ip netns exec ${s.routerNs} bridge fdb show dev vni550`);
      o.out(`  evpn6 show evpn mac vni all --socket ${lab.socket(s)}`);
      holding = false;
      for (const line of held.splice(0)) o.out(line);
      await waitForAbort(o.signal);
    }
    return failed.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof DemoError && e.code === 'ERR_DEMO_INTERRUPTED') return 'interrupted';
    throw e;
  } finally {
    if (o.signal.aborted) o.out('evpn6 demo: interrupted');
    o.out('evpn6 demo: stopping the routers and deleting the namespaces');
    holding = false;
    for (const line of held.splice(0)) o.out(line);
    await lab.close();
  }
}

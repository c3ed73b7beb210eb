/**
 * The demo's sites (packages/router/src/demo: the same topology, configs and routers `evpn6 demo`
 * runs) as a test fixture, plus what the tests read from the kernel of a site's router.
 */
import { demo, netlink } from '@evpn6/router';
import { requirePrereqs } from './prereq.js';

export type DemoLab = demo.DemoLab;
export type Site = demo.Site;

/**
 * Starts the demo's sites for a suite (call from `before` with `this`): skips with a reason
 * locally, fails under CI, when root, iproute2, ping or the native netlink addon are missing.
 * Namespaces are `$EVPN6_NETNS_PREFIX<pid>-<label>-…` (`e6t` by default).
 */
export function startDemoLab(ctx: Mocha.Context, label: string, options: demo.DemoLabOptions = {}): DemoLab {
  requirePrereqs(ctx, { root: true, binaries: ['ip', 'bridge', 'ping'] });
  const why = netlink.nativeNetlinkUnavailable();
  if (why !== null) throw new Error(`the kernel dataplane needs the native addon: ${why}`);
  return demo.DemoLab.start({ prefix: `${demo.defaultPrefix('e6t')}${label}-`, ...options });
}

export interface FdbEntry {
  readonly mac: string;
  readonly dst?: string;
  readonly flags: readonly string[];
}

/** `bridge -j fdb show dev vni550` in the site's router namespace: the vxlan device's own entries. */
export function vxlanFdb(lab: DemoLab, site: Site): FdbEntry[] {
  return (JSON.parse(lab.topology.exec(site.routerNs, 'bridge', '-j', 'fdb', 'show', 'dev', demo.VXLAN_IF)) as FdbEntry[]).filter((e) => e.dst !== undefined);
}

/** The kernel's flood list of the site: the VTEPs of its all-zero-MAC entries, sorted. */
export function kernelFloodList(lab: DemoLab, site: Site): string[] {
  return vxlanFdb(lab, site)
    .filter((e) => e.mac === '00:00:00:00:00:00')
    .map((e) => e.dst!)
    .sort();
}

/** The remote MACs the kernel holds for the site, as `mac>vtep`, sorted (extern_learn only: ours). */
export function kernelRemoteMacs(lab: DemoLab, site: Site): string[] {
  return vxlanFdb(lab, site)
    .filter((e) => e.mac !== '00:00:00:00:00:00' && e.flags.includes('extern_learn'))
    .map((e) => `${e.mac}>${e.dst!}`)
    .sort();
}

/** What a converged site's kernel holds: every other up site's host MAC and VTEP. */
export function expectedKernel(site: Site, up: readonly Site[]): { flood: string[]; macs: string[] } {
  const others = up.filter((s) => s !== site);
  return { flood: others.map((s) => s.vtep).sort(), macs: others.map((s) => `${s.hostMac}>${s.vtep}`).sort() };
}

/**
 * What "converged" means for the demo's sites, as pure functions of each router's `show ... --json`
 * answers: every session Established, the site's own host MAC local, every other site's host MAC
 * remote behind that site's VTEP, and every other VTEP in the VNI's flood list (HER).
 */
import type { MacVniJson, SummaryJson, VniJson } from '../show/index.js';
import { DEMO_VNI, type Site } from './topology.js';

export interface SiteState {
  readonly summary: SummaryJson;
  readonly vnis: readonly VniJson[];
  readonly macs: readonly MacVniJson[];
}

/** The peers of every family of a summary, by address, with their state. */
export function peerStates(summary: SummaryJson): Map<string, string> {
  const states = new Map<string, string>();
  for (const f of summary.families) for (const p of f.peers) states.set(p.address, p.state);
  return states;
}

/** The MACs a router knows in `vni`, by MAC. */
export function macsOf(state: Pick<SiteState, 'macs'>, vni = DEMO_VNI): Map<string, MacVniJson['macs'][number]> {
  return new Map((state.macs.find((v) => v.vni === vni)?.macs ?? []).map((m) => [m.mac, m]));
}

/** The VTEPs in `vni`'s flood list (HER). */
export function floodVteps(state: Pick<SiteState, 'vnis'>, vni = DEMO_VNI): string[] {
  return (state.vnis.find((v) => v.vni === vni)?.remoteVteps ?? []).filter((r) => r.flood === 'HER').map((r) => r.vtep).sort();
}

export interface Expectation {
  /** Sites whose routers run and must be seen; a stopped site's MAC and VTEP must be absent. */
  readonly up: readonly Site[];
  /** Sessions to other speakers (a GoBGP peer) that must be Established too. */
  readonly extraPeers?: readonly string[];
}

/**
 * What `site`'s router still lacks (or still holds) against `expect`, one line each; empty when
 * converged. Lines name the site, so a timeout says exactly what never happened.
 */
export function convergenceProblems(site: Site, state: SiteState, expect: Expectation, all: readonly Site[]): string[] {
  const problems: string[] = [];
  const states = peerStates(state.summary);
  for (const other of expect.up) {
    if (other === site) continue;
    const s = states.get(other.vtep);
    if (s !== 'Established') problems.push(`${site.name}: session with ${other.name} (${other.vtep}) is ${s ?? 'not configured'}`);
  }
  for (const address of expect.extraPeers ?? []) {
    const s = states.get(address);
    if (s !== 'Established') problems.push(`${site.name}: session with ${address} is ${s ?? 'not configured'}`);
  }
  const macs = macsOf(state);
  const own = macs.get(site.hostMac);
  if (own?.type !== 'local') problems.push(`${site.name}: its own host ${site.hostMac} is ${own === undefined ? 'not learned' : own.type}`);
  const flood = floodVteps(state);
  for (const other of all) {
    if (other === site) continue;
    const m = macs.get(other.hostMac);
    const upNow = expect.up.includes(other);
    if (upNow && (m?.type !== 'remote' || m.remoteVtep !== other.vtep)) {
      problems.push(`${site.name}: ${other.name}'s host ${other.hostMac} is ${m === undefined ? 'unknown' : `${m.type} via ${m.remoteVtep ?? '-'}`}, not remote via ${other.vtep}`);
    }
    if (!upNow && m?.type === 'remote' && m.remoteVtep === other.vtep) problems.push(`${site.name}: ${other.name}'s host ${other.hostMac} is still remote via ${other.vtep}`);
    if (upNow !== flood.includes(other.vtep)) problems.push(`${site.name}: flood list ${upNow ? 'lacks' : 'still holds'} ${other.vtep}`);
  }
  return problems;
}

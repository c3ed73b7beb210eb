import type { PeerFamilyStats, PeerSummary } from '@evpn6/bgp';
import { formatUptime, joinLines, padLeft, padRight } from './format.js';
import type { ShowContext } from './types.js';

/** Families in the order FRR prints their sections; others follow, sorted by name. */
const FAMILY_TITLES: ReadonlyArray<readonly [string, string]> = [
  ['ipv4-unicast', 'IPv4 Unicast'],
  ['ipv6-unicast', 'IPv6 Unicast'],
  ['l2vpn-evpn', 'L2VPN EVPN'],
];

export function familyTitle(family: string): string {
  for (const [name, title] of FAMILY_TITLES) if (name === family) return title;
  return family;
}

/** Families any peer is configured for, in section order. */
export function summaryFamilies(peers: readonly PeerSummary[]): string[] {
  const seen = new Set<string>();
  for (const p of peers) for (const f of p.families) seen.add(f.family);
  const known = FAMILY_TITLES.map(([name]) => name).filter((name) => seen.has(name));
  const others = [...seen].filter((name) => !FAMILY_TITLES.some(([k]) => k === name)).sort();
  return [...known, ...others];
}

export function peerAsOf(peer: PeerSummary, localAs: number): number | undefined {
  if (peer.peerAs !== undefined) return peer.peerAs;
  if (typeof peer.remoteAs === 'number') return peer.remoteAs;
  return peer.remoteAs === 'internal' ? localAs : undefined;
}

/** The Up/Down column: uptime while Established, "never" before the first session. */
export function upDownText(peer: PeerSummary): string {
  if (peer.state !== 'Established' && peer.establishedTransitions === 0) return 'never';
  return formatUptime(peer.uptimeMs);
}

/** The State/PfxRcd column when it holds a state rather than a count. */
function stateText(peer: PeerSummary): string {
  return peer.shutdown ? 'Idle (Admin)' : peer.state;
}

export interface SummaryPeerJson {
  readonly address: string;
  readonly version: 4;
  readonly remoteAs: number | null;
  readonly msgRcvd: number;
  readonly msgSent: number;
  readonly uptimeMs: number;
  readonly upDown: string;
  readonly state: string;
  readonly pfxRcd: number;
  readonly pfxSnt: number;
  readonly description: string | null;
}

export interface SummaryFamilyJson {
  readonly family: string;
  readonly title: string;
  readonly routerId: string;
  readonly localAs: number;
  readonly ribEntries: number;
  readonly peers: readonly SummaryPeerJson[];
  readonly totalPeers: number;
}

export interface SummaryJson {
  readonly families: readonly SummaryFamilyJson[];
}

function familyStats(peer: PeerSummary, family: string): PeerFamilyStats | undefined {
  for (const f of peer.families) if (f.family === family) return f;
  return undefined;
}

export function showBgpSummaryJson(ctx: ShowContext): SummaryJson {
  const families = summaryFamilies(ctx.peers).map((family): SummaryFamilyJson => {
    const peers: SummaryPeerJson[] = [];
    for (const p of ctx.peers) {
      const stats = familyStats(p, family);
      if (stats === undefined) continue;
      peers.push({
        address: p.address,
        version: 4,
        remoteAs: peerAsOf(p, ctx.localAs) ?? null,
        msgRcvd: p.messagesIn.total,
        msgSent: p.messagesOut.total,
        uptimeMs: p.uptimeMs,
        upDown: upDownText(p),
        state: p.state === 'Established' ? 'Established' : stateText(p),
        pfxRcd: stats.accepted,
        pfxSnt: stats.sent,
        description: p.description ?? null,
      });
    }
    return {
      family,
      title: familyTitle(family),
      routerId: ctx.routerId,
      localAs: ctx.localAs,
      ribEntries: ctx.ribEntries?.[family] ?? 0,
      peers,
      totalPeers: peers.length,
    };
  });
  return { families };
}

const SUMMARY_HEADER =
  'Neighbor         V         AS   MsgRcvd   MsgSent   TblVer  InQ OutQ  Up/Down State/PfxRcd   PfxSnt Desc';

function summaryRow(p: SummaryPeerJson): string {
  // FRR puts an address longer than the column on its own line.
  const name = p.address.length > 16 ? `${p.address}\n${' '.repeat(16)}` : padRight(p.address, 16);
  const pfx = p.state === 'Established' ? String(p.pfxRcd) : p.state;
  return (
    `${name} 4 ${padLeft(p.remoteAs === null ? '?' : String(p.remoteAs), 10)}` +
    ` ${padLeft(String(p.msgRcvd), 9)} ${padLeft(String(p.msgSent), 9)} ${padLeft('0', 8)}` +
    ` ${padLeft('0', 4)} ${padLeft('0', 4)} ${padLeft(p.upDown, 8)} ${padLeft(pfx, 12)}` +
    ` ${padLeft(p.state === 'Established' ? String(p.pfxSnt) : '0', 8)} ${p.description ?? 'N/A'}`
  );
}

/**
 * `show bgp summary`: one section per family, as FRR 8.4 prints it. There is no table version
 * or queue here (always 0), and no memory accounting, so those lines show counts only.
 */
export function showBgpSummary(ctx: ShowContext): string {
  const json = showBgpSummaryJson(ctx);
  const lines: string[] = [''];
  if (json.families.length === 0) {
    lines.push('No BGP neighbors found');
    return joinLines(lines);
  }
  json.families.forEach((f, i) => {
    if (i > 0) lines.push('');
    lines.push(`${f.title} Summary (VRF default):`);
    lines.push(`BGP router identifier ${ctx.routerId}, local AS number ${ctx.localAs} vrf-id 0`);
    lines.push('BGP table version 0');
    lines.push(`RIB entries ${f.ribEntries}`);
    lines.push(`Peers ${f.totalPeers}`);
    lines.push('');
    lines.push(SUMMARY_HEADER);
    for (const p of f.peers) lines.push(summaryRow(p));
    lines.push('');
    lines.push(`Total number of neighbors ${f.totalPeers}`);
  });
  return joinLines(lines);
}

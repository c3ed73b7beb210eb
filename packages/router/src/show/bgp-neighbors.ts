import type { DownInfo, MessageCounts, PeerSummary } from '@evpn6/bgp';
import { familyTitle, peerAsOf, upDownText } from './bgp-summary.js';
import { joinLines, padLeft, padRight } from './format.js';
import type { ShowContext, ShowNeighborTimers } from './types.js';

export interface NeighborFamilyJson {
  readonly family: string;
  readonly active: boolean;
  readonly received: number;
  readonly accepted: number;
  readonly stale: number;
  readonly sent: number;
}

export interface NeighborJson {
  readonly address: string;
  readonly description: string | null;
  readonly remoteAs: number | null;
  readonly localAs: number;
  /** 'internal' when the peer is in our AS, 'external' otherwise (or when unknown yet: null). */
  readonly link: 'internal' | 'external' | null;
  readonly remoteRouterId: string | null;
  readonly localRouterId: string;
  readonly state: string;
  readonly shutdown: boolean;
  readonly uptimeMs: number;
  readonly upDown: string;
  readonly timers: ShowNeighborTimers | null;
  readonly messagesIn: MessageCounts;
  readonly messagesOut: MessageCounts;
  readonly families: readonly NeighborFamilyJson[];
  readonly connectionsEstablished: number;
  readonly connectionsDropped: number;
  readonly lastReset: LastResetJson | null;
  readonly localAddress: string | null;
}

export interface LastResetJson {
  readonly kind: string;
  readonly direction: 'sent' | 'received' | null;
  readonly notificationCode: number | null;
  readonly notificationSubcode: number | null;
  readonly notificationName: string | null;
  readonly shutdownMessage: string | null;
  /** The sentence the text form prints. */
  readonly reason: string;
}

const DOWN_KIND_TEXT: Readonly<Record<string, string>> = {
  ManualStop: 'Admin. shutdown',
  AutomaticStop: 'Automatic stop',
  HoldTimerExpired: 'BGP hold timer expired',
  TcpConnectionFails: 'TCP connection failed',
  LocalError: 'Local error',
  PeerNotification: 'NOTIFICATION received',
  CollisionDump: 'Connection collision',
  UnexpectedEvent: 'Unexpected FSM event',
};

function lastResetJson(down: DownInfo): LastResetJson {
  const n = down.notification;
  let reason = DOWN_KIND_TEXT[down.kind] ?? down.kind;
  if (n !== undefined) {
    reason = `NOTIFICATION ${down.direction ?? 'sent'} (${n.name})`;
    if (n.message !== undefined) reason += ` "${n.message}"`;
  }
  return {
    kind: down.kind,
    direction: down.direction ?? null,
    notificationCode: n?.code ?? null,
    notificationSubcode: n?.subcode ?? null,
    notificationName: n?.name ?? null,
    shutdownMessage: n?.message ?? null,
    reason,
  };
}

function neighborJson(ctx: ShowContext, p: PeerSummary): NeighborJson {
  const remoteAs = peerAsOf(p, ctx.localAs) ?? null;
  const link = remoteAs === null ? (p.remoteAs === 'external' ? 'external' : null) : remoteAs === ctx.localAs ? 'internal' : 'external';
  const up = p.state === 'Established' ? 1 : 0;
  return {
    address: p.address,
    description: p.description ?? null,
    remoteAs,
    localAs: ctx.localAs,
    link,
    remoteRouterId: p.peerRouterId ?? null,
    localRouterId: ctx.routerId,
    state: p.state,
    shutdown: p.shutdown,
    uptimeMs: p.uptimeMs,
    upDown: upDownText(p),
    timers: ctx.timers?.get(p.address) ?? null,
    messagesIn: p.messagesIn,
    messagesOut: p.messagesOut,
    families: p.families.map((f) => ({
      family: f.family,
      active: f.active,
      received: f.received,
      accepted: f.accepted,
      stale: f.stale,
      sent: f.sent,
    })),
    connectionsEstablished: p.establishedTransitions,
    connectionsDropped: Math.max(0, p.establishedTransitions - up),
    lastReset: p.lastDown === undefined ? null : lastResetJson(p.lastDown),
    localAddress: p.localAddress ?? null,
  };
}

/** `show bgp neighbors [ADDR] json`: every neighbor, or only `address` (empty when unknown). */
export function showBgpNeighborsJson(ctx: ShowContext, address?: string): NeighborJson[] {
  return ctx.peers.filter((p) => address === undefined || p.address === address).map((p) => neighborJson(ctx, p));
}

const MESSAGE_ROWS: ReadonlyArray<readonly [string, keyof MessageCounts]> = [
  ['Opens:', 'open'],
  ['Notifications:', 'notification'],
  ['Updates:', 'update'],
  ['Keepalives:', 'keepalive'],
  ['Route Refresh:', 'routeRefresh'],
  ['Total:', 'total'],
];

function statRow(label: string, sent: string, rcvd: string): string {
  return `    ${padRight(label, 15)}${padLeft(sent, 10)} ${padLeft(rcvd, 10)}`;
}

function neighborBlock(n: NeighborJson): string[] {
  const lines: string[] = [];
  const asText = n.remoteAs === null ? '?' : String(n.remoteAs);
  lines.push(`BGP neighbor is ${n.address}, remote AS ${asText}, local AS ${n.localAs}, ${n.link ?? 'unknown'} link`);
  if (n.description !== null) lines.push(` Description: ${n.description}`);
  lines.push(`  BGP version 4, remote router ID ${n.remoteRouterId ?? '0.0.0.0'}, local router ID ${n.localRouterId}`);
  const state = n.shutdown ? 'Idle (Admin)' : n.state;
  lines.push(n.state === 'Established' ? `  BGP state = ${state}, up for ${n.upDown}` : `  BGP state = ${state}`);
  if (n.timers !== null) {
    lines.push(`  Hold time is ${n.timers.holdTime}, keepalive interval is ${n.timers.keepalive} seconds`);
    lines.push(
      `  Configured hold time is ${n.timers.configuredHoldTime}, keepalive interval is ${n.timers.configuredKeepalive} seconds`,
    );
  }
  lines.push('  Message statistics:');
  lines.push(statRow('', 'Sent', 'Rcvd'));
  for (const [label, key] of MESSAGE_ROWS) lines.push(statRow(label, String(n.messagesOut[key]), String(n.messagesIn[key])));
  for (const f of n.families) {
    lines.push(` For address family: ${familyTitle(f.family)}${f.active ? '' : ' (not negotiated)'}`);
    lines.push(`  ${f.accepted} accepted prefixes, ${f.received} received, ${f.stale} stale`);
    lines.push(`  ${f.sent} prefixes sent`);
  }
  lines.push(`  Connections established ${n.connectionsEstablished}; dropped ${n.connectionsDropped}`);
  lines.push(n.lastReset === null ? '  Last reset never' : `  Last reset due to ${n.lastReset.reason}`);
  if (n.localAddress !== null) lines.push(`Local host: ${n.localAddress}`);
  return lines;
}

/** `show bgp neighbors [ADDR]`: a compact FRR-like block per neighbor, blank line between. */
export function showBgpNeighbors(ctx: ShowContext, address?: string): string {
  const all = showBgpNeighborsJson(ctx, address);
  if (all.length === 0) return joinLines([address === undefined ? 'No BGP neighbors found' : `% No such neighbor: ${address}`]);
  const lines: string[] = [];
  all.forEach((n, i) => {
    if (i > 0) lines.push('');
    lines.push(...neighborBlock(n));
  });
  return joinLines(lines);
}

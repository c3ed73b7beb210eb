/** Turning NeighborOptions into what a Neighbor runs with, and small helpers for its reports. */
import type { DownReason } from '../fsm/types.js';
import type { FsmConfigInput } from '../fsm/config.js';
import type { PrefixLimit } from '../rib/types.js';
import type { SpeakerCore } from './core.js';
import type { FamilyInfo } from './families.js';
import type { GracefulRestartHelper } from './peer-routes.js';
import type { DownInfo, MaxPrefixOptions, MessageCounts, NeighborOptions } from './types.js';
import { CeaseSubcode, ErrorCode, MessageType } from '../iana.js';
import { formatIp, parseIp } from '../address.js';
import { notificationName } from '../messages/notification-names.js';
import { parseShutdownCommunication } from '../messages/notification.js';
import { resolveFamilies, resolveFamily } from './families.js';

const DEFAULT_RESTART_TIME = 120;
const DEFAULT_STALE_TIME = 360;

/** A PeerRef the neighbor updates from each OPEN; the RIB keeps the same object for the neighbor's life. */
export interface MutablePeerRef {
  id: string;
  address: Uint8Array;
  routerId: number;
  as: number;
  type: 'ibgp' | 'ebgp';
  rrClient: boolean;
}

export interface NeighborSettings {
  readonly address: string;
  readonly families: readonly FamilyInfo[];
  readonly ref: MutablePeerRef;
  readonly fsmConfig: FsmConfigInput;
  /** Max-prefix by familyKey, as the RIB counts it and as the session acts on it. */
  readonly limits: ReadonlyMap<number, PrefixLimit>;
  readonly maxPrefix: ReadonlyMap<number, MaxPrefixOptions>;
  readonly addPathFamilies: ReadonlySet<number>;
  readonly grHelper: GracefulRestartHelper | undefined;
}

/** One spelling per address (compressed lower-case IPv6), the form Node reports for remote addresses. */
export function canonicalAddress(text: string): string {
  return formatIp(parseIp(text));
}

export function neighborSettings(
  core: SpeakerCore,
  opts: NeighborOptions,
  defaults: { families: readonly FamilyInfo[]; timers: FsmConfigInput },
): NeighborSettings {
  const address = canonicalAddress(opts.address);
  const families = opts.families ? resolveFamilies(opts.families, core.registry) : defaults.families;
  const internal = opts.remoteAs === 'internal' || opts.remoteAs === core.asn;
  const ref: MutablePeerRef = {
    id: address,
    address: parseIp(opts.address),
    routerId: 0,
    as: typeof opts.remoteAs === 'number' ? opts.remoteAs : internal ? core.asn : 0,
    type: internal ? 'ibgp' : 'ebgp',
    rrClient: internal && (opts.routeReflectorClient ?? false),
  };
  const fsmConfig: FsmConfigInput = {
    ...defaults.timers,
    ...(opts.holdTime !== undefined ? { holdTime: opts.holdTime } : {}),
    ...(opts.keepalive !== undefined ? { keepaliveTime: opts.keepalive } : {}),
    ...(opts.connectRetry !== undefined ? { connectRetryTime: opts.connectRetry } : {}),
    ...(opts.idleHold !== undefined ? { idleHoldTime: opts.idleHold } : {}),
    ...(opts.idleHoldMax !== undefined ? { idleHoldTimeMax: opts.idleHoldMax } : {}),
    ...(opts.delayOpen !== undefined ? { delayOpen: true, delayOpenTime: opts.delayOpen } : {}),
    passiveOnly: opts.passive ?? false,
  };
  const limits = new Map<number, PrefixLimit>();
  const maxPrefix = new Map<number, MaxPrefixOptions>();
  const mp = opts.maxPrefix;
  const list: readonly MaxPrefixOptions[] =
    mp === undefined ? [] : typeof mp === 'number' ? [{ limit: mp }] : 'limit' in mp ? [mp as MaxPrefixOptions] : (mp as readonly MaxPrefixOptions[]);
  for (const m of list) {
    const fams = m.family === undefined ? families : [resolveFamily(m.family, core.registry)];
    for (const f of fams) {
      maxPrefix.set(f.key, m);
      limits.set(f.key, m.warningPercent === undefined ? { limit: m.limit } : { limit: m.limit, warningPercent: m.warningPercent });
    }
  }
  const ap = opts.addPathReceive;
  const addPathFamilies = new Set(
    ap === undefined || ap === false ? [] : ap === true ? families.map((f) => f.key) : resolveFamilies(ap, core.registry).map((f) => f.key),
  );
  const gr = opts.gracefulRestart ?? true;
  const grHelper =
    gr === false
      ? undefined
      : {
          restartTime: (typeof gr === 'object' ? gr.restartTime : undefined) ?? DEFAULT_RESTART_TIME,
          staleTime: (typeof gr === 'object' ? gr.staleTime : undefined) ?? DEFAULT_STALE_TIME,
        };
  return { address, families, ref, fsmConfig, limits, maxPrefix, addPathFamilies, grHelper };
}

export function zeroCounts(): MessageCounts {
  return { open: 0, update: 0, notification: 0, keepalive: 0, routeRefresh: 0, total: 0 };
}

export function countType(c: MessageCounts, type: number): void {
  c.total++;
  if (type === MessageType.OPEN) c.open++;
  else if (type === MessageType.UPDATE) c.update++;
  else if (type === MessageType.NOTIFICATION) c.notification++;
  else if (type === MessageType.KEEPALIVE) c.keepalive++;
  else if (type === MessageType.ROUTE_REFRESH) c.routeRefresh++;
}

export function formatBgpId(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

/** Why a session went down, for `peerState` events and `peers()`. */
export function downInfo(d: DownReason): DownInfo {
  const n = d.notification;
  if (n === null) return { kind: d.kind };
  const shutdown = n.errorCode === ErrorCode.CEASE && (n.errorSubcode === CeaseSubcode.ADMINISTRATIVE_SHUTDOWN || n.errorSubcode === CeaseSubcode.ADMINISTRATIVE_RESET);
  const message = shutdown ? parseShutdownCommunication(n.data) : undefined;
  return {
    kind: d.kind,
    direction: d.kind === 'PeerNotification' ? 'received' : 'sent',
    notification: {
      code: n.errorCode,
      subcode: n.errorSubcode,
      name: notificationName(n.errorCode, n.errorSubcode),
      ...(message !== undefined ? { message } : {}),
    },
  };
}

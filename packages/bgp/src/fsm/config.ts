import { BgpError } from '../errors.js';
import type { FsmConfig, FsmRunningTimers, FsmState } from './types.js';

/** Stable codes of FsmError. */
export const FsmErrorCode = {
  config: 'ERR_BGP_FSM_CONFIG',
  event: 'ERR_BGP_FSM_EVENT',
  bgpId: 'ERR_BGP_FSM_BGP_ID',
} as const;

/** A bad FSM configuration, an event the FSM does not know, or a BGP Identifier that is not one. */
export class FsmError extends BgpError {
  constructor(code: (typeof FsmErrorCode)[keyof typeof FsmErrorCode], detail: string) {
    super(code, detail);
  }
}

/** RFC 4271 §10 suggestions, DelayOpen and damping off/on as most speakers ship them. */
export const DEFAULT_FSM_CONFIG: FsmConfig = {
  connectRetryTime: 120,
  holdTime: 90,
  keepaliveTime: undefined,
  largeHoldTime: 240,
  delayOpen: false,
  delayOpenTime: 5,
  sendNotificationWithoutOpen: true,
  passiveOnly: false,
  dampPeerOscillations: true,
  idleHoldTime: 1,
  idleHoldTimeMax: 120,
  idleHoldResetTime: 120,
};

export type FsmConfigInput = { readonly [K in keyof FsmConfig]?: FsmConfig[K] };

const NO_TIMERS: FsmRunningTimers = {
  ConnectRetry: false,
  Hold: false,
  Keepalive: false,
  DelayOpen: false,
  IdleHold: false,
  IdleHoldReset: false,
};

function checkSeconds(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new FsmError(FsmErrorCode.config, `${name} must be an integer in ${min}..${max}, got ${v}`);
  }
}

/** Fills in defaults and checks ranges; throws FsmError (ERR_BGP_FSM_CONFIG). */
export function fsmConfig(input: FsmConfigInput = {}): FsmConfig {
  const c: FsmConfig = {
    connectRetryTime: input.connectRetryTime ?? DEFAULT_FSM_CONFIG.connectRetryTime,
    holdTime: input.holdTime ?? DEFAULT_FSM_CONFIG.holdTime,
    keepaliveTime: input.keepaliveTime ?? DEFAULT_FSM_CONFIG.keepaliveTime,
    largeHoldTime: input.largeHoldTime ?? DEFAULT_FSM_CONFIG.largeHoldTime,
    delayOpen: input.delayOpen ?? DEFAULT_FSM_CONFIG.delayOpen,
    delayOpenTime: input.delayOpenTime ?? DEFAULT_FSM_CONFIG.delayOpenTime,
    sendNotificationWithoutOpen: input.sendNotificationWithoutOpen ?? DEFAULT_FSM_CONFIG.sendNotificationWithoutOpen,
    passiveOnly: input.passiveOnly ?? DEFAULT_FSM_CONFIG.passiveOnly,
    dampPeerOscillations: input.dampPeerOscillations ?? DEFAULT_FSM_CONFIG.dampPeerOscillations,
    idleHoldTime: input.idleHoldTime ?? DEFAULT_FSM_CONFIG.idleHoldTime,
    idleHoldTimeMax: input.idleHoldTimeMax ?? DEFAULT_FSM_CONFIG.idleHoldTimeMax,
    idleHoldResetTime: input.idleHoldResetTime ?? DEFAULT_FSM_CONFIG.idleHoldResetTime,
  };
  checkSeconds('connectRetryTime', c.connectRetryTime, 1, 65535);
  if (c.holdTime !== 0) checkSeconds('holdTime', c.holdTime, 3, 65535);
  if (c.keepaliveTime !== undefined) checkSeconds('keepaliveTime', c.keepaliveTime, 1, 21845);
  checkSeconds('largeHoldTime', c.largeHoldTime, 3, 65535);
  // RFC 4271 §8.2.1.3 bounds DelayOpenTime to 0..240 s; 0 would make DelayOpen meaningless.
  checkSeconds('delayOpenTime', c.delayOpenTime, 1, 240);
  checkSeconds('idleHoldTime', c.idleHoldTime, 1, 65535);
  checkSeconds('idleHoldTimeMax', c.idleHoldTimeMax, c.idleHoldTime, 65535);
  checkSeconds('idleHoldResetTime', c.idleHoldResetTime, 1, 65535);
  return c;
}

/** A fresh FSM in Idle. */
export function createFsm(config: FsmConfigInput = {}): FsmState {
  return {
    name: 'Idle',
    config: fsmConfig(config),
    connectRetryCounter: 0,
    passive: false,
    autoRestart: false,
    dampingLevel: 0,
    running: NO_TIMERS,
    connection: null,
    peer: null,
    holdTime: 0,
    keepaliveTime: 0,
    lastDown: null,
  };
}

/** RFC 4271 §4.2: the smaller of the two offers; 0 means no hold timer and no keepalives. */
export function negotiateHoldTime(localHoldTime: number, peerHoldTime: number): number {
  return Math.min(localHoldTime, peerHoldTime);
}

/** A third of the hold time unless a shorter interval is configured; at least 1 s; 0 when hold is 0. */
export function keepaliveInterval(holdTime: number, configured: number | undefined): number {
  if (holdTime === 0) return 0;
  const third = Math.floor(holdTime / 3);
  return Math.max(1, configured === undefined ? third : Math.min(configured, third));
}

/** The IdleHold wait before the next automatic restart at this damping level. */
export function idleHoldSeconds(config: FsmConfig, level: number): number {
  if (!config.dampPeerOscillations) return config.idleHoldTime;
  let s = config.idleHoldTime;
  for (let i = 0; i < level && s < config.idleHoldTimeMax; i++) s *= 2;
  return Math.min(s, config.idleHoldTimeMax);
}

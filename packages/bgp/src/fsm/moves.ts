/**
 * The moves RFC 4271 §8.2.2 repeats across states: starting, sending OPEN, entering OpenConfirm,
 * and every variant of falling back to Idle (with its NOTIFICATION, counter and damping rules).
 */
import { CeaseSubcode, ErrorCode, FsmErrorSubcode, OpenErrorSubcode } from '../iana.js';
import { idleHoldSeconds, keepaliveInterval, negotiateHoldTime } from './config.js';
import type { Step } from './step.js';
import type { DownKind, FsmEvent, FsmEventType, FsmNotification, FsmNotificationInput, FsmResult, OpenSummary } from './types.js';

const NO_DATA = new Uint8Array(0);

function notification(errorCode: number, errorSubcode: number, data: Uint8Array = NO_DATA): FsmNotification {
  return { errorCode, errorSubcode, data };
}

export function fromInput(n: FsmNotificationInput | undefined): FsmNotification | null {
  if (n === undefined) return null;
  return { errorCode: n.errorCode, errorSubcode: n.errorSubcode, data: n.data ?? NO_DATA };
}

export const HOLD_TIMER_EXPIRED = notification(ErrorCode.HOLD_TIMER_EXPIRED, 0);
export const COLLISION = notification(ErrorCode.CEASE, CeaseSubcode.CONNECTION_COLLISION_RESOLUTION);
const VERSION_ERROR = notification(ErrorCode.OPEN_MESSAGE, OpenErrorSubcode.UNSUPPORTED_VERSION);

const isUint32 = (v: number) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff;

/**
 * The caller checks OPENs; this only guards the numbers the FSM computes with, so that a value out
 * of range becomes the NOTIFICATION it deserves instead of a broken state.
 */
export function openProblem(open: OpenSummary): FsmNotification | null {
  const h = open.holdTime;
  if (!Number.isInteger(h) || h < 0 || h > 65535 || h === 1 || h === 2) {
    return notification(ErrorCode.OPEN_MESSAGE, OpenErrorSubcode.UNACCEPTABLE_HOLD_TIME);
  }
  if (!isUint32(open.peerAs)) return notification(ErrorCode.OPEN_MESSAGE, OpenErrorSubcode.BAD_PEER_AS);
  if (!isUint32(open.bgpId)) return notification(ErrorCode.OPEN_MESSAGE, OpenErrorSubcode.BAD_BGP_IDENTIFIER);
  return null;
}

type CounterRule = 'reset' | 'increment' | 'keep';
/** failure: restart after IdleHold if started; manual/automatic: a stop, no restart. */
type RestartRule = 'failure' | 'manualStop' | 'automaticStop';

/**
 * Every fall back to Idle: optional NOTIFICATION, all timers stopped, routes deleted when the
 * session was up, resources released, TCP dropped, and (for failures) the damped restart scheduled.
 */
export function toIdle(
  s: Step,
  kind: DownKind,
  event: FsmEventType,
  toSend: FsmNotification | null,
  received: FsmNotification | null,
  counter: CounterRule,
  restart: RestartRule,
): FsmResult {
  const fromName = s.from.name;
  const config = s.config;
  const openSent = fromName === 'OpenSent' || fromName === 'OpenConfirm' || fromName === 'Established';
  if (toSend !== null && s.connection !== null && (openSent || config.sendNotificationWithoutOpen)) {
    s.emit({ type: 'SendNotification', errorCode: toSend.errorCode, errorSubcode: toSend.errorSubcode, data: toSend.data });
  }
  s.stop('ConnectRetry');
  s.stop('Hold');
  s.stop('Keepalive');
  s.stop('DelayOpen');
  s.stop('IdleHold');
  s.stop('IdleHoldReset');
  const wasEstablished = fromName === 'Established';
  if (wasEstablished) s.emit({ type: 'DeleteRoutes' });
  s.emit({ type: 'ReleaseResources' });
  s.emit({ type: 'CloseTcp' });
  const reason = { kind, event, notification: received ?? toSend };
  if (wasEstablished) s.emit({ type: 'SessionDown', reason });
  s.lastDown = reason;
  s.name = 'Idle';
  s.connection = null;
  s.peer = null;
  s.holdTime = 0;
  s.keepaliveTime = 0;
  if (counter === 'reset') s.connectRetryCounter = 0;
  else if (counter === 'increment') s.connectRetryCounter++;
  if (restart === 'manualStop') {
    s.autoRestart = false;
  } else if (restart === 'automaticStop') {
    s.autoRestart = false;
    raiseDamping(s);
  } else if (s.autoRestart) {
    s.start('IdleHold', idleHoldSeconds(config, s.dampingLevel));
    raiseDamping(s);
  }
  return s.finish();
}

function raiseDamping(s: Step): void {
  // Stop counting once the wait reached its cap, so the level stays small and meaningful.
  if (s.config.dampPeerOscillations && idleHoldSeconds(s.config, s.dampingLevel) < s.config.idleHoldTimeMax) {
    s.dampingLevel++;
  }
}

export function failure(s: Step, kind: DownKind, event: FsmEventType, toSend: FsmNotification | null, counter: CounterRule = 'increment') {
  return toIdle(s, kind, event, toSend, null, counter, 'failure');
}

export function peerNotification(s: Step, event: FsmEventType, received: FsmNotification | null, counter: CounterRule) {
  return toIdle(s, 'PeerNotification', event, null, received ?? VERSION_ERROR, counter, 'failure');
}

export function stopEvent(s: Step, ev: Extract<FsmEvent, { type: 'ManualStop' | 'AutomaticStop' }>): FsmResult {
  const manual = ev.type === 'ManualStop';
  const subcode = ev.subcode ?? (manual ? CeaseSubcode.ADMINISTRATIVE_SHUTDOWN : 0);
  const cease = notification(ErrorCode.CEASE, subcode, ev.data ?? NO_DATA);
  return toIdle(s, ev.type, ev.type, cease, null, manual ? 'reset' : 'increment', manual ? 'manualStop' : 'automaticStop');
}

/** RFC 6608: FSM Error with the subcode naming the state the unexpected message arrived in. */
export function unexpectedMessage(s: Step, event: FsmEventType): FsmResult {
  const name = s.from.name;
  const subcode =
    name === 'OpenSent'
      ? FsmErrorSubcode.UNEXPECTED_IN_OPENSENT
      : name === 'OpenConfirm'
        ? FsmErrorSubcode.UNEXPECTED_IN_OPENCONFIRM
        : name === 'Established'
          ? FsmErrorSubcode.UNEXPECTED_IN_ESTABLISHED
          : FsmErrorSubcode.UNSPECIFIED;
  return failure(s, 'LocalError', event, notification(ErrorCode.FSM, subcode));
}

/** Idle → Connect (initiate TCP) or Active (listen first). */
export function begin(s: Step, passive: boolean, resetCounter: boolean): FsmResult {
  s.stop('IdleHold');
  s.emit({ type: 'InitializeResources' });
  if (resetCounter) s.connectRetryCounter = 0;
  s.start('ConnectRetry', s.config.connectRetryTime);
  s.passive = passive;
  s.autoRestart = true;
  if (passive || s.config.passiveOnly) {
    s.name = 'Active';
  } else {
    s.emit({ type: 'OpenTcp' });
    s.name = 'Connect';
  }
  return s.finish();
}

export function sendOpen(s: Step): FsmResult {
  s.emit({ type: 'SendOpen' });
  s.start('Hold', s.config.largeHoldTime);
  s.name = 'OpenSent';
  return s.finish();
}

function negotiate(s: Step, open: OpenSummary): void {
  s.peer = open;
  s.holdTime = negotiateHoldTime(s.config.holdTime, open.holdTime);
  s.keepaliveTime = keepaliveInterval(s.holdTime, s.config.keepaliveTime);
}

/** Both ways into OpenConfirm end alike: KEEPALIVE sent, and hold/keepalive timers per the negotiation. */
export function enterOpenConfirm(s: Step, open: OpenSummary): FsmResult {
  negotiate(s, open);
  s.emit({ type: 'SendKeepalive' });
  if (s.holdTime > 0) {
    s.start('Keepalive', s.keepaliveTime);
    s.start('Hold', s.holdTime);
  } else {
    s.stop('Keepalive');
    s.stop('Hold');
  }
  s.name = 'OpenConfirm';
  return s.finish();
}

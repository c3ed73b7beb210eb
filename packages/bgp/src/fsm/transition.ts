/**
 * The BGP FSM of RFC 4271 §8.2.2 as a pure function. Per-connection model: one FSM drives one TCP
 * connection; when a second connection to the same peer appears, the session runs a second FSM,
 * resolves the collision with resolveCollision() and feeds OpenCollisionDump to the loser. So TCP
 * events for a second connection, and an OPEN in OpenConfirm, are not this FSM's collision to solve.
 *
 * Where this pins down or departs from the RFC text:
 * - Timer expiries for timers this FSM did not start (or already stopped) are stale and ignored,
 *   instead of counting as "any other event".
 * - Falling to Idle stops every timer; no ConnectRetryTimer keeps running in Idle.
 * - After a failure the FSM restarts itself: it starts the IdleHoldTimer (1 s doubling to a cap,
 *   RFC 4271 §8.1.1 DampPeerOscillations) and restarts when it expires, so a broken peer never
 *   causes a tight reconnect loop. ManualStop and AutomaticStop end the restarts; an automatic
 *   start waits for a pending IdleHoldTimer, a manual start does not.
 * - ManualStop and AutomaticStop send Cease wherever a connection exists (in Connect/Active only
 *   during DelayOpen, and only with SendNOTIFICATIONwithoutOPEN, which defaults to on).
 * - A received NOTIFICATION is never answered with one (RFC 4271 lists event 25 among the events
 *   that send an FSM Error in OpenSent; the connection is closing anyway).
 * - Unexpected messages are answered with FSM Error and the RFC 6608 subcode of the state; an OPEN
 *   on a connection that already had one (OpenConfirm, Established) is such a message. A header
 *   error in Established sends the header error of RFC 4271 §6.1, not an FSM Error.
 */
import { FsmError, FsmErrorCode } from './config.js';
import {
  begin,
  COLLISION,
  enterOpenConfirm,
  failure,
  fromInput,
  HOLD_TIMER_EXPIRED,
  openProblem,
  peerNotification,
  sendOpen,
  stopEvent,
  unexpectedMessage,
} from './moves.js';
import { Step, unchanged } from './step.js';
import type { FsmAction, FsmEvent, FsmResult, FsmState } from './types.js';
import { FSM_EVENT_NUMBER } from './types.js';

const KNOWN_EVENTS: ReadonlySet<string> = new Set<string>([
  ...Object.keys(FSM_EVENT_NUMBER),
  'IdleHoldResetTimer_Expires',
  'RouteRefreshMsg',
  'UpdateMsgSent',
]);

function idle(state: FsmState, ev: FsmEvent): FsmResult {
  switch (ev.type) {
    case 'ManualStart':
      return begin(new Step(state), false, true);
    case 'ManualStart_with_PassiveTcpEstablishment':
      return begin(new Step(state), true, true);
    case 'AutomaticStart':
    case 'AutomaticStart_with_DampPeerOscillations':
    case 'AutomaticStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment':
      // An automatic start while damped waits for the IdleHoldTimer; a manual one does not.
      if (state.running.IdleHold) return unchanged(state);
      return begin(new Step(state), ev.type.endsWith('PassiveTcpEstablishment'), true);
    case 'IdleHoldTimer_Expires': {
      if (!state.running.IdleHold) return unchanged(state);
      const s = new Step(state);
      s.expired('IdleHold');
      return begin(s, state.passive, false);
    }
    case 'ManualStop':
    case 'AutomaticStop': {
      // RFC 4271 ignores stops in Idle; here they also cancel a pending damped restart.
      if (!state.autoRestart && !state.running.IdleHold) return unchanged(state);
      const s = new Step(state);
      s.stop('IdleHold');
      s.autoRestart = false;
      return s.finish();
    }
    default:
      return unchanged(state);
  }
}

/** Connect and Active differ in three events only; the rest of RFC 4271 §8.2.2 treats them alike. */
function connectOrActive(state: FsmState, ev: FsmEvent): FsmResult {
  const inConnect = state.name === 'Connect';
  switch (ev.type) {
    case 'ManualStart':
    case 'AutomaticStart':
    case 'ManualStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_DampPeerOscillations':
    case 'AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment':
    case 'TcpConnection_Valid':
    case 'Tcp_CR_Invalid':
    case 'HoldTimer_Expires':
    case 'KeepaliveTimer_Expires':
    case 'IdleHoldTimer_Expires':
    case 'IdleHoldResetTimer_Expires':
    case 'UpdateMsgSent':
      // Stale timers (none of these run in Connect/Active) and starts are ignored.
      return unchanged(state);
    case 'ManualStop':
    case 'AutomaticStop':
      return stopEvent(new Step(state), ev);
    case 'ConnectRetryTimer_Expires': {
      if (!state.running.ConnectRetry) return unchanged(state);
      const s = new Step(state);
      s.expired('ConnectRetry');
      if (inConnect) {
        s.emit({ type: 'CloseTcp' });
        s.start('ConnectRetry', s.config.connectRetryTime);
        s.stop('DelayOpen');
        s.emit({ type: 'OpenTcp' });
        return s.finish();
      }
      s.start('ConnectRetry', s.config.connectRetryTime);
      if (s.config.passiveOnly) return s.finish();
      s.emit({ type: 'OpenTcp' });
      s.name = 'Connect';
      return s.finish();
    }
    case 'DelayOpenTimer_Expires': {
      if (!state.running.DelayOpen) return unchanged(state);
      const s = new Step(state);
      s.expired('DelayOpen');
      s.stop('ConnectRetry');
      return sendOpen(s);
    }
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed': {
      // A second connection while this one is up belongs to another FSM (collision handling).
      if (state.connection !== null) return unchanged(state);
      const s = new Step(state);
      s.connection = ev.type === 'Tcp_CR_Acked' ? 'local' : 'remote';
      s.stop('ConnectRetry');
      if (s.config.delayOpen) {
        s.start('DelayOpen', s.config.delayOpenTime);
        return s.finish();
      }
      return sendOpen(s);
    }
    case 'TcpConnectionFails': {
      const s = new Step(state);
      if (inConnect && state.running.DelayOpen) {
        s.stop('DelayOpen');
        s.emit({ type: 'CloseTcp' });
        s.connection = null;
        s.start('ConnectRetry', s.config.connectRetryTime);
        s.name = 'Active';
        return s.finish();
      }
      // RFC 4271: a failed attempt from Connect does not count; a failure in Active does.
      return failure(s, 'TcpConnectionFails', ev.type, null, inConnect ? 'keep' : 'increment');
    }
    case 'BGPOpen':
    case 'BGPOpen_with_DelayOpenTimer_running': {
      const s = new Step(state);
      if (!state.running.DelayOpen) return failure(s, 'UnexpectedEvent', ev.type, null);
      const problem = openProblem(ev.open);
      if (problem !== null) return failure(s, 'LocalError', ev.type, problem);
      s.stop('ConnectRetry');
      s.stop('DelayOpen');
      s.emit({ type: 'SendOpen' });
      return enterOpenConfirm(s, ev.open);
    }
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr':
      return failure(new Step(state), 'LocalError', ev.type, fromInput(ev.notification));
    case 'NotifMsgVerErr':
      return peerNotification(new Step(state), ev.type, fromInput(ev.notification), state.running.DelayOpen ? 'keep' : 'increment');
    case 'NotifMsg':
      return peerNotification(new Step(state), ev.type, fromInput(ev.notification), 'increment');
    case 'OpenCollisionDump':
    case 'KeepAliveMsg':
    case 'UpdateMsg':
    case 'UpdateMsgErr':
    case 'RouteRefreshMsg':
      return failure(new Step(state), 'UnexpectedEvent', ev.type, null);
  }
}

/**
 * Events that OpenSent, OpenConfirm and Established answer alike: a stop sends Cease, an
 * expired hold timer sends 4/0, a lost collision sends 6/7. Undefined for every other event.
 */
function onceConnected(state: FsmState, ev: FsmEvent): FsmResult | undefined {
  switch (ev.type) {
    case 'ManualStop':
    case 'AutomaticStop':
      return stopEvent(new Step(state), ev);
    case 'HoldTimer_Expires': {
      if (!state.running.Hold) return unchanged(state);
      const s = new Step(state);
      s.expired('Hold');
      return failure(s, 'HoldTimerExpired', ev.type, HOLD_TIMER_EXPIRED);
    }
    case 'OpenCollisionDump':
      return failure(new Step(state), 'CollisionDump', ev.type, COLLISION);
    default:
      return undefined;
  }
}

function openSent(state: FsmState, ev: FsmEvent): FsmResult {
  const shared = onceConnected(state, ev);
  if (shared) return shared;
  switch (ev.type) {
    case 'TcpConnectionFails': {
      const s = new Step(state);
      s.stop('Hold');
      s.emit({ type: 'CloseTcp' });
      s.connection = null;
      s.start('ConnectRetry', s.config.connectRetryTime);
      s.name = 'Active';
      return s.finish();
    }
    case 'BGPOpen':
    case 'BGPOpen_with_DelayOpenTimer_running': {
      const s = new Step(state);
      const problem = openProblem(ev.open);
      if (problem !== null) return failure(s, 'LocalError', ev.type, problem);
      s.stop('DelayOpen');
      s.stop('ConnectRetry');
      return enterOpenConfirm(s, ev.open);
    }
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr':
      return failure(new Step(state), 'LocalError', ev.type, fromInput(ev.notification));
    case 'NotifMsgVerErr':
      return peerNotification(new Step(state), ev.type, fromInput(ev.notification), 'keep');
    case 'NotifMsg':
      return peerNotification(new Step(state), ev.type, fromInput(ev.notification), 'increment');
    case 'KeepAliveMsg':
    case 'UpdateMsg':
    case 'UpdateMsgErr':
    case 'RouteRefreshMsg':
      return unexpectedMessage(new Step(state), ev.type);
    default:
      return unchanged(state);
  }
}

function openConfirm(state: FsmState, ev: FsmEvent): FsmResult {
  const shared = onceConnected(state, ev);
  if (shared) return shared;
  switch (ev.type) {
    case 'KeepaliveTimer_Expires': {
      if (!state.running.Keepalive) return unchanged(state);
      const s = new Step(state);
      s.emit({ type: 'SendKeepalive' });
      s.start('Keepalive', state.keepaliveTime);
      return s.finish();
    }
    case 'TcpConnectionFails':
      return failure(new Step(state), 'TcpConnectionFails', ev.type, null);
    case 'NotifMsgVerErr':
      return peerNotification(new Step(state), ev.type, fromInput(ev.notification), 'keep');
    case 'NotifMsg':
      return peerNotification(new Step(state), ev.type, fromInput(ev.notification), 'increment');
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr':
      return failure(new Step(state), 'LocalError', ev.type, fromInput(ev.notification));
    case 'KeepAliveMsg': {
      const s = new Step(state);
      if (state.holdTime > 0) s.start('Hold', state.holdTime);
      if (state.dampingLevel > 0) s.start('IdleHoldReset', s.config.idleHoldResetTime);
      s.name = 'Established';
      s.emit({ type: 'SessionEstablished', peer: state.peer!, holdTime: state.holdTime, keepaliveTime: state.keepaliveTime });
      return s.finish();
    }
    // The peer already sent its OPEN on this connection: a second one is unexpected.
    case 'BGPOpen':
    case 'BGPOpen_with_DelayOpenTimer_running':
    case 'UpdateMsg':
    case 'UpdateMsgErr':
    case 'RouteRefreshMsg':
      return unexpectedMessage(new Step(state), ev.type);
    default:
      return unchanged(state);
  }
}

/**
 * Restarts the hold timer after a message from the peer; the state does not change. This is the
 * per-UPDATE path, so it builds the actions directly instead of a Step.
 */
function heardFromPeer(state: FsmState, first: 'ProcessUpdate' | 'ProcessRouteRefresh' | null): FsmResult {
  const actions: FsmAction[] = [];
  if (first !== null) actions.push({ type: first });
  if (state.holdTime > 0) actions.push({ type: 'StartTimer', timer: 'Hold', seconds: state.holdTime });
  return { state, actions };
}

function established(state: FsmState, ev: FsmEvent): FsmResult {
  const shared = onceConnected(state, ev);
  if (shared) return shared;
  switch (ev.type) {
    case 'KeepaliveTimer_Expires': {
      if (!state.running.Keepalive) return unchanged(state);
      return { state, actions: [{ type: 'SendKeepalive' }, { type: 'StartTimer', timer: 'Keepalive', seconds: state.keepaliveTime }] };
    }
    case 'UpdateMsgSent': {
      if (!state.running.Keepalive) return unchanged(state);
      return { state, actions: [{ type: 'StartTimer', timer: 'Keepalive', seconds: state.keepaliveTime }] };
    }
    case 'IdleHoldResetTimer_Expires': {
      if (!state.running.IdleHoldReset) return unchanged(state);
      const s = new Step(state);
      s.expired('IdleHoldReset');
      s.dampingLevel = 0;
      return s.finish();
    }
    case 'TcpConnectionFails':
      return failure(new Step(state), 'TcpConnectionFails', ev.type, null);
    case 'NotifMsgVerErr':
    case 'NotifMsg':
      return peerNotification(new Step(state), ev.type, fromInput(ev.notification), 'increment');
    case 'KeepAliveMsg':
      return heardFromPeer(state, null);
    case 'UpdateMsg':
      return heardFromPeer(state, 'ProcessUpdate');
    case 'RouteRefreshMsg':
      return heardFromPeer(state, 'ProcessRouteRefresh');
    case 'UpdateMsgErr':
    case 'BGPHeaderErr':
      return failure(new Step(state), 'LocalError', ev.type, fromInput(ev.notification));
    case 'BGPOpen':
    case 'BGPOpen_with_DelayOpenTimer_running':
    case 'BGPOpenMsgErr':
      return unexpectedMessage(new Step(state), ev.type);
    default:
      return unchanged(state);
  }
}

/**
 * One step of the FSM. Never mutates `state`; returns the next state (the same object when nothing
 * changed) and the actions the session must carry out, in order. Throws FsmError
 * (ERR_BGP_FSM_EVENT) only for an event type it does not know.
 */
export function transition(state: FsmState, event: FsmEvent): FsmResult {
  if (!KNOWN_EVENTS.has(event.type)) {
    throw new FsmError(FsmErrorCode.event, `unknown FSM event ${String(event.type)}`);
  }
  switch (state.name) {
    case 'Idle':
      return idle(state, event);
    case 'Connect':
    case 'Active':
      return connectOrActive(state, event);
    case 'OpenSent':
      return openSent(state, event);
    case 'OpenConfirm':
      return openConfirm(state, event);
    case 'Established':
      return established(state, event);
  }
}

/** Feeds events in order; returns the final state and every action, for replays and tests. */
export function runFsm(state: FsmState, events: readonly FsmEvent[]): FsmResult {
  const actions: FsmAction[] = [];
  let current = state;
  for (const ev of events) {
    const r = transition(current, ev);
    current = r.state;
    actions.push(...r.actions);
  }
  return { state: current, actions };
}

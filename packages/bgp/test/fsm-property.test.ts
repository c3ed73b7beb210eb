/**
 * Property tests for the BGP FSM: random configurations and random event sequences, checked after
 * every step for well-formed state, a session-side mirror of the timers that agrees with the FSM,
 * and actions that only appear where they make sense.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { createFsm, idleHoldSeconds, transition, FSM_TIMERS } from '../src/index.js';
import type { FsmAction, FsmConfigInput, FsmEvent, FsmSimpleEventType, FsmState, FsmTimer } from '../src/index.js';

const SIMPLE_EVENTS: FsmSimpleEventType[] = [
  'ManualStart',
  'AutomaticStart',
  'ManualStart_with_PassiveTcpEstablishment',
  'AutomaticStart_with_PassiveTcpEstablishment',
  'AutomaticStart_with_DampPeerOscillations',
  'AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment',
  'ConnectRetryTimer_Expires',
  'HoldTimer_Expires',
  'KeepaliveTimer_Expires',
  'DelayOpenTimer_Expires',
  'IdleHoldTimer_Expires',
  'IdleHoldResetTimer_Expires',
  'TcpConnection_Valid',
  'Tcp_CR_Invalid',
  'Tcp_CR_Acked',
  'TcpConnectionConfirmed',
  'TcpConnectionFails',
  'OpenCollisionDump',
  'KeepAliveMsg',
  'UpdateMsg',
  'RouteRefreshMsg',
  'UpdateMsgSent',
];

const EXPIRY: Partial<Record<FsmEvent['type'], FsmTimer>> = {
  ConnectRetryTimer_Expires: 'ConnectRetry',
  HoldTimer_Expires: 'Hold',
  KeepaliveTimer_Expires: 'Keepalive',
  DelayOpenTimer_Expires: 'DelayOpen',
  IdleHoldTimer_Expires: 'IdleHold',
  IdleHoldResetTimer_Expires: 'IdleHoldReset',
};

const notificationArb = fc.record(
  { errorCode: fc.integer({ min: 0, max: 255 }), errorSubcode: fc.integer({ min: 0, max: 255 }), data: fc.uint8Array({ maxLength: 4 }) },
  { requiredKeys: ['errorCode', 'errorSubcode'] },
);

const openArb = fc.record({
  peerAs: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(-1, 2 ** 32, 0.5)),
  holdTime: fc.oneof(fc.constantFrom(0, 1, 2, 3, 9, 90, 240, 65535, 65536, -3, 4.5), fc.integer({ min: 0, max: 65535 })),
  bgpId: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.constant(2 ** 32)),
});

const eventArb: fc.Arbitrary<FsmEvent> = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(...SIMPLE_EVENTS).map((type): FsmEvent => ({ type })) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('ManualStop' as const), subcode: fc.integer({ min: 0, max: 10 }) }, { requiredKeys: ['type'] }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('AutomaticStop' as const), subcode: fc.integer({ min: 0, max: 10 }) }, { requiredKeys: ['type'] }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constantFrom('BGPOpen' as const, 'BGPOpen_with_DelayOpenTimer_running' as const), open: openArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constantFrom('BGPHeaderErr' as const, 'BGPOpenMsgErr' as const, 'NotifMsg' as const, 'UpdateMsgErr' as const),
      notification: notificationArb,
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('NotifMsgVerErr' as const), notification: notificationArb }, { requiredKeys: ['type'] }) },
);

const GOOD_OPEN: FsmEvent = { type: 'BGPOpen', open: { peerAs: 65002, holdTime: 90, bgpId: 0xc0000202 } };

/**
 * Random events mixed with runs that make progress (restart, connect, OPEN, KEEPALIVE), so that
 * long multi-step stories (fail, back off, come up, fail again) happen often, not by luck.
 */
const sequenceArb = (maxChunks: number): fc.Arbitrary<FsmEvent[]> =>
  fc
    .array(
      fc.oneof(
        { weight: 6, arbitrary: eventArb.map((e) => [e]) },
        {
          weight: 1,
          arbitrary: fc.constantFrom<FsmEvent[]>(
            [{ type: 'IdleHoldTimer_Expires' }],
            [{ type: 'Tcp_CR_Acked' }, { type: 'DelayOpenTimer_Expires' }, GOOD_OPEN, { type: 'KeepAliveMsg' }],
            [{ type: 'TcpConnectionConfirmed' }, GOOD_OPEN, { type: 'KeepAliveMsg' }],
            [{ type: 'IdleHoldResetTimer_Expires' }],
          ),
        },
      ),
      { maxLength: maxChunks },
    )
    .map((chunks) => chunks.flat());

const configArb: fc.Arbitrary<FsmConfigInput> = fc.record({
  holdTime: fc.constantFrom(0, 3, 9, 90),
  keepaliveTime: fc.constantFrom(undefined, 1, 10, 60),
  delayOpen: fc.boolean(),
  sendNotificationWithoutOpen: fc.boolean(),
  passiveOnly: fc.boolean(),
  dampPeerOscillations: fc.boolean(),
  idleHoldTime: fc.constantFrom(1, 2, 5),
  idleHoldTimeMax: fc.constantFrom(5, 60, 120),
});

/** A prefix that reaches the later states often, so random tails start from every state. */
const HAPPY_PATH: FsmEvent[] = [
  { type: 'ManualStart' },
  { type: 'Tcp_CR_Acked' },
  { type: 'DelayOpenTimer_Expires' },
  GOOD_OPEN,
  { type: 'KeepAliveMsg' },
];
const prefixArb: fc.Arbitrary<FsmEvent[]> = fc.integer({ min: 0, max: HAPPY_PATH.length }).map((n) => HAPPY_PATH.slice(0, n));

function wellFormed(s: FsmState): string | null {
  const r = s.running;
  const c = s.config;
  if (!Number.isInteger(s.connectRetryCounter) || s.connectRetryCounter < 0) return 'counter';
  if (!Number.isInteger(s.dampingLevel) || s.dampingLevel < 0 || s.dampingLevel > 64) return 'damping level';
  if (idleHoldSeconds(c, s.dampingLevel) > c.idleHoldTimeMax) return 'idle hold over cap';
  const connected = s.connection !== null;
  switch (s.name) {
    case 'Idle':
      if (r.ConnectRetry || r.Hold || r.Keepalive || r.DelayOpen || r.IdleHoldReset) return 'timer running in Idle';
      if (r.IdleHold !== s.autoRestart) return 'IdleHold runs exactly when a restart is pending';
      if (connected || s.peer !== null || s.holdTime !== 0) return 'Idle keeps a connection';
      return null;
    case 'Connect':
    case 'Active': {
      if (r.Hold || r.Keepalive || r.IdleHold || r.IdleHoldReset) return `timer running in ${s.name}`;
      const waiting = r.ConnectRetry && !connected && !r.DelayOpen;
      const delaying = r.DelayOpen && connected && !r.ConnectRetry;
      if (!waiting && !delaying) return `${s.name}: neither waiting for TCP nor delaying OPEN`;
      if (s.name === 'Connect' && c.passiveOnly) return 'passiveOnly in Connect';
      if (s.peer !== null || !s.autoRestart) return `${s.name} state facts`;
      return null;
    }
    case 'OpenSent':
      if (!r.Hold || r.ConnectRetry || r.Keepalive || r.DelayOpen || r.IdleHold || r.IdleHoldReset) return 'OpenSent timers';
      if (!connected || s.peer !== null) return 'OpenSent facts';
      return null;
    case 'OpenConfirm':
    case 'Established': {
      if (r.ConnectRetry || r.DelayOpen || r.IdleHold) return `${s.name} timers`;
      if (r.IdleHoldReset && s.name !== 'Established') return 'IdleHoldReset outside Established';
      if (!connected || s.peer === null) return `${s.name} facts`;
      if (r.Hold !== s.holdTime > 0 || r.Keepalive !== s.holdTime > 0) return 'hold/keepalive timers vs negotiated hold';
      if (s.holdTime > c.holdTime || s.holdTime > s.peer.holdTime) return 'hold time above an offer';
      if (s.holdTime > 0 && (s.keepaliveTime < 1 || s.keepaliveTime > s.holdTime / 3)) return 'keepalive out of range';
      if (s.holdTime === 0 && s.keepaliveTime !== 0) return 'keepalive without hold';
      return null;
    }
  }
}

/** Where each action may appear, judged by the states before and after the step. */
function misplaced(a: FsmAction, before: FsmState, after: FsmState): boolean {
  switch (a.type) {
    case 'SendKeepalive':
      return after.name !== 'OpenConfirm' && after.name !== 'Established';
    case 'ProcessUpdate':
    case 'ProcessRouteRefresh':
      return before.name !== 'Established' || after.name !== 'Established';
    case 'SendNotification':
      return before.connection === null;
    case 'SendOpen':
      return after.connection === null || (after.name !== 'OpenSent' && after.name !== 'OpenConfirm');
    case 'OpenTcp':
      return after.name !== 'Connect';
    case 'SessionEstablished':
      return before.name !== 'OpenConfirm' || after.name !== 'Established';
    case 'SessionDown':
    case 'DeleteRoutes':
      return before.name !== 'Established' || after.name !== 'Idle';
    case 'InitializeResources':
      return before.name !== 'Idle';
    case 'StartTimer':
      return !Number.isInteger(a.seconds) || a.seconds < 1;
    default:
      return false;
  }
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v) && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

describe('BGP FSM properties', () => {
  it('random events from any state: no throw, well-formed state, timers mirrored, actions in place', () => {
    fc.assert(
      fc.property(configArb, prefixArb, sequenceArb(80), (config, prefix, events) => {
        let s = deepFreeze(createFsm(config));
        const mirror = new Set<FsmTimer>();
        for (const ev of [...prefix, ...events]) {
          // A frozen input proves the FSM never mutates the state it is given.
          const r = transition(s, ev);
          const expired = EXPIRY[ev.type];
          if (expired !== undefined) mirror.delete(expired);
          for (const a of r.actions) {
            if (misplaced(a, s, r.state)) throw new Error(`${a.type} from ${s.name} to ${r.state.name} on ${ev.type}`);
            if (a.type === 'StartTimer') mirror.add(a.timer);
            else if (a.type === 'StopTimer') {
              if (!mirror.has(a.timer)) throw new Error(`StopTimer ${a.timer} that was not running`);
              mirror.delete(a.timer);
            }
          }
          const problem = wellFormed(r.state);
          if (problem !== null) throw new Error(`${problem} after ${ev.type}: ${JSON.stringify(r.state)}`);
          for (const t of FSM_TIMERS) {
            if (mirror.has(t) !== r.state.running[t]) throw new Error(`timer ${t} mirror disagrees after ${ev.type} in ${s.name}`);
          }
          s = deepFreeze(r.state);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('every state is reached by the random sequences', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(configArb, prefixArb, sequenceArb(40), (config, prefix, events) => {
        let s = createFsm(config);
        for (const ev of [...prefix, ...events]) {
          s = transition(s, ev).state;
          seen.add(s.name);
        }
      }),
      { numRuns: 500, seed: 42 },
    );
    expect([...seen].sort()).to.deep.equal(['Active', 'Connect', 'Established', 'Idle', 'OpenConfirm', 'OpenSent']);
  });
});

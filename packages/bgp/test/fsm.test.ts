/**
 * Replay tests for the BGP FSM: a starting state (reached by driving a fresh FSM with real events),
 * events in, the exact actions out and the facts of the final state. Error paths: fsm-errors.test.ts.
 */
import { expect } from 'chai';
import { createFsm, runFsm, transition } from '../src/index.js';
import type { FsmAction, FsmConfigInput, FsmEvent, FsmState, FsmStateName } from '../src/index.js';
import {
  bgpOpen, CLOSE_TCP, ev, expectUnchanged, INIT, notifMsg, notify, OPEN, OPEN_TCP, PROCESS_UPDATE, reach, RELEASE, replay,
  SEND_KEEPALIVE, SEND_OPEN, start, stop,
} from './support/fsm.js';

describe('BGP FSM: main paths', () => {
  it('normal active open, then traffic in Established', () => {
    const steps: Array<[FsmEvent, FsmAction[], FsmStateName]> = [
      [ev('ManualStart'), [INIT, start('ConnectRetry', 120), OPEN_TCP], 'Connect'],
      [ev('Tcp_CR_Acked'), [stop('ConnectRetry'), SEND_OPEN, start('Hold', 240)], 'OpenSent'],
      [bgpOpen(), [SEND_KEEPALIVE, start('Keepalive', 30), start('Hold', 90)], 'OpenConfirm'],
      [ev('KeepAliveMsg'), [start('Hold', 90), { type: 'SessionEstablished', peer: OPEN, holdTime: 90, keepaliveTime: 30 }], 'Established'],
      [ev('UpdateMsg'), [PROCESS_UPDATE, start('Hold', 90)], 'Established'],
      [ev('KeepaliveTimer_Expires'), [SEND_KEEPALIVE, start('Keepalive', 30)], 'Established'],
      [ev('KeepAliveMsg'), [start('Hold', 90)], 'Established'],
      [ev('RouteRefreshMsg'), [{ type: 'ProcessRouteRefresh' }, start('Hold', 90)], 'Established'],
      [ev('UpdateMsgSent'), [start('Keepalive', 30)], 'Established'],
    ];
    let s = createFsm();
    for (const [event, actions, name] of steps) {
      const r = transition(s, event);
      expect(r.actions, event.type).to.deep.equal(actions);
      expect(r.state.name, event.type).to.equal(name);
      s = r.state;
    }
    expect(s.connection).to.equal('local');
    expect(s.peer).to.deep.equal(OPEN);
    expect(s.running).to.deep.equal({
      ConnectRetry: false,
      Hold: true,
      Keepalive: true,
      DelayOpen: false,
      IdleHold: false,
      IdleHoldReset: false,
    });
  });

  it('does not mutate the state it is given, and returns the same object when nothing changes', () => {
    const s = reach('Established');
    const snapshot = JSON.stringify(s);
    const r = transition(s, ev('UpdateMsg'));
    expect(r.state).to.equal(s);
    transition(s, ev('HoldTimer_Expires'));
    expect(JSON.stringify(s)).to.equal(snapshot);
  });

  replay([
    {
      name: 'passive open: Active, incoming connection, OPEN sent',
      from: createFsm(),
      events: [ev('ManualStart_with_PassiveTcpEstablishment'), ev('TcpConnectionConfirmed')],
      actions: [INIT, start('ConnectRetry', 120), stop('ConnectRetry'), SEND_OPEN, start('Hold', 240)],
      state: 'OpenSent',
      check: (s) => {
        expect(s.connection).to.equal('remote');
        expect(s.passive).to.equal(true);
      },
    },
    {
      name: 'passive start connects out when the ConnectRetryTimer expires (RFC 4271)',
      from: reach('Active'),
      events: [ev('ConnectRetryTimer_Expires')],
      actions: [start('ConnectRetry', 120), OPEN_TCP],
      state: 'Connect',
    },
    {
      name: 'passiveOnly never connects out',
      from: reach('Connect', { passiveOnly: true }),
      events: [ev('ConnectRetryTimer_Expires')],
      actions: [start('ConnectRetry', 120)],
      state: 'Active',
    },
    {
      name: 'OpenConfirm: the KeepaliveTimer sends KEEPALIVE while waiting for the peer',
      from: reach('OpenConfirm'),
      events: [ev('KeepaliveTimer_Expires')],
      actions: [SEND_KEEPALIVE, start('Keepalive', 30)],
      state: 'OpenConfirm',
    },
    {
      name: 'Idle: AutomaticStop cancels a pending damped restart',
      from: reach('OpenSent', {}, [ev('TcpConnectionFails'), ev('TcpConnectionFails')]),
      events: [ev('AutomaticStop')],
      actions: [stop('IdleHold')],
      state: 'Idle',
      check: (s) => expect(s.autoRestart).to.equal(false),
    },
    {
      name: 'Connect: ConnectRetryTimer expiry abandons the attempt and tries again',
      from: reach('Connect'),
      events: [ev('ConnectRetryTimer_Expires')],
      actions: [CLOSE_TCP, start('ConnectRetry', 120), OPEN_TCP],
      state: 'Connect',
    },
  ]);
});

describe('BGP FSM: DelayOpen', () => {
  const delayed = { delayOpen: true, delayOpenTime: 5 };
  replay([
    {
      name: 'Connect: TCP up starts the DelayOpenTimer instead of sending OPEN',
      from: reach('Connect', delayed),
      events: [ev('Tcp_CR_Acked')],
      actions: [stop('ConnectRetry'), start('DelayOpen', 5)],
      state: 'Connect',
      check: (s) => expect(s.connection).to.equal('local'),
    },
    {
      name: 'Connect: DelayOpenTimer expiry sends OPEN with the large hold time',
      from: reach('Connect', delayed, [ev('Tcp_CR_Acked')]),
      events: [ev('DelayOpenTimer_Expires')],
      actions: [SEND_OPEN, start('Hold', 240)],
      state: 'OpenSent',
    },
    {
      name: 'Connect: the peer OPEN while delaying goes straight to OpenConfirm',
      from: reach('Connect', delayed, [ev('Tcp_CR_Acked')]),
      events: [bgpOpen()],
      actions: [stop('DelayOpen'), SEND_OPEN, SEND_KEEPALIVE, start('Keepalive', 30), start('Hold', 90)],
      state: 'OpenConfirm',
    },
    {
      name: 'Active: incoming connection, then BGPOpen with DelayOpenTimer running',
      from: reach('Active', delayed),
      events: [ev('TcpConnectionConfirmed'), { type: 'BGPOpen_with_DelayOpenTimer_running', open: OPEN }],
      actions: [
        stop('ConnectRetry'),
        start('DelayOpen', 5),
        stop('DelayOpen'),
        SEND_OPEN,
        SEND_KEEPALIVE,
        start('Keepalive', 30),
        start('Hold', 90),
      ],
      state: 'OpenConfirm',
    },
    {
      name: 'Active: DelayOpenTimer expiry sends OPEN',
      from: reach('Active', delayed, [ev('TcpConnectionConfirmed')]),
      events: [ev('DelayOpenTimer_Expires')],
      actions: [SEND_OPEN, start('Hold', 240)],
      state: 'OpenSent',
    },
    {
      name: 'Connect: TCP failure while delaying falls back to Active and keeps listening',
      from: reach('Connect', delayed, [ev('Tcp_CR_Acked')]),
      events: [ev('TcpConnectionFails')],
      actions: [stop('DelayOpen'), CLOSE_TCP, start('ConnectRetry', 120)],
      state: 'Active',
      check: (s) => {
        expect(s.connection).to.equal(null);
        expect(s.connectRetryCounter).to.equal(0);
      },
    },
    {
      name: 'Active: TCP failure while delaying goes to Idle and counts',
      from: reach('Active', delayed, [ev('TcpConnectionConfirmed')]),
      events: [ev('TcpConnectionFails')],
      actions: [stop('DelayOpen'), RELEASE, CLOSE_TCP, start('IdleHold', 1)],
      state: 'Idle',
      check: (s) => expect(s.connectRetryCounter).to.equal(1),
    },
    {
      name: 'Connect: version NOTIFICATION while delaying does not count',
      from: reach('Connect', delayed, [ev('Tcp_CR_Acked')]),
      events: [{ type: 'NotifMsgVerErr', notification: { errorCode: 2, errorSubcode: 1 } }],
      actions: [stop('DelayOpen'), RELEASE, CLOSE_TCP, start('IdleHold', 1)],
      state: 'Idle',
      check: (s) => {
        expect(s.connectRetryCounter).to.equal(0);
        expect(s.lastDown?.kind).to.equal('PeerNotification');
      },
    },
    {
      name: 'Connect: version NOTIFICATION without DelayOpen counts',
      from: reach('Connect'),
      events: [{ type: 'NotifMsgVerErr' }],
      actions: [stop('ConnectRetry'), RELEASE, CLOSE_TCP, start('IdleHold', 1)],
      state: 'Idle',
      check: (s) => expect(s.connectRetryCounter).to.equal(1),
    },
    {
      name: 'Connect: an OPEN error while delaying is answered (SendNOTIFICATIONwithoutOPEN)',
      from: reach('Connect', delayed, [ev('Tcp_CR_Acked')]),
      events: [{ type: 'BGPOpenMsgErr', notification: { errorCode: 2, errorSubcode: 2 } }],
      actions: [notify(2, 2), stop('DelayOpen'), RELEASE, CLOSE_TCP, start('IdleHold', 1)],
      state: 'Idle',
    },
    {
      name: 'Connect: without SendNOTIFICATIONwithoutOPEN the OPEN error goes unanswered',
      from: reach('Connect', { ...delayed, sendNotificationWithoutOpen: false }, [ev('Tcp_CR_Acked')]),
      events: [{ type: 'BGPHeaderErr', notification: { errorCode: 1, errorSubcode: 2 } }],
      actions: [stop('DelayOpen'), RELEASE, CLOSE_TCP, start('IdleHold', 1)],
      state: 'Idle',
      check: (s) => expect(s.lastDown?.notification?.errorSubcode).to.equal(2),
    },
    {
      name: 'Connect: an OPEN without DelayOpen running is an unexpected event',
      from: reach('Connect'),
      events: [bgpOpen()],
      actions: [stop('ConnectRetry'), RELEASE, CLOSE_TCP, start('IdleHold', 1)],
      state: 'Idle',
      check: (s) => {
        expect(s.lastDown?.kind).to.equal('UnexpectedEvent');
        expect(s.connectRetryCounter).to.equal(1);
      },
    },
  ]);
});

describe('BGP FSM: hold time negotiation', () => {
  it('peer hold time 0: no hold or keepalive timer, established without them', () => {
    const r = runFsm(reach('OpenSent'), [bgpOpen({ ...OPEN, holdTime: 0 }), ev('KeepAliveMsg'), ev('UpdateMsg'), ev('KeepAliveMsg')]);
    expect(r.actions).to.deep.equal([
      SEND_KEEPALIVE,
      stop('Hold'),
      { type: 'SessionEstablished', peer: { ...OPEN, holdTime: 0 }, holdTime: 0, keepaliveTime: 0 },
      PROCESS_UPDATE,
    ]);
    expect(r.state.running.Hold).to.equal(false);
    expect(r.state.running.Keepalive).to.equal(false);
    expectUnchanged(r.state, ev('KeepaliveTimer_Expires'));
    expectUnchanged(r.state, ev('UpdateMsgSent'));
  });

  it('uses the smaller hold time and a third of it, or a shorter configured keepalive', () => {
    let r = transition(reach('OpenSent', { holdTime: 30 }), bgpOpen());
    expect(r.actions).to.deep.equal([SEND_KEEPALIVE, start('Keepalive', 10), start('Hold', 30)]);
    r = transition(reach('OpenSent', { keepaliveTime: 60 }), bgpOpen({ ...OPEN, holdTime: 9 }));
    expect(r.actions).to.deep.equal([SEND_KEEPALIVE, start('Keepalive', 3), start('Hold', 9)]);
    r = transition(reach('OpenSent', { keepaliveTime: 5 }), bgpOpen());
    expect(r.actions).to.deep.equal([SEND_KEEPALIVE, start('Keepalive', 5), start('Hold', 90)]);
    r = transition(reach('OpenSent', { holdTime: 0 }), bgpOpen());
    expect(r.state.holdTime).to.equal(0);
  });
});

describe('BGP FSM: damped restarts (IdleHold)', () => {
  /** Fails the connect attempt `n` times in a row and returns the IdleHold waits that were asked for. */
  function failRepeatedly(config: FsmConfigInput, n: number): { waits: number[]; state: FsmState } {
    let s = transition(createFsm(config), ev('ManualStart')).state;
    const waits: number[] = [];
    for (let i = 0; i < n; i++) {
      const down = transition(s, ev('TcpConnectionFails'));
      const idleHold = down.actions.find((a) => a.type === 'StartTimer' && a.timer === 'IdleHold');
      waits.push(idleHold?.type === 'StartTimer' ? idleHold.seconds : -1);
      const up = transition(down.state, ev('IdleHoldTimer_Expires'));
      // The damped restart is automatic: the counter is not reset as a Start event would.
      expect(up.actions).to.deep.equal([INIT, start('ConnectRetry', 120), OPEN_TCP]);
      s = up.state;
    }
    return { waits, state: s };
  }

  it('doubles from 1 s up to the cap and stays there', () => {
    const { waits, state } = failRepeatedly({ idleHoldTime: 1, idleHoldTimeMax: 8 }, 7);
    expect(waits).to.deep.equal([1, 2, 4, 8, 8, 8, 8]);
    expect(state.dampingLevel).to.equal(3);
  });

  it('with the default cap of 120 s', () => {
    expect(failRepeatedly({}, 9).waits).to.deep.equal([1, 2, 4, 8, 16, 32, 64, 120, 120]);
  });

  it('without DampPeerOscillations waits the same every time', () => {
    expect(failRepeatedly({ dampPeerOscillations: false, idleHoldTime: 5 }, 4).waits).to.deep.equal([5, 5, 5, 5]);
  });

  it('restarts passively when started passively', () => {
    const down = reach('Active', {}, [ev('TcpConnectionFails')]);
    expect(transition(down, ev('IdleHoldTimer_Expires')).actions).to.deep.equal([INIT, start('ConnectRetry', 120)]);
    expect(transition(down, ev('IdleHoldTimer_Expires')).state.name).to.equal('Active');
  });

  it('an automatic start waits for the IdleHoldTimer; a manual start does not', () => {
    const pending = reach('OpenSent', {}, [ev('HoldTimer_Expires')]);
    expectUnchanged(pending, ev('AutomaticStart'));
    expectUnchanged(pending, ev('AutomaticStart_with_DampPeerOscillations'));
    const r = transition(pending, ev('ManualStart'));
    expect(r.actions).to.deep.equal([stop('IdleHold'), INIT, start('ConnectRetry', 120), OPEN_TCP]);
    expect(r.state.connectRetryCounter).to.equal(0);
  });

  it('a session that stays up resets the level; one that drops early keeps growing it', () => {
    const { state: retrying } = failRepeatedly({}, 3);
    expect(retrying.dampingLevel).to.equal(3);
    const up = runFsm(retrying, [ev('Tcp_CR_Acked'), bgpOpen(), ev('KeepAliveMsg')]);
    expect(up.actions).to.deep.include(start('IdleHoldReset', 120));

    const early = runFsm(up.state, [notifMsg(6, 2)]);
    expect(early.actions).to.deep.include(stop('IdleHoldReset'));
    expect(early.actions).to.deep.include(start('IdleHold', 8));
    expect(early.state.dampingLevel).to.equal(4);

    const stable = runFsm(up.state, [ev('IdleHoldResetTimer_Expires'), notifMsg(6, 2)]);
    expect(stable.actions).to.deep.include(start('IdleHold', 1));
    expect(stable.state.dampingLevel).to.equal(1);
  });

  it('AutomaticStop: Cease with the given subcode, no restart, damping raised', () => {
    const r = transition(reach('Established'), { type: 'AutomaticStop', subcode: 1 });
    expect(r.actions[0]).to.deep.equal(notify(6, 1));
    expect(r.actions.some((a) => a.type === 'StartTimer')).to.equal(false);
    expect(r.state.autoRestart).to.equal(false);
    expect(r.state.connectRetryCounter).to.equal(1);
    expect(r.state.dampingLevel).to.equal(1);
    expect(transition(r.state, ev('AutomaticStart')).state.name).to.equal('Connect');
  });
});

/**
 * Replay tests for the BGP FSM's ways down: hold timer expiry, NOTIFICATION received, ManualStop,
 * TCP failure and unexpected messages, in each state.
 */
import { expect } from 'chai';
import { createFsm, transition, FsmErrorCode } from '../src/index.js';
import type { FsmAction, FsmEvent, FsmState, FsmStateName } from '../src/index.js';
import { expectTypedError } from './support/vectors.js';
import {
  bgpOpen, CLOSE_TCP, DELETE_ROUTES, ev, expectUnchanged, NO_DATA, notifMsg, notify, OPEN, reach, RELEASE, replay, start, stop,
} from './support/fsm.js';

describe('BGP FSM: hold timer expiry in each state', () => {
  for (const name of ['Idle', 'Connect', 'Active'] as const) {
    it(`${name}: a hold timer that is not running is stale and ignored`, () => {
      expectUnchanged(reach(name), ev('HoldTimer_Expires'));
    });
  }
  const hte = notify(4, 0);
  replay([
    {
      name: 'OpenSent: NOTIFICATION 4/0, Idle, damped restart',
      from: reach('OpenSent'),
      events: [ev('HoldTimer_Expires')],
      actions: [hte, RELEASE, CLOSE_TCP, start('IdleHold', 1)],
      state: 'Idle',
      check: (s) => {
        expect(s.connectRetryCounter).to.equal(1);
        expect(s.lastDown?.kind).to.equal('HoldTimerExpired');
      },
    },
    {
      name: 'OpenConfirm: NOTIFICATION 4/0',
      from: reach('OpenConfirm'),
      events: [ev('HoldTimer_Expires')],
      actions: [hte, stop('Keepalive'), RELEASE, CLOSE_TCP, start('IdleHold', 1)],
      state: 'Idle',
    },
    {
      name: 'Established: NOTIFICATION 4/0, routes deleted, SessionDown',
      from: reach('Established'),
      events: [ev('HoldTimer_Expires')],
      actions: [
        hte,
        stop('Keepalive'),
        DELETE_ROUTES,
        RELEASE,
        CLOSE_TCP,
        {
          type: 'SessionDown',
          reason: { kind: 'HoldTimerExpired', event: 'HoldTimer_Expires', notification: { errorCode: 4, errorSubcode: 0, data: NO_DATA } },
        },
        start('IdleHold', 1),
      ],
      state: 'Idle',
    },
  ]);
});

describe('BGP FSM: NOTIFICATION received in each state', () => {
  it('Idle: ignored', () => expectUnchanged(reach('Idle'), notifMsg(6, 4)));
  const tail = [RELEASE, CLOSE_TCP, start('IdleHold', 1)];
  const cases: Array<[FsmStateName, FsmAction[]]> = [
    ['Connect', [stop('ConnectRetry'), ...tail]],
    ['Active', [stop('ConnectRetry'), ...tail]],
    ['OpenSent', [stop('Hold'), ...tail]],
    ['OpenConfirm', [stop('Hold'), stop('Keepalive'), ...tail]],
    [
      'Established',
      [
        stop('Hold'),
        stop('Keepalive'),
        DELETE_ROUTES,
        RELEASE,
        CLOSE_TCP,
        {
          type: 'SessionDown',
          reason: { kind: 'PeerNotification', event: 'NotifMsg', notification: { errorCode: 6, errorSubcode: 4, data: NO_DATA } },
        },
        start('IdleHold', 1),
      ],
    ],
  ];
  replay(
    cases.map(([name, actions]) => ({
      name: `${name}: closes without answering, counts the failure`,
      from: reach(name),
      events: [notifMsg(6, 4)],
      actions,
      state: 'Idle' as const,
      check: (s: FsmState) => {
        expect(s.connectRetryCounter).to.equal(1);
        expect(s.lastDown).to.deep.equal({
          kind: 'PeerNotification',
          event: 'NotifMsg',
          notification: { errorCode: 6, errorSubcode: 4, data: NO_DATA },
        });
      },
    })),
  );
});

describe('BGP FSM: ManualStop in each state', () => {
  it('Idle: ignored', () => expectUnchanged(reach('Idle'), ev('ManualStop')));
  const tail = [RELEASE, CLOSE_TCP];
  const cease = notify(6, 2);
  const cases: Array<[string, FsmState, FsmAction[]]> = [
    ['Connect', reach('Connect'), [stop('ConnectRetry'), ...tail]],
    ['Active', reach('Active'), [stop('ConnectRetry'), ...tail]],
    ['Connect with a delayed connection', reach('Connect', { delayOpen: true }, [ev('Tcp_CR_Acked')]), [cease, stop('DelayOpen'), ...tail]],
    ['Active with a delayed connection', reach('Active', { delayOpen: true }, [ev('TcpConnectionConfirmed')]), [cease, stop('DelayOpen'), ...tail]],
    ['OpenSent', reach('OpenSent'), [cease, stop('Hold'), ...tail]],
    ['OpenConfirm', reach('OpenConfirm'), [cease, stop('Hold'), stop('Keepalive'), ...tail]],
    [
      'Established',
      reach('Established'),
      [
        cease,
        stop('Hold'),
        stop('Keepalive'),
        DELETE_ROUTES,
        RELEASE,
        CLOSE_TCP,
        {
          type: 'SessionDown',
          reason: { kind: 'ManualStop', event: 'ManualStop', notification: { errorCode: 6, errorSubcode: 2, data: NO_DATA } },
        },
      ],
    ],
  ];
  replay(
    cases.map(([name, from, actions]) => ({
      name: `${name}: ${actions[0] === cease ? 'Cease 6/2, ' : ''}Idle, no restart, counter reset`,
      from,
      events: [ev('ManualStop')],
      actions,
      state: 'Idle' as const,
      check: (s: FsmState) => {
        expect(s.connectRetryCounter).to.equal(0);
        expect(s.autoRestart).to.equal(false);
        expect(s.running.IdleHold).to.equal(false);
      },
    })),
  );

  it('resets a ConnectRetryCounter raised by earlier failures', () => {
    const failed = reach('OpenSent', {}, [ev('HoldTimer_Expires'), ev('IdleHoldTimer_Expires'), ev('Tcp_CR_Acked')]);
    expect(failed.connectRetryCounter).to.equal(1);
    expect(transition(failed, ev('ManualStop')).state.connectRetryCounter).to.equal(0);
  });

  it('carries a shutdown communication and another Cease subcode', () => {
    const msg = new TextEncoder().encode('maintenance');
    const r = transition(reach('Established'), { type: 'ManualStop', subcode: 4, data: msg });
    expect(r.actions[0]).to.deep.equal(notify(6, 4, msg));
  });

  it('in Idle cancels a pending damped restart', () => {
    const pending = reach('OpenSent', {}, [ev('HoldTimer_Expires')]);
    expect(pending.running.IdleHold).to.equal(true);
    const r = transition(pending, ev('ManualStop'));
    expect(r.actions).to.deep.equal([stop('IdleHold')]);
    expect(r.state.autoRestart).to.equal(false);
    expectUnchanged(r.state, ev('IdleHoldTimer_Expires'));
  });

  it('without SendNOTIFICATIONwithoutOPEN a delayed connection is closed silently', () => {
    const from = reach('Connect', { delayOpen: true, sendNotificationWithoutOpen: false }, [ev('Tcp_CR_Acked')]);
    expect(transition(from, ev('ManualStop')).actions).to.deep.equal([stop('DelayOpen'), RELEASE, CLOSE_TCP]);
  });
});

describe('BGP FSM: TCP failure', () => {
  replay([
    {
      name: 'Connect: failed attempt goes to Idle without counting',
      from: reach('Connect'),
      events: [ev('TcpConnectionFails')],
      actions: [stop('ConnectRetry'), RELEASE, CLOSE_TCP, start('IdleHold', 1)],
      state: 'Idle',
      check: (s) => expect(s.connectRetryCounter).to.equal(0),
    },
    {
      name: 'Active: Idle, counted',
      from: reach('Active'),
      events: [ev('TcpConnectionFails')],
      actions: [stop('ConnectRetry'), RELEASE, CLOSE_TCP, start('IdleHold', 1)],
      state: 'Idle',
      check: (s) => expect(s.connectRetryCounter).to.equal(1),
    },
    {
      name: 'OpenSent: back to Active, listening, ConnectRetryTimer restarted',
      from: reach('OpenSent'),
      events: [ev('TcpConnectionFails')],
      actions: [stop('Hold'), CLOSE_TCP, start('ConnectRetry', 120)],
      state: 'Active',
      check: (s) => {
        expect(s.connection).to.equal(null);
        expect(s.connectRetryCounter).to.equal(0);
      },
    },
    {
      name: 'OpenConfirm: Idle, counted',
      from: reach('OpenConfirm'),
      events: [ev('TcpConnectionFails')],
      actions: [stop('Hold'), stop('Keepalive'), RELEASE, CLOSE_TCP, start('IdleHold', 1)],
      state: 'Idle',
      check: (s) => expect(s.connectRetryCounter).to.equal(1),
    },
  ]);
  it('Established: routes deleted and SessionDown with the TCP reason', () => {
    const r = transition(reach('Established'), ev('TcpConnectionFails'));
    expect(r.actions.map((a) => a.type)).to.deep.equal([
      'StopTimer',
      'StopTimer',
      'DeleteRoutes',
      'ReleaseResources',
      'CloseTcp',
      'SessionDown',
      'StartTimer',
    ]);
    expect(r.actions[5]).to.deep.equal({
      type: 'SessionDown',
      reason: { kind: 'TcpConnectionFails', event: 'TcpConnectionFails', notification: null },
    });
  });
  for (const name of ['OpenSent', 'OpenConfirm', 'Established'] as const) {
    it(`${name}: a second connection's TCP events are left to another FSM`, () => {
      const s = reach(name);
      for (const t of ['TcpConnection_Valid', 'Tcp_CR_Invalid', 'Tcp_CR_Acked', 'TcpConnectionConfirmed'] as const) {
        expectUnchanged(s, ev(t));
      }
    });
  }
});

describe('BGP FSM: unexpected messages and errors', () => {
  const fsmError = (state: FsmStateName, event: FsmEvent, subcode: number) => {
    it(`${state}: ${event.type} -> FSM Error 5/${subcode}`, () => {
      const r = transition(reach(state), event);
      expect(r.actions[0]).to.deep.equal(notify(5, subcode));
      expect(r.state.name).to.equal('Idle');
      expect(r.state.connectRetryCounter).to.equal(1);
      expect(r.state.lastDown?.kind).to.equal('LocalError');
    });
  };
  fsmError('OpenSent', ev('KeepAliveMsg'), 1);
  fsmError('OpenSent', ev('UpdateMsg'), 1);
  fsmError('OpenSent', ev('RouteRefreshMsg'), 1);
  fsmError('OpenSent', { type: 'UpdateMsgErr', notification: { errorCode: 3, errorSubcode: 1 } }, 1);
  fsmError('OpenConfirm', ev('UpdateMsg'), 2);
  fsmError('OpenConfirm', ev('RouteRefreshMsg'), 2);
  fsmError('OpenConfirm', bgpOpen(), 2);
  fsmError('Established', bgpOpen(), 3);
  fsmError('Established', { type: 'BGPOpenMsgErr', notification: { errorCode: 2, errorSubcode: 2 } }, 3);

  for (const name of ['Connect', 'Active'] as const) {
    it(`${name}: an unexpected message drops the attempt without a NOTIFICATION`, () => {
      const r = transition(reach(name), ev('KeepAliveMsg'));
      expect(r.actions).to.deep.equal([stop('ConnectRetry'), RELEASE, CLOSE_TCP, start('IdleHold', 1)]);
      expect(r.state.lastDown?.kind).to.equal('UnexpectedEvent');
    });
  }

  const passThrough: Array<[FsmStateName, FsmEvent, [number, number]]> = [
    ['OpenSent', { type: 'BGPOpenMsgErr', notification: { errorCode: 2, errorSubcode: 2 } }, [2, 2]],
    ['OpenSent', { type: 'BGPHeaderErr', notification: { errorCode: 1, errorSubcode: 1 } }, [1, 1]],
    ['OpenConfirm', { type: 'BGPOpenMsgErr', notification: { errorCode: 2, errorSubcode: 7 } }, [2, 7]],
    ['Established', { type: 'BGPHeaderErr', notification: { errorCode: 1, errorSubcode: 2 } }, [1, 2]],
    ['Established', { type: 'UpdateMsgErr', notification: { errorCode: 3, errorSubcode: 1 } }, [3, 1]],
  ];
  for (const [name, event, [code, sub]] of passThrough) {
    it(`${name}: ${event.type} sends the caller's NOTIFICATION ${code}/${sub}`, () => {
      const r = transition(reach(name), event);
      expect(r.actions[0]).to.deep.equal(notify(code, sub));
      expect(r.state.name).to.equal('Idle');
      expect(r.state.connectRetryCounter).to.equal(1);
    });
  }

  for (const name of ['OpenSent', 'OpenConfirm', 'Established'] as const) {
    it(`${name}: OpenCollisionDump sends Cease 6/7`, () => {
      const r = transition(reach(name), ev('OpenCollisionDump'));
      expect(r.actions[0]).to.deep.equal(notify(6, 7));
      expect(r.state.lastDown?.kind).to.equal('CollisionDump');
    });
  }

  it('an OPEN with hold time 1 or 2 becomes NOTIFICATION 2/6 even if the caller let it through', () => {
    for (const holdTime of [1, 2, -1, 70000, 1.5]) {
      const r = transition(reach('OpenSent'), bgpOpen({ ...OPEN, holdTime }));
      expect(r.actions[0]).to.deep.equal(notify(2, 6));
      expect(r.state.name).to.equal('Idle');
    }
    expect(transition(reach('OpenSent'), bgpOpen({ ...OPEN, peerAs: -5 })).actions[0]).to.deep.equal(notify(2, 2));
    expect(transition(reach('OpenSent'), bgpOpen({ ...OPEN, bgpId: 2 ** 32 })).actions[0]).to.deep.equal(notify(2, 3));
  });

  it('stale timer expiries are ignored in every state', () => {
    const stale: Array<[FsmStateName, FsmEvent['type'][]]> = [
      ['Idle', ['ConnectRetryTimer_Expires', 'KeepaliveTimer_Expires', 'DelayOpenTimer_Expires', 'IdleHoldTimer_Expires']],
      ['Connect', ['KeepaliveTimer_Expires', 'DelayOpenTimer_Expires', 'IdleHoldTimer_Expires', 'IdleHoldResetTimer_Expires']],
      ['OpenSent', ['ConnectRetryTimer_Expires', 'KeepaliveTimer_Expires', 'DelayOpenTimer_Expires', 'IdleHoldTimer_Expires']],
      ['OpenConfirm', ['ConnectRetryTimer_Expires', 'DelayOpenTimer_Expires', 'IdleHoldResetTimer_Expires']],
      ['Established', ['ConnectRetryTimer_Expires', 'DelayOpenTimer_Expires', 'IdleHoldTimer_Expires', 'IdleHoldResetTimer_Expires']],
    ];
    for (const [name, types] of stale) for (const t of types) expectUnchanged(reach(name), ev(t as never));
  });

  it('start events outside Idle are ignored', () => {
    for (const name of ['Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established'] as const) {
      expectUnchanged(reach(name), ev('ManualStart'));
      expectUnchanged(reach(name), ev('AutomaticStart_with_PassiveTcpEstablishment'));
    }
  });

  it('an unknown event type is a typed error', () => {
    expectTypedError(() => transition(createFsm(), { type: 'Bogus' } as unknown as FsmEvent), FsmErrorCode.event);
  });

  it('rejects a bad configuration with a typed error', () => {
    expectTypedError(() => createFsm({ holdTime: 2 }), FsmErrorCode.config);
    expectTypedError(() => createFsm({ idleHoldTime: 10, idleHoldTimeMax: 5 }), FsmErrorCode.config);
    expectTypedError(() => createFsm({ connectRetryTime: 0 }), FsmErrorCode.config);
    expectTypedError(() => createFsm({ keepaliveTime: 1.5 }), FsmErrorCode.config);
  });
});

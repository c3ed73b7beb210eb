/** Shared helpers of the FSM replay tests: action builders, events, and reaching each state. */
import { expect } from 'chai';
import { createFsm, runFsm, toBgpId, transition } from '../../src/index.js';
import type { FsmAction, FsmConfigInput, FsmEvent, FsmState, FsmStateName, FsmTimer, OpenSummary } from '../../src/index.js';

export const OPEN: OpenSummary = { peerAs: 65002, holdTime: 90, bgpId: toBgpId('192.0.2.2') };
export const NO_DATA = new Uint8Array(0);

// Action builders keep the tables readable.
export const start = (timer: FsmTimer, seconds: number): FsmAction => ({ type: 'StartTimer', timer, seconds });
export const stop = (timer: FsmTimer): FsmAction => ({ type: 'StopTimer', timer });
export const notify = (errorCode: number, errorSubcode: number, data: Uint8Array = NO_DATA): FsmAction => ({
  type: 'SendNotification',
  errorCode,
  errorSubcode,
  data,
});
const act = <T extends FsmAction['type']>(type: T) => ({ type }) as FsmAction;
export const INIT = act('InitializeResources');
export const RELEASE = act('ReleaseResources');
export const OPEN_TCP = act('OpenTcp');
export const CLOSE_TCP = act('CloseTcp');
export const SEND_OPEN = act('SendOpen');
export const SEND_KEEPALIVE = act('SendKeepalive');
export const DELETE_ROUTES = act('DeleteRoutes');
export const PROCESS_UPDATE = act('ProcessUpdate');

export const ev = (type: Extract<FsmEvent, { type: string }>['type']): FsmEvent => ({ type }) as FsmEvent;
export const bgpOpen = (open: OpenSummary = OPEN): FsmEvent => ({ type: 'BGPOpen', open });
export const notifMsg = (errorCode: number, errorSubcode: number): FsmEvent => ({
  type: 'NotifMsg',
  notification: { errorCode, errorSubcode },
});

/** Events that bring a fresh FSM into each state the plain way (active open, no DelayOpen). */
export const PATH: Record<FsmStateName, FsmEvent[]> = {
  Idle: [],
  Connect: [ev('ManualStart')],
  Active: [ev('ManualStart_with_PassiveTcpEstablishment')],
  OpenSent: [ev('ManualStart'), ev('Tcp_CR_Acked')],
  OpenConfirm: [ev('ManualStart'), ev('Tcp_CR_Acked'), bgpOpen()],
  Established: [ev('ManualStart'), ev('Tcp_CR_Acked'), bgpOpen(), ev('KeepAliveMsg')],
};

export function reach(name: FsmStateName, config: FsmConfigInput = {}, extra: FsmEvent[] = []): FsmState {
  const s = runFsm(createFsm(config), [...PATH[name], ...extra]).state;
  return s;
}

export interface Replay {
  name: string;
  from: FsmState;
  events: FsmEvent[];
  actions: FsmAction[];
  state: FsmStateName;
  check?: (s: FsmState) => void;
}

export function replay(cases: Replay[]): void {
  for (const c of cases) {
    it(c.name, () => {
      const r = runFsm(c.from, c.events);
      expect(r.actions).to.deep.equal(c.actions);
      expect(r.state.name).to.equal(c.state);
      c.check?.(r.state);
    });
  }
}

export function expectUnchanged(from: FsmState, event: FsmEvent): void {
  const r = transition(from, event);
  expect(r.state, `${event.type} in ${from.name}`).to.equal(from);
  expect(r.actions).to.deep.equal([]);
}

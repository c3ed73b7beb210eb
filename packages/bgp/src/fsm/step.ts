import type {
  ConnectionOrigin,
  DownReason,
  FsmAction,
  FsmConfig,
  FsmResult,
  FsmState,
  FsmStateName,
  FsmTimer,
  OpenSummary,
} from './types.js';

const EMPTY: readonly FsmAction[] = Object.freeze([]);

/** A transition that changes nothing: same state object, no actions. */
export function unchanged(state: FsmState): FsmResult {
  return { state, actions: EMPTY };
}

/**
 * The working copy of one transition: handlers mutate it, and finish() freezes the outcome into a
 * new state object. Timer actions go through start/stop so that `running` always mirrors what the
 * session was told to do, which is what lets the FSM recognise stale timer expiries.
 */
export class Step {
  readonly from: FsmState;
  readonly config: FsmConfig;
  readonly actions: FsmAction[] = [];
  name: FsmStateName;
  connectRetryCounter: number;
  passive: boolean;
  autoRestart: boolean;
  dampingLevel: number;
  connectRetry: boolean;
  hold: boolean;
  keepalive: boolean;
  delayOpen: boolean;
  idleHold: boolean;
  idleHoldReset: boolean;
  connection: ConnectionOrigin | null;
  peer: OpenSummary | null;
  holdTime: number;
  keepaliveTime: number;
  lastDown: DownReason | null;

  constructor(state: FsmState) {
    this.from = state;
    this.config = state.config;
    this.name = state.name;
    this.connectRetryCounter = state.connectRetryCounter;
    this.passive = state.passive;
    this.autoRestart = state.autoRestart;
    this.dampingLevel = state.dampingLevel;
    const r = state.running;
    this.connectRetry = r.ConnectRetry;
    this.hold = r.Hold;
    this.keepalive = r.Keepalive;
    this.delayOpen = r.DelayOpen;
    this.idleHold = r.IdleHold;
    this.idleHoldReset = r.IdleHoldReset;
    this.connection = state.connection;
    this.peer = state.peer;
    this.holdTime = state.holdTime;
    this.keepaliveTime = state.keepaliveTime;
    this.lastDown = state.lastDown;
  }

  emit(action: FsmAction): void {
    this.actions.push(action);
  }

  isRunning(timer: FsmTimer): boolean {
    switch (timer) {
      case 'ConnectRetry':
        return this.connectRetry;
      case 'Hold':
        return this.hold;
      case 'Keepalive':
        return this.keepalive;
      case 'DelayOpen':
        return this.delayOpen;
      case 'IdleHold':
        return this.idleHold;
      case 'IdleHoldReset':
        return this.idleHoldReset;
    }
  }

  private mark(timer: FsmTimer, running: boolean): void {
    switch (timer) {
      case 'ConnectRetry':
        this.connectRetry = running;
        break;
      case 'Hold':
        this.hold = running;
        break;
      case 'Keepalive':
        this.keepalive = running;
        break;
      case 'DelayOpen':
        this.delayOpen = running;
        break;
      case 'IdleHold':
        this.idleHold = running;
        break;
      case 'IdleHoldReset':
        this.idleHoldReset = running;
        break;
    }
  }

  /** Starts the timer, or restarts it when it already runs. */
  start(timer: FsmTimer, seconds: number): void {
    this.actions.push({ type: 'StartTimer', timer, seconds });
    this.mark(timer, true);
  }

  /** Stops the timer if it runs ("sets it to zero" in RFC 4271 wording); silent otherwise. */
  stop(timer: FsmTimer): void {
    if (!this.isRunning(timer)) return;
    this.actions.push({ type: 'StopTimer', timer });
    this.mark(timer, false);
  }

  /** The timer fired: it no longer runs, and the session needs no StopTimer for it. */
  expired(timer: FsmTimer): void {
    this.mark(timer, false);
  }

  finish(): FsmResult {
    const state: FsmState = {
      name: this.name,
      config: this.config,
      connectRetryCounter: this.connectRetryCounter,
      passive: this.passive,
      autoRestart: this.autoRestart,
      dampingLevel: this.dampingLevel,
      running: {
        ConnectRetry: this.connectRetry,
        Hold: this.hold,
        Keepalive: this.keepalive,
        DelayOpen: this.delayOpen,
        IdleHold: this.idleHold,
        IdleHoldReset: this.idleHoldReset,
      },
      connection: this.connection,
      peer: this.peer,
      holdTime: this.holdTime,
      keepaliveTime: this.keepaliveTime,
      lastDown: this.lastDown,
    };
    return { state, actions: this.actions };
  }
}

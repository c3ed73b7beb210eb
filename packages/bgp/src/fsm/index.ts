/**
 * BGP FSM (RFC 4271 §8) as a pure transition function.
 *
 * How a session object drives it: keep one FsmState per TCP connection; feed every fact as an event
 * (timer expiries, TCP up/down, each decoded message, operator start/stop) to transition(); carry
 * out the returned actions in order (StartTimer restarts a running timer; CloseTcp is idempotent);
 * keep the returned state. When a second connection to the same peer appears, give it its own FSM,
 * decide with collisionCheck()/resolveCollision() once the peer's OPEN arrives on it, and feed
 * OpenCollisionDump to the losing FSM.
 */
export * from './types.js';
export {
  FsmError,
  FsmErrorCode,
  DEFAULT_FSM_CONFIG,
  fsmConfig,
  createFsm,
  negotiateHoldTime,
  keepaliveInterval,
  idleHoldSeconds,
} from './config.js';
export type { FsmConfigInput } from './config.js';
export { transition, runFsm } from './transition.js';
export * from './collision.js';

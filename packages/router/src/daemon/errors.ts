import { RouterError } from '../errors.js';

/** Stable codes of the daemon (`evpn6 run`) and its control socket. */
export const DaemonErrorCode = {
  /** The configuration cannot be run (e.g. no router id can be chosen). */
  config: 'ERR_DAEMON_CONFIG',
  /** A SIGHUP reload would change what only a restart can (AS, router id). */
  reloadNeedsRestart: 'ERR_DAEMON_RELOAD_NEEDS_RESTART',
  /** The dataplane could not start (what is missing is in the message). */
  dataplane: 'ERR_DAEMON_DATAPLANE',
  /** The control socket path is in use by a live router, or cannot be bound. */
  socketInUse: 'ERR_DAEMON_SOCKET_IN_USE',
  /** No router answers on the control socket. */
  notRunning: 'ERR_DAEMON_NOT_RUNNING',
  /** A control request that is not a known command. */
  badRequest: 'ERR_DAEMON_BAD_REQUEST',
  /** The router did not answer within the time allowed. */
  timeout: 'ERR_DAEMON_TIMEOUT',
  /** The router was stopped. */
  stopped: 'ERR_DAEMON_STOPPED',
} as const;

export type DaemonErrorCodeValue = (typeof DaemonErrorCode)[keyof typeof DaemonErrorCode];

export class DaemonError extends RouterError {
  constructor(code: DaemonErrorCodeValue, message: string) {
    super(code, message);
  }
}

/**
 * Types of the BGP finite state machine (RFC 4271 §8): its state, the events fed into it and the
 * actions it asks for. The FSM itself never touches sockets or clocks; a session object owns
 * those, feeds events in and carries actions out.
 */

export type FsmStateName = 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established';

export const FSM_STATE_NAMES: readonly FsmStateName[] = ['Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established'];

/**
 * Timers the FSM starts and stops. The first five are RFC 4271's; IdleHoldReset is ours: it runs
 * while Established and, once the session has stayed up that long, forgets the damping level.
 */
export type FsmTimer = 'ConnectRetry' | 'Hold' | 'Keepalive' | 'DelayOpen' | 'IdleHold' | 'IdleHoldReset';

export const FSM_TIMERS: readonly FsmTimer[] = ['ConnectRetry', 'Hold', 'Keepalive', 'DelayOpen', 'IdleHold', 'IdleHoldReset'];

/** Which timers the FSM believes are running. Expiry events of timers not running are stale and ignored. */
export interface FsmRunningTimers {
  readonly ConnectRetry: boolean;
  readonly Hold: boolean;
  readonly Keepalive: boolean;
  readonly DelayOpen: boolean;
  readonly IdleHold: boolean;
  readonly IdleHoldReset: boolean;
}

/** Session attributes that do not change while the FSM runs (RFC 4271 §8.1.1 and §10). Times are seconds. */
export interface FsmConfig {
  /** ConnectRetryTime; RFC 4271 §10 suggests 120. */
  readonly connectRetryTime: number;
  /** Our HoldTime offered in OPEN: 0 (no keepalives) or 3..65535. */
  readonly holdTime: number;
  /** KeepaliveTime wanted; clamped to a third of the negotiated hold time. Undefined: a third of it. */
  readonly keepaliveTime: number | undefined;
  /** Hold timer while waiting for the peer's OPEN (RFC 4271 §8.2.2 suggests 4 minutes). */
  readonly largeHoldTime: number;
  /** DelayOpen: after TCP comes up, wait for the peer's OPEN for delayOpenTime before sending ours. */
  readonly delayOpen: boolean;
  readonly delayOpenTime: number;
  /** SendNOTIFICATIONwithoutOPEN: may a NOTIFICATION go out on a connection before our OPEN did. */
  readonly sendNotificationWithoutOpen: boolean;
  /** Never initiate TCP: stay in Active listening even when the ConnectRetryTimer expires. */
  readonly passiveOnly: boolean;
  /** DampPeerOscillations: grow the IdleHold wait exponentially with consecutive failures. */
  readonly dampPeerOscillations: boolean;
  /** First IdleHold wait after a failure; doubles per consecutive failure up to idleHoldTimeMax. */
  readonly idleHoldTime: number;
  readonly idleHoldTimeMax: number;
  /** A session that stays Established this long resets the damping level to zero. */
  readonly idleHoldResetTime: number;
}

/** The facts of a peer's OPEN the FSM needs; the caller has already checked the OPEN is acceptable. */
export interface OpenSummary {
  readonly peerAs: number;
  /** Hold time the peer offered: 0 or 3..65535. */
  readonly holdTime: number;
  /** BGP Identifier as an unsigned 32-bit integer (host order). */
  readonly bgpId: number;
}

export interface FsmNotification {
  readonly errorCode: number;
  readonly errorSubcode: number;
  readonly data: Uint8Array;
}

/** A NOTIFICATION as a caller hands it in; missing data means none. */
export interface FsmNotificationInput {
  readonly errorCode: number;
  readonly errorSubcode: number;
  readonly data?: Uint8Array;
}

export type ConnectionOrigin = 'local' | 'remote';

/** Why the FSM last fell back to Idle. */
export type DownKind =
  | 'ManualStop'
  | 'AutomaticStop'
  | 'HoldTimerExpired'
  | 'TcpConnectionFails'
  /** We found an error and sent (or would have sent) a NOTIFICATION. */
  | 'LocalError'
  /** The peer sent us a NOTIFICATION. */
  | 'PeerNotification'
  | 'CollisionDump'
  /** An event the state has no use for (RFC 4271's "any other event" in Connect and Active). */
  | 'UnexpectedEvent';

export interface DownReason {
  readonly kind: DownKind;
  readonly event: FsmEventType;
  /** The NOTIFICATION sent (LocalError, stops, hold expiry, collision) or received (PeerNotification). */
  readonly notification: FsmNotification | null;
}

/** Events without a payload, named as in RFC 4271 §8.1 (plus a few of ours, marked below). */
export type FsmSimpleEventType =
  | 'ManualStart'
  | 'AutomaticStart'
  | 'ManualStart_with_PassiveTcpEstablishment'
  | 'AutomaticStart_with_PassiveTcpEstablishment'
  | 'AutomaticStart_with_DampPeerOscillations'
  | 'AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment'
  | 'ConnectRetryTimer_Expires'
  | 'HoldTimer_Expires'
  | 'KeepaliveTimer_Expires'
  | 'DelayOpenTimer_Expires'
  | 'IdleHoldTimer_Expires'
  /** Ours: the IdleHoldReset timer expired. */
  | 'IdleHoldResetTimer_Expires'
  | 'TcpConnection_Valid'
  | 'Tcp_CR_Invalid'
  /** Our outgoing connection was acknowledged. */
  | 'Tcp_CR_Acked'
  /** An incoming connection from the peer was accepted. */
  | 'TcpConnectionConfirmed'
  | 'TcpConnectionFails'
  | 'OpenCollisionDump'
  | 'KeepAliveMsg'
  | 'UpdateMsg'
  /** Ours (RFC 2918/7313): a ROUTE-REFRESH arrived. */
  | 'RouteRefreshMsg'
  /** Ours: an UPDATE went out, which restarts the KeepaliveTimer (RFC 4271 §8.2.2, Established). */
  | 'UpdateMsgSent';

export type FsmEvent =
  | { readonly type: FsmSimpleEventType }
  /** Cease subcode defaults to 2 (Administrative Shutdown); data may carry an RFC 9003 message. */
  | { readonly type: 'ManualStop'; readonly subcode?: number; readonly data?: Uint8Array }
  /** Cease subcode defaults to 0; e.g. 1 (Maximum Number of Prefixes Reached). */
  | { readonly type: 'AutomaticStop'; readonly subcode?: number; readonly data?: Uint8Array }
  | { readonly type: 'BGPOpen'; readonly open: OpenSummary }
  /**
   * RFC 4271 event 20. The FSM knows whether its DelayOpenTimer runs, so it treats this and
   * BGPOpen alike; both names are accepted.
   */
  | { readonly type: 'BGPOpen_with_DelayOpenTimer_running'; readonly open: OpenSummary }
  /** The caller found a header error; `notification` is what RFC 4271 §6.1 says to send. */
  | { readonly type: 'BGPHeaderErr'; readonly notification: FsmNotificationInput }
  /** The caller found the peer's OPEN unacceptable; `notification` is the §6.2 answer. */
  | { readonly type: 'BGPOpenMsgErr'; readonly notification: FsmNotificationInput }
  /** A NOTIFICATION with a version error arrived (RFC 4271 event 24). */
  | { readonly type: 'NotifMsgVerErr'; readonly notification?: FsmNotificationInput }
  | { readonly type: 'NotifMsg'; readonly notification: FsmNotificationInput }
  /** The caller found an error in an UPDATE that RFC 7606 says resets the session. */
  | { readonly type: 'UpdateMsgErr'; readonly notification: FsmNotificationInput };

export type FsmEventType = FsmEvent['type'];

/** RFC 4271 §8.1 event numbers, for logs; our own events have none. */
export const FSM_EVENT_NUMBER: Readonly<Partial<Record<FsmEventType, number>>> = {
  ManualStart: 1,
  ManualStop: 2,
  AutomaticStart: 3,
  ManualStart_with_PassiveTcpEstablishment: 4,
  AutomaticStart_with_PassiveTcpEstablishment: 5,
  AutomaticStart_with_DampPeerOscillations: 6,
  AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment: 7,
  AutomaticStop: 8,
  ConnectRetryTimer_Expires: 9,
  HoldTimer_Expires: 10,
  KeepaliveTimer_Expires: 11,
  DelayOpenTimer_Expires: 12,
  IdleHoldTimer_Expires: 13,
  TcpConnection_Valid: 14,
  Tcp_CR_Invalid: 15,
  Tcp_CR_Acked: 16,
  TcpConnectionConfirmed: 17,
  TcpConnectionFails: 18,
  BGPOpen: 19,
  BGPOpen_with_DelayOpenTimer_running: 20,
  BGPHeaderErr: 21,
  BGPOpenMsgErr: 22,
  OpenCollisionDump: 23,
  NotifMsgVerErr: 24,
  NotifMsg: 25,
  KeepAliveMsg: 26,
  UpdateMsg: 27,
  UpdateMsgErr: 28,
};

export type FsmAction =
  /** Start, or restart if it runs, the timer. */
  | { readonly type: 'StartTimer'; readonly timer: FsmTimer; readonly seconds: number }
  | { readonly type: 'StopTimer'; readonly timer: FsmTimer }
  | { readonly type: 'InitializeResources' }
  | { readonly type: 'ReleaseResources' }
  /** Initiate a TCP connection to the peer. */
  | { readonly type: 'OpenTcp' }
  /** Drop this FSM's TCP connection, or abandon the attempt to make one. Idempotent. */
  | { readonly type: 'CloseTcp' }
  | { readonly type: 'SendOpen' }
  | { readonly type: 'SendKeepalive' }
  | {
      readonly type: 'SendNotification';
      readonly errorCode: number;
      readonly errorSubcode: number;
      readonly data: Uint8Array;
    }
  | {
      readonly type: 'SessionEstablished';
      readonly peer: OpenSummary;
      readonly holdTime: number;
      readonly keepaliveTime: number;
    }
  /** Emitted only when leaving Established; every fall to Idle is recorded in `lastDown`. */
  | { readonly type: 'SessionDown'; readonly reason: DownReason }
  /** Process the UPDATE that was just fed in as UpdateMsg. */
  | { readonly type: 'ProcessUpdate' }
  | { readonly type: 'ProcessRouteRefresh' }
  /** Delete every route learned over this connection. */
  | { readonly type: 'DeleteRoutes' };

export type FsmActionType = FsmAction['type'];

export interface FsmState {
  readonly name: FsmStateName;
  readonly config: FsmConfig;
  readonly connectRetryCounter: number;
  /** Started with a PassiveTcpEstablishment event: listen first (Active) instead of connecting. */
  readonly passive: boolean;
  /** Started and not stopped: after a failure the FSM restarts itself when the IdleHoldTimer expires. */
  readonly autoRestart: boolean;
  /** Consecutive failures counted for damping; the next IdleHold wait is idleHoldTime * 2^level, capped. */
  readonly dampingLevel: number;
  readonly running: FsmRunningTimers;
  /** Who opened the TCP connection this FSM uses; null while there is none. */
  readonly connection: ConnectionOrigin | null;
  /** The peer's OPEN, from OpenConfirm on. */
  readonly peer: OpenSummary | null;
  /** Negotiated hold and keepalive times (0 = none), valid from OpenConfirm on. */
  readonly holdTime: number;
  readonly keepaliveTime: number;
  readonly lastDown: DownReason | null;
}

export interface FsmResult {
  readonly state: FsmState;
  readonly actions: readonly FsmAction[];
}

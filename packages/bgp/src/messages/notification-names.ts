import type { NotificationMessage } from './notification.js';
import { hardResetCause } from './notification.js';
import { toHex } from '../address.js';

/*
 * Names of NOTIFICATION error codes and subcodes, for logs and `show` output (IANA "BGP Error
 * (Notification) Codes" and its subcode registries: RFC 4271, 4486, 5492, 6608, 7313, 8538,
 * 9234, 9384, 9687). Unassigned numbers print as their number.
 */

const CODE_NAMES: Readonly<Record<number, string>> = {
  1: 'Message Header Error',
  2: 'OPEN Message Error',
  3: 'UPDATE Message Error',
  4: 'Hold Timer Expired',
  5: 'Finite State Machine Error',
  6: 'Cease',
  7: 'ROUTE-REFRESH Message Error',
  8: 'Send Hold Timer Expired',
};

const SUBCODE_NAMES: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  1: {
    0: 'Unspecific',
    1: 'Connection Not Synchronized',
    2: 'Bad Message Length',
    3: 'Bad Message Type',
  },
  2: {
    0: 'Unspecific',
    1: 'Unsupported Version Number',
    2: 'Bad Peer AS',
    3: 'Bad BGP Identifier',
    4: 'Unsupported Optional Parameter',
    5: 'Authentication Failure (deprecated)',
    6: 'Unacceptable Hold Time',
    7: 'Unsupported Capability',
    8: 'Deprecated',
    9: 'Deprecated',
    10: 'Deprecated',
    11: 'Role Mismatch',
  },
  3: {
    0: 'Unspecific',
    1: 'Malformed Attribute List',
    2: 'Unrecognized Well-known Attribute',
    3: 'Missing Well-known Attribute',
    4: 'Attribute Flags Error',
    5: 'Attribute Length Error',
    6: 'Invalid ORIGIN Attribute',
    7: 'AS Routing Loop (deprecated)',
    8: 'Invalid NEXT_HOP Attribute',
    9: 'Optional Attribute Error',
    10: 'Invalid Network Field',
    11: 'Malformed AS_PATH',
  },
  4: { 0: 'Unspecific' },
  5: {
    0: 'Unspecified Error',
    1: 'Receive Unexpected Message in OpenSent State',
    2: 'Receive Unexpected Message in OpenConfirm State',
    3: 'Receive Unexpected Message in Established State',
  },
  6: {
    0: 'Unspecific',
    1: 'Maximum Number of Prefixes Reached',
    2: 'Administrative Shutdown',
    3: 'Peer De-configured',
    4: 'Administrative Reset',
    5: 'Connection Rejected',
    6: 'Other Configuration Change',
    7: 'Connection Collision Resolution',
    8: 'Out of Resources',
    9: 'Hard Reset',
    10: 'BFD Down',
  },
  7: {
    0: 'Reserved',
    1: 'Invalid Message Length',
  },
  8: { 0: 'Unspecific' },
};

export function notificationCodeName(code: number): string {
  return CODE_NAMES[code] ?? `Error code ${code}`;
}

export function notificationSubcodeName(code: number, subcode: number): string {
  return SUBCODE_NAMES[code]?.[subcode] ?? `Subcode ${subcode}`;
}

/** "Cease / Administrative Shutdown" */
export function notificationName(code: number, subcode: number): string {
  return `${notificationCodeName(code)} / ${notificationSubcodeName(code, subcode)}`;
}

/**
 * One line for a log: names, the shutdown communication when there is one, the wrapped
 * cause of a Hard Reset, and otherwise the data in hex.
 *   "Cease / Hard Reset (Cease / Administrative Shutdown) \"maintenance\""
 */
export function describeNotification(m: Pick<NotificationMessage, 'code' | 'subcode' | 'data' | 'communication'>): string {
  let text = `${m.code}/${m.subcode} ${notificationName(m.code, m.subcode)}`;
  const inner = hardResetCause(m);
  if (inner) text += ` (${inner.code}/${inner.subcode} ${notificationName(inner.code, inner.subcode)})`;
  if (m.communication !== undefined) return `${text}: ${JSON.stringify(m.communication)}`;
  const data = inner ? inner.data : m.data;
  return data.length > 0 ? `${text} data ${toHex(data)}` : text;
}

import type { Codec } from '../codec.js';
import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import { CeaseSubcode, ErrorCode } from '../iana.js';
import { EncodeError } from '../errors.js';

/**
 * A NOTIFICATION. `data` is always the bytes received (or to send), so a decoded message
 * re-encodes byte-identical. For Cease / Administrative Shutdown or Reset (6/2, 6/4), and the
 * same wrapped in a Hard Reset (6/9), `communication` is the RFC 9003 Shutdown Communication
 * when the data holds a well-formed one.
 */
export interface NotificationMessage {
  readonly type: 'NOTIFICATION';
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
  readonly communication?: string;
}

/** The longest Shutdown Communication RFC 9003 allows, in bytes of UTF-8. */
export const MAX_SHUTDOWN_COMMUNICATION = 255;

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function carriesCommunication(code: number, subcode: number): boolean {
  return code === ErrorCode.CEASE && (subcode === CeaseSubcode.ADMINISTRATIVE_SHUTDOWN || subcode === CeaseSubcode.ADMINISTRATIVE_RESET);
}

/**
 * RFC 9003 §2: data = | Length (1) | Shutdown Communication (Length octets of UTF-8) |.
 * Anything else (bad length, invalid UTF-8, trailing bytes) is not a communication; RFC 9003
 * says to log it, never to answer it with another NOTIFICATION, so this never throws.
 */
export function parseShutdownCommunication(data: Uint8Array): string | undefined {
  if (data.length === 0 || data[0]! + 1 !== data.length) return undefined;
  try {
    return strictUtf8.decode(data.subarray(1));
  } catch {
    return undefined;
  }
}

/**
 * The data of a 6/2 or 6/4 carrying `text`. Text longer than 255 bytes of UTF-8 is cut at a
 * character boundary rather than refused: a shutdown should not fail over its message.
 */
export function shutdownCommunicationData(text: string): Uint8Array {
  let bytes = utf8.encode(text);
  if (bytes.length > MAX_SHUTDOWN_COMMUNICATION) {
    let cut = MAX_SHUTDOWN_COMMUNICATION;
    while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--;
    bytes = bytes.subarray(0, cut);
  }
  const out = new Uint8Array(1 + bytes.length);
  out[0] = bytes.length;
  out.set(bytes, 1);
  return out;
}

/** RFC 8538 §3: a Hard Reset (6/9) carries the NOTIFICATION that caused it in its data. */
export interface WrappedNotification {
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
}

/** The notification inside a Hard Reset, if this is one and its data has at least code and subcode. */
export function hardResetCause(m: Pick<NotificationMessage, 'code' | 'subcode' | 'data'>): WrappedNotification | undefined {
  if (m.code !== ErrorCode.CEASE || m.subcode !== CeaseSubcode.HARD_RESET || m.data.length < 2) return undefined;
  return { code: m.data[0]!, subcode: m.data[1]!, data: m.data.subarray(2) };
}

function communicationOf(code: number, subcode: number, data: Uint8Array): string | undefined {
  if (carriesCommunication(code, subcode)) return parseShutdownCommunication(data);
  const inner = hardResetCause({ code, subcode, data });
  if (inner && carriesCommunication(inner.code, inner.subcode)) return parseShutdownCommunication(inner.data);
  return undefined;
}

export interface NotificationOptions {
  readonly data?: Uint8Array;
  /** For 6/2 and 6/4: the RFC 9003 Shutdown Communication to send (replaces `data`). */
  readonly communication?: string;
}

/** Builds a NOTIFICATION; with `communication` on a 6/2 or 6/4 the data is the RFC 9003 encoding of it. */
export function createNotification(code: number, subcode: number, opts: NotificationOptions = {}): NotificationMessage {
  if (opts.communication !== undefined) {
    if (!carriesCommunication(code, subcode)) {
      throw new EncodeError('NOTIFICATION communication', `only Cease 6/2 and 6/4 carry one, not ${code}/${subcode}`);
    }
    const data = shutdownCommunicationData(opts.communication);
    const communication = parseShutdownCommunication(data);
    return communication === undefined ? { type: 'NOTIFICATION', code, subcode, data } : { type: 'NOTIFICATION', code, subcode, data, communication };
  }
  return { type: 'NOTIFICATION', code, subcode, data: opts.data ?? new Uint8Array(0) };
}

/** RFC 8538: wraps a NOTIFICATION in a Hard Reset, so the peer does not keep our routes as stale. */
export function createHardReset(inner: WrappedNotification): NotificationMessage {
  const data = new Uint8Array(2 + inner.data.length);
  data[0] = inner.code;
  data[1] = inner.subcode;
  data.set(inner.data, 2);
  const communication = communicationOf(ErrorCode.CEASE, CeaseSubcode.HARD_RESET, data);
  const m: NotificationMessage = { type: 'NOTIFICATION', code: ErrorCode.CEASE, subcode: CeaseSubcode.HARD_RESET, data };
  return communication === undefined ? m : { ...m, communication };
}

/*
 * The NOTIFICATION body after the header (RFC 4271 §4.5):
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   | Error code    | Error subcode |   Data (variable)             |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Data runs to the end of the message; its meaning depends on code and subcode.
 * Encoding writes `data`; `communication` only matters when building (createNotification).
 */
export const notificationBody: Codec<NotificationMessage> = {
  decode(r: Reader): NotificationMessage {
    const code = r.u8('error code');
    const subcode = r.u8('error subcode');
    const data = r.copy(r.remaining, 'notification data');
    const communication = communicationOf(code, subcode, data);
    if (communication === undefined) return { type: 'NOTIFICATION', code, subcode, data };
    return { type: 'NOTIFICATION', code, subcode, data, communication };
  },
  encode(m: NotificationMessage, w: Writer): void {
    w.u8(m.code, 'NOTIFICATION error code');
    w.u8(m.subcode, 'NOTIFICATION error subcode');
    w.bytes(m.data);
  },
  encodedLength(m: NotificationMessage): number {
    return 2 + m.data.length;
  },
};

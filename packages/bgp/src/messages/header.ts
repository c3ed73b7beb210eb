import type { Writer } from '../wire/writer.js';
import type { CodecContext } from '../context.js';
import { NotificationError } from '../errors.js';
import {
  ErrorCode,
  HEADER_LENGTH,
  HeaderErrorSubcode,
  MARKER_LENGTH,
  MAX_EXTENDED_MESSAGE_LENGTH,
  MAX_MESSAGE_LENGTH,
  MessageType,
} from '../iana.js';

/*
 * The message header (RFC 4271 §4.1):
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                                                               |
 *   +                                                               +
 *   |                           Marker (16 octets, all ones)        |
 *   +                                                               +
 *   |                                                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |          Length               |      Type     |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Length counts the whole message, header included.
 */

/** Smallest length each message type can have (RFC 4271 §4, RFC 2918 §3); index = type code. */
const MIN_LENGTH: readonly number[] = [0, 29, 23, 21, 19, 23];

/** Largest length a message of this type may have on a session with the given limit (RFC 8654 §4). */
export function maxLengthFor(type: number, limit: number): number {
  if (type === MessageType.KEEPALIVE) return HEADER_LENGTH;
  if (type === MessageType.OPEN) return Math.min(limit, MAX_MESSAGE_LENGTH);
  return limit;
}

/** The overall message size limit of a direction: 65535 once RFC 8654 extended messages are negotiated. */
export function messageSizeLimit(ctx: CodecContext): number {
  return ctx.extendedMessage ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH;
}

function badLength(length: number, detail: string): never {
  const data = Uint8Array.of(length >>> 8, length & 0xff);
  throw new NotificationError(ErrorCode.MESSAGE_HEADER, HeaderErrorSubcode.BAD_MESSAGE_LENGTH, data, detail);
}

/**
 * Checks the 19 header bytes at `at` (the caller has made sure they are there) and returns the
 * message length. Every failure is the NOTIFICATION RFC 4271 §6.1 prescribes: marker not all
 * ones → 1/1; length out of range overall or for the type → 1/2 with the length field as data;
 * unknown type → 1/3 with the type octet as data. Shared by decodeMessage and the framer so both
 * reject the same headers the same way.
 */
export function checkHeader(buf: Uint8Array, at: number, limit: number): number {
  for (let i = 0; i < MARKER_LENGTH; i++) {
    if (buf[at + i] !== 0xff) {
      throw new NotificationError(ErrorCode.MESSAGE_HEADER, HeaderErrorSubcode.CONNECTION_NOT_SYNCHRONIZED, undefined, 'marker is not all ones');
    }
  }
  const length = (buf[at + 16]! << 8) | buf[at + 17]!;
  const type = buf[at + 18]!;
  if (length < HEADER_LENGTH || length > limit) badLength(length, `length ${length} outside ${HEADER_LENGTH}..${limit}`);
  if (type < MessageType.OPEN || type > MessageType.ROUTE_REFRESH) {
    throw new NotificationError(ErrorCode.MESSAGE_HEADER, HeaderErrorSubcode.BAD_MESSAGE_TYPE, Uint8Array.of(type), `unknown message type ${type}`);
  }
  const min = MIN_LENGTH[type]!;
  const max = maxLengthFor(type, limit);
  if (length < min || length > max) badLength(length, `length ${length} outside ${min}..${max} for message type ${type}`);
  return length;
}

const MARKER = new Uint8Array(MARKER_LENGTH).fill(0xff);

export function writeHeader(w: Writer, type: number, length: number): void {
  w.bytes(MARKER, 'marker');
  w.u16(length, 'message length');
  w.u8(type, 'message type');
}

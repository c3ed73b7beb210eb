import type { Codec } from '../codec.js';
import type { CodecContext } from '../context.js';
import type { OpenMessage } from './open.js';
import type { UpdateMessage } from './update.js';
import type { NotificationMessage } from './notification.js';
import type { KeepaliveMessage } from './keepalive.js';
import type { RouteRefreshMessage } from './route-refresh.js';
import { Reader } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';
import { openBody } from './open.js';
import { updateBody } from './update.js';
import { notificationBody } from './notification.js';
import { keepaliveBody } from './keepalive.js';
import { routeRefreshBody } from './route-refresh.js';
import { checkHeader, maxLengthFor, messageSizeLimit, writeHeader } from './header.js';
import { DecodeError, DecodeErrorCode, EncodeError, NotificationError } from '../errors.js';
import { ErrorCode, HEADER_LENGTH, MessageType, RouteRefreshErrorSubcode, RouteRefreshSubtype } from '../iana.js';

export type BgpMessage = OpenMessage | UpdateMessage | NotificationMessage | KeepaliveMessage | RouteRefreshMessage;
export type BgpMessageType = BgpMessage['type'];

function bodyCodec(type: BgpMessageType): Codec<BgpMessage> {
  switch (type) {
    case 'OPEN':
      return openBody as Codec<BgpMessage>;
    case 'UPDATE':
      return updateBody as Codec<BgpMessage>;
    case 'NOTIFICATION':
      return notificationBody as Codec<BgpMessage>;
    case 'KEEPALIVE':
      return keepaliveBody as Codec<BgpMessage>;
    case 'ROUTE_REFRESH':
      return routeRefreshBody as Codec<BgpMessage>;
  }
}

const OPEN_UNSPECIFIC = 0;

/**
 * OPEN problems the body decoder finds structurally (a capability of the wrong length, optional
 * parameters overrunning the message) are "recognised but malformed" optional parameters:
 * RFC 4271 §6.2 sends OPEN Message Error / Unspecific for those.
 */
function decodeOpen(body: Reader, ctx: CodecContext): OpenMessage {
  try {
    return openBody.decode(body, ctx);
  } catch (e) {
    if (e instanceof DecodeError) throw new NotificationError(ErrorCode.OPEN_MESSAGE, OPEN_UNSPECIFIC, undefined, e.message);
    throw e;
  }
}

/** RFC 7313 §5: a BoRR/EoRR must have exactly 4 octets of body; the NOTIFICATION carries the whole message. */
function decodeRouteRefresh(body: Reader, ctx: CodecContext, whole: Uint8Array): RouteRefreshMessage {
  const rr = routeRefreshBody.decode(body, ctx);
  if (rr.orf.length > 0 && (rr.subtype === RouteRefreshSubtype.BEGIN_OF_RR || rr.subtype === RouteRefreshSubtype.END_OF_RR)) {
    throw new NotificationError(
      ErrorCode.ROUTE_REFRESH,
      RouteRefreshErrorSubcode.INVALID_MESSAGE_LENGTH,
      whole.slice(),
      `subtype ${rr.subtype} with length ${whole.length}`,
    );
  }
  return rr;
}

/*
 * A whole message: the 19-byte header (see header.ts) and the body of its type.
 *
 *   +------------------+--------------+------------+-------------------------------+
 *   | Marker (16, 0xff)| Length (2)   | Type (1)   | Body (Length - 19 octets)     |
 *   +------------------+--------------+------------+-------------------------------+
 *
 * Decoding reads exactly Length octets from the reader and hands the body codec a reader
 * bounded to the body. Header problems are NOTIFICATION 1/x (RFC 4271 §6.1); a reader shorter
 * than Length is a truncation DecodeError (more bytes may still come: the framer's business).
 * UPDATE errors propagate as the UPDATE codec raises them.
 */
export const messageCodec: Codec<BgpMessage> = {
  decode(r: Reader, ctx: CodecContext): BgpMessage {
    const start = r.pos;
    r.need(HEADER_LENGTH, 'message header');
    const length = checkHeader(r.buf, start, messageSizeLimit(ctx));
    const type = r.buf[start + 18]!;
    r.need(length, 'message');
    const body = new Reader(r.buf, start + HEADER_LENGTH, start + length, r.view);
    r.pos = start + length;
    switch (type) {
      case MessageType.OPEN:
        return decodeOpen(body, ctx);
      case MessageType.UPDATE: {
        const update = updateBody.decode(body, ctx);
        if (!body.done) throw new DecodeError(DecodeErrorCode.length, 'UPDATE', body.pos, `${body.remaining} bytes after the UPDATE body`);
        return update;
      }
      case MessageType.NOTIFICATION:
        return notificationBody.decode(body, ctx);
      case MessageType.KEEPALIVE:
        return keepaliveBody.decode(body, ctx);
      default:
        // checkHeader let only types 1..5 through: this is ROUTE-REFRESH.
        return decodeRouteRefresh(body, ctx, r.buf.subarray(start, start + length));
    }
  },

  encode(m: BgpMessage, w: Writer, ctx: CodecContext): void {
    const length = messageLength(m, ctx);
    writeHeader(w, MessageType[m.type], length);
    const bodyStart = w.pos;
    bodyCodec(m.type).encode(m, w, ctx);
    if (w.pos - bodyStart !== length - HEADER_LENGTH) {
      throw new EncodeError(`${m.type} body`, `wrote ${w.pos - bodyStart} bytes, encodedLength said ${length - HEADER_LENGTH}`);
    }
  },

  encodedLength(m: BgpMessage, ctx: CodecContext): number {
    return messageLength(m, ctx);
  },
};

/** The encoded size of a message, header included; fails if it exceeds what the session allows. */
export function messageLength(m: BgpMessage, ctx: CodecContext): number {
  const length = HEADER_LENGTH + bodyCodec(m.type).encodedLength(m, ctx);
  const max = maxLengthFor(MessageType[m.type], messageSizeLimit(ctx));
  if (length > max) throw new EncodeError(`${m.type} message`, `${length} bytes, at most ${max} on this session`);
  return length;
}

/**
 * Decodes exactly one whole message (header included). Bytes beyond the header's Length are
 * an error too: split a stream with MessageFramer first.
 */
export function decodeMessage(bytes: Uint8Array, ctx: CodecContext): BgpMessage {
  const r = new Reader(bytes);
  const m = messageCodec.decode(r, ctx);
  if (!r.done) throw new DecodeError(DecodeErrorCode.length, 'message', r.pos, `${r.remaining} bytes after a message of ${r.pos}`);
  return m;
}

/** Encodes into `w` at its position (the caller sized the buffer with messageLength). */
export function encodeMessageInto(m: BgpMessage, w: Writer, ctx: CodecContext): void {
  messageCodec.encode(m, w, ctx);
}

export function encodeMessage(m: BgpMessage, ctx: CodecContext): Uint8Array {
  const w = Writer.alloc(messageLength(m, ctx));
  messageCodec.encode(m, w, ctx);
  return w.buf;
}

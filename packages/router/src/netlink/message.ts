import { NLMSG_HDRLEN, NlmFlag, NlmsgType, RtmType } from './constants.js';
import { addressCodec, type AddressMessage } from './address.js';
import { NetlinkDecodeError, NetlinkErrorCode } from './errors.js';
import { linkCodec, type LinkMessage } from './link.js';
import { neighborCodec, type NeighborMessage } from './neighbor.js';
import { AttributeCursor, HOST_LE, NetlinkWriter, align4, view, type RawAttribute } from './wire.js';

/** nlmsghdr without its length, which encode computes. */
export interface NetlinkHeader {
  type: number;
  flags: number;
  seq: number;
  /** nlmsg_pid: 0 from the kernel; our port id in replies to us. */
  pid: number;
}

/** The request an NLMSG_ERROR answers: its header (with its original length) and, unless capped, its payload. */
export interface EchoedRequest {
  length: number;
  type: number;
  flags: number;
  seq: number;
  pid: number;
}

/** NLMSG_ERROR: errno 0 is an ACK. */
export interface ErrorMessage {
  kind: 'error';
  /** Positive errno (the wire carries its negation), 0 for an ACK. */
  errno: number;
  request: EchoedRequest;
  /** The request's payload, empty when NLM_F_CAPPED says the kernel left it out. */
  requestPayload: Uint8Array;
  /** NLMSGERR_ATTR_MSG, the kernel's extended-ACK text. */
  kernelMessage?: string;
  /** NLMSGERR_ATTR_OFFS: byte offset of the offending attribute in the request. */
  badAttributeOffset?: number;
  unknown: RawAttribute[];
}

/** NLMSG_DONE ends a dump; a negative status in it reports a dump that failed midway. */
export interface DoneMessage {
  kind: 'done';
  errno: number;
  /** Bytes after the status (extended-ACK TLVs), kept as they were. */
  rest: Uint8Array;
}

/** Any other type (NLMSG_NOOP, RTM_* this module does not model): payload kept as bytes. */
export interface RawMessage {
  kind: 'raw';
  payload: Uint8Array;
}

export type NetlinkBody = LinkMessage | AddressMessage | NeighborMessage | ErrorMessage | DoneMessage | RawMessage;

export interface NetlinkMessage<B extends NetlinkBody = NetlinkBody> {
  header: NetlinkHeader;
  body: B;
}

const NLMSGERR_ATTR_MSG = 1;
const NLMSGERR_ATTR_OFFS = 2;

export function isLinkType(t: number): boolean {
  return t >= RtmType.newLink && t <= RtmType.setLink;
}
export function isAddressType(t: number): boolean {
  return t >= RtmType.newAddr && t <= RtmType.getAddr;
}
export function isNeighborType(t: number): boolean {
  return t >= RtmType.newNeigh && t <= RtmType.getNeigh;
}

/*
 * nlmsghdr (host byte order), payload padded to 4 bytes:
 *  0                   1                   2                   3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                nlmsg_len (header + payload)                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        nlmsg_type             |        nlmsg_flags            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                nlmsg_seq                                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                nlmsg_pid (port id)                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * NLMSG_ERROR payload: int32 -errno, the request's nlmsghdr, its payload unless NLM_F_CAPPED,
 * then NLMSGERR_ATTR_* TLVs when NLM_F_ACK_TLVS.
 */
export const messageCodec = {
  /** Decodes the message at `offset`; `next` is where the following one starts (aligned). */
  decode(buf: Uint8Array, offset: number, end = buf.length): { message: NetlinkMessage; next: number } {
    if (end - offset < NLMSG_HDRLEN) {
      throw new NetlinkDecodeError(NetlinkErrorCode.truncated, 'nlmsghdr', offset, `${end - offset} bytes`);
    }
    const dv = view(buf);
    const length = dv.getUint32(offset, HOST_LE);
    if (length < NLMSG_HDRLEN) throw new NetlinkDecodeError(NetlinkErrorCode.malformed, 'nlmsg_len', offset, `length ${length}`);
    if (length > end - offset) {
      throw new NetlinkDecodeError(NetlinkErrorCode.truncated, 'nlmsg', offset, `length ${length} exceeds ${end - offset}`);
    }
    const header: NetlinkHeader = {
      type: dv.getUint16(offset + 4, HOST_LE),
      flags: dv.getUint16(offset + 6, HOST_LE),
      seq: dv.getUint32(offset + 8, HOST_LE),
      pid: dv.getUint32(offset + 12, HOST_LE),
    };
    const body = decodeBody(buf, header, offset + NLMSG_HDRLEN, offset + length);
    return { message: { header, body }, next: Math.min(offset + align4(length), end) };
  },

  /** Writes the message at `offset` of `buf` and returns the offset after it (padded to 4). */
  encode(m: NetlinkMessage, buf: Uint8Array, offset = 0): number {
    const w = new NetlinkWriter(buf, offset);
    writeMessage(m, w);
    return w.pos;
  },

  encodedLength(m: NetlinkMessage): number {
    const w = NetlinkWriter.measuring();
    writeMessage(m, w);
    return w.pos;
  },
};

/** Every message of a datagram (or of [start, end) of it). */
export function decodeMessages(buf: Uint8Array, start = 0, end = buf.length): NetlinkMessage[] {
  const out: NetlinkMessage[] = [];
  let at = start;
  while (at < end) {
    const { message, next } = messageCodec.decode(buf, at, end);
    out.push(message);
    at = next;
  }
  return out;
}

/** Encodes one message into a new buffer of exactly its length. */
export function encodeMessage(m: NetlinkMessage): Uint8Array {
  const buf = new Uint8Array(messageCodec.encodedLength(m));
  messageCodec.encode(m, buf, 0);
  return buf;
}

function decodeBody(buf: Uint8Array, h: NetlinkHeader, start: number, end: number): NetlinkBody {
  const t = h.type;
  if (isLinkType(t)) return linkCodec.decode(buf, start, end);
  if (isAddressType(t)) return addressCodec.decode(buf, start, end);
  if (isNeighborType(t)) return neighborCodec.decode(buf, start, end);
  if (t === NlmsgType.error) return decodeError(buf, h, start, end);
  if (t === NlmsgType.done) {
    // Very old kernels end some dumps with an empty DONE.
    if (end - start < 4) return { kind: 'done', errno: 0, rest: buf.slice(start, end) };
    return { kind: 'done', errno: -view(buf).getInt32(start, HOST_LE), rest: buf.slice(start + 4, end) };
  }
  return { kind: 'raw', payload: buf.slice(start, end) };
}

function decodeError(buf: Uint8Array, h: NetlinkHeader, start: number, end: number): ErrorMessage {
  if (end - start < 4 + NLMSG_HDRLEN) {
    throw new NetlinkDecodeError(NetlinkErrorCode.truncated, 'nlmsgerr', start, `${end - start} bytes`);
  }
  const dv = view(buf);
  const at = start + 4;
  const request: EchoedRequest = {
    length: dv.getUint32(at, HOST_LE),
    type: dv.getUint16(at + 4, HOST_LE),
    flags: dv.getUint16(at + 6, HOST_LE),
    seq: dv.getUint32(at + 8, HOST_LE),
    pid: dv.getUint32(at + 12, HOST_LE),
  };
  const capped = (h.flags & NlmFlag.capped) !== 0;
  let payloadEnd = at + NLMSG_HDRLEN;
  if (!capped) {
    if (request.length < NLMSG_HDRLEN || request.length > end - at) {
      throw new NetlinkDecodeError(NetlinkErrorCode.truncated, 'nlmsgerr request', at, `length ${request.length}`);
    }
    payloadEnd = at + request.length;
  }
  const msg: ErrorMessage = {
    kind: 'error',
    errno: -dv.getInt32(start, HOST_LE),
    request,
    requestPayload: buf.slice(at + NLMSG_HDRLEN, payloadEnd),
    unknown: [],
  };
  if ((h.flags & NlmFlag.ackTlvs) !== 0) {
    const c = new AttributeCursor(buf, Math.min(align4(payloadEnd), end), end);
    while (c.next()) {
      if (c.type === NLMSGERR_ATTR_MSG) msg.kernelMessage = c.string();
      else if (c.type === NLMSGERR_ATTR_OFFS) msg.badAttributeOffset = c.u32('NLMSGERR_ATTR_OFFS');
      else msg.unknown.push(c.raw());
    }
  }
  return msg;
}

function writeMessage(m: NetlinkMessage, w: NetlinkWriter): void {
  const start = w.pos;
  w.u32(0, 'nlmsg_len');
  w.u16(m.header.type, 'nlmsg_type');
  w.u16(m.header.flags, 'nlmsg_flags');
  w.u32(m.header.seq, 'nlmsg_seq');
  w.u32(m.header.pid, 'nlmsg_pid');
  const b = m.body;
  switch (b.kind) {
    case 'link':
      linkCodec.encode(b, w);
      break;
    case 'address':
      addressCodec.encode(b, w);
      break;
    case 'neighbor':
      neighborCodec.encode(b, w);
      break;
    case 'error':
      writeError(b, m.header, w);
      break;
    case 'done':
      w.i32(-b.errno, 'NLMSG_DONE status');
      w.bytes(b.rest, 'NLMSG_DONE rest');
      break;
    case 'raw':
      w.bytes(b.payload, 'payload');
      break;
  }
  const length = w.pos - start;
  // nlmsg_len counts the payload without its final padding.
  w.patchU32(start, length);
  w.padTo4();
}

function writeError(b: ErrorMessage, h: NetlinkHeader, w: NetlinkWriter): void {
  w.i32(-b.errno, 'nlmsgerr error');
  w.u32(b.request.length, 'nlmsgerr request length');
  w.u16(b.request.type, 'nlmsgerr request type');
  w.u16(b.request.flags, 'nlmsgerr request flags');
  w.u32(b.request.seq, 'nlmsgerr request seq');
  w.u32(b.request.pid, 'nlmsgerr request pid');
  w.bytes(b.requestPayload, 'nlmsgerr request payload');
  if ((h.flags & NlmFlag.ackTlvs) !== 0) {
    w.padTo4();
    if (b.kernelMessage !== undefined) w.attrString(NLMSGERR_ATTR_MSG, b.kernelMessage, 'NLMSGERR_ATTR_MSG');
    if (b.badAttributeOffset !== undefined) w.attrU32(NLMSGERR_ATTR_OFFS, b.badAttributeOffset, 'NLMSGERR_ATTR_OFFS');
    for (const a of b.unknown) w.raw(a, 'NLMSGERR attribute');
  }
}

import { BgpError, MessageType, createContext, decodeMessage, defaultRegistry, findCapability, fromHex, negotiate, toHex } from '@evpn6/bgp';
import type { BgpMessage, CodecContext, NlriRegistry, OpenMessage } from '@evpn6/bgp';
import { registerEvpn } from '@evpn6/evpn';
import { TcpReassembler, formatCaptureTime, readCapture, tcpSegmentOf } from '../pcap/index.js';
import type { CapturedPacket, StreamEvent, TcpFlow } from '../pcap/index.js';
import { BgpStreamDecoder } from './stream.js';
import type { FramedItem } from './stream.js';
import { messageToJson } from './json.js';
import type { Json } from './json.js';
import { summarizeMessage } from './summary.js';

/** Where a record came from in a capture (absent for --hex input). */
export interface RecordOrigin {
  /** Frame number (1-based) of the packet that completed the message. */
  readonly packet: number;
  readonly time: string;
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
}

/**
 * One line of `evpn6 decode` output:
 *   message  a BGP message: its type, raw bytes and decoded form (or why it did not decode)
 *   gap      bytes of a TCP stream missing from the capture
 *   skipped  stream bytes that were not a BGP message (joined mid-stream, after a gap, bad header)
 */
export type DecodeRecord =
  | (Partial<RecordOrigin> & {
      readonly kind: 'message';
      readonly type: BgpMessage['type'] | 'UNKNOWN';
      readonly length: number;
      readonly hex: string;
      readonly message?: BgpMessage;
      readonly error?: { readonly code: string; readonly message: string };
    })
  | (Partial<RecordOrigin> & { readonly kind: 'gap'; readonly missing: number })
  | (Partial<RecordOrigin> & { readonly kind: 'skipped'; readonly bytes: number; readonly code: string; readonly reason: string });

let evpnRegistry: NlriRegistry | undefined;

/** IPv4/IPv6 unicast and EVPN. */
export function decodeRegistry(): NlriRegistry {
  if (!evpnRegistry) evpnRegistry = registerEvpn(defaultRegistry().clone());
  return evpnRegistry;
}

const TYPE_NAMES: Record<number, BgpMessage['type']> = {
  [MessageType.OPEN]: 'OPEN',
  [MessageType.UPDATE]: 'UPDATE',
  [MessageType.NOTIFICATION]: 'NOTIFICATION',
  [MessageType.KEEPALIVE]: 'KEEPALIVE',
  [MessageType.ROUTE_REFRESH]: 'ROUTE_REFRESH',
};

function decodeOne(bytes: Uint8Array, ctx: CodecContext, origin: Partial<RecordOrigin>): DecodeRecord {
  const type: BgpMessage['type'] | 'UNKNOWN' = TYPE_NAMES[bytes[18] ?? 0] ?? 'UNKNOWN';
  const base = { ...origin, kind: 'message' as const, type, length: bytes.length, hex: toHex(bytes) };
  try {
    return { ...base, message: decodeMessage(bytes, ctx) };
  } catch (e) {
    if (!(e instanceof BgpError)) throw e;
    return { ...base, error: { code: e.code, message: e.message } };
  }
}

export interface HexDecodeOptions {
  /** Decode AS numbers in AS_PATH/AGGREGATOR as 2 octets (a session without RFC 6793). Default false. */
  readonly twoOctetAs?: boolean;
  /** familyKey()s whose NLRI carry ADD-PATH path identifiers. */
  readonly addPath?: Iterable<number>;
}

/** Decodes one message, or several back to back, given as hex (spaces, colons and line breaks allowed). */
export function decodeHex(text: string, opts: HexDecodeOptions = {}): DecodeRecord[] {
  const bytes = fromHex(text);
  const ctx = createContext({ registry: decodeRegistry(), fourOctetAs: !opts.twoOctetAs, addPath: opts.addPath ?? [], extendedMessage: true });
  const stream = new BgpStreamDecoder();
  stream.allowExtendedMessages();
  const items = stream.push(bytes);
  const out: DecodeRecord[] = [];
  for (const item of items) {
    if (item.kind === 'message') out.push(decodeOne(item.bytes, ctx, {}));
    else out.push({ kind: 'skipped', bytes: item.bytes, code: item.code, reason: item.reason });
  }
  const left = stream.lostSync();
  for (const item of left) if (item.kind === 'skipped') out.push({ kind: 'skipped', bytes: item.bytes, code: 'ERR_DECODE_INCOMPLETE', reason: 'input ends inside a message' });
  return out;
}

export interface CaptureDecodeOptions {
  /** The BGP port; segments to or from it are decoded. Default 179. */
  readonly port?: number;
}

export interface CaptureDecodeResult {
  readonly format: 'pcap' | 'pcapng';
  readonly records: DecodeRecord[];
  readonly warnings: readonly string[];
}

interface Connection {
  /** Each side's latest OPEN, by direction key of its sender. */
  readonly opens: Map<string, OpenMessage>;
  readonly streams: Map<string, BgpStreamDecoder>;
  /** Decoding context per sender direction, once both OPENs are known. */
  readonly contexts: Map<string, CodecContext>;
}

/**
 * Decodes every BGP message in a pcap or pcapng capture: TCP streams to or from the BGP port
 * are reassembled per direction and split into messages. What the messages of one direction
 * need to be decoded (4-octet AS, ADD-PATH, extended messages) comes from the two OPENs of that
 * connection, as negotiate() decides it; before both are seen a modern session is assumed
 * (4-octet AS, no ADD-PATH). Records are in capture order of the packet completing each.
 */
export function decodeCapture(file: Uint8Array, opts: CaptureDecodeOptions = {}): CaptureDecodeResult {
  const capture = readCapture(file);
  const port = opts.port ?? 179;
  const registry = decodeRegistry();
  const reassembler = new TcpReassembler<CapturedPacket>();
  const connections = new Map<string, Connection>();
  const records: DecodeRecord[] = [];
  const fallback = createContext({ registry, fourOctetAs: true });

  const connectionOf = (flow: TcpFlow): Connection => {
    let c = connections.get(flow.connectionKey);
    if (!c) {
      c = { opens: new Map(), streams: new Map(), contexts: new Map() };
      connections.set(flow.connectionKey, c);
    }
    return c;
  };
  const reverseKey = (f: TcpFlow) => `${f.dst}|${f.dstPort}|${f.src}|${f.srcPort}`;
  const originOf = (f: TcpFlow, p: CapturedPacket): RecordOrigin => ({
    packet: p.index,
    time: formatCaptureTime(p.seconds, p.nanos),
    src: f.src,
    srcPort: f.srcPort,
    dst: f.dst,
    dstPort: f.dstPort,
  });
  const contextFor = (c: Connection, f: TcpFlow): CodecContext => {
    const cached = c.contexts.get(f.key);
    if (cached) return cached;
    const sent = c.opens.get(f.key);
    const received = c.opens.get(reverseKey(f));
    if (sent && received) {
      try {
        const ctx = negotiate(received, sent, { registry }).rx;
        c.contexts.set(f.key, ctx);
        return ctx;
      } catch {
        // An OPEN negotiate() refuses (the session would not come up): decode with what the sender claims.
      }
    }
    if (sent) return createContext({ registry, fourOctetAs: findCapability(sent, 'four-octet-as') !== undefined });
    return fallback;
  };
  const onOpen = (c: Connection, f: TcpFlow, open: OpenMessage) => {
    c.opens.set(f.key, open);
    c.contexts.clear();
    const other = c.opens.get(reverseKey(f));
    if (other && findCapability(open, 'extended-message') && findCapability(other, 'extended-message')) {
      for (const s of c.streams.values()) s.allowExtendedMessages();
    }
  };
  const handleItems = (c: Connection, f: TcpFlow, p: CapturedPacket, items: FramedItem[]) => {
    for (const item of items) {
      if (item.kind === 'skipped') {
        records.push({ ...originOf(f, p), kind: 'skipped', bytes: item.bytes, code: item.code, reason: item.reason });
        continue;
      }
      const record = decodeOne(item.bytes, contextFor(c, f), originOf(f, p));
      records.push(record);
      if (record.kind === 'message' && record.message?.type === 'OPEN') onOpen(c, f, record.message);
    }
  };

  const events: StreamEvent<CapturedPacket>[] = [];
  for (const packet of capture.packets) {
    const segment = tcpSegmentOf(packet.linkType, packet.data, packet.originalLength);
    if (!segment || (segment.srcPort !== port && segment.dstPort !== port)) continue;
    events.push(...reassembler.push(segment, packet));
  }
  events.push(...reassembler.finish());

  // A message is available no earlier than the latest packet of its direction delivered so far: a
  // segment that waited for an earlier hole completes its messages when the hole is filled.
  const latest = new Map<string, CapturedPacket>();
  for (const event of events) {
    const seen = latest.get(event.flow.key);
    const e = seen && seen.index > event.packet.index ? { ...event, packet: seen } : event;
    latest.set(e.flow.key, e.packet);
    const c = connectionOf(e.flow);
    if (e.kind === 'open') {
      // A new connection on the same addresses and ports: start over for both directions.
      c.opens.clear();
      c.contexts.clear();
      c.streams.delete(e.flow.key);
      c.streams.delete(reverseKey(e.flow));
      continue;
    }
    let stream = c.streams.get(e.flow.key);
    if (!stream) {
      // Without the SYN the capture may begin inside a message.
      stream = new BgpStreamDecoder({ startInSync: false });
      c.streams.set(e.flow.key, stream);
    }
    if (e.kind === 'gap') {
      records.push({ ...originOf(e.flow, e.packet), kind: 'gap', missing: e.missing });
      handleItems(c, e.flow, e.packet, stream.lostSync());
      continue;
    }
    handleItems(c, e.flow, e.packet, stream.push(e.bytes));
  }
  // Streams flushed past a gap at the end belong where their packets were (the sort is stable).
  records.sort((a, b) => (a.packet ?? 0) - (b.packet ?? 0));
  return { format: capture.format, records, warnings: capture.warnings };
}

/** A record as one JSON object (one line of `evpn6 decode --json`). */
export function recordToJson(r: DecodeRecord): { [k: string]: Json } {
  const { message, ...rest } = r as DecodeRecord & { message?: BgpMessage };
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) out[k] = v as Json;
  if (message !== undefined) out['message'] = messageToJson(message);
  return out;
}

function endpoint(address: string | undefined, port: number | undefined): string {
  if (address === undefined) return '?';
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** A record as one line for people (`evpn6 decode` without --json). */
export function recordToText(r: DecodeRecord): string {
  const where = r.packet !== undefined ? `#${r.packet} ${r.time} ${endpoint(r.src, r.srcPort)} > ${endpoint(r.dst, r.dstPort)} ` : '';
  switch (r.kind) {
    case 'gap':
      return `${where}GAP ${r.missing} bytes missing from the capture`;
    case 'skipped':
      return `${where}SKIPPED ${r.bytes} bytes: ${r.reason} (${r.code})`;
    case 'message':
      if (r.message) return `${where}${summarizeMessage(r.message)}`;
      return `${where}${r.type} (${r.length} bytes) does not decode: ${r.error?.message ?? ''} (${r.error?.code ?? ''})`;
  }
}

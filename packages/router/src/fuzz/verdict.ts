/**
 * What our own decoder makes of a case's bytes, as the target would read them (our sending
 * context). A mutation does not always break what it aims at: a resized length may land on a
 * legal one, a flipped flag may be one nobody checks. The table's reactions for the class are
 * then widened by what a valid message may get; and bytes that end mid-message, or that hold a
 * NOTIFICATION of our own, have reactions of their own.
 */
import type { CodecContext, ErrorAction } from '@evpn6/bgp';
import { BgpError, decodeMessage, MessageFramer, MessageType, NotificationError } from '@evpn6/bgp';
import type { Expectation } from './expectations.js';
import type { Pattern } from './reaction.js';

export type OurVerdict =
  | { readonly kind: 'valid' }
  /** RFC 7606 handled it: the strongest action. */
  | { readonly kind: 'report'; readonly action: ErrorAction }
  /** We would end the session with this NOTIFICATION. */
  | { readonly kind: 'error'; readonly code: number; readonly subcode: number }
  /** The bytes stop inside a message: the target waits for the rest. */
  | { readonly kind: 'incomplete' }
  /** The bytes hold a NOTIFICATION: the target must close. */
  | { readonly kind: 'notification' };

export function ourVerdict(bytes: Uint8Array, ctx: CodecContext): OurVerdict {
  const framer = new MessageFramer();
  let messages: Uint8Array[];
  try {
    messages = framer.push(bytes);
  } catch (e) {
    if (e instanceof NotificationError) return { kind: 'error', code: e.errorCode, subcode: e.errorSubcode };
    throw e;
  }
  let worst: OurVerdict = { kind: 'valid' };
  for (const m of messages) {
    if (m[18] === MessageType.NOTIFICATION) return { kind: 'notification' };
    try {
      const decoded = decodeMessage(m, ctx);
      if (decoded.type === 'UPDATE' && decoded.report && worst.kind === 'valid') worst = { kind: 'report', action: decoded.report.action };
    } catch (e) {
      if (e instanceof NotificationError) return { kind: 'error', code: e.errorCode, subcode: e.errorSubcode };
      // Any other typed error (a DecodeError the session maps to a NOTIFICATION of its choosing).
      if (e instanceof BgpError) return { kind: 'error', code: m[18] === MessageType.OPEN ? 2 : 3, subcode: 0 };
      throw e;
    }
  }
  if (framer.buffered > 0) return { kind: 'incomplete' };
  return worst;
}

export function formatVerdict(v: OurVerdict): string {
  switch (v.kind) {
    case 'report':
      return `RFC 7606 ${v.action}`;
    case 'error':
      return `NOTIFICATION ${v.code}/${v.subcode}`;
    default:
      return v.kind;
  }
}

/**
 * The class's expectation widened by the verdict: a message that is still valid may be kept
 * (and may be withdrawn by checks beyond syntax, such as next-hop reachability); resetting over
 * a valid UPDATE is RFC 4271 strictness RFC 7606 replaced. Bytes cut mid-message leave the
 * target waiting (then its hold timer may fire); our own NOTIFICATION makes it close.
 */
export function widen(e: Expectation, v: OurVerdict, update: boolean): Expectation {
  const accept: Pattern[] = [...e.accept];
  const legacy: Pattern[] = [...(e.legacy ?? [])];
  switch (v.kind) {
    case 'valid':
      accept.push('kept');
      if (update) {
        accept.push('withdrawn');
        legacy.push({ code: 3 });
      }
      break;
    case 'incomplete':
      accept.push('kept', { code: 4, subcodes: [0] });
      break;
    case 'notification':
      accept.push('closed', { code: 6 });
      break;
    default:
      break;
  }
  const unique = (ps: Pattern[]) => ps.filter((p, i) => ps.findIndex((q) => JSON.stringify(q) === JSON.stringify(p)) === i);
  return { accept: unique(accept), legacy: unique(legacy), rfc: e.rfc };
}

import { BgpError, HEADER_LENGTH, MARKER_LENGTH, MAX_EXTENDED_MESSAGE_LENGTH, MAX_MESSAGE_LENGTH, MessageFramer } from '@evpn6/bgp';

/** What a stream decoder yields: whole messages, or bytes it had to skip and why. */
export type FramedItem =
  | { readonly kind: 'message'; readonly bytes: Uint8Array }
  | { readonly kind: 'skipped'; readonly bytes: number; readonly code: string; readonly reason: string };

/**
 * Splits one direction of a BGP byte stream into messages with MessageFramer, and recovers
 * where the framer cannot: after a gap in the capture, a stream joined in the middle, or a bad
 * header, it skips to the next plausible header (16 x 0xff, a length of 19..max and a type of
 * 1..5) and starts a fresh framer there. Messages before a bad header are never lost.
 */
export class BgpStreamDecoder {
  private framer = new MessageFramer();
  private extended = false;
  /** Searching for a header: bytes held back here until one is found. */
  private hunting: Uint8Array | null;
  /** Why the current search started, when a bad header (not a gap) started it. */
  private failure: { code: string; reason: string } | undefined;
  /** Views of the bytes the framer holds as its partial message (total length = framer.buffered). */
  private held: Uint8Array[] = [];

  constructor(options: { startInSync?: boolean } = {}) {
    this.hunting = options.startInSync === false ? new Uint8Array(0) : null;
  }

  /** Extended messages (RFC 8654) were negotiated: allow up to 65535 bytes. */
  allowExtendedMessages(): void {
    this.extended = true;
    this.framer.maxLength = MAX_EXTENDED_MESSAGE_LENGTH;
  }

  /** The stream lost bytes: what comes next starts at an unknown place in a message. */
  lostSync(): FramedItem[] {
    const dropped = this.framer.buffered + (this.hunting?.length ?? 0);
    this.resetFramer();
    this.hunting = new Uint8Array(0);
    this.failure = undefined;
    return dropped > 0 ? [{ kind: 'skipped', bytes: dropped, code: 'ERR_DECODE_GAP', reason: 'partial message before a gap' }] : [];
  }

  push(bytes: Uint8Array): FramedItem[] {
    const out: FramedItem[] = [];
    let chunk = bytes;
    while (chunk.length > 0) {
      if (this.hunting !== null) {
        const found = this.hunt(chunk, out);
        if (found === undefined) return out;
        chunk = found;
      }
      chunk = this.frame(chunk, out);
    }
    return out;
  }

  /** Looks for a header in held-back bytes + chunk; returns the bytes from it on, or undefined. */
  private hunt(chunk: Uint8Array, out: FramedItem[]): Uint8Array | undefined {
    const joined = concat(this.hunting!, chunk);
    const at = findHeader(joined, this.extended);
    // Without a header, keep a tail that could still be the start of one.
    const skipped = at < 0 ? joined.length - Math.min(joined.length, HEADER_LENGTH - 1) : at;
    if (skipped > 0 || (this.failure && at >= 0)) {
      const why = this.failure ?? { code: 'ERR_DECODE_RESYNC', reason: at < 0 ? 'no BGP header found' : 'bytes before the next BGP header' };
      // A bad header's first byte was stepped over before the search began: count it.
      out.push({ kind: 'skipped', bytes: skipped + (this.failure ? 1 : 0), code: why.code, reason: why.reason });
      this.failure = undefined;
    }
    if (at < 0) {
      this.hunting = joined.slice(skipped);
      return undefined;
    }
    this.hunting = null;
    return joined.subarray(at);
  }

  /** Feeds the framer; on a bad header, recovers the messages before it and starts hunting after it. */
  private frame(chunk: Uint8Array, out: FramedItem[]): Uint8Array {
    try {
      for (const m of this.framer.push(chunk)) out.push({ kind: 'message', bytes: m });
      this.hold(chunk);
      return chunk.subarray(chunk.length);
    } catch (e) {
      if (!(e instanceof BgpError)) throw e;
      // The framer drops what it completed in a failing push: replay byte by byte to find them
      // and the exact header that failed. Rare (a corrupt stream), so speed does not matter here.
      const replay = concat(concat(...this.held), chunk);
      this.resetFramer();
      for (let i = 0; i < replay.length; i++) {
        try {
          for (const m of this.framer.push(replay.subarray(i, i + 1))) out.push({ kind: 'message', bytes: m });
        } catch (again) {
          if (!(again instanceof BgpError)) throw again;
          // Headers are checked when their 19th byte arrives: the bad one began 18 bytes back.
          const headerStart = Math.max(0, i - (HEADER_LENGTH - 1));
          this.resetFramer();
          this.hunting = new Uint8Array(0);
          this.failure = { code: again.code, reason: again.message };
          return replay.subarray(headerStart + 1);
        }
      }
      // Not reproducible byte by byte (cannot happen with a deterministic framer): resynchronise.
      this.resetFramer();
      this.hunting = new Uint8Array(0);
      this.failure = { code: e.code, reason: e.message };
      return chunk.subarray(chunk.length);
    }
  }

  /** Keeps views of the framer's partial message, so a failure can replay it. */
  private hold(chunk: Uint8Array): void {
    let need = this.framer.buffered;
    if (need === 0) {
      this.held = [];
      return;
    }
    const kept: Uint8Array[] = [];
    const all = [...this.held, chunk];
    for (let i = all.length - 1; i >= 0 && need > 0; i--) {
      const c = all[i]!;
      const take = Math.min(need, c.length);
      kept.unshift(c.subarray(c.length - take));
      need -= take;
    }
    this.held = kept;
  }

  private resetFramer(): void {
    this.framer = new MessageFramer();
    this.held = [];
    if (this.extended) this.framer.maxLength = MAX_EXTENDED_MESSAGE_LENGTH;
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Where a plausible BGP header starts, or -1. */
function findHeader(b: Uint8Array, extended: boolean): number {
  const max = extended ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH;
  outer: for (let i = 0; i + HEADER_LENGTH <= b.length; i++) {
    for (let j = 0; j < MARKER_LENGTH; j++) if (b[i + j] !== 0xff) continue outer;
    const length = (b[i + 16]! << 8) | b[i + 17]!;
    const type = b[i + 18]!;
    if (length >= HEADER_LENGTH && length <= max && type >= 1 && type <= 5) return i;
  }
  return -1;
}

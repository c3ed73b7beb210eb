import { RibError, RibErrorCode } from './types.js';

/**
 * An UPDATE with nothing in it (RFC 4271 §4.3): the 19-byte header, Withdrawn Routes Length (2)
 * and Total Path Attribute Length (2). What remains of the message size is for withdrawn
 * routes, attributes and NLRI.
 *
 *   +-----------------------------------------------------+
 *   |   Header: Marker (16) | Length (2) | Type = 2 (1)   |
 *   +-----------------------------------------------------+
 *   |   Withdrawn Routes Length (2 octets)                |
 *   +-----------------------------------------------------+
 *   |   Withdrawn Routes (variable)                       |
 *   +-----------------------------------------------------+
 *   |   Total Path Attribute Length (2 octets)            |
 *   +-----------------------------------------------------+
 *   |   Path Attributes (variable)                        |
 *   +-----------------------------------------------------+
 *   |   NLRI (variable)                                   |
 *   +-----------------------------------------------------+
 */
export const UPDATE_FIXED_SIZE = 23;

/** How big things are on the wire for one peer and family; the packer itself knows no encoding. */
export interface UpdateSizes<N, X> {
  /** 4096, or 65535 with RFC 8654 extended messages. */
  readonly maxMessageSize: number;
  /** Bytes one NLRI takes (with its path identifier when ADD-PATH is on towards the peer). */
  nlriSize(nlri: N): number;
  /**
   * Bytes of the attributes without NLRI. For a multiprotocol family this includes the
   * MP_REACH_NLRI header and next hop; count that header as extended-length (4 bytes) since
   * packing may fill it past 255 bytes.
   */
  attributesSize(attrs: X): number;
  /**
   * Bytes a withdrawal UPDATE needs besides the NLRI: 0 for IPv4 unicast (withdrawn routes field),
   * the MP_UNREACH_NLRI attribute header and AFI/SAFI (4 + 3) for the other families.
   */
  readonly withdrawOverhead: number;
}

export type UpdateBatch<N, X> =
  | { readonly kind: 'withdraw'; readonly family: number; readonly nlri: N[] }
  | { readonly kind: 'announce'; readonly family: number; readonly attrs: X; readonly nlri: N[] };

export interface PackResult<N, X> {
  /** Withdrawals first, then one run of batches per attribute set, in order of first appearance. */
  readonly batches: UpdateBatch<N, X>[];
  /**
   * NLRI that cannot fit one UPDATE with their attributes. They are not recorded as sent; if the
   * peer had an older version it is withdrawn instead, so the peer never keeps a stale route.
   */
  readonly tooLarge: N[];
  /** The batch limit was reached: the rest is still pending, for the next `pack`. */
  readonly more: boolean;
}

/** What was sent, or is to be sent (attrs undefined: a withdrawal). */
export class OutEntry<N, X> {
  constructor(
    readonly nlri: N,
    readonly attrs: X | undefined,
    /** The attribute identity NLRI are grouped by: the attrs object or its attrsKey. */
    readonly group: unknown,
    /** Queued by a route refresh: goes out even though the peer already has it. */
    readonly resend: boolean,
  ) {}
}

/** Fills batches in arrival order, starting a new one when the next NLRI would not fit. */
class Filler<N, X> {
  readonly batches: UpdateBatch<N, X>[] = [];
  private current: N[] | undefined;
  private used = 0;
  constructor(
    private readonly family: number,
    /** Bytes left for NLRI in one UPDATE. */
    readonly room: number,
    private readonly attrs: X | undefined,
  ) {}

  /** Whether `size` more bytes need a new batch. */
  opens(size: number): boolean {
    return this.current === undefined || this.used + size > this.room;
  }

  add(nlri: N, size: number): void {
    let cur = this.current;
    if (cur === undefined || this.used + size > this.room) {
      cur = this.current = [];
      this.used = 0;
      this.batches.push(
        this.attrs === undefined
          ? { kind: 'withdraw', family: this.family, nlri: cur }
          : { kind: 'announce', family: this.family, attrs: this.attrs, nlri: cur },
      );
    }
    cur.push(nlri);
    this.used += size;
  }
}

/**
 * Moves pending entries of one peer and family into UPDATE batches and into `sent`. NLRI are
 * grouped by attribute identity (`OutEntry.group`) and each batch fits `maxMessageSize`.
 * Deterministic: the order follows the pending queue. With `maxBatches`, packing stops before the
 * entry that would open one batch too many (flow control: the session packs again when its
 * socket drains); the entries not taken stay pending, in order.
 */
export function packUpdates<N, X>(
  family: number,
  pending: Map<string, OutEntry<N, X>>,
  sent: Map<string, OutEntry<N, X>>,
  sizes: UpdateSizes<N, X>,
  maxBatches = Infinity,
): PackResult<N, X> {
  const max = sizes.maxMessageSize;
  if (!(max >= UPDATE_FIXED_SIZE + 1 && max <= 65535)) {
    throw new RibError(RibErrorCode.badConfig, `maximum message size ${max}`);
  }
  const withdrawals = new Filler<N, X>(family, max - UPDATE_FIXED_SIZE - sizes.withdrawOverhead, undefined);
  const groups = new Map<unknown, Filler<N, X>>();
  const tooLarge: N[] = [];
  let opened = 0;
  let taken = 0;
  let more = false;
  for (const [key, e] of pending) {
    const attrs = e.attrs;
    const size = sizes.nlriSize(e.nlri);
    let g: Filler<N, X> | undefined;
    let withdraw = attrs === undefined;
    if (attrs !== undefined) {
      g = groups.get(e.group);
      if (g === undefined) {
        g = new Filler<N, X>(family, max - UPDATE_FIXED_SIZE - sizes.attributesSize(attrs), attrs);
        groups.set(e.group, g);
      }
      if (size > g.room) {
        // Cannot be sent with these attributes; an older version the peer holds must go.
        g = undefined;
        withdraw = sent.has(key);
      }
    }
    const target = withdraw ? withdrawals : g;
    const sendable = target !== undefined && size <= target.room;
    const opensBatch = sendable && target.opens(size);
    if (opensBatch && opened >= maxBatches) {
      more = true;
      break;
    }
    taken++;
    if (!sendable) {
      // Too large even to withdraw, or never sent: nothing can go out.
      tooLarge.push(e.nlri);
      if (withdraw) sent.delete(key);
      continue;
    }
    if (opensBatch) opened++;
    target.add(e.nlri, size);
    if (withdraw) {
      sent.delete(key);
      if (attrs !== undefined) tooLarge.push(e.nlri);
    } else sent.set(key, e.resend ? new OutEntry(e.nlri, attrs, e.group, false) : e);
  }
  // Deleting the taken entries in one go after the walk is much cheaper than one by one.
  if (!more) pending.clear();
  else {
    for (const key of pending.keys()) {
      if (taken === 0) break;
      pending.delete(key);
      taken--;
    }
  }
  const batches = withdrawals.batches;
  for (const gr of groups.values()) for (const b of gr.batches) batches.push(b);
  return { batches, tooLarge, more };
}

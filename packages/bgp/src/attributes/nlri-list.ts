import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import type { CodecContext } from '../context.js';
import type { Nlri, NlriCodec } from '../nlri/registry.js';
import { familyKey } from '../iana.js';
import { EncodeError } from '../errors.js';

/** The NLRI of a family with no registered codec: the bytes as received, path ids included. */
export interface RawNlri {
  readonly kind: 'raw';
  readonly bytes: Uint8Array;
}

/** Decoded NLRI when the family's codec is registered, raw bytes otherwise. */
export type NlriList = readonly Nlri[] | RawNlri;

export function isRawNlri(n: NlriList): n is RawNlri {
  return (n as RawNlri).kind === 'raw';
}

/** Count of routes, or undefined for raw NLRI (unknowable without a codec). */
export function nlriCount(n: NlriList): number | undefined {
  return isRawNlri(n) ? undefined : n.length;
}

export function nlriListIsEmpty(n: NlriList): boolean {
  return isRawNlri(n) ? n.bytes.length === 0 : n.length === 0;
}

/**
 * Reads NLRI of one family to the end of `r`: through the registry, with a 4-byte path
 * identifier before each one when ADD-PATH receive is on for the family (RFC 7911 §3).
 * Throws the codec's DecodeError on a bad NLRI; the caller decides what that means.
 */
export function decodeNlriList(r: Reader, afi: number, safi: number, ctx: CodecContext, codec?: NlriCodec): NlriList {
  const c = codec ?? ctx.registry.get(afi, safi);
  if (!c) return { kind: 'raw', bytes: r.copy(r.remaining, 'NLRI') };
  const addPath = ctx.addPath.has(familyKey(afi, safi));
  const out: Nlri[] = [];
  while (r.pos < r.end) {
    const pathId = addPath ? r.u32('path identifier') : undefined;
    out.push(c.decode(r, ctx, pathId));
  }
  return out;
}

function codecFor(afi: number, safi: number, ctx: CodecContext, codec: NlriCodec | undefined): NlriCodec {
  const c = codec ?? ctx.registry.get(afi, safi);
  if (!c) throw new EncodeError('NLRI', `no codec registered for AFI ${afi}/SAFI ${safi} (give raw NLRI instead)`);
  return c;
}

export function nlriListLength(list: NlriList, afi: number, safi: number, ctx: CodecContext, codec?: NlriCodec): number {
  if (isRawNlri(list)) return list.bytes.length;
  if (list.length === 0) return 0;
  const c = codecFor(afi, safi, ctx, codec);
  const per = ctx.addPath.has(familyKey(afi, safi)) ? 4 : 0;
  let n = 0;
  for (const x of list) n += per + c.encodedLength(x, ctx);
  return n;
}

export function encodeNlriList(list: NlriList, w: Writer, afi: number, safi: number, ctx: CodecContext, codec?: NlriCodec): void {
  if (isRawNlri(list)) {
    w.bytes(list.bytes, 'NLRI');
    return;
  }
  if (list.length === 0) return;
  const c = codecFor(afi, safi, ctx, codec);
  const addPath = ctx.addPath.has(familyKey(afi, safi));
  for (const x of list) {
    if (addPath) {
      if (x.pathId === undefined) throw new EncodeError('path identifier', `ADD-PATH is on for ${c.name} but an NLRI has no pathId`);
      w.u32(x.pathId, 'path identifier');
    }
    c.encode(x, w, ctx);
  }
}

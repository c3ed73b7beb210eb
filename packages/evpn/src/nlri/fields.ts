import type { Reader, Writer } from '@evpn6/bgp';
import { DecodeError, EncodeError } from '@evpn6/bgp';
import type { RouteDistinguisher } from '../rd.js';
import { RdType } from '../iana.js';
import { EvpnDecodeCode } from '../errors.js';
import { MAX_VNI } from '../iana.js';

/**
 * The body of one route type, between the EVPN NLRI's length octet and the next route.
 * `decode` is called with `length` bytes known to be present at `r.pos`; it reads them all or
 * throws. `encode` writes the body only; the NLRI codec writes type and length around it.
 */
export interface RouteBodyCodec<R> {
  decode(r: Reader, length: number, pathId: number | undefined): R;
  encode(route: R, w: Writer): void;
  bodyLength(route: R): number;
}

/** Reads an RD at an absolute position whose bytes the caller has already bounds-checked. */
export function rdAt(v: DataView, p: number): RouteDistinguisher {
  const type = v.getUint16(p);
  if (type === RdType.IPV4 || type === RdType.AS4) return { type, admin: v.getUint32(p + 2), assigned: v.getUint16(p + 6) };
  return { type, admin: v.getUint16(p + 2), assigned: v.getUint32(p + 4) };
}

export function u24At(b: Uint8Array, p: number): number {
  return (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
}

export function badLength(routeName: string, at: number, length: number, expected: string): never {
  throw new DecodeError(EvpnDecodeCode.routeLength, `${routeName} route length`, at, `${length} bytes, expected ${expected}`);
}

/** Bits → bytes for the address lengths RFC 7432 allows in a route (32 or 128, and 0 where optional). */
export function addressBytes(bits: number, allowZero: boolean, field: string, at: number): number {
  if (bits === 32) return 4;
  if (bits === 128) return 16;
  if (bits === 0 && allowZero) return 0;
  throw new DecodeError(EvpnDecodeCode.ipLength, field, at, `${bits} bits, expected ${allowZero ? '0, ' : ''}32 or 128`);
}

export function checkLabel(v: number, field: string): void {
  if (!Number.isInteger(v) || v < 0 || v > MAX_VNI) throw new EncodeError(field, `${v} does not fit the 24-bit label field`);
}

export function checkU32(v: number, field: string): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new EncodeError(field, `${v} is not a 32-bit value`);
}

export function checkBytes(v: Uint8Array | undefined, lengths: readonly number[], field: string): void {
  if (!(v instanceof Uint8Array) || !lengths.includes(v.length)) {
    throw new EncodeError(field, `must be ${lengths.join(' or ')} bytes, got ${v instanceof Uint8Array ? v.length : typeof v}`);
  }
}

import { Address4, Address6 } from 'ip-address';
import { BgpError } from './errors.js';

/** Address text that does not parse as the family asked for. */
export class AddressError extends BgpError {
  constructor(text: string, expected: string) {
    super('ERR_BGP_ADDRESS', `"${text}" is not ${expected}`);
  }
}

/**
 * Parses IPv4 dotted quad or IPv6 text (any RFC 4291 form) into 4 or 16 bytes.
 * Text parsing leans on ip-address (its validation is thorough); formatting is ours,
 * because it sits on paths that print whole RIBs.
 */
export function parseIp(text: string): Uint8Array {
  if (text.includes(':')) return parseIpv6(text);
  return parseIpv4(text);
}

export function parseIpv4(text: string): Uint8Array {
  if (!Address4.isValid(text) || text.includes('/')) throw new AddressError(text, 'an IPv4 address');
  const a = new Address4(text);
  return Uint8Array.from(a.toArray());
}

export function parseIpv6(text: string): Uint8Array {
  if (!Address6.isValid(text) || text.includes('/') || text.includes('%')) throw new AddressError(text, 'an IPv6 address');
  // toByteArray goes through a big integer: leading zero bytes are dropped (or a sign byte added).
  const bytes = new Address6(text).toByteArray().slice(-16);
  const out = new Uint8Array(16);
  out.set(bytes, 16 - bytes.length);
  return out;
}

export function formatIpv4(b: Uint8Array, off = 0): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

/**
 * RFC 5952 canonical text: lower case, longest run (≥ 2) of zero groups as "::", first on ties.
 * Plain loops and string appends: this builds RIB keys, so it runs once per received prefix.
 */
export function formatIpv6(b: Uint8Array, off = 0): string {
  let bestStart = -1;
  let bestLen = 1;
  let runStart = -1;
  for (let i = 0; i < 8; i++) {
    const zero = b[off + 2 * i] === 0 && b[off + 2 * i + 1] === 0;
    if (zero) {
      if (runStart < 0) runStart = i;
      const len = i - runStart + 1;
      if (len > bestLen) {
        bestStart = runStart;
        bestLen = len;
      }
    } else runStart = -1;
  }
  // IPv4-mapped addresses keep their dotted tail, as every tool prints them.
  if (bestStart === 0 && bestLen === 5 && b[off + 10] === 0xff && b[off + 11] === 0xff) return `::ffff:${formatIpv4(b, off + 12)}`;
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += i === 0 ? '::' : ':';
      i += bestLen - 1;
      continue;
    }
    s += ((b[off + 2 * i]! << 8) | b[off + 2 * i + 1]!).toString(16);
    if (i < 7) s += ':';
  }
  return s;
}

/** Formats 4 bytes as IPv4 and 16 as IPv6; anything else as hex (a raw next hop, say). */
export function formatIp(b: Uint8Array): string {
  if (b.length === 4) return formatIpv4(b);
  if (b.length === 16) return formatIpv6(b);
  return toHex(b);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!];
  return s;
}

export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new BgpError('ERR_BGP_HEX', `not hex: "${text.slice(0, 40)}"`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic byte order; shorter first on a common prefix. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

import { formatIp, parseIp } from '@evpn6/bgp';
import { NetlinkEncodeError } from './errors.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** "02:00:5e:00:53:01", the way `ip -j` prints link-layer addresses (any length). */
export function formatLinkAddress(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += i === 0 ? HEX[b[i]!] : `:${HEX[b[i]!]}`;
  return s;
}

export function parseLinkAddress(text: string, what = 'link-layer address'): Uint8Array {
  if (text === '') return new Uint8Array(0);
  const parts = text.split(':');
  const out = new Uint8Array(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (!/^[0-9a-fA-F]{1,2}$/.test(p)) throw new NetlinkEncodeError(what, `"${text}" is not a colon-separated hex address`);
    out[i] = parseInt(p, 16);
  }
  return out;
}

export const ZERO_MAC = '00:00:00:00:00:00';

/** Normalises MAC text (case, leading zeros) so it compares with what the kernel reports. */
export function normalizeMac(text: string): string {
  const b = parseLinkAddress(text, 'MAC address');
  if (b.length !== 6) throw new NetlinkEncodeError('MAC address', `"${text}" is not 6 bytes`);
  return formatLinkAddress(b);
}

/** IPv4 or IPv6 text as 4 or 16 bytes; a parse failure is a NetlinkEncodeError. */
export function ipBytes(text: string, what: string): Uint8Array {
  try {
    return parseIp(text);
  } catch {
    throw new NetlinkEncodeError(what, `"${text}" is not an IP address`);
  }
}

export function ipText(b: Uint8Array): string {
  return formatIp(b);
}

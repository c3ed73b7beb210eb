import { EvpnError, EvpnErrorCode } from './errors.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** "02:00:00:00:00:01": lower case, colon separated, as FRR, GoBGP and iproute2 print MACs. */
export function formatMac(mac: Uint8Array, off = 0): string {
  return `${HEX[mac[off]!]}:${HEX[mac[off + 1]!]}:${HEX[mac[off + 2]!]}:${HEX[mac[off + 3]!]}:${HEX[mac[off + 4]!]}:${HEX[mac[off + 5]!]}`;
}

const MAC_TEXT = /^([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})$/i;

/** Parses "02:00:00:00:00:01" (or with dashes) into 6 bytes. */
export function parseMac(text: string): Uint8Array {
  const m = MAC_TEXT.exec(text);
  if (!m) throw new EvpnError(EvpnErrorCode.parse, `"${text}" is not a MAC address`);
  const out = new Uint8Array(6);
  for (let i = 0; i < 6; i++) out[i] = parseInt(m[i + 1]!, 16);
  return out;
}

/** Colon-separated hex of any length (ESI values, raw fields). */
export function colonHex(b: Uint8Array, from = 0, to = b.length): string {
  let s = '';
  for (let i = from; i < to; i++) s += i === from ? HEX[b[i]!] : `:${HEX[b[i]!]}`;
  return s;
}

import { VxlanError, VxlanErrorCode } from './errors.js';

/** Text that is not an IPv4 or IPv6 address. */
export class AddressError extends VxlanError {
  constructor(text: string) {
    super(VxlanErrorCode.address, `"${text}" is not an IPv4 or IPv6 address`);
  }
}

const IPV4_TEXT = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const GROUP_TEXT = /^[0-9a-fA-F]{1,4}$/;

/** Parses dotted-quad IPv4 (4 bytes) or RFC 4291 IPv6 text (16 bytes, "::" and a dotted tail allowed). */
export function parseIp(text: string): Uint8Array {
  if (!text.includes(':')) {
    if (!IPV4_TEXT.test(text)) throw new AddressError(text);
    return Uint8Array.from(text.split('.').map(Number));
  }
  const out = new Uint8Array(16);
  const halves = text.split('::');
  if (halves.length > 2) throw new AddressError(text);
  const groups = (part: string): number[] => {
    if (part === '') return [];
    const words: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (i === pieces.length - 1 && piece.includes('.')) {
        if (!IPV4_TEXT.test(piece)) throw new AddressError(text);
        const q = piece.split('.').map(Number);
        words.push((q[0]! << 8) | q[1]!, (q[2]! << 8) | q[3]!);
      } else {
        if (!GROUP_TEXT.test(piece)) throw new AddressError(text);
        words.push(parseInt(piece, 16));
      }
    }
    return words;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (halves.length === 1 ? head.length !== 8 : head.length + tail.length > 7) throw new AddressError(text);
  const words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  for (let i = 0; i < 8; i++) {
    out[2 * i] = words[i]! >>> 8;
    out[2 * i + 1] = words[i]! & 0xff;
  }
  return out;
}

/** 4 bytes as dotted quad, 16 as RFC 5952 text (longest zero run of two or more groups as "::"). */
export function formatIp(b: Uint8Array): string {
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  if (b.length !== 16) throw new AddressError(`<${b.length} bytes>`);
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[2 * i]! << 8) | b[2 * i + 1]!);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) => g.slice(from, to).map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}

/** Parses "02:00:5e:00:53:01" (colons or dashes) into 6 bytes. */
export function parseMac(text: string): Uint8Array {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) throw new AddressError(text);
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}

export function formatMac(b: Uint8Array, at = 0): string {
  const parts: string[] = [];
  for (let i = 0; i < 6; i++) parts.push((b[at + i] ?? 0).toString(16).padStart(2, '0'));
  return parts.join(':');
}

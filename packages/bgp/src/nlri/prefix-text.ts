/**
 * Prefix text ("2001:db8::/32", "192.0.2.0/24") written as character codes and turned into a
 * string in one step. It is the RIB key of every unicast route, so it is built once per received
 * prefix and kept as long as the route: a string grown by `+=` is a tree of cons-string pieces
 * that stays several times larger in memory (and slower to hash) than the flat string made here.
 * The text is the same as `formatIpv6`/`formatIpv4` followed by "/length".
 */

const HEX_DIGIT = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];
const COLON = 58;
const DOT = 46;
const SLASH = 47;
const ZERO = 48;

/** Scratch for the character codes; its length is set to what each call wrote before use. */
const codes: number[] = [];

function putDecimal(n: number, at: number): number {
  if (n >= 100) codes[at++] = ZERO + ((n / 100) | 0);
  if (n >= 10) codes[at++] = ZERO + (((n / 10) | 0) % 10);
  codes[at++] = ZERO + (n % 10);
  return at;
}

function putIpv4(b: Uint8Array, off: number, at: number): number {
  at = putDecimal(b[off]!, at);
  codes[at++] = DOT;
  at = putDecimal(b[off + 1]!, at);
  codes[at++] = DOT;
  at = putDecimal(b[off + 2]!, at);
  codes[at++] = DOT;
  return putDecimal(b[off + 3]!, at);
}

/** RFC 5952: lower case, no leading zeros, the longest run (≥ 2) of zero groups as "::", first on ties. */
function putIpv6(b: Uint8Array, at: number): number {
  let bestStart = -1;
  let bestLen = 1;
  let runStart = -1;
  for (let i = 0; i < 8; i++) {
    if (b[2 * i] === 0 && b[2 * i + 1] === 0) {
      if (runStart < 0) runStart = i;
      const len = i - runStart + 1;
      if (len > bestLen) {
        bestStart = runStart;
        bestLen = len;
      }
    } else runStart = -1;
  }
  if (bestStart === 0 && bestLen === 5 && b[10] === 0xff && b[11] === 0xff) {
    // IPv4-mapped: "::ffff:" and the dotted tail, as formatIpv6 prints it.
    codes[at++] = COLON;
    codes[at++] = COLON;
    for (let i = 0; i < 4; i++) codes[at++] = HEX_DIGIT[15]!;
    codes[at++] = COLON;
    return putIpv4(b, 12, at);
  }
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      if (i === 0) codes[at++] = COLON;
      codes[at++] = COLON;
      i += bestLen - 1;
      continue;
    }
    const v = (b[2 * i]! << 8) | b[2 * i + 1]!;
    if (v >= 0x1000) codes[at++] = HEX_DIGIT[v >> 12]!;
    if (v >= 0x100) codes[at++] = HEX_DIGIT[(v >> 8) & 15]!;
    if (v >= 0x10) codes[at++] = HEX_DIGIT[(v >> 4) & 15]!;
    codes[at++] = HEX_DIGIT[v & 15]!;
    if (i < 7) codes[at++] = COLON;
  }
  return at;
}

/**
 * "address/length" for a 4- or 16-byte address whose bits past `length` are already clear;
 * undefined for any other address size (the caller formats those itself).
 */
export function flatPrefixText(address: Uint8Array, length: number): string | undefined {
  let at: number;
  if (address.length === 16) at = putIpv6(address, 0);
  else if (address.length === 4) at = putIpv4(address, 0, 0);
  else return undefined;
  codes[at++] = SLASH;
  at = putDecimal(length, at);
  codes.length = at;
  return String.fromCharCode.apply(null, codes);
}

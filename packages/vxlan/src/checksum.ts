/**
 * The Internet checksum (RFC 1071): ones' complement sum of 16-bit big-endian words.
 * Sums are kept unfolded in a double (exact up to 2^53, far beyond any packet) and folded once.
 */

/** Adds bytes [start, end) as big-endian 16-bit words to `sum`; an odd last byte is padded with zero. */
export function sumWords(buf: Uint8Array, start: number, end: number, sum = 0): number {
  let i = start;
  if (end - start >= 256) {
    // Long runs: two 32-bit loads per turn, high and low halves summed apart (measured ~2x the byte
    // loop); short ones stay on the byte loop, which needs no DataView allocation.
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const end8 = start + ((end - start) & ~7);
    let high = 0;
    let low = 0;
    for (; i < end8; i += 8) {
      const a = view.getUint32(i);
      const b = view.getUint32(i + 4);
      high += (a >>> 16) + (b >>> 16);
      low += (a & 0xffff) + (b & 0xffff);
    }
    sum += high + low;
  }
  for (; i + 1 < end; i += 2) sum += (buf[i]! << 8) | buf[i + 1]!;
  if (i < end) sum += buf[i]! << 8;
  return sum;
}

/** Folds a sum to 16 bits with end-around carry. */
export function foldSum(sum: number): number {
  // Bring a double-sized sum under 2^32 first so the bit operations below are exact.
  while (sum > 0xffffffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** The checksum field value: complement of the folded sum. */
export function finishChecksum(sum: number): number {
  return ~foldSum(sum) & 0xffff;
}

/** Internet checksum of bytes [start, end). Verifying a header that contains its checksum gives 0. */
export function internetChecksum(buf: Uint8Array, start = 0, end = buf.length): number {
  return finishChecksum(sumWords(buf, start, end));
}

/**
 * Sum of the IPv6 pseudo-header (RFC 8200 §8.1): source, destination, upper-layer length (32 bits),
 * three zero bytes and the next header. Addresses are read at `srcAt`/`dstAt` in `buf`.
 */
export function ipv6PseudoHeaderSum(buf: Uint8Array, srcAt: number, dstAt: number, length: number, protocol: number): number {
  return sumWords(buf, srcAt, srcAt + 16, sumWords(buf, dstAt, dstAt + 16, 0)) + (length >>> 16) + (length & 0xffff) + protocol;
}

/** Sum of the IPv4 pseudo-header (RFC 768): source, destination, zero, protocol, UDP length. */
export function ipv4PseudoHeaderSum(buf: Uint8Array, srcAt: number, dstAt: number, length: number, protocol: number): number {
  return sumWords(buf, srcAt, srcAt + 4, sumWords(buf, dstAt, dstAt + 4, 0)) + length + protocol;
}

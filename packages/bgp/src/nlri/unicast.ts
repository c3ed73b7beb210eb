import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import type { Nlri, NlriCodec } from './registry.js';
import { Afi, Safi, UpdateErrorSubcode } from '../iana.js';
import { DecodeError, EncodeError } from '../errors.js';
import { formatIpv4, formatIpv6, parseIp, toHex } from '../address.js';
import { flatPrefixText } from './prefix-text.js';

/**
 * An IP prefix as carried in NLRI (RFC 4271 §4.3, RFC 4760 §5):
 *
 *   +---------------------------+
 *   |   Length (1 octet, bits)  |
 *   +---------------------------+
 *   |   Prefix (ceil(len/8))    |
 *   +---------------------------+
 *
 * `address` is always the full 4 or 16 bytes. The bits past `length` are kept exactly
 * as received (RFC 4271 says they are irrelevant; keeping them makes re-encoding
 * byte-identical), and `key` masks them so two spellings of one prefix are one route.
 */
export interface IpPrefix extends Nlri {
  readonly length: number;
  readonly address: Uint8Array;
}

/** Raised for a prefix length beyond the family's width; RFC 7606 §5.3 treats it as a bad NLRI field. */
export const BAD_PREFIX_LENGTH = 'ERR_BGP_BAD_PREFIX_LENGTH';

function prefixCodec(afi: number, safi: number, name: string, width: 4 | 16): NlriCodec<IpPrefix> {
  const maxBits = width * 8;
  const fmt = width === 4 ? formatIpv4 : formatIpv6;
  return {
    afi,
    safi,
    name,
    nextHopLengths: width === 4 ? [4, 16, 32] : [16, 32],
    decode(r: Reader, _ctx, pathId): IpPrefix {
      const at = r.pos;
      const length = r.u8('prefix length');
      if (length > maxBits) {
        throw new DecodeError(BAD_PREFIX_LENGTH, `${name} prefix length`, at, `${length} > ${maxBits} (subcode ${UpdateErrorSubcode.INVALID_NETWORK_FIELD})`);
      }
      const n = (length + 7) >> 3;
      if (r.pos + n > r.end) r.need(n, `${name} prefix bytes`);
      const address = addressSlot(width);
      for (let i = 0; i < n; i++) address[i] = r.buf[r.pos + i]!;
      r.pos += n;
      return { pathId, length, address };
    },
    encode(p: IpPrefix, w: Writer): void {
      if (p.length > maxBits || p.address.length !== width) {
        throw new EncodeError(`${name} prefix`, `length ${p.length} with a ${p.address.length}-byte address`);
      }
      const n = (p.length + 7) >> 3;
      w.u8(p.length);
      w.bytes(n === width ? p.address : p.address.subarray(0, n));
    },
    encodedLength(p: IpPrefix): number {
      return 1 + ((p.length + 7) >> 3);
    },
    key(p: IpPrefix): string {
      return prefixToString(p);
    },
    format(p: IpPrefix): string {
      return `${fmt(masked(p))}/${p.length}`;
    },
  };
}

/**
 * Decoded addresses are cut from small shared blocks: a Uint8Array of its own costs about twice
 * the memory of a view (an ArrayBuffer object per address), and a full table holds a million of
 * them. The blocks are fresh zeroed memory, never the input buffer, and every slot is handed out
 * once, so each address is still a copy nobody else writes to. A block lives as long as any
 * address cut from it; at 1 KiB that bounds what a lone survivor keeps alive.
 */
const SLAB_BYTES = 1024;
let slab = new Uint8Array(0);
let slabUsed = 0;

function addressSlot(width: number): Uint8Array {
  if (slabUsed + width > slab.length) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  const a = slab.subarray(slabUsed, slabUsed + width);
  slabUsed += width;
  return a;
}

function masked(p: IpPrefix): Uint8Array {
  const full = p.length >> 3;
  const bits = p.length & 7;
  const a = p.address;
  let clean = true;
  for (let i = full + (bits ? 1 : 0); i < a.length; i++) if (a[i] !== 0) clean = false;
  if (bits && (a[full]! & (0xff >> bits)) !== 0) clean = false;
  if (clean) return a;
  const m = new Uint8Array(a.length);
  m.set(a.subarray(0, full));
  if (bits) m[full] = a[full]! & (0xff << (8 - bits));
  return m;
}

export const ipv4Unicast = prefixCodec(Afi.IPV4, Safi.UNICAST, 'ipv4-unicast', 4);
export const ipv6Unicast = prefixCodec(Afi.IPV6, Safi.UNICAST, 'ipv6-unicast', 16);

/** "2001:db8::/32" or "192.0.2.0/24", host bits cleared. */
export function prefixToString(p: IpPrefix): string {
  const a = masked(p);
  return flatPrefixText(a, p.length) ?? `${toHex(a)}/${p.length}`;
}

/** Parses "2001:db8::/32"; a bare address is a host prefix. Host bits must be zero. */
export function parsePrefix(text: string, pathId?: number): IpPrefix {
  const slash = text.indexOf('/');
  const address = parseIp(slash < 0 ? text : text.slice(0, slash));
  const max = address.length * 8;
  const lenText = slash < 0 ? String(max) : text.slice(slash + 1);
  const length = /^\d{1,3}$/.test(lenText) ? Number(lenText) : NaN;
  if (!(length >= 0 && length <= max)) throw new EncodeError('prefix', `"${text}" has no valid length (0..${max})`);
  const p: IpPrefix = { pathId, length, address };
  if (masked(p) !== address) throw new EncodeError('prefix', `"${text}" has bits set past /${length}`);
  return p;
}


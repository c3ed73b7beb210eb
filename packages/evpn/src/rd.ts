import type { Reader, Writer } from '@evpn6/bgp';
import { EncodeError, parseIpv4 } from '@evpn6/bgp';
import { EvpnError, EvpnErrorCode } from './errors.js';
import { RdType } from './iana.js';

/**
 * Route distinguisher (RFC 4364 §4.2), 8 octets:
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |             Type              |   Value ...                   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                     ... Value (6 octets)                      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *   type 0: Administrator = 2-octet AS,      Assigned = 4 octets
 *   type 1: Administrator = IPv4 address,    Assigned = 2 octets
 *   type 2: Administrator = 4-octet AS,      Assigned = 2 octets
 *
 * Always numbers (an IPv4 administrator as its 32-bit value), so decoding allocates one small
 * object of one shape. A type we do not know keeps its 6 value octets split like type 0
 * (2 + 4), which loses nothing and re-encodes byte-identical.
 */
export interface RouteDistinguisher {
  readonly type: number;
  readonly admin: number;
  readonly assigned: number;
}

export const RD_LENGTH = 8;

/** Splits a type's 6 value octets: [administrator octets, assigned octets]. */
function adminWidth(type: number): 2 | 4 {
  return type === RdType.IPV4 || type === RdType.AS4 ? 4 : 2;
}

export function decodeRd(r: Reader): RouteDistinguisher {
  if (r.pos + 8 > r.end) r.need(8, 'route distinguisher');
  const v = r.view;
  const p = r.pos;
  r.pos = p + 8;
  const type = v.getUint16(p);
  if (type === RdType.IPV4 || type === RdType.AS4) {
    return { type, admin: v.getUint32(p + 2), assigned: v.getUint16(p + 6) };
  }
  return { type, admin: v.getUint16(p + 2), assigned: v.getUint32(p + 4) };
}

export function encodeRd(rd: RouteDistinguisher, w: Writer): void {
  w.u16(rd.type, 'route distinguisher type');
  if (adminWidth(rd.type) === 4) {
    w.u32(rd.admin, 'route distinguisher administrator');
    w.u16(rd.assigned, 'route distinguisher assigned number');
  } else {
    w.u16(rd.admin, 'route distinguisher administrator');
    w.u32(rd.assigned, 'route distinguisher assigned number');
  }
}

/** Checks an RD before anything is written, so an UPDATE is never half-encoded. */
export function checkRd(rd: RouteDistinguisher): void {
  const wide = adminWidth(rd.type) === 4;
  const ok =
    Number.isInteger(rd.type) && rd.type >= 0 && rd.type <= 0xffff &&
    Number.isInteger(rd.admin) && rd.admin >= 0 && rd.admin <= (wide ? 0xffffffff : 0xffff) &&
    Number.isInteger(rd.assigned) && rd.assigned >= 0 && rd.assigned <= (wide ? 0xffff : 0xffffffff);
  if (!ok) throw new EncodeError('route distinguisher', `${JSON.stringify(rd)} does not fit type ${rd.type}`);
}

export interface AsTextOptions {
  /**
   * How a 4-octet AS is printed: 'asdot' ("64086.59905", GoBGP and RFC 5396 asdot) or
   * 'asplain' ("4200000001", FRR 8). Default 'asdot'.
   */
  asNotation?: 'asdot' | 'asplain';
}

/** A 4-octet AS as asdot (always dotted, so a type 2 RD stays type 2 when parsed back) or asplain. */
export function formatAs4(as: number, notation: 'asdot' | 'asplain' = 'asdot'): string {
  return notation === 'asplain' ? String(as) : `${Math.floor(as / 65536)}.${as & 0xffff}`;
}

/** "64512:100", "192.0.2.1:100", "64086.59905:300" (or "4200000001:300" with asplain). */
export function formatRd(rd: RouteDistinguisher, opts: AsTextOptions = {}): string {
  switch (rd.type) {
    case RdType.AS2:
      return `${rd.admin}:${rd.assigned}`;
    case RdType.IPV4:
      return `${ipv4FromNumber(rd.admin)}:${rd.assigned}`;
    case RdType.AS4:
      return `${formatAs4(rd.admin, opts.asNotation)}:${rd.assigned}`;
    default:
      return `${rd.type}:${rd.admin}:${rd.assigned}`;
  }
}

/**
 * Parses administrator:assigned text into a numeric pair and the family it implies:
 * 'ipv4' (dotted quad), 'as4' (asdot "X.Y", or asplain above 65535) or 'as2'.
 * Shared by route distinguishers and route targets, which print alike.
 */
export function parseAdminAssigned(text: string, what: string): { kind: 'as2' | 'ipv4' | 'as4'; admin: number; assigned: number } {
  const colon = text.lastIndexOf(':');
  const adminText = text.slice(0, colon);
  const assignedText = text.slice(colon + 1);
  if (colon <= 0 || !/^\d{1,10}$/.test(assignedText)) throw new EvpnError(EvpnErrorCode.parse, `"${text}" is not a ${what}`);
  const assigned = Number(assignedText);
  let kind: 'as2' | 'ipv4' | 'as4';
  let admin: number;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(adminText)) {
    kind = 'ipv4';
    admin = ipv4ToNumber(parseIpv4Text(adminText, text, what));
  } else if (/^\d{1,5}\.\d{1,5}$/.test(adminText)) {
    const [hi, lo] = adminText.split('.').map(Number) as [number, number];
    if (hi > 0xffff || lo > 0xffff) throw new EvpnError(EvpnErrorCode.parse, `"${text}" is not a ${what}: asdot part above 65535`);
    kind = 'as4';
    admin = hi * 65536 + lo;
  } else if (/^\d{1,10}$/.test(adminText)) {
    admin = Number(adminText);
    if (admin > 0xffffffff) throw new EvpnError(EvpnErrorCode.parse, `"${text}" is not a ${what}: AS above 4294967295`);
    kind = admin > 0xffff ? 'as4' : 'as2';
  } else {
    throw new EvpnError(EvpnErrorCode.parse, `"${text}" is not a ${what}`);
  }
  const maxAssigned = kind === 'as2' ? 0xffffffff : 0xffff;
  if (assigned > maxAssigned) {
    throw new EvpnError(EvpnErrorCode.parse, `"${text}" is not a ${what}: assigned number above ${maxAssigned} for this administrator`);
  }
  return { kind, admin, assigned };
}

/** Parses what `formatRd` prints; a 4-octet AS may be asdot or asplain (above 65535). */
export function parseRd(text: string): RouteDistinguisher {
  const { kind, admin, assigned } = parseAdminAssigned(text, 'route distinguisher');
  const type = kind === 'ipv4' ? RdType.IPV4 : kind === 'as4' ? RdType.AS4 : RdType.AS2;
  return { type, admin, assigned };
}

export function rdEquals(a: RouteDistinguisher, b: RouteDistinguisher): boolean {
  return a.type === b.type && a.admin === b.admin && a.assigned === b.assigned;
}

/** An RD whose administrator is an IPv4 address, e.g. router-id:N as FRR derives them. */
export function rdFromIpv4(address: string | Uint8Array, assigned: number): RouteDistinguisher {
  const bytes = typeof address === 'string' ? parseIpv4Text(address, address, 'route distinguisher') : address;
  if (bytes.length !== 4) throw new EvpnError(EvpnErrorCode.value, `route distinguisher administrator must be 4 bytes, got ${bytes.length}`);
  if (!Number.isInteger(assigned) || assigned < 0 || assigned > 0xffff) {
    throw new EvpnError(EvpnErrorCode.value, `route distinguisher assigned number ${assigned} does not fit 16 bits`);
  }
  return { type: RdType.IPV4, admin: ipv4ToNumber(bytes), assigned };
}

export function ipv4ToNumber(b: Uint8Array): number {
  return ((b[0]! << 24) >>> 0) + (b[1]! << 16) + (b[2]! << 8) + b[3]!;
}

export function ipv4FromNumber(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

function parseIpv4Text(adminText: string, whole: string, what: string): Uint8Array {
  try {
    return parseIpv4(adminText);
  } catch {
    throw new EvpnError(EvpnErrorCode.parse, `"${whole}" is not a ${what}: bad IPv4 administrator`);
  }
}

import type { Codec, CodecContext, Reader, Writer } from '@evpn6/bgp';
import { EncodeError } from '@evpn6/bgp';
import { EvpnError, EvpnErrorCode } from './errors.js';
import { ExtCommunitySubtype as Sub, ExtCommunityType as Type, TunnelEncapsulation } from './iana.js';
import { colonHex, formatMac } from './mac.js';
import { formatAs4, ipv4FromNumber, parseAdminAssigned } from './rd.js';
import type { AsTextOptions } from './rd.js';

/**
 * The extended communities EVPN uses, typed; every other one stays raw. Each is 8 octets
 * (RFC 4360 §2):
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Type high    |  Type low     |                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+          Value                |
 *  |                                                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *  route target  00|01|02 02  AS2:4 / IPv4:2 / AS4:2          (RFC 4360, RFC 5668)
 *  encapsulation 03 0c   reserved(4) tunnel type(2)            (RFC 9012 §4.1; VXLAN = 8)
 *  default gw    03 0d   reserved(6)                           (RFC 7432 §7.8)
 *  MAC mobility  06 00   flags(1) reserved(1) sequence(4)      (RFC 7432 §7.7; flag 0x01 = sticky)
 *  ESI label     06 01   flags(1) reserved(2) label(3)         (RFC 7432 §7.5; flag 0x01 = single-active)
 *  ES-import RT  06 02   MAC(6)                                (RFC 7432 §7.6)
 *  router's MAC  06 03   MAC(6)                                (RFC 9135 §8.1)
 *
 * A community whose reserved octets are not zero is kept raw, so decoding then encoding any
 * community gives back its exact 8 bytes.
 */
export type EvpnExtCommunity =
  | RouteTarget
  | { readonly kind: 'encapsulation'; readonly tunnelType: number }
  | { readonly kind: 'default-gateway' }
  | { readonly kind: 'mac-mobility'; readonly flags: number; readonly sequence: number }
  | { readonly kind: 'esi-label'; readonly flags: number; readonly label: number }
  | { readonly kind: 'es-import-route-target'; readonly mac: Uint8Array }
  | { readonly kind: 'router-mac'; readonly mac: Uint8Array }
  | { readonly kind: 'raw'; readonly bytes: Uint8Array };

/**
 * A route target: 2-octet AS:4-octet number ('as2', type 0x00), IPv4:2-octet number ('ipv4',
 * 0x01, admin as a 32-bit number) or 4-octet AS:2-octet number ('as4', 0x02).
 */
export interface RouteTarget {
  readonly kind: 'route-target';
  readonly format: 'as2' | 'ipv4' | 'as4';
  readonly admin: number;
  readonly assigned: number;
}

export const EXT_COMMUNITY_LENGTH = 8;

function u32(b: Uint8Array, p: number): number {
  return ((b[p]! << 24) >>> 0) + (b[p + 1]! << 16) + (b[p + 2]! << 8) + b[p + 3]!;
}

function zero(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}

/** Types the 8 bytes at `offset` (copies what it keeps). */
export function decodeExtCommunity(bytes: Uint8Array, offset = 0): EvpnExtCommunity {
  if (offset < 0 || offset + 8 > bytes.length) {
    throw new EvpnError(EvpnErrorCode.value, `an extended community is 8 bytes, have ${bytes.length - offset}`);
  }
  const b = bytes;
  const p = offset;
  const high = b[p]!;
  const low = b[p + 1]!;
  if (low === Sub.ROUTE_TARGET) {
    if (high === Type.TRANSITIVE_AS2) {
      return { kind: 'route-target', format: 'as2', admin: (b[p + 2]! << 8) | b[p + 3]!, assigned: u32(b, p + 4) };
    }
    if (high === Type.TRANSITIVE_IPV4 || high === Type.TRANSITIVE_AS4) {
      return { kind: 'route-target', format: high === Type.TRANSITIVE_IPV4 ? 'ipv4' : 'as4', admin: u32(b, p + 2), assigned: (b[p + 6]! << 8) | b[p + 7]! };
    }
  }
  if (high === Type.TRANSITIVE_OPAQUE) {
    if (low === Sub.ENCAPSULATION && zero(b, p + 2, p + 6)) return { kind: 'encapsulation', tunnelType: (b[p + 6]! << 8) | b[p + 7]! };
    if (low === Sub.DEFAULT_GATEWAY && zero(b, p + 2, p + 8)) return { kind: 'default-gateway' };
  }
  if (high === Type.EVPN) {
    if (low === Sub.MAC_MOBILITY && b[p + 3] === 0) return { kind: 'mac-mobility', flags: b[p + 2]!, sequence: u32(b, p + 4) };
    if (low === Sub.ESI_LABEL && b[p + 3] === 0 && b[p + 4] === 0) {
      return { kind: 'esi-label', flags: b[p + 2]!, label: (b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]! };
    }
    if (low === Sub.ES_IMPORT_ROUTE_TARGET) return { kind: 'es-import-route-target', mac: b.slice(p + 2, p + 8) };
    if (low === Sub.ROUTERS_MAC) return { kind: 'router-mac', mac: b.slice(p + 2, p + 8) };
  }
  return { kind: 'raw', bytes: b.slice(p, p + 8) };
}

function intIn(v: number, max: number, field: string): number {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new EncodeError(field, `${v} is out of range 0..${max}`);
  return v;
}

function mac6(m: Uint8Array, field: string): Uint8Array {
  if (!(m instanceof Uint8Array) || m.length !== 6) throw new EncodeError(field, 'must be 6 bytes');
  return m;
}

function put16(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 8;
  out[at + 1] = v & 0xff;
}

function put32(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 24;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
}

/** Writes the 8 bytes of `c` into `out` at `offset`; range checks come before any byte is written. */
export function writeExtCommunity(c: EvpnExtCommunity, out: Uint8Array, offset = 0): void {
  if (offset < 0 || offset + 8 > out.length) throw new EncodeError('extended community', 'no room for 8 bytes');
  const p = offset;
  switch (c.kind) {
    case 'route-target':
      out[p + 1] = Sub.ROUTE_TARGET;
      if (c.format === 'as2') {
        const admin = intIn(c.admin, 0xffff, 'route target AS');
        const assigned = intIn(c.assigned, 0xffffffff, 'route target number');
        out[p] = Type.TRANSITIVE_AS2;
        put16(out, p + 2, admin);
        put32(out, p + 4, assigned);
      } else {
        const admin = intIn(c.admin, 0xffffffff, 'route target administrator');
        const assigned = intIn(c.assigned, 0xffff, 'route target number');
        out[p] = c.format === 'ipv4' ? Type.TRANSITIVE_IPV4 : Type.TRANSITIVE_AS4;
        put32(out, p + 2, admin);
        put16(out, p + 6, assigned);
      }
      return;
    case 'encapsulation': {
      const t = intIn(c.tunnelType, 0xffff, 'tunnel type');
      out[p] = Type.TRANSITIVE_OPAQUE;
      out[p + 1] = Sub.ENCAPSULATION;
      out.fill(0, p + 2, p + 6);
      put16(out, p + 6, t);
      return;
    }
    case 'default-gateway':
      out[p] = Type.TRANSITIVE_OPAQUE;
      out[p + 1] = Sub.DEFAULT_GATEWAY;
      out.fill(0, p + 2, p + 8);
      return;
    case 'mac-mobility': {
      const flags = intIn(c.flags, 0xff, 'MAC mobility flags');
      const seq = intIn(c.sequence, 0xffffffff, 'MAC mobility sequence');
      out[p] = Type.EVPN;
      out[p + 1] = Sub.MAC_MOBILITY;
      out[p + 2] = flags;
      out[p + 3] = 0;
      put32(out, p + 4, seq);
      return;
    }
    case 'esi-label': {
      const flags = intIn(c.flags, 0xff, 'ESI label flags');
      const label = intIn(c.label, 0xffffff, 'ESI label');
      out[p] = Type.EVPN;
      out[p + 1] = Sub.ESI_LABEL;
      out[p + 2] = flags;
      put32(out, p + 4, label);
      out[p + 3] = 0;
      out[p + 4] = 0;
      return;
    }
    case 'es-import-route-target':
    case 'router-mac': {
      const mac = mac6(c.mac, c.kind);
      out[p] = Type.EVPN;
      out[p + 1] = c.kind === 'router-mac' ? Sub.ROUTERS_MAC : Sub.ES_IMPORT_ROUTE_TARGET;
      out.set(mac, p + 2);
      return;
    }
    case 'raw':
      if (!(c.bytes instanceof Uint8Array) || c.bytes.length !== 8) throw new EncodeError('extended community', 'raw value must be 8 bytes');
      out.set(c.bytes, p);
      return;
  }
}

/** The 8 bytes of `c`, in the shape the generic EXTENDED_COMMUNITIES attribute holds. */
export function encodeExtCommunity(c: EvpnExtCommunity): Uint8Array {
  const out = new Uint8Array(8);
  writeExtCommunity(c, out, 0);
  return out;
}

/** Types every value of a generic EXTENDED_COMMUNITIES attribute. */
export function decodeExtCommunities(values: readonly Uint8Array[]): EvpnExtCommunity[] {
  const out = new Array<EvpnExtCommunity>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v.length !== 8) throw new EvpnError(EvpnErrorCode.value, `an extended community is 8 bytes, got ${v.length}`);
    out[i] = decodeExtCommunity(v);
  }
  return out;
}

/** An 8-byte community as a wire object, for golden vectors and for callers holding a Reader. */
export const extCommunityCodec: Codec<EvpnExtCommunity, CodecContext | undefined> = {
  decode(r: Reader): EvpnExtCommunity {
    if (r.pos + 8 > r.end) r.need(8, 'extended community');
    const c = decodeExtCommunity(r.buf, r.pos);
    r.pos += 8;
    return c;
  },
  encode(c: EvpnExtCommunity, w: Writer): void {
    if (w.pos + 8 > w.buf.length) throw new EncodeError('extended community', 'buffer too small');
    writeExtCommunity(c, w.buf, w.pos);
    w.pos += 8;
  },
  encodedLength(): number {
    return 8;
  },
};

// ---- route targets ----

/** "64512:100", "192.0.2.1:100", "64086.59905:300" (asdot, as GoBGP prints) or asplain. */
export function formatRouteTarget(rt: RouteTarget, opts: AsTextOptions = {}): string {
  if (rt.format === 'ipv4') return `${ipv4FromNumber(rt.admin)}:${rt.assigned}`;
  if (rt.format === 'as4') return `${formatAs4(rt.admin, opts.asNotation)}:${rt.assigned}`;
  return `${rt.admin}:${rt.assigned}`;
}

/**
 * Parses route target text. An AS above 65535 (asplain) or in asdot makes a 4-octet-AS target
 * (type 0x02); a dotted quad makes an IPv4 one; otherwise 2-octet AS with a 4-octet number.
 */
export function parseRouteTarget(text: string): RouteTarget {
  const { kind, admin, assigned } = parseAdminAssigned(text, 'route target');
  return { kind: 'route-target', format: kind, admin, assigned };
}

/** Identity for import matching: equal keys = the same route target on the wire. */
export function routeTargetKey(rt: RouteTarget): string {
  return `${rt.format}:${rt.admin}:${rt.assigned}`;
}

export function routeTargetEquals(a: RouteTarget, b: RouteTarget): boolean {
  return a.format === b.format && a.admin === b.admin && a.assigned === b.assigned;
}

export interface AutoRouteTargetOptions {
  /**
   * Set RFC 8365 §5.1.2.1's Type field to 1 (VXLAN) in the local administrator: the top octet
   * becomes 0x10 (A=0 auto-derived, Type=1, D-ID=0), which is what FRR emits with
   * `autort rfc8365-compatible` (and Junos expects). Default true. false gives FRR's default
   * auto RT, plain AS:VNI.
   */
  rfc8365?: boolean;
}

/**
 * The auto-derived route target for a VNI (RFC 8365 §5.1.2.1): a 2-octet-AS target whose global
 * administrator is the AS (its low 16 bits when 4-octet, as FRR does) and whose local
 * administrator carries the VNI in its low 24 bits.
 */
export function autoRouteTarget(as: number, vni: number, opts: AutoRouteTargetOptions = {}): RouteTarget {
  if (!Number.isInteger(as) || as < 0 || as > 0xffffffff) throw new EvpnError(EvpnErrorCode.value, `AS ${as} is not a 32-bit number`);
  if (!Number.isInteger(vni) || vni < 0 || vni > 0xffffff) throw new EvpnError(EvpnErrorCode.value, `VNI ${vni} does not fit 24 bits`);
  const typeBits = opts.rfc8365 === false ? 0 : 0x10000000;
  return { kind: 'route-target', format: 'as2', admin: as & 0xffff, assigned: typeBits + vni };
}

// ---- builders for the common ones ----

export function encapsulation(tunnelType: number = TunnelEncapsulation.VXLAN): EvpnExtCommunity {
  return { kind: 'encapsulation', tunnelType };
}

export function macMobility(sequence: number, sticky = false): EvpnExtCommunity {
  return { kind: 'mac-mobility', flags: sticky ? 0x01 : 0, sequence };
}

export function routerMac(mac: Uint8Array): EvpnExtCommunity {
  return { kind: 'router-mac', mac: mac6(mac, 'router MAC').slice() };
}

/** FRR-like text: "RT:64512:100", "ET:8", "MM:5, sticky MAC", "ESI-label-Rt:AA:10551", "Rmac:...". */
export function formatExtCommunity(c: EvpnExtCommunity, opts: AsTextOptions = {}): string {
  switch (c.kind) {
    case 'route-target':
      return `RT:${formatRouteTarget(c, opts)}`;
    case 'encapsulation':
      return `ET:${c.tunnelType}`;
    case 'default-gateway':
      return 'Default Gateway';
    case 'mac-mobility':
      return `MM:${c.sequence}${c.flags & 0x01 ? ', sticky MAC' : ''}`;
    case 'esi-label':
      return `ESI-label-Rt:${c.flags & 0x01 ? 'SA' : 'AA'}:${c.label}`;
    case 'es-import-route-target':
      return `ES-Import-Rt:${formatMac(c.mac)}`;
    case 'router-mac':
      return `Rmac:${formatMac(c.mac)}`;
    case 'raw':
      return `raw:${colonHex(c.bytes)}`;
  }
}

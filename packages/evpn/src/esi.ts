import { formatIpv4, parseIpv4 } from '@evpn6/bgp';
import { EvpnError, EvpnErrorCode } from './errors.js';
import { EsiType } from './iana.js';
import { colonHex, formatMac } from './mac.js';

/**
 * Ethernet Segment Identifier (RFC 7432 §5), 10 octets: a type octet and 9 value octets.
 *
 *  +---+---+---+---+---+---+---+---+---+---+
 *  | T |          ESI Value (9)            |
 *  +---+---+---+---+---+---+---+---+---+---+
 *
 *   T=0 arbitrary:  9 octets chosen by the operator
 *   T=1 LACP:       CE system MAC (6) | port key (2)         | 0
 *   T=2 MSTP:       root bridge MAC (6) | priority (2)        | 0
 *   T=3 MAC:        system MAC (6) | local discriminator (3)
 *   T=4 router-id:  router ID (4) | local discriminator (4)  | 0
 *   T=5 AS:         AS number (4) | local discriminator (4)  | 0
 *
 * Routes keep the ESI as its 10 raw bytes (a copy): cheap to decode, exact to re-encode, and a
 * ready map key via `formatEsi`. `describeEsi` gives the typed fields when someone asks.
 */
export type Esi = Uint8Array;

export const ESI_LENGTH = 10;

export type EsiInfo =
  | { readonly type: 'arbitrary'; readonly value: Uint8Array }
  | { readonly type: 'lacp'; readonly systemMac: Uint8Array; readonly portKey: number }
  | { readonly type: 'mstp'; readonly bridgeMac: Uint8Array; readonly priority: number }
  | { readonly type: 'mac'; readonly systemMac: Uint8Array; readonly localDiscriminator: number }
  | { readonly type: 'router-id'; readonly routerId: string; readonly localDiscriminator: number }
  | { readonly type: 'as'; readonly as: number; readonly localDiscriminator: number }
  | { readonly type: 'unknown'; readonly esiType: number; readonly value: Uint8Array };

/** The all-zero ESI: a single-homed site (RFC 7432 §5). */
export function zeroEsi(): Esi {
  return new Uint8Array(ESI_LENGTH);
}

export function isZeroEsi(esi: Esi): boolean {
  for (let i = 0; i < esi.length; i++) if (esi[i] !== 0) return false;
  return true;
}

function u16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}
function u24(b: Uint8Array, at: number): number {
  return (b[at]! << 16) | (b[at + 1]! << 8) | b[at + 2]!;
}
function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + u24(b, at + 1);
}

export function describeEsi(esi: Esi): EsiInfo {
  if (esi.length !== ESI_LENGTH) throw new EvpnError(EvpnErrorCode.value, `an ESI is 10 bytes, got ${esi.length}`);
  switch (esi[0]) {
    case EsiType.ARBITRARY:
      return { type: 'arbitrary', value: esi.slice(1) };
    case EsiType.LACP:
      return { type: 'lacp', systemMac: esi.slice(1, 7), portKey: u16(esi, 7) };
    case EsiType.MSTP:
      return { type: 'mstp', bridgeMac: esi.slice(1, 7), priority: u16(esi, 7) };
    case EsiType.MAC:
      return { type: 'mac', systemMac: esi.slice(1, 7), localDiscriminator: u24(esi, 7) };
    case EsiType.ROUTER_ID:
      return { type: 'router-id', routerId: formatIpv4(esi, 1), localDiscriminator: u32(esi, 5) };
    case EsiType.AS:
      return { type: 'as', as: u32(esi, 1), localDiscriminator: u32(esi, 5) };
    default:
      return { type: 'unknown', esiType: esi[0]!, value: esi.slice(1) };
  }
}

function intIn(v: number, max: number, field: string): number {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new EvpnError(EvpnErrorCode.value, `ESI ${field} ${v} is out of range 0..${max}`);
  return v;
}

function mac6(m: Uint8Array, field: string): Uint8Array {
  if (m.length !== 6) throw new EvpnError(EvpnErrorCode.value, `ESI ${field} must be 6 bytes, got ${m.length}`);
  return m;
}

function put(out: Uint8Array, at: number, v: number, width: number): void {
  for (let i = width - 1; i >= 0; i--) {
    out[at + i] = v & 0xff;
    v = Math.floor(v / 256);
  }
}

/** Builds the 10 ESI bytes from typed fields. */
export function buildEsi(info: EsiInfo): Esi {
  const out = new Uint8Array(ESI_LENGTH);
  switch (info.type) {
    case 'arbitrary':
    case 'unknown':
      if (info.value.length !== 9) throw new EvpnError(EvpnErrorCode.value, `ESI value must be 9 bytes, got ${info.value.length}`);
      out[0] = info.type === 'arbitrary' ? EsiType.ARBITRARY : intIn(info.esiType, 0xff, 'type');
      out.set(info.value, 1);
      return out;
    case 'lacp':
      out[0] = EsiType.LACP;
      out.set(mac6(info.systemMac, 'system MAC'), 1);
      put(out, 7, intIn(info.portKey, 0xffff, 'port key'), 2);
      return out;
    case 'mstp':
      out[0] = EsiType.MSTP;
      out.set(mac6(info.bridgeMac, 'bridge MAC'), 1);
      put(out, 7, intIn(info.priority, 0xffff, 'priority'), 2);
      return out;
    case 'mac':
      out[0] = EsiType.MAC;
      out.set(mac6(info.systemMac, 'system MAC'), 1);
      put(out, 7, intIn(info.localDiscriminator, 0xffffff, 'local discriminator'), 3);
      return out;
    case 'router-id': {
      out[0] = EsiType.ROUTER_ID;
      let id: Uint8Array;
      try {
        id = parseIpv4(info.routerId);
      } catch {
        throw new EvpnError(EvpnErrorCode.value, `ESI router ID "${info.routerId}" is not an IPv4 address`);
      }
      out.set(id, 1);
      put(out, 5, intIn(info.localDiscriminator, 0xffffffff, 'local discriminator'), 4);
      return out;
    }
    case 'as':
      out[0] = EsiType.AS;
      put(out, 1, intIn(info.as, 0xffffffff, 'AS'), 4);
      put(out, 5, intIn(info.localDiscriminator, 0xffffffff, 'local discriminator'), 4);
      return out;
  }
}

/** "00:11:22:33:44:55:66:77:88:99", as FRR prints an ESI. */
export function formatEsi(esi: Esi): string {
  return colonHex(esi);
}

/** GoBGP's wording, handy when comparing with `gobgp global rib -a evpn`. */
export function describeEsiText(esi: Esi): string {
  if (isZeroEsi(esi)) return 'single-homed';
  const d = describeEsi(esi);
  switch (d.type) {
    case 'arbitrary':
      return `ESI_ARBITRARY | ${colonHex(d.value)}`;
    case 'lacp':
      return `ESI_LACP | system mac ${formatMac(d.systemMac)}, port key ${d.portKey}`;
    case 'mstp':
      return `ESI_MSTP | bridge mac ${formatMac(d.bridgeMac)}, priority ${d.priority}`;
    case 'mac':
      return `ESI_MAC | system mac ${formatMac(d.systemMac)}, local discriminator ${d.localDiscriminator}`;
    case 'router-id':
      return `ESI_ROUTERID | router id ${d.routerId}, local discriminator ${d.localDiscriminator}`;
    case 'as':
      return `ESI_AS | as ${d.as}, local discriminator ${d.localDiscriminator}`;
    case 'unknown':
      return `ESI_UNKNOWN(${d.esiType}) | ${colonHex(d.value)}`;
  }
}

/** Parses the 10 colon-separated hex octets `formatEsi` prints. */
export function parseEsi(text: string): Esi {
  const parts = text.split(':');
  if (parts.length !== ESI_LENGTH || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) {
    throw new EvpnError(EvpnErrorCode.parse, `"${text}" is not an ESI (10 colon-separated hex octets)`);
  }
  return Uint8Array.from(parts, (p) => parseInt(p, 16));
}

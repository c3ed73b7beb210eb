import { compareBytes, formatIpv4, formatIpv6, parseIp, toHex } from '@evpn6/bgp';
import { EvpnError, EvpnErrorCode } from './errors.js';

/**
 * A VXLAN tunnel endpoint: the one address type used for next hops, IMET originators, PMSI
 * endpoints and flood lists. Immutable; `key` is the canonical text (RFC 5952 for IPv6), so two
 * spellings of one address are one key.
 */
export class VtepAddress {
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
  private text: string | undefined;

  private constructor(family: 4 | 6, bytes: Uint8Array) {
    this.family = family;
    this.bytes = bytes;
    this.text = undefined;
  }

  /** 4 or 16 bytes (copied). Unspecified and multicast addresses cannot be VTEPs. */
  static fromBytes(bytes: Uint8Array): VtepAddress {
    if (bytes.length !== 4 && bytes.length !== 16) {
      throw new EvpnError(EvpnErrorCode.vtep, `a VTEP address is 4 or 16 bytes, got ${bytes.length}`);
    }
    let zero = true;
    for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) zero = false;
    if (zero) throw new EvpnError(EvpnErrorCode.vtep, 'the unspecified address is not a VTEP');
    const multicast = bytes.length === 4 ? (bytes[0]! & 0xf0) === 0xe0 : bytes[0] === 0xff;
    if (multicast) throw new EvpnError(EvpnErrorCode.vtep, `multicast address ${toHex(bytes)} is not a VTEP`);
    return new VtepAddress(bytes.length === 4 ? 4 : 6, bytes.slice());
  }

  static parse(text: string): VtepAddress {
    let bytes: Uint8Array;
    try {
      bytes = parseIp(text);
    } catch {
      throw new EvpnError(EvpnErrorCode.parse, `"${text}" is not an IP address`);
    }
    return VtepAddress.fromBytes(bytes);
  }

  get key(): string {
    return this.toString();
  }

  toString(): string {
    if (this.text === undefined) this.text = this.family === 4 ? formatIpv4(this.bytes) : formatIpv6(this.bytes);
    return this.text;
  }

  toJSON(): string {
    return this.toString();
  }

  equals(other: VtepAddress): boolean {
    if (this.family !== other.family) return false;
    const a = this.bytes;
    const b = other.bytes;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** IPv4 before IPv6, then byte order: a stable order for flood lists and `show` output. */
  compare(other: VtepAddress): number {
    if (this.family !== other.family) return this.family - other.family;
    return compareBytes(this.bytes, other.bytes);
  }

  /** True for ::ffff:a.b.c.d, which old peers may need in the 4-byte IPv4 form. */
  get isIpv4Mapped(): boolean {
    if (this.family !== 6) return false;
    const b = this.bytes;
    for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
    return b[10] === 0xff && b[11] === 0xff;
  }
}

/**
 * The VTEP an MP_REACH_NLRI next hop names (RFC 8365 §5.1.3 with RFC 4760): 4 bytes IPv4,
 * 16 bytes IPv6 global, or 32 bytes global + link-local, of which the global one is the VTEP.
 * Anything else is an error: we never fall back to the router ID.
 */
export function vtepFromNextHop(nextHop: Uint8Array): VtepAddress {
  if (nextHop.length === 32) return VtepAddress.fromBytes(nextHop.subarray(0, 16));
  if (nextHop.length !== 4 && nextHop.length !== 16) {
    throw new EvpnError(EvpnErrorCode.vtep, `an EVPN next hop is 4, 16 or 32 bytes, got ${nextHop.length}`);
  }
  return VtepAddress.fromBytes(nextHop);
}

/** The MP_REACH next hop to send for a VTEP: its own 4 or 16 bytes (a copy). */
export function nextHopFromVtep(vtep: VtepAddress): Uint8Array {
  return vtep.bytes.slice();
}

import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import type { CodecContext } from '../context.js';
import { familyKey } from '../iana.js';
import { BgpError } from '../errors.js';

/** What every NLRI carries: the RFC 7911 path identifier, present when ADD-PATH is on for its family. */
export interface Nlri {
  readonly pathId?: number | undefined;
}

/**
 * The codec of one address family's NLRI, as found in the UPDATE body (IPv4 unicast) and in
 * MP_REACH/MP_UNREACH. The caller reads the path identifier (when ADD-PATH is negotiated for
 * the family) and hands it in, so an NLRI object always has the same shape.
 *
 *   decode(r, ctx, pathId)  reads exactly one NLRI, failing with a DecodeError
 *   encode(n, w, ctx)       writes it without the path identifier
 *   key(n)                  identity in a RIB (without path id): equal keys = same destination
 */
export interface NlriCodec<N extends Nlri = Nlri> {
  readonly afi: number;
  readonly safi: number;
  /** Short stable name: "ipv4-unicast", "ipv6-unicast", "l2vpn-evpn". */
  readonly name: string;
  decode(r: Reader, ctx: CodecContext, pathId: number | undefined): N;
  encode(n: N, w: Writer, ctx: CodecContext): void;
  encodedLength(n: N, ctx: CodecContext): number;
  key(n: N): string;
  /** Text for logs and `show`: "2001:db8::/32", "[2]:[0]:[48]:[02:00:00:00:00:01]". */
  format(n: N): string;
  /**
   * Next-hop lengths this family accepts in MP_REACH_NLRI (RFC 4760 §3; RFC 7606 §7.11).
   * Absent means any length.
   */
  readonly nextHopLengths?: readonly number[];
}

export class RegistryError extends BgpError {
  constructor(message: string) {
    super('ERR_BGP_REGISTRY', message);
  }
}

/**
 * AFI/SAFI → NLRI codec. @evpn6/bgp knows only unicast; other packages plug their
 * families in here (as BIRD's bgp_af_table does), so the BGP core never imports them.
 */
export class NlriRegistry {
  private readonly byFamily = new Map<number, NlriCodec>();

  register<N extends Nlri>(codec: NlriCodec<N>): this {
    const k = familyKey(codec.afi, codec.safi);
    const existing = this.byFamily.get(k);
    if (existing && existing !== (codec as unknown as NlriCodec)) {
      throw new RegistryError(`AFI ${codec.afi}/SAFI ${codec.safi} is already registered as ${existing.name}`);
    }
    this.byFamily.set(k, codec as unknown as NlriCodec);
    return this;
  }

  get(afi: number, safi: number): NlriCodec | undefined {
    return this.byFamily.get(familyKey(afi, safi));
  }

  has(afi: number, safi: number): boolean {
    return this.byFamily.has(familyKey(afi, safi));
  }

  byName(name: string): NlriCodec | undefined {
    for (const c of this.byFamily.values()) if (c.name === name) return c;
    return undefined;
  }

  families(): NlriCodec[] {
    return [...this.byFamily.values()];
  }

  /** A copy that can be extended without touching this one. */
  clone(): NlriRegistry {
    const r = new NlriRegistry();
    for (const c of this.byFamily.values()) r.register(c);
    return r;
  }
}

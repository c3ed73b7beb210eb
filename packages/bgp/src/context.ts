import { NlriRegistry } from './nlri/registry.js';
import { ipv4Unicast, ipv6Unicast } from './nlri/unicast.js';

/**
 * What a decoder or encoder must know about the session, one context per direction
 * (what we receive may differ from what we send: ADD-PATH is negotiated per direction).
 */
export interface CodecContext {
  /** RFC 6793: AS numbers in AS_PATH/AGGREGATOR are 4 octets. */
  readonly fourOctetAs: boolean;
  /** RFC 8654: UPDATE, NOTIFICATION and ROUTE-REFRESH may be up to 65535 bytes. */
  readonly extendedMessage: boolean;
  /** RFC 7911: families (familyKey) whose NLRI carry a path identifier in this direction. */
  readonly addPath: ReadonlySet<number>;
  /** NLRI codecs by family; unknown families stay raw. */
  readonly registry: NlriRegistry;
  /**
   * The peer is external: eBGP and not a member of our confederation. RFC 7606 error
   * handling differs for such peers (LOCAL_PREF, ORIGINATOR_ID, CLUSTER_LIST are discarded,
   * AS_CONFED_* segments are malformed). Absent means internal.
   */
  readonly external?: boolean;
}

export interface ContextOptions {
  fourOctetAs?: boolean;
  extendedMessage?: boolean;
  addPath?: Iterable<number>;
  registry?: NlriRegistry;
}

let sharedDefault: NlriRegistry | undefined;

/** The process-wide registry that contexts use unless given one: IPv4 and IPv6 unicast. */
export function defaultRegistry(): NlriRegistry {
  if (!sharedDefault) sharedDefault = new NlriRegistry().register(ipv4Unicast).register(ipv6Unicast);
  return sharedDefault;
}

/** A context for a modern session: 4-octet AS on, no extended messages, no ADD-PATH. */
export function createContext(opts: ContextOptions = {}): CodecContext {
  return {
    fourOctetAs: opts.fourOctetAs ?? true,
    extendedMessage: opts.extendedMessage ?? false,
    addPath: new Set(opts.addPath ?? []),
    registry: opts.registry ?? defaultRegistry(),
  };
}

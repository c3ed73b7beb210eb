/**
 * The contract between the router and a forwarding plane. The kernel driver implements it over
 * rtnetlink; a DPDK driver will implement the same shape later.
 */
import type { ForwardingIntent } from '@evpn6/evpn';

/** A VXLAN segment the dataplane can forward for, as discovered (kernel) or configured. */
export interface VniInfo {
  readonly vni: number;
  /** Our VTEP address on this segment (IPv6 or IPv4 text), null when the device has none. */
  readonly localVtep: string | null;
  /** UDP destination port. */
  readonly port: number;
  /** Device name, for logs and `show evpn vni`. */
  readonly device: string;
  /** The device's interface index, where the dataplane has one. */
  readonly ifindex?: number;
  /** The bridge the device is a port of (the SVI of `show evpn vni detail`), when known. */
  readonly bridge?: { readonly name: string; readonly ifindex: number };
}

export type DataplaneEvent =
  | { readonly kind: 'vni-added'; readonly info: VniInfo }
  | { readonly kind: 'vni-removed'; readonly vni: number }
  | { readonly kind: 'local-vtep-changed'; readonly vni: number; readonly localVtep: string | null }
  /** A MAC behind a local (non-VXLAN) port: feed it to the engine as a local MAC. */
  | { readonly kind: 'mac-learned'; readonly vni: number; readonly mac: string; readonly port: string }
  | { readonly kind: 'mac-aged'; readonly vni: number; readonly mac: string }
  /** A programming or monitoring failure; the dataplane keeps running and retries on resync. */
  | { readonly kind: 'error'; readonly error: Error };

export interface DataplaneStats {
  readonly vnis: number;
  /** Remote MACs currently programmed (kernel) or held (none). */
  readonly remoteMacs: number;
  readonly floodEntries: number;
  readonly localMacs: number;
  /** Entries removed at start or resync because no intent held them. */
  readonly staleRemoved: number;
  readonly errors: number;
  /** Counters only this dataplane has (the DPDK forwarder's drops by reason, fragments, ...). */
  readonly counters?: Readonly<Record<string, number>>;
}

export interface Dataplane {
  /** Discovers segments, reconciles what the forwarding plane holds with the intent, starts monitoring. */
  start(): Promise<void>;
  /**
   * Applies engine intent deltas in order. Resolves once they are programmed (or failed: failures
   * are reported as 'error' events, never as a rejection).
   */
  apply(intents: readonly ForwardingIntent[]): Promise<void>;
  /** Registers an event listener; returns a function that removes it. */
  on(listener: (event: DataplaneEvent) => void): () => void;
  /** Segments known now. */
  vnis(): VniInfo[];
  stats(): DataplaneStats;
  /** Removes everything this dataplane installed and stops monitoring. */
  stop(): Promise<void>;
}

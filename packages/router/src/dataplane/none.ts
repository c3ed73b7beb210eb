/**
 * `--dataplane none`: no forwarding plane at all. The intent is kept in memory so `stats()` and
 * `intent()` show what would be programmed; segments are the configured ones.
 */
import type { ForwardingIntent } from '@evpn6/evpn';
import { countFloodVteps, countRemoteMacs, emptyIntentTable, foldIntents, type IntentTable } from './intent-table.js';
import type { Dataplane, DataplaneEvent, DataplaneStats, VniInfo } from './types.js';

export class NoneDataplane implements Dataplane {
  private readonly table: IntentTable = emptyIntentTable();
  private readonly listeners = new Set<(event: DataplaneEvent) => void>();
  private readonly configured: readonly VniInfo[];
  private started = false;

  /** `segments` are announced as 'vni-added' on start, as a kernel driver would discover them. */
  constructor(segments: readonly VniInfo[] = []) {
    this.configured = [...segments];
  }

  start(): Promise<void> {
    if (!this.started) {
      this.started = true;
      for (const info of this.configured) this.emit({ kind: 'vni-added', info });
    }
    return Promise.resolve();
  }

  apply(intents: readonly ForwardingIntent[]): Promise<void> {
    foldIntents(this.table, intents);
    return Promise.resolve();
  }

  on(listener: (event: DataplaneEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  vnis(): VniInfo[] {
    return [...this.configured];
  }

  /** The intent held now (a read-only view; do not change it). */
  intent(): Readonly<IntentTable> {
    return this.table;
  }

  stats(): DataplaneStats {
    return {
      vnis: this.configured.length,
      remoteMacs: countRemoteMacs(this.table),
      floodEntries: countFloodVteps(this.table),
      localMacs: 0,
      staleRemoved: 0,
      errors: 0,
    };
  }

  stop(): Promise<void> {
    this.table.remoteMacs.clear();
    this.table.floodVteps.clear();
    this.started = false;
    return Promise.resolve();
  }

  private emit(e: DataplaneEvent): void {
    for (const l of this.listeners) l(e);
  }
}

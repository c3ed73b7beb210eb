/**
 * A dataplane for tests of the router's wiring: it records every intent in an IntentTable, and the
 * test drives it like a kernel would (segments appear, MACs are learned and age).
 */
import type { ForwardingIntent } from '@evpn6/evpn';
import { dataplane } from '@evpn6/router';

export class FakeDataplane implements dataplane.Dataplane {
  readonly table: dataplane.IntentTable = dataplane.emptyIntentTable();
  readonly applied: ForwardingIntent[] = [];
  private readonly listeners = new Set<(e: dataplane.DataplaneEvent) => void>();
  private readonly segments = new Map<number, dataplane.VniInfo>();
  started = false;
  stopped = false;

  constructor(initial: readonly dataplane.VniInfo[] = []) {
    for (const s of initial) this.segments.set(s.vni, s);
  }

  start(): Promise<void> {
    this.started = true;
    for (const info of this.segments.values()) this.emit({ kind: 'vni-added', info });
    return Promise.resolve();
  }

  apply(intents: readonly ForwardingIntent[]): Promise<void> {
    this.applied.push(...intents);
    dataplane.foldIntents(this.table, intents);
    return Promise.resolve();
  }

  on(listener: (e: dataplane.DataplaneEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  vnis(): dataplane.VniInfo[] {
    return [...this.segments.values()];
  }

  stats(): dataplane.DataplaneStats {
    return {
      vnis: this.segments.size,
      remoteMacs: dataplane.countRemoteMacs(this.table),
      floodEntries: dataplane.countFloodVteps(this.table),
      localMacs: 0,
      staleRemoved: 0,
      errors: 0,
    };
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.table.remoteMacs.clear();
    this.table.floodVteps.clear();
    return Promise.resolve();
  }

  /** Remote MAC -> VTEP as programmed now. */
  remoteMacs(vni: number): Record<string, string> {
    return Object.fromEntries(this.table.remoteMacs.get(vni) ?? []);
  }

  floodVteps(vni: number): string[] {
    return [...(this.table.floodVteps.get(vni) ?? [])].sort();
  }

  addSegment(info: dataplane.VniInfo): void {
    this.segments.set(info.vni, info);
    this.emit({ kind: 'vni-added', info });
  }

  removeSegment(vni: number): void {
    this.segments.delete(vni);
    this.emit({ kind: 'vni-removed', vni });
  }

  learn(vni: number, mac: string, port = 'eth1'): void {
    this.emit({ kind: 'mac-learned', vni, mac, port });
  }

  age(vni: number, mac: string): void {
    this.emit({ kind: 'mac-aged', vni, mac });
  }

  changeLocalVtep(vni: number, localVtep: string | null): void {
    const s = this.segments.get(vni);
    if (s !== undefined) this.segments.set(vni, { ...s, localVtep });
    this.emit({ kind: 'local-vtep-changed', vni, localVtep });
  }

  private emit(e: dataplane.DataplaneEvent): void {
    for (const l of this.listeners) l(e);
  }
}

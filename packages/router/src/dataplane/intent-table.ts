/**
 * What the engine wants forwarded (desired) next to what a dataplane has actually programmed
 * (installed). Drivers change `desired` from intents and then sync key by key, so a remove only
 * ever deletes an entry this process installed, and an entry the engine dropped never lingers.
 */
import type { ForwardingIntent } from '@evpn6/evpn';
import { normalizeMac } from '../netlink/addresses.js';

export interface IntentTable {
  /** vni -> mac -> remote VTEP. */
  readonly remoteMacs: Map<number, Map<string, string>>;
  /** vni -> remote VTEPs to flood BUM traffic to. */
  readonly floodVteps: Map<number, Set<string>>;
}

export function emptyIntentTable(): IntentTable {
  return { remoteMacs: new Map(), floodVteps: new Map() };
}

/** A (vni, mac) or (vni, vtep) whose desired state changed: the driver re-syncs exactly these. */
export type TouchedKey =
  | { readonly kind: 'remoteMac'; readonly vni: number; readonly mac: string }
  | { readonly kind: 'floodVtep'; readonly vni: number; readonly vtep: string };

export function setRemoteMac(t: IntentTable, vni: number, mac: string, vtep: string | null): void {
  let macs = t.remoteMacs.get(vni);
  if (vtep === null) {
    if (macs === undefined) return;
    macs.delete(mac);
    if (macs.size === 0) t.remoteMacs.delete(vni);
    return;
  }
  if (macs === undefined) t.remoteMacs.set(vni, (macs = new Map()));
  macs.set(mac, vtep);
}

export function setFloodVtep(t: IntentTable, vni: number, vtep: string, present: boolean): void {
  let vteps = t.floodVteps.get(vni);
  if (!present) {
    if (vteps === undefined) return;
    vteps.delete(vtep);
    if (vteps.size === 0) t.floodVteps.delete(vni);
    return;
  }
  if (vteps === undefined) t.floodVteps.set(vni, (vteps = new Set()));
  vteps.add(vtep);
}

export function remoteMacOf(t: IntentTable, vni: number, mac: string): string | undefined {
  return t.remoteMacs.get(vni)?.get(mac);
}

export function hasFloodVtep(t: IntentTable, vni: number, vtep: string): boolean {
  return t.floodVteps.get(vni)?.has(vtep) ?? false;
}

export function countRemoteMacs(t: IntentTable): number {
  let n = 0;
  for (const m of t.remoteMacs.values()) n += m.size;
  return n;
}

export function countFloodVteps(t: IntentTable): number {
  let n = 0;
  for (const s of t.floodVteps.values()) n += s.size;
  return n;
}

/**
 * Folds intents into `desired` and returns the keys they touched, in first-touch order.
 * A remote MAC remove only clears the entry when it still points at the VTEP being removed, so
 * "add new VTEP" then a late "remove old VTEP" cannot drop the moved MAC. allowVtep has no
 * desired state here: the kernel has no per-VNI source check (the DPDK path enforces it).
 */
export function foldIntents(desired: IntentTable, intents: readonly ForwardingIntent[]): TouchedKey[] {
  const touched: TouchedKey[] = [];
  const seen = new Set<string>();
  for (const i of intents) {
    if (i.kind === 'remoteMac') {
      const mac = normalizeMac(i.mac);
      if (i.op === 'add') setRemoteMac(desired, i.vni, mac, i.vtep);
      else if (remoteMacOf(desired, i.vni, mac) === i.vtep) setRemoteMac(desired, i.vni, mac, null);
      const id = `m${i.vni}/${mac}`;
      if (!seen.has(id)) {
        seen.add(id);
        touched.push({ kind: 'remoteMac', vni: i.vni, mac });
      }
    } else if (i.kind === 'floodVtep') {
      setFloodVtep(desired, i.vni, i.vtep, i.op === 'add');
      const id = `f${i.vni}/${i.vtep}`;
      if (!seen.has(id)) {
        seen.add(id);
        touched.push({ kind: 'floodVtep', vni: i.vni, vtep: i.vtep });
      }
    }
  }
  return touched;
}

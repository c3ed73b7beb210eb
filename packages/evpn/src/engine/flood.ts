import { AdvertisedImet } from './state.js';
import type { EngineState, Vrf } from './state.js';
import type { EngineOutput, EngineImetRoute } from './types.js';

/** RFC 6514 §5: PMSI tunnel type 6, ingress replication (head-end replication in FRR's words). */
export const PMSI_INGRESS_REPLICATION = 6;

/**
 * Brings a VNI's flood list and allowed-source list in line with its imported RT3 routes. The
 * allowed set is every VTEP with an RT3 for the VNI; the flood set those whose PMSI asks for
 * ingress replication. Removals come before additions; both follow insertion order.
 */
export function syncFloodLists(st: EngineState, vrf: Vrf, out: EngineOutput): void {
  const wantAllow = new Set<string>();
  const wantFlood = new Set<string>();
  for (const rec of vrf.imets) {
    if (rec.vtep === st.localVtep) continue;
    wantAllow.add(rec.vtep);
    if (rec.floodable) wantFlood.add(rec.vtep);
  }
  for (const vtep of vrf.flood) {
    if (wantFlood.has(vtep)) continue;
    vrf.flood.delete(vtep);
    out.intents.push({ kind: 'floodVtep', op: 'remove', vni: vrf.vni, vtep });
  }
  for (const vtep of vrf.allow) {
    if (wantAllow.has(vtep)) continue;
    vrf.allow.delete(vtep);
    out.intents.push({ kind: 'allowVtep', op: 'remove', vni: vrf.vni, vtep });
  }
  // Allow a source before sending it traffic: its replies must not be dropped.
  for (const vtep of wantAllow) {
    if (vrf.allow.has(vtep)) continue;
    vrf.allow.add(vtep);
    out.intents.push({ kind: 'allowVtep', op: 'add', vni: vrf.vni, vtep });
  }
  for (const vtep of wantFlood) {
    if (vrf.flood.has(vtep)) continue;
    vrf.flood.add(vtep);
    out.intents.push({ kind: 'floodVtep', op: 'add', vni: vrf.vni, vtep });
  }
}

/** Drops every flood/allow entry of a VNI that is going away. */
export function clearFloodLists(vrf: Vrf, out: EngineOutput): void {
  for (const vtep of vrf.flood) out.intents.push({ kind: 'floodVtep', op: 'remove', vni: vrf.vni, vtep });
  for (const vtep of vrf.allow) out.intents.push({ kind: 'allowVtep', op: 'remove', vni: vrf.vni, vtep });
  vrf.flood.clear();
  vrf.allow.clear();
}

/**
 * Our RT3 for a VNI, as FRR 10.6+ and GoBGP send it for an IPv6 VTEP: originator and next hop =
 * local VTEP, PMSI ingress replication with label = VNI and endpoint = local VTEP.
 */
export function imetRoute(vrf: Vrf, adv: AdvertisedImet): EngineImetRoute {
  return {
    type: 'imet',
    rd: adv.rd,
    ethernetTag: 0,
    originator: adv.originator,
    pmsi: { tunnelType: PMSI_INGRESS_REPLICATION, label: vrf.vni, endpoint: adv.originator },
    nextHop: adv.originator,
    routeTargets: adv.rts,
  };
}

/** Originates, re-originates (new VTEP, RD or RTs) or withdraws (`active` false) the VNI's RT3. */
export function syncImetOrigination(st: EngineState, vrf: Vrf, active: boolean, out: EngineOutput): void {
  const adv = vrf.advertisedImet;
  const vtep = active ? st.localVtep : null;
  if (vtep === null) {
    if (adv !== null) out.routes.push({ action: 'withdraw', vni: vrf.vni, route: imetRoute(vrf, adv) });
    vrf.advertisedImet = null;
    return;
  }
  if (adv !== null && adv.rd === vrf.rd && adv.originator === vtep && adv.rts === vrf.exportRts) return;
  // Same RD and originator = same route key: the advertise replaces it, no withdraw needed.
  if (adv !== null && (adv.rd !== vrf.rd || adv.originator !== vtep)) {
    out.routes.push({ action: 'withdraw', vni: vrf.vni, route: imetRoute(vrf, adv) });
  }
  const next = new AdvertisedImet(vrf.rd, vtep, vrf.exportRts);
  out.routes.push({ action: 'advertise', vni: vrf.vni, route: imetRoute(vrf, next) });
  vrf.advertisedImet = next;
}

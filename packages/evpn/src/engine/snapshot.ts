import { imetRoute } from './flood.js';
import { bestRemote, macRoute } from './mobility.js';
import { frozenAt, LOCAL } from './state.js';
import type { EngineState, Vrf } from './state.js';
import type { EvpnEngineRoute, MacSnapshot, RemoteVtepSnapshot, VniSnapshot } from './types.js';

/** What `show evpn vni detail` / `show evpn mac vni` print, and what a dataplane reconciles against. */
export function buildVniSnapshot(st: EngineState, vrf: Vrf): VniSnapshot {
  const macs: MacSnapshot[] = [];
  const originated: EvpnEngineRoute[] = [];
  if (vrf.advertisedImet !== null) originated.push(imetRoute(vrf, vrf.advertisedImet));
  for (let e = vrf.head; e !== null; e = e.nextInVrf) {
    const adv = e.advertised;
    if (adv !== null) {
      originated.push(macRoute(vrf, e.node.mac, adv, null));
      for (const ip of adv.ips) originated.push(macRoute(vrf, e.node.mac, adv, ip));
    }
    const frozen = frozenAt(e);
    const isLocal = e.local !== null && e.installed === null && (frozen === null || frozen === LOCAL);
    if (!isLocal && e.installed === null && frozen === null) continue;
    const best = bestRemote(e.node, vrf, st.localVtep, e.installed);
    macs.push({
      mac: e.node.mac,
      type: isLocal ? 'local' : e.installed !== null ? 'remote' : 'none',
      vtep: e.installed,
      localSequence: e.local !== null ? e.local.seq : 0,
      remoteSequence: best !== null ? best.seq : 0,
      sticky: e.local !== null && isLocal ? e.local.sticky : stickyOfInstalled(e.node.records, e.installed),
      ips: e.local !== null && isLocal ? e.local.ips.slice() : remoteIps(vrf, e.node.records, e.installed),
      frozen: frozen !== null,
      moves: e.rare !== null ? e.rare.moveCount : 0,
    });
  }
  macs.sort((a, b) => (a.mac < b.mac ? -1 : a.mac > b.mac ? 1 : 0));
  const vteps = new Set<string>([...vrf.allow, ...vrf.flood]);
  const remoteVteps: RemoteVtepSnapshot[] = [...vteps]
    .sort()
    .map((vtep) => ({ vtep, flood: vrf.flood.has(vtep), allowed: vrf.allow.has(vtep) }));
  return {
    vni: vrf.vni,
    rd: vrf.rd,
    importRts: vrf.importRts.slice(),
    exportRts: vrf.exportRts.slice(),
    localVtep: st.localVtep,
    macs,
    remoteVteps,
    originated,
  };
}

interface RecordLike {
  readonly vtep: string;
  readonly sticky: boolean;
  readonly ip: string | null;
  readonly rtSet: { readonly vrfs: readonly Vrf[] };
  readonly next: RecordLike | null;
}

function stickyOfInstalled(records: RecordLike | null, vtep: string | null): boolean {
  for (let r = records; r !== null; r = r.next) if (r.vtep === vtep && r.sticky) return true;
  return false;
}

function remoteIps(vrf: Vrf, records: RecordLike | null, vtep: string | null): string[] {
  const ips: string[] = [];
  for (let r = records; r !== null; r = r.next) {
    if (r.vtep === vtep && r.ip !== null && r.rtSet.vrfs.includes(vrf) && !ips.includes(r.ip)) ips.push(r.ip);
  }
  return ips.sort();
}

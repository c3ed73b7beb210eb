import { AdvertisedMac, frozenAt, LOCAL, rareState } from './state.js';
import type { EngineState, LocalMac, MacEntry, MacNode, RemoteMacRecord, Vrf } from './state.js';
import { compareVtep } from './text.js';
import type { EngineOutput, EngineMacIpRoute } from './types.js';

// Where one MAC of one VNI lives, per RFC 7432 §15: MAC mobility sequence numbers, the lower-IP
// tie-break, sticky MACs and duplicate detection. `resolveEntry` recomputes the decision from
// the entry's inputs and emits only the difference from what is installed/advertised, so it can
// run after any change (and again) without repeating itself.

/** Sticky beats non-sticky, then the higher sequence, then the lower VTEP (RFC 7432 §15.1). */
function remoteBetter(a: RemoteMacRecord, b: RemoteMacRecord): boolean {
  if (a.sticky !== b.sticky) return a.sticky;
  if (a.seq !== b.seq) return a.seq > b.seq;
  if (a.vtep === b.vtep) return false;
  return compareVtep(a.vtep, b.vtep) < 0;
}

/** The best remote route for the MAC in this VNI; routes with our own VTEP as next hop are ours echoed back. */
export function bestRemote(node: MacNode, vrf: Vrf, localVtep: string | null, onlyVtep: string | null): RemoteMacRecord | null {
  let best: RemoteMacRecord | null = null;
  for (let r = node.records; r !== null; r = r.next) {
    if (r.vtep === localVtep || (onlyVtep !== null && r.vtep !== onlyVtep)) continue;
    if (!r.rtSet.vrfs.includes(vrf)) continue;
    if (best === null || remoteBetter(r, best)) best = r;
  }
  return best;
}

/** Highest sequence any remote VTEP advertises for the MAC in this VNI, or -1 if none does. */
export function maxRemoteSeq(node: MacNode, vrf: Vrf, localVtep: string | null): number {
  let max = -1;
  for (let r = node.records; r !== null; r = r.next) {
    if (r.vtep === localVtep || !r.rtSet.vrfs.includes(vrf)) continue;
    if (r.seq > max) max = r.seq;
  }
  return max;
}

/** Does our local MAC keep its place against the best remote route? */
function localBeats(local: LocalMac, best: RemoteMacRecord, localVtep: string | null): boolean {
  if (local.sticky) return true;
  if (best.sticky) return false;
  if (local.seq !== best.seq) return local.seq > best.seq;
  return localVtep === null || compareVtep(localVtep, best.vtep) < 0;
}

export function resolveEntry(st: EngineState, e: MacEntry, now: number, out: EngineOutput): void {
  const vrf = e.vrf;
  const mac = e.node.mac;
  const best = bestRemote(e.node, vrf, st.localVtep, null);
  let local = e.local;
  let winner: RemoteMacRecord | null = null;
  let localWins = false;
  let conflictOwner: string | null = null;
  let conflictClaimant: string | null = null;
  const frozen = frozenAt(e);

  if (frozen !== null) {
    // A duplicate stays where it was frozen; if it is gone from there, it is nowhere (BUM flooding still reaches it).
    if (frozen === LOCAL) localWins = local !== null;
    else winner = bestRemote(e.node, vrf, st.localVtep, frozen);
  } else if (local !== null && best !== null) {
    localWins = localBeats(local, best, st.localVtep);
    if (local.sticky) {
      conflictOwner = LOCAL;
      conflictClaimant = best.vtep;
    } else if (best.sticky) {
      conflictOwner = best.vtep;
      conflictClaimant = LOCAL;
    }
    if (!localWins) {
      // The MAC moved away (or may not be learned here at all, if the remote is sticky).
      winner = best;
      e.local = local = null;
    }
  } else if (local !== null) {
    localWins = true;
  } else {
    winner = best;
  }

  if (conflictOwner !== null && conflictClaimant !== null) {
    const rare = rareState(e);
    if (!rare.stickyConflict) out.events.push({ kind: 'sticky-conflict', vni: vrf.vni, mac, owner: conflictOwner, claimant: conflictClaimant });
    rare.stickyConflict = true;
  } else if (frozen === null && e.rare !== null) {
    e.rare.stickyConflict = false;
  }

  const location = localWins ? LOCAL : winner !== null ? winner.vtep : null;
  if (location !== null) {
    if (frozen === null && e.lastLocation !== null && location !== e.lastLocation) {
      out.events.push({ kind: 'mac-move', vni: vrf.vni, mac, from: e.lastLocation, to: location });
      countMove(st, e, now, location, out);
    }
    e.lastLocation = location;
  }

  const want = winner !== null ? winner.vtep : null;
  if (e.installed !== want) {
    if (e.installed !== null) out.intents.push({ kind: 'remoteMac', op: 'remove', vni: vrf.vni, mac, vtep: e.installed });
    if (want !== null) out.intents.push({ kind: 'remoteMac', op: 'add', vni: vrf.vni, mac, vtep: want });
    e.installed = want;
  }

  if (!localWins || local === null) {
    syncAdvertisedMac(st, e, null, 0, false, out);
  } else if (frozen !== null && e.advertised !== null) {
    // Frozen: keep advertising what was out (a new next hop, RD or RT list still goes through).
    const adv = e.advertised;
    syncAdvertisedMac(st, e, adv.ips, adv.seq, adv.sticky, out);
  } else {
    syncAdvertisedMac(st, e, local.ips, local.seq, local.sticky, out);
  }
}

/** FRR-style detection: the window opens at the first move and a move after it closes starts a new count. */
function countMove(st: EngineState, e: MacEntry, now: number, location: string, out: EngineOutput): void {
  const moves = rareState(e);
  if (moves.moveCount === 0 || now - moves.firstMoveAt > st.dup.windowMs) {
    moves.firstMoveAt = now;
    moves.moveCount = 1;
  } else {
    moves.moveCount++;
  }
  if (moves.moveCount >= st.dup.maxMoves) {
    moves.frozenAt = location;
    moves.frozenUntil = st.dup.freezeMs === null ? Infinity : now + st.dup.freezeMs;
    st.frozen.add(e);
    out.events.push({ kind: 'mac-duplicate', vni: e.vrf.vni, mac: e.node.mac, location, moves: moves.moveCount });
  }
}

export function macRoute(vrf: Vrf, mac: string, adv: AdvertisedMac, ip: string | null): EngineMacIpRoute {
  return {
    type: 'mac-ip',
    rd: adv.rd,
    ethernetTag: 0,
    mac,
    ip,
    label: vrf.vni,
    nextHop: adv.nextHop,
    routeTargets: adv.rts,
    // RFC 7432 §7.7: sequence 0 without the sticky flag is the same as no community at all.
    mobility: adv.seq === 0 && !adv.sticky ? null : { sequence: adv.seq, sticky: adv.sticky },
  };
}

function withdrawIps(vrf: Vrf, mac: string, adv: AdvertisedMac, ips: readonly string[], keep: readonly string[] | null, out: EngineOutput): void {
  for (const ip of ips) {
    if (keep !== null && keep.includes(ip)) continue;
    out.routes.push({ action: 'withdraw', vni: vrf.vni, route: macRoute(vrf, mac, adv, ip) });
  }
}

/**
 * Brings our advertisements for the MAC to the wanted state: a MAC-only route plus one MAC+IP
 * route per IP, all with the same mobility sequence (RFC 7432 §15), or nothing when `ips` is null.
 */
function syncAdvertisedMac(
  st: EngineState,
  e: MacEntry,
  ips: readonly string[] | null,
  seq: number,
  sticky: boolean,
  out: EngineOutput,
): void {
  const vrf = e.vrf;
  const mac = e.node.mac;
  const adv = e.advertised;
  const nextHop = st.localVtep;
  if (ips === null || nextHop === null) {
    if (adv !== null) {
      out.routes.push({ action: 'withdraw', vni: vrf.vni, route: macRoute(vrf, mac, adv, null) });
      withdrawIps(vrf, mac, adv, adv.ips, null, out);
      e.advertised = null;
    }
    return;
  }
  if (adv !== null && adv.rd === vrf.rd && adv.nextHop === nextHop && adv.rts === vrf.exportRts && adv.seq === seq && adv.sticky === sticky) {
    if (sameList(adv.ips, ips)) return;
    const next = new AdvertisedMac(adv.rd, nextHop, adv.rts, seq, sticky, ips.slice());
    withdrawIps(vrf, mac, adv, adv.ips, ips, out);
    for (const ip of ips) {
      if (!adv.ips.includes(ip)) out.routes.push({ action: 'advertise', vni: vrf.vni, route: macRoute(vrf, mac, next, ip) });
    }
    e.advertised = next;
    return;
  }
  if (adv !== null) {
    if (adv.rd !== vrf.rd) {
      // New RD = new route keys: the old ones must go explicitly.
      out.routes.push({ action: 'withdraw', vni: vrf.vni, route: macRoute(vrf, mac, adv, null) });
      withdrawIps(vrf, mac, adv, adv.ips, null, out);
    } else {
      withdrawIps(vrf, mac, adv, adv.ips, ips, out);
    }
  }
  const next = new AdvertisedMac(vrf.rd, nextHop, vrf.exportRts, seq, sticky, ips.slice());
  out.routes.push({ action: 'advertise', vni: vrf.vni, route: macRoute(vrf, mac, next, null) });
  for (const ip of ips) out.routes.push({ action: 'advertise', vni: vrf.vni, route: macRoute(vrf, mac, next, ip) });
  e.advertised = next;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

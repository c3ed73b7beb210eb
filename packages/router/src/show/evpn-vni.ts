import type { MacSnapshot } from '@evpn6/evpn';
import { joinLines, padRight } from './format.js';
import type { ShowContext, ShowVni } from './types.js';

export interface VniJson {
  readonly vni: number;
  readonly type: 'L2';
  readonly tenantVrf: string;
  readonly vxlanInterface: string;
  readonly vxlanIfindex: number;
  readonly sviInterface: string;
  readonly sviIfindex: number;
  readonly localVtep: string | null;
  readonly mcastGroup: string;
  readonly rd: string;
  readonly importRts: readonly string[];
  readonly exportRts: readonly string[];
  readonly remoteVteps: readonly { readonly vtep: string; readonly flood: 'HER' | null; readonly allowed: boolean }[];
  readonly numMacs: number;
  readonly numArps: number;
  readonly advertiseGatewayMacip: false;
  readonly advertiseSviMacip: false;
}

function vniJson(v: ShowVni): VniJson {
  const s = v.snapshot;
  let arps = 0;
  for (const m of s.macs) arps += m.ips.length;
  return {
    vni: s.vni,
    type: 'L2',
    tenantVrf: 'default',
    vxlanInterface: v.vxlanInterface,
    vxlanIfindex: v.vxlanIfindex,
    sviInterface: v.sviInterface,
    sviIfindex: v.sviIfindex,
    localVtep: s.localVtep,
    mcastGroup: v.mcastGroup,
    rd: s.rd,
    importRts: s.importRts,
    exportRts: s.exportRts,
    remoteVteps: s.remoteVteps.map((r) => ({ vtep: r.vtep, flood: r.flood ? 'HER' : null, allowed: r.allowed })),
    numMacs: s.macs.length,
    numArps: arps,
    advertiseGatewayMacip: false,
    advertiseSviMacip: false,
  };
}

/** `show evpn vni [N] json`: every VNI in the given order, or only `vni`. */
export function showEvpnVniJson(ctx: ShowContext, vni?: number): VniJson[] {
  return ctx.vnis.filter((v) => vni === undefined || v.snapshot.vni === vni).map(vniJson);
}

/** `show evpn vni detail`: FRR's block per VNI (remote VTEPs in the snapshot's order). */
export function showEvpnVniDetail(ctx: ShowContext, vni?: number): string {
  const lines: string[] = [];
  for (const v of showEvpnVniJson(ctx, vni)) {
    if (lines.length > 0) lines.push('');
    lines.push(`VNI: ${v.vni}`);
    lines.push(` Type: ${v.type}`);
    lines.push(` Tenant VRF: ${v.tenantVrf}`);
    lines.push(` VxLAN interface: ${v.vxlanInterface}`);
    lines.push(` VxLAN ifIndex: ${v.vxlanIfindex}`);
    lines.push(` SVI interface: ${v.sviInterface}`);
    lines.push(` SVI ifIndex: ${v.sviIfindex}`);
    lines.push(` Local VTEP IP: ${v.localVtep ?? ''}`);
    lines.push(` Mcast group: ${v.mcastGroup}`);
    if (v.remoteVteps.length === 0) lines.push(' No remote VTEPs known for this VNI');
    else {
      lines.push(' Remote VTEPs for this VNI:');
      for (const r of v.remoteVteps) lines.push(`  ${r.vtep} flood: ${r.flood ?? '-'}`);
    }
    lines.push(` Number of MACs (local and remote) known for this VNI: ${v.numMacs}`);
    lines.push(` Number of ARPs (IPv4 and IPv6, local and remote) known for this VNI: ${v.numArps}`);
    lines.push(` Advertise-gw-macip: ${v.advertiseGatewayMacip ? 'Yes' : 'No'}`);
    lines.push(` Advertise-svi-macip: ${v.advertiseSviMacip ? 'Yes' : 'No'}`);
  }
  return lines.length === 0 ? joinLines(vni === undefined ? [] : [`% VNI ${vni} does not exist`]) : joinLines(lines);
}

/** `show evpn vni`: FRR's one-line-per-VNI table. */
export function showEvpnVni(ctx: ShowContext): string {
  const lines = ['VNI        Type VxLAN IF              # MACs   # ARPs   # Remote VTEPs  Tenant VRF'];
  for (const v of showEvpnVniJson(ctx)) {
    lines.push(
      `${padRight(String(v.vni), 10)} ${padRight(v.type, 4)} ${padRight(v.vxlanInterface, 21)} ${padRight(String(v.numMacs), 8)}` +
        ` ${padRight(String(v.numArps), 8)} ${padRight(String(v.remoteVteps.length), 15)} ${v.tenantVrf}`,
    );
  }
  return joinLines(lines);
}

export interface MacJson {
  readonly mac: string;
  readonly type: 'local' | 'remote' | 'none';
  /** FRR-style flag letters; '' when none apply. */
  readonly flags: string;
  readonly interface: string | null;
  readonly remoteVtep: string | null;
  readonly vlan: number | null;
  readonly localSequence: number;
  readonly remoteSequence: number;
  readonly sticky: boolean;
  readonly duplicate: boolean;
  readonly ips: readonly string[];
}

export interface MacVniJson {
  readonly vni: number;
  readonly numMacs: number;
  readonly macs: readonly MacJson[];
}

function macJson(v: ShowVni, m: MacSnapshot): MacJson {
  return {
    mac: m.mac,
    type: m.type,
    flags: (m.sticky ? 'S' : '') + (m.frozen ? 'D' : ''),
    interface: m.type === 'local' ? (v.macInterfaces?.get(m.mac) ?? v.localInterface) : null,
    remoteVtep: m.type === 'remote' ? m.vtep : null,
    vlan: null,
    localSequence: m.localSequence,
    remoteSequence: m.remoteSequence,
    sticky: m.sticky,
    duplicate: m.frozen,
    ips: m.ips,
  };
}

/** `show evpn mac vni all|N json`. */
export function showEvpnMacJson(ctx: ShowContext, vni?: number): MacVniJson[] {
  return ctx.vnis
    .filter((v) => vni === undefined || v.snapshot.vni === vni)
    .map((v) => ({ vni: v.snapshot.vni, numMacs: v.snapshot.macs.length, macs: v.snapshot.macs.map((m) => macJson(v, m)) }));
}

/** `show evpn mac vni all|N`: FRR's table per VNI, MACs in the snapshot's order. */
export function showEvpnMac(ctx: ShowContext, vni?: number): string {
  const lines: string[] = [];
  for (const v of showEvpnMacJson(ctx, vni)) {
    lines.push('');
    lines.push(`VNI ${v.vni} #MACs (local and remote) ${v.numMacs}`);
    lines.push('');
    lines.push('Flags: N=sync-neighs, I=local-inactive, P=peer-active, X=peer-proxy');
    lines.push(`${padRight('MAC', 17)} ${padRight('Type', 6)} ${padRight('Flags', 5)} ${padRight('Intf/Remote ES/VTEP', 30)} ${padRight('VLAN', 5)} Seq #'s`);
    for (const m of v.macs) {
      const where = m.interface ?? m.remoteVtep ?? '';
      lines.push(
        `${padRight(m.mac, 17)} ${padRight(m.type, 6)} ${padRight(m.flags, 5)} ${padRight(where, 30)} ` +
          `${padRight(m.vlan === null ? '' : String(m.vlan), 5)} ${m.localSequence}/${m.remoteSequence}`,
      );
    }
  }
  if (lines.length === 0 && vni !== undefined) lines.push(`% VNI ${vni} does not exist`);
  return joinLines(lines);
}

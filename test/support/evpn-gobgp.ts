/**
 * EVPN interop with GoBGP: the CLI commands of the capture (shared/vectors/gobgp-evpn/commands.txt,
 * the gobgp CLI ones), and one canonical, field-by-field shape that both GoBGP's
 * `gobgp global rib -a evpn -j` and our agent's `evpnRoutes` rows are turned into, so a test can
 * deep-compare them.
 */
import type { GoBgp } from './gobgp.js';
import type { EvpnPmsiJson, EvpnRow, EvpnSpec } from './evpn-agent.js';

/** GoBGP's own address in the capture; the lab gives GoBGP the same one so the commands run as recorded. */
export const CAPTURE_NEXT_HOP = '2001:db8:0:1::11';

/** `gobgp global rib -a evpn ...` argument lists, in the capture's order (adds, then deletes). */
export const GOBGP_EVPN_ADDS: readonly string[] = [
  'add a-d esi ARBITRARY 00:11:22:33:44:55:66:77:88 etag 0 label 10550 rd 192.0.2.1:100 rt 64512:100 encap vxlan',
  'add a-d esi LACP 02:00:00:00:aa:01 4097 etag 4294967295 label 0 rd 192.0.2.1:1 rt 64512:100 encap vxlan esi-label 10551',
  'add a-d esi MSTP 02:00:00:00:aa:02 32768 etag 100 label 16777215 rd 64512:200 rt 64512:200 encap vxlan',
  'add a-d esi MAC 02:00:00:00:aa:03 65537 etag 0 label 300 rd 64086.59905:300 rt 64086.59905:300',
  'add a-d esi ROUTERID 192.0.2.1 7 etag 0 label 400 rd 192.0.2.1:400 rt 192.0.2.1:400 encap vxlan',
  'add a-d esi AS 64512 9 etag 0 label 500 rd 192.0.2.1:500 rt 64512:500 encap mpls',
  'add macadv 02:00:00:00:00:01 0.0.0.0 etag 0 label 10550 rd 192.0.2.1:100 rt 64512:100 encap vxlan',
  'add macadv 02:00:00:00:00:02 198.51.100.2 etag 0 label 10550,20550 rd 192.0.2.1:100 rt 64512:100 64512:20550 encap vxlan router-mac 02:00:00:00:ff:01',
  'add macadv 02:00:00:00:00:03 2001:db8:aaaa::3 esi LACP 02:00:00:00:aa:01 4097 etag 0 label 16777215 rd 192.0.2.1:100 rt 64512:100 encap vxlan',
  'add macadv 02:00:00:00:00:fe 198.51.100.1 0 10550 default-gateway rd 192.0.2.1:100 rt 64512:100 encap vxlan',
  'add macadv 02:00:00:00:00:20 0.0.0.0 etag 1000 label 1000 rd 64512:1000 rt 64512:1000 encap vxlan',
  'add multicast 2001:db8:0:1::11 etag 0 rd 192.0.2.1:100 rt 64512:100 encap vxlan pmsi ingress-repl 10550 2001:db8:0:1::11',
  'add multicast 2001:db8:0:1::11 etag 0 rd 64512:16777215 rt 64512:16777215 encap vxlan pmsi ingress-repl 16777215 2001:db8:0:1::11',
  'add multicast 2001:db8:0:1::11 etag 300 rd 64086.59905:300 rt 64086.59905:300 encap vxlan pmsi ingress-repl leaf-info-required 300 2001:db8:0:1::11',
  'add multicast 192.0.2.1 etag 0 rd 192.0.2.1:400 rt 192.0.2.1:400 encap vxlan pmsi ingress-repl 400 192.0.2.1',
  'add esi 2001:db8:0:1::11 esi LACP 02:00:00:00:aa:01 4097 rd 192.0.2.1:0 encap vxlan',
  'add esi 2001:db8:0:1::11 esi ARBITRARY 00:11:22:33:44:55:66:77:88 rd 192.0.2.1:2 rt 64512:100',
  'add prefix 198.51.100.0/24 gw 198.51.100.254 etag 0 label 20550 rd 192.0.2.1:20550 rt 64512:20550 encap vxlan router-mac 02:00:00:00:ff:01',
  'add prefix 203.0.113.128/25 etag 0 label 20550 rd 192.0.2.1:20550 rt 64512:20550 encap vxlan router-mac 02:00:00:00:ff:01',
  'add prefix 0.0.0.0/0 etag 0 label 20550 rd 192.0.2.1:20550 rt 64512:20550 encap vxlan',
  'add prefix 2001:db8:ffff::/48 gw 2001:db8:0:1::1 esi AS 64512 9 etag 0 label 16777215 rd 192.0.2.1:20550 rt 64512:20550 encap vxlan router-mac 02:00:00:00:ff:01',
  'add prefix 2001:db8:fffe:1::/64 etag 0 label 20550 rd 192.0.2.1:20550 rt 64512:20550 encap vxlan',
].map((c) => `${c} nexthop ${CAPTURE_NEXT_HOP}`);

export const GOBGP_EVPN_DELETES: readonly string[] = [
  'del macadv 02:00:00:00:00:02 198.51.100.2 etag 0 label 10550,20550 rd 192.0.2.1:100',
  'del multicast 2001:db8:0:1::11 etag 0 rd 192.0.2.1:100',
  'del prefix 2001:db8:ffff::/48 gw 2001:db8:0:1::1 esi AS 64512 9 etag 0 label 16777215 rd 192.0.2.1:20550',
  'del a-d esi MSTP 02:00:00:00:aa:02 32768 etag 100 label 16777215 rd 64512:200',
  'del esi 2001:db8:0:1::11 esi LACP 02:00:00:00:aa:01 4097 rd 192.0.2.1:0',
];

/** One EVPN path, the same for both sides: every field the two can disagree on. */
export interface CanonicalEvpn {
  type: number;
  rd: string;
  esi?: string;
  etag?: number;
  mac?: string;
  ip?: string;
  labels?: number[];
  label?: number;
  originator?: string;
  prefix?: string;
  gateway?: string;
  nextHop: string;
  /** Sorted: "RT:64512:100", "ENCAP:8", "MM:5:sticky", "RMAC:02:..", "ESI-LABEL:10551:all-active", ... */
  communities: string[];
  pmsi?: { leafInfoRequired: boolean; tunnelType: number; label: number; tunnelId: string };
}

const KIND_TYPE: Record<string, number> = { 'ethernet-ad': 1, 'mac-ip': 2, 'inclusive-multicast': 3, 'ethernet-segment': 4, 'ip-prefix': 5 };

// ---- GoBGP's JSON ----

interface GoRd {
  type: number;
  admin: string | number;
  assigned: number;
}

interface GoPath {
  nlri: { type: number; value: Record<string, unknown> & { rd: GoRd } };
  attrs: Array<{ type: number } & Record<string, unknown>>;
}

function goRd(rd: GoRd): string {
  if (rd.type === 2) {
    const as = Number(rd.admin);
    return `${Math.floor(as / 65536)}.${as & 0xffff}:${rd.assigned}`;
  }
  return `${rd.admin}:${rd.assigned}`;
}

function goCommunity(c: Record<string, unknown>): string {
  const t = c['type'] as number;
  const s = c['subtype'] as number;
  if (s === 2 && t <= 2) return `RT:${String(c['value'])}`;
  if (t === 3 && s === 12) return `ENCAP:${String(c['tunnel_type'])}`;
  if (t === 3 && s === 13) return 'DEFAULT-GW';
  if (t === 6 && s === 0) return `MM:${String(c['sequence'])}${c['is_sticky'] ? ':sticky' : ''}`;
  if (t === 6 && s === 1) return `ESI-LABEL:${String(c['label'])}:${c['is_single_active'] ? 'single-active' : 'all-active'}`;
  if (t === 6 && s === 2) return `ES-IMPORT:${String(c['value'])}`;
  if (t === 6 && s === 3) return `RMAC:${String(c['mac'])}`;
  return `OTHER:${JSON.stringify(c)}`;
}

/** GoBGP's JSON of one path, canonical. */
export function canonicalFromGoBgp(p: GoPath): CanonicalEvpn {
  const v = p.nlri.value;
  const type = p.nlri.type;
  const mp = p.attrs.find((a) => a.type === 14);
  const ext = p.attrs.find((a) => a.type === 16);
  const pm = p.attrs.find((a) => a.type === 22);
  const c: CanonicalEvpn = { type, rd: goRd(v.rd), nextHop: String(mp?.['nexthop']), communities: [] };
  if (v['esi'] !== undefined) c.esi = String(v['esi']);
  if (v['etag'] !== undefined) c.etag = Number(v['etag']);
  if (type === 2) {
    c.mac = String(v['mac']);
    if (v['ip'] !== '<nil>') c.ip = String(v['ip']);
    c.labels = (v['labels'] as number[]).slice();
  }
  if (type === 3 || type === 4) c.originator = String(v['ip']);
  if (type === 1 || type === 5) c.label = Number(v['label']);
  if (type === 5) {
    c.prefix = String(v['prefix']);
    c.gateway = String(v['gateway']);
  }
  c.communities = ((ext?.['value'] as Array<Record<string, unknown>> | undefined) ?? []).map(goCommunity).sort();
  if (pm !== undefined) {
    c.pmsi = {
      leafInfoRequired: pm['is-leaf-info-required'] === true,
      tunnelType: Number(pm['tunnel-type']),
      label: Number(pm['label']),
      tunnelId: String(pm['tunnel-id']),
    };
  }
  return c;
}

/** GoBGP's EVPN RIB (`global rib -a evpn -j`, best path of each route), canonical, sorted. */
export async function gobgpEvpnRib(g: GoBgp): Promise<CanonicalEvpn[]> {
  const rib = await g.json<Record<string, GoPath[]> | null>(['global', 'rib', '-a', 'evpn']);
  const out: CanonicalEvpn[] = [];
  for (const paths of Object.values(rib ?? {})) if (paths[0]) out.push(canonicalFromGoBgp(paths[0]));
  return sortCanonical(out);
}

// ---- ours ----

function ourCommunity(c: { kind: string } & Record<string, unknown>): string {
  switch (c.kind) {
    case 'route-target':
      return `RT:${String(c['value'])}`;
    case 'encapsulation':
      return `ENCAP:${String(c['tunnelType'])}`;
    case 'default-gateway':
      return 'DEFAULT-GW';
    case 'mac-mobility':
      return `MM:${String(c['sequence'])}${(Number(c['flags']) & 1) !== 0 ? ':sticky' : ''}`;
    case 'esi-label':
      return `ESI-LABEL:${String(c['label'])}:${(Number(c['flags']) & 1) !== 0 ? 'single-active' : 'all-active'}`;
    case 'es-import-route-target':
      return `ES-IMPORT:${String(c['mac'])}`;
    case 'router-mac':
      return `RMAC:${String(c['mac'])}`;
    default:
      return `OTHER:${JSON.stringify(c)}`;
  }
}

function ourPmsi(p: EvpnPmsiJson): NonNullable<CanonicalEvpn['pmsi']> {
  return { leafInfoRequired: p.leafInfoRequired, tunnelType: p.tunnelType, label: p.label, tunnelId: p.endpoint };
}

/** An agent row (our Loc-RIB), canonical. */
export function canonicalFromRow(r: EvpnRow): CanonicalEvpn {
  const c: CanonicalEvpn = { type: KIND_TYPE[r.kind] ?? 0, rd: r.rd, nextHop: r.nextHop, communities: r.communities.map(ourCommunity).sort() };
  if (r.esi !== undefined) c.esi = r.esi;
  if (r.etag !== undefined) c.etag = r.etag;
  if (r.mac !== undefined) c.mac = r.mac;
  if (r.ip !== undefined) c.ip = r.ip;
  if (r.labels !== undefined) c.labels = r.labels;
  if (r.originator !== undefined) c.originator = r.originator;
  if (r.label !== undefined) c.label = r.label;
  if (r.ipPrefix !== undefined) c.prefix = r.ipPrefix;
  if (r.gateway !== undefined) c.gateway = r.gateway;
  if (r.pmsi !== undefined) c.pmsi = ourPmsi(r.pmsi);
  return c;
}

/**
 * What a spec we originate must look like at the peer, written from the spec alone (not from our
 * codecs), so a peer's view is checked against the intent.
 */
export function canonicalFromSpec(s: EvpnSpec): CanonicalEvpn {
  const zeroEsi = s.esi === undefined || /^(00:){9}00$/.test(s.esi);
  const communities = (s.routeTargets ?? []).map((rt) => `RT:${rt}`);
  if (s.encap !== false) communities.push(`ENCAP:${s.encap ?? 8}`);
  if (s.macMobility) communities.push(`MM:${s.macMobility.sequence}${s.macMobility.sticky ? ':sticky' : ''}`);
  if (s.routerMac) communities.push(`RMAC:${s.routerMac}`);
  if (s.defaultGateway) communities.push('DEFAULT-GW');
  const c: CanonicalEvpn = { type: KIND_TYPE[s.kind]!, rd: s.rd, nextHop: s.nextHop, communities: communities.sort() };
  const esi = zeroEsi ? 'single-homed' : `ESI_ARBITRARY | ${s.esi!.slice(3)}`;
  switch (s.kind) {
    case 'ethernet-ad':
      Object.assign(c, { esi, etag: s.etag ?? 0, label: s.label ?? 0 });
      break;
    case 'mac-ip':
      Object.assign(c, { esi, etag: s.etag ?? 0, mac: s.mac, labels: s.labels ?? [0] }, s.ip !== undefined ? { ip: s.ip } : {});
      break;
    case 'inclusive-multicast':
      Object.assign(c, { etag: s.etag ?? 0, originator: s.originator });
      break;
    case 'ethernet-segment':
      Object.assign(c, { esi, originator: s.originator });
      break;
    case 'ip-prefix':
      Object.assign(c, {
        esi,
        etag: s.etag ?? 0,
        prefix: s.prefix,
        gateway: s.gateway ?? (s.prefix!.includes(':') ? '::' : '0.0.0.0'),
        label: s.label ?? 0,
      });
      break;
  }
  if (s.pmsi) c.pmsi = { leafInfoRequired: s.pmsi.leafInfoRequired ?? false, tunnelType: 6, label: s.pmsi.vni, tunnelId: s.pmsi.endpoint };
  return c;
}

/** The route's identity, independent of the order fields were set in. */
export function canonicalKey(c: CanonicalEvpn): string {
  return [c.type, c.rd, c.esi, c.etag, c.mac, c.ip, c.originator, c.prefix, c.gateway].map((x) => x ?? '-').join('|');
}

export function sortCanonical(list: CanonicalEvpn[]): CanonicalEvpn[] {
  return list.map((c) => [canonicalKey(c), c] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((x) => x[1]);
}

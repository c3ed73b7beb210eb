/**
 * Stock FRR 8.4.4 as an EVPN peer in a namespace lab: FRR's namespace has a kernel vxlan (VNI
 * 100, IPv4 local address) in a bridge with a veth to a "host" namespace, so zebra sees a local
 * VNI and the MACs the bridge learns; one veth (IPv4 + IPv6) joins it to our speaker's namespace.
 * Plus readers for the vtysh JSON the tests check.
 */
import type { NetnsLab } from './netns.js';
import type { Frr } from './frr.js';

export const FRR_ASN = 64512;
export const VNI = 100;

/** Addresses of one lab; documentation ranges only. */
export interface EvpnFrrAddresses {
  /** Our speaker's IPv6 session address and IPv4 VTEP. */
  ours6: string;
  ours4: string;
  /** FRR's IPv6 session address, and its IPv4 address = its VTEP (vxlan local). */
  frr6: string;
  frr4: string;
  frrRouterId: string;
}

export const ADDRESSES: EvpnFrrAddresses = {
  ours6: '2001:db8:30::1',
  ours4: '192.0.2.1',
  frr6: '2001:db8:30::2',
  frr4: '192.0.2.2',
  frrRouterId: '192.0.2.2',
};

/** The host behind FRR's bridge, whose frames teach FRR a local MAC. */
export const HOST_MAC = '02:00:00:00:20:01';

export interface EvpnFrrLab {
  nsUs: string;
  nsFrr: string;
  nsHost: string;
}

/**
 * Namespaces us / frr / host; veth us<->frr with both address families; in frr: vxlan100 (local
 * = frr4, learning off) and the host's veth in bridge br100.
 */
export async function buildEvpnFrrLab(lab: NetnsLab, a: EvpnFrrAddresses = ADDRESSES): Promise<EvpnFrrLab> {
  const nsUs = lab.add('us');
  const nsFrr = lab.add('frr');
  const nsHost = lab.add('host');
  lab.veth(nsUs, 'u0', nsFrr, 'f0');
  lab.ip(nsUs, 'addr', 'add', `${a.ours6}/64`, 'dev', 'u0', 'nodad');
  lab.ip(nsUs, 'addr', 'add', `${a.ours4}/24`, 'dev', 'u0');
  lab.ip(nsFrr, 'addr', 'add', `${a.frr6}/64`, 'dev', 'f0', 'nodad');
  lab.ip(nsFrr, 'addr', 'add', `${a.frr4}/24`, 'dev', 'f0');
  lab.ip(nsFrr, 'link', 'add', 'br100', 'type', 'bridge');
  lab.ip(nsFrr, 'link', 'set', 'br100', 'addrgenmode', 'none');
  lab.ip(nsFrr, 'link', 'add', 'vxlan100', 'type', 'vxlan', 'id', String(VNI), 'local', a.frr4, 'dstport', '4789', 'nolearning');
  lab.ip(nsFrr, 'link', 'set', 'vxlan100', 'master', 'br100', 'addrgenmode', 'none');
  lab.ip(nsFrr, 'link', 'set', 'vxlan100', 'type', 'bridge_slave', 'learning', 'off');
  lab.veth(nsHost, 'h0', nsFrr, 'hb', HOST_MAC);
  lab.ip(nsFrr, 'link', 'set', 'hb', 'master', 'br100');
  lab.ip(nsFrr, 'link', 'set', 'vxlan100', 'up');
  lab.ip(nsFrr, 'link', 'set', 'br100', 'up');
  lab.ip(nsHost, 'addr', 'add', '198.51.100.50/24', 'dev', 'h0', 'nodad');
  await lab.waitLinkReady(nsFrr, 'f0');
  await lab.waitLinkReady(nsHost, 'h0');
  return { nsUs, nsFrr, nsHost };
}

/** frr.conf: iBGP l2vpn evpn with `advertise-all-vni`, short timers (keepalive 1, hold 3). */
export function evpnFrrConfig(neighbor: string, a: EvpnFrrAddresses = ADDRESSES): string {
  return [
    'frr defaults traditional',
    'hostname e6frr-evpn',
    `router bgp ${FRR_ASN}`,
    ` bgp router-id ${a.frrRouterId}`,
    ' no bgp default ipv4-unicast',
    ` neighbor ${neighbor} remote-as internal`,
    ` neighbor ${neighbor} timers 1 3`,
    ` neighbor ${neighbor} timers connect 1`,
    // We connect; FRR only listens, so there is no connection collision and our IdleHold backoff alone paces reconnects.
    ` neighbor ${neighbor} passive`,
    ' address-family l2vpn evpn',
    `  neighbor ${neighbor} activate`,
    '  advertise-all-vni',
    ' exit-address-family',
    'exit',
    '',
  ].join('\n');
}

/** One path of `show bgp l2vpn evpn json` (the fields the tests read). */
export interface FrrEvpnPath {
  valid?: boolean;
  bestpath?: boolean;
  peerId?: string;
  nexthops?: Array<{ ip?: string; afi?: string }>;
  extendedCommunity?: { string?: string };
}

/**
 * `show bgp l2vpn evpn json` flattened: route text as FRR prints it ("[3]:[0]:[32]:[192.0.2.1]")
 * with its RD, to its paths. FRR nests routes under their RD, each with a list of path lists.
 */
export async function frrEvpnRoutes(f: Frr): Promise<Map<string, FrrEvpnPath[]>> {
  const j = await f.json<Record<string, unknown>>('show bgp l2vpn evpn json');
  const out = new Map<string, FrrEvpnPath[]>();
  for (const [rd, byRd] of Object.entries(j)) {
    if (typeof byRd !== 'object' || byRd === null || !('rd' in byRd)) continue;
    for (const [prefix, entry] of Object.entries(byRd as Record<string, unknown>)) {
      if (typeof entry !== 'object' || entry === null || !('paths' in entry)) continue;
      const paths = (entry as { paths: FrrEvpnPath[][] }).paths.flat();
      out.set(`${rd}:${prefix}`, paths);
    }
  }
  return out;
}

/**
 * `show evpn vni VNI json` (zebra): the remote VTEPs it floods to. FRR 8.4 puts the list itself
 * under "numRemoteVteps" (later versions: a count there and the list under "remoteVteps").
 */
export async function frrRemoteVteps(f: Frr, vni = VNI): Promise<string[]> {
  const j = await f.json<{ numRemoteVteps?: number | string[]; remoteVteps?: Array<{ ip: string } | string> }>(`show evpn vni ${vni} json`);
  const list = Array.isArray(j.numRemoteVteps) ? j.numRemoteVteps : (j.remoteVteps ?? []);
  return list.map((v) => (typeof v === 'string' ? v : v.ip)).sort();
}

export interface FrrMac {
  type: string;
  remoteVtep?: string;
  intf?: string;
}

/** `show evpn mac vni VNI json` (zebra): MAC → local / remote entry. */
export async function frrMacs(f: Frr, vni = VNI): Promise<Record<string, FrrMac>> {
  const j = await f.json<{ macs?: Record<string, FrrMac> }>(`show evpn mac vni ${vni} json`);
  return j.macs ?? {};
}

/** `show bgp neighbor X json`: state and how often the session came up / went down. */
export interface FrrNeighbor {
  bgpState?: string;
  connectionsEstablished?: number;
  connectionsDropped?: number;
  lastResetDueTo?: string;
  messageStats?: { notificationsSent?: number; notificationsRecv?: number; updatesRecv?: number };
}

export async function frrNeighbor(f: Frr, address: string): Promise<FrrNeighbor> {
  const j = await f.json<Record<string, Record<string, unknown>>>(`show bgp neighbor ${address} json`);
  return (j[address] ?? {}) as never;
}

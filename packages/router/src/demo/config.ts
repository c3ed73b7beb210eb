/**
 * Each site's router configuration: the seed's, generated for site N of the mesh (iBGP full mesh
 * in AS 64512, update-source the site's own underlay address, EVPN with advertise-all-vni).
 */
import { DEMO_ASN, type Site } from './topology.js';

export interface ExtraNeighbor {
  readonly address: string;
  /** `internal` (iBGP, as the sites) unless set. */
  readonly remoteAs?: number | 'internal';
}

export interface SiteConfigOptions {
  /** `neighbor X timers KEEPALIVE HOLD` on every neighbor; FRR's 60/180 when absent. */
  readonly timers?: { readonly keepalive: number; readonly hold: number };
  /** More EVPN neighbors besides the other sites (a GoBGP peer on the carrier, say). */
  readonly extraNeighbors?: readonly ExtraNeighbor[];
}

export function siteConfig(site: Site, sites: readonly Site[], options: SiteConfigOptions = {}): string {
  const neighbors: ExtraNeighbor[] = [...sites.filter((s) => s !== site).map((s) => ({ address: s.vtep })), ...(options.extraNeighbors ?? [])];
  const lines = [`router bgp ${DEMO_ASN}`];
  for (const n of neighbors) {
    lines.push(` neighbor ${n.address} remote-as ${n.remoteAs ?? 'internal'}`, ` neighbor ${n.address} update-source ${site.vtep}`);
    if (options.timers !== undefined) lines.push(` neighbor ${n.address} timers ${options.timers.keepalive} ${options.timers.hold}`);
  }
  lines.push(' !', ' address-family ipv6 unicast', `  network ${site.vtep}/128`, ' exit-address-family', ' !', ' address-family l2vpn evpn');
  for (const n of neighbors) lines.push(`  neighbor ${n.address} activate`);
  lines.push('  advertise-all-vni', ' exit-address-family', 'exit', 'ipv6 nht resolve-via-default');
  return `${lines.join('\n')}\n`;
}

import { formatRd, formatRouteTarget } from '@evpn6/evpn';
import { neighborIsInternal } from './load.js';
import type { RouterConfig } from './types.js';

/** A few human lines saying what a configuration sets up (what `evpn6 check` prints after "ok"). */
export function summarizeConfig(c: RouterConfig): string[] {
  const b = c.bgp;
  const out: string[] = [];
  out.push(`router bgp ${b.asn}, router-id ${b.routerId ?? 'automatic'}${c.hostname ? `, hostname ${c.hostname}` : ''}`);
  out.push(`neighbors: ${b.neighbors.length}`);
  for (const n of b.neighbors) {
    const families = [n.ipv6Unicast.activate ? 'ipv6-unicast' : '', n.evpn.activate ? 'l2vpn-evpn' : ''].filter(Boolean);
    const parts = [
      neighborIsInternal(b, n) ? 'iBGP' : 'eBGP',
      `remote-as ${n.remoteAs}`,
      n.updateSource ? `update-source ${n.updateSource.kind === 'address' ? n.updateSource.address : n.updateSource.name}` : '',
      n.port !== 179 ? `port ${n.port}` : '',
      n.timers ? `timers ${n.timers.keepalive}/${n.timers.hold}` : '',
      `families ${families.length > 0 ? families.join(',') : 'none'}`,
      n.evpn.routeReflectorClient || n.ipv6Unicast.routeReflectorClient ? 'route-reflector-client' : '',
      n.evpn.pmsiIpv4Form ? 'pmsi-ipv4-form' : '',
      n.passive ? 'passive' : '',
      n.shutdown ? 'shutdown' : '',
    ].filter(Boolean);
    out.push(`  ${n.address}: ${parts.join(', ')}`);
  }
  out.push(`ipv6 unicast networks: ${b.ipv6Unicast.networks.length > 0 ? b.ipv6Unicast.networks.join(' ') : 'none'}`);
  out.push(`l2vpn evpn: advertise-all-vni ${b.evpn.advertiseAllVni ? 'on' : 'off'}, vni blocks: ${b.evpn.vnis.length}`);
  for (const v of b.evpn.vnis) {
    const rts = (list: typeof v.importRouteTargets) => (list.length > 0 ? list.map((rt) => formatRouteTarget(rt)).join(' ') : 'auto');
    out.push(`  vni ${v.vni}: rd ${v.rd ? formatRd(v.rd) : 'auto'}, import ${rts(v.importRouteTargets)}, export ${rts(v.exportRouteTargets)}`);
  }
  if (c.dpdk !== undefined) {
    const d = c.dpdk;
    out.push(`dataplane dpdk: underlay ${d.underlay.device} (tap ${d.underlay.tap}), mtu ${d.mtu}, eal ${d.ealArgs.length > 0 ? d.ealArgs.join(' ') : 'defaults'}`);
    for (const lan of d.lan) out.push(`  lan ${lan.device}${lan.tap !== undefined ? ` (tap ${lan.tap})` : ''}: vni ${lan.vni}`);
  }
  if (c.ignored.length > 0) out.push(`ignored lines: ${c.ignored.map((l) => l.line).join(', ')}`);
  return out;
}

import { describeNotification, endOfRibFamily, formatIp, isRawNlri, prefixToString, splitNextHop } from '@evpn6/bgp';
import type { BgpMessage, Capability, IpPrefix, NlriList, UpdateMessage } from '@evpn6/bgp';
import { decodeExtCommunity, formatEvpnRouteWithRd, formatExtCommunity, pmsiFromAttribute } from '@evpn6/evpn';
import type { EvpnRoute } from '@evpn6/evpn';

function capabilityText(c: Capability): string {
  switch (c.kind) {
    case 'multiprotocol':
      return `mp(${c.afi}/${c.safi})`;
    case 'four-octet-as':
      return `as4(${c.asn})`;
    case 'fqdn':
      return `fqdn(${c.hostname}${c.domain ? `.${c.domain}` : ''})`;
    case 'unknown':
      return `cap${c.code}`;
    default:
      return c.kind;
  }
}

function nlriTexts(list: NlriList, afi: number, safi: number): string[] {
  if (isRawNlri(list)) return list.bytes.length > 0 ? [`raw(${list.bytes.length} bytes)`] : [];
  if (afi === 25 && safi === 70) return list.map((n) => formatEvpnRouteWithRd(n as EvpnRoute));
  if (safi === 1 && (afi === 1 || afi === 2)) return list.map((n) => prefixToString(n as IpPrefix));
  return [`${list.length} routes of ${afi}/${safi}`];
}

function updateText(m: UpdateMessage): string {
  const eor = endOfRibFamily(m);
  if (eor) return `UPDATE End-of-RIB ${eor.afi}/${eor.safi}`;
  const parts: string[] = ['UPDATE'];
  const announced: string[] = m.nlri.map(prefixToString);
  const withdrawn: string[] = m.withdrawn.map(prefixToString);
  const extras: string[] = [];
  for (const a of m.attributes) {
    switch (a.type) {
      case 'MP_REACH_NLRI':
        announced.push(...nlriTexts(a.nlri, a.afi, a.safi));
        extras.push(`nh ${formatIp(splitNextHop(a.nextHop).global)}`);
        break;
      case 'MP_UNREACH_NLRI':
        withdrawn.push(...nlriTexts(a.withdrawn, a.afi, a.safi));
        break;
      case 'NEXT_HOP':
        extras.push(`nh ${formatIp(a.nextHop)}`);
        break;
      case 'EXTENDED_COMMUNITIES':
        for (const c of a.communities) extras.push(formatExtCommunity(decodeExtCommunity(c)));
        break;
      case 'PMSI_TUNNEL':
        try {
          const t = pmsiFromAttribute(a);
          extras.push(t.kind === 'ingress-replication' ? `PMSI ingress-replication vni ${t.vni} ${t.endpoint.toString()}` : `PMSI type ${a.tunnelType}`);
        } catch {
          extras.push(`PMSI invalid endpoint (${a.tunnelId.length} bytes)`);
        }
        break;
      case 'LOCAL_PREF':
        extras.push(`local-pref ${a.localPref}`);
        break;
      default:
        break;
    }
  }
  if (announced.length > 0) parts.push(`+ ${announced.join(' ')}`);
  if (withdrawn.length > 0) parts.push(`- ${withdrawn.join(' ')}`);
  parts.push(...extras);
  if (m.report) parts.push(`(RFC 7606: ${m.report.action})`);
  return parts.join(' ');
}

/** One line per message, for people: what `evpn6 decode` prints without --json. */
export function summarizeMessage(m: BgpMessage): string {
  switch (m.type) {
    case 'OPEN':
      return `OPEN as ${m.myAs} hold ${m.holdTime} id ${m.bgpId} ${m.capabilityGroups.flat().map(capabilityText).join(' ')}`;
    case 'UPDATE':
      return updateText(m);
    case 'NOTIFICATION':
      return `NOTIFICATION ${describeNotification(m)}`;
    case 'KEEPALIVE':
      return 'KEEPALIVE';
    case 'ROUTE_REFRESH':
      return `ROUTE-REFRESH ${m.afi}/${m.safi} subtype ${m.subtype}`;
  }
}

import { expect } from 'chai';
import type { ExportCandidate, PathAttribute, Speaker } from '@evpn6/bgp';
import { createContext, createSpeaker, decodeMessage, defaultRegistry, parseIp, parsePrefix } from '@evpn6/bgp';
import type { EvpnRoute, InclusiveMulticastRoute } from '../src/index.js';
import { VtepAddress, evpnNlri, legacyFrrEvpnFilter, parseRd, pmsiIngressReplication, registerEvpn } from '../src/index.js';
import { capturedUpdates } from './support/gobgp.js';

const registry = registerEvpn(defaultRegistry().clone());
const ctx = createContext({ registry });

function candidate(nlri: EvpnRoute, attributes: PathAttribute[], nextHop = parseIp('2001:db8::1')): ExportCandidate {
  return { family: 'l2vpn-evpn', afi: 25, safi: 70, nlri, attributes, nextHop };
}

function imet(originator: string): InclusiveMulticastRoute {
  return { kind: 'inclusive-multicast', pathId: undefined, rd: parseRd('192.0.2.1:100'), ethernetTag: 0, originator: parseIp(originator) };
}

function pmsi(vni: number, endpoint: string, ipv4Form = false): PathAttribute {
  return { type: 'PMSI_TUNNEL', flags: 0xc0, ...pmsiIngressReplication(vni, VtepAddress.parse(endpoint), { ipv4Form }) } as PathAttribute;
}

describe('legacyFrrEvpnFilter (stock FRR 8.4 peers)', () => {
  it('holds back exactly the GoBGP-captured routes FRR 8.4 resets on: IPv6 IMET/ES originators, 21-byte PMSI', () => {
    const verdicts: string[] = [];
    for (const u of capturedUpdates()) {
      const m = decodeMessage(u.message, ctx);
      if (m.type !== 'UPDATE') continue;
      const reach = m.attributes.find((a) => a.type === 'MP_REACH_NLRI');
      if (reach === undefined || reach.type !== 'MP_REACH_NLRI') continue;
      const rest = m.attributes.filter((a) => a.type !== 'MP_REACH_NLRI');
      for (const r of reach.nlri as EvpnRoute[]) {
        const ok = legacyFrrEvpnFilter(candidate(r, rest, reach.nextHop));
        const unsafe =
          ((r.kind === 'inclusive-multicast' || r.kind === 'ethernet-segment') && r.originator.length === 16) ||
          rest.some((a) => a.type === 'PMSI_TUNNEL' && a.tunnelId.length === 16);
        expect(ok, evpnNlri.format(r)).to.equal(!unsafe);
        verdicts.push(`${r.kind}:${ok}`);
      }
    }
    // The capture has every type; 3 IPv6 IMET and 2 IPv6 ES routes are held back, 1 IPv4 IMET passes.
    expect(verdicts.filter((v) => v.endsWith(':false')).sort()).to.deep.equal([
      'ethernet-segment:false',
      'ethernet-segment:false',
      'inclusive-multicast:false',
      'inclusive-multicast:false',
      'inclusive-multicast:false',
    ]);
    expect(verdicts).to.include('inclusive-multicast:true');
    expect(verdicts.filter((v) => v.startsWith('mac-ip')).every((v) => v.endsWith(':true'))).to.equal(true);
  });

  it('judges the PMSI by its length: an IPv4 IMET with a 16-byte endpoint is held back, the 9-byte form passes', () => {
    expect(legacyFrrEvpnFilter(candidate(imet('192.0.2.1'), [pmsi(100, '192.0.2.1')]))).to.equal(true);
    expect(legacyFrrEvpnFilter(candidate(imet('192.0.2.1'), [pmsi(100, '::ffff:192.0.2.1')]))).to.equal(false);
    expect(legacyFrrEvpnFilter(candidate(imet('192.0.2.1'), [pmsi(100, '::ffff:192.0.2.1', true)]))).to.equal(true);
    expect(legacyFrrEvpnFilter(candidate(imet('2001:db8::1'), [pmsi(100, '192.0.2.1')]))).to.equal(false);
    expect(legacyFrrEvpnFilter(candidate(imet('2001:db8::1'), []))).to.equal(false);
  });

  it('passes other families untouched', () => {
    const c: ExportCandidate = { family: 'ipv6-unicast', afi: 2, safi: 1, nlri: parsePrefix('2001:db8::/32'), attributes: [], nextHop: parseIp('2001:db8::1') };
    expect(legacyFrrEvpnFilter(c)).to.equal(true);
  });

  describe('as a speaker exportFilter', function () {
    this.timeout(15000);
    const speakers: Speaker[] = [];
    afterEach(async () => {
      while (speakers.length) await speakers.pop()!.close();
    });

    it('the filtered neighbor gets the RT2 and the IPv4 IMET, never the IPv6 IMET', async () => {
      const common = { registry, families: ['l2vpn-evpn'], holdTime: 3, connectRetry: 1, idleHold: 1, idleHoldMax: 2 } as const;
      const a = await createSpeaker({ ...common, asn: 64512, routerId: '192.0.2.1', listen: { addresses: ['127.0.0.1'], port: 0 } });
      speakers.push(a);
      const b = await createSpeaker({ ...common, asn: 64512, routerId: '192.0.2.2', listen: { addresses: ['127.0.0.2'], port: 0 } });
      speakers.push(b);
      const portB = b.listening()[0]!.port;
      b.addNeighbor({ address: '127.0.0.1', remoteAs: 'internal', passive: true });
      a.addNeighbor({ address: '127.0.0.2', remoteAs: 'internal', port: portB, localAddress: '127.0.0.1', exportFilter: legacyFrrEvpnFilter });
      const rd = parseRd('192.0.2.1:100');
      const mac: EvpnRoute = { kind: 'mac-ip', pathId: undefined, rd, esi: new Uint8Array(10), ethernetTag: 0, mac: Uint8Array.of(2, 0, 0, 0, 0, 1), ip: undefined, labels: [100] };
      a.originate({ family: 'l2vpn-evpn', nlri: [mac], nextHop: '2001:db8::1' });
      a.originate({ family: 'l2vpn-evpn', nlri: [imet('2001:db8::1')], nextHop: '2001:db8::1', attributes: [pmsi(100, '2001:db8::1')] });
      a.originate({ family: 'l2vpn-evpn', nlri: [imet('192.0.2.1')], nextHop: '192.0.2.1', attributes: [pmsi(100, '192.0.2.1')] });
      const deadline = Date.now() + 8000;
      let got: string[] = [];
      while (Date.now() < deadline) {
        got = b.routes('l2vpn-evpn').map((r) => r.prefix).sort();
        if (got.length >= 2) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 300));
      got = b.routes('l2vpn-evpn').map((r) => r.prefix).sort();
      expect(got).to.have.length(2);
      expect(got.some((p) => p.includes('[3]') && p.includes('[32]:[192.0.2.1]'))).to.equal(true);
      expect(got.some((p) => p.includes('[2]'))).to.equal(true);
      expect(got.some((p) => p.includes('[128]'))).to.equal(false);
      expect(a.peer('127.0.0.2').establishedTransitions).to.equal(1);
    });
  });
});

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MpReachAttribute, MpUnreachAttribute, UpdateMessage } from '@evpn6/bgp';
import { Afi, Safi, buildUpdate, createContext, decodeMessage, defaultRegistry, encodeMessage, fromHex, getAttribute, AttrType } from '@evpn6/bgp';
import type { EvpnEngineRoute, EvpnRoute } from '../src/index.js';
import { MacVrfEngine, bgpRouteFromEngine, engineKeyFromBgp, engineRouteFromBgp, registerEvpn } from '../src/index.js';

const ctx = createContext({ registry: registerEvpn(defaultRegistry().clone()) });

/** Sends one engine route through a real UPDATE (encode, decode) and back into the engine's shape. */
function overTheWire(route: EvpnEngineRoute): EvpnEngineRoute | undefined {
  const out = bgpRouteFromEngine(route);
  const update = buildUpdate({
    localPref: 100,
    mpReach: { afi: Afi.L2VPN, safi: Safi.EVPN, nextHop: out.nextHop, nlri: [out.nlri] },
    attributes: out.attributes,
  });
  const decoded = decodeMessage(encodeMessage(update, ctx), ctx) as UpdateMessage;
  const reach = getAttribute(decoded.attributes, AttrType.MP_REACH_NLRI) as MpReachAttribute;
  const nlri = (reach.nlri as readonly EvpnRoute[])[0]!;
  return engineRouteFromBgp(nlri, decoded.attributes, reach.nextHop);
}

describe('engine adapter: engine routes <-> NLRI and attributes', () => {
  it('an engine-originated RT2 and RT3 (IPv6 VTEP) survive a real UPDATE unchanged', () => {
    const engine = new MacVrfEngine({ routerId: '192.0.2.1', asn: 64512, localVtep: '2001:db8:0:1::11' });
    const out = [
      ...engine.addVni({ vni: 550 }, 0).routes,
      ...engine.localMacLearned({ vni: 550, mac: '52:54:00:56:18:ff', ip: '198.51.100.7' }, 0).routes,
      ...engine.localMacLearned({ vni: 550, mac: '52:54:00:56:18:fe', sticky: true }, 0).routes,
    ];
    // RT3 for the VNI; for a MAC with an IP both the MAC-only and the MAC+IP RT2 (as FRR sends them).
    expect(out.map((c) => c.route.type).sort()).to.deep.equal(['imet', 'mac-ip', 'mac-ip', 'mac-ip']);
    expect(out.some((c) => c.route.type === 'mac-ip' && c.route.mobility?.sticky === true)).to.equal(true);
    for (const change of out) expect(overTheWire(change.route)).to.deep.equal(change.route);
  });

  it('RT3 carries a 21-byte PMSI for an IPv6 VTEP and a 9-byte one for IPv4', () => {
    const imet = (vtep: string): EvpnEngineRoute => ({
      type: 'imet',
      rd: '192.0.2.1:550',
      ethernetTag: 0,
      originator: vtep,
      pmsi: { tunnelType: 6, label: 550, endpoint: vtep },
      nextHop: vtep,
      routeTargets: ['64512:550'],
    });
    for (const [vtep, tunnelIdLength] of [['2001:db8:0:1::11', 16], ['192.0.2.11', 4]] as const) {
      const pmsi = bgpRouteFromEngine(imet(vtep)).attributes.find((a) => a.type === 'PMSI_TUNNEL') as { tunnelId: Uint8Array; label: number };
      expect(pmsi.tunnelId).to.have.length(tunnelIdLength);
      expect(pmsi.label).to.equal(550);
      expect(overTheWire(imet(vtep))).to.deep.equal(imet(vtep));
    }
  });

  it('reads GoBGP routes from the capture into the engine shape, and withdrawals into keys', () => {
    const dir = fileURLToPath(new URL('./vectors/gobgp-evpn/', import.meta.url));
    const lines = readFileSync(`${dir}messages.hex.txt`, 'utf8').split('\n').filter((l) => l.trim() !== '');
    const seen: EvpnEngineRoute[] = [];
    const keys: unknown[] = [];
    for (const hex of lines) {
      const m = decodeMessage(fromHex(hex), ctx);
      if (m.type !== 'UPDATE') continue;
      const reach = getAttribute(m.attributes, AttrType.MP_REACH_NLRI) as MpReachAttribute | undefined;
      for (const n of (reach?.nlri ?? []) as readonly EvpnRoute[]) {
        const r = engineRouteFromBgp(n, m.attributes, reach!.nextHop);
        if (r) seen.push(r);
      }
      const unreach = getAttribute(m.attributes, AttrType.MP_UNREACH_NLRI) as MpUnreachAttribute | undefined;
      for (const n of (unreach?.withdrawn ?? []) as readonly EvpnRoute[]) {
        const k = engineKeyFromBgp(n);
        if (k) keys.push(k);
      }
    }
    // commands.txt: 8 RT2 (5 CLI + 3 gRPC with MAC mobility) and 4 RT3 are announced; 1 RT2 and 1 RT3 withdrawn.
    expect(seen.filter((r) => r.type === 'mac-ip')).to.have.length(8);
    expect(seen.filter((r) => r.type === 'imet')).to.have.length(4);
    expect(seen.find((r) => r.type === 'mac-ip' && r.mac === '02:00:00:00:00:02')).to.deep.equal({
      type: 'mac-ip',
      rd: '192.0.2.1:100',
      ethernetTag: 0,
      mac: '02:00:00:00:00:02',
      ip: '198.51.100.2',
      label: 10550,
      nextHop: '2001:db8:0:1::11',
      routeTargets: ['64512:100', '64512:20550'],
      mobility: null,
    });
    expect(seen.find((r) => r.type === 'mac-ip' && r.mac === '02:00:00:00:00:12')).to.include({ ip: '2001:db8:aaaa::12' }).and.have.deep.property('mobility', { sequence: 65536, sticky: true });
    expect(seen.find((r) => r.type === 'imet' && r.rd === '192.0.2.1:100')).to.deep.equal({
      type: 'imet',
      rd: '192.0.2.1:100',
      ethernetTag: 0,
      originator: '2001:db8:0:1::11',
      pmsi: { tunnelType: 6, label: 10550, endpoint: '2001:db8:0:1::11' },
      nextHop: '2001:db8:0:1::11',
      routeTargets: ['64512:100'],
    });
    expect(keys).to.deep.include({ type: 'mac-ip', rd: '192.0.2.1:100', ethernetTag: 0, mac: '02:00:00:00:00:02', ip: '198.51.100.2' });
    expect(keys).to.deep.include({ type: 'imet', rd: '192.0.2.1:100', ethernetTag: 0, originator: '2001:db8:0:1::11' });
  });
});

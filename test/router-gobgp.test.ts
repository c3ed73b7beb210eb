/**
 * A GoBGP 3.10 speaker attached to the demo's carrier network, peering (iBGP, EVPN) with all
 * three evpn6 routers: it must see every site's type-2 (host MAC) and type-3 (IMET) routes with
 * IPv6 next hops, a 128-bit originator and the 21-byte PMSI, and a MAC it injects must end up in
 * every site's kernel FDB pointing at GoBGP's VTEP (and leave it again when withdrawn).
 */
import { expect } from 'chai';
import { join } from 'node:path';
import type { show } from '@evpn6/router';
import { GoBgp } from './support/gobgp.js';
import { gobgpEvpnRib, type CanonicalEvpn } from './support/evpn-gobgp.js';
import { requirePrereqs } from './support/prereq.js';
import { waitFor } from './support/processes.js';
import { kernelRemoteMacs, startDemoLab, type DemoLab } from './support/router-lab.js';

const GOBGP_VTEP = '2001:db8:0:9::11';
const INJECTED_MAC = '02:e6:00:00:99:01';
const ASN = 64512;
const VNI = 550;

describe('evpn6 routers with a GoBGP 3.10 peer on the demo topology', function () {
  this.timeout(90_000);
  let lab: DemoLab;
  let g: GoBgp;
  let rt = '';

  before(async function () {
    requirePrereqs(this, { root: true, binaries: ['gobgpd', 'gobgp'] });
    lab = startDemoLab(this, 'gobgp', {
      timers: { keepalive: 3, hold: 9 },
      extraNeighbors: [{ address: GOBGP_VTEP }],
      attach: [{ name: 'gobgp', address: GOBGP_VTEP }],
    });
    g = await GoBgp.start({
      ns: lab.attached.get('gobgp')!,
      dir: join(lab.dir, 'gobgp'),
      asn: ASN,
      routerId: '198.51.100.9',
      listenAddresses: [GOBGP_VTEP],
      neighbors: lab.sites.map((s) => ({ address: s.vtep, peerAs: ASN, families: ['l2vpn-evpn'], localAddress: GOBGP_VTEP, holdTime: 9, keepalive: 3, connectRetry: 1 })),
    });
    await lab.waitConverged({ extraPeers: [GOBGP_VTEP], timeoutMs: 60_000 });
    for (const s of lab.sites) await g.waitEstablished(s.vtep);
    const [vni] = await lab.showJson<show.VniJson[]>(lab.sites[0]!, ['evpn', 'vni', 'detail']);
    rt = vni!.importRts[0]!;
  });

  after(async () => {
    await g?.stop();
    await lab?.close();
  });

  it("sees every site's RT2 (host MAC) and RT3 (IMET) with IPv6 next hops and the IPv6 PMSI", async () => {
    const want = (rib: CanonicalEvpn[]) =>
      lab.sites.every((s) => rib.some((r) => r.type === 2 && r.mac === s.hostMac && r.nextHop === s.vtep) && rib.some((r) => r.type === 3 && r.originator === s.vtep));
    const rib = await waitFor('every site in GoBGP\'s EVPN RIB', async () => {
      const r = await gobgpEvpnRib(g);
      return want(r) ? r : undefined;
    });
    for (const s of lab.sites) {
      const macip = rib.find((r) => r.type === 2 && r.mac === s.hostMac)!;
      expect(macip, s.name).to.include({ nextHop: s.vtep, etag: 0, esi: 'single-homed' });
      expect(macip.labels, s.name).to.deep.equal([VNI]);
      expect(macip.communities, s.name).to.include.members([`RT:${rt}`, 'ENCAP:8']);
      const imet = rib.find((r) => r.type === 3 && r.originator === s.vtep)!;
      expect(imet, s.name).to.include({ nextHop: s.vtep, etag: 0 });
      expect(imet.rd, s.name).to.equal(macip.rd);
      expect(imet.pmsi, s.name).to.deep.equal({ leafInfoRequired: false, tunnelType: 6, label: VNI, tunnelId: s.vtep });
      expect(imet.communities, s.name).to.include.members([`RT:${rt}`, 'ENCAP:8']);
    }
    // The three hosts and three IMETs, nothing else: GoBGP itself has originated nothing yet.
    expect(rib.filter((r) => r.type === 2)).to.have.length(3);
    expect(rib.filter((r) => r.type === 3)).to.have.length(3);
  });

  it("an RT2 GoBGP injects reaches every site's kernel FDB behind GoBGP's VTEP, and leaves it when withdrawn", async () => {
    const route = `macadv ${INJECTED_MAC} 0.0.0.0 etag 0 label ${VNI} rd 198.51.100.9:${VNI}`;
    await g.cli(['global', 'rib', '-a', 'evpn', 'add', ...route.split(' '), 'rt', rt, 'encap', 'vxlan', 'nexthop', GOBGP_VTEP]);
    const entry = `${INJECTED_MAC}>${GOBGP_VTEP}`;
    for (const s of lab.sites) {
      await waitFor(`${s.name}'s kernel FDB: ${entry}`, () => (kernelRemoteMacs(lab, s).includes(entry) ? true : undefined), 10_000, 100);
      const [macs] = await lab.showJson<show.MacVniJson[]>(s, ['evpn', 'mac', 'vni', String(VNI)]);
      expect(macs!.macs.find((m) => m.mac === INJECTED_MAC), s.name).to.include({ type: 'remote', remoteVtep: GOBGP_VTEP });
    }
    await g.cli(['global', 'rib', '-a', 'evpn', 'del', ...route.split(' ')]);
    for (const s of lab.sites) {
      await waitFor(`${s.name}'s kernel FDB without ${entry}`, () => (kernelRemoteMacs(lab, s).some((e) => e.startsWith(INJECTED_MAC)) ? undefined : true), 10_000, 100);
    }
  });
});

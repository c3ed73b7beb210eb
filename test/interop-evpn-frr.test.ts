/**
 * EVPN interop with stock FRR 8.4.4 (issue #4): zebra + bgpd in a namespace with a kernel vxlan
 * (VNI 100, IPv4 VTEP 192.0.2.2) in a bridge, `advertise-all-vni`, iBGP l2vpn evpn with our
 * speaker over an IPv6 session.
 *
 * Why an IPv6 session: it works for IPv4 VTEPs as is. FRR sends its own routes with its 4-byte
 * VTEP address as MP_REACH next hop whatever the session's family, and takes our 4-byte next
 * hops; no extended-nexthop capability is involved (FRR 8.4 ignores it for l2vpn evpn anyway).
 *
 * What FRR 8.4 does with IPv6 VTEP routes (measured by the tests below):
 *  - RT2 (and RT1/RT5) with a 16-byte next hop: accepted, stored with next hop 0.0.0.0, and zebra
 *    installs the MAC as remote behind VTEP 0.0.0.0 — the session survives, forwarding does not.
 *  - RT3 with a 21-byte PMSI: NOTIFICATION 3/5, on every reconnect. 128-bit originators (RT3,
 *    RT4): NOTIFICATION 3/9.
 * What our speaker does: with `exportFilter: legacyFrrEvpnFilter` those routes are never sent
 * and the session stays up; without it the session flaps, paced by our IdleHold backoff.
 */
import { expect } from 'chai';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetnsLab, requirePrerequisites } from './support/netns.js';
import { Frr } from './support/frr.js';
import { RemoteSpeaker } from './support/speaker-remote.js';
import { sleep, waitFor } from './support/processes.js';
import type { EvpnSpec } from './support/evpn-agent.js';
import type { EvpnFrrLab } from './support/evpn-frr.js';
import { ADDRESSES as A, HOST_MAC, VNI, buildEvpnFrrLab, evpnFrrConfig, frrEvpnRoutes, frrMacs, frrNeighbor, frrRemoteVteps } from './support/evpn-frr.js';

const RT = '64512:100';
const OUR_MAC = '02:00:00:00:10:01';

/** Our VNI 100 with an IPv4 VTEP: what FRR 8.4 can use. */
const V4_ROUTES: readonly EvpnSpec[] = [
  { kind: 'mac-ip', rd: '192.0.2.1:100', mac: OUR_MAC, labels: [VNI], nextHop: A.ours4, routeTargets: [RT] },
  { kind: 'inclusive-multicast', rd: '192.0.2.1:100', originator: A.ours4, nextHop: A.ours4, routeTargets: [RT], pmsi: { vni: VNI, endpoint: A.ours4 } },
];

/** The same VNI with an IPv6 VTEP, as a site on an IPv6-only underlay sends it (RFC 8365, FRR ≥ 10.6 style). */
const V6_ROUTES: readonly EvpnSpec[] = [
  { kind: 'mac-ip', rd: '192.0.2.1:100', mac: OUR_MAC, labels: [VNI], nextHop: A.ours6, routeTargets: [RT] },
  { kind: 'inclusive-multicast', rd: '192.0.2.1:100', originator: A.ours6, nextHop: A.ours6, routeTargets: [RT], pmsi: { vni: VNI, endpoint: A.ours6 } },
];

describe('interop: FRR 8.4.4 EVPN (namespaces, kernel vxlan)', function () {
  this.timeout(60000);
  let lab: NetnsLab;
  let l: EvpnFrrLab;
  let dir: string;
  const started: Array<{ stop(): Promise<void> }> = [];

  before(async function () {
    requirePrerequisites(this, ['vtysh', '/usr/lib/frr/bgpd', '/usr/lib/frr/zebra']);
    lab = new NetnsLab();
    l = await buildEvpnFrrLab(lab);
    dir = mkdtempSync(join(tmpdir(), 'e6-evpn-frr-'));
    chmodSync(dir, 0o755); // FRR's daemons run as user frr and must reach their directory below
  });

  afterEach(async () => {
    while (started.length) await started.pop()!.stop();
  });

  after(() => {
    lab?.teardown();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function frr(name: string): Promise<Frr> {
    const f = await Frr.start({ ns: l.nsFrr, dir: join(dir, name), config: evpnFrrConfig(A.ours6) });
    started.push(f);
    return f;
  }

  async function speaker(opts: { filter?: boolean; idleHoldMax?: number } = {}): Promise<RemoteSpeaker> {
    const s = RemoteSpeaker.start(l.nsUs);
    started.push(s);
    await s.call('create', {
      asn: 64512,
      routerId: '192.0.2.1',
      listen: { addresses: [A.ours6], port: 179 },
      families: ['l2vpn-evpn'],
      holdTime: 3,
      connectRetry: 1,
      idleHold: 1,
      idleHoldMax: opts.idleHoldMax ?? 2,
    });
    await s.call('addNeighbor', {
      address: A.frr6,
      remoteAs: 'internal',
      localAddress: A.ours6,
      ...(opts.filter ? { exportFilter: 'legacyFrrEvpn' } : {}),
    });
    await s.waitEstablished(A.frr6, 30000);
    return s;
  }

  it('IPv4 VTEPs both ways: FRR RT3 and a learned MAC reach us; our RT2/RT3 make FRR list our VTEP and MAC as remote', async () => {
    const f = await frr('v4');
    const s = await speaker();

    // FRR's IMET: [3]:[0]:[32]:[192.0.2.2], RD router-id:N, VTEP as next hop and 9-byte PMSI endpoint.
    const imet = await waitFor('FRR IMET at us', async () => (await s.evpnRoutes()).find((r) => r.kind === 'inclusive-multicast' && r.peer === A.frr6), 20000);
    expect(imet.prefix).to.match(/^192\.0\.2\.2:\d+:\[3\]:\[0\]:\[32\]:\[192\.0\.2\.2\]$/);
    expect(imet).to.deep.include({ etag: 0, originator: A.frr4, nextHop: A.frr4, localPref: 100, stale: false });
    expect(imet.pmsi).to.deep.equal({ kind: 'ingress-replication', flags: 0, leafInfoRequired: false, tunnelType: 6, label: VNI, endpoint: A.frr4, length: 9 });
    expect(imet.communities).to.have.deep.members([
      { kind: 'route-target', format: 'as2', value: RT },
      { kind: 'encapsulation', tunnelType: 8 },
    ]);

    // A frame from the host behind FRR's bridge: the bridge learns the MAC, zebra tells bgpd, RT2 follows.
    lab.tryExec(l.nsHost, 'ping', '-c', '2', '-i', '0.2', '-W', '1', '198.51.100.51');
    const mac = await waitFor('FRR RT2 for the host MAC at us', async () => (await s.evpnRoutes()).find((r) => r.kind === 'mac-ip' && r.mac === HOST_MAC), 20000);
    expect(mac).to.deep.include({ peer: A.frr6, nextHop: A.frr4, esi: 'single-homed', etag: 0, labels: [VNI] });
    expect(mac.rd).to.equal(imet.rd);
    expect(mac.communities).to.deep.include({ kind: 'route-target', format: 'as2', value: RT });

    await s.originateEvpn(V4_ROUTES);
    const routes = await waitFor('FRR to hold our RT2 and RT3 as valid', async () => {
      const r = await frrEvpnRoutes(f);
      const two = r.get(`192.0.2.1:100:[2]:[0]:[48]:[${OUR_MAC}]`)?.[0];
      const three = r.get('192.0.2.1:100:[3]:[0]:[32]:[192.0.2.1]')?.[0];
      return two?.valid && three?.valid ? { two, three } : undefined;
    }, 20000);
    expect(routes.two.nexthops?.[0]?.ip).to.equal(A.ours4);
    expect(routes.three.nexthops?.[0]?.ip).to.equal(A.ours4);
    expect(routes.three.peerId).to.equal(A.ours6);
    expect(routes.two.extendedCommunity?.string?.split(' ').sort()).to.deep.equal(['ET:8', `RT:${RT}`]);

    await waitFor('zebra to list our VTEP for VNI 100', async () => ((await frrRemoteVteps(f)).includes(A.ours4) ? true : undefined), 15000);
    const macs = await waitFor('zebra to list our MAC as remote', async () => {
      const m = await frrMacs(f);
      return m[OUR_MAC]?.type === 'remote' ? m : undefined;
    }, 15000);
    expect(macs[OUR_MAC]!.remoteVtep).to.equal(A.ours4);
    expect(macs[HOST_MAC]).to.deep.include({ type: 'local', intf: 'hb' });

    await s.withdrawEvpn(V4_ROUTES);
    await waitFor('zebra to forget our VTEP and MAC', async () => {
      const vteps = await frrRemoteVteps(f);
      const m = await frrMacs(f);
      return !vteps.includes(A.ours4) && m[OUR_MAC] === undefined ? true : undefined;
    }, 15000);
    expect((await s.peer(A.frr6)).establishedTransitions).to.equal(1);
  });

  it('IPv6 VTEP routes with legacyFrrEvpnFilter: no flap over several hold times; FRR records our RT2 with next hop 0.0.0.0', async () => {
    const f = await frr('v6-filtered');
    const s = await speaker({ filter: true });
    await s.originateEvpn(V6_ROUTES);
    const two = await waitFor('FRR to hold our IPv6-VTEP RT2', async () => (await frrEvpnRoutes(f)).get(`192.0.2.1:100:[2]:[0]:[48]:[${OUR_MAC}]`)?.[0], 20000);
    // FRR 8.4 cannot hold a 16-byte EVPN next hop: it records 0.0.0.0 (and zebra a remote MAC behind VTEP 0.0.0.0).
    expect(two.nexthops?.[0]?.ip).to.equal('0.0.0.0');
    const macs = await waitFor('zebra to show our MAC', async () => (await frrMacs(f))[OUR_MAC], 15000);
    expect(macs).to.deep.include({ type: 'remote', remoteVtep: '0.0.0.0' });

    // Hold time 3 s on both sides: 10 s is more than three hold times.
    await sleep(10000);
    const ours = await s.peer(A.frr6);
    expect(ours.state).to.equal('Established');
    expect(ours.establishedTransitions).to.equal(1);
    expect(s.events.filter((e) => e.previous === 'Established')).to.deep.equal([]);
    const theirs = await frrNeighbor(f, A.ours6);
    expect(theirs.bgpState).to.equal('Established');
    expect(theirs.connectionsEstablished).to.equal(1);
    expect(theirs.connectionsDropped).to.equal(0);
    expect(theirs.messageStats?.notificationsSent).to.equal(0);
    // The IMET was held back: FRR never saw a [128] originator, and lists no IPv6 VTEP.
    const keys = [...(await frrEvpnRoutes(f)).keys()];
    expect(keys.filter((k) => k.includes('[3]') && k.startsWith('192.0.2.1:'))).to.deep.equal([]);
    expect(await frrRemoteVteps(f)).to.not.include(A.ours6);
    // We still hold both routes ourselves (the filter only concerns this neighbor).
    expect((await s.evpnRoutes()).filter((r) => r.peer === 'local')).to.have.length(2);
  });

  it('IPv6 VTEP routes without the filter: FRR answers NOTIFICATION 3/5 on every session, and IdleHold backoff paces the retries', async () => {
    const f = await frr('v6-unfiltered');
    const s = await speaker({ idleHoldMax: 4 });
    const from = s.events.length;
    await s.originateEvpn(V6_ROUTES);
    await sleep(15000);
    const events = s.events.slice(from);
    const downs = events.filter((e) => e.previous === 'Established');
    expect(downs.length).to.be.at.least(3);
    for (const d of downs) {
      expect(d.down?.direction).to.equal('received');
      expect(d.down?.notification?.code).to.equal(3);
      // 5: PMSI length 21 (the IMET's PMSI is parsed before its 128-bit originator, which alone gives 9).
      expect(d.down?.notification?.subcode).to.be.oneOf([5, 9]);
    }
    expect(downs.some((d) => d.down?.notification?.subcode === 5)).to.equal(true);

    // Waits between a reset and the next session double, 1 s → 2 s → 4 s (cap): a bounded number of sessions.
    const ups = events.filter((e) => e.state === 'Established').map((e) => e.at!);
    expect(ups.length).to.be.at.least(3).and.at.most(7);
    const gaps = ups.slice(1).map((t, i) => t - ups[i]!);
    expect(gaps[0]!).to.be.at.least(900);
    expect(Math.max(...gaps)).to.be.at.least(3500);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).to.be.at.least(gaps[i - 1]! - 500);
    const theirs = await frrNeighbor(f, A.ours6);
    expect(theirs.messageStats?.notificationsSent).to.be.at.least(downs.length - 1);
  });
});

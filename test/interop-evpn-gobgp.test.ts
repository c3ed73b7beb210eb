/**
 * EVPN interop with GoBGP 3.10 over an IPv6 session (issue #4): every route type the gobgp CLI
 * can make reaches our speaker and is compared field by field with GoBGP's own JSON; every route
 * type we originate (IPv6 VTEP: 16-byte next hop, 128-bit IMET originator, 21-byte PMSI) reaches
 * GoBGP and is compared field by field with what we meant to send. Withdrawals both ways.
 *
 * MAC mobility from GoBGP: the capture's three MAC-mobility routes came from GoBGP's gRPC AddPath
 * (the 3.10 CLI has no option for that community) and are not replayed. Instead GoBGP is made to
 * add the community itself, as it does when a MAC it originates is already known from a peer:
 * we advertise the MAC with sequence 3, GoBGP's CLI route for the same MAC then carries 4.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetnsLab, requirePrerequisites } from './support/netns.js';
import { GoBgp } from './support/gobgp.js';
import { RemoteSpeaker } from './support/speaker-remote.js';
import { waitFor } from './support/processes.js';
import type { EvpnSpec } from './support/evpn-agent.js';
import {
  CAPTURE_NEXT_HOP,
  GOBGP_EVPN_ADDS,
  GOBGP_EVPN_DELETES,
  canonicalFromRow,
  canonicalFromSpec,
  gobgpEvpnRib,
  sortCanonical,
} from './support/evpn-gobgp.js';

const OURS = '2001:db8:0:1::1';
const THEIRS = CAPTURE_NEXT_HOP;
const ASN = 64512;

/** One of each route type, IPv6 VTEP 2001:db8:0:1::1, as our speaker originates them. */
const OUR_ROUTES: readonly EvpnSpec[] = [
  { kind: 'ethernet-ad', rd: '192.0.2.1:10', esi: '00:00:11:22:33:44:55:66:77:88', etag: 0, label: 100, nextHop: OURS, routeTargets: ['64512:100'] },
  { kind: 'mac-ip', rd: '192.0.2.1:100', mac: '02:00:00:00:10:01', labels: [100], nextHop: OURS, routeTargets: ['64512:100'] },
  {
    kind: 'mac-ip',
    rd: '192.0.2.1:100',
    mac: '02:00:00:00:10:02',
    ip: '198.51.100.12',
    labels: [100],
    nextHop: OURS,
    routeTargets: ['64512:100'],
    macMobility: { sequence: 7, sticky: true },
  },
  { kind: 'mac-ip', rd: '192.0.2.1:100', mac: '02:00:00:00:10:03', ip: '2001:db8:aaaa::13', labels: [100], nextHop: OURS, routeTargets: ['64512:100'] },
  {
    kind: 'mac-ip',
    rd: '192.0.2.1:100',
    mac: '02:00:00:00:10:04',
    ip: '198.51.100.14',
    labels: [100, 20100],
    nextHop: OURS,
    routeTargets: ['64512:100', '64512:20100'],
    routerMac: '02:00:00:00:ff:10',
  },
  { kind: 'mac-ip', rd: '64086.59905:300', mac: '02:00:00:00:10:05', labels: [300], nextHop: OURS, routeTargets: ['64086.59905:300'], defaultGateway: true },
  {
    kind: 'inclusive-multicast',
    rd: '192.0.2.1:100',
    originator: OURS,
    nextHop: OURS,
    routeTargets: ['64512:100'],
    pmsi: { vni: 100, endpoint: OURS },
  },
  {
    kind: 'inclusive-multicast',
    rd: '192.0.2.1:400',
    etag: 400,
    originator: '192.0.2.1',
    nextHop: OURS,
    routeTargets: ['192.0.2.1:400'],
    pmsi: { vni: 400, endpoint: '192.0.2.1', leafInfoRequired: true },
  },
  { kind: 'ethernet-segment', rd: '192.0.2.1:0', esi: '00:00:11:22:33:44:55:66:77:88', originator: OURS, nextHop: OURS },
  {
    kind: 'ip-prefix',
    rd: '192.0.2.1:20100',
    prefix: '198.51.100.0/24',
    gateway: '198.51.100.254',
    label: 20100,
    nextHop: OURS,
    routeTargets: ['64512:20100'],
    routerMac: '02:00:00:00:ff:10',
  },
  { kind: 'ip-prefix', rd: '192.0.2.1:20100', prefix: '2001:db8:ffff::/48', label: 20100, nextHop: OURS, routeTargets: ['64512:20100'], routerMac: '02:00:00:00:ff:10' },
];

describe('interop: GoBGP 3.10 EVPN over IPv6 (namespaces)', function () {
  this.timeout(60000);
  let lab: NetnsLab;
  let dir: string;
  let s: RemoteSpeaker;
  let g: GoBgp;

  before(async function () {
    this.timeout(60000);
    requirePrerequisites(this, ['gobgpd', 'gobgp']);
    lab = new NetnsLab();
    const nsUs = lab.add('us');
    const nsGo = lab.add('go');
    lab.veth(nsUs, 'u0', nsGo, 'g0');
    lab.ip(nsUs, 'addr', 'add', `${OURS}/64`, 'dev', 'u0', 'nodad');
    lab.ip(nsGo, 'addr', 'add', `${THEIRS}/64`, 'dev', 'g0', 'nodad');
    dir = mkdtempSync(join(tmpdir(), 'e6-evpn-gobgp-'));
    g = await GoBgp.start({
      ns: nsGo,
      dir: join(dir, 'go'),
      asn: ASN,
      routerId: '192.0.2.2',
      listenAddresses: [THEIRS],
      neighbors: [{ address: OURS, peerAs: ASN, families: ['l2vpn-evpn'], passive: true, holdTime: 9, keepalive: 3, connectRetry: 1 }],
    });
    s = RemoteSpeaker.start(nsUs);
    await s.call('create', {
      asn: ASN,
      routerId: '192.0.2.1',
      listen: { addresses: [OURS], port: 179 },
      families: ['l2vpn-evpn'],
      holdTime: 9,
      connectRetry: 1,
      idleHold: 1,
      idleHoldMax: 2,
    });
    await s.call('addNeighbor', { address: THEIRS, remoteAs: 'internal', localAddress: OURS });
    await s.waitEstablished(THEIRS);
    await g.waitEstablished(OURS);
  });

  after(async () => {
    await s?.stop();
    await g?.stop();
    lab?.teardown();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function ourRib() {
    return sortCanonical((await s.evpnRoutes()).filter((r) => r.peer === THEIRS).map(canonicalFromRow));
  }

  it('GoBGP → us: every CLI route type, field by field against `gobgp global rib -a evpn -j`, then withdrawals', async () => {
    for (const c of GOBGP_EVPN_ADDS) await g.cli(['global', 'rib', '-a', 'evpn', ...c.split(' ')]);
    const theirs = await gobgpEvpnRib(g);
    expect(theirs).to.have.length(GOBGP_EVPN_ADDS.length);
    const ours = await waitFor('our Loc-RIB to hold every GoBGP route', async () => {
      const r = await ourRib();
      return r.length === GOBGP_EVPN_ADDS.length ? r : undefined;
    });
    expect(ours).to.deep.equal(theirs);
    // Each type is there, with its typed PMSI and communities (spot checks on top of the full compare).
    expect(new Set(ours.map((r) => r.type))).to.deep.equal(new Set([1, 2, 3, 4, 5]));
    const imet6 = ours.find((r) => r.type === 3 && r.rd === '64086.59905:300')!;
    expect(imet6.pmsi).to.deep.equal({ leafInfoRequired: true, tunnelType: 6, label: 300, tunnelId: THEIRS });
    expect(ours.find((r) => r.type === 1 && r.rd === '192.0.2.1:1')!.communities).to.include('ESI-LABEL:10551:all-active');
    expect(ours.find((r) => r.type === 4 && r.rd === '192.0.2.1:0')!.communities).to.include('ES-IMPORT:02:00:00:00:aa:01');
    expect(ours.every((r) => r.nextHop === THEIRS)).to.equal(true);
    const rows = await s.evpnRoutes();
    expect(rows.every((r) => r.localPref === 100 && !r.stale)).to.equal(true);

    for (const c of GOBGP_EVPN_DELETES) await g.cli(['global', 'rib', '-a', 'evpn', ...c.split(' ')]);
    const left = GOBGP_EVPN_ADDS.length - GOBGP_EVPN_DELETES.length;
    const after = await waitFor('our Loc-RIB to lose the withdrawn routes', async () => {
      const r = await ourRib();
      return r.length === left ? r : undefined;
    });
    const theirsAfter = await gobgpEvpnRib(g);
    expect(theirsAfter).to.have.length(left);
    expect(after).to.deep.equal(theirsAfter);

    for (const c of GOBGP_EVPN_ADDS) await g.cli(['global', 'rib', '-a', 'evpn', ...c.replace(/^add /, 'del ').split(' ')]).catch(() => '');
    await waitFor('our Loc-RIB to be empty of GoBGP routes', async () => ((await ourRib()).length === 0 ? true : undefined));
  });

  it('GoBGP → us: MAC mobility (GoBGP raises the sequence of a MAC that moved from us), field by field', async () => {
    const moving: EvpnSpec = {
      kind: 'mac-ip',
      rd: '192.0.2.1:100',
      mac: '02:00:00:00:30:01',
      labels: [100],
      nextHop: OURS,
      routeTargets: ['64512:100'],
      macMobility: { sequence: 3 },
    };
    await s.originateEvpn([moving]);
    await waitFor('GoBGP to hold our MAC', async () => ((await gobgpEvpnRib(g)).some((r) => r.mac === moving.mac) ? true : undefined));
    const add = `add macadv ${moving.mac!} 0.0.0.0 etag 0 label 100 rd 192.0.2.2:100 rt 64512:100 encap vxlan nexthop ${THEIRS}`;
    await g.cli(['global', 'rib', '-a', 'evpn', ...add.split(' ')]);
    const theirs = (await gobgpEvpnRib(g)).filter((r) => r.rd === '192.0.2.2:100');
    expect(theirs).to.have.length(1);
    expect(theirs[0]!.communities).to.include('MM:4');
    const ours = await waitFor('the moved MAC from GoBGP at us', async () => {
      const r = await ourRib();
      return r.length === 1 ? r : undefined;
    });
    expect(ours).to.deep.equal(theirs);

    await g.cli(['global', 'rib', '-a', 'evpn', ...add.replace(/^add /, 'del ').split(' ')]);
    await s.withdrawEvpn([moving]);
    await waitFor('both sides to forget the MAC', async () => ((await ourRib()).length === 0 && (await gobgpEvpnRib(g)).length === 0 ? true : undefined));
  });

  it('us → GoBGP: types 1–5 with an IPv6 VTEP, field by field in `gobgp global rib -a evpn -j`, then withdrawn', async () => {
    await s.originateEvpn(OUR_ROUTES);
    const expected = sortCanonical(OUR_ROUTES.map(canonicalFromSpec));
    const theirs = await waitFor('GoBGP to hold every route of ours', async () => {
      const r = await gobgpEvpnRib(g);
      return r.length === OUR_ROUTES.length ? r : undefined;
    });
    expect(theirs).to.deep.equal(expected);
    const imet = theirs.find((r) => r.type === 3 && r.originator === OURS)!;
    expect(imet.pmsi).to.deep.equal({ leafInfoRequired: false, tunnelType: 6, label: 100, tunnelId: OURS });
    expect(theirs.find((r) => r.mac === '02:00:00:00:10:02')!.communities).to.include('MM:7:sticky');

    // Our own view of what we originate is the same route set (next hop as given).
    const local = sortCanonical((await s.evpnRoutes()).filter((r) => r.peer === 'local').map(canonicalFromRow));
    expect(local).to.deep.equal(expected);

    await s.withdrawEvpn(OUR_ROUTES.slice(0, 3));
    await waitFor('GoBGP to drop three withdrawn routes', async () => ((await gobgpEvpnRib(g)).length === OUR_ROUTES.length - 3 ? true : undefined));
    expect(await gobgpEvpnRib(g)).to.deep.equal(sortCanonical(OUR_ROUTES.slice(3).map(canonicalFromSpec)));
    await s.withdrawEvpn(OUR_ROUTES.slice(3));
    await waitFor('GoBGP to drop every route of ours', async () => ((await gobgpEvpnRib(g)).length === 0 ? true : undefined));
    expect((await s.peer(THEIRS)).establishedTransitions).to.equal(1);
  });
});

/**
 * Interop with stock FRR 8.4.4 (zebra + bgpd as user frr, own run directory) over IPv6 in
 * network namespaces (issue #3): an IPv6 unicast session with routes both ways checked with
 * vtysh's JSON, and FRR as the route reflector between two of our speakers.
 */
import { expect } from 'chai';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetnsLab, requirePrerequisites } from './support/netns.js';
import { Frr } from './support/frr.js';
import { RemoteSpeaker } from './support/speaker-remote.js';
import { waitFor } from './support/processes.js';

const ASN = 64512;
const FRR_ID = '192.0.2.20';

interface FrrPath {
  valid?: boolean;
  bestpath?: boolean;
  nexthops?: Array<{ ip: string }>;
}

async function frrRoutes(f: Frr): Promise<Record<string, FrrPath[]>> {
  const j = await f.json<{ routes?: Record<string, FrrPath[]> }>('show bgp ipv6 unicast json');
  return j.routes ?? {};
}

function frrConfig(neighbors: Array<{ address: string; rrClient?: boolean }>, networks: string[]): string {
  const lines = [
    'frr defaults traditional',
    'hostname e6frr',
    'router bgp 64512',
    ` bgp router-id ${FRR_ID}`,
    ' no bgp default ipv4-unicast',
    ' no bgp network import-check',
  ];
  for (const n of neighbors) {
    lines.push(` neighbor ${n.address} remote-as internal`, ` neighbor ${n.address} timers 3 9`, ` neighbor ${n.address} timers connect 1`);
  }
  lines.push(' address-family ipv6 unicast');
  for (const p of networks) lines.push(`  network ${p}`);
  for (const n of neighbors) {
    lines.push(`  neighbor ${n.address} activate`);
    if (n.rrClient) lines.push(`  neighbor ${n.address} route-reflector-client`);
  }
  lines.push(' exit-address-family', 'exit', '');
  return lines.join('\n');
}

describe('interop: FRR 8.4.4 over IPv6 (namespaces)', function () {
  this.timeout(120000);
  let lab: NetnsLab;
  let dir: string;
  const started: Array<{ stop(): Promise<void> }> = [];

  before(function () {
    requirePrerequisites(this, ['vtysh', '/usr/lib/frr/bgpd', '/usr/lib/frr/zebra']);
    lab = new NetnsLab();
    dir = mkdtempSync(join(tmpdir(), 'e6-frr-'));
    chmodSync(dir, 0o755); // FRR's daemons run as user frr and must reach their own directory below
  });

  afterEach(async () => {
    while (started.length) await started.pop()!.stop();
  });

  after(() => {
    lab?.teardown();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function speaker(ns: string, routerId: string, address: string, peer: string): Promise<RemoteSpeaker> {
    const s = RemoteSpeaker.start(ns);
    started.push(s);
    await s.call('create', {
      asn: ASN,
      routerId,
      listen: { addresses: [address], port: 179 },
      families: ['ipv6-unicast'],
      holdTime: 9,
      connectRetry: 1,
      idleHold: 1,
      idleHoldMax: 2,
    });
    await s.call('addNeighbor', { address: peer, remoteAs: 'internal', localAddress: address });
    return s;
  }

  it('exchanges IPv6 unicast routes both ways, checked with vtysh json', async () => {
    const nsUs = lab.add('us');
    const nsFrr = lab.add('frr');
    lab.veth(nsUs, 'u0', nsFrr, 'f0');
    lab.ip(nsUs, 'addr', 'add', '2001:db8:20::1/64', 'dev', 'u0', 'nodad');
    lab.ip(nsFrr, 'addr', 'add', '2001:db8:20::2/64', 'dev', 'f0', 'nodad');

    const frr = await Frr.start({ ns: nsFrr, dir: join(dir, 'one'), config: frrConfig([{ address: '2001:db8:20::1' }], ['2001:db8:f00::/48']) });
    started.push(frr);
    const s = await speaker(nsUs, '192.0.2.1', '2001:db8:20::1', '2001:db8:20::2');
    await s.waitEstablished('2001:db8:20::2', 30000);

    await s.call('originate', { nlri: ['2001:db8:100::/48'] });
    const path = await waitFor('FRR to hold our prefix as valid', async () => {
      const p = (await frrRoutes(frr))['2001:db8:100::/48']?.[0];
      return p?.valid ? p : undefined;
    }, 20000);
    expect(path.nexthops?.[0]?.ip).to.equal('2001:db8:20::1');

    const fromFrr = await waitFor('our Loc-RIB to hold FRR network', async () => (await s.routes('ipv6-unicast')).find((r) => r.prefix === '2001:db8:f00::/48'));
    expect(fromFrr.peer).to.equal('2001:db8:20::2');

    await s.call('withdraw', { nlri: ['2001:db8:100::/48'] });
    await waitFor('FRR to drop our withdrawn prefix', async () => ((await frrRoutes(frr))['2001:db8:100::/48'] ? undefined : true), 20000);

    const summary = await frr.json<{ ipv6Unicast?: { peers?: Record<string, { state?: string }> } }>('show bgp summary json');
    expect(summary.ipv6Unicast?.peers?.['2001:db8:20::1']?.state).to.equal('Established');
  });

  it('FRR as route reflector between two evpn6 speakers', async () => {
    const nsRr = lab.add('rr');
    const nsA = lab.add('a');
    const nsB = lab.add('b');
    lab.veth(nsA, 'a0', nsRr, 'ra');
    lab.veth(nsB, 'b0', nsRr, 'rb');
    lab.ip(nsA, 'addr', 'add', '2001:db8:21::1/64', 'dev', 'a0', 'nodad');
    lab.ip(nsRr, 'addr', 'add', '2001:db8:21::2/64', 'dev', 'ra', 'nodad');
    lab.ip(nsB, 'addr', 'add', '2001:db8:22::1/64', 'dev', 'b0', 'nodad');
    lab.ip(nsRr, 'addr', 'add', '2001:db8:22::2/64', 'dev', 'rb', 'nodad');

    const frr = await Frr.start({
      ns: nsRr,
      dir: join(dir, 'rr'),
      config: frrConfig(
        [
          { address: '2001:db8:21::1', rrClient: true },
          { address: '2001:db8:22::1', rrClient: true },
        ],
        [],
      ),
    });
    started.push(frr);
    const a = await speaker(nsA, '192.0.2.21', '2001:db8:21::1', '2001:db8:21::2');
    const b = await speaker(nsB, '192.0.2.22', '2001:db8:22::1', '2001:db8:22::2');
    await a.waitEstablished('2001:db8:21::2', 30000);
    await b.waitEstablished('2001:db8:22::2', 30000);

    await a.call('originate', { nlri: ['2001:db8:a1::/48'] });
    const reflected = await waitFor('B to learn A route through the reflector', async () => (await b.routes('ipv6-unicast')).find((r) => r.prefix === '2001:db8:a1::/48'), 20000);
    expect(reflected.peer).to.equal('2001:db8:22::2');
    expect(reflected.nextHop).to.equal('2001:db8:21::1');
    const originator = reflected.attributes.find((x) => x.type === 'ORIGINATOR_ID') as { originatorId?: number } | undefined;
    const clusters = reflected.attributes.find((x) => x.type === 'CLUSTER_LIST') as { clusterIds?: number[] } | undefined;
    expect(originator?.originatorId).to.equal(((192 << 24) >>> 0) + (0 << 16) + (2 << 8) + 21);
    expect(clusters?.clusterIds).to.deep.equal([((192 << 24) >>> 0) + (2 << 8) + 20]);

    // A must not get its own route back (FRR sends it with A's ORIGINATOR_ID; we drop it).
    const atA = (await a.routes('ipv6-unicast')).find((r) => r.prefix === '2001:db8:a1::/48');
    expect(atA?.peer).to.equal('local');

    await a.call('withdraw', { nlri: ['2001:db8:a1::/48'] });
    await waitFor('B to lose the reflected route', async () => ((await b.routes('ipv6-unicast')).some((r) => r.prefix === '2001:db8:a1::/48') ? undefined : true), 20000);
  });
});

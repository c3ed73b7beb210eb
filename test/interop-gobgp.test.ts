/**
 * Interop with GoBGP 3.10 over IPv6 in network namespaces (issue #3): our speaker in one
 * namespace, gobgpd in the other, one veth between them. GoBGP's own CLI (-j) is the judge of
 * what it received from us.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetnsLab, requirePrerequisites } from './support/netns.js';
import { GoBgp } from './support/gobgp.js';
import { RemoteSpeaker } from './support/speaker-remote.js';
import { sleep, waitFor } from './support/processes.js';

const OURS = '2001:db8:10::1';
const THEIRS = '2001:db8:10::2';
const ASN = 64512;

interface GoRoute {
  nlri: { prefix: string };
  attrs: Array<{ type: number; nexthop?: string; value?: unknown }>;
  'next-hop'?: string;
  stale?: boolean;
}

async function gobgpPrefixes(g: GoBgp): Promise<Map<string, GoRoute>> {
  const rib = await g.json<Record<string, GoRoute[]>>(['global', 'rib', '-a', 'ipv6']);
  const out = new Map<string, GoRoute>();
  for (const [prefix, paths] of Object.entries(rib ?? {})) if (paths[0]) out.set(prefix, paths[0]);
  return out;
}

/** The MP_REACH next hop GoBGP recorded for a path (attribute type 14). */
function goNextHop(r: GoRoute): string | undefined {
  const mp = r.attrs.find((a) => a.type === 14) as { nexthop?: string } | undefined;
  return mp?.nexthop ?? r['next-hop'];
}

describe('interop: GoBGP 3.10 over IPv6 (namespaces)', function () {
  this.timeout(120000);
  let lab: NetnsLab;
  let nsUs: string;
  let nsGo: string;
  let dir: string;
  const started: Array<{ stop(): Promise<void> }> = [];

  before(function () {
    requirePrerequisites(this, ['gobgpd', 'gobgp']);
    lab = new NetnsLab();
    nsUs = lab.add('us');
    nsGo = lab.add('go');
    lab.veth(nsUs, 'u0', nsGo, 'g0');
    lab.ip(nsUs, 'addr', 'add', `${OURS}/64`, 'dev', 'u0', 'nodad');
    lab.ip(nsGo, 'addr', 'add', `${THEIRS}/64`, 'dev', 'g0', 'nodad');
    dir = mkdtempSync(join(tmpdir(), 'e6-gobgp-'));
  });

  afterEach(async () => {
    while (started.length) await started.pop()!.stop();
  });

  after(() => {
    lab?.teardown();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function ourSpeaker(opts: { passive?: boolean; holdTime?: number; gracefulRestart?: boolean } = {}): Promise<RemoteSpeaker> {
    const s = RemoteSpeaker.start(nsUs);
    started.push(s);
    await s.call('create', {
      asn: ASN,
      routerId: '192.0.2.1',
      listen: { addresses: [OURS], port: 179 },
      families: ['ipv6-unicast'],
      holdTime: opts.holdTime ?? 9,
      connectRetry: 1,
      idleHold: 1,
      idleHoldMax: 2,
    });
    await s.call('addNeighbor', {
      address: THEIRS,
      remoteAs: 'internal',
      localAddress: OURS,
      ...(opts.passive ? { passive: true } : {}),
      ...(opts.gracefulRestart ? { gracefulRestart: { staleTime: 60 } } : {}),
    });
    return s;
  }

  async function goPeer(opts: { passive?: boolean; holdTime?: number; gracefulRestart?: boolean } = {}): Promise<GoBgp> {
    const g = await GoBgp.start({
      ns: nsGo,
      dir: join(dir, `go-${Date.now()}`),
      asn: ASN,
      routerId: '192.0.2.2',
      listenAddresses: [THEIRS],
      neighbors: [
        {
          address: OURS,
          peerAs: ASN,
          families: ['ipv6-unicast'],
          ...(opts.passive ? { passive: true } : {}),
          holdTime: opts.holdTime ?? 9,
          keepalive: 3,
          connectRetry: 1,
          ...(opts.gracefulRestart ? { gracefulRestart: { restartTime: 30 } } : {}),
        },
      ],
    });
    started.push(g);
    return g;
  }

  it('comes up when we connect (GoBGP passive), and routes go both ways with withdraws', async () => {
    const g = await goPeer({ passive: true });
    const s = await ourSpeaker();
    await s.waitEstablished(THEIRS);
    await g.waitEstablished(OURS);

    await s.call('originate', { nlri: ['2001:db8:100::/48', '2001:db8:101::/48'] });
    const seen = await waitFor('GoBGP to hold our two prefixes', async () => {
      const p = await gobgpPrefixes(g);
      return p.has('2001:db8:100::/48') && p.has('2001:db8:101::/48') ? p : undefined;
    });
    expect(goNextHop(seen.get('2001:db8:100::/48')!)).to.equal(OURS);

    await g.cli(['global', 'rib', '-a', 'ipv6', 'add', '2001:db8:200::/48', 'nexthop', THEIRS]);
    const ours = await waitFor('our Loc-RIB to hold GoBGP prefix', async () => {
      const r = await s.routes('ipv6-unicast');
      return r.find((x) => x.prefix === '2001:db8:200::/48');
    });
    expect(ours.peer).to.equal(THEIRS);
    expect(ours.nextHop).to.equal(THEIRS);
    const lp = ours.attributes.find((a) => a.type === 'LOCAL_PREF') as { localPref?: number } | undefined;
    expect(lp?.localPref).to.equal(100);

    await s.call('withdraw', { nlri: ['2001:db8:101::/48'] });
    await waitFor('GoBGP to drop our withdrawn prefix', async () => {
      const p = await gobgpPrefixes(g);
      return !p.has('2001:db8:101::/48') && p.has('2001:db8:100::/48') ? true : undefined;
    });
    await g.cli(['global', 'rib', '-a', 'ipv6', 'del', '2001:db8:200::/48']);
    await waitFor('our Loc-RIB to drop the withdrawn GoBGP prefix', async () => {
      const r = await s.routes('ipv6-unicast');
      return r.some((x) => x.prefix === '2001:db8:200::/48') ? undefined : true;
    });
  });

  it('comes up when GoBGP connects (we are passive)', async () => {
    const s = await ourSpeaker({ passive: true });
    const g = await goPeer();
    await s.waitEstablished(THEIRS);
    await g.waitEstablished(OURS);
  });

  it('hold timer expires when GoBGP is frozen (SIGSTOP), and the session returns after it thaws', async () => {
    const g = await goPeer({ passive: true, holdTime: 3 });
    const s = await ourSpeaker({ holdTime: 3 });
    await s.waitEstablished(THEIRS);
    const before = s.events.length;
    g.freeze();
    try {
      const down = await waitFor(
        'our hold timer to expire',
        () => s.events.slice(before).find((e) => e.address === THEIRS && e.previous === 'Established'),
        10000,
        100,
      );
      expect(down.down?.kind).to.match(/hold/i);
      expect(down.down?.notification?.code).to.equal(4);
    } finally {
      g.thaw();
    }
    await s.waitEstablished(THEIRS, 30000);
  });

  it('reconnects after GoBGP restarts, without a tight reconnect loop', async () => {
    const g = await goPeer({ passive: true });
    const s = await ourSpeaker();
    await s.waitEstablished(THEIRS);
    const before = s.events.length;
    await g.restart();
    await s.waitEstablished(THEIRS, 30000);
    // IdleHold backoff (1 s, then 2 s) bounds the attempts while the peer was away.
    const connects = s.events.slice(before).filter((e) => e.state === 'Connect').length;
    expect(connects).to.be.lessThan(15);
  });

  it('graceful-restart helper keeps GoBGP routes stale through a restart, then sweeps at End-of-RIB', async () => {
    const g = await goPeer({ passive: true, gracefulRestart: true });
    const s = await ourSpeaker({ gracefulRestart: true });
    await s.waitEstablished(THEIRS);
    await g.cli(['global', 'rib', '-a', 'ipv6', 'add', '2001:db8:300::/48', 'nexthop', THEIRS]);
    await waitFor('the route before the restart', async () => (await s.routes('ipv6-unicast')).find((x) => x.prefix === '2001:db8:300::/48'));

    // A crash: no NOTIFICATION, the TCP connection just dies. While GoBGP is away, its route stays, stale.
    await g.crash();
    const stale = await waitFor('the route to be kept as stale', async () => {
      const r = (await s.routes('ipv6-unicast')).find((x) => x.prefix === '2001:db8:300::/48');
      return r?.stale ? r : undefined;
    }, 20000, 50);
    expect(stale.peer).to.equal(THEIRS);
    // GoBGP comes back announcing a restart.
    await g.startAgain({ restarting: true });

    // The restarted GoBGP no longer has the route; its End-of-RIB sweeps the stale copy.
    await s.waitEstablished(THEIRS, 30000);
    await waitFor('the stale route to be swept', async () => {
      const r = await s.routes('ipv6-unicast');
      return r.some((x) => x.prefix === '2001:db8:300::/48') ? undefined : true;
    }, 40000);
    await sleep(10);
  });
});

import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PeerStateChange, RouteChange, Speaker } from '../src/index.js';
import { SpeakerError } from '../src/index.js';
import { MemoryLogger, portOf, sleep, SpeakerPool, until } from './support/speaker.js';

const FAST = { holdTime: 3, connectRetry: 1, idleHold: 1, idleHoldMax: 2 } as const;

function established(s: Speaker, address: string): boolean {
  return s.peers().find((p) => p.address === address)?.state === 'Established';
}

function route(s: Speaker, prefix: string) {
  return s.routes('ipv6-unicast').find((r) => r.prefix === prefix);
}

describe('speaker: two of our speakers over loopback', function () {
  this.timeout(20000);
  const pool = new SpeakerPool();
  afterEach(() => pool.closeAll());

  async function pair(aConnects: boolean) {
    const a = await pool.speaker({ asn: 65001, routerId: '192.0.2.1', listen: { addresses: ['127.0.0.1'], port: 0 }, ...FAST });
    const b = await pool.speaker({ asn: 65002, routerId: '192.0.2.2', listen: { addresses: ['127.0.0.2'], port: 0 }, ...FAST });
    a.addNeighbor({ address: '127.0.0.2', remoteAs: 65002, port: portOf(b), localAddress: '127.0.0.1', passive: !aConnects });
    b.addNeighbor({ address: '127.0.0.1', remoteAs: 'external', port: portOf(a), localAddress: '127.0.0.2', passive: aConnects });
    await until(() => established(a, '127.0.0.2') && established(b, '127.0.0.1'), 5000, 'Established');
    return { a, b };
  }

  for (const aConnects of [true, false]) {
    it(`comes up when ${aConnects ? 'A' : 'B'} connects, carries IPv6 routes both ways, withdraws`, async () => {
      const { a, b } = await pair(aConnects);
      const changes: RouteChange[] = [];
      b.on('ribChange', (c) => changes.push(c));
      a.originate({ nlri: ['2001:db8:a::/48'], description: { communities: ['65001:7'] } });
      b.originate({ nlri: ['2001:db8:b::/48', '2001:db8:b1::/48'] });

      const atB = await until(() => route(b, '2001:db8:a::/48'));
      expect(atB.best.peer).to.equal('127.0.0.1');
      expect(atB.best.peerAs).to.equal(65001);
      // eBGP: our AS prepended; next hop is A's session address (IPv4 session: IPv4-mapped).
      const asPath = atB.best.attributes.find((x) => x.type === 'AS_PATH');
      expect(asPath).to.deep.include({ segments: [{ type: 2, asns: [65001] }] });
      expect(atB.best.nextHop).to.equal('::ffff:127.0.0.1');
      expect(atB.best.attributes.find((x) => x.type === 'COMMUNITIES')).to.deep.include({ communities: [65001 * 65536 + 7] });
      expect(atB.best.attributes.some((x) => x.type === 'LOCAL_PREF')).to.equal(false);

      await until(() => route(a, '2001:db8:b::/48') && route(a, '2001:db8:b1::/48'));
      expect(route(a, '2001:db8:b::/48')!.best.nextHop).to.equal('::ffff:127.0.0.2');

      a.originate({ nlri: ['198.51.100.0/24'] });
      const v4 = await until(() => b.routes('ipv4-unicast').find((r) => r.prefix === '198.51.100.0/24'));
      expect(v4.best.nextHop).to.equal('127.0.0.1');

      a.withdraw({ nlri: ['2001:db8:a::/48'] });
      await until(() => route(b, '2001:db8:a::/48') === undefined);
      const last = changes.filter((c) => c.prefix === '2001:db8:a::/48').at(-1)!;
      expect(last.best).to.equal(undefined);
      expect(last.reason).to.equal('withdrawn');

      const sumA = a.peer('127.0.0.2');
      expect(sumA.peerAs).to.equal(65002);
      expect(sumA.peerRouterId).to.equal('192.0.2.2');
      expect(sumA.establishedTransitions).to.equal(1);
      expect(sumA.messagesIn.open).to.equal(1);
      expect(sumA.messagesOut.update).to.be.greaterThan(0);
      const v6 = sumA.families.find((f) => f.family === 'ipv6-unicast')!;
      expect(v6).to.deep.include({ active: true, received: 2, accepted: 2 });
      expect(v6.sent).to.equal(0);
      const sumB = b.peer('127.0.0.1');
      expect(sumB.families.find((f) => f.family === 'ipv6-unicast')!.sent).to.equal(2);
      expect(sumB.uptimeMs).to.be.at.least(0);
      expect(sumB.localAddress).to.equal('127.0.0.2');
    });
  }

  it('routes originated in separate calls with equal attributes share UPDATEs', async () => {
    const { a, b } = await pair(true);
    await sleep(100);
    const before = b.peer('127.0.0.1').messagesIn.update;
    for (let i = 0; i < 100; i++) a.originate({ nlri: [`2001:db8:100:${i.toString(16)}::/64`], description: { communities: ['65001:9'] } });
    await until(() => b.routes('ipv6-unicast').length === 100);
    expect(b.peer('127.0.0.1').messagesIn.update - before).to.equal(1);
  });

  it('runs over IPv6 (::1) with a 16-byte next hop', async () => {
    const a = await pool.speaker({ asn: 65001, routerId: '192.0.2.1', listen: { addresses: ['::1'], port: 0 }, ...FAST, families: ['ipv6-unicast'] });
    const b = await pool.speaker({ asn: 65001, routerId: '192.0.2.2', listen: false, ...FAST, families: ['ipv6-unicast'] });
    // Both on ::1: only one side may connect, or each would see the other's connection as its peer's.
    a.addNeighbor({ address: '::1', remoteAs: 'internal', passive: true });
    b.addNeighbor({ address: '::1', remoteAs: 'internal', port: portOf(a), localAddress: '::1' });
    await until(() => established(a, '::1') && established(b, '::1'));
    a.originate({ nlri: ['2001:db8:6::/48'] });
    const r = await until(() => route(b, '2001:db8:6::/48'));
    // iBGP: LOCAL_PREF 100 added, AS_PATH stays empty, next hop is A's IPv6 session address.
    expect(r.best.nextHop).to.equal('::1');
    expect(r.best.attributes.find((x) => x.type === 'LOCAL_PREF')).to.deep.include({ localPref: 100 });
    expect(r.best.attributes.find((x) => x.type === 'AS_PATH')).to.deep.include({ segments: [] });
  });

  it('both connect at once: exactly one session survives', async () => {
    const a = await pool.speaker({ asn: 65001, routerId: '192.0.2.1', listen: { addresses: ['127.0.0.1'], port: 0 }, ...FAST });
    const b = await pool.speaker({ asn: 65002, routerId: '192.0.2.2', listen: { addresses: ['127.0.0.2'], port: 0 }, ...FAST });
    a.addNeighbor({ address: '127.0.0.2', remoteAs: 65002, port: portOf(b), localAddress: '127.0.0.1' });
    b.addNeighbor({ address: '127.0.0.1', remoteAs: 65001, port: portOf(a), localAddress: '127.0.0.2' });
    await until(() => established(a, '127.0.0.2') && established(b, '127.0.0.1'));
    // Let any losing connection finish its Cease and any restart happen, then look again.
    await sleep(1500);
    for (const [s, peer] of [[a, '127.0.0.2'], [b, '127.0.0.1']] as const) {
      const p = s.peer(peer);
      expect(p.state).to.equal('Established');
      expect(p.establishedTransitions).to.equal(1);
    }
    a.originate({ nlri: ['2001:db8:c::/48'] });
    await until(() => route(b, '2001:db8:c::/48'));
  });

  it('reconnects after the peer restarts, with IdleHold backoff (no tight loop)', async () => {
    const log = new MemoryLogger();
    const a = await pool.speaker({ asn: 65001, routerId: '192.0.2.1', listen: false, ...FAST, logger: log });
    const b = await pool.speaker({ asn: 65002, routerId: '192.0.2.2', listen: { addresses: ['127.0.0.2'], port: 0 }, ...FAST });
    const port = portOf(b);
    a.addNeighbor({ address: '127.0.0.2', remoteAs: 65002, port, localAddress: '127.0.0.1' });
    b.addNeighbor({ address: '127.0.0.1', remoteAs: 65001, passive: true });
    await until(() => established(a, '127.0.0.2'));
    const states: PeerStateChange[] = [];
    a.on('peerState', (c) => states.push(c));
    await b.close('restarting');
    await until(() => a.peer('127.0.0.2').state !== 'Established');
    const down = states.find((s) => s.state === 'Idle')!;
    expect(down.down).to.deep.include({ kind: 'PeerNotification', direction: 'received' });
    expect(down.down!.notification).to.deep.include({ code: 6, subcode: 2, message: 'restarting' });
    await sleep(3000);
    // Waits of 1 s, then 2 s (the cap here): at most three attempts in three seconds.
    const attempts = log.count('connect failed');
    expect(attempts).to.be.within(1, 3);
    const b2 = await pool.speaker({ asn: 65002, routerId: '192.0.2.2', listen: { addresses: ['127.0.0.2'], port }, ...FAST });
    b2.addNeighbor({ address: '127.0.0.1', remoteAs: 65001, passive: true });
    await until(() => established(a, '127.0.0.2') && established(b2, '127.0.0.1'), 6000, 'Established again');
    expect(a.peer('127.0.0.2').establishedTransitions).to.equal(2);
  });

  it('admin shutdown sends Cease 6/2 with the RFC 9003 message, and comes back when re-enabled', async () => {
    const { a, b } = await pair(true);
    const atB: PeerStateChange[] = [];
    b.on('peerState', (c) => atB.push(c));
    a.setNeighborShutdown('127.0.0.2', 'maintenance until 03:00');
    await until(() => atB.find((c) => c.state === 'Idle'));
    const down = atB.find((c) => c.state === 'Idle')!.down!;
    expect(down.direction).to.equal('received');
    expect(down.notification).to.deep.equal({ code: 6, subcode: 2, name: down.notification!.name, message: 'maintenance until 03:00' });
    expect(a.peer('127.0.0.2')).to.deep.include({ state: 'Idle', shutdown: true });
    await sleep(1500);
    expect(a.peer('127.0.0.2').state).to.equal('Idle');
    a.setNeighborShutdown('127.0.0.2', false);
    await until(() => established(a, '127.0.0.2') && established(b, '127.0.0.1'), 6000);
  });

  it('resetNeighbor sends Cease 6/4 and the session comes back', async () => {
    const { a, b } = await pair(true);
    const atB: PeerStateChange[] = [];
    b.on('peerState', (c) => atB.push(c));
    a.resetNeighbor('127.0.0.2', 'clear bgp');
    await until(() => atB.find((c) => c.state === 'Idle'));
    expect(atB.find((c) => c.state === 'Idle')!.down!.notification).to.deep.include({ code: 6, subcode: 4, message: 'clear bgp' });
    await until(() => a.peer('127.0.0.2').establishedTransitions === 2 && established(a, '127.0.0.2') && established(b, '127.0.0.1'), 6000);
  });

  it('removeNeighbor sends Cease 6/3 and withdraws its routes', async () => {
    const { a, b } = await pair(true);
    b.originate({ nlri: ['2001:db8:d::/48'] });
    await until(() => route(a, '2001:db8:d::/48'));
    const atB: PeerStateChange[] = [];
    b.on('peerState', (c) => atB.push(c));
    await a.removeNeighbor('127.0.0.2');
    expect(route(a, '2001:db8:d::/48')).to.equal(undefined);
    expect(a.peers()).to.deep.equal([]);
    await until(() => atB.find((c) => c.state === 'Idle'));
    expect(atB.find((c) => c.state === 'Idle')!.down!.notification).to.deep.include({ code: 6, subcode: 3 });
  });

  it('route refresh re-sends the Adj-RIB-Out (enhanced: BoRR ... EoRR)', async () => {
    const { a, b } = await pair(true);
    a.originate({ nlri: ['2001:db8:e::/48', '2001:db8:e1::/48'] });
    await until(() => route(b, '2001:db8:e1::/48'));
    await sleep(100);
    const before = b.peer('127.0.0.1').messagesIn;
    expect(b.requestRefresh('127.0.0.1', 'ipv6-unicast')).to.equal(true);
    await until(() => b.peer('127.0.0.1').messagesIn.routeRefresh >= before.routeRefresh + 2);
    const after = b.peer('127.0.0.1').messagesIn;
    expect(after.update).to.be.greaterThan(before.update);
    expect(a.peer('127.0.0.2').messagesIn.routeRefresh).to.equal(1);
    // BoRR marked them stale, the re-sent routes refreshed them, EoRR swept nothing.
    await sleep(100);
    const held = b.adjRibIn('127.0.0.1', 'ipv6-unicast');
    expect(held.map((h) => [h.prefix, h.path.stale]).sort()).to.deep.equal([
      ['2001:db8:e1::/48', false],
      ['2001:db8:e::/48', false],
    ]);
  });

  it('max-prefix: warns, then (teardown) sends Cease 6/1 and stays down', async () => {
    const a = await pool.speaker({ asn: 65001, routerId: '192.0.2.1', listen: { addresses: ['127.0.0.1'], port: 0 }, ...FAST });
    const b = await pool.speaker({ asn: 65002, routerId: '192.0.2.2', listen: { addresses: ['127.0.0.2'], port: 0 }, ...FAST });
    const c = await pool.speaker({ asn: 65003, routerId: '192.0.2.3', listen: { addresses: ['127.0.0.3'], port: 0 }, ...FAST });
    a.addNeighbor({ address: '127.0.0.2', remoteAs: 65002, port: portOf(b), localAddress: '127.0.0.1', maxPrefix: { limit: 3, action: 'warn' } });
    a.addNeighbor({ address: '127.0.0.3', remoteAs: 65003, port: portOf(c), localAddress: '127.0.0.1', maxPrefix: [{ limit: 3, family: 'ipv6-unicast' }] });
    b.addNeighbor({ address: '127.0.0.1', remoteAs: 65001, passive: true });
    c.addNeighbor({ address: '127.0.0.1', remoteAs: 65001, passive: true });
    await until(() => established(a, '127.0.0.2') && established(a, '127.0.0.3'));
    const events: { address: string; level: string; action: string }[] = [];
    a.on('maxPrefix', (e) => events.push({ address: e.address, level: e.level, action: e.action }));
    const cStates: PeerStateChange[] = [];
    c.on('peerState', (s) => cStates.push(s));
    const four = ['2001:db8:1::/48', '2001:db8:2::/48', '2001:db8:3::/48', '2001:db8:4::/48'];
    b.originate({ nlri: four.slice(0, 3) });
    await until(() => events.find((e) => e.address === '127.0.0.2'));
    b.originate({ nlri: four.slice(3) });
    await until(() => events.length === 2);
    expect(events).to.deep.equal([
      { address: '127.0.0.2', level: 'warning', action: 'warn' },
      { address: '127.0.0.2', level: 'exceeded', action: 'warn' },
    ]);
    expect(a.peer('127.0.0.2').state).to.equal('Established');

    c.originate({ nlri: four.map((p) => p.replace('2001:db8:', '2001:db8:c')) });
    await until(() => cStates.find((s) => s.state === 'Idle'));
    expect(cStates.find((s) => s.state === 'Idle')!.down!.notification).to.deep.include({ code: 6, subcode: 1 });
    expect(a.peer('127.0.0.3').state).to.equal('Idle');
    expect(a.routes('ipv6-unicast').some((r) => r.best.peer === '127.0.0.3')).to.equal(false);
    // B's routes were never disturbed.
    expect(a.routes('ipv6-unicast').filter((r) => r.best.peer === '127.0.0.2')).to.have.length(4);
    await sleep(1500);
    expect(a.peer('127.0.0.3').state).to.equal('Idle');
  });

  it('max-prefix teardown with restartAfter comes back by itself', async () => {
    const a = await pool.speaker({ asn: 65001, routerId: '192.0.2.1', listen: false, ...FAST, families: ['ipv6-unicast'] });
    const b = await pool.speaker({ asn: 65002, routerId: '192.0.2.2', listen: { addresses: ['127.0.0.2'], port: 0 }, ...FAST, families: ['ipv6-unicast'] });
    a.addNeighbor({ address: '127.0.0.2', remoteAs: 65002, port: portOf(b), localAddress: '127.0.0.1', maxPrefix: { limit: 1, restartAfter: 1 } });
    b.addNeighbor({ address: '127.0.0.1', remoteAs: 65001, passive: true });
    b.originate({ nlri: ['2001:db8:1::/48', '2001:db8:2::/48'] });
    await until(() => a.peer('127.0.0.2').establishedTransitions >= 2, 8000, 'a second session');
    expect(a.peer('127.0.0.2').lastDown!.notification).to.deep.include({ code: 6, subcode: 1 });
  });

  it('refuses bad configuration with typed errors', async () => {
    const a = await pool.speaker({ asn: 65001, routerId: '192.0.2.1', listen: false });
    expect(() => a.addNeighbor({ address: 'not-an-ip', remoteAs: 1 })).to.throw(SpeakerError).with.property('code', 'ERR_BGP_SPEAKER_CONFIG');
    expect(() => a.addNeighbor({ address: '192.0.2.9', remoteAs: 65009, holdTime: 2 })).to.throw(SpeakerError).with.property('code', 'ERR_BGP_SPEAKER_CONFIG');
    expect(() => a.addNeighbor({ address: '192.0.2.9', remoteAs: 65009, families: ['l2vpn-evpn'] })).to.throw(SpeakerError).with.property('code', 'ERR_BGP_SPEAKER_CONFIG');
    a.addNeighbor({ address: '192.0.2.9', remoteAs: 65009, passive: true });
    expect(() => a.addNeighbor({ address: '192.0.2.9', remoteAs: 65009 })).to.throw(SpeakerError).with.property('code', 'ERR_BGP_DUPLICATE_NEIGHBOR');
    expect(() => a.setNeighborShutdown('192.0.2.10')).to.throw(SpeakerError).with.property('code', 'ERR_BGP_UNKNOWN_NEIGHBOR');
    expect(() => a.originate({ family: 'no-such-family', nlri: [] })).to.throw(SpeakerError).with.property('code', 'ERR_BGP_SPEAKER_CONFIG');
    await a.close();
    expect(() => a.originate({ nlri: ['2001:db8::/32'] })).to.throw(SpeakerError).with.property('code', 'ERR_BGP_SPEAKER_CLOSED');
  });

  it('ribChanges() iterates Loc-RIB changes and ends on close', async () => {
    const { a, b } = await pair(true);
    const seen: string[] = [];
    const done = (async () => {
      for await (const c of b.ribChanges()) {
        seen.push(`${c.best ? '+' : '-'}${c.prefix}`);
      }
    })();
    a.originate({ nlri: ['2001:db8:10::/48'] });
    await until(() => seen.length === 1);
    a.withdraw({ nlri: ['2001:db8:10::/48'] });
    await until(() => seen.length === 2);
    await b.close();
    await done;
    expect(seen).to.deep.equal(['+2001:db8:10::/48', '-2001:db8:10::/48']);
  });

  it('close() leaves no handle behind: the process exits on its own', async function () {
    this.timeout(30000);
    const dir = mkdtempSync(join(tmpdir(), 'evpn6-speaker-'));
    const index = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    const script = join(dir, 'run.mts');
    writeFileSync(
      script,
      `import { createSpeaker } from ${JSON.stringify(index)};
const t = { holdTime: 3, connectRetry: 1, idleHold: 1 };
const a = await createSpeaker({ asn: 65001, routerId: '192.0.2.1', listen: { addresses: ['127.0.0.1'], port: 0 }, ...t });
const b = await createSpeaker({ asn: 65002, routerId: '192.0.2.2', listen: false, ...t });
a.addNeighbor({ address: '127.0.0.2', remoteAs: 65002, passive: true });
b.addNeighbor({ address: '127.0.0.1', remoteAs: 65001, port: a.listening()[0].port, localAddress: '127.0.0.2' });
// A third neighbor that refuses connections keeps the IdleHold and ConnectRetry timers busy.
a.addNeighbor({ address: '127.0.0.9', remoteAs: 65077, port: 9, localAddress: '127.0.0.1' });
while (b.peers()[0].state !== 'Established') await new Promise((r) => setTimeout(r, 20));
a.originate({ nlri: ['2001:db8::/32'] });
await new Promise((r) => setTimeout(r, 100));
await Promise.all([a.close(), b.close()]);
console.log('closed');
`,
    );
    try {
      const child = spawn(process.execPath, ['--conditions=@evpn6/source', '--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let closedAt = 0;
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (closedAt === 0 && out.includes('closed')) closedAt = Date.now();
      });
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      // Starting a TypeScript child is slow on a busy machine; what counts is the time from close() to exit.
      const code = await new Promise<number | null>((resolve) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          resolve(null);
        }, 25000);
        child.once('exit', (c) => {
          clearTimeout(t);
          resolve(c);
        });
      });
      expect(out).to.contain('closed');
      expect(code, `the process did not exit by itself: ${out}`).to.equal(0);
      expect(Date.now() - closedAt).to.be.below(3000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { expect } from 'chai';
import net from 'node:net';
import type { Capability, PeerStateChange, Speaker, UpdateMessage } from '../src/index.js';
import { buildUpdate, createContext, encodeMessage, endOfRib, familyKey, parsePrefix } from '../src/index.js';
import { FakePeer, isNotification, portOf, sleep, SpeakerPool, until } from './support/speaker.js';

const FAST = { holdTime: 3, connectRetry: 1, idleHold: 1, idleHoldMax: 2 } as const;
const V6: Capability = { kind: 'multiprotocol', afi: 2, safi: 1 };
const FAKE = '127.0.0.5';

function v6Update(prefixes: string[], opts: { asPath?: number[]; nextHop?: string | Uint8Array; pathId?: number; extra?: UpdateMessage['attributes'] } = {}): UpdateMessage {
  return buildUpdate({
    asPath: opts.asPath ?? [65009],
    mpReach: { afi: 2, safi: 1, nextHop: opts.nextHop ?? '2001:db8::9', nlri: prefixes.map((p) => parsePrefix(p, opts.pathId)) },
    ...(opts.extra ? { attributes: opts.extra } : {}),
  });
}

function indexOf(hay: Uint8Array, needle: number[]): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function prefixes(s: Speaker, peer?: string): string[] {
  return s
    .routes('ipv6-unicast')
    .filter((r) => peer === undefined || r.best.peer === peer)
    .map((r) => r.prefix)
    .sort();
}

describe('session: against a fake peer built on our codec', function () {
  this.timeout(20000);
  const pool = new SpeakerPool();
  afterEach(() => pool.closeAll());

  async function speakerA(neighbor: Record<string, unknown> = {}) {
    const a = await pool.speaker({ asn: 65001, routerId: '192.0.2.1', listen: { addresses: ['127.0.0.1'], port: 0 }, ...FAST, families: ['ipv6-unicast'] });
    a.addNeighbor({ address: FAKE, remoteAs: 65009, passive: true, ...neighbor });
    return a;
  }

  function fake(a: Speaker, capabilities: Capability[] = [V6, { kind: 'route-refresh' }], extra: { holdTime?: number; ctx?: ReturnType<typeof createContext> } = {}) {
    return FakePeer.connect({ host: '127.0.0.1', port: portOf(a), localAddress: FAKE, asn: 65009, routerId: '192.0.2.9', capabilities, ...extra }).then((p) =>
      pool.track(p),
    );
  }

  it('hold timer expiry: a peer that goes silent gets NOTIFICATION 4/0 and is closed', async () => {
    const a = await speakerA();
    const states: PeerStateChange[] = [];
    a.on('peerState', (s) => states.push(s));
    const f = await fake(a, [V6], { holdTime: 3 });
    await f.establish();
    const started = Date.now();
    const n = await f.expect(isNotification, 6000);
    expect([n.code, n.subcode]).to.deep.equal([4, 0]);
    expect(Date.now() - started).to.be.within(2000, 4500);
    await f.closed;
    const down = states.find((s) => s.state === 'Idle')!;
    expect(down.down).to.deep.include({ kind: 'HoldTimerExpired', direction: 'sent' });
  });

  it('RFC 7606: treat-as-withdraw, AFI/SAFI disable and session reset never disturb another peer', async () => {
    const a = await speakerA();
    const b = await pool.speaker({ asn: 65002, routerId: '192.0.2.2', listen: false, ...FAST, families: ['ipv6-unicast'] });
    a.addNeighbor({ address: '127.0.0.2', remoteAs: 65002, passive: true });
    b.addNeighbor({ address: '127.0.0.1', remoteAs: 65001, port: portOf(a), localAddress: '127.0.0.2' });
    b.originate({ nlri: ['2001:db8:b::/48', '2001:db8:b1::/48'] });
    await until(() => prefixes(a, '127.0.0.2').length === 2);

    const f = await fake(a);
    await f.establish();
    f.send(v6Update(['2001:db8:f1::/48', '2001:db8:f2::/48']));
    await until(() => prefixes(a, FAKE).length === 2);

    // ORIGIN 5 is malformed: treat-as-withdraw takes out every NLRI of that UPDATE, nothing else.
    const bad = encodeMessage(v6Update(['2001:db8:f1::/48']), f.ctx);
    const at = indexOf(bad, [0x40, 0x01, 0x01, 0x00]);
    expect(at).to.be.greaterThan(0);
    bad[at + 3] = 5;
    f.sendBytes(bad);
    await until(() => prefixes(a, FAKE).length === 1);
    expect(prefixes(a, FAKE)).to.deep.equal(['2001:db8:f2::/48']);
    expect(a.peer(FAKE).state).to.equal('Established');
    expect(prefixes(a, '127.0.0.2')).to.deep.equal(['2001:db8:b1::/48', '2001:db8:b::/48']);

    // A 4-byte next hop for IPv6 unicast: the family is disabled for this peer, its routes go.
    f.send(v6Update(['2001:db8:f3::/48'], { nextHop: Uint8Array.of(192, 0, 2, 9) }));
    await until(() => prefixes(a, FAKE).length === 0);
    expect(a.peer(FAKE).families[0]).to.deep.include({ family: 'ipv6-unicast', active: false });
    f.send(v6Update(['2001:db8:f4::/48']));
    await sleep(200);
    expect(prefixes(a, FAKE)).to.deep.equal([]);
    expect(a.peer(FAKE).state).to.equal('Established');
    expect(prefixes(a, '127.0.0.2')).to.have.length(2);

    // A withdrawn-routes length that overruns the message: NOTIFICATION 3/1 and the session ends.
    const f2routes = await (async () => {
      f.destroy();
      await until(() => a.peer(FAKE).state === 'Active', 5000, 'Active again');
      const g = await fake(a);
      await g.establish();
      g.send(v6Update(['2001:db8:f5::/48']));
      await until(() => prefixes(a, FAKE).length === 1);
      return g;
    })();
    const reset = encodeMessage(v6Update(['2001:db8:f6::/48']), f2routes.ctx);
    reset[19] = 0xff;
    reset[20] = 0xff;
    f2routes.sendBytes(reset);
    const n = await f2routes.expect(isNotification);
    expect([n.code, n.subcode]).to.deep.equal([3, 1]);
    await f2routes.closed;
    await until(() => prefixes(a, FAKE).length === 0);
    expect(prefixes(a, '127.0.0.2')).to.deep.equal(['2001:db8:b1::/48', '2001:db8:b::/48']);
  });

  it('graceful restart helper: stale through the restart, swept at End-of-RIB', async () => {
    const a = await speakerA({ gracefulRestart: { staleTime: 1 } });
    const gr: Capability = { kind: 'graceful-restart', flags: 0, restartTime: 2, families: [{ afi: 2, safi: 1, flags: 0x80 }] };
    const f = await fake(a, [V6, gr]);
    const ours = await f.establish();
    expect(ours.capabilityGroups.flat().some((c) => c.kind === 'graceful-restart')).to.equal(true);
    f.send(v6Update(['2001:db8:1::/48', '2001:db8:2::/48']));
    f.send(endOfRib(2, 1));
    await until(() => prefixes(a, FAKE).length === 2);
    // Our initial dump ends with End-of-RIB too.
    await f.expect((m): m is UpdateMessage => m.type === 'UPDATE' && m.attributes[0]?.type === 'MP_UNREACH_NLRI');

    f.destroy();
    await until(() => a.peer(FAKE).state !== 'Established');
    expect(prefixes(a, FAKE)).to.deep.equal(['2001:db8:1::/48', '2001:db8:2::/48']);
    expect(a.adjRibIn(FAKE, 'ipv6-unicast').every((r) => r.path.stale)).to.equal(true);
    expect(a.peer(FAKE).families[0]!.stale).to.equal(2);

    await until(() => a.peer(FAKE).state === 'Active', 5000, 'Active again');
    const back = await fake(a, [V6, gr]);
    await back.establish();
    back.send(v6Update(['2001:db8:1::/48']));
    await sleep(100);
    expect(a.adjRibIn(FAKE, 'ipv6-unicast').map((r) => [r.prefix, r.path.stale]).sort()).to.deep.equal([
      ['2001:db8:1::/48', false],
      ['2001:db8:2::/48', true],
    ]);
    back.send(endOfRib(2, 1));
    await until(() => prefixes(a, FAKE).length === 1);
    expect(prefixes(a, FAKE)).to.deep.equal(['2001:db8:1::/48']);
  });

  it('graceful restart helper: swept when the restart timer runs out, or when End-of-RIB never comes', async () => {
    const a = await speakerA({ gracefulRestart: { staleTime: 1 } });
    const gr: Capability = { kind: 'graceful-restart', flags: 0, restartTime: 1, families: [{ afi: 2, safi: 1, flags: 0x80 }] };
    const f = await fake(a, [V6, gr]);
    await f.establish();
    f.send(v6Update(['2001:db8:1::/48']));
    await until(() => prefixes(a, FAKE).length === 1);
    f.destroy();
    await until(() => a.peer(FAKE).state !== 'Established');
    await sleep(300);
    expect(prefixes(a, FAKE)).to.have.length(1);
    // Restart time 1 s: gone without the peer ever coming back.
    await until(() => prefixes(a, FAKE).length === 0, 2500, 'restart timer sweep');

    await until(() => a.peer(FAKE).state === 'Active', 5000, 'Active again');
    // A longer restart time now, so only the stale time can sweep.
    const gr10: Capability = { ...gr, restartTime: 10 };
    const g = await fake(a, [V6, gr10]);
    await g.establish();
    g.send(v6Update(['2001:db8:3::/48']));
    await until(() => prefixes(a, FAKE).length === 1);
    g.destroy();
    await until(() => a.peer(FAKE).state === 'Active', 5000, 'Active again');
    const h = await fake(a, [V6, gr10]);
    await h.establish();
    // Back, but no End-of-RIB: the stale time (1 s) sweeps what was not refreshed.
    expect(prefixes(a, FAKE)).to.deep.equal(['2001:db8:3::/48']);
    await until(() => prefixes(a, FAKE).length === 0, 2500, 'stale timer sweep');
    expect(a.peer(FAKE).state).to.equal('Established');
  });

  it('without graceful restart a lost session withdraws at once', async () => {
    const a = await speakerA({ gracefulRestart: false });
    const f = await fake(a, [V6, { kind: 'graceful-restart', flags: 0, restartTime: 30, families: [{ afi: 2, safi: 1, flags: 0x80 }] }]);
    const ours = await f.establish();
    expect(ours.capabilityGroups.flat().some((c) => c.kind === 'graceful-restart')).to.equal(false);
    f.send(v6Update(['2001:db8:1::/48']));
    await until(() => prefixes(a, FAKE).length === 1);
    f.destroy();
    await until(() => prefixes(a, FAKE).length === 0);
  });

  it('ADD-PATH receive: several paths per prefix from one peer', async () => {
    const a = await speakerA({ addPathReceive: true });
    const key = familyKey(2, 1);
    const f = await fake(a, [V6, { kind: 'add-path', families: [{ afi: 2, safi: 1, mode: 2 }] }], { ctx: createContext({ addPath: [key] }) });
    const ours = await f.establish();
    expect(ours.capabilityGroups.flat().find((c) => c.kind === 'add-path')).to.deep.include({ families: [{ afi: 2, safi: 1, mode: 1 }] });
    f.send(v6Update(['2001:db8:7::/48'], { pathId: 1, asPath: [65009, 65100] }));
    f.send(v6Update(['2001:db8:7::/48'], { pathId: 2, asPath: [65009], nextHop: '2001:db8::10' }));
    await until(() => a.adjRibIn(FAKE, 'ipv6-unicast').length === 2);
    expect(a.routes('ipv6-unicast')[0]!.best.nextHop).to.equal('2001:db8::10');
  });

  it('unknown optional transitive attributes go on with the Partial bit; non-transitive ones are dropped', async () => {
    const a = await speakerA();
    const b = await pool.speaker({ asn: 65002, routerId: '192.0.2.2', listen: false, ...FAST, families: ['ipv6-unicast'] });
    a.addNeighbor({ address: '127.0.0.2', remoteAs: 65002, passive: true });
    b.addNeighbor({ address: '127.0.0.1', remoteAs: 65001, port: portOf(a), localAddress: '127.0.0.2' });
    await until(() => b.peer('127.0.0.1').state === 'Established');
    const f = await fake(a);
    await f.establish();
    f.send(
      v6Update(['2001:db8:8::/48'], {
        extra: [
          { type: 'UNKNOWN', flags: 0xc0, code: 240, value: Uint8Array.of(1, 2, 3) },
          { type: 'UNKNOWN', flags: 0x80, code: 241, value: Uint8Array.of(4) },
        ],
      }),
    );
    const r = await until(() => b.routes('ipv6-unicast').find((x) => x.prefix === '2001:db8:8::/48'));
    const unknown = r.best.attributes.filter((x) => x.type === 'UNKNOWN');
    expect(unknown).to.have.length(1);
    expect(unknown[0]).to.deep.include({ code: 240, flags: 0xe0 });
    expect(r.best.attributes.find((x) => x.type === 'AS_PATH')).to.deep.include({ segments: [{ type: 2, asns: [65001, 65009] }] });
  });

  it('a header error is answered with NOTIFICATION 1/x; an unknown address is refused', async () => {
    const a = await speakerA();
    const f = await fake(a);
    await f.establish();
    const junk = new Uint8Array(19).fill(0xff);
    junk[0] = 0;
    f.sendBytes(junk);
    const n = await f.expect(isNotification);
    expect(n.code).to.equal(1);
    await f.closed;

    const stranger = net.connect({ host: '127.0.0.1', port: portOf(a), localAddress: '127.0.0.9' });
    stranger.on('error', () => {});
    await new Promise<void>((resolve) => stranger.once('close', () => resolve()));
  });

  it('an OPEN with the wrong AS gets 2/2; a second connection while Established gets Cease 6/7', async () => {
    const a = await speakerA();
    const wrong = await FakePeer.connect({ host: '127.0.0.1', port: portOf(a), localAddress: FAKE, asn: 65010, routerId: '192.0.2.9' });
    pool.track(wrong);
    wrong.send(wrong.open());
    const n = await wrong.expect(isNotification);
    expect([n.code, n.subcode]).to.deep.equal([2, 2]);
    await wrong.closed;

    await until(() => a.peer(FAKE).state === 'Active', 5000, 'Active again');
    const f = await fake(a);
    await f.establish();
    const second = await fake(a);
    const c = await second.expect(isNotification);
    expect([c.code, c.subcode]).to.deep.equal([6, 7]);
    await second.closed;
    await sleep(100);
    expect(a.peer(FAKE).state).to.equal('Established');
    expect(f.isClosed).to.equal(false);
  });
});

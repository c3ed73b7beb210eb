import { expect } from 'chai';
import type { ExportCandidate, IpPrefix, Speaker } from '../src/index.js';
import { prefixToString } from '../src/index.js';
import { portOf, sleep, SpeakerPool, until } from './support/speaker.js';

const FAST = { holdTime: 3, connectRetry: 1, idleHold: 1, idleHoldMax: 2 } as const;
/** COMMUNITIES value 65001:666: "do not send this one to B". */
const BLOCK = 65001 * 65536 + 666;

function established(s: Speaker, address: string): boolean {
  return s.peers().find((p) => p.address === address)?.state === 'Established';
}

function has(s: Speaker, prefix: string): boolean {
  return s.routes('ipv6-unicast').some((r) => r.prefix === prefix);
}

describe('speaker: per-neighbor exportFilter', function () {
  this.timeout(20000);
  const pool = new SpeakerPool();
  afterEach(() => pool.closeAll());

  /** A (AS 65001) peers with B (filtered) and C (not filtered), all eBGP over loopback. */
  async function triangle(filter: (c: ExportCandidate) => boolean) {
    const a = await pool.speaker({ asn: 65001, routerId: '192.0.2.1', listen: { addresses: ['127.0.0.1'], port: 0 }, ...FAST });
    const b = await pool.speaker({ asn: 65002, routerId: '192.0.2.2', listen: { addresses: ['127.0.0.2'], port: 0 }, ...FAST });
    const c = await pool.speaker({ asn: 65003, routerId: '192.0.2.3', listen: { addresses: ['127.0.0.3'], port: 0 }, ...FAST });
    a.addNeighbor({ address: '127.0.0.2', remoteAs: 65002, port: portOf(b), localAddress: '127.0.0.1', exportFilter: filter });
    a.addNeighbor({ address: '127.0.0.3', remoteAs: 65003, port: portOf(c), localAddress: '127.0.0.1' });
    b.addNeighbor({ address: '127.0.0.1', remoteAs: 65001, port: portOf(a), localAddress: '127.0.0.2', passive: true });
    c.addNeighbor({ address: '127.0.0.1', remoteAs: 65001, port: portOf(a), localAddress: '127.0.0.3', passive: true });
    await until(() => established(a, '127.0.0.2') && established(a, '127.0.0.3'), 5000, 'Established');
    return { a, b, c };
  }

  it('sees the route as it would go out, and keeps rejected routes from that neighbor only', async () => {
    const seen: ExportCandidate[] = [];
    const { a, b, c } = await triangle((cand) => {
      seen.push(cand);
      return !prefixToString(cand.nlri as IpPrefix).startsWith('2001:db8:bad:');
    });
    a.originate({ nlri: ['2001:db8:600d::/48', '2001:db8:bad::/48'] });
    await until(() => has(c, '2001:db8:600d::/48') && has(c, '2001:db8:bad::/48'), 5000, 'C to get both');
    await until(() => has(b, '2001:db8:600d::/48'), 5000, 'B to get the good one');
    await sleep(300);
    expect(has(b, '2001:db8:bad::/48')).to.equal(false);
    expect(a.peer('127.0.0.2').families.find((f) => f.family === 'ipv6-unicast')!.sent).to.equal(1);
    expect(a.peer('127.0.0.3').families.find((f) => f.family === 'ipv6-unicast')!.sent).to.equal(2);

    // Only B's filter ran, with the family, the eBGP rewrite done and the session next hop filled in.
    const bad = seen.find((s) => prefixToString(s.nlri as IpPrefix) === '2001:db8:bad::/48')!;
    expect(bad).to.deep.include({ family: 'ipv6-unicast', afi: 2, safi: 1 });
    expect(Array.from(bad.nextHop)).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1]);
    expect(bad.attributes.find((x) => x.type === 'AS_PATH')).to.deep.include({ segments: [{ type: 2, asns: [65001] }] });
    expect(a.peer('127.0.0.2').establishedTransitions).to.equal(1);
  });

  it('a route that becomes rejected is withdrawn from the neighbor; accepted again, it comes back', async () => {
    const { a, b, c } = await triangle((cand) => {
      const comm = cand.attributes.find((x) => x.type === 'COMMUNITIES') as { communities?: number[] } | undefined;
      return !(comm?.communities ?? []).includes(BLOCK);
    });
    a.originate({ nlri: ['2001:db8:1::/48'] });
    await until(() => has(b, '2001:db8:1::/48') && has(c, '2001:db8:1::/48'), 5000, 'both to get it');

    a.originate({ nlri: ['2001:db8:1::/48'], description: { communities: ['65001:666'] } });
    await until(() => !has(b, '2001:db8:1::/48'), 5000, 'B to lose it');
    const atC = await until(() => c.routes('ipv6-unicast').find((r) => r.prefix === '2001:db8:1::/48' && r.best.attributes.some((x) => x.type === 'COMMUNITIES')));
    expect(atC.best.peer).to.equal('127.0.0.1');

    a.originate({ nlri: ['2001:db8:1::/48'] });
    await until(() => has(b, '2001:db8:1::/48'), 5000, 'B to get it back');
    expect(a.peer('127.0.0.2').establishedTransitions).to.equal(1);
  });

  it('a filter that throws holds that route back and leaves the session alone', async () => {
    const { a, b, c } = await triangle((cand) => {
      if (prefixToString(cand.nlri as IpPrefix) === '2001:db8:dead::/48') throw new Error('filter bug');
      return true;
    });
    a.originate({ nlri: ['2001:db8:dead::/48', '2001:db8:beef::/48'] });
    await until(() => has(c, '2001:db8:dead::/48') && has(b, '2001:db8:beef::/48'), 5000, 'routes to arrive');
    await sleep(300);
    expect(has(b, '2001:db8:dead::/48')).to.equal(false);
    expect(a.peer('127.0.0.2').state).to.equal('Established');
    expect(a.peer('127.0.0.2').establishedTransitions).to.equal(1);
  });
});

import { expect } from 'chai';
import type { Speaker } from '../src/index.js';
import { toBgpId } from '../src/index.js';
import { portOf, sleep, SpeakerPool, until } from './support/speaker.js';

const FAST = { holdTime: 3, connectRetry: 1, idleHold: 1, idleHoldMax: 2 } as const;

function find(s: Speaker, family: string, prefix: string) {
  return s.routes(family).find((r) => r.prefix === prefix);
}

describe('speaker: route reflection (RFC 4456) with our speaker as the reflector', function () {
  this.timeout(20000);
  const pool = new SpeakerPool();
  afterEach(() => pool.closeAll());

  it('reflects between clients and to/from a non-client, with ORIGINATOR_ID and CLUSTER_LIST', async () => {
    const rr = await pool.speaker({ asn: 65000, routerId: '192.0.2.100', listen: { addresses: ['127.0.0.1'], port: 0 }, ...FAST });
    const port = portOf(rr);
    const mk = (n: number) =>
      pool.speaker({ asn: 65000, routerId: `192.0.2.${n}`, listen: false, ...FAST }).then((s) => {
        s.addNeighbor({ address: '127.0.0.1', remoteAs: 'internal', port, localAddress: `127.0.0.${n + 1}` });
        return s;
      });
    for (const n of [2, 3]) rr.addNeighbor({ address: `127.0.0.${n}`, remoteAs: 'internal', passive: true, routeReflectorClient: true });
    rr.addNeighbor({ address: '127.0.0.4', remoteAs: 65000, passive: true });
    const c1 = await mk(1);
    const c2 = await mk(2);
    const plain = await mk(3);
    await until(() => rr.peers().every((p) => p.state === 'Established'), 5000, 'all sessions up');

    c1.originate({ nlri: ['2001:db8:c1::/48'] });
    c1.originate({ nlri: ['198.51.100.0/24'], description: { med: 5 } });
    const atC2 = await until(() => find(c2, 'ipv6-unicast', '2001:db8:c1::/48'));
    expect(atC2.best.peer).to.equal('127.0.0.1');
    // Next hop unchanged by reflection: C1's own session address.
    expect(atC2.best.nextHop).to.equal('::ffff:127.0.0.2');
    const attrs = atC2.best.attributes;
    expect(attrs.find((a) => a.type === 'ORIGINATOR_ID')).to.deep.include({ originatorId: toBgpId('192.0.2.1') });
    expect(attrs.find((a) => a.type === 'CLUSTER_LIST')).to.deep.include({ clusterIds: [toBgpId('192.0.2.100')] });
    expect(attrs.find((a) => a.type === 'LOCAL_PREF')).to.deep.include({ localPref: 100 });
    const v4 = await until(() => find(c2, 'ipv4-unicast', '198.51.100.0/24'));
    expect(v4.best.nextHop).to.equal('127.0.0.2');
    expect(v4.best.attributes.find((a) => a.type === 'MULTI_EXIT_DISC')).to.deep.include({ med: 5 });
    // From a client: to every iBGP peer, non-clients too.
    await until(() => find(plain, 'ipv6-unicast', '2001:db8:c1::/48'));

    plain.originate({ nlri: ['2001:db8:99::/48'] });
    // From a non-client: to clients only, never back.
    const atC1 = await until(() => find(c1, 'ipv6-unicast', '2001:db8:99::/48'));
    expect(atC1.best.attributes.find((a) => a.type === 'ORIGINATOR_ID')).to.deep.include({ originatorId: toBgpId('192.0.2.3') });
    await until(() => find(c2, 'ipv6-unicast', '2001:db8:99::/48'));

    // The reflector never sends a route back to the client it came from.
    await sleep(200);
    expect(find(c1, 'ipv6-unicast', '2001:db8:c1::/48')!.best.peer).to.equal('local');
    expect(c1.adjRibIn('127.0.0.1', 'ipv6-unicast').map((r) => r.prefix)).to.deep.equal(['2001:db8:99::/48']);

    c1.withdraw({ nlri: ['2001:db8:c1::/48'] });
    await until(() => find(c2, 'ipv6-unicast', '2001:db8:c1::/48') === undefined && find(plain, 'ipv6-unicast', '2001:db8:c1::/48') === undefined);
  });
});

import { expect } from 'chai';
import type { Capability } from '../src/index.js';
import { KEEPALIVE } from '../src/index.js';
import { FakePeer, isKeepalive, isOpen, portOf, SpeakerPool, until } from './support/speaker.js';

const V6: Capability = { kind: 'multiprotocol', afi: 2, safi: 1 };
const FAKE = '127.0.0.6';

describe('session: DelayOpen (RFC 4271 §8.1.1, optional attribute DelayOpen)', function () {
  this.timeout(20000);
  const pool = new SpeakerPool();
  afterEach(() => pool.closeAll());

  async function setup(delayOpen: number) {
    const a = await pool.speaker({ asn: 65001, routerId: '192.0.2.1', listen: { addresses: ['127.0.0.1'], port: 0 }, holdTime: 9, families: ['ipv6-unicast'] });
    a.addNeighbor({ address: FAKE, remoteAs: 65009, passive: true, delayOpen });
    const f = pool.track(await FakePeer.connect({ host: '127.0.0.1', port: portOf(a), localAddress: FAKE, asn: 65009, routerId: '192.0.2.9', capabilities: [V6] }));
    return { a, f };
  }

  it('waits DelayOpenTime for the peer to speak first, then sends its OPEN', async () => {
    const { f } = await setup(2);
    const connected = Date.now();
    await f.expect(isOpen, 5000);
    expect(Date.now() - connected).to.be.within(1800, 4000);
  });

  it('answers at once when the peer OPENs within DelayOpenTime, and comes up', async () => {
    const { a, f } = await setup(5);
    const started = Date.now();
    f.send(f.open());
    await f.expect(isOpen, 3000);
    expect(Date.now() - started).to.be.lessThan(1500);
    f.send(KEEPALIVE);
    await f.expect(isKeepalive, 3000);
    await until(() => a.peer(FAKE).state === 'Established', 3000, 'Established');
  });

  it('refuses a DelayOpenTime outside 1..240 s with a typed error', async () => {
    const a = await pool.speaker({ asn: 65001, routerId: '192.0.2.1', listen: false, families: ['ipv6-unicast'] });
    expect(() => a.addNeighbor({ address: FAKE, remoteAs: 65009, delayOpen: 0 })).to.throw().with.property('code', 'ERR_BGP_SPEAKER_CONFIG');
  });
});

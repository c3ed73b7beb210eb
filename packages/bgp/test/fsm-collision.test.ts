import { expect } from 'chai';
import fc from 'fast-check';
import { collisionCheck, createFsm, resolveCollision, runFsm, toBgpId, transition, FsmErrorCode } from '../src/index.js';
import type { CollisionParties, FsmEvent, OpenSummary } from '../src/index.js';
import { expectTypedError } from './support/vectors.js';

const id = (text: string) => toBgpId(text);

describe('connection collision (RFC 4271 §6.8, RFC 6286)', () => {
  const cases: Array<[string, CollisionParties, 'local' | 'remote']> = [
    ['lower local identifier keeps the peer-opened connection', { localBgpId: id('192.0.2.1'), remoteBgpId: id('192.0.2.2'), localAs: 65001, remoteAs: 65002 }, 'remote'],
    ['higher local identifier keeps our own connection', { localBgpId: id('192.0.2.9'), remoteBgpId: id('192.0.2.2'), localAs: 65001, remoteAs: 65002 }, 'local'],
    // A signed 32-bit compare would rank 200.0.0.1 below 10.0.0.1.
    ['identifiers compare unsigned', { localBgpId: id('200.0.0.1'), remoteBgpId: id('10.0.0.1'), localAs: 1, remoteAs: 2 }, 'local'],
    ['equal identifiers: the larger AS keeps its connection', { localBgpId: id('192.0.2.1'), remoteBgpId: id('192.0.2.1'), localAs: 65001, remoteAs: 4200000000 }, 'remote'],
    ['equal identifiers, local AS larger', { localBgpId: id('192.0.2.1'), remoteBgpId: id('192.0.2.1'), localAs: 4200000001, remoteAs: 4200000000 }, 'local'],
  ];
  for (const [name, parties, keep] of cases) {
    it(name, () => {
      expect(resolveCollision(parties)).to.deep.equal({
        type: 'Resolved',
        keep,
        close: keep === 'local' ? 'remote' : 'local',
        errorCode: 6,
        errorSubcode: 7,
      });
    });
  }

  it('same identifier and same AS cannot be resolved', () => {
    expect(resolveCollision({ localBgpId: 1, remoteBgpId: 1, localAs: 65001, remoteAs: 65001 })).to.deep.equal({ type: 'Unresolvable' });
  });

  it('both speakers keep the same physical connection', () => {
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(
      fc.property(u32, u32, u32, u32, (aId, bId, aAs, bAs) => {
        const a = resolveCollision({ localBgpId: aId, remoteBgpId: bId, localAs: aAs, remoteAs: bAs });
        const b = resolveCollision({ localBgpId: bId, remoteBgpId: aId, localAs: bAs, remoteAs: aAs });
        if (a.type === 'Unresolvable') return b.type === 'Unresolvable' && aId === bId && aAs === bAs;
        // The connection A opened is "local" to A and "remote" to B.
        return b.type === 'Resolved' && (a.keep === 'local') === (b.keep === 'remote');
      }),
    );
  });

  it('says when a comparison applies', () => {
    expect(collisionCheck('OpenConfirm')).to.equal('compare');
    expect(collisionCheck('Established')).to.equal('closeNew');
    expect(collisionCheck('Established', true)).to.equal('compare');
    for (const s of ['Idle', 'Connect', 'Active', 'OpenSent'] as const) expect(collisionCheck(s)).to.equal('none');
  });

  it('converts BGP Identifiers and rejects what is not one', () => {
    expect(toBgpId('192.0.2.1')).to.equal(0xc0000201);
    expect(toBgpId(Uint8Array.from([255, 255, 255, 255]))).to.equal(0xffffffff);
    expect(toBgpId(7)).to.equal(7);
    expectTypedError(() => toBgpId(2 ** 32), FsmErrorCode.bgpId);
    expectTypedError(() => toBgpId(Uint8Array.from([1, 2, 3])), FsmErrorCode.bgpId);
    expectTypedError(() => toBgpId('2001:db8::1'));
  });

  it('replay: two connections to one peer, the loser is dumped with Cease 6/7', () => {
    // We are 192.0.2.1 (AS 65001), the peer 192.0.2.2: the connection the peer opened must win.
    const local = { bgpId: id('192.0.2.1'), as: 65001 };
    const peerOpen: OpenSummary = { peerAs: 65002, holdTime: 90, bgpId: id('192.0.2.2') };
    const outgoing = runFsm(createFsm(), [{ type: 'ManualStart' }, { type: 'Tcp_CR_Acked' }, { type: 'BGPOpen', open: peerOpen }]).state;
    expect(outgoing.name).to.equal('OpenConfirm');
    const incoming = runFsm(createFsm(), [{ type: 'ManualStart_with_PassiveTcpEstablishment' }, { type: 'TcpConnectionConfirmed' }]).state;
    expect(incoming.name).to.equal('OpenSent');

    // The OPEN arrives on the incoming connection while the outgoing one sits in OpenConfirm.
    expect(collisionCheck(outgoing.name)).to.equal('compare');
    const verdict = resolveCollision({ localBgpId: local.bgpId, remoteBgpId: peerOpen.bgpId, localAs: local.as, remoteAs: peerOpen.peerAs });
    expect(verdict.type === 'Resolved' && verdict.close).to.equal(outgoing.connection);

    const dump: FsmEvent = { type: 'OpenCollisionDump' };
    const loser = transition(outgoing, dump);
    expect(loser.actions[0]).to.deep.equal({ type: 'SendNotification', errorCode: 6, errorSubcode: 7, data: new Uint8Array(0) });
    expect(loser.state.name).to.equal('Idle');

    const winner = runFsm(incoming, [{ type: 'BGPOpen', open: peerOpen }, { type: 'KeepAliveMsg' }]);
    expect(winner.state.name).to.equal('Established');
    expect(winner.state.connection).to.equal('remote');
  });
});

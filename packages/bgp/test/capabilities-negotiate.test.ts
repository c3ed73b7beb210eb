import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Capability, NotificationError, OpenMessage } from '../src/index.js';
import { AS_TRANS, createContext, createOpen, decodeMessage, familyKey, fromHex, negotiate, NlriRegistry } from '../src/index.js';
import { expectTypedError } from './support/vectors.js';

const open = (capabilities: Capability[], holdTime = 90, asn = 64512, bgpId = '192.0.2.1'): OpenMessage =>
  createOpen({ asn, holdTime, bgpId, capabilities });
const mp = (afi: number, safi: number): Capability => ({ kind: 'multiprotocol', afi, safi });

describe('capabilities: negotiation', () => {
  it('the captured GoBGP pair: EVPN only, 4-octet AS, no ADD-PATH, route refresh', () => {
    const dir = fileURLToPath(new URL('./vectors/gobgp-evpn/', import.meta.url));
    const first = (f: string) => fromHex(readFileSync(`${dir}${f}`, 'utf8').split('\n')[0]!);
    const ctx = createContext();
    const sender = decodeMessage(first('messages.hex.txt'), ctx) as OpenMessage;
    const receiver = decodeMessage(first('messages.receiver.hex.txt'), ctx) as OpenMessage;
    const s = negotiate(receiver, sender);
    expect(s.peerAs).to.equal(64512);
    expect(s.peerBgpId).to.equal('192.0.2.1');
    expect([s.holdTime, s.keepaliveTime]).to.deep.equal([90, 30]);
    expect(s.fourOctetAs).to.equal(true);
    expect(s.extendedMessage).to.equal(false);
    expect(s.families).to.deep.equal([{ afi: 25, safi: 70 }]);
    expect([s.addPathSend, s.addPathReceive]).to.deep.equal([[], []]);
    expect(s.routeRefresh).to.equal(true);
    expect(s.enhancedRouteRefresh).to.equal(false);
    expect(s.extendedNextHopSend).to.deep.equal([{ afi: 25, safi: 70, nextHopAfi: 2 }]);
    expect(s.peerFqdn).to.deep.equal({ kind: 'fqdn', hostname: 'vm', domain: '' });
    expect(s.peerGracefulRestart).to.equal(undefined);
    expect(s.rx.fourOctetAs && s.tx.fourOctetAs).to.equal(true);
    expect(s.rx.addPath.size + s.tx.addPath.size).to.equal(0);
  });

  it('hold time is the smaller one; 0 on either side means 0', () => {
    expect(negotiate(open([], 180), open([], 90)).holdTime).to.equal(90);
    const zero = negotiate(open([], 0), open([], 90));
    expect([zero.holdTime, zero.keepaliveTime]).to.deep.equal([0, 0]);
    expect(negotiate(open([], 4), open([], 90)).keepaliveTime).to.equal(1);
  });

  it('families are the intersection; no MP capability at all means IPv4 unicast', () => {
    expect(negotiate(open([mp(2, 1), mp(25, 70)]), open([mp(25, 70), mp(1, 1)])).families).to.deep.equal([{ afi: 25, safi: 70 }]);
    expect(negotiate(open([]), open([])).families).to.deep.equal([{ afi: 1, safi: 1 }]);
    expect(negotiate(open([mp(2, 1)]), open([])).families).to.deep.equal([]);
  });

  it('ADD-PATH is decided per family and direction (RFC 7911 §4)', () => {
    const local = open([mp(1, 1), mp(2, 1), mp(25, 70), { kind: 'add-path', families: [{ afi: 1, safi: 1, mode: 3 }, { afi: 2, safi: 1, mode: 2 }, { afi: 25, safi: 70, mode: 1 }] }]);
    const peer = open([mp(1, 1), mp(2, 1), mp(25, 70), { kind: 'add-path', families: [{ afi: 1, safi: 1, mode: 1 }, { afi: 2, safi: 1, mode: 3 }, { afi: 25, safi: 70, mode: 1 }] }]);
    const s = negotiate(local, peer);
    expect(s.addPathSend).to.deep.equal([
      { afi: 1, safi: 1 },
      { afi: 2, safi: 1 },
    ]);
    expect(s.addPathReceive).to.deep.equal([]);
    expect([...s.tx.addPath]).to.deep.equal([familyKey(1, 1), familyKey(2, 1)]);
    expect(s.rx.addPath.size).to.equal(0);
    const back = negotiate(peer, local);
    expect(back.addPathReceive).to.deep.equal(s.addPathSend);
    expect([...back.rx.addPath]).to.deep.equal([familyKey(1, 1), familyKey(2, 1)]);
  });

  it('4-octet AS, extended message and enhanced route refresh need both sides', () => {
    const plain = createOpen({ asn: 64512, holdTime: 90, bgpId: '192.0.2.9', capabilities: [{ kind: 'four-octet-as', asn: 64512 }] });
    const two: OpenMessage = { ...plain, capabilityGroups: [[]] };
    const s = negotiate(open([{ kind: 'extended-message' }, { kind: 'enhanced-route-refresh' }]), two);
    expect([s.fourOctetAs, s.extendedMessage, s.enhancedRouteRefresh, s.rx.fourOctetAs]).to.deep.equal([false, false, false, false]);
    const both = negotiate(
      open([{ kind: 'extended-message' }, { kind: 'enhanced-route-refresh' }]),
      open([{ kind: 'extended-message' }, { kind: 'enhanced-route-refresh' }]),
    );
    expect([both.fourOctetAs, both.extendedMessage, both.enhancedRouteRefresh, both.rx.extendedMessage, both.tx.extendedMessage]).to.deep.equal([
      true,
      true,
      true,
      true,
      true,
    ]);
  });

  it('route refresh counts the pre-standard code 128 too', () => {
    expect(negotiate(open([]), open([{ kind: 'unknown', code: 128, value: new Uint8Array(0) }])).routeRefresh).to.equal(true);
    expect(negotiate(open([{ kind: 'route-refresh' }]), open([])).routeRefresh).to.equal(false);
  });

  it("the peer's real AS comes from its 4-octet AS capability; GR and registry are passed on", () => {
    const gr: Capability = { kind: 'graceful-restart', flags: 4, restartTime: 120, families: [{ afi: 25, safi: 70, flags: 0x80 }] };
    const peer = open([gr], 90, 4200000001, '198.51.100.1');
    expect(peer.myAs).to.equal(AS_TRANS);
    const registry = new NlriRegistry();
    const s = negotiate(open([]), peer, { registry });
    expect(s.peerAs).to.equal(4200000001);
    expect(s.peerGracefulRestart).to.deep.equal(gr);
    expect(s.rx.registry).to.equal(registry);
    expect(s.tx.registry).to.equal(registry);
  });

  it('a peer with another AS than configured is refused with 2/2', () => {
    const peer = open([], 90, 4200000001);
    expect(negotiate(open([]), peer, { expectedPeerAs: 4200000001 }).peerAs).to.equal(4200000001);
    const err = expectTypedError(() => negotiate(open([]), peer, { expectedPeerAs: AS_TRANS }), 'ERR_BGP_NOTIFICATION') as NotificationError;
    expect([err.errorCode, err.errorSubcode]).to.deep.equal([2, 2]);
  });
});

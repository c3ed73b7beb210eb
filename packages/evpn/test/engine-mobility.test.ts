import { expect } from 'chai';
import { add, Harness, LOCAL_V6, MAC1, MAC2, PEER_B, PEER_C, PEER_LOW, rt2, runScenario, withdraw } from './engine-harness.js';
import type { Lines } from './engine-harness.js';

const NH = `nh=${LOCAL_V6}`;
const at = (seconds: number, fn: (h: Harness) => Lines) => (h: Harness) => {
  h.now = 1_000_000 + seconds * 1000;
  return fn(h);
};

function fresh(config: ConstructorParameters<typeof Harness>[0] = {}): Harness {
  const h = new Harness(config);
  h.addVni(550);
  return h;
}

describe('MAC-VRF engine: MAC mobility (RFC 7432 §15)', () => {
  it('local -> remote: a higher remote sequence makes our entry yield', () => {
    runScenario(fresh(), [
      { name: 'learn', do: (x) => x.learn(MAC1, { ip: '198.51.100.1' }), routes: [`adv rt2 550 ${MAC1} ${NH} seq=-`, `adv rt2 550 ${MAC1}/198.51.100.1 ${NH} seq=-`] },
      { name: 'remote at equal seq from a higher VTEP', do: (x) => x.remote(add(rt2(PEER_B, MAC1))) },
      {
        name: 'remote seq 1',
        do: (x) => x.remote(add(rt2(PEER_B, MAC1, { seq: 1 }))),
        routes: [`wd rt2 550 ${MAC1} ${NH} seq=-`, `wd rt2 550 ${MAC1}/198.51.100.1 ${NH} seq=-`],
        intents: [`+remoteMac 550 ${MAC1} ${PEER_B}`],
        events: [`move 550 ${MAC1} local -> ${PEER_B}`],
      },
    ]);
  });

  it('remote -> local: a local learn outbids the remote sequence by one', () => {
    const h = fresh();
    runScenario(h, [
      { name: 'remote seq 3', do: (x) => x.remote(add(rt2(PEER_B, MAC1, { seq: 3 }))), intents: [`+remoteMac 550 ${MAC1} ${PEER_B}`] },
      {
        name: 'learn here',
        do: (x) => x.learn(MAC1),
        routes: [`adv rt2 550 ${MAC1} ${NH} seq=4`],
        intents: [`-remoteMac 550 ${MAC1} ${PEER_B}`],
        events: [`move 550 ${MAC1} ${PEER_B} -> local`],
      },
      { name: 'B withdraws after seeing seq 4', do: (x) => x.remote(withdraw(rt2(PEER_B, MAC1, { seq: 3 }))) },
      { name: 'IP learned later carries the same sequence', do: (x) => x.learn(MAC1, { ip: '198.51.100.1' }), routes: [`adv rt2 550 ${MAC1}/198.51.100.1 ${NH} seq=4`] },
    ]);
    expect(h.engine.vniSnapshot(550)!.macs[0]).to.include({ type: 'local', localSequence: 4 });
  });

  it('a local learn outbids the highest of several remote sequences', () => {
    const h = fresh();
    h.remote(add(rt2(PEER_B, MAC1, { seq: 2 })), add(rt2(PEER_C, MAC1, { seq: 5, ip: '198.51.100.1' })), add(rt2(PEER_LOW, MAC1, { seq: 1 })));
    expect(h.installedVtep(MAC1)).to.equal(PEER_C);
    expect(h.engine.vniSnapshot(550)!.macs[0]).to.include({ type: 'remote', remoteSequence: 5 }).and.to.have.deep.property('ips', ['198.51.100.1']);
    runScenario(h, [
      {
        name: 'learn',
        do: (x) => x.learn(MAC1),
        routes: [`adv rt2 550 ${MAC1} ${NH} seq=6`],
        intents: [`-remoteMac 550 ${MAC1} ${PEER_C}`],
        events: [`move 550 ${MAC1} ${PEER_C} -> local`],
      },
    ]);
  });

  it('rapid moves between two remote VTEPs freeze the MAC at the remote it reached', () => {
    const h = fresh({ duplicateDetection: { maxMoves: 3 } });
    h.remote(add(rt2(PEER_B, MAC1)));
    for (let seq = 1; seq <= 2; seq++) h.remote(add(rt2(seq % 2 === 1 ? PEER_C : PEER_B, MAC1, { seq })));
    runScenario(h, [
      {
        name: 'third move',
        do: (x) => x.remote(add(rt2(PEER_C, MAC1, { seq: 3 }))),
        intents: [`-remoteMac 550 ${MAC1} ${PEER_B}`, `+remoteMac 550 ${MAC1} ${PEER_C}`],
        events: [`move 550 ${MAC1} ${PEER_B} -> ${PEER_C}`, `duplicate 550 ${MAC1} at ${PEER_C} after 3`],
      },
      { name: 'B outbids: frozen, ignored', do: (x) => x.remote(add(rt2(PEER_B, MAC1, { seq: 4 }))) },
      { name: 'thaw of a MAC that is not frozen does nothing', do: (x) => x.apply(x.engine.thawMac(550, MAC2, x.now)) },
      {
        name: 'thaw',
        do: (x) => x.apply(x.engine.thawMac(550, MAC1, x.now)),
        intents: [`-remoteMac 550 ${MAC1} ${PEER_C}`, `+remoteMac 550 ${MAC1} ${PEER_B}`],
        events: [`thawed 550 ${MAC1}`, `move 550 ${MAC1} ${PEER_C} -> ${PEER_B}`],
      },
    ]);
  });

  it('remote -> remote: the higher sequence wins, then the lower VTEP on a tie', () => {
    runScenario(fresh(), [
      { name: 'B seq 0', do: (x) => x.remote(add(rt2(PEER_B, MAC1))), intents: [`+remoteMac 550 ${MAC1} ${PEER_B}`] },
      {
        name: 'C seq 1',
        do: (x) => x.remote(add(rt2(PEER_C, MAC1, { seq: 1 }))),
        intents: [`-remoteMac 550 ${MAC1} ${PEER_B}`, `+remoteMac 550 ${MAC1} ${PEER_C}`],
        events: [`move 550 ${MAC1} ${PEER_B} -> ${PEER_C}`],
      },
      { name: 'B withdraws its stale route', do: (x) => x.remote(withdraw(rt2(PEER_B, MAC1))) },
      {
        name: 'lower VTEP also at seq 1',
        do: (x) => x.remote(add(rt2(PEER_LOW, MAC1, { seq: 1 }))),
        intents: [`-remoteMac 550 ${MAC1} ${PEER_C}`, `+remoteMac 550 ${MAC1} ${PEER_LOW}`],
        events: [`move 550 ${MAC1} ${PEER_C} -> ${PEER_LOW}`],
      },
      {
        name: 'lower VTEP withdraws',
        do: (x) => x.remote(withdraw(rt2(PEER_LOW, MAC1))),
        intents: [`-remoteMac 550 ${MAC1} ${PEER_LOW}`, `+remoteMac 550 ${MAC1} ${PEER_C}`],
        events: [`move 550 ${MAC1} ${PEER_LOW} -> ${PEER_C}`],
      },
    ]);
  });

  it('equal sequence, local against remote: the lower VTEP address keeps the MAC', () => {
    runScenario(fresh(), [
      { name: 'learn', do: (x) => x.learn(MAC1), routes: [`adv rt2 550 ${MAC1} ${NH} seq=-`] },
      { name: 'higher VTEP at seq 0: ignored', do: (x) => x.remote(add(rt2(PEER_C, MAC1))) },
      {
        name: 'lower VTEP at seq 0: we yield',
        do: (x) => x.remote(add(rt2(PEER_LOW, MAC1))),
        routes: [`wd rt2 550 ${MAC1} ${NH} seq=-`],
        intents: [`+remoteMac 550 ${MAC1} ${PEER_LOW}`],
        events: [`move 550 ${MAC1} local -> ${PEER_LOW}`],
      },
    ]);
  });

  it('equal-sequence remote tie-break does not depend on arrival order', () => {
    const routes = [rt2(PEER_C, MAC1, { seq: 2 }), rt2(PEER_B, MAC1, { seq: 2 }), rt2(PEER_LOW, MAC1, { seq: 1 })];
    for (const order of [
      [0, 1, 2],
      [1, 0, 2],
      [2, 1, 0],
      [2, 0, 1],
    ]) {
      const h = fresh();
      for (const i of order) h.remote(add(routes[i]!));
      expect(h.installedVtep(MAC1), `order ${order.join()}`).to.equal(PEER_B);
    }
  });

  it('sticky: a static local MAC never moves; a remote sticky MAC is not learned here', () => {
    const h = fresh();
    runScenario(h, [
      { name: 'static MAC', do: (x) => x.learn(MAC1, { sticky: true }), routes: [`adv rt2 550 ${MAC1} ${NH} seq=0 sticky`] },
      {
        name: 'remote claims it with seq 5',
        do: (x) => x.remote(add(rt2(PEER_B, MAC1, { seq: 5 }))),
        events: [`sticky-conflict 550 ${MAC1} owner=local claimant=${PEER_B}`],
      },
      { name: 'remote claims it again (logged once)', do: (x) => x.remote(add(rt2(PEER_B, MAC1, { seq: 6 }))) },
      { name: 'remote sticky MAC2 from C', do: (x) => x.remote(add(rt2(PEER_C, MAC2, { sticky: true }))), intents: [`+remoteMac 550 ${MAC2} ${PEER_C}`] },
      {
        name: 'MAC2 shows up locally',
        do: (x) => x.learn(MAC2),
        events: [`sticky-conflict 550 ${MAC2} owner=${PEER_C} claimant=local`],
      },
      { name: 'a higher non-sticky remote does not beat a sticky one', do: (x) => x.remote(add(rt2(PEER_LOW, MAC2, { seq: 9 }))) },
    ]);
    const macs = h.engine.vniSnapshot(550)!.macs;
    expect(macs.map((m) => [m.mac, m.type, m.vtep, m.sticky])).to.deep.equal([
      [MAC1, 'local', null, true],
      [MAC2, 'remote', PEER_C, true],
    ]);
  });

  it('rapid moves freeze the MAC (5 moves in 180 s) until it is thawed', () => {
    const h = fresh();
    runScenario(h, [
      { name: 'learn', do: at(0, (x) => x.learn(MAC1)), routes: [`adv rt2 550 ${MAC1} ${NH} seq=-`] },
      {
        name: 'move 1',
        do: at(1, (x) => x.remote(add(rt2(PEER_B, MAC1, { seq: 1 })))),
        routes: [`wd rt2 550 ${MAC1} ${NH} seq=-`],
        intents: [`+remoteMac 550 ${MAC1} ${PEER_B}`],
        events: [`move 550 ${MAC1} local -> ${PEER_B}`],
      },
      {
        name: 'move 2',
        do: at(2, (x) => x.learn(MAC1)),
        routes: [`adv rt2 550 ${MAC1} ${NH} seq=2`],
        intents: [`-remoteMac 550 ${MAC1} ${PEER_B}`],
        events: [`move 550 ${MAC1} ${PEER_B} -> local`],
      },
      {
        name: 'move 3',
        do: at(3, (x) => x.remote(add(rt2(PEER_B, MAC1, { seq: 3 })))),
        routes: [`wd rt2 550 ${MAC1} ${NH} seq=2`],
        intents: [`+remoteMac 550 ${MAC1} ${PEER_B}`],
        events: [`move 550 ${MAC1} local -> ${PEER_B}`],
      },
      {
        name: 'move 4',
        do: at(4, (x) => x.learn(MAC1)),
        routes: [`adv rt2 550 ${MAC1} ${NH} seq=4`],
        intents: [`-remoteMac 550 ${MAC1} ${PEER_B}`],
        events: [`move 550 ${MAC1} ${PEER_B} -> local`],
      },
      {
        name: 'move 5 trips detection: frozen at B',
        do: at(5, (x) => x.remote(add(rt2(PEER_B, MAC1, { seq: 5 })))),
        routes: [`wd rt2 550 ${MAC1} ${NH} seq=4`],
        intents: [`+remoteMac 550 ${MAC1} ${PEER_B}`],
        events: [`move 550 ${MAC1} local -> ${PEER_B}`, `duplicate 550 ${MAC1} at ${PEER_B} after 5`],
      },
      { name: 'frozen: local learn changes nothing', do: at(6, (x) => x.learn(MAC1)) },
      { name: 'frozen: another VTEP outbids, nothing changes', do: at(7, (x) => x.remote(add(rt2(PEER_C, MAC1, { seq: 9 })))) },
      { name: 'frozen location goes away', do: at(8, (x) => x.remote(withdraw(rt2(PEER_B, MAC1)))), intents: [`-remoteMac 550 ${MAC1} ${PEER_B}`] },
    ]);
    expect(h.engine.vniSnapshot(550)!.macs).to.deep.equal([
      { mac: MAC1, type: 'none', vtep: null, localSequence: 6, remoteSequence: 9, sticky: false, ips: [], frozen: true, moves: 5 },
    ]);
    runScenario(h, [
      { name: 'expire does not thaw a permanent freeze', do: at(10_000, (x) => x.apply(x.engine.expire(x.now))) },
      {
        // The local learn during the freeze outbid B (seq 6) but C has 9 since: C wins.
        name: 'thaw',
        do: at(10_001, (x) => x.apply(x.engine.thawMac(550, MAC1, x.now))),
        intents: [`+remoteMac 550 ${MAC1} ${PEER_C}`],
        events: [`thawed 550 ${MAC1}`, `move 550 ${MAC1} ${PEER_B} -> ${PEER_C}`],
      },
    ]);
  });

  it('moves spread wider than the window never freeze', () => {
    const h = fresh();
    h.learn(MAC1);
    for (let i = 1; i <= 12; i++) {
      h.now = 1_000_000 + i * 61_000;
      if (i % 2 === 1) h.remote(add(rt2(PEER_B, MAC1, { seq: i })));
      else h.learn(MAC1);
    }
    expect(h.events.filter((e) => e.kind === 'mac-duplicate')).to.deep.equal([]);
    expect(h.events.filter((e) => e.kind === 'mac-move')).to.have.length(12);
    expect(h.engine.vniSnapshot(550)!.macs[0]).to.include({ type: 'local', localSequence: 12, frozen: false });
  });

  it('a MAC frozen at home keeps its advertisement, and freezeMs thaws it through expire()', () => {
    const h = fresh({ duplicateDetection: { maxMoves: 2, windowMs: 10_000, freezeMs: 60_000 } });
    runScenario(h, [
      { name: 'B has it', do: at(0, (x) => x.remote(add(rt2(PEER_B, MAC1)))), intents: [`+remoteMac 550 ${MAC1} ${PEER_B}`] },
      {
        name: 'move 1',
        do: at(1, (x) => x.learn(MAC1)),
        routes: [`adv rt2 550 ${MAC1} ${NH} seq=1`],
        intents: [`-remoteMac 550 ${MAC1} ${PEER_B}`],
        events: [`move 550 ${MAC1} ${PEER_B} -> local`],
      },
      {
        name: 'move 2: frozen at B',
        do: at(2, (x) => x.remote(add(rt2(PEER_B, MAC1, { seq: 2 })))),
        routes: [`wd rt2 550 ${MAC1} ${NH} seq=1`],
        intents: [`+remoteMac 550 ${MAC1} ${PEER_B}`],
        events: [`move 550 ${MAC1} local -> ${PEER_B}`, `duplicate 550 ${MAC1} at ${PEER_B} after 2`],
      },
      { name: 'not yet', do: at(61, (x) => x.apply(x.engine.expire(x.now))) },
      { name: 'learned here again, but frozen', do: at(61.5, (x) => x.learn(MAC1)) },
      {
        name: 'freeze runs out',
        do: at(62, (x) => x.apply(x.engine.expire(x.now))),
        routes: [`adv rt2 550 ${MAC1} ${NH} seq=3`],
        intents: [`-remoteMac 550 ${MAC1} ${PEER_B}`],
        events: [`thawed 550 ${MAC1}`, `move 550 ${MAC1} ${PEER_B} -> local`],
      },
    ]);

    const g = fresh({ duplicateDetection: { maxMoves: 3 } });
    runScenario(g, [
      { name: 'B has it', do: at(0, (x) => x.remote(add(rt2(PEER_B, MAC2)))), intents: [`+remoteMac 550 ${MAC2} ${PEER_B}`] },
      {
        name: 'learned here twice over: frozen at home',
        do: at(1, (x) => {
          x.learn(MAC2);
          x.remote(add(rt2(PEER_B, MAC2, { seq: 2 })));
          return x.learn(MAC2);
        }),
        routes: [`adv rt2 550 ${MAC2} ${NH} seq=3`],
        intents: [`-remoteMac 550 ${MAC2} ${PEER_B}`],
        events: [`move 550 ${MAC2} ${PEER_B} -> local`, `duplicate 550 ${MAC2} at local after 3`],
      },
      { name: 'frozen at home: a higher remote is ignored', do: at(2, (x) => x.remote(add(rt2(PEER_B, MAC2, { seq: 10 })))) },
      { name: 'frozen at home: a new IP is not advertised', do: at(3, (x) => x.learn(MAC2, { ip: '198.51.100.2' })) },
      { name: 'aged at home: withdrawn, and not installed elsewhere', do: at(4, (x) => x.age(MAC2)), routes: [`wd rt2 550 ${MAC2} ${NH} seq=3`] },
    ]);
    expect(g.engine.vniSnapshot(550)!.macs[0]).to.include({ type: 'none', frozen: true, remoteSequence: 10 });
  });
});

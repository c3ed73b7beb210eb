import { expect } from 'chai';
import { BgpError } from '@evpn6/bgp';
import { EngineError, EngineErrorCode, MacVrfEngine } from '../src/engine/index.js';
import { EvpnError } from '../src/errors.js';
import { add, Harness, runScenario, LOCAL_V6, MAC1, MAC2, MAC3, PEER_B, PEER_C, PEER_V4, rt2, rt3, withdraw } from './engine-harness.js';

const NH = `nh=${LOCAL_V6}`;

describe('MAC-VRF engine: VNI, local MACs, remote MACs', () => {
  it('originates RT3 for a new VNI as FRR 10.6/GoBGP do for an IPv6 VTEP', () => {
    const h = new Harness();
    runScenario(h, [{ name: 'add vni', do: (x) => x.addVni(550), routes: [`adv rt3 550 orig=${LOCAL_V6}`] }]);
    const s = h.engine.vniSnapshot(550)!;
    expect(s.rd).to.equal('192.0.2.1:550');
    expect(s.importRts).to.deep.equal(['64512:550']);
    expect(s.exportRts).to.deep.equal(['64512:550']);
    expect(s.originated).to.deep.equal([
      {
        type: 'imet',
        rd: '192.0.2.1:550',
        ethernetTag: 0,
        originator: LOCAL_V6,
        pmsi: { tunnelType: 6, label: 550, endpoint: LOCAL_V6 },
        nextHop: LOCAL_V6,
        routeTargets: ['64512:550'],
      },
    ]);
  });

  it('learns and ages local MACs (MAC-only route plus one MAC+IP route per IP)', () => {
    const h = new Harness();
    h.addVni(550);
    runScenario(h, [
      { name: 'learn', do: (x) => x.learn(MAC1), routes: [`adv rt2 550 ${MAC1} ${NH} seq=-`] },
      { name: 'learn again (refresh)', do: (x) => x.learn(MAC1) },
      { name: 'learn with IPv4', do: (x) => x.learn(MAC1, { ip: '198.51.100.7' }), routes: [`adv rt2 550 ${MAC1}/198.51.100.7 ${NH} seq=-`] },
      { name: 'learn with IPv6', do: (x) => x.learn(MAC1, { ip: '2001:DB8:0:0::7' }), routes: [`adv rt2 550 ${MAC1}/2001:db8::7 ${NH} seq=-`] },
      { name: 'age one IP', do: (x) => x.age(MAC1, { ip: '198.51.100.7' }), routes: [`wd rt2 550 ${MAC1}/198.51.100.7 ${NH} seq=-`] },
      { name: 'age MAC', do: (x) => x.age(MAC1), routes: [`wd rt2 550 ${MAC1} ${NH} seq=-`, `wd rt2 550 ${MAC1}/2001:db8::7 ${NH} seq=-`] },
      { name: 'age again', do: (x) => x.age(MAC1) },
      { name: 'learn upper-case dash MAC', do: (x) => x.learn('02-00-00-00-00-0A'), routes: [`adv rt2 550 02:00:00:00:00:0a ${NH} seq=-`] },
    ]);
    const mac = h.engine.vniSnapshot(550)!.macs[0]!;
    expect(mac).to.include({ mac: '02:00:00:00:00:0a', type: 'local', vtep: null, localSequence: 0, frozen: false });
  });

  it('installs and removes remote MACs, once per MAC however many routes carry it', () => {
    const h = new Harness();
    h.addVni(550);
    runScenario(h, [
      { name: 'MAC-only route', do: (x) => x.remote(add(rt2(PEER_B, MAC1))), intents: [`+remoteMac 550 ${MAC1} ${PEER_B}`] },
      { name: 'MAC+IP route, same VTEP', do: (x) => x.remote(add(rt2(PEER_B, MAC1, { ip: '198.51.100.9' }))) },
      { name: 'same route again', do: (x) => x.remote(add(rt2(PEER_B, MAC1))) },
      { name: 'withdraw MAC-only', do: (x) => x.remote(withdraw(rt2(PEER_B, MAC1))) },
      { name: 'withdraw MAC+IP', do: (x) => x.remote(withdraw(rt2(PEER_B, MAC1, { ip: '198.51.100.9' }))), intents: [`-remoteMac 550 ${MAC1} ${PEER_B}`] },
      { name: 'withdraw again', do: (x) => x.remote(withdraw(rt2(PEER_B, MAC1))) },
      { name: 'withdraw never seen', do: (x) => x.remote(withdraw(rt2(PEER_C, MAC2))) },
    ]);
    expect(h.engine.remoteMacRouteCount).to.equal(0);
  });

  it('builds flood and allowed-source lists from RT3 (allow first, flood only for ingress replication)', () => {
    const h = new Harness();
    h.addVni(550);
    runScenario(h, [
      { name: 'RT3 from B', do: (x) => x.remote(add(rt3(PEER_B))), intents: [`+allowVtep 550 ${PEER_B}`, `+floodVtep 550 ${PEER_B}`] },
      { name: 'same RT3 again', do: (x) => x.remote(add(rt3(PEER_B))) },
      { name: 'second RT3 from B (other RD)', do: (x) => x.remote(add(rt3(PEER_B, { rd: '198.51.100.2:9' }))) },
      { name: 'RT3 from C without PMSI', do: (x) => x.remote(add(rt3(PEER_C, { noPmsi: true }))), intents: [`+allowVtep 550 ${PEER_C}`] },
      { name: 'C now says ingress replication', do: (x) => x.remote(add(rt3(PEER_C))), intents: [`+floodVtep 550 ${PEER_C}`] },
      { name: 'C moves to a PIM tree', do: (x) => x.remote(add(rt3(PEER_C, { tunnelType: 3 }))), intents: [`-floodVtep 550 ${PEER_C}`] },
      { name: 'one B route goes', do: (x) => x.remote(withdraw(rt3(PEER_B))) },
      { name: 'last B route goes', do: (x) => x.remote(withdraw(rt3(PEER_B, { rd: '198.51.100.2:9' }))), intents: [`-floodVtep 550 ${PEER_B}`, `-allowVtep 550 ${PEER_B}`] },
    ]);
    expect(h.engine.vniSnapshot(550)!.remoteVteps).to.deep.equal([{ vtep: PEER_C, flood: false, allowed: true }]);
  });

  it('mixes IPv4 and IPv6 VTEPs in one VNI', () => {
    const h = new Harness();
    h.addVni(550);
    runScenario(h, [
      { name: 'IPv4 RT3', do: (x) => x.remote(add(rt3(PEER_V4))), intents: [`+allowVtep 550 ${PEER_V4}`, `+floodVtep 550 ${PEER_V4}`] },
      { name: 'IPv6 RT3', do: (x) => x.remote(add(rt3(PEER_B))), intents: [`+allowVtep 550 ${PEER_B}`, `+floodVtep 550 ${PEER_B}`] },
      { name: 'MAC behind IPv4', do: (x) => x.remote(add(rt2(PEER_V4, MAC1))), intents: [`+remoteMac 550 ${MAC1} ${PEER_V4}`] },
      { name: 'MAC behind IPv6', do: (x) => x.remote(add(rt2(PEER_B, MAC2))), intents: [`+remoteMac 550 ${MAC2} ${PEER_B}`] },
      // Equal sequence across families: IPv4 sorts lower, so it keeps MAC1.
      { name: 'IPv6 claims MAC1 at same seq', do: (x) => x.remote(add(rt2(PEER_B, MAC1))) },
      { name: 'IPv6 claims MAC2 ... IPv4 at same seq wins', do: (x) => x.remote(add(rt2(PEER_V4, MAC2))), intents: [`-remoteMac 550 ${MAC2} ${PEER_B}`, `+remoteMac 550 ${MAC2} ${PEER_V4}`], events: [`move 550 ${MAC2} ${PEER_B} -> ${PEER_V4}`] },
    ]);
    const s = h.engine.vniSnapshot(550)!;
    expect(s.remoteVteps.map((v) => v.vtep)).to.deep.equal([PEER_V4, PEER_B].sort());
    expect(s.macs.map((m) => [m.mac, m.vtep])).to.deep.equal([
      [MAC1, PEER_V4],
      [MAC2, PEER_V4],
    ]);
  });

  it('drops everything a VTEP had when all its routes are withdrawn (peer down)', () => {
    const h = new Harness();
    h.addVni(550);
    h.addVni(551);
    h.remote(add(rt3(PEER_B)), add(rt3(PEER_B, { vni: 551 })), add(rt3(PEER_C)));
    h.remote(add(rt2(PEER_B, MAC1)), add(rt2(PEER_B, MAC2, { ip: '198.51.100.2' })), add(rt2(PEER_B, MAC3, { vni: 551 })), add(rt2(PEER_C, MAC3)));
    runScenario(h, [
      {
        name: 'every route of B withdrawn',
        do: (x) =>
          x.remote(
            withdraw(rt2(PEER_B, MAC1)),
            withdraw(rt2(PEER_B, MAC2, { ip: '198.51.100.2' })),
            withdraw(rt2(PEER_B, MAC3, { vni: 551 })),
            withdraw(rt3(PEER_B)),
            withdraw(rt3(PEER_B, { vni: 551 })),
          ),
        intents: [
          `-remoteMac 550 ${MAC1} ${PEER_B}`,
          `-remoteMac 550 ${MAC2} ${PEER_B}`,
          `-remoteMac 551 ${MAC3} ${PEER_B}`,
          `-floodVtep 550 ${PEER_B}`,
          `-allowVtep 550 ${PEER_B}`,
          `-floodVtep 551 ${PEER_B}`,
          `-allowVtep 551 ${PEER_B}`,
        ],
      },
    ]);
    expect([...h.fdb.entries()]).to.deep.equal([[`550 ${MAC3}`, PEER_C]]);
    expect([...h.flood]).to.deep.equal([`550 ${PEER_C}`]);
  });

  it('removing a VNI withdraws its routes and removes all its intents; re-adding re-imports', () => {
    const h = new Harness();
    h.addVni(550);
    h.addVni(551);
    h.learn(MAC1, { ip: '198.51.100.1' });
    h.remote(add(rt3(PEER_B)), add(rt2(PEER_B, MAC2)), add(rt2(PEER_B, MAC3, { vni: 551 })));
    runScenario(h, [
      {
        name: 'remove 550',
        do: (x) => x.apply(x.engine.removeVni(550)),
        routes: [`wd rt2 550 ${MAC1} ${NH} seq=-`, `wd rt2 550 ${MAC1}/198.51.100.1 ${NH} seq=-`, `wd rt3 550 orig=${LOCAL_V6}`],
        intents: [`-remoteMac 550 ${MAC2} ${PEER_B}`, `-floodVtep 550 ${PEER_B}`, `-allowVtep 550 ${PEER_B}`],
      },
      { name: 'remove 550 again', do: (x) => x.apply(x.engine.removeVni(550)) },
      { name: 'routes for 550 still arrive', do: (x) => x.remote(add(rt2(PEER_C, MAC1))) },
      {
        name: 're-add 550',
        do: (x) => x.addVni(550),
        routes: [`adv rt3 550 orig=${LOCAL_V6}`],
        intents: [`+remoteMac 550 ${MAC2} ${PEER_B}`, `+remoteMac 550 ${MAC1} ${PEER_C}`, `+allowVtep 550 ${PEER_B}`, `+floodVtep 550 ${PEER_B}`],
      },
    ]);
    expect(h.engine.vnis).to.deep.equal([550, 551]);
    expect(h.installedVtep(MAC3, 551)).to.equal(PEER_B);
  });

  it('imports by route target only into VNIs whose import RTs meet the route RTs', () => {
    const h = new Harness();
    h.addVni(550);
    h.addVni(551);
    h.addVni(600, { importRts: ['65000:1', '*:777'], exportRts: ['65000:1'] });
    runScenario(h, [
      { name: 'RT of 551 only', do: (x) => x.remote(add(rt2(PEER_B, MAC1, { rts: ['64512:551'] }))), intents: [`+remoteMac 551 ${MAC1} ${PEER_B}`] },
      { name: 'RT matching nothing', do: (x) => x.remote(add(rt2(PEER_B, MAC2, { rts: ['64512:999'] }))) },
      {
        name: 'two RTs, two VNIs',
        do: (x) => x.remote(add(rt2(PEER_B, MAC3, { rts: ['64512:550', 'RT:65000:1'] }))),
        intents: [`+remoteMac 550 ${MAC3} ${PEER_B}`, `+remoteMac 600 ${MAC3} ${PEER_B}`],
      },
      { name: 'wildcard *:777 from any AS', do: (x) => x.remote(add(rt2(PEER_C, MAC2, { rts: ['4200000000:777'] }))), intents: [`+remoteMac 600 ${MAC2} ${PEER_C}`] },
      {
        name: 'route re-tagged from 551 to 550',
        do: (x) => x.remote(add(rt2(PEER_B, MAC1, { rts: ['64512:550'] }))),
        intents: [`+remoteMac 550 ${MAC1} ${PEER_B}`, `-remoteMac 551 ${MAC1} ${PEER_B}`],
      },
      { name: 'RT3 for 551 only', do: (x) => x.remote(add(rt3(PEER_C, { vni: 551 }))), intents: [`+allowVtep 551 ${PEER_C}`, `+floodVtep 551 ${PEER_C}`] },
      {
        name: 'RT3 re-tagged to 550 and 551',
        do: (x) => x.remote(add(rt3(PEER_C, { vni: 551, rts: ['64512:550', '64512:551'] }))),
        intents: [`+allowVtep 550 ${PEER_C}`, `+floodVtep 550 ${PEER_C}`],
      },
      {
        name: 'RT3 re-tagged to 550 only',
        do: (x) => x.remote(add(rt3(PEER_C, { vni: 551, rts: ['64512:550'] }))),
        intents: [`-floodVtep 551 ${PEER_C}`, `-allowVtep 551 ${PEER_C}`],
      },
      {
        name: 'VNI 551 starts importing 64512:999 as well',
        do: (x) => x.addVni(551, { importRts: ['64512:551', '64512:999'] }),
        intents: [`+remoteMac 551 ${MAC2} ${PEER_B}`],
      },
    ]);
    expect(h.engine.vniSnapshot(600)!.importRts).to.deep.equal(['65000:1', '*:777']);
  });

  it('re-originates RT3 and RT2 when the local VTEP address changes', () => {
    const h = new Harness();
    h.addVni(550);
    h.learn(MAC1, { ip: '198.51.100.1' });
    h.remote(add(rt2('2001:db8:0:9::11', MAC2)));
    const NEW = '2001:db8:0:9::11';
    runScenario(h, [
      {
        name: 'new address',
        do: (x) => x.apply(x.engine.setLocalVtep('2001:DB8:0:9:0::11', x.now)),
        routes: [
          // RT2 keys do not hold the next hop: the advertise replaces. RT3's originator is in its key: withdraw + advertise.
          `adv rt2 550 ${MAC1} nh=${NEW} seq=-`,
          `adv rt2 550 ${MAC1}/198.51.100.1 nh=${NEW} seq=-`,
          `wd rt3 550 orig=${LOCAL_V6}`,
          `adv rt3 550 orig=${NEW}`,
        ],
        // A remote route with our new address as next hop is our own echo now.
        intents: [`-remoteMac 550 ${MAC2} ${NEW}`],
      },
      { name: 'same address again', do: (x) => x.apply(x.engine.setLocalVtep(NEW, x.now)) },
      {
        name: 'IPv4 underlay',
        do: (x) => x.apply(x.engine.setLocalVtep('192.0.2.1', x.now)),
        routes: [`adv rt2 550 ${MAC1} nh=192.0.2.1 seq=-`, `adv rt2 550 ${MAC1}/198.51.100.1 nh=192.0.2.1 seq=-`, `wd rt3 550 orig=${NEW}`, `adv rt3 550 orig=192.0.2.1`],
        intents: [`+remoteMac 550 ${MAC2} ${NEW}`],
      },
      {
        name: 'no address: nothing can be originated',
        do: (x) => x.apply(x.engine.setLocalVtep(null, x.now)),
        routes: [`wd rt2 550 ${MAC1} nh=192.0.2.1 seq=-`, `wd rt2 550 ${MAC1}/198.51.100.1 nh=192.0.2.1 seq=-`, `wd rt3 550 orig=192.0.2.1`],
      },
    ]);
  });

  it('ignores our own routes echoed back from the Loc-RIB', () => {
    const h = new Harness();
    h.addVni(550);
    const out = h.engine.localMacLearned({ vni: 550, mac: MAC1 }, h.now);
    h.apply(out);
    runScenario(h, [
      { name: 'own RT2', do: (x) => x.remote(...out.routes.map((c) => add(c.route))) },
      { name: 'own RT3', do: (x) => x.remote(add(rt3(LOCAL_V6))) },
    ]);
    expect(h.engine.vniSnapshot(550)!.macs.map((m) => m.type)).to.deep.equal(['local']);
  });

  it('moves routes to a new RD and RT list when the VNI is reconfigured', () => {
    const h = new Harness();
    h.addVni(550);
    h.learn(MAC1);
    runScenario(h, [
      {
        name: 'new RD',
        do: (x) => x.addVni(550, { rd: '64512:10550' }),
        routes: [`wd rt2 550 ${MAC1} ${NH} seq=-`, `adv rt2 550 ${MAC1} ${NH} seq=-`, `wd rt3 550 orig=${LOCAL_V6}`, `adv rt3 550 orig=${LOCAL_V6}`],
      },
      { name: 'same config again', do: (x) => x.addVni(550, { rd: '64512:10550' }) },
      { name: 'new export RT', do: (x) => x.addVni(550, { rd: '64512:10550', exportRts: ['65000:550'] }), routes: [`adv rt2 550 ${MAC1} ${NH} seq=-`, `adv rt3 550 orig=${LOCAL_V6}`] },
    ]);
    const s = h.engine.vniSnapshot(550)!;
    expect(s.rd).to.equal('64512:10550');
    expect(s.originated.map((r) => r.routeTargets)).to.deep.equal([['65000:550'], ['65000:550']]);
  });

  it("gives what the seed's `show evpn vni detail` and `show evpn mac vni all` print", () => {
    const h = new Harness();
    h.addVni(550);
    h.remote(add(rt3(PEER_C)), add(rt3(PEER_B)));
    h.learn('52:54:00:56:18:ff');
    h.remote(add(rt2(PEER_C, '72:eb:58:30:cb:c5')), add(rt2(PEER_B, '0a:5a:bf:b4:cc:16')));
    const s = h.engine.vniSnapshot(550)!;
    expect(s.localVtep).to.equal(LOCAL_V6);
    expect(s.remoteVteps).to.deep.equal([
      { vtep: PEER_B, flood: true, allowed: true },
      { vtep: PEER_C, flood: true, allowed: true },
    ]);
    expect(s.macs.map((m) => [m.mac, m.type, m.vtep, `${m.localSequence}/${m.remoteSequence}`])).to.deep.equal([
      ['0a:5a:bf:b4:cc:16', 'remote', PEER_B, '0/0'],
      ['52:54:00:56:18:ff', 'local', null, '0/0'],
      ['72:eb:58:30:cb:c5', 'remote', PEER_C, '0/0'],
    ]);
    expect(h.engine.snapshot().map((v) => v.vni)).to.deep.equal([550]);
    expect(h.engine.vniSnapshot(551)).to.equal(null);
  });

  it('rejects bad configuration and local input with typed errors', () => {
    const cases: [() => unknown, string][] = [
      [() => new MacVrfEngine({ routerId: '2001:db8::1', asn: 1 }), EngineErrorCode.config],
      [() => new MacVrfEngine({ routerId: '192.0.2.1', asn: 0 }), EngineErrorCode.config],
      [() => new MacVrfEngine({ routerId: '192.0.2.1', asn: 1, localVtep: 'nope' }), EngineErrorCode.vtep],
      [() => new MacVrfEngine({ routerId: '192.0.2.1', asn: 1, duplicateDetection: { maxMoves: 0 } }), EngineErrorCode.config],
      [() => new Harness().addVni(0), EngineErrorCode.vni],
      [() => new Harness().addVni(1 << 24), EngineErrorCode.vni],
      [() => new Harness().addVni(70000), EngineErrorCode.vni],
      [() => new Harness().addVni(550, { rd: '192.0.2.1:70000' }), EngineErrorCode.rd],
      [() => new Harness().addVni(550, { rd: 'x' }), EngineErrorCode.rd],
      [() => new Harness().addVni(550, { exportRts: ['*:5'] }), EngineErrorCode.routeTarget],
      [() => new Harness().addVni(550, { importRts: ['300.1.1.1:5'] }), EngineErrorCode.routeTarget],
      [() => new Harness().learn(MAC1), EngineErrorCode.unknownVni],
      [() => new Harness().apply(new Harness().engine.thawMac(550, MAC1, 0)), EngineErrorCode.unknownVni],
      [
        () => {
          const h = new Harness();
          h.addVni(550);
          h.learn('02:00:00:00:00');
        },
        EngineErrorCode.mac,
      ],
      [
        () => {
          const h = new Harness();
          h.addVni(550);
          h.learn(MAC1, { ip: '198.51.100.300' });
        },
        EngineErrorCode.ip,
      ],
    ];
    for (const [fn, code] of cases) {
      expect(fn).to.throw(EngineError).with.property('code', code);
      expect(fn).to.throw(EvpnError);
      expect(fn).to.throw(BgpError);
    }
    // Aging may race a VNI removal: it is a no-op, not an error.
    expect(new Harness().age(MAC1)).to.deep.equal({ routes: [], intents: [], events: [] });
  });

  it('accepts the RD/RT text forms FRR and GoBGP print', () => {
    const h = new Harness({ asn: 4200000000 });
    h.addVni(550, { rd: '64086.59905:300', importRts: ['target:64512:550', '192.0.2.9:1'], exportRts: ['4200000000:550'] });
    const s = h.engine.vniSnapshot(550)!;
    expect(s.rd).to.equal('4200000001:300');
    expect(s.importRts).to.deep.equal(['64512:550', '192.0.2.9:1']);
    // FRR's auto RT with a 4-byte AS keeps its low 16 bits, leaving 32 bits for the VNI.
    h.addVni(70000, { rd: '192.0.2.1:7' });
    expect(h.engine.vniSnapshot(70000)!.importRts).to.deep.equal([`${4200000000 % 65536}:70000`]);
  });
});

import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { daemon, parseConfig } from '@evpn6/router';

const here = new URL('./', import.meta.url).pathname;
const seed = readFileSync(`${here}configs/seed.conf`, 'utf8');

describe('daemon: configuration to speaker and engine', () => {
  it('router id: configured wins; else the highest IPv4 address off loopback', () => {
    const withId = parseConfig(seed.replace('router bgp 64512', 'router bgp 64512\n bgp router-id 198.51.100.7'));
    expect(daemon.chooseRouterId(withId, new Map())).to.equal('198.51.100.7');
    const interfaces = new Map([
      ['lo', ['127.0.0.1', '::1']],
      ['eth0', ['192.0.2.9', '2001:db8::1']],
      ['eth1', ['192.0.2.200']],
    ]);
    expect(daemon.chooseRouterId(parseConfig(seed), interfaces)).to.equal('192.0.2.200');
  });

  it('router id on an IPv6-only site: derived from the update-source, distinct per site, stable', () => {
    const ids = [1, 2, 3].map((n) => {
      const text = seed.replaceAll('2001:db8:0:1::11', `2001:db8:0:${n}::11`).replace(/neighbor 2001:db8:0:(\d)::11 remote-as/g, 'neighbor 2001:db8:0:$1::99 remote-as');
      const cfg = parseConfig(text.replace(/neighbor 2001:db8:0:(\d)::11/g, 'neighbor 2001:db8:0:$1::99'));
      return daemon.chooseRouterId(cfg, new Map([['enp1s0', [`2001:db8:0:${n}::11`, 'fe80::1']]]));
    });
    expect(new Set(ids).size).to.equal(3);
    for (const id of ids) {
      expect(id).to.match(/^\d+\.\d+\.\d+\.\d+$/);
      const first = Number(id.split('.')[0]);
      expect(first).to.be.within(1, 223);
    }
    expect(daemon.chooseRouterId(parseConfig(seed), new Map())).to.equal(daemon.chooseRouterId(parseConfig(seed), new Map()));
  });

  it('router id: nothing to derive it from is a typed error', () => {
    const cfg = parseConfig('router bgp 64512\n');
    expect(() => daemon.chooseRouterId(cfg, new Map([['lo', ['127.0.0.1', '::1']]]))).to.throw().with.property('code', daemon.DaemonErrorCode.config);
  });

  it('neighbors: FRR timer defaults (60/180), only activated families, update-source by interface', () => {
    const cfg = parseConfig(
      [
        'router bgp 64512',
        ' neighbor 2001:db8::2 remote-as 64513',
        ' neighbor 2001:db8::2 update-source enp1s0',
        ' neighbor 2001:db8::3 remote-as internal',
        ' neighbor 2001:db8::3 timers 3 9',
        ' neighbor 2001:db8::3 shutdown message maintenance',
        ' neighbor 2001:db8::3 passive',
        ' address-family ipv6 unicast',
        '  neighbor 2001:db8::3 activate',
        ' address-family l2vpn evpn',
        '  neighbor 2001:db8::2 activate',
        '  neighbor 2001:db8::2 pmsi-ipv4-form',
        '  neighbor 2001:db8::3 activate',
        '  neighbor 2001:db8::3 route-reflector-client',
      ].join('\n'),
    );
    const interfaces = new Map([['enp1s0', ['fe80::5', '192.0.2.5', '2001:db8::1']]]);
    const [n2, n3] = cfg.bgp.neighbors.map((n) => daemon.neighborOptions(n, interfaces));
    expect(n2).to.include({ address: '2001:db8::2', remoteAs: 64513, localAddress: '2001:db8::1', keepalive: 60, holdTime: 180, routeReflectorClient: false });
    expect(n2!.families).to.deep.equal(['l2vpn-evpn']);
    expect(n2!.exportFilter).to.be.a('function');
    expect(n3).to.include({ keepalive: 3, holdTime: 9, routeReflectorClient: true, shutdown: 'maintenance', passive: true });
    expect(n2).not.to.have.property('passive');
    expect(n3!.families).to.deep.equal(['ipv6-unicast', 'l2vpn-evpn']);
    expect(n3).not.to.have.property('localAddress');
    expect(n3).not.to.have.property('exportFilter');
  });

  it('vni blocks become engine VNI settings; absent parts stay auto', () => {
    const cfg = parseConfig(
      ['router bgp 64512', ' address-family l2vpn evpn', '  advertise-all-vni', '  vni 550', '   rd 192.0.2.1:550', '   route-target import 64512:1', '  exit-vni'].join('\n'),
    );
    expect(daemon.engineVniConfig(550, cfg.bgp.evpn.vnis[0])).to.deep.equal({ vni: 550, rd: '192.0.2.1:550', importRts: ['64512:1'] });
    expect(daemon.engineVniConfig(551, undefined)).to.deep.equal({ vni: 551 });
  });

  it('diff for SIGHUP: what changed, and what needs a restart', () => {
    const a = parseConfig(seed);
    expect(daemon.diffConfig(a, a)).to.deep.include({ restartNeeded: undefined, removedNeighbors: [], evpnChanged: false });
    const b = parseConfig(seed.replace(' neighbor 2001:db8:0:3::11 update-source 2001:db8:0:1::11\n', ' neighbor 2001:db8:0:3::11 update-source 2001:db8:0:1::11\n neighbor 2001:db8:0:3::11 shutdown\n').replace('network 2001:db8:0:1::11/128', 'network 2001:db8:0:1::12/128'));
    const d = daemon.diffConfig(a, b);
    expect(d.shutdownChanged.map((n) => n.address)).to.deep.equal(['2001:db8:0:3::11']);
    expect(d.changedNeighbors).to.deep.equal([]);
    expect(d.networksAdded).to.deep.equal(['2001:db8:0:1::12/128']);
    expect(d.networksRemoved).to.deep.equal(['2001:db8:0:1::11/128']);
    const c = parseConfig(seed.replace(/^ neighbor 2001:db8:0:3::11 .*\n/gm, '').replace('  neighbor 2001:db8:0:3::11 activate\n', ''));
    expect(daemon.diffConfig(a, c).removedNeighbors).to.deep.equal(['2001:db8:0:3::11']);
    const e = parseConfig(seed.replace('router bgp 64512', 'router bgp 64512\n bgp router-id 192.0.2.1'));
    expect(daemon.diffConfig(a, e).restartNeeded).to.be.a('string');
  });
});

describe('daemon: show words', () => {
  const ctx = { routerId: '192.0.2.1', localAs: 64512, peers: [], evpnRoutes: [], vnis: [], dataplane: [{ name: 'vnis', value: 1 }] };

  it('routes vtysh words to formatters, text or JSON (flag or trailing "json")', () => {
    expect(daemon.runShowCommand(ctx, ['bgp', 'summary'])).to.have.property('kind', 'text');
    expect(daemon.runShowCommand(ctx, ['bgp', 'summary'], true)).to.have.property('kind', 'json');
    expect(daemon.runShowCommand(ctx, ['dataplane', 'stats', 'json'])).to.deep.equal({ kind: 'json', value: { counters: { vnis: 1 } } });
    expect(daemon.runShowCommand(ctx, ['evpn', 'mac', 'vni', '550'])).to.deep.equal({ kind: 'text', text: '% VNI 550 does not exist\n' });
    for (const words of [['bgp', 'l2vpn', 'evpn'], ['bgp', 'l2vpn', 'evpn', 'route', 'type', '3'], ['BGP', 'L2VPN', 'EVPN', 'route', 'type', 'multicast'], ['bgp', 'neighbors'], ['bgp', 'neighbors', '2001:DB8::1'], ['evpn', 'vni'], ['evpn', 'vni', 'detail'], ['evpn', 'vni', '550'], ['evpn', 'mac', 'vni', 'all']]) {
      expect(() => daemon.runShowCommand(ctx, words), words.join(' ')).not.to.throw();
    }
  });

  it('refuses anything else with ERR_DAEMON_BAD_REQUEST', () => {
    for (const words of [[], ['bgp'], ['bgp', 'summary', 'extra'], ['bgp', 'l2vpn', 'evpn', 'route', 'type', '9'], ['bgp', 'l2vpn', 'vpls'], ['evpn', 'mac', 'vni'], ['evpn', 'mac', 'vni', 'x'], ['evpn', 'vni', '0'], ['bgp', 'neighbors', 'not-an-ip'], ['ip', 'route']]) {
      expect(() => daemon.runShowCommand(ctx, words), words.join(' ')).to.throw().with.property('code', daemon.DaemonErrorCode.badRequest);
    }
  });
});

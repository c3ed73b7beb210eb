import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import fc from 'fast-check';
import { ConfigError, ConfigErrorCode, ConfigWarningCode, checkConfig, loadConfigFile, neighborIsInternal, parseConfig, summarizeConfig } from '@evpn6/router';
import type { ConfigProblem } from '@evpn6/router';

const here = new URL('.', import.meta.url).pathname;
const seedPath = `${here}configs/seed.conf`;
const fullPath = `${here}configs/full.conf`;

/** A router bgp block around `body`, so one bad line can be tested on its own. */
function inBgp(body: string): string {
  return `router bgp 64512\n neighbor 2001:db8::2 remote-as internal\n${body}\n`;
}

function errorsOf(text: string): ConfigProblem[] {
  const r = checkConfig(text, 'test.conf');
  expect(r.config, 'expected the configuration to be refused').to.equal(undefined);
  return [...r.errors];
}

function onlyError(text: string): ConfigProblem {
  const errors = errorsOf(text);
  expect(errors, JSON.stringify(errors)).to.have.length(1);
  return errors[0]!;
}

describe('config: the seed', () => {
  it('parses the seed write-up configuration verbatim', () => {
    const c = loadConfigFile(seedPath);
    expect(c.bgp.asn).to.equal(64512);
    expect(c.bgp.routerId).to.equal(undefined);
    expect(c.bgp.neighbors.map((n) => n.address)).to.deep.equal(['2001:db8:0:2::11', '2001:db8:0:3::11']);
    for (const n of c.bgp.neighbors) {
      expect(n.remoteAs).to.equal('internal');
      expect(n.updateSource).to.deep.equal({ kind: 'address', address: '2001:db8:0:1::11' });
      expect(n.port).to.equal(179);
      expect(n.evpn).to.deep.equal({ activate: true, routeReflectorClient: false, pmsiIpv4Form: false });
      expect(n.ipv6Unicast.activate).to.equal(false);
      expect(neighborIsInternal(c.bgp, n)).to.equal(true);
    }
    expect(c.bgp.ipv6Unicast.networks).to.deep.equal(['2001:db8:0:1::11/128']);
    expect(c.bgp.evpn).to.deep.equal({ advertiseAllVni: true, vnis: [] });
    expect(c.ipv6NhtResolveViaDefault).to.equal(false);
  });

  it('accepts the seed\'s extra "ipv6 nht resolve-via-default" line after the block', () => {
    const c = parseConfig(`${readFileSync(seedPath, 'utf8')}ipv6 nht resolve-via-default\n`);
    expect(c.ipv6NhtResolveViaDefault).to.equal(true);
  });

  it('gives a plain object that survives JSON unchanged', () => {
    const c = loadConfigFile(seedPath);
    expect(JSON.parse(JSON.stringify(c))).to.deep.equal(c);
  });
});

describe('config: the whole subset', () => {
  const c = loadConfigFile(fullPath);
  const byAddress = new Map(c.bgp.neighbors.map((n) => [n.address, n]));

  it('reads global settings and records the accepted-and-ignored lines', () => {
    expect(c.hostname).to.equal('site1');
    expect(c.bgp.routerId).to.equal('192.0.2.11');
    expect(c.ignored.map((l) => l.text)).to.deep.equal([
      'frr version 8.4.4',
      'frr defaults traditional',
      'log syslog informational',
      'service integrated-vtysh-config',
      'bgp log-neighbor-changes',
      'no bgp default ipv4-unicast',
      'line vty',
    ]);
  });

  it('canonicalises neighbor addresses, so two spellings are one neighbor', () => {
    expect([...byAddress.keys()]).to.deep.equal(['2001:db8:0:2::11', '2001:db8:0:3::11', '192.0.2.44']);
  });

  it('reads every neighbor setting', () => {
    const a = byAddress.get('2001:db8:0:2::11')!;
    expect(a.description).to.equal('site 2  (Osaka)');
    expect(a.timers).to.deep.equal({ keepalive: 10, hold: 30 });
    expect(a.ipv6Unicast).to.deep.equal({ activate: true, routeReflectorClient: false });
    expect(a.evpn).to.deep.equal({ activate: true, routeReflectorClient: true, pmsiIpv4Form: false });
    const b = byAddress.get('2001:db8:0:3::11')!;
    expect(b.remoteAs).to.equal(64513);
    expect(neighborIsInternal(c.bgp, b)).to.equal(false);
    expect(b.updateSource).to.deep.equal({ kind: 'interface', name: 'tnp3s0' });
    expect(b.port).to.equal(1179);
    expect(b.shutdown).to.deep.equal({ message: 'maintenance until 18:00' });
    expect(b.evpn.pmsiIpv4Form).to.equal(true);
    const v4 = byAddress.get('192.0.2.44')!;
    expect(v4.remoteAs).to.equal('external');
    expect(v4.shutdown).to.deep.equal({});
    expect(v4.evpn.activate).to.equal(false);
  });

  it('reads networks and vni blocks with typed RDs and route targets', () => {
    expect(c.bgp.ipv6Unicast.networks).to.deep.equal(['2001:db8:0:1::11/128', '2001:db8:100::/48']);
    const [v550, v10550] = c.bgp.evpn.vnis;
    expect(v550).to.deep.equal({
      vni: 550,
      rd: { type: 1, admin: 0xc000020b, assigned: 550 },
      importRouteTargets: [{ kind: 'route-target', format: 'as2', admin: 64512, assigned: 550 }],
      exportRouteTargets: [{ kind: 'route-target', format: 'as2', admin: 64512, assigned: 1550 }],
    });
    const rt4 = { kind: 'route-target', format: 'as4', admin: 4200000001, assigned: 100 };
    expect(v10550).to.deep.equal({ vni: 10550, rd: { type: 0, admin: 64512, assigned: 10550 }, importRouteTargets: [rt4], exportRouteTargets: [rt4] });
  });

  it('summarises what it read', () => {
    const text = summarizeConfig(c).join('\n');
    expect(text).to.contain('router bgp 64512, router-id 192.0.2.11, hostname site1');
    expect(text).to.contain('2001:db8:0:3::11: eBGP, remote-as 64513, update-source tnp3s0, port 1179');
    expect(text).to.contain('vni 10550: rd 64512:10550, import 64086.59905:100');
  });
});

describe('config: structure', () => {
  it('ignores indentation: a flat file means the same as an indented one', () => {
    const flat = readFileSync(fullPath, 'utf8').replace(/^[ \t]+/gm, '');
    expect(parseConfig(flat)).to.deep.equal(loadConfigFile(fullPath));
  });

  it('closes blocks implicitly when a line belongs to an enclosing one (as FRR does)', () => {
    const c = parseConfig(
      'router bgp 1\nneighbor 2001:db8::2 remote-as internal\naddress-family l2vpn evpn\nvni 5\nrd 1:5\n' +
        'neighbor 2001:db8::2 activate\nadvertise-all-vni\nneighbor 2001:db8::3 remote-as internal\nhostname h\n',
    );
    expect(c.hostname).to.equal('h');
    expect(c.bgp.neighbors).to.have.length(2);
    expect(c.bgp.neighbors[0]!.evpn.activate).to.equal(true);
    expect(c.bgp.evpn.advertiseAllVni).to.equal(true);
    expect(c.bgp.evpn.vnis[0]!.rd).to.deep.equal({ type: 0, admin: 1, assigned: 5 });
  });

  it('skips comments starting with ! or #, and blank lines', () => {
    const c = parseConfig('# a comment\n\n   ! another\nrouter bgp 7\n\t# inside\n');
    expect(c.bgp.asn).to.equal(7);
  });

  it('accepts asdot AS numbers', () => {
    expect(parseConfig('router bgp 1.10\n').bgp.asn).to.equal(65546);
  });

  it('collects every error of a file, with line, column and text', () => {
    const text = 'router bgp 64512\n neighbor 2001:db8::2 remote-as internal\n neighbor 2001:db8::2 port 0\n bogus line\n neighbor 2001:db8::2 timers 30 10\n';
    const errors = errorsOf(text);
    expect(errors.map((e) => [e.line, e.code])).to.deep.equal([
      [3, ConfigErrorCode.range],
      [4, ConfigErrorCode.unknownCommand],
      [5, ConfigErrorCode.timers],
    ]);
    expect(errors[0]).to.include({ file: 'test.conf', column: 28, text: ' neighbor 2001:db8::2 port 0' });
  });

  it('throws a ConfigError carrying all problems from parseConfig', () => {
    try {
      parseConfig('router bgp 0\nfoo\n', 'x.conf');
      expect.fail('no error');
    } catch (e) {
      expect(e).to.be.instanceOf(ConfigError);
      const ce = e as ConfigError;
      expect(ce.code).to.equal('ERR_CONFIG');
      expect(ce.errors.map((p) => p.code)).to.deep.equal([ConfigErrorCode.asn, ConfigErrorCode.unknownCommand]);
    }
  });
});

describe('config: one test per error code', () => {
  it('ERR_CONFIG_FILE: an unreadable file', () => {
    try {
      loadConfigFile(`${here}configs/does-not-exist.conf`);
      expect.fail('no error');
    } catch (e) {
      expect(e).to.be.instanceOf(ConfigError);
      expect((e as ConfigError).code).to.equal(ConfigErrorCode.file);
      expect((e as ConfigError).errors[0]!.code).to.equal(ConfigErrorCode.file);
    }
  });

  it('ERR_CONFIG_UNKNOWN_COMMAND: a line no command starts like', () => {
    const e = onlyError(inBgp(' frobnicate 3'));
    expect(e).to.include({ code: ConfigErrorCode.unknownCommand, line: 3, column: 2 });
  });

  it('ERR_CONFIG_UNSUPPORTED: an FRR command evpn6 does not implement', () => {
    expect(onlyError(inBgp(' neighbor 2001:db8::2 ebgp-multihop 2')).code).to.equal(ConfigErrorCode.unsupported);
    expect(onlyError('router bgp 1 vrf red\n').code).to.equal(ConfigErrorCode.unsupported);
    // The body of an unsupported family is not checked line by line: one error for the block.
    const e = onlyError(inBgp(' address-family ipv4 unicast\n  neighbor 2001:db8::2 activate\n exit-address-family'));
    expect(e).to.include({ code: ConfigErrorCode.unsupported, line: 3 });
    // ... up to the next address-family line, even without exit-address-family.
    const next = errorsOf(inBgp(' address-family ipv4 unicast\n  neighbor 2001:db8::2 activate\n address-family l2vpn evpn\n  neighbor 2001:db8::9 activate'));
    expect(next.map((x) => [x.line, x.code])).to.deep.equal([
      [3, ConfigErrorCode.unsupported],
      [6, ConfigErrorCode.unknownNeighbor],
    ]);
  });

  it('ERR_CONFIG_WRONG_CONTEXT: a known command in the wrong block', () => {
    const e = onlyError(inBgp(' network 2001:db8::/32'));
    expect(e.code).to.equal(ConfigErrorCode.wrongContext);
    expect(e.message).to.contain('address-family ipv6 unicast');
    expect(onlyError(inBgp(' neighbor 2001:db8::2 activate')).code).to.equal(ConfigErrorCode.wrongContext);
    expect(onlyError('router bgp 1\nexit\nvni 10\n').code).to.equal(ConfigErrorCode.wrongContext);
    expect(onlyError(inBgp(' address-family ipv6 unicast\n  neighbor 2001:db8::2 pmsi-ipv4-form')).code).to.equal(ConfigErrorCode.wrongContext);
  });

  it('ERR_CONFIG_SYNTAX: missing or extra words', () => {
    expect(onlyError(inBgp(' neighbor 2001:db8::2 remote-as')).code).to.equal(ConfigErrorCode.syntax);
    expect(onlyError(inBgp(' bgp router-id 192.0.2.1 extra')).code).to.equal(ConfigErrorCode.syntax);
    expect(onlyError(inBgp(' neighbor 2001:db8::2')).code).to.equal(ConfigErrorCode.syntax);
    expect(onlyError(inBgp(' address-family l2vpn evpn\n  vni 5\n   route-target sideways 1:1')).code).to.equal(ConfigErrorCode.syntax);
  });

  it('ERR_CONFIG_ADDRESS: bad neighbor, router-id and update-source addresses', () => {
    expect(onlyError(inBgp(' neighbor 2001:db8::zz remote-as internal'))).to.include({ code: ConfigErrorCode.address, column: 11 });
    expect(onlyError(inBgp(' neighbor PEERS remote-as internal')).code).to.equal(ConfigErrorCode.address);
    expect(onlyError(inBgp(' bgp router-id 300.1.1.1')).code).to.equal(ConfigErrorCode.address);
    expect(onlyError(inBgp(' bgp router-id 0.0.0.0')).code).to.equal(ConfigErrorCode.address);
    expect(onlyError(inBgp(' neighbor 2001:db8::2 update-source 192.0.2.1')).message).to.contain('family');
    expect(onlyError(inBgp(' neighbor 2001:db8::2 update-source 2001:db8::1::2')).code).to.equal(ConfigErrorCode.address);
    expect(onlyError(inBgp(' neighbor 2001:db8::2 update-source this/is/no/interface')).code).to.equal(ConfigErrorCode.address);
  });

  it('ERR_CONFIG_PREFIX: a network that is no IPv6 prefix or has host bits', () => {
    const af = (line: string) => inBgp(` address-family ipv6 unicast\n  ${line}`);
    expect(onlyError(af('network 2001:db8::1/64')).code).to.equal(ConfigErrorCode.prefix);
    expect(onlyError(af('network 192.0.2.0/24')).code).to.equal(ConfigErrorCode.prefix);
    expect(onlyError(af('network 2001:db8::/129')).code).to.equal(ConfigErrorCode.prefix);
    expect(onlyError(af('network 2001:db8::1')).code).to.equal(ConfigErrorCode.prefix);
  });

  it('ERR_CONFIG_ASN: AS numbers outside 1..4294967295', () => {
    expect(onlyError('router bgp 0\n').code).to.equal(ConfigErrorCode.asn);
    expect(onlyError('router bgp 4294967296\n').code).to.equal(ConfigErrorCode.asn);
    expect(onlyError('router bgp 65536.1\n').code).to.equal(ConfigErrorCode.asn);
    expect(onlyError(inBgp(' neighbor 2001:db8::3 remote-as -1')).code).to.equal(ConfigErrorCode.asn);
  });

  it('ERR_CONFIG_RANGE: port and VNI out of range', () => {
    expect(onlyError(inBgp(' neighbor 2001:db8::2 port 65536')).code).to.equal(ConfigErrorCode.range);
    expect(onlyError(inBgp(' address-family l2vpn evpn\n  vni 16777216')).code).to.equal(ConfigErrorCode.range);
    expect(onlyError(inBgp(' address-family l2vpn evpn\n  vni 0')).code).to.equal(ConfigErrorCode.range);
  });

  it('ERR_CONFIG_TIMERS: hold 1 or 2, keepalive not below hold, non-numbers', () => {
    const t = (ka: string, hold: string) => inBgp(` neighbor 2001:db8::2 timers ${ka} ${hold}`);
    expect(onlyError(t('0', '2'))).to.include({ code: ConfigErrorCode.timers, column: 32 });
    expect(onlyError(t('30', '30')).code).to.equal(ConfigErrorCode.timers);
    expect(onlyError(t('x', '30')).code).to.equal(ConfigErrorCode.timers);
    expect(checkConfig(t('0', '0')).errors).to.deep.equal([]);
    expect(checkConfig(t('1', '3')).errors).to.deep.equal([]);
  });

  it('ERR_CONFIG_NO_REMOTE_AS: a neighbor used before its remote-as', () => {
    const e = onlyError('router bgp 1\n neighbor 2001:db8::9 update-source lo\n neighbor 2001:db8::9 remote-as 1\n');
    expect(e).to.include({ code: ConfigErrorCode.noRemoteAs, line: 2 });
  });

  it('ERR_CONFIG_UNKNOWN_NEIGHBOR: activate of a neighbor never defined', () => {
    const e = onlyError(inBgp(' address-family l2vpn evpn\n  neighbor 2001:db8::99 activate'));
    expect(e).to.include({ code: ConfigErrorCode.unknownNeighbor, line: 4 });
  });

  it('ERR_CONFIG_DUPLICATE_VNI: two blocks for one VNI', () => {
    const e = onlyError(inBgp(' address-family l2vpn evpn\n  vni 5\n  exit-vni\n  vni 5\n   rd 1:5\n  exit-vni'));
    expect(e).to.include({ code: ConfigErrorCode.duplicateVni, line: 6 });
  });

  it('ERR_CONFIG_RD: a route distinguisher that does not parse', () => {
    expect(onlyError(inBgp(' address-family l2vpn evpn\n  vni 5\n   rd 5')).code).to.equal(ConfigErrorCode.rd);
    expect(onlyError(inBgp(' address-family l2vpn evpn\n  vni 5\n   rd 192.0.2.1:70000')).code).to.equal(ConfigErrorCode.rd);
  });

  it('ERR_CONFIG_ROUTE_TARGET: a route target that does not parse', () => {
    expect(onlyError(inBgp(' address-family l2vpn evpn\n  vni 5\n   route-target import x:1')).code).to.equal(ConfigErrorCode.routeTarget);
  });

  it('ERR_CONFIG_CONFLICT: a second BGP instance, an eBGP route reflector client', () => {
    const e = onlyError('router bgp 1\nexit\nrouter bgp 2\n');
    expect(e).to.include({ code: ConfigErrorCode.conflict, line: 3 });
    expect(checkConfig('router bgp 1\nexit\nrouter bgp 1\n').errors).to.deep.equal([]);
    const rr = onlyError('router bgp 1\n neighbor 192.0.2.9 remote-as 2\n address-family l2vpn evpn\n  neighbor 192.0.2.9 route-reflector-client\n');
    expect(rr).to.include({ code: ConfigErrorCode.conflict, line: 4 });
  });

  it('ERR_CONFIG_MISSING: no router bgp at all', () => {
    const e = onlyError('hostname x\n');
    expect(e).to.include({ code: ConfigErrorCode.missing, line: 0 });
  });

  it('has a test above for every code', () => {
    // Keeps this suite honest when a code is added.
    expect(Object.keys(ConfigErrorCode)).to.have.length(17);
  });
});

describe('config: warnings', () => {
  it('warns that the seed\'s network is advertised to no one (no neighbor in ipv6 unicast, as in FRR)', () => {
    const { config, warnings } = checkConfig(readFileSync(seedPath, 'utf8'), 'seed.conf');
    expect(config).not.to.equal(undefined);
    expect(warnings.map((w) => [w.line, w.code])).to.deep.equal([[8, ConfigWarningCode.networksNotAdvertised]]);
  });

  it('warns about a neighbor in no family and vni blocks without advertise-all-vni', () => {
    const { warnings } = checkConfig(inBgp(' address-family l2vpn evpn\n  vni 5\n  exit-vni'), 'w.conf');
    expect(warnings.map((w) => [w.line, w.code])).to.deep.equal([
      [2, ConfigWarningCode.neighborNotActivated],
      [4, ConfigWarningCode.vniWithoutAdvertise],
    ]);
  });

  it('names only the shut-down, never-activated neighbor of the full example', () => {
    expect(checkConfig(readFileSync(fullPath, 'utf8')).warnings.map((w) => w.message)).to.deep.equal([
      'neighbor 192.0.2.44 is activated in no address family: it exchanges no routes',
    ]);
  });
});

describe('config: robustness', () => {
  const vocabulary = [
    'router', 'bgp', '64512', '0', '4294967296', 'neighbor', '2001:db8::2', '192.0.2.1', 'remote-as', 'internal', 'external',
    'update-source', 'port', 'timers', '3', '1', 'description', 'shutdown', 'message', 'address-family', 'ipv6', 'unicast',
    'l2vpn', 'evpn', 'activate', 'network', '2001:db8::/32', 'advertise-all-vni', 'vni', '550', 'rd', '1:1', 'route-target',
    'import', 'export', 'both', 'exit-vni', 'exit-address-family', 'exit', 'end', 'hostname', 'log', '!', '#', 'no', 'x',
  ];
  it('never throws on any mix of its own words, and reports problems with a line in the file', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.constantFrom(...vocabulary), { minLength: 1, maxLength: 6 }), { maxLength: 25 }), (lines) => {
        const text = lines.map((l) => l.join(' ')).join('\n');
        const r = checkConfig(text, 'fuzz.conf');
        expect(r.config === undefined).to.equal(r.errors.length > 0);
        for (const e of r.errors) expect(e.line).to.be.within(0, lines.length);
        if (r.config) expect(JSON.parse(JSON.stringify(r.config))).to.deep.equal(r.config);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        checkConfig(text);
      }),
      { numRuns: 1000 },
    );
  });
});

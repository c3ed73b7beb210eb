/**
 * `evpn6 fuzz` against real speakers in network namespaces (issue 9), each run bounded:
 * (a) our own Speaker (EVPN registered), and our router (evpn6 run) on top of it, must show zero crashes, zero hangs and every reaction
 * in the RFC 4271/7606 table; (b) GoBGP 3.10 and (c) stock FRR 8.4.4 must let the run
 * complete, and their reactions are reported — the RFC 7606 violations among them are what the
 * README's Fuzzing section lists. The fuzzer runs in its own namespace with two addresses: the
 * fuzzed session from one, the observer (which tells kept routes from withdrawn ones) from the other.
 */
import { expect } from 'chai';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetnsLab, requirePrerequisites } from './support/netns.js';
import { RemoteSpeaker } from './support/speaker-remote.js';
import { GoBgp } from './support/gobgp.js';
import { Frr } from './support/frr.js';
import { findingLines, runFuzzCli } from './support/fuzz-cli.js';
import { waitFor } from './support/processes.js';
import { demo } from '@evpn6/router';

const TARGET = '2001:db8:f::1';
const FUZZER = '2001:db8:f::2';
const OBSERVER = '2001:db8:f::3';
const TARGET_AS = 65001;
const FUZZER_AS = 65002;
const OBSERVER_AS = 65003;
const SECONDS = Number(process.env['EVPN6_PEER_FUZZ_SECONDS'] ?? 75);

function fuzzArgs(seed: number): string[] {
  return [
    '--peer', TARGET, '--asn', String(FUZZER_AS), '--peer-asn', String(TARGET_AS),
    '--families', 'ipv6-unicast,l2vpn-evpn', '--duration', String(SECONDS), '--seed', String(seed),
    '--local-address', FUZZER, '--observer', OBSERVER, '--observer-asn', String(OBSERVER_AS), '--liveness', '40',
  ];
}

describe('evpn6 fuzz against BGP speakers (namespaces)', function () {
  this.timeout((SECONDS + 120) * 1000);
  let lab: NetnsLab;
  let dir: string;
  let nsFuzz: string;
  let nsTarget: string;

  before(async function () {
    requirePrerequisites(this);
    lab = new NetnsLab();
    dir = mkdtempSync(join(tmpdir(), 'e6-fuzz-peers-'));
    chmodSync(dir, 0o755); // FRR runs as user frr below it
  });

  let labs = 0;
  beforeEach(async () => {
    // A pair of namespaces per target, so that nothing one target left behind meets the next.
    labs++;
    nsFuzz = lab.add(`fz${labs}`);
    nsTarget = lab.add(`tg${labs}`);
    lab.veth(nsFuzz, 'f0', nsTarget, 't0');
    lab.ip(nsFuzz, 'addr', 'add', `${FUZZER}/64`, 'dev', 'f0', 'nodad');
    lab.ip(nsFuzz, 'addr', 'add', `${OBSERVER}/64`, 'dev', 'f0', 'nodad');
    lab.ip(nsTarget, 'addr', 'add', `${TARGET}/64`, 'dev', 't0', 'nodad');
    await lab.waitLinkReady(nsFuzz, 'f0');
    await lab.waitLinkReady(nsTarget, 't0');
  });

  after(() => {
    lab?.teardown();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function report(name: string, r: Awaited<ReturnType<typeof runFuzzCli>>): void {
    console.log(`      ${name}: ${r.cases} cases; ${JSON.stringify(r.counts)}`);
    if (process.env['EVPN6_FUZZ_VERBOSE']) console.log(r.stdout, r.stderr, JSON.stringify(r.findings, null, 1));
    for (const j of ['crash', 'hang', 'unexpected', 'rfc7606']) for (const l of findingLines(r.findings, j)) console.log(`        ${j}: ${l}`);
  }

  /** A run against another implementation: it must complete, with no crash or hang; what it did is reported. */
  async function fuzzThirdParty(name: string, seed: number, stop: () => Promise<void>): Promise<void> {
    try {
      const r = await runFuzzCli(nsFuzz, fuzzArgs(seed), join(dir, `out-${seed}`), (SECONDS + 90) * 1000);
      report(name, r);
      expect(r.stderr).to.equal('');
      expect([0, 1]).to.include(r.status);
      expect(r.cases).to.be.greaterThan(5);
      expect(r.counts.crash + r.counts.hang).to.equal(0);
      expect(r.findings.every((f) => f.peer.peer === TARGET && f.hex.length > 0)).to.equal(true);
    } finally {
      await stop();
    }
  }

  /** A run against our own code: no crash, no hang, and every reaction one the RFC 4271/7606 table allows. */
  async function fuzzOurs(name: string, seed: number, minCases: number): Promise<void> {
    const r = await runFuzzCli(nsFuzz, fuzzArgs(seed), join(dir, `ours-${seed}`), (SECONDS + 90) * 1000);
    report(name, r);
    expect(r.stderr).to.equal('');
    expect(r.cases).to.be.greaterThan(minCases);
    expect(r.counts).to.deep.equal({ ...r.counts, crash: 0, hang: 0, unexpected: 0, rfc7606: 0 });
    expect(r.findings).to.deep.equal([]);
    expect(r.status).to.equal(0);
  }

  it('our Speaker: no crash, no hang, every reaction as RFC 7606 says', async () => {
    const s = RemoteSpeaker.start(nsTarget);
    try {
      await s.call('create', { asn: TARGET_AS, routerId: '192.0.2.1', listen: { addresses: [TARGET], port: 179 }, families: ['ipv6-unicast', 'l2vpn-evpn'], holdTime: 9, idleHold: 1, idleHoldMax: 1 });
      await s.call('addNeighbor', { address: FUZZER, remoteAs: FUZZER_AS, passive: true });
      await s.call('addNeighbor', { address: OBSERVER, remoteAs: OBSERVER_AS, passive: true });
      await fuzzOurs('our Speaker', 9001, 20);
    } finally {
      await s.stop();
    }
  });

  it('our router (evpn6 run, FRR-syntax config): no crash, no hang, every reaction as RFC 7606 says', async () => {
    const config = join(dir, 'router.conf');
    const lines = ['router bgp 65001', ' bgp router-id 192.0.2.1'];
    for (const [address, as] of [[FUZZER, FUZZER_AS], [OBSERVER, OBSERVER_AS]] as const) {
      lines.push(` neighbor ${address} remote-as ${as}`, ` neighbor ${address} timers 3 9`, ` neighbor ${address} passive`);
    }
    for (const family of ['ipv6 unicast', 'l2vpn evpn']) {
      lines.push(` address-family ${family}`, `  neighbor ${FUZZER} activate`, `  neighbor ${OBSERVER} activate`, ' exit-address-family');
    }
    writeFileSync(config, `${lines.join('\n')}\n`);
    const cli = demo.evpn6Command();
    const router = await lab.start(
      nsTarget,
      [cli.file, ...cli.args, 'run', '-f', config, '--dataplane', 'none', '--socket', join(dir, 'router.sock'), '--log-level', 'warn'],
      undefined,
    );
    try {
      await waitFor('the router listening', () => (lab.tryExec(nsTarget, 'ss', '-Htln', 'sport = :179').stdout.includes('179') ? true : undefined), 30000, 200);
      // Fewer cases than against the bare Speaker: the router keeps its IdleHold backoff (1 s
      // doubling to 30 s, below the fuzzer's 40 s liveness window), so after each NOTIFICATION it
      // takes longer to accept the next session.
      await fuzzOurs('evpn6 run', 9004, 5);
      expect(router.exitCode, 'the router is still running').to.equal(null);
    } finally {
      router.kill('SIGTERM');
      await new Promise((resolve) => (router.exitCode !== null ? resolve(null) : router.once('exit', resolve)));
    }
  });

  it('GoBGP 3.10: the run completes and its reactions are reported', async function () {
    requirePrerequisites(this, ['gobgpd', 'gobgp']);
    const families = ['ipv6-unicast', 'l2vpn-evpn'];
    const g = await GoBgp.start({
      ns: nsTarget,
      dir: join(dir, 'gobgp'),
      asn: TARGET_AS,
      routerId: '192.0.2.1',
      listenAddresses: [TARGET],
      neighbors: [
        { address: FUZZER, peerAs: FUZZER_AS, families, passive: true, holdTime: 9, keepalive: 3 },
        { address: OBSERVER, peerAs: OBSERVER_AS, families, passive: true, holdTime: 9, keepalive: 3 },
      ],
    });
    await fuzzThirdParty('GoBGP 3.10', 9002, () => g.stop());
  });

  it('FRR 8.4.4: the run completes and its reactions are reported', async function () {
    requirePrerequisites(this, ['vtysh', '/usr/lib/frr/bgpd', '/usr/lib/frr/zebra']);
    const neighbor = (a: string, as: number) => [` neighbor ${a} remote-as ${as}`, ` neighbor ${a} timers 1 3`, ` neighbor ${a} timers connect 1`, ` neighbor ${a} passive`, ` neighbor ${a} advertisement-interval 0`];
    const activate = (a: string) => [`  neighbor ${a} activate`];
    const config = [
      'frr defaults traditional',
      'hostname e6frr-fuzz',
      `router bgp ${TARGET_AS}`,
      ' bgp router-id 192.0.2.1',
      ' no bgp default ipv4-unicast',
      ' no bgp ebgp-requires-policy',
      ...neighbor(FUZZER, FUZZER_AS),
      ...neighbor(OBSERVER, OBSERVER_AS),
      ' address-family ipv6 unicast',
      ...activate(FUZZER),
      ...activate(OBSERVER),
      ' exit-address-family',
      ' address-family l2vpn evpn',
      ...activate(FUZZER),
      ...activate(OBSERVER),
      ' exit-address-family',
      'exit',
      '',
    ].join('\n');
    const f = await Frr.start({ ns: nsTarget, dir: join(dir, 'frr'), config });
    await fuzzThirdParty('FRR 8.4.4', 9003, () => f.stop());
  });
});

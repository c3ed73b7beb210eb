import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';

const root = new URL('../../../', import.meta.url).pathname;
const here = new URL('./', import.meta.url).pathname;
const cli = `${root}packages/router/src/cli.ts`;

function evpn6(args: readonly string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--conditions=@evpn6/source', '--import', 'tsx', cli, ...args], {
    cwd: root,
    encoding: 'utf8',
    ...(input !== undefined ? { input } : {}),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cli: evpn6 (subprocess)', function () {
  this.timeout(60000);

  it('--help lists the commands that exist, and only those', () => {
    const r = evpn6(['--help']);
    expect(r.status).to.equal(0);
    expect(r.stdout).to.match(/^\s+check -f FILE/m);
    expect(r.stdout).to.match(/^\s+decode --pcap FILE \| --hex HEX/m);
    expect(r.stdout).to.match(/^\s+run -f FILE/m);
    expect(r.stdout).to.match(/^\s+show WORDS/m);
    const listed = [...r.stdout.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]!);
    for (const command of listed) expect(evpn6([command, '--help']).status, `evpn6 ${command} --help`).to.equal(0);
  });

  it('refuses an unknown command or option with usage and status 2', () => {
    expect(evpn6(['frobnicate']).status).to.equal(2);
    const r = evpn6(['check', '--bogus']);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain('usage: evpn6 check');
    expect(evpn6(['decode']).status).to.equal(2);
    expect(evpn6(['decode', '--hex', '00', '--pcap', 'x']).status).to.equal(2);
  });

  it('check: prints ok and a summary for the seed configuration', () => {
    const file = `${here}configs/seed.conf`;
    const r = evpn6(['check', '-f', file]);
    expect(r.status).to.equal(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).to.equal('ok');
    expect(lines).to.include('  2001:db8:0:2::11: iBGP, remote-as internal, update-source 2001:db8:0:1::11, families l2vpn-evpn');
    expect(lines).to.include('ipv6 unicast networks: 2001:db8:0:1::11/128');
    expect(lines).to.include(`${file}:8: warning: no neighbor is activated in ipv6 unicast: these networks are advertised to no one [WARN_CONFIG_NETWORKS_NOT_ADVERTISED]`);
  });

  it('check: prints every error as FILE:LINE: message and exits 1', () => {
    const file = `${here}configs/broken.conf`;
    const r = evpn6(['check', '-f', file]);
    expect(r.status).to.equal(1);
    const errors = r.stdout.split('\n').filter((l) => l.startsWith(`${file}:`));
    expect(errors.map((l) => l.slice(file.length + 1).split(':')[0])).to.deep.equal(['3', '4', '8']);
    expect(errors[0]).to.match(/keepalive 3 must be less than the hold time 3 \[ERR_CONFIG_TIMERS\]$/);
    expect(errors[1]).to.contain('[ERR_CONFIG_NO_REMOTE_AS]');
    expect(errors[2]).to.contain('[ERR_CONFIG_RD]');
    // The line itself follows, with a caret under the offending word.
    expect(r.stdout).to.contain('\n       rd 64512\n          ^\n');
    expect(r.stdout.trimEnd().split('\n').at(-1)).to.equal(`3 errors in ${file}`);
  });

  it('check --json: the parsed configuration', () => {
    const r = evpn6(['check', '--json', `${here}configs/full.conf`]);
    expect(r.status).to.equal(0);
    const j = JSON.parse(r.stdout) as { ok: boolean; config: { bgp: { asn: number; evpn: { vnis: unknown[] } } } };
    expect(j.ok).to.equal(true);
    expect(j.config.bgp.asn).to.equal(64512);
    expect(j.config.bgp.evpn.vnis).to.have.length(2);
  });

  it('check: an unreadable file is an error, not a crash', () => {
    const r = evpn6(['check', '-f', `${here}configs/nope.conf`]);
    expect(r.status).to.equal(1);
    expect(r.stdout).to.contain('[ERR_CONFIG_FILE]');
  });

  it('decode --pcap --json: one JSON object per message, byte-identical to what GoBGP sent', () => {
    const r = evpn6(['decode', '--pcap', `${here}vectors/gobgp-evpn.pcapng`, '--json']);
    expect(r.status).to.equal(0);
    const records = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const sent = records.filter((x) => x['src'] === '2001:db8:0:1::11').map((x) => x['hex']);
    expect(sent).to.deep.equal(readFileSync(`${here}vectors/gobgp-evpn-messages.hex.txt`, 'utf8').split('\n').filter(Boolean));
    expect(records.every((x) => typeof x['time'] === 'string' && typeof x['packet'] === 'number' && x['message'] !== undefined)).to.equal(true);
  });

  it('decode --pcap: summaries, with the NOTIFICATION 3/5 of stock FRR', () => {
    const r = evpn6(['decode', '--pcap', `${here}vectors/frr-8.4-ipv6-evpn.pcap`]);
    expect(r.status).to.equal(0);
    const line = r.stdout.split('\n').find((l) => l.includes('NOTIFICATION'));
    expect(line).to.match(/^#21 \S+ \[2001:db8:100::2\]:58508 > \[2001:db8:100::1\]:179 NOTIFICATION 3\/5 UPDATE Message Error \/ Attribute Length Error/);
  });

  it('decode --hex: one message, several, or from stdin', () => {
    const hex = readFileSync(`${here}vectors/gobgp-evpn-messages.hex.txt`, 'utf8').split('\n').filter(Boolean);
    const one = evpn6(['decode', '--hex', hex[0]!]);
    expect(one.stdout).to.match(/^OPEN as 64512 hold 90 id 192\.0\.2\.1 /);
    const many = evpn6(['decode', '--json', '--hex', '-'], hex.slice(0, 3).join('\n'));
    expect(many.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { type: string }).type)).to.deep.equal(['OPEN', 'KEEPALIVE', 'KEEPALIVE']);
    const bad = evpn6(['decode', '--hex', 'xyz']);
    expect(bad.status).to.equal(1);
    expect(bad.stderr).to.contain('ERR_BGP_HEX');
  });

  it('decode: a file that is not a capture exits 1 with the error code', () => {
    const r = evpn6(['decode', '--pcap', `${here}configs/seed.conf`]);
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain('ERR_PCAP_FORMAT');
  });
  it('run: a bad configuration names file and line, and nothing starts', () => {
    const file = `${here}configs/broken.conf`;
    const r = evpn6(['run', '-f', file, '--dataplane', 'none', '--socket', join(tmpdir(), `evpn6-never-${process.pid}.sock`)]);
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain(`${file}:3: `);
    expect(r.stderr).to.contain('[ERR_CONFIG_TIMERS]');
    expect(evpn6(['run']).status).to.equal(2);
    expect(evpn6(['run', '-f', file, '--dataplane', 'vpp']).status).to.equal(2);
    expect(evpn6(['run', '-f', file, '--bgp-port', '70000']).status).to.equal(2);
  });

  it('show: without a router it says so (exit 1); without words it is a usage error', () => {
    const r = evpn6(['show', 'bgp', 'summary', '--socket', join(tmpdir(), `evpn6-none-${process.pid}.sock`)]);
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain('[ERR_DAEMON_NOT_RUNNING]');
    expect(evpn6(['show']).status).to.equal(2);
  });

  it('run + show + SIGTERM: a daemon in a subprocess answers and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evpn6-cli-'));
    const file = join(dir, 'r.conf');
    const socket = join(dir, 'r.sock');
    writeFileSync(file, 'router bgp 64512\n bgp router-id 192.0.2.1\n neighbor 127.0.0.2 remote-as internal\n address-family l2vpn evpn\n  neighbor 127.0.0.2 activate\n  advertise-all-vni\n  vni 550\n  exit-vni\n');
    const child = spawn(process.execPath, ['--conditions=@evpn6/source', '--import', 'tsx', cli, 'run', '-f', file, '--dataplane', 'none', '--bgp-port', '0', '--socket', socket], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30000;
      while (!log.includes('control socket listening') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const r = evpn6(['show', 'evpn', 'vni', '--json', '--socket', socket]);
      expect(r.status, r.stderr).to.equal(0);
      expect((JSON.parse(r.stdout) as { vni: number }[]).map((v) => v.vni)).to.deep.equal([550]);
      const bad = evpn6(['show', 'evpn', 'frobnicate', '--socket', socket]);
      expect(bad.status).to.equal(2);
      expect(bad.stderr).to.contain('[ERR_DAEMON_BAD_REQUEST]');
      child.kill('SIGTERM');
      expect(await exited).to.equal(0);
      // Structured logs: every stdout line is one JSON object.
      const lines = log.trimEnd().split('\n').map((l) => JSON.parse(l) as { msg: string });
      expect(lines.map((l) => l.msg)).to.include.members(['router started', 'stopping', 'router stopped']);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
    expect(r.stdout).not.to.match(/^\s+(run|show|demo)\b/m);
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
});

/**
 * The TypeScript side of the DPDK forwarder without DPDK: command records byte for byte as
 * native/forwarder/dpdk/fwd_dp.h lays them out, event decoding, intents to commands, typed errors
 * for bad input, TAP names as the seed makes them, and what the loader says when the addon is not
 * there (in child processes, since the loader remembers its first verdict).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  COMMAND_SIZE,
  CommandEncoder,
  EVENT_SIZE,
  ForwarderError,
  decodeEvents,
  intentCommands,
  tapName,
  type ForwarderCommand,
} from '../src/forwarder/index.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a throw');
}

describe('forwarder command records', () => {
  it('lays out an addRemoteMac and the closing ACK NOP as fwd_dp_cmd', () => {
    const cmd: ForwarderCommand = { op: 'addRemoteMac', vni: 0x123456, mac: '02:00:5E:00:53:0a', vtep: '2001:db8::2' };
    const out = new CommandEncoder().encodeBatch([cmd], 0x01020304);
    expect(out.length).to.equal(2 * COMMAND_SIZE);
    // op flags alen rsv | tag (LE) | vni (LE) | port vlan | value | mac + 2 | address
    expect(hex(out.subarray(0, COMMAND_SIZE))).to.equal(
      '06' + '00' + '10' + '00' + '04030201' + '56341200' + '0000' + '0000' + '00000000' + '02005e00530a' + '0000' + '20010db8000000000000000000000002',
    );
    expect(hex(out.subarray(COMMAND_SIZE, COMMAND_SIZE + 8))).to.equal('00010000' + '05030201');
  });

  it('encodes every op at its fields', () => {
    const e = new CommandEncoder();
    const rec = (c: ForwarderCommand) => new DataView(e.encodeBatch([c], 7).buffer);
    let v = rec({ op: 'bindVni', vni: 550, port: 3 });
    expect([v.getUint8(0), v.getUint32(8, true), v.getUint16(12, true)]).to.deep.equal([4, 550, 3]);
    v = rec({ op: 'setMtu', mtu: 1500 });
    expect([v.getUint8(0), v.getUint32(16, true)]).to.deep.equal([2, 1500]);
    v = rec({ op: 'setUnderlayNextHop', mac: '02:00:5e:00:53:fe', vlan: 100 });
    expect([v.getUint8(0), v.getUint16(14, true), v.getUint8(25)]).to.deep.equal([3, 100, 0xfe]);
    v = rec({ op: 'setLocalVtep', address: '192.0.2.1' });
    expect([v.getUint8(0), v.getUint8(2), v.getUint32(28)]).to.deep.equal([1, 4, 0xc0000201]);
    v = rec({ op: 'flush', remote: true });
    expect([v.getUint8(0), v.getUint32(16, true)]).to.deep.equal([12, 1]);
    v = rec({ op: 'removeAllowedVtep', vni: 9, vtep: '2001:db8::9' });
    expect([v.getUint8(0), v.getUint32(8, true), v.getUint8(2), v.getUint8(43)]).to.deep.equal([11, 9, 16, 9]);
  });

  it('refuses bad input with ERR_FORWARDER_BAD_COMMAND before anything is sent', () => {
    const e = new CommandEncoder();
    const bad: ForwarderCommand[] = [
      { op: 'addRemoteMac', vni: 1, mac: '02:00:5e:00:53', vtep: '2001:db8::1' },
      { op: 'addRemoteMac', vni: 1, mac: '02:00:5e:00:53:0g', vtep: '2001:db8::1' },
      { op: 'addRemoteMac', vni: 1, mac: '02.00.5e.00.53.01', vtep: '2001:db8::1' },
      { op: 'addFloodVtep', vni: 1, vtep: '2001:db8::/64' },
      { op: 'addFloodVtep', vni: 1 << 24, vtep: '2001:db8::1' },
      { op: 'setMtu', mtu: 1279 },
      { op: 'bindVni', vni: 1, port: -1 },
      { op: 'setUnderlayNextHop', mac: '02:00:5e:00:53:01', vlan: 4095 },
    ];
    for (const c of bad) {
      const err = thrown(() => e.encodeBatch([c], 1));
      expect(err).to.be.instanceOf(ForwarderError);
      expect(err.code, JSON.stringify(c)).to.equal('ERR_FORWARDER_BAD_COMMAND');
    }
  });

  it('maps engine intents onto commands in order', () => {
    expect(
      intentCommands([
        { kind: 'remoteMac', op: 'remove', vni: 5, mac: '02:00:5e:00:53:01', vtep: '2001:db8::2' },
        { kind: 'remoteMac', op: 'add', vni: 5, mac: '02:00:5e:00:53:01', vtep: '2001:db8::3' },
        { kind: 'floodVtep', op: 'add', vni: 5, vtep: '2001:db8::3' },
        { kind: 'allowVtep', op: 'remove', vni: 5, vtep: '2001:db8::2' },
      ]),
    ).to.deep.equal([
      { op: 'removeRemoteMac', vni: 5, mac: '02:00:5e:00:53:01' },
      { op: 'addRemoteMac', vni: 5, mac: '02:00:5e:00:53:01', vtep: '2001:db8::3' },
      { op: 'addFloodVtep', vni: 5, vtep: '2001:db8::3' },
      { op: 'removeAllowedVtep', vni: 5, vtep: '2001:db8::2' },
    ]);
  });
});

describe('forwarder events', () => {
  it('decodes learn, ack and error records', () => {
    const b = new Uint8Array(4 * EVENT_SIZE);
    const v = new DataView(b.buffer);
    v.setUint8(0, 1);
    v.setUint16(2, 2, true);
    v.setUint32(4, 550, true);
    b.set([0x02, 0, 0x5e, 0, 0x53, 0x77], 8);
    v.setUint8(16, 3);
    v.setUint32(20, 550, true);
    v.setUint8(32, 16);
    v.setUint8(33, 6);
    v.setUint32(36, 99, true);
    v.setUint8(48, 17);
    v.setUint8(49, 7);
    v.setUint32(52, 100, true);
    v.setInt16(62, -2, true);
    expect(decodeEvents(b, 4)).to.deep.equal([
      { kind: 'mac-learned', vni: 550, mac: '02:00:5e:00:53:77', port: 2 },
      { kind: 'mac-aged', vni: 550, mac: '00:00:00:00:00:00', port: 0 },
      { kind: 'ack', tag: 99, op: 6 },
      { kind: 'error', tag: 100, op: 7, errno: 2 },
    ]);
    // A count larger than the bytes never reads past them.
    expect(decodeEvents(b.subarray(0, EVENT_SIZE), 4)).to.have.length(1);
  });
});

describe('forwarder TAP names', () => {
  it('turns the first letter into t, as the seed does', () => {
    expect(tapName('enp1s0')).to.equal('tnp1s0');
    expect(tapName('eth0')).to.equal('tth0');
    expect(thrown(() => tapName('')).code).to.equal('ERR_FORWARDER_BAD_CONFIG');
    expect(thrown(() => tapName('a-very-long-ifname')).code).to.equal('ERR_FORWARDER_BAD_CONFIG');
  });
});

describe('forwarder addon loader', () => {
  const binding = fileURLToPath(new URL('../src/forwarder/binding.ts', import.meta.url));

  /** What requireForwarderAddon() throws in a fresh process loading from `dir`. */
  function verdict(dir: string): { code?: string; missing?: string } {
    const source = `import { requireForwarderAddon } from ${JSON.stringify(binding)};
try { requireForwarderAddon(); console.log('{}'); } catch (e) { console.log(JSON.stringify({ code: e.code, missing: e.missing })); }`;
    const r = spawnSync(process.execPath, ['--conditions=@evpn6/source', '--import', 'tsx', '--input-type=module', '-e', source], {
      env: { ...process.env, EVPN6_NATIVE_DIR: dir },
      encoding: 'utf8',
    });
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as { code?: string; missing?: string };
  }

  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'evpn6-fwd-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('says native/ is not built when neither addon is there', function () {
    this.timeout(20000);
    const v = verdict(dir);
    expect(v.code).to.equal('ERR_FORWARDER_UNAVAILABLE');
    expect(v.missing).to.equal('addon');
  });

  it('says DPDK was missing at build time when only the netlink addon was built', function () {
    this.timeout(20000);
    // The loader only looks at whether the file is there.
    writeFileSync(join(dir, 'evpn6_netlink.node'), '');
    const v = verdict(dir);
    expect(v.code).to.equal('ERR_FORWARDER_UNAVAILABLE');
    expect(v.missing).to.equal('dpdk');
  });
});

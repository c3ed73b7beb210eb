/** The shared helpers the kernel tests stand on: classic pcap in and out, and namespace prerequisites. */
import { expect } from 'chai';
import { PcapError } from '@evpn6/router';
import { PcapLinkType, readPcap, writePcap } from './support/pcap.js';
import { execFileSync } from 'node:child_process';
import { NetnsLab, missingPrerequisites, requirePrerequisites } from './support/netns.js';

describe('test support: pcap files (over @evpn6/router capture module)', () => {
  it('round-trips frames and timestamps', () => {
    const frames = [Uint8Array.from([1, 2, 3]), new Uint8Array(1514).fill(7), new Uint8Array(0)];
    const file = readPcap(writePcap(frames));
    expect(file.linkType).to.equal(PcapLinkType.ethernet);
    expect(file.packets.map((p) => Buffer.from(p.data))).to.deep.equal(frames.map((f) => Buffer.from(f)));
    expect(file.packets.map((p) => p.timestampNs)).to.deep.equal([0n, 1000n, 2000n]);
    const again = readPcap(writePcap(file.packets, PcapLinkType.raw));
    expect(again.linkType).to.equal(PcapLinkType.raw);
    expect(again.packets).to.deep.equal(file.packets);
  });

  it('reads big-endian, nanosecond files as tcpdump may write them', () => {
    const f = Buffer.alloc(24 + 16 + 4);
    f.writeUInt32BE(0xa1b23c4d, 0);
    f.writeUInt16BE(2, 4);
    f.writeUInt16BE(4, 6);
    f.writeUInt32BE(65535, 16);
    f.writeUInt32BE(1, 20);
    f.writeUInt32BE(1_700_000_000, 24);
    f.writeUInt32BE(123_456_789, 28);
    f.writeUInt32BE(4, 32);
    f.writeUInt32BE(60, 36);
    f.set([9, 8, 7, 6], 40);
    const file = readPcap(f);
    expect(file.packets).to.deep.equal([{ timestampNs: 1_700_000_000_123_456_789n, data: Uint8Array.from([9, 8, 7, 6]), originalLength: 60 }]);
  });

  it('rejects what is not a capture with a typed error, and reports a capture cut mid-record', () => {
    expect(() => readPcap(new Uint8Array(24))).to.throw(PcapError).with.property('code', 'ERR_PCAP_FORMAT');
    const good = writePcap([new Uint8Array(10), new Uint8Array(10)]);
    const cut = readPcap(good.subarray(0, good.length - 1));
    expect(cut.packets).to.have.length(1);
    expect(cut.warnings).to.have.length(1);
  });
});

describe('test support: namespace labs', function () {
  this.timeout(20_000);
  before(function () {
    requirePrerequisites(this, ['tcpdump']);
  });

  it('creates uniquely named namespaces and veths, runs commands and captures inside, and deletes it all', async () => {
    const lab = new NetnsLab();
    try {
      const a = lab.add('a');
      const b = lab.add('b');
      expect(a.startsWith(`${process.env['EVPN6_NETNS_PREFIX'] ?? 'e6t'}${process.pid}-`)).to.equal(true);
      lab.veth(a, 'x0', b, 'x1');
      lab.ip(a, 'addr', 'add', '2001:db8:77::1/64', 'dev', 'x0', 'nodad');
      lab.ip(b, 'addr', 'add', '2001:db8:77::2/64', 'dev', 'x1', 'nodad');
      await lab.waitLinkReady(a, 'x0');
      await lab.waitLinkReady(b, 'x1');
      const tcpdump = await lab.start(b, ['tcpdump', '--immediate-mode', '-c', '1', '-n', '-i', 'x1', 'icmp6 and ip6[40] == 128'], /listening on/);
      expect(lab.tryExec(a, 'ping', '-c', '1', '-W', '2', '2001:db8:77::2').status).to.equal(0);
      await lab.stop(tcpdump);
      expect(lab.exec(a, 'ip', '-o', 'link', 'show', 'x0')).to.include('x0');
    } finally {
      lab.teardown();
    }
    const left = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    expect(left).to.not.include(lab.prefix);
  });
});

describe('test support: namespace prerequisites', () => {
  it('names a missing tool', () => {
    const reason = missingPrerequisites(['evpn6-no-such-tool']);
    expect(reason).to.be.a('string');
    expect(reason!).to.match(/root|evpn6-no-such-tool|Linux/);
  });
});

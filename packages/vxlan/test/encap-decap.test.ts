import { expect } from 'chai';
import {
  DROP_REASONS,
  SOURCE_PORT_MAX,
  SOURCE_PORT_MIN,
  VxlanDecapsulator,
  VxlanEncapsulator,
  formatIp,
  innerFlowHash,
  internetChecksum,
  parseMac,
  sourcePortFor,
  udpChecksum,
  type DecapResult,
} from '../src/index.js';
import { KERNEL_FRAGMENTS, KERNEL_FRAMES } from './vectors/kernel-vxlan6.js';
import { LOCAL4, LOCAL6, REMOTE4, REMOTE6, expectVxlanError, fromHex, innerUdpFrame, seededRandom } from './support/util.js';

const ETH = { source: parseMac('02:00:5e:00:53:aa'), destination: parseMac('02:00:5e:00:53:bb') };

function frameOf(r: DecapResult) {
  expect(r.kind, r.kind === 'drop' ? r.reason : r.kind).to.equal('frame');
  return r as Extract<DecapResult, { kind: 'frame' }>;
}

function reasonOf(r: DecapResult): string {
  return r.kind === 'drop' ? r.reason : r.kind;
}

/** Rewrites the UDP checksum after a test edits bytes (outer Ethernet + IPv6 + UDP at 54). */
function fixUdpChecksum(f: Uint8Array): void {
  f[60] = 0;
  f[61] = 0;
  const c = udpChecksum(f, 14, true, 54, f.length - 54);
  f[60] = c >>> 8;
  f[61] = c & 0xff;
}

describe('VXLAN encapsulation and decapsulation', () => {
  const encap = new VxlanEncapsulator({ local: LOCAL6, outerEthernet: ETH, random: seededRandom(3) });

  it('round-trips 64- and 1514-byte frames over IPv6 with the outer headers RFC 7348 asks for', () => {
    const decap = new VxlanDecapsulator({ localAddresses: [REMOTE6] });
    for (const n of [64, 1514, 9000]) {
      const inner = innerUdpFrame(n);
      const frames = encap.encapsulate(inner, 0xabcdef, REMOTE6);
      expect(frames.length).to.equal(encap.frameCount(n));
      expect(frames.reduce((s, f) => s + f.length, 0)).to.equal(encap.encapsulatedLength(n));
      let r: DecapResult | undefined;
      for (const f of frames) r = decap.decapsulate(f, 0);
      const got = frameOf(r!);
      expect(got.vni).to.equal(0xabcdef);
      expect(formatIp(got.source)).to.equal(formatIp(LOCAL6));
      expect(got.sourcePort).to.be.within(SOURCE_PORT_MIN, SOURCE_PORT_MAX);
      expect(Buffer.from(got.inner).equals(Buffer.from(inner))).to.equal(true);
    }
    const single = encap.encapsulate(innerUdpFrame(64), 550, REMOTE6)[0]!;
    expect(single[14 + 7]).to.equal(64); // hop limit
    expect(single.subarray(62, 70)).to.deep.equal(fromHex('0800000000022600')); // I flag, reserved zero
    expect((single[58]! << 8) | single[59]!).to.equal(8 + 8 + 64); // UDP length
    expect(decap.delivered).to.equal(3);
    expect(decap.received).to.equal(1 + 2 + 7);
  });

  it('round-trips over IPv4 VTEPs, with a valid IPv4 header checksum and DF', () => {
    const e4 = new VxlanEncapsulator({ local: LOCAL4, outerEthernet: ETH, random: seededRandom(3) });
    const d4 = new VxlanDecapsulator({ localAddresses: [REMOTE4] });
    const inner = innerUdpFrame(1400);
    const [f] = e4.encapsulate(inner, 7, REMOTE4) as [Uint8Array];
    expect(internetChecksum(f, 14, 34)).to.equal(0);
    expect(f[20]! & 0x40).to.equal(0x40);
    const got = frameOf(d4.decapsulate(f));
    expect(formatIp(got.source)).to.equal('192.0.2.1');
    expect(Buffer.from(got.inner).equals(Buffer.from(inner))).to.equal(true);
    expectVxlanError(() => e4.encapsulate(innerUdpFrame(1514), 7, REMOTE4), 'ERR_VXLAN_TOO_BIG');
    // A zero UDP checksum is legal over IPv4.
    f[40] = 0;
    f[41] = 0;
    frameOf(d4.decapsulate(f));
  });

  it('works on bare IP packets and behind an 802.1Q-tagged underlay', () => {
    const bare = new VxlanEncapsulator({ local: LOCAL6 });
    const tagged = new VxlanEncapsulator({ local: LOCAL6, outerEthernet: { ...ETH, vlan: { tpid: 0x8100, pcp: 0, dei: false, vid: 42 } } });
    const inner = innerUdpFrame(100);
    const [p] = bare.encapsulate(inner, 1, REMOTE6) as [Uint8Array];
    expect(p[0]! >>> 4).to.equal(6);
    frameOf(new VxlanDecapsulator({ linkType: 'ip' }).decapsulate(p));
    const [t] = tagged.encapsulate(inner, 1, REMOTE6) as [Uint8Array];
    expect(t.subarray(12, 18)).to.deep.equal(fromHex('8100002a86dd'));
    frameOf(new VxlanDecapsulator().decapsulate(t));
  });

  it('writes back to back into a caller buffer without allocating frames', () => {
    const out = new Uint8Array(4000);
    const lengths = new Uint32Array(4);
    const n = encap.encapsulateInto(innerUdpFrame(1514), 9, REMOTE6, out, 100, lengths);
    expect(n).to.equal(2);
    const d = new VxlanDecapsulator();
    expect(reasonOf(d.decapsulate(out.subarray(100, 100 + lengths[0]!)))).to.equal('pending');
    frameOf(d.decapsulate(out.subarray(100 + lengths[0]!, 100 + lengths[0]! + lengths[1]!)));
    expectVxlanError(() => encap.encapsulateInto(innerUdpFrame(1514), 9, REMOTE6, new Uint8Array(1600), 0, lengths), 'ERR_VXLAN_ENCODE');
  });

  it('picks the UDP source port from the inner flow, in 49152–65535', () => {
    const a = sourcePortFor(innerUdpFrame(100, 1000, 2000));
    expect(sourcePortFor(innerUdpFrame(200, 1000, 2000, 9))).to.equal(a); // same flow, other size/content
    const ports = new Set<number>();
    for (let p = 0; p < 1000; p++) {
      const port = sourcePortFor(innerUdpFrame(100, 1000 + p, 2000));
      expect(port).to.be.within(SOURCE_PORT_MIN, SOURCE_PORT_MAX);
      ports.add(port);
    }
    expect(ports.size).to.be.greaterThan(950); // flows spread
    expect(innerFlowHash(new Uint8Array(3))).to.be.a('number');
    // The outer header carries it.
    const [f] = encap.encapsulate(innerUdpFrame(100, 1000, 2000), 1, REMOTE6) as [Uint8Array];
    expect((f[54]! << 8) | f[55]!).to.equal(a);
  });

  describe('drops with a typed reason, counted', () => {
    const inner = innerUdpFrame(200);
    const good = () => encap.encapsulate(inner, 550, REMOTE6)[0]!.slice();
    const cases: [string, (f: Uint8Array) => Uint8Array, string, object?][] = [
      ['a corrupted payload', (f) => ((f[120] = f[120]! ^ 4), f), 'bad-udp-checksum'],
      ['a zero checksum over IPv6 (RFC 6935)', (f) => ((f[60] = 0), (f[61] = 0), f), 'udp-zero-checksum'],
      ['another UDP port', (f) => ((f[57] = 0x12), fixUdpChecksum(f), f), 'not-vxlan-port'],
      ['the I flag clear', (f) => ((f[62] = 0), fixUdpChecksum(f), f), 'vxlan-i-flag-not-set'],
      ['a UDP length that disagrees with IPv6', (f) => ((f[59] = f[59]! - 2), fixUdpChecksum(f), f), 'bad-udp-length'],
      ['an IPv6 payload length past the frame', (f) => ((f[19] = f[19]! + 8), f), 'truncated'],
      ['a zero payload length (jumbogram)', (f) => ((f[18] = 0), (f[19] = 0), f), 'bad-ip-length'],
      ['IP version 5', (f) => ((f[14] = 0x50), f), 'bad-ip-version'],
      ['ARP', (f) => ((f[12] = 0x08), (f[13] = 0x06), f), 'not-ip'],
      ['another destination', (f) => ((f[53] = 9), f), 'not-local-address', { localAddresses: [REMOTE6] }],
      ['TCP', (f) => ((f[20] = 6), f), 'not-udp'],
      ['an unknown next header', (f) => ((f[20] = 253), f), 'unknown-next-header'],
      ['no inner Ethernet header', (f) => f.slice(0, 14 + 40 + 16 + 10), 'truncated'],
    ];
    for (const [name, mutate, reason, options] of cases) {
      it(`${name} → ${reason}`, () => {
        const d = new VxlanDecapsulator(options);
        expect(reasonOf(d.decapsulate(mutate(good())))).to.equal(reason);
        expect(d.counters[reason as keyof typeof d.counters]).to.equal(1);
        expect(d.delivered).to.equal(0);
      });
    }
    it('an inner frame shorter than an Ethernet header → inner-frame-too-short', () => {
      const e = new VxlanEncapsulator({ local: LOCAL6 });
      const [p] = e.encapsulate(new Uint8Array(10), 1, REMOTE6) as [Uint8Array];
      expect(reasonOf(new VxlanDecapsulator({ linkType: 'ip' }).decapsulate(p))).to.equal('inner-frame-too-short');
    });
    it('accepts a zero checksum over IPv6 when configured (RFC 6936)', () => {
      const f = good();
      f[60] = 0;
      f[61] = 0;
      frameOf(new VxlanDecapsulator({ allowZeroChecksumIpv6: true }).decapsulate(f));
    });
    it('ignores the VXLAN reserved bits on receive', () => {
      const f = good();
      f[62] = 0xff;
      f[65] = 0xff;
      f[69] = 0xff;
      fixUdpChecksum(f);
      expect(frameOf(new VxlanDecapsulator().decapsulate(f)).vni).to.equal(550);
    });
    it('walks hop-by-hop and destination options, rejects routing headers with segments left', () => {
      const withExt = (type: number, segmentsLeft: number) => {
        const f = good();
        const out = new Uint8Array(f.length + 8);
        out.set(f.subarray(0, 54), 0);
        out.set(f.subarray(54), 62);
        out[20] = type;
        out[54] = 17;
        out[54 + 3] = segmentsLeft;
        const pl = ((out[18]! << 8) | out[19]!) + 8;
        out[18] = pl >>> 8;
        out[19] = pl & 0xff;
        return out;
      };
      frameOf(new VxlanDecapsulator().decapsulate(withExt(0, 0)));
      frameOf(new VxlanDecapsulator().decapsulate(withExt(60, 0)));
      frameOf(new VxlanDecapsulator().decapsulate(withExt(43, 0)));
      expect(reasonOf(new VxlanDecapsulator().decapsulate(withExt(43, 1)))).to.equal('routing-segments-left');
    });
    it('decapsulates an atomic fragment in place, without reassembly state (RFC 6946)', () => {
      const f = good();
      const out = new Uint8Array(f.length + 8);
      out.set(f.subarray(0, 54), 0);
      out.set(f.subarray(54), 62);
      out[20] = 44;
      out.set([17, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef], 54);
      const pl = ((out[18]! << 8) | out[19]!) + 8;
      out[18] = pl >>> 8;
      out[19] = pl & 0xff;
      const d = new VxlanDecapsulator();
      expect(Buffer.from(frameOf(d.decapsulate(out)).inner).equals(Buffer.from(inner))).to.equal(true);
      expect(d.reassembler.inFlight).to.equal(0);
    });
    it('every drop reason has a counter', () => {
      const d = new VxlanDecapsulator();
      for (const r of DROP_REASONS) expect(d.counters[r]).to.equal(0);
    });
  });

  it('refuses bad configuration and arguments, typed', () => {
    expectVxlanError(() => new VxlanEncapsulator({ local: new Uint8Array(5) }), 'ERR_VXLAN_CONFIG');
    expectVxlanError(() => new VxlanEncapsulator({ local: LOCAL6, mtu: 1279 }), 'ERR_VXLAN_CONFIG');
    expectVxlanError(() => new VxlanEncapsulator({ local: LOCAL6, hopLimit: 0 }), 'ERR_VXLAN_CONFIG');
    expectVxlanError(() => encap.encapsulate(innerUdpFrame(64), 1 << 24, REMOTE6), 'ERR_VXLAN_ENCODE');
    expectVxlanError(() => encap.encapsulate(innerUdpFrame(64), 1, REMOTE4), 'ERR_VXLAN_ENCODE');
    expectVxlanError(() => encap.encapsulate(new Uint8Array(70000), 1, REMOTE6), 'ERR_VXLAN_TOO_BIG');
    expectVxlanError(() => new VxlanDecapsulator({ localAddresses: [new Uint8Array(3)] }), 'ERR_VXLAN_CONFIG');
  });

  describe("the Linux kernel's frames (golden vectors)", () => {
    for (const v of KERNEL_FRAMES) {
      it(`${v.name}: decapsulates`, () => {
        const got = frameOf(new VxlanDecapsulator().decapsulate(fromHex(v.hex)));
        expect(got.vni).to.equal(v.vni);
        expect(formatIp(got.source)).to.equal(v.source);
        expect(got.inner.length).to.equal(v.innerLength);
      });
      it(`${v.name}: every truncation is a typed drop, never a throw`, () => {
        const f = fromHex(v.hex);
        const d = new VxlanDecapsulator();
        for (let cut = 0; cut < f.length; cut++) expect(d.decapsulate(f.subarray(0, cut)).kind).to.equal('drop');
      });
      it(`${v.name}: every single-bit flip in IPv6 addresses, UDP or VXLAN header and payload is caught`, () => {
        const f = fromHex(v.hex);
        const d = new VxlanDecapsulator();
        // Source/destination (pseudo-header), UDP, VXLAN and inner bytes are all under the checksum.
        for (let byte = 22; byte < f.length; byte += 7) {
          for (let bit = 0; bit < 8; bit++) {
            const g = f.slice();
            g[byte] = g[byte]! ^ (1 << bit);
            expect(d.decapsulate(g).kind, `byte ${byte} bit ${bit}`).to.equal('drop');
          }
        }
      });
    }
    it('reassembles the kernel-fragmented datagram in either order', () => {
      for (const order of [
        [KERNEL_FRAGMENTS.first, KERNEL_FRAGMENTS.last],
        [KERNEL_FRAGMENTS.last, KERNEL_FRAGMENTS.first],
      ]) {
        const d = new VxlanDecapsulator();
        expect(reasonOf(d.decapsulate(fromHex(order[0]!)))).to.equal('pending');
        const got = frameOf(d.decapsulate(fromHex(order[1]!)));
        expect(got.vni).to.equal(KERNEL_FRAGMENTS.vni);
        expect(got.inner.length).to.equal(KERNEL_FRAGMENTS.innerLength);
        expect(d.reassembler.inFlight).to.equal(0);
      }
    });
  });
});

import { expect } from 'chai';
import { DATAGRAM_OVERHEAD, PIECE_OVERHEAD, Reassembler, fragmentIpv6, writeIpv6Header, IpProtocol, parseIp } from '../src/index.js';
import { LOCAL6, REMOTE6, expectVxlanError } from './support/util.js';

/** A UDP-over-IPv6 packet with `payload` patterned bytes, from `source`. */
function udpPacket(payload: number, source = LOCAL6, fill = 0): Uint8Array {
  const p = new Uint8Array(48 + payload);
  writeIpv6Header(p, 0, 0, 0, 8 + payload, IpProtocol.udp, 64, source, REMOTE6);
  p[44] = (8 + payload) >>> 8;
  p[45] = (8 + payload) & 0xff;
  for (let i = 48; i < p.length; i++) p[i] = (i * 7 + fill) & 0xff;
  return p;
}

function add(r: Reassembler, f: Uint8Array, now = 0) {
  return r.add(f, 0, f.length, 40, 6, now);
}

function same(a: unknown, b: Uint8Array): boolean {
  return a instanceof Uint8Array && Buffer.from(a).equals(Buffer.from(b));
}

/** A fragment built by hand: IPv6 + fragment header (next header 17) + `data`. */
function handFragment(offset: number, more: boolean, id: number, data: Uint8Array, source = LOCAL6, next: number = IpProtocol.udp): Uint8Array {
  const p = new Uint8Array(48 + data.length);
  writeIpv6Header(p, 0, 0, 0, 8 + data.length, IpProtocol.fragment, 64, source, REMOTE6);
  p[40] = next;
  p[42] = (offset | (more ? 1 : 0)) >>> 8;
  p[43] = (offset | (more ? 1 : 0)) & 0xff;
  p[44] = id >>> 24;
  p[45] = (id >>> 16) & 0xff;
  p[46] = (id >>> 8) & 0xff;
  p[47] = id & 0xff;
  p.set(data, 48);
  return p;
}

describe('IPv6 reassembly (RFC 8200 §4.5, RFC 5722, RFC 6946, RFC 7112)', () => {
  it('reassembles in order and in reverse order, and forgets the datagram', () => {
    const packet = udpPacket(4000);
    const frags = fragmentIpv6(packet, 1280, 99);
    expect(frags.length).to.equal(4);
    for (const order of [frags, [...frags].reverse()]) {
      const r = new Reassembler();
      const results = order.map((f) => add(r, f));
      expect(results.slice(0, -1)).to.deep.equal([null, null, null]);
      expect(same(results[3], packet)).to.equal(true);
      expect(r.inFlight).to.equal(0);
      expect(r.memory).to.equal(0);
      expect(r.reassembled).to.equal(1);
    }
  });

  it('tolerates exact duplicates', () => {
    const packet = udpPacket(2000);
    const [a, b] = fragmentIpv6(packet, 1280, 5) as [Uint8Array, Uint8Array];
    const r = new Reassembler();
    expect(add(r, a)).to.equal(null);
    expect(add(r, a)).to.equal('fragment-duplicate');
    expect(r.counters['fragment-duplicate']).to.equal(1);
    expect(same(add(r, b), packet)).to.equal(true);
  });

  it('discards the whole datagram on overlap, including fragments still to come (RFC 5722)', () => {
    const packet = udpPacket(3000);
    const [a, b, c] = fragmentIpv6(packet, 1280, 5) as [Uint8Array, Uint8Array, Uint8Array];
    const r = new Reassembler();
    expect(add(r, a)).to.equal(null);
    // Same range, different bytes: not a duplicate, an overlap.
    const forged = b.slice();
    forged[100] = forged[100]! ^ 1;
    expect(add(r, b)).to.equal(null);
    expect(add(r, forged)).to.equal('reassembly-overlap');
    expect(add(r, c)).to.equal('fragment-of-discarded-datagram');
    expect(r.counters['reassembly-overlap']).to.equal(1);
    expect(r.counters['fragment-of-discarded-datagram']).to.equal(1);
    // A partial overlap: a fragment starting inside another.
    const r2 = new Reassembler();
    expect(add(r2, handFragment(0, true, 9, new Uint8Array(64)))).to.equal(null);
    expect(add(r2, handFragment(56, true, 9, new Uint8Array(64)))).to.equal('reassembly-overlap');
    // The tombstone holds only bookkeeping until its lifetime ends.
    expect(r2.memory).to.equal(DATAGRAM_OVERHEAD);
    r2.expire(60_000);
    expect(r2.inFlight).to.equal(0);
    expect(r2.counters['reassembly-timeout']).to.equal(0);
  });

  it('times out incomplete datagrams after 60 s by default, and after a configured time', () => {
    const packet = udpPacket(2000);
    const [a, b] = fragmentIpv6(packet, 1280, 5) as [Uint8Array, Uint8Array];
    const r = new Reassembler();
    expect(add(r, a, 1000)).to.equal(null);
    expect(same(add(r, b, 60_999), packet)).to.equal(true);
    expect(add(r, a, 100_000)).to.equal(null);
    expect(add(r, b, 160_000)).to.equal(null); // the first expired; this starts a new datagram
    expect(r.counters['reassembly-timeout']).to.equal(1);
    const short = new Reassembler({ timeoutMs: 500 });
    expect(add(short, a, 0)).to.equal(null);
    short.expire(499);
    expect(short.inFlight).to.equal(1);
    short.expire(500);
    expect(short.inFlight).to.equal(0);
    expect(short.memory).to.equal(0);
  });

  it('processes an atomic fragment at once, without state (RFC 6946)', () => {
    const packet = udpPacket(100);
    const atomic = handFragment(0, false, 77, packet.subarray(40));
    const r = new Reassembler();
    expect(same(add(r, atomic), packet)).to.equal(true);
    expect(r.inFlight).to.equal(0);
    // Even when a datagram with the same id is being reassembled.
    const [a] = fragmentIpv6(udpPacket(2000), 1280, 77) as [Uint8Array];
    expect(add(r, a)).to.equal(null);
    expect(same(add(r, atomic), packet)).to.equal(true);
    expect(r.inFlight).to.equal(1);
  });

  it('drops a first fragment without the whole header chain (RFC 7112)', () => {
    const r = new Reassembler();
    // Destination options (next: UDP) fill the first fragment; the UDP header would be in the next.
    const dstOpts = new Uint8Array(8);
    dstOpts[0] = IpProtocol.udp;
    expect(add(r, handFragment(0, true, 1, dstOpts, LOCAL6, IpProtocol.destinationOptions))).to.equal('fragment-incomplete-header-chain');
    // A destination options header claiming more bytes than the fragment has.
    const long = new Uint8Array(16);
    long[0] = IpProtocol.udp;
    long[1] = 4;
    expect(add(r, handFragment(0, true, 2, long, LOCAL6, IpProtocol.destinationOptions))).to.equal('fragment-incomplete-header-chain');
    // A fragment header inside a fragment.
    expect(add(r, handFragment(0, true, 3, new Uint8Array(16), LOCAL6, IpProtocol.fragment))).to.equal('fragment-nested');
    expect(r.counters['fragment-incomplete-header-chain']).to.equal(2);
    expect(r.inFlight).to.equal(0);
  });

  it('drops fragments with bad lengths', () => {
    const r = new Reassembler();
    expect(add(r, handFragment(0, true, 1, new Uint8Array(20)))).to.equal('fragment-bad-length'); // not a multiple of 8
    expect(add(r, handFragment(8, true, 1, new Uint8Array(0)))).to.equal('fragment-bad-length');
    expect(add(r, handFragment(65528, false, 1, new Uint8Array(16)))).to.equal('fragment-bad-length'); // past 65535
    expect(r.counters['fragment-bad-length']).to.equal(3);
    expect(r.inFlight).to.equal(0);
  });

  it('discards a datagram whose last fragments disagree about its end, or with data past it', () => {
    const r = new Reassembler();
    expect(add(r, handFragment(64, false, 1, new Uint8Array(10)))).to.equal(null);
    expect(add(r, handFragment(128, false, 1, new Uint8Array(10)))).to.equal('reassembly-bad-end');
    const r2 = new Reassembler();
    expect(add(r2, handFragment(64, false, 2, new Uint8Array(10)))).to.equal(null);
    expect(add(r2, handFragment(80, true, 2, new Uint8Array(8)))).to.equal('reassembly-bad-end');
    const r3 = new Reassembler();
    expect(add(r3, handFragment(80, true, 3, new Uint8Array(8)))).to.equal(null);
    expect(add(r3, handFragment(64, false, 3, new Uint8Array(10)))).to.equal('reassembly-bad-end');
  });

  it('keys datagrams by (source, destination, identification)', () => {
    const other = parseIp('2001:db8:2::9');
    const p1 = udpPacket(2000, LOCAL6, 1);
    const p2 = udpPacket(2000, other, 2);
    const [a1, b1] = fragmentIpv6(p1, 1280, 42) as [Uint8Array, Uint8Array];
    const [a2, b2] = fragmentIpv6(p2, 1280, 42) as [Uint8Array, Uint8Array];
    const r = new Reassembler();
    expect(add(r, a1)).to.equal(null);
    expect(add(r, a2)).to.equal(null);
    expect(same(add(r, b2), p2)).to.equal(true);
    expect(same(add(r, b1), p1)).to.equal(true);
  });

  it('bounds memory per source: a flood from one source cannot crowd out another', () => {
    const r = new Reassembler({ maxBytesPerSource: 64 * 1024, maxBytes: 256 * 1024 });
    const attacker = parseIp('2001:db8:bad::1');
    for (let id = 0; id < 2000; id++) {
      add(r, handFragment(0, true, id, new Uint8Array(1024), attacker), id);
      expect(r.memory).to.be.at.most(64 * 1024);
    }
    expect(r.counters['reassembly-evicted-per-source']).to.be.greaterThan(1900);
    const packet = udpPacket(3000);
    const frags = fragmentIpv6(packet, 1280, 1);
    let out: unknown = null;
    for (const f of frags) out = add(r, f, 3000);
    expect(same(out, packet)).to.equal(true);
  });

  it('bounds memory globally, evicting the oldest datagrams first', () => {
    const per = 4 * 1024;
    const r = new Reassembler({ maxBytesPerSource: per, maxBytes: 16 * 1024 });
    for (let s = 0; s < 100; s++) {
      add(r, handFragment(0, true, 1, new Uint8Array(1024), parseIp(`2001:db8:f::${s.toString(16)}`)), s);
      expect(r.memory).to.be.at.most(16 * 1024);
    }
    // Each held datagram costs at least its bytes and the bookkeeping overheads.
    expect(r.inFlight).to.be.within(1, Math.floor((16 * 1024) / (1024 + PIECE_OVERHEAD + DATAGRAM_OVERHEAD)));
    expect(r.counters['reassembly-evicted-global']).to.equal(100 - r.inFlight);
    // The survivors are the newest: completing the oldest one's datagram no longer works.
    const tail = handFragment(1024, false, 1, new Uint8Array(8), parseIp('2001:db8:f::0'));
    expect(add(r, tail, 100)).to.equal(null);
    const newest = handFragment(1024, false, 1, new Uint8Array(8), parseIp('2001:db8:f::63'));
    expect(add(r, newest, 100)).to.be.instanceOf(Uint8Array);
  });

  it('refuses limits that cannot work', () => {
    expectVxlanError(() => new Reassembler({ maxBytes: 1000, maxBytesPerSource: 2000 }), 'ERR_VXLAN_CONFIG');
    expectVxlanError(() => new Reassembler({ timeoutMs: 0 }), 'ERR_VXLAN_CONFIG');
    expectVxlanError(() => new Reassembler({ maxBytesPerSource: 10 }), 'ERR_VXLAN_CONFIG');
  });
});

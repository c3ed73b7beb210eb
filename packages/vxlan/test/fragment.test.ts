import { expect } from 'chai';
import {
  FragmentIdGenerator,
  Reassembler,
  VxlanEncapsulator,
  fragmentHeaderCodec,
  fragmentIpv6,
  fragmentIpv6Into,
  ipv6HeaderCodec,
  Reader,
  writeIpv6Header,
  IpProtocol,
} from '../src/index.js';
import { KERNEL_FRAGMENTS } from './vectors/kernel-vxlan6.js';
import { LOCAL6, REMOTE6, expectVxlanError, fromHex, innerUdpFrame, seededRandom } from './support/util.js';

function header(frag: Uint8Array, at: number) {
  return fragmentHeaderCodec.decode(new Reader(frag, at, at + 8));
}

/** An IPv6 packet: fixed header + the given extension headers (each [type, bytes]) + UDP with `payload` bytes. */
function packetWithChain(chain: [number, Uint8Array][], payload: number): Uint8Array {
  const extLength = chain.reduce((n, [, b]) => n + b.length, 0);
  const total = 40 + extLength + 8 + payload;
  const p = new Uint8Array(total);
  writeIpv6Header(p, 0, 0, 0, total - 40, chain.length > 0 ? chain[0]![0] : IpProtocol.udp, 64, LOCAL6, REMOTE6);
  let at = 40;
  chain.forEach(([, bytes], i) => {
    p.set(bytes, at);
    p[at] = i + 1 < chain.length ? chain[i + 1]![0] : IpProtocol.udp;
    p[at + 1] = bytes.length / 8 - 1;
    at += bytes.length;
  });
  p[at + 4] = (8 + payload) >>> 8;
  p[at + 5] = (8 + payload) & 0xff;
  for (let i = at + 8; i < total; i++) p[i] = i & 0xff;
  return p;
}

describe('outer IPv6 fragmentation (RFC 8200 §4.5)', () => {
  it('a 1514-byte inner frame becomes exactly two fragments on a 1500 underlay: 1448 + 82 bytes', () => {
    const encap = new VxlanEncapsulator({ local: LOCAL6, random: seededRandom(1) });
    const frames = encap.encapsulate(innerUdpFrame(1514), 550, REMOTE6);
    expect(frames.map((f) => f.length)).to.deep.equal([1496, 130]);
    const [first, last] = frames as [Uint8Array, Uint8Array];
    const h1 = ipv6HeaderCodec.decode(new Reader(first));
    const h2 = ipv6HeaderCodec.decode(new Reader(last));
    expect([h1.nextHeader, h2.nextHeader]).to.deep.equal([IpProtocol.fragment, IpProtocol.fragment]);
    expect([h1.payloadLength, h2.payloadLength]).to.deep.equal([8 + 1448, 8 + 82]);
    const f1 = header(first, 40);
    const f2 = header(last, 40);
    expect(f1).to.deep.include({ nextHeader: IpProtocol.udp, byteOffset: 0, more: true });
    expect(f2).to.deep.include({ nextHeader: IpProtocol.udp, byteOffset: 1448, more: false });
    expect(f1.identification).to.equal(f2.identification);
    // The first fragment carries the UDP and VXLAN headers.
    expect((first[48 + 2]! << 8) | first[48 + 3]!).to.equal(4789);
    expect(first[56]).to.equal(0x08);
    // Every non-last payload is a multiple of 8; frames fit the MTU.
    expect(1448 % 8).to.equal(0);
    for (const f of frames) expect(f.length).to.be.at.most(1500);
  });

  it('has the same layout as the Linux kernel fragmenting the same datagram', () => {
    const kFirst = fromHex(KERNEL_FRAGMENTS.first);
    const kLast = fromHex(KERNEL_FRAGMENTS.last);
    const encap = new VxlanEncapsulator({ local: LOCAL6, random: seededRandom(1) });
    const ours = encap.encapsulate(innerUdpFrame(1514), 550, REMOTE6);
    expect(ours.map((f) => f.length + 14)).to.deep.equal([kFirst.length, kLast.length]);
    const kh1 = header(kFirst, 54);
    const kh2 = header(kLast, 54);
    expect([kh1.byteOffset, kh1.more, kh2.byteOffset, kh2.more]).to.deep.equal([0, true, 1448, false]);
    expect([header(ours[0]!, 40).byteOffset, header(ours[1]!, 40).byteOffset]).to.deep.equal([0, 1448]);
  });

  it('repeats the unfragmentable part (hop-by-hop, destination options before routing, routing) and moves the rest', () => {
    const hbh = new Uint8Array(8);
    const dst1 = new Uint8Array(8);
    const rh = fromHex('0000 00 00 00000000'); // type 0, segments left 0
    const dst2 = new Uint8Array(16);
    const packet = packetWithChain(
      [
        [IpProtocol.hopByHop, hbh],
        [IpProtocol.destinationOptions, dst1],
        [IpProtocol.routing, rh],
        [IpProtocol.destinationOptions, dst2],
      ],
      3000,
    );
    const unfragmentable = 40 + 24;
    const frames = fragmentIpv6(packet, 1280, 0x01020304);
    const chunk = (1280 - unfragmentable - 8) & ~7;
    const fragmentable = packet.length - unfragmentable;
    expect(frames.length).to.equal(Math.ceil(fragmentable / chunk));
    let offset = 0;
    frames.forEach((f, i) => {
      expect(f.length).to.be.at.most(1280);
      // Unfragmentable part identical except payload length and the routing header's next header.
      expect(Buffer.from(f.subarray(8, 40)).equals(Buffer.from(packet.subarray(8, 40)))).to.equal(true);
      expect(f[6]).to.equal(IpProtocol.hopByHop);
      expect(f[56]).to.equal(IpProtocol.fragment);
      const fh = header(f, unfragmentable);
      expect(fh.nextHeader).to.equal(IpProtocol.destinationOptions);
      expect(fh.byteOffset).to.equal(offset);
      expect(fh.more).to.equal(i < frames.length - 1);
      expect(fh.identification).to.equal(0x01020304);
      const data = f.subarray(unfragmentable + 8);
      expect(Buffer.from(data).equals(Buffer.from(packet.subarray(unfragmentable + offset, unfragmentable + offset + data.length)))).to.equal(true);
      expect((f[4]! << 8) | f[5]!).to.equal(f.length - 40);
      if (i < frames.length - 1) expect(data.length % 8).to.equal(0);
      offset += data.length;
    });
    expect(offset).to.equal(fragmentable);
    // And they reassemble to the original.
    const r = new Reassembler();
    let out: unknown = null;
    for (const f of frames) out = r.add(f, 0, f.length, unfragmentable, 56, 0);
    expect(Buffer.from(out as Uint8Array).equals(Buffer.from(packet))).to.equal(true);
  });

  it('reassembles datagrams whose unfragmentable part is long (a 200-byte hop-by-hop header)', () => {
    const packet = packetWithChain([[IpProtocol.hopByHop, new Uint8Array(200)]], 5000);
    const frames = fragmentIpv6(packet, 1280, 3);
    const r = new Reassembler();
    let out: unknown = null;
    for (const f of frames.reverse()) out = r.add(f, 0, f.length, 240, 40, 0);
    expect(Buffer.from(out as Uint8Array).equals(Buffer.from(packet))).to.equal(true);
  });

  it('copies a packet that fits unchanged (no atomic fragment, RFC 8021)', () => {
    const packet = packetWithChain([], 100);
    const frames = fragmentIpv6(packet, 1500, 7);
    expect(frames).to.have.length(1);
    expect(Buffer.from(frames[0]!).equals(Buffer.from(packet))).to.equal(true);
  });

  it('refuses what cannot be fragmented, typed', () => {
    expectVxlanError(() => fragmentIpv6(packetWithChain([[IpProtocol.fragment, new Uint8Array(8)]], 3000), 1280, 1), 'ERR_VXLAN_ENCODE');
    expectVxlanError(() => fragmentIpv6(packetWithChain([[IpProtocol.destinationOptions, new Uint8Array(1400)]], 3000), 1280, 1), 'ERR_VXLAN_TOO_BIG');
    const packet = packetWithChain([], 3000);
    expectVxlanError(() => fragmentIpv6Into(packet, 0, packet.length, 1280, 1, new Uint8Array(0), new Uint8Array(100), 0, []), 'ERR_VXLAN_ENCODE');
  });
});

describe('fragment identifications', () => {
  it('are a permutation of a counter: no repeats among 200k consecutive ids', () => {
    const g = new FragmentIdGenerator(seededRandom(42));
    const seen = new Set<number>();
    for (let i = 0; i < 200_000; i++) seen.add(g.next());
    expect(seen.size).to.equal(200_000);
  });

  it('the keyed permutation is a bijection (checked on a 2^16 block and its inverse image)', () => {
    const g = new FragmentIdGenerator(seededRandom(7));
    const seen = new Set<number>();
    for (let x = 0; x < 0x10000; x++) seen.add(g.permute((x * 0x10001 + 12345) >>> 0));
    expect(seen.size).to.equal(0x10000);
  });

  it('are not a plain counter and depend on the random keys', () => {
    const a = new FragmentIdGenerator(seededRandom(1));
    const b = new FragmentIdGenerator(seededRandom(2));
    const as = Array.from({ length: 100 }, () => a.next());
    const bs = Array.from({ length: 100 }, () => b.next());
    expect(as).to.not.deep.equal(bs);
    const deltas = new Set(as.slice(1).map((v, i) => (v - as[i]!) >>> 0));
    expect(deltas.size).to.be.greaterThan(90);
    // Same seed, same sequence: tests can be deterministic.
    const c = new FragmentIdGenerator(seededRandom(1));
    expect(Array.from({ length: 100 }, () => c.next())).to.deep.equal(as);
  });

  it('default to the platform CSPRNG', () => {
    const x = new FragmentIdGenerator();
    const y = new FragmentIdGenerator();
    expect([x.next(), x.next()]).to.not.deep.equal([y.next(), y.next()]);
  });

  it('a random source of only zeros is refused', () => {
    expectVxlanError(() => new FragmentIdGenerator((b) => b.fill(0)), 'ERR_VXLAN_CONFIG');
  });
});

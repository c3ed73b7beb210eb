// RIB keys of unicast prefixes are built as flat strings and decoded addresses come from shared
// blocks (both for memory at a million routes): the text must stay exactly formatIpv6/formatIpv4
// + "/length", and every decoded address must stay a private copy.
import { expect } from 'chai';
import fc from 'fast-check';
import { createContext, formatIpv4, formatIpv6, ipv4Unicast, ipv6Unicast, Reader, Writer, type IpPrefix } from '../src/index.js';

function maskedCopy(a: Uint8Array, length: number): Uint8Array {
  const m = new Uint8Array(a.length);
  for (let bit = 0; bit < length; bit++) if (a[bit >> 3]! & (0x80 >> (bit & 7))) m[bit >> 3]! |= 0x80 >> (bit & 7);
  return m;
}

// Groups drawn mostly from zero and small values, so runs of zeros ("::" placement) and short
// hex groups are common; IPv4-mapped addresses appear through the explicit 0xffff group.
const group = fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xf }), fc.integer({ min: 0, max: 0xffff }));
const ipv6Bytes = fc.array(group, { minLength: 8, maxLength: 8 }).map((gs) => {
  const a = new Uint8Array(16);
  gs.forEach((g, i) => {
    a[2 * i] = g >> 8;
    a[2 * i + 1] = g & 0xff;
  });
  return a;
});

describe('unicast RIB keys and decoded addresses', () => {
  const ctx = createContext();

  it('an IPv6 key is the RFC 5952 text of the masked address and the length', () => {
    fc.assert(
      fc.property(ipv6Bytes, fc.integer({ min: 0, max: 128 }), (address, length) => {
        const p: IpPrefix = { pathId: undefined, length, address };
        expect(ipv6Unicast.key(p)).to.equal(`${formatIpv6(maskedCopy(address, length))}/${length}`);
      }),
      { numRuns: 3000 },
    );
  });

  it('an IPv4 key is the dotted text of the masked address and the length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 32 }), (address, length) => {
        const p: IpPrefix = { pathId: undefined, length, address };
        expect(ipv4Unicast.key(p)).to.equal(`${formatIpv4(maskedCopy(address, length))}/${length}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('keys of known spellings', () => {
    const k = (text: number[], length: number) => ipv6Unicast.key({ pathId: undefined, length, address: Uint8Array.from(text) });
    expect(k([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 32)).to.equal('2001:db8::/32');
    expect(k([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1], 128)).to.equal('::ffff:192.0.2.1/128');
    expect(k([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0)).to.equal('::/0');
    expect(k([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], 128)).to.equal('2001:db8:0:1::1/128');
    expect(ipv4Unicast.key({ pathId: undefined, length: 24, address: Uint8Array.from([192, 0, 2, 255]) })).to.equal('192.0.2.0/24');
  });

  it('decoded addresses are private copies, equal to what was sent, independent of each other', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(ipv6Bytes, fc.integer({ min: 0, max: 128 })), { minLength: 1, maxLength: 300 }), (routes) => {
        const prefixes = routes.map(([a, length]): IpPrefix => ({ pathId: undefined, length, address: maskedCopy(a, length) }));
        let size = 0;
        for (const p of prefixes) size += ipv6Unicast.encodedLength(p, ctx);
        const w = Writer.alloc(size);
        for (const p of prefixes) ipv6Unicast.encode(p, w, ctx);
        const r = new Reader(w.buf);
        const decoded = prefixes.map(() => ipv6Unicast.decode(r, ctx, undefined));
        w.buf.fill(0xaa);
        decoded.forEach((d, i) => {
          expect(d.address.length).to.equal(16);
          expect(d.address.buffer).to.not.equal(w.buf.buffer);
          expect([...d.address]).to.deep.equal([...prefixes[i]!.address]);
        });
        // Writing into one decoded address touches no other.
        decoded[0]!.address.fill(0x55);
        for (let i = 1; i < decoded.length; i++) expect([...decoded[i]!.address]).to.deep.equal([...prefixes[i]!.address]);
      }),
      { numRuns: 200 },
    );
  });
});

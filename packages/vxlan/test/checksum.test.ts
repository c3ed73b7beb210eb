import { expect } from 'chai';
import fc from 'fast-check';
import { foldSum, internetChecksum, sumWords, udpChecksum, verifyUdpChecksum } from '../src/index.js';
import { KERNEL_FRAMES } from './vectors/kernel-vxlan6.js';
import { fromHex } from './support/util.js';

describe('Internet checksum (RFC 1071) and the UDP pseudo-header', () => {
  it('RFC 1071 §3 example: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2', () => {
    const b = fromHex('0001f203f4f5f6f7');
    expect(foldSum(sumWords(b, 0, b.length))).to.equal(0xddf2);
    expect(internetChecksum(b)).to.equal(0x220d);
  });

  it('pads an odd trailing byte with zero and works at any offset', () => {
    expect(foldSum(sumWords(fromHex('ff'), 0, 1))).to.equal(0xff00);
    const b = fromHex('aa0001f203f4f5f6f7bb');
    expect(foldSum(sumWords(b, 1, 9))).to.equal(0xddf2);
  });

  it('matches a plain word-by-word sum at every offset and length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const start = bytes.length === 0 ? 0 : a % bytes.length;
        const end = start + (bytes.length - start === 0 ? 0 : b % (bytes.length - start + 1));
        let reference = 0;
        for (let i = start; i < end; i += 2) reference += (bytes[i]! << 8) | (i + 1 < end ? bytes[i + 1]! : 0);
        expect(sumWords(bytes, start, end)).to.equal(reference);
        expect(sumWords(bytes.subarray(start), 0, end - start, 5)).to.equal(reference + 5);
      }),
      { numRuns: 1000 },
    );
  });

  it('an IPv4 header with its checksum verifies to zero', () => {
    expect(internetChecksum(fromHex('4500 0073 0000 4000 4011 4e3e c0000201 c6336407'))).to.equal(0);
  });

  it('folds sums beyond 32 bits exactly', () => {
    const b = new Uint8Array(200_000).fill(0xff);
    expect(foldSum(sumWords(b, 0, b.length))).to.equal(0xffff);
    expect(internetChecksum(b)).to.equal(0);
  });

  it("verifies the Linux kernel's UDP checksum over the IPv6 pseudo-header (RFC 8200 §8.1)", () => {
    for (const v of KERNEL_FRAMES) {
      const f = fromHex(v.hex);
      const udpLength = f.length - 14 - 40;
      expect(verifyUdpChecksum(f, 14, true, 54, udpLength), v.name).to.equal(true);
      const onWire = (f[60]! << 8) | f[61]!;
      expect(udpChecksum(f, 14, true, 54, udpLength), v.name).to.equal(onWire);
      f[100] = f[100]! ^ 0x10;
      expect(verifyUdpChecksum(f, 14, true, 54, udpLength), v.name).to.equal(false);
    }
  });

  it('sends a computed zero as 0xffff (RFC 768), which still verifies', () => {
    const f = fromHex(KERNEL_FRAMES[0]!.hex);
    const udpLength = f.length - 54;
    // With the last payload word zero, the checksum c is the complement of the sum S; putting c
    // in that word makes the sum S + ~S = 0xffff, whose checksum is 0.
    f[f.length - 2] = 0;
    f[f.length - 1] = 0;
    const c = udpChecksum(f, 14, true, 54, udpLength);
    f[f.length - 2] = c >>> 8;
    f[f.length - 1] = c & 0xff;
    expect(udpChecksum(f, 14, true, 54, udpLength)).to.equal(0xffff);
    f[60] = 0xff;
    f[61] = 0xff;
    expect(verifyUdpChecksum(f, 14, true, 54, udpLength)).to.equal(true);
  });
});

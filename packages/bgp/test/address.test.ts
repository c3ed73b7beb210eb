import { expect } from 'chai';
import fc from 'fast-check';
import { Address6 } from 'ip-address';
import { formatIpv6, parseIp, parseIpv6, formatIp, AddressError } from '../src/index.js';

describe('address text', () => {
  it('prints RFC 5952 canonical IPv6 text', () => {
    const cases: Array<[string, string]> = [
      ['2001:db8::1', '2001:db8::1'],
      ['::', '::'],
      ['::1', '::1'],
      ['2001:DB8:0:1:0:0:0:11', '2001:db8:0:1::11'],
      ['1::', '1::'],
      ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // longest run wins
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first run wins a tie
      ['1:0:3:4:5:6:7:8', '1:0:3:4:5:6:7:8'], // a single zero group is not compressed
      ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ];
    for (const [input, canonical] of cases) expect(formatIpv6(parseIpv6(input)), input).to.equal(canonical);
  });

  it('agrees with ip-address on random addresses rich in zero groups', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }),
        (groups) => {
          const bytes = new Uint8Array(16);
          groups.forEach((g, i) => {
            bytes[2 * i] = g >> 8;
            bytes[2 * i + 1] = g & 0xff;
          });
          // IPv4-mapped addresses get RFC 5952 §5 mixed notation, which ip-address does not print.
          if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return;
          const reference = Address6.fromByteArray(Array.from(bytes)).correctForm();
          expect(formatIpv6(bytes)).to.equal(reference);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('parses both families and refuses anything else with a typed error', () => {
    expect(formatIp(parseIp('192.0.2.1'))).to.equal('192.0.2.1');
    expect(parseIp('2001:db8::1')).to.have.length(16);
    for (const bad of ['', '192.0.2', '2001:db8::/32', 'fe80::1%eth0', '1:2:3:4:5:6:7:8:9', 'x']) {
      expect(() => parseIp(bad), bad).to.throw(AddressError);
    }
  });
});

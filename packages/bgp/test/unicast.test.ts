import { expect } from 'chai';
import { createContext, ipv4Unicast, ipv6Unicast, parsePrefix, prefixToString, Reader, BAD_PREFIX_LENGTH } from '../src/index.js';
import { expectTypedError } from './support/vectors.js';

describe('unicast NLRI', () => {
  const ctx = createContext();
  it('decodes an IPv6 prefix and keeps trailing bits for byte-identical re-encode', () => {
    const r = new Reader(Uint8Array.from([33, 0x20, 0x01, 0x0d, 0xb8, 0xff]));
    const p = ipv6Unicast.decode(r, ctx, undefined);
    expect(p.length).to.equal(33);
    expect(p.address[4]).to.equal(0xff);
    expect(ipv6Unicast.key(p)).to.equal('2001:db8:8000::/33');
  });
  it('rejects a prefix length past the family width with a typed error', () => {
    expectTypedError(() => ipv4Unicast.decode(new Reader(Uint8Array.from([33, 1, 2, 3, 4, 5])), ctx, undefined), BAD_PREFIX_LENGTH);
    expectTypedError(() => ipv6Unicast.decode(new Reader(Uint8Array.from([129])), ctx, undefined), BAD_PREFIX_LENGTH);
  });
  it('parses and prints prefixes', () => {
    expect(prefixToString(parsePrefix('192.0.2.0/24'))).to.equal('192.0.2.0/24');
    expect(prefixToString(parsePrefix('2001:db8:0:1::11'))).to.equal('2001:db8:0:1::11/128');
    expectTypedError(() => parsePrefix('2001:db8::/129'));
    expectTypedError(() => parsePrefix('2001:db8::1/32'));
  });
});

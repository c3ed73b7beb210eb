import { expect } from 'chai';
import type { Capability } from '../src/index.js';
import {
  BAD_CAPABILITY,
  capabilityCode,
  capabilityCodec,
  CapabilityCode,
  decodeCapability,
  fromHex,
  GracefulRestartFamilyFlag,
  GracefulRestartFlag,
  toHex,
  Writer,
} from '../src/index.js';
import type { GoldenVector } from './support/vectors.js';
import { checkVector, expectTypedError } from './support/vectors.js';

type CapVector = GoldenVector<Capability, void>;
const v = (name: string, hex: string, value?: Capability): CapVector =>
  value === undefined ? { name, hex, ctx: undefined } : { name, hex, ctx: undefined, value };
const bad = (name: string, hex: string, error = BAD_CAPABILITY): CapVector => ({ name, hex, ctx: undefined, error });

const good: CapVector[] = [
  v('multiprotocol IPv6 unicast (RFC 4760)', '01 04 0002 00 01', { kind: 'multiprotocol', afi: 2, safi: 1 }),
  v('multiprotocol L2VPN EVPN', '01 04 0019 00 46', { kind: 'multiprotocol', afi: 25, safi: 70 }),
  v('multiprotocol with a non-zero reserved octet keeps raw', '01 04 0001 07 01', {
    kind: 'multiprotocol',
    afi: 1,
    safi: 1,
    raw: fromHex('00010701'),
  }),
  v('route refresh (RFC 2918)', '02 00', { kind: 'route-refresh' }),
  v("Cisco's pre-standard route refresh stays unknown", '80 00', { kind: 'unknown', code: 128, value: new Uint8Array(0) }),
  v('extended next hop (RFC 8950): IPv4 unicast and VPN via IPv6', '05 0c 0001 0001 0002 0001 0080 0002', {
    kind: 'extended-next-hop',
    entries: [
      { afi: 1, safi: 1, nextHopAfi: 2 },
      { afi: 1, safi: 128, nextHopAfi: 2 },
    ],
  }),
  v('extended message (RFC 8654)', '06 00', { kind: 'extended-message' }),
  v('graceful restart (RFC 4724) with R and N, 120 s, two families', '40 0a c078 0001 01 80 0019 46 00', {
    kind: 'graceful-restart',
    flags: GracefulRestartFlag.RESTART_STATE | GracefulRestartFlag.NOTIFICATION,
    restartTime: 120,
    families: [
      { afi: 1, safi: 1, flags: GracefulRestartFamilyFlag.FORWARDING_STATE },
      { afi: 25, safi: 70, flags: 0 },
    ],
  }),
  v('graceful restart helper only (no families)', '40 02 0fff', { kind: 'graceful-restart', flags: 0, restartTime: 4095, families: [] }),
  v('4-octet AS (RFC 6793)', '41 04 fa56ea01', { kind: 'four-octet-as', asn: 4200000001 }),
  v('ADD-PATH (RFC 7911): IPv4 both, EVPN receive', '45 08 0001 01 03 0019 46 01', {
    kind: 'add-path',
    families: [
      { afi: 1, safi: 1, mode: 3 },
      { afi: 25, safi: 70, mode: 1 },
    ],
  }),
  v('enhanced route refresh (RFC 7313)', '46 00', { kind: 'enhanced-route-refresh' }),
  v('FQDN with hostname and domain', '49 0f 02 766d 0b 6578616d706c652e636f6d', { kind: 'fqdn', hostname: 'vm', domain: 'example.com' }),
  v('FQDN with an empty domain (as GoBGP sends)', '49 04 02 766d 00', { kind: 'fqdn', hostname: 'vm', domain: '' }),
  v('FQDN that is not UTF-8 keeps raw', '49 04 01 ff 01 41', { kind: 'fqdn', hostname: '\ufffd', domain: 'A', raw: fromHex('01ff0141') }),
  v('long-lived graceful restart stays unknown', '47 07 0019 46 80 000e10', { kind: 'unknown', code: 71, value: fromHex('0019468000' + '0e10') }),
  v('an unknown capability with a 255-byte value', '99 ff' + 'ab'.repeat(255)),
];

const malformed: CapVector[] = [
  bad('multiprotocol of 3 bytes', '01 03 0001 01'),
  bad('multiprotocol of 5 bytes', '01 05 0001 00 01 00'),
  bad('route refresh with a value', '02 01 00'),
  bad('extended next hop of 5 bytes', '05 05 0001 0001 00'),
  bad('extended next hop with no entries', '05 00'),
  bad('extended message with a value', '06 01 00'),
  bad('graceful restart of 0 bytes', '40 00'),
  bad('graceful restart of 3 bytes', '40 03 0078 00'),
  bad('4-octet AS of 2 bytes', '41 02 fc00'),
  bad('ADD-PATH of 3 bytes', '45 03 0001 01'),
  bad('ADD-PATH with no entries', '45 00'),
  bad('enhanced route refresh with a value', '46 02 0000'),
  bad('FQDN without the domain length', '49 03 02 766d'),
  bad('FQDN hostname overrunning the value', '49 03 05 766d'),
  bad('FQDN with bytes after the domain', '49 05 02 766d 00 00'),
  bad('a value overrunning the input', '41 04 0000', 'ERR_BGP_TRUNCATED'),
];

describe('capabilities: golden vectors', () => {
  for (const vec of good) checkVector(capabilityCodec, vec);
  for (const vec of malformed) checkVector(capabilityCodec, vec);
});

describe('capabilities: encoding', () => {
  it('every known kind maps to its IANA code', () => {
    expect(capabilityCode({ kind: 'multiprotocol', afi: 1, safi: 1 })).to.equal(CapabilityCode.MULTIPROTOCOL);
    expect(capabilityCode({ kind: 'fqdn', hostname: '', domain: '' })).to.equal(CapabilityCode.FQDN);
    expect(capabilityCode({ kind: 'graceful-restart', flags: 0, restartTime: 0, families: [] })).to.equal(CapabilityCode.GRACEFUL_RESTART);
    expect(capabilityCode({ kind: 'unknown', code: 200, value: new Uint8Array(0) })).to.equal(200);
  });
  it('a value over 255 bytes cannot be encoded', () => {
    const entries = Array.from({ length: 43 }, () => ({ afi: 1, safi: 1, nextHopAfi: 2 }));
    const c: Capability = { kind: 'extended-next-hop', entries };
    expectTypedError(() => capabilityCodec.encode(c, new Writer(new Uint8Array(300))), 'ERR_BGP_ENCODE');
    expectTypedError(() => capabilityCodec.encode({ kind: 'fqdn', hostname: 'h'.repeat(256), domain: '' }, new Writer(new Uint8Array(300))), 'ERR_BGP_ENCODE');
  });
  it('graceful restart fields out of range are encode errors', () => {
    const w = new Writer(new Uint8Array(10));
    expectTypedError(() => capabilityCodec.encode({ kind: 'graceful-restart', flags: 16, restartTime: 0, families: [] }, w), 'ERR_BGP_ENCODE');
    expectTypedError(() => capabilityCodec.encode({ kind: 'graceful-restart', flags: 0, restartTime: 4096, families: [] }, w), 'ERR_BGP_ENCODE');
  });
  it('a changed capability without raw encodes its fields', () => {
    const decoded = decodeCapability(fromHex('01 04 0001 07 01'));
    if (decoded.kind !== 'multiprotocol') throw new Error('expected multiprotocol');
    const { raw: _raw, ...changed } = { ...decoded, safi: 2 };
    const w = new Writer(new Uint8Array(6));
    capabilityCodec.encode(changed, w);
    expect(toHex(w.buf)).to.equal('010400010002');
  });
  it('UTF-8 names are encoded by bytes, not characters', () => {
    const c: Capability = { kind: 'fqdn', hostname: 'rübe', domain: '例え' };
    const n = capabilityCodec.encodedLength(c);
    expect(n).to.equal(2 + 2 + 5 + 6);
    const w = new Writer(new Uint8Array(n));
    capabilityCodec.encode(c, w);
    expect(decodeCapability(w.buf)).to.deep.equal(c);
  });
  it('decodeCapability refuses bytes after the capability', () => {
    expectTypedError(() => decodeCapability(fromHex('0200 00')), BAD_CAPABILITY);
  });
});

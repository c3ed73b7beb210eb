import { expect } from 'chai';
import type { Capability, NotificationError, OpenMessage } from '../src/index.js';
import {
  AS_TRANS,
  createContext,
  createOpen,
  decodeMessage,
  encodeMessage,
  findCapability,
  fromHex,
  openAs,
  openBody,
  openCapabilities,
  toHex,
} from '../src/index.js';
import { checkVector, expectTypedError } from './support/vectors.js';

const ctx = createContext();

function frameOpen(bodyHex: string): Uint8Array {
  const body = fromHex(bodyHex);
  const out = new Uint8Array(19 + body.length).fill(0xff);
  out[16] = out.length >> 8;
  out[17] = out.length & 0xff;
  out[18] = 1;
  out.set(body, 19);
  return out;
}

function expectNotification(fn: () => unknown, code: number, subcode: number, dataHex?: string): void {
  const err = expectTypedError(fn, 'ERR_BGP_NOTIFICATION') as NotificationError;
  expect([err.errorCode, err.errorSubcode]).to.deep.equal([code, subcode]);
  if (dataHex !== undefined) expect(toHex(err.data)).to.equal(dataHex);
}

const fixed = '04 fc00 005a c0000201'; // version 4, AS 64512, hold 90, id 192.0.2.1
const asCap: Capability = { kind: 'four-octet-as', asn: 64512 };
const base = { type: 'OPEN', myAs: 64512, holdTime: 90, bgpId: '192.0.2.1' } as const;

describe('OPEN: golden vectors (RFC 4271 §4.2, RFC 5492, RFC 9072)', () => {
  checkVector(openBody, {
    name: 'no optional parameters',
    hex: `${fixed} 00`,
    ctx,
    value: { ...base, capabilityGroups: [], extendedOptionalParameters: false },
  });
  checkVector(openBody, {
    name: 'one capability per parameter keeps the grouping',
    hex: `${fixed} 10 02 06 41040000fc00 02 02 0200 02 02 4600`,
    ctx,
    value: {
      ...base,
      capabilityGroups: [[asCap], [{ kind: 'route-refresh' }], [{ kind: 'enhanced-route-refresh' }]],
      extendedOptionalParameters: false,
    },
  });
  checkVector(openBody, {
    name: 'an empty Capabilities parameter',
    hex: `${fixed} 02 02 00`,
    ctx,
    value: { ...base, capabilityGroups: [[]], extendedOptionalParameters: false },
  });
  checkVector(openBody, {
    name: 'RFC 9072 extended optional parameters form',
    hex: `${fixed} ff ff 0009 02 0006 41040000fc00`,
    ctx,
    value: { ...base, capabilityGroups: [[asCap]], extendedOptionalParameters: true },
  });
  checkVector(openBody, {
    name: 'RFC 9072 form with an odd Non-Ext OP Len (ignored, sent back as 255)',
    hex: `${fixed} 07 ff 0009 02 0006 41040000fc00`,
    ctx,
    value: { ...base, capabilityGroups: [[asCap]], extendedOptionalParameters: true },
    normalises: true,
  });
  checkVector(openBody, { name: 'hold time 0 is allowed', hex: '04 fc00 0000 c0000201 00', ctx });
  checkVector(openBody, { name: 'hold time 3 is allowed', hex: '04 fc00 0003 c0000201 00', ctx });
});

describe('OPEN: errors', () => {
  it('version other than 4 is 2/1 with the version we support as data', () => {
    expectNotification(() => decodeMessage(frameOpen('03 fc00 005a c0000201 00'), ctx), 2, 1, '0004');
  });
  it('hold time 1 or 2 is 2/6', () => {
    expectNotification(() => decodeMessage(frameOpen('04 fc00 0001 c0000201 00'), ctx), 2, 6);
    expectNotification(() => decodeMessage(frameOpen('04 fc00 0002 c0000201 00'), ctx), 2, 6);
  });
  it('BGP identifier 0.0.0.0 is 2/3', () => {
    expectNotification(() => decodeMessage(frameOpen('04 fc00 005a 00000000 00'), ctx), 2, 3);
  });
  it('a non-capability optional parameter is 2/4', () => {
    expectNotification(() => decodeMessage(frameOpen(`${fixed} 04 01 02 0000`), ctx), 2, 4);
    expectNotification(() => decodeMessage(frameOpen(`${fixed} ff ff 0005 07 0002 0000`), ctx), 2, 4);
  });
  it('a malformed capability is 2/0 (RFC 4271 §6.2: recognised but malformed)', () => {
    expectNotification(() => decodeMessage(frameOpen(`${fixed} 06 02 04 41 02 fc00`), ctx), 2, 0);
  });
  it('optional parameters overrunning the message, or bytes after them, are 2/0', () => {
    expectNotification(() => decodeMessage(frameOpen(`${fixed} 09 02 06 41040000fc00`), ctx), 2, 0);
    expectNotification(() => decodeMessage(frameOpen(`${fixed} 08 02 07 41040000fc00`), ctx), 2, 0);
    expectNotification(() => decodeMessage(frameOpen(`${fixed} 02 02 00 00`), ctx), 2, 0);
    expectNotification(() => decodeMessage(frameOpen(`${fixed} ff ff 0010 02 0006 41040000fc00`), ctx), 2, 0);
  });
  it('encoding refuses hold time 1 or 2 and a bad identifier', () => {
    const open = createOpen({ asn: 64512, holdTime: 90, bgpId: '192.0.2.1', capabilities: [] });
    expectTypedError(() => encodeMessage({ ...open, holdTime: 2 }, ctx), 'ERR_BGP_ENCODE');
    expectTypedError(() => encodeMessage({ ...open, bgpId: '2001:db8::1' }, ctx), 'ERR_BGP_ENCODE');
    expectTypedError(() => createOpen({ asn: 0, holdTime: 90, bgpId: '192.0.2.1', capabilities: [] }), 'ERR_BGP_ENCODE');
  });
});

describe('OPEN: helpers', () => {
  it('createOpen puts AS_TRANS in My AS and the real AS in the capability (RFC 6793)', () => {
    const open = createOpen({ asn: 4200000001, holdTime: 90, bgpId: '192.0.2.1', capabilities: [{ kind: 'route-refresh' }] });
    expect(open.myAs).to.equal(AS_TRANS);
    expect(findCapability(open, 'four-octet-as')?.asn).to.equal(4200000001);
    expect(openAs(open)).to.equal(4200000001);
    const decoded = decodeMessage(encodeMessage(open, ctx), ctx) as OpenMessage;
    expect(openAs(decoded)).to.equal(4200000001);
  });
  it('createOpen keeps a 4-octet AS capability given to it and a 2-octet AS as is', () => {
    const open = createOpen({ asn: 64512, holdTime: 90, bgpId: '192.0.2.1', capabilities: [asCap] });
    expect(open.myAs).to.equal(64512);
    expect(openCapabilities(open)).to.deep.equal([asCap]);
  });
  it('openAs without the capability is My AS', () => {
    expect(openAs({ ...base, capabilityGroups: [], extendedOptionalParameters: false })).to.equal(64512);
  });
  it('openCapabilities flattens the groups in order', () => {
    const open: OpenMessage = { ...base, capabilityGroups: [[asCap], [], [{ kind: 'route-refresh' }]], extendedOptionalParameters: false };
    expect(openCapabilities(open).map((c) => c.kind)).to.deep.equal(['four-octet-as', 'route-refresh']);
  });
  it('switches to the RFC 9072 form when parameters exceed 255 bytes, and decodes back', () => {
    const caps: Capability[] = Array.from({ length: 70 }, (_, i) => ({ kind: 'multiprotocol', afi: 1, safi: i + 1 }));
    const open = createOpen({ asn: 64512, holdTime: 90, bgpId: '192.0.2.1', capabilities: caps });
    const bytes = encodeMessage(open, ctx);
    expect(toHex(bytes.subarray(28, 32))).to.equal('ffff' + (3 + 71 * 6).toString(16).padStart(4, '0'));
    expect(decodeMessage(bytes, ctx)).to.deep.equal({ ...open, extendedOptionalParameters: true });
  });
  it('sends the RFC 9072 form on request even when short', () => {
    const open = createOpen({ asn: 64512, holdTime: 90, bgpId: '192.0.2.1', capabilities: [], extendedOptionalParameters: true });
    expect(toHex(encodeMessage(open, ctx).subarray(19))).to.equal('04fc00005ac0000201ffff0009020006410400' + '00fc00');
  });
});

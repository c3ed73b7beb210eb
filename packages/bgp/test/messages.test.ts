import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BgpMessage, OpenMessage } from '../src/index.js';
import {
  checkHeader,
  createContext,
  createNotification,
  createOpen,
  createRouteRefresh,
  decodeMessage,
  encodeMessage,
  encodeMessageInto,
  fromHex,
  KEEPALIVE,
  MessageFramer,
  messageCodec,
  messageLength,
  NotificationError,
  toHex,
  Writer,
} from '../src/index.js';
import { checkVector, expectTypedError } from './support/vectors.js';

const captureDir = fileURLToPath(new URL('./vectors/gobgp-evpn/', import.meta.url));
const lines = (file: string) =>
  readFileSync(`${captureDir}${file}`, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
const sent = lines('messages.hex.txt');
const received = lines('messages.receiver.hex.txt');

const ctx = createContext();
const extCtx = createContext({ extendedMessage: true });

/** A whole message from a type and a body in hex (the header is computed). */
function frame(type: number, bodyHex: string, lengthOverride?: number): string {
  const body = fromHex(bodyHex);
  const length = lengthOverride ?? 19 + body.length;
  return 'ff'.repeat(16) + length.toString(16).padStart(4, '0') + type.toString(16).padStart(2, '0') + toHex(body);
}

function expectNotification(fn: () => unknown, code: number, subcode: number, dataHex?: string): NotificationError {
  const err = expectTypedError(fn, 'ERR_BGP_NOTIFICATION') as NotificationError;
  expect(err).to.be.instanceOf(NotificationError);
  expect([err.errorCode, err.errorSubcode]).to.deep.equal([code, subcode]);
  if (dataHex !== undefined) expect(toHex(err.data)).to.equal(dataHex);
  return err;
}

const gobgpOpen: OpenMessage = {
  type: 'OPEN',
  myAs: 64512,
  holdTime: 90,
  bgpId: '192.0.2.1',
  capabilityGroups: [
    [
      { kind: 'route-refresh' },
      { kind: 'fqdn', hostname: 'vm', domain: '' },
      { kind: 'multiprotocol', afi: 25, safi: 70 },
      { kind: 'four-octet-as', asn: 64512 },
      { kind: 'extended-next-hop', entries: [{ afi: 25, safi: 70, nextHopAfi: 2 }] },
    ],
  ],
  extendedOptionalParameters: false,
};

describe('messages: captured GoBGP session', () => {
  checkVector(messageCodec, { name: 'GoBGP OPEN (sender, line 1)', hex: sent[0]!, ctx, value: gobgpOpen });
  checkVector(messageCodec, { name: 'GoBGP OPEN (receiver)', hex: received[0]!, ctx, value: { ...gobgpOpen, bgpId: '192.0.2.2' } });
  checkVector(messageCodec, { name: 'GoBGP KEEPALIVE', hex: sent[1]!, ctx, value: { type: 'KEEPALIVE' } });
  checkVector(messageCodec, {
    name: 'GoBGP NOTIFICATION 6/2 (last line)',
    hex: sent[sent.length - 1]!,
    ctx,
    value: { type: 'NOTIFICATION', code: 6, subcode: 2, data: new Uint8Array(0) },
  });

  it('the whole sender stream splits at every point into the captured messages', () => {
    const stream = fromHex(sent.join(''));
    for (let cut = 0; cut <= stream.length; cut++) {
      const f = new MessageFramer();
      const out = [...f.push(stream.slice(0, cut)), ...f.push(stream.slice(cut))];
      expect(out.map(toHex), `split at ${cut}`).to.deep.equal(sent);
      expect(f.buffered).to.equal(0);
    }
  });

  it('decodes every non-UPDATE message of both directions from the framer', () => {
    const f = new MessageFramer();
    const kinds: string[] = [];
    for (const m of f.push(fromHex([...sent, ...received].join('')))) {
      if (m[18] === 2) continue; // UPDATE: the attributes work owns those
      const msg = decodeMessage(m, ctx);
      kinds.push(msg.type);
      expect(toHex(encodeMessage(msg, ctx))).to.equal(toHex(m));
    }
    expect(kinds.filter((k) => k === 'OPEN')).to.have.length(2);
    expect(kinds.filter((k) => k === 'KEEPALIVE')).to.have.length(sent.filter((l) => l.length === 38).length + 3);
    expect(kinds.filter((k) => k === 'NOTIFICATION')).to.have.length(1);
  });
});

describe('messages: header checks (RFC 4271 §6.1)', () => {
  it('a marker that is not all ones is 1/1', () => {
    const bad = fromHex(frame(4, ''));
    bad[5] = 0xfe;
    expectNotification(() => decodeMessage(bad, ctx), 1, 1, '');
  });
  it('length below 19 or above 4096 is 1/2 with the length field as data', () => {
    expectNotification(() => decodeMessage(fromHex(frame(4, '', 18)), ctx), 1, 2, '0012');
    expectNotification(() => decodeMessage(fromHex(frame(2, '00'.repeat(4078))), ctx), 1, 2, '1001');
  });
  it('an unknown type is 1/3 with the type octet as data', () => {
    expectNotification(() => decodeMessage(fromHex(frame(6, '')), ctx), 1, 3, '06');
    expectNotification(() => decodeMessage(fromHex(frame(0, '')), ctx), 1, 3, '00');
  });
  it('a length wrong for the type is 1/2', () => {
    expectNotification(() => decodeMessage(fromHex(frame(1, '04fc00005ac0000201')), ctx), 1, 2, '001c'); // OPEN < 29
    expectNotification(() => decodeMessage(fromHex(frame(2, '000000')), ctx), 1, 2, '0016'); // UPDATE < 23
    expectNotification(() => decodeMessage(fromHex(frame(3, '06')), ctx), 1, 2, '0014'); // NOTIFICATION < 21
    expectNotification(() => decodeMessage(fromHex(frame(4, '00')), ctx), 1, 2, '0014'); // KEEPALIVE != 19
    expectNotification(() => decodeMessage(fromHex(frame(5, '000100')), ctx), 1, 2, '0016'); // ROUTE-REFRESH < 23
  });
  it('extended messages raise the limit to 65535, but never for OPEN or KEEPALIVE (RFC 8654)', () => {
    const bigNotification = fromHex(frame(3, '0600' + '00'.repeat(5000)));
    expectNotification(() => decodeMessage(bigNotification, ctx), 1, 2);
    const m = decodeMessage(bigNotification, extCtx);
    expect(m.type === 'NOTIFICATION' && m.data.length).to.equal(5000);
    const header = new Uint8Array(19).fill(0xff);
    header[16] = 0x13;
    header[17] = 0x88;
    header[18] = 2;
    expect(checkHeader(header, 0, 65535)).to.equal(5000); // a 5000-byte UPDATE header passes
    header[18] = 1;
    expectNotification(() => checkHeader(header, 0, 65535), 1, 2, '1388');
    const bigOpen = createOpen({ asn: 64512, holdTime: 90, bgpId: '192.0.2.1', capabilities: [{ kind: 'unknown', code: 200, value: new Uint8Array(250) }] });
    const groups = Array.from({ length: 20 }, () => bigOpen.capabilityGroups[0]!);
    expectTypedError(() => encodeMessage({ ...bigOpen, capabilityGroups: groups }, extCtx), 'ERR_BGP_ENCODE');
  });
  it('bytes shorter than the header length, or longer, are typed errors', () => {
    const ka = fromHex(sent[1]!);
    expectTypedError(() => decodeMessage(ka.subarray(0, 10), ctx), 'ERR_BGP_TRUNCATED');
    const open = fromHex(sent[0]!);
    expectTypedError(() => decodeMessage(open.subarray(0, 40), ctx), 'ERR_BGP_TRUNCATED');
    const twice = fromHex(sent[1]! + sent[2]!);
    expectTypedError(() => decodeMessage(twice, ctx), 'ERR_BGP_BAD_LENGTH');
  });
});

describe('messages: encoding', () => {
  const samples: BgpMessage[] = [
    KEEPALIVE,
    createNotification(6, 2, { communication: 'maintenance' }),
    createRouteRefresh(25, 70, 1),
    createOpen({ asn: 4200000001, holdTime: 180, bgpId: '198.51.100.7', capabilities: [{ kind: 'multiprotocol', afi: 2, safi: 1 }] }),
  ];
  for (const m of samples) {
    it(`${m.type} round-trips and messageLength matches`, () => {
      const bytes = encodeMessage(m, ctx);
      expect(bytes.length).to.equal(messageLength(m, ctx));
      expect(decodeMessage(bytes, ctx)).to.deep.equal(m);
    });
  }
  it('encodeMessageInto writes at the writer position', () => {
    const w = new Writer(new Uint8Array(3 + 19 + 23), 3);
    encodeMessageInto(KEEPALIVE, w, ctx);
    encodeMessageInto(createRouteRefresh(1, 1), w, ctx);
    expect(w.pos).to.equal(45);
    expect(toHex(w.buf.subarray(3, 22))).to.equal(sent[1]);
  });
  it('an OPEN built for a 4-octet AS says AS_TRANS in My AS', () => {
    const bytes = encodeMessage(samples[3]!, ctx);
    expect(toHex(bytes.subarray(20, 22))).to.equal('5ba0');
  });
});

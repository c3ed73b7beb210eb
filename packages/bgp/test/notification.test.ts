import { expect } from 'chai';
import type { NotificationMessage } from '../src/index.js';
import {
  createContext,
  createHardReset,
  createNotification,
  decodeMessage,
  describeNotification,
  encodeMessage,
  fromHex,
  hardResetCause,
  messageCodec,
  notificationBody,
  notificationCodeName,
  notificationName,
  notificationSubcodeName,
  parseShutdownCommunication,
  shutdownCommunicationData,
  toHex,
} from '../src/index.js';
import { checkVector, expectTypedError } from './support/vectors.js';

const ctx = createContext();
const utf8 = (s: string) => new TextEncoder().encode(s);
/** Whole messages: the NOTIFICATION body alone is not self-delimiting (data runs to the end). */
const whole = (bodyHex: string) => {
  const body = fromHex(bodyHex);
  return 'ff'.repeat(16) + (19 + body.length).toString(16).padStart(4, '0') + '03' + toHex(body);
};
const n = (code: number, subcode: number, dataHex = ''): NotificationMessage => ({ type: 'NOTIFICATION', code, subcode, data: fromHex(dataHex) });

describe('NOTIFICATION: golden vectors (RFC 4271 §4.5, RFC 9003, RFC 8538)', () => {
  checkVector(notificationBody, { name: 'body alone', hex: '04 00', ctx, value: n(4, 0), truncationMayDecode: (cut) => cut >= 2 });
  checkVector(messageCodec, { name: 'bad message length with the length as data', hex: whole('01 02 0012'), ctx, value: n(1, 2, '0012') });
  checkVector(messageCodec, {
    name: 'administrative shutdown with a communication',
    hex: whole('06 02 0b ' + toHex(utf8('maintenance'))),
    ctx,
    value: { ...n(6, 2, '0b' + toHex(utf8('maintenance'))), communication: 'maintenance' },
  });
  checkVector(messageCodec, {
    name: 'administrative reset with a multibyte communication',
    hex: whole('06 04 09 ' + toHex(utf8('再起動'))),
    ctx,
    value: { ...n(6, 4, '09' + toHex(utf8('再起動'))), communication: '再起動' },
  });
  checkVector(messageCodec, { name: 'shutdown with a length longer than the data stays raw', hex: whole('06 02 05 414243'), ctx, value: n(6, 2, '05414243') });
  checkVector(messageCodec, { name: 'shutdown with invalid UTF-8 stays raw', hex: whole('06 02 02 c328'), ctx, value: n(6, 2, '02c328') });
  checkVector(messageCodec, { name: 'shutdown with bytes after the communication stays raw', hex: whole('06 02 01 41 42'), ctx, value: n(6, 2, '014142') });
  checkVector(messageCodec, { name: 'shutdown with an empty communication', hex: whole('06 02 00'), ctx, value: { ...n(6, 2, '00'), communication: '' } });
  checkVector(messageCodec, {
    name: 'hard reset wrapping a shutdown with a communication (RFC 8538)',
    hex: whole('06 09 06 02 04 62796521'),
    ctx,
    value: { ...n(6, 9, '0602 04 62796521'), communication: 'bye!' },
  });
  checkVector(messageCodec, { name: 'UPDATE error keeps its data', hex: whole('03 05 c0 10 03 000102'), ctx, value: n(3, 5, 'c01003000102') });
  checkVector(messageCodec, { name: 'whole NOTIFICATION 2/2 with peer AS data', hex: 'ff'.repeat(16) + '0017 03 02 02 fde8', ctx, value: n(2, 2, 'fde8') });
});

describe('NOTIFICATION: building', () => {
  it('createNotification encodes the communication as RFC 9003 data', () => {
    const m = createNotification(6, 2, { communication: 'planned work, back at 03:00' });
    expect(toHex(m.data)).to.equal('1b' + toHex(utf8('planned work, back at 03:00')));
    expect(decodeMessage(encodeMessage(m, ctx), ctx)).to.deep.equal(m);
  });
  it('cuts a communication over 255 bytes at a character boundary', () => {
    const data = shutdownCommunicationData('é'.repeat(200));
    expect(data[0]).to.equal(254);
    expect(parseShutdownCommunication(data)).to.equal('é'.repeat(127));
    expect(shutdownCommunicationData('x'.repeat(300))[0]).to.equal(255);
  });
  it('refuses a communication on a code that does not carry one', () => {
    expectTypedError(() => createNotification(3, 1, { communication: 'no' }), 'ERR_BGP_ENCODE');
  });
  it('createNotification with data keeps it', () => {
    expect(createNotification(1, 2, { data: fromHex('0012') })).to.deep.equal(n(1, 2, '0012'));
    expect(createNotification(5, 3)).to.deep.equal(n(5, 3));
  });
  it('createHardReset wraps the cause and hardResetCause unwraps it', () => {
    const m = createHardReset({ code: 6, subcode: 4, data: shutdownCommunicationData('reset') });
    expect([m.code, m.subcode, m.communication]).to.deep.equal([6, 9, 'reset']);
    const inner = hardResetCause(m);
    expect(inner && [inner.code, inner.subcode, toHex(inner.data)]).to.deep.equal([6, 4, '05' + toHex(utf8('reset'))]);
    expect(hardResetCause(n(6, 9, '06'))).to.equal(undefined);
    expect(hardResetCause(n(6, 2, '0602'))).to.equal(undefined);
    const plain = createHardReset({ code: 4, subcode: 0, data: new Uint8Array(0) });
    expect(plain).to.deep.equal(n(6, 9, '0400'));
  });
});

describe('NOTIFICATION: names', () => {
  const table: [number, number, string][] = [
    [1, 1, 'Message Header Error / Connection Not Synchronized'],
    [1, 3, 'Message Header Error / Bad Message Type'],
    [2, 0, 'OPEN Message Error / Unspecific'],
    [2, 6, 'OPEN Message Error / Unacceptable Hold Time'],
    [2, 7, 'OPEN Message Error / Unsupported Capability'],
    [2, 11, 'OPEN Message Error / Role Mismatch'],
    [3, 11, 'UPDATE Message Error / Malformed AS_PATH'],
    [4, 0, 'Hold Timer Expired / Unspecific'],
    [5, 2, 'Finite State Machine Error / Receive Unexpected Message in OpenConfirm State'],
    [6, 1, 'Cease / Maximum Number of Prefixes Reached'],
    [6, 7, 'Cease / Connection Collision Resolution'],
    [6, 9, 'Cease / Hard Reset'],
    [6, 10, 'Cease / BFD Down'],
    [7, 1, 'ROUTE-REFRESH Message Error / Invalid Message Length'],
    [8, 0, 'Send Hold Timer Expired / Unspecific'],
  ];
  for (const [code, subcode, name] of table) {
    it(`${code}/${subcode} is "${name}"`, () => expect(notificationName(code, subcode)).to.equal(name));
  }
  it('every code 1..7 names subcodes 0 up to its last assigned one', () => {
    const last: Record<number, number> = { 1: 3, 2: 11, 3: 11, 4: 0, 5: 3, 6: 10, 7: 1 };
    for (const [code, max] of Object.entries(last)) {
      for (let s = 0; s <= max; s++) expect(notificationSubcodeName(Number(code), s)).not.to.match(/^Subcode /);
    }
  });
  it('unassigned numbers print as numbers', () => {
    expect(notificationCodeName(42)).to.equal('Error code 42');
    expect(notificationName(6, 77)).to.equal('Cease / Subcode 77');
  });
  it('describeNotification shows the communication, the wrapped cause, or the data', () => {
    expect(describeNotification(createNotification(6, 2, { communication: 'maint' }))).to.equal('6/2 Cease / Administrative Shutdown: "maint"');
    expect(describeNotification(createHardReset({ code: 4, subcode: 0, data: new Uint8Array(0) }))).to.equal(
      '6/9 Cease / Hard Reset (4/0 Hold Timer Expired / Unspecific)',
    );
    expect(describeNotification(n(1, 2, '0012'))).to.equal('1/2 Message Header Error / Bad Message Length data 0012');
    expect(describeNotification(n(6, 3))).to.equal('6/3 Cease / Peer De-configured');
  });
});

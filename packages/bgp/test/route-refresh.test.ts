import { expect } from 'chai';
import type { NotificationError, RouteRefreshMessage } from '../src/index.js';
import { createContext, createRouteRefresh, decodeMessage, encodeMessage, fromHex, messageCodec, RouteRefreshSubtype, routeRefreshBody, toHex } from '../src/index.js';
import { checkVector, expectTypedError } from './support/vectors.js';

const ctx = createContext();
const rr = (afi: number, safi: number, subtype: number, orfHex = ''): RouteRefreshMessage => ({
  type: 'ROUTE_REFRESH',
  afi,
  safi,
  subtype,
  orf: fromHex(orfHex),
});
const whole = (bodyHex: string) => {
  const body = fromHex(bodyHex);
  return 'ff'.repeat(16) + (19 + body.length).toString(16).padStart(4, '0') + '05' + toHex(body);
};

describe('ROUTE-REFRESH: golden vectors (RFC 2918, RFC 7313)', () => {
  checkVector(messageCodec, { name: 'normal request IPv4 unicast', hex: whole('0001 00 01'), ctx, value: rr(1, 1, RouteRefreshSubtype.NORMAL) });
  checkVector(messageCodec, { name: 'BoRR for EVPN', hex: whole('0019 01 46'), ctx, value: rr(25, 70, RouteRefreshSubtype.BEGIN_OF_RR) });
  checkVector(messageCodec, { name: 'EoRR for IPv6 unicast', hex: whole('0002 02 01'), ctx, value: rr(2, 1, RouteRefreshSubtype.END_OF_RR) });
  checkVector(messageCodec, { name: 'reserved subtype 255 is kept as its number', hex: whole('0002 ff 01'), ctx, value: rr(2, 1, 255) });
  checkVector(messageCodec, {
    name: 'normal request with ORF entries (RFC 5291) kept raw',
    hex: whole('0001 00 01 01 40 0007 00 0000000000'),
    ctx,
    value: rr(1, 1, 0, '01400007000000000000'),
  });
  checkVector(routeRefreshBody, { name: 'body alone', hex: '0019 00 46', ctx, value: rr(25, 70, 0) });
});

describe('ROUTE-REFRESH: errors', () => {
  it('BoRR or EoRR longer than 23 bytes is 7/1 with the whole message as data (RFC 7313 §5)', () => {
    for (const subtype of ['01', '02']) {
      const bytes = fromHex(whole(`0019 ${subtype} 46 00`));
      const err = expectTypedError(() => decodeMessage(bytes, ctx), 'ERR_BGP_NOTIFICATION') as NotificationError;
      expect([err.errorCode, err.errorSubcode]).to.deep.equal([7, 1]);
      expect(toHex(err.data)).to.equal(toHex(bytes));
    }
  });
  it('shorter than 23 bytes is a header error 1/2', () => {
    const err = expectTypedError(() => decodeMessage(fromHex(whole('0019 01')), ctx), 'ERR_BGP_NOTIFICATION') as NotificationError;
    expect([err.errorCode, err.errorSubcode, toHex(err.data)]).to.deep.equal([1, 2, '0016']);
  });
  it('createRouteRefresh round-trips', () => {
    const m = createRouteRefresh(25, 70, RouteRefreshSubtype.END_OF_RR);
    expect(toHex(encodeMessage(m, ctx))).to.equal(whole('0019 02 46'));
    expect(decodeMessage(encodeMessage(m, ctx), ctx)).to.deep.equal(m);
  });
});

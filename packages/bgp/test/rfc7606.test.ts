/**
 * RFC 7606 revised error handling: one row per rule, each with the input bytes and the
 * expected action. Every row is a whole UPDATE body; `attrs` is its path attribute field.
 */
import { expect } from 'chai';
import type { CodecContext, ErrorAction, UpdateMessage } from '../src/index.js';
import {
  ATTRIBUTE_RULES,
  createContext,
  fromHex,
  getAttribute,
  NotificationError,
  Reader,
  Rfc7606Reason,
  strongerAction,
  toHex,
  updateBody,
} from '../src/index.js';

const hex16 = (n: number) => n.toString(16).padStart(4, '0');
function body(attrs: string, nlri = '18c00002', withdrawn = ''): string {
  return hex16(withdrawn.length / 2) + withdrawn + hex16(attrs.length / 2) + attrs + nlri;
}

// A valid route: ORIGIN IGP, empty AS_PATH, NEXT_HOP 192.0.2.1, NLRI 192.0.2.0/24.
const ORIGIN = '40010100';
const AS_PATH = '400200';
const NEXT_HOP = '400304c0000201';
const BASE = ORIGIN + AS_PATH + NEXT_HOP;
// MP_REACH for IPv6 unicast, next hop 2001:db8::1, NLRI 2001:db8::/32.
const MP_REACH_V6 = '800e1a' + '000201' + '10' + '20010db8000000000000000000000001' + '00' + '2020010db8';
const MP_UNREACH_V6 = '800f08' + '000201' + '2020010db8';

const ibgp = createContext();
const ebgp: CodecContext = { ...createContext(), external: true };
const twoOctet = createContext({ fourOctetAs: false });

type Expect =
  | { readonly ok: true }
  | { readonly action: ErrorAction; readonly reason: string; readonly code: number | undefined }
  | { readonly reset: number; readonly data?: string };

interface Row {
  readonly rule: string;
  readonly name: string;
  readonly body: string;
  readonly ctx?: CodecContext;
  readonly expect: Expect;
}

const R = Rfc7606Reason;
const W = 'treat-as-withdraw' as const;
const D = 'discard' as const;
const A = 'afisafi-disable' as const;

const ROWS: readonly Row[] = [
  // --- §3 c: attribute flags ---
  { rule: '§3 c', name: 'ORIGIN with the Optional bit', body: body('c0010100' + AS_PATH + NEXT_HOP), expect: { action: W, reason: R.flags, code: 1 } },
  { rule: '§3 c', name: 'ORIGIN with the Partial bit', body: body('60010100' + AS_PATH + NEXT_HOP), expect: { action: W, reason: R.flags, code: 1 } },
  { rule: '§3 c', name: 'AS_PATH with the Transitive bit clear', body: body(ORIGIN + '000200' + NEXT_HOP), expect: { action: W, reason: R.flags, code: 2 } },
  { rule: '§3 c', name: 'MULTI_EXIT_DISC with the Transitive bit', body: body(BASE + 'c0040400000001'), expect: { action: W, reason: R.flags, code: 4 } },
  { rule: '§3 c', name: 'MULTI_EXIT_DISC (non-transitive) with the Partial bit', body: body(BASE + 'a0040400000001'), expect: { action: W, reason: R.flags, code: 4 } },
  { rule: '§3 c', name: 'COMMUNITIES non-transitive', body: body(BASE + '800804fde80001'), expect: { action: W, reason: R.flags, code: 8 } },
  { rule: '§3 c', name: 'EXTENDED_COMMUNITIES non-transitive', body: body(BASE + '8010080002fde800000064'), expect: { action: W, reason: R.flags, code: 16 } },
  // §7.6 and §7.7 only discard a bad length or value; wrong flags are §3 c's treat-as-withdraw.
  { rule: '§3 c', name: 'ATOMIC_AGGREGATE flagged optional: treat-as-withdraw, not §7.6 discard', body: body(BASE + 'c00600'), expect: { action: W, reason: R.flags, code: 6 } },
  { rule: '§3 c', name: 'AGGREGATOR non-transitive: treat-as-withdraw, not §7.7 discard', body: body(BASE + '8007080000fde8c0000201'), expect: { action: W, reason: R.flags, code: 7 } },
  { rule: '§3 c + §7.11', name: 'MP_REACH_NLRI with the Transitive bit: AFI/SAFI disable', body: body(BASE.replace(NEXT_HOP, '') + 'c00e1a' + MP_REACH_V6.slice(6), ''), expect: { action: A, reason: R.flags, code: 14 } },

  // --- §3 g: duplicates ---
  { rule: '§3 g', name: 'LOCAL_PREF twice: later copies discarded', body: body(BASE + '4005040000006440050400000001'), expect: { action: D, reason: R.duplicate, code: 5 } },
  { rule: '§3 g', name: 'unknown optional attribute twice', body: body(BASE + 'c0f00101c0f00102'), expect: { action: D, reason: R.duplicate, code: 0xf0 } },
  { rule: '§3 g', name: 'MP_REACH_NLRI twice: session reset', body: body(ORIGIN + AS_PATH + MP_REACH_V6 + MP_REACH_V6, ''), expect: { reset: 1, data: '' } },
  { rule: '§3 g', name: 'MP_UNREACH_NLRI twice: session reset', body: body(MP_UNREACH_V6 + MP_UNREACH_V6, ''), expect: { reset: 1, data: '' } },

  // --- §3 d: missing well-known attributes (only when there are NLRI) ---
  { rule: '§3 d', name: 'ORIGIN missing with NLRI', body: body(AS_PATH + NEXT_HOP), expect: { action: W, reason: R.missingWellKnown, code: 1 } },
  { rule: '§3 d', name: 'AS_PATH missing with NLRI', body: body(ORIGIN + NEXT_HOP), expect: { action: W, reason: R.missingWellKnown, code: 2 } },
  { rule: '§3 d', name: 'NEXT_HOP missing with IPv4 NLRI', body: body(ORIGIN + AS_PATH), expect: { action: W, reason: R.missingWellKnown, code: 3 } },
  { rule: '§3 d', name: 'ORIGIN missing with MP_REACH NLRI', body: body(AS_PATH + MP_REACH_V6, ''), expect: { action: W, reason: R.missingWellKnown, code: 1 } },
  { rule: '§3 d', name: 'no NEXT_HOP needed for MP_REACH only', body: body(ORIGIN + AS_PATH + MP_REACH_V6, ''), expect: { ok: true } },
  { rule: '§3 d', name: 'nothing mandatory without NLRI (withdrawals only)', body: body('', '', '18c63364'), expect: { ok: true } },

  // --- §4: lengths inside the path attribute field ---
  { rule: '§4', name: 'last attribute overruns the path attribute field', body: body(BASE + 'c00808fde80001'), expect: { action: W, reason: R.overrun, code: 8 } },
  { rule: '§4', name: 'two bytes left: too short for a header', body: body(BASE + 'c008'), expect: { action: W, reason: R.overrun, code: undefined } },
  { rule: '§4', name: 'extended-length header cut short', body: body(BASE + 'd00800'), expect: { action: W, reason: R.overrun, code: undefined } },
  { rule: '§4', name: 'MP_REACH_NLRI overrunning the field: session reset', body: body(ORIGIN + AS_PATH + '800e40000201', ''), expect: { reset: 1 } },
  { rule: 'RFC 4271 §6.3', name: 'Total Path Attribute Length overruns the message', body: '0000ffff' + BASE, expect: { reset: 1 } },
  { rule: 'RFC 4271 §6.3', name: 'Withdrawn Routes Length overruns the message', body: '0010' + '18c63364', expect: { reset: 1 } },

  // --- §5.3 and RFC 4271 §6.3: IPv4 NLRI and withdrawn fields ---
  { rule: '§5.3', name: 'NLRI prefix length 33', body: body(BASE, '21c0000201ff'), expect: { reset: 10 } },
  { rule: '§5.3', name: 'NLRI prefix runs past the message', body: body(BASE, '18c000'), expect: { reset: 10 } },
  { rule: '§5.3', name: 'withdrawn prefix length 40', body: body('', '', '28c6336400ff'), expect: { reset: 10 } },

  // --- RFC 4271 §6.3 (kept by RFC 7606): unrecognized well-known attribute ---
  { rule: 'RFC 4271 §6.3', name: 'unrecognized well-known attribute: session reset with the attribute as data', body: body(BASE + '40f002abcd'), expect: { reset: 2, data: '40f002abcd' } },
  { rule: 'RFC 4271 §5', name: 'unrecognized optional attribute: kept', body: body(BASE + '80f002abcd'), expect: { ok: true } },

  // --- §7.1 ORIGIN ---
  { rule: '§7.1', name: 'ORIGIN length 0', body: body('400100' + AS_PATH + NEXT_HOP), expect: { action: W, reason: R.length, code: 1 } },
  { rule: '§7.1', name: 'ORIGIN length 2', body: body('4001020000' + AS_PATH + NEXT_HOP), expect: { action: W, reason: R.length, code: 1 } },
  { rule: '§7.1', name: 'ORIGIN value 3', body: body('40010103' + AS_PATH + NEXT_HOP), expect: { action: W, reason: R.value, code: 1 } },

  // --- §7.2 AS_PATH (4-octet session) ---
  { rule: '§7.2', name: 'AS_PATH segment type 0', body: body(ORIGIN + '40020600010000fde9' + NEXT_HOP), expect: { action: W, reason: R.asPathSegment, code: 2 } },
  { rule: '§7.2', name: 'AS_PATH segment type 5', body: body(ORIGIN + '40020605010000fde9' + NEXT_HOP), expect: { action: W, reason: R.asPathSegment, code: 2 } },
  { rule: '§7.2', name: 'AS_PATH zero-length segment', body: body(ORIGIN + '4002020200' + NEXT_HOP), expect: { action: W, reason: R.asPathSegment, code: 2 } },
  { rule: '§7.2', name: 'AS_PATH segment overrun', body: body(ORIGIN + '40020602020000fde9' + NEXT_HOP), expect: { action: W, reason: R.asPathSegment, code: 2 } },
  { rule: '§7.2', name: 'AS_PATH segment underrun (trailing byte)', body: body(ORIGIN + '40020702010000fde902' + NEXT_HOP), expect: { action: W, reason: R.asPathSegment, code: 2 } },
  { rule: '§7.2', name: 'AS_PATH 2-octet encoding on a 4-octet session (odd bytes)', body: body(ORIGIN + '4002040201fde9' + NEXT_HOP), expect: { action: W, reason: R.asPathSegment, code: 2 } },
  { rule: 'RFC 7607 §2', name: 'AS_PATH with AS 0', body: body(ORIGIN + '400206020100000000' + NEXT_HOP), expect: { action: W, reason: R.value, code: 2 } },
  { rule: '§7.2', name: 'AS_CONFED_SEQUENCE from an external peer', ctx: ebgp, body: body(ORIGIN + '40020603010000fde9' + NEXT_HOP), expect: { action: W, reason: R.confedFromExternal, code: 2 } },
  { rule: '§7.2', name: 'AS_CONFED_SET from an external peer', ctx: ebgp, body: body(ORIGIN + '40020604010000fde9' + NEXT_HOP), expect: { action: W, reason: R.confedFromExternal, code: 2 } },
  { rule: '§7.2', name: 'AS_CONFED_SEQUENCE from an internal peer is fine', body: body(ORIGIN + '40020603010000fde9' + NEXT_HOP), expect: { ok: true } },

  // --- §7.3 NEXT_HOP ---
  { rule: '§7.3', name: 'NEXT_HOP length 3', body: body(ORIGIN + AS_PATH + '400303c00002'), expect: { action: W, reason: R.length, code: 3 } },
  { rule: '§7.3', name: 'NEXT_HOP length 16', body: body(ORIGIN + AS_PATH + '40031020010db8000000000000000000000001'), expect: { action: W, reason: R.length, code: 3 } },

  // --- §7.4 MULTI_EXIT_DISC ---
  { rule: '§7.4', name: 'MULTI_EXIT_DISC length 3', body: body(BASE + '800403000001'), expect: { action: W, reason: R.length, code: 4 } },
  { rule: '§7.4', name: 'MULTI_EXIT_DISC length 0', body: body(BASE + '800400'), expect: { action: W, reason: R.length, code: 4 } },

  // --- §7.5 LOCAL_PREF ---
  { rule: '§7.5', name: 'LOCAL_PREF length 3 from an internal peer', body: body(BASE + '400503000064'), expect: { action: W, reason: R.length, code: 5 } },
  { rule: '§7.5', name: 'LOCAL_PREF from an external peer: discarded', ctx: ebgp, body: body(BASE + '40050400000064'), expect: { action: D, reason: R.fromExternal, code: 5 } },
  { rule: '§7.5', name: 'malformed LOCAL_PREF from an external peer: still only discarded', ctx: ebgp, body: body(BASE + '400503000064'), expect: { action: D, reason: R.fromExternal, code: 5 } },

  // --- §7.6 ATOMIC_AGGREGATE ---
  { rule: '§7.6', name: 'ATOMIC_AGGREGATE length 1', body: body(BASE + '40060100'), expect: { action: D, reason: R.length, code: 6 } },

  // --- §7.7 AGGREGATOR ---
  { rule: '§7.7', name: 'AGGREGATOR length 6 on a 4-octet session', body: body(BASE + 'c00706fde8c0000201'), expect: { action: D, reason: R.length, code: 7 } },
  { rule: '§7.7', name: 'AGGREGATOR length 8 on a 2-octet session', ctx: twoOctet, body: body(BASE + 'c007080000fde8c0000201'), expect: { action: D, reason: R.length, code: 7 } },
  { rule: '§7.7', name: 'AGGREGATOR length 7', body: body(BASE + 'c007070000fde8c00002'), expect: { action: D, reason: R.length, code: 7 } },
  { rule: 'RFC 7607 §2', name: 'AGGREGATOR with AS 0', body: body(BASE + 'c00708' + '00000000c0000201'), expect: { action: D, reason: R.value, code: 7 } },

  // --- §7.8 COMMUNITIES ---
  { rule: '§7.8', name: 'COMMUNITIES length 0', body: body(BASE + 'c00800'), expect: { action: W, reason: R.length, code: 8 } },
  { rule: '§7.8', name: 'COMMUNITIES length 5', body: body(BASE + 'c00805fde8000100'), expect: { action: W, reason: R.length, code: 8 } },

  // --- §7.9 ORIGINATOR_ID ---
  { rule: '§7.9', name: 'ORIGINATOR_ID length 3 from an internal peer', body: body(BASE + '800903c00002'), expect: { action: W, reason: R.length, code: 9 } },
  { rule: '§7.9', name: 'ORIGINATOR_ID from an external peer: discarded', ctx: ebgp, body: body(BASE + '800904c0000209'), expect: { action: D, reason: R.fromExternal, code: 9 } },

  // --- §7.10 CLUSTER_LIST ---
  { rule: '§7.10', name: 'CLUSTER_LIST length 0 from an internal peer', body: body(BASE + '800a00'), expect: { action: W, reason: R.length, code: 10 } },
  { rule: '§7.10', name: 'CLUSTER_LIST length 5 from an internal peer', body: body(BASE + '800a05c000020100'), expect: { action: W, reason: R.length, code: 10 } },
  { rule: '§7.10', name: 'CLUSTER_LIST from an external peer: discarded', ctx: ebgp, body: body(BASE + '800a04c0000201'), expect: { action: D, reason: R.fromExternal, code: 10 } },

  // --- §7.11 MP_REACH_NLRI / MP_UNREACH_NLRI ---
  { rule: '§7.11', name: 'MP_REACH next hop length 9 for IPv6 unicast', body: body(ORIGIN + AS_PATH + '800e13' + '000201' + '09' + '20010db80000000000' + '00' + '2020010db8', ''), expect: { action: A, reason: R.nextHopLength, code: 14 } },
  { rule: '§7.11', name: 'MP_REACH next hop length 4 for IPv6 unicast', body: body(ORIGIN + AS_PATH + '800e0e' + '000201' + '04' + 'c0000201' + '00' + '2020010db8', ''), expect: { action: A, reason: R.nextHopLength, code: 14 } },
  { rule: '§7.11', name: 'MP_REACH next hop overruns the attribute', body: body(ORIGIN + AS_PATH + '800e15' + '000201' + '40' + '20010db8000000000000000000000001' + '00', ''), expect: { action: A, reason: R.nextHopLength, code: 14 } },
  { rule: '§7.11', name: 'MP_REACH without its reserved byte', body: body(ORIGIN + AS_PATH + '800e14' + '000201' + '10' + '20010db8000000000000000000000001', ''), expect: { action: A, reason: R.nextHopLength, code: 14 } },
  { rule: '§7.11', name: 'MP_REACH NLRI prefix length 129', body: body(ORIGIN + AS_PATH + '800e16' + '000201' + '10' + '20010db8000000000000000000000001' + '00' + '81', ''), expect: { action: A, reason: R.mpNlri, code: 14 } },
  { rule: '§7.11', name: 'MP_REACH NLRI truncated', body: body(ORIGIN + AS_PATH + '800e19' + '000201' + '10' + '20010db8000000000000000000000001' + '00' + '4020010d', ''), expect: { action: A, reason: R.mpNlri, code: 14 } },
  { rule: '§7.11', name: 'MP_UNREACH withdrawn prefix truncated', body: body('800f07' + '000201' + '4020010d', ''), expect: { action: A, reason: R.mpNlri, code: 15 } },
  { rule: '§7.11', name: 'MP_REACH too short to name a family: session reset', body: body(ORIGIN + AS_PATH + '800e020002', ''), expect: { reset: 9, data: '800e020002' } },
  { rule: '§7.11', name: 'MP_REACH of an unregistered family: any next hop length, NLRI raw', body: body(ORIGIN + AS_PATH + '800e0c' + '001946' + '05' + '0102030405' + '00' + 'abcd', ''), expect: { ok: true } },

  // --- §7.14 EXTENDED_COMMUNITIES ---
  { rule: '§7.14', name: 'EXTENDED_COMMUNITIES length 0', body: body(BASE + 'c01000'), expect: { action: W, reason: R.length, code: 16 } },
  { rule: '§7.14', name: 'EXTENDED_COMMUNITIES length 9', body: body(BASE + 'c010090002fde80000006400'), expect: { action: W, reason: R.length, code: 16 } },

  // --- §7.15 IPv6 Address Specific Extended Community (kept raw, length checked) ---
  { rule: '§7.15', name: 'IPv6 extended communities length 21', body: body(BASE + 'c01915' + '000220010db8000000000000000000000001000100'), expect: { action: W, reason: R.length, code: 25 } },
  { rule: '§7.15', name: 'IPv6 extended communities length 20 is fine', body: body(BASE + 'c01914' + '000220010db80000000000000000000000010001'), expect: { ok: true } },

  // --- RFC 8092 §6 LARGE_COMMUNITY ---
  { rule: 'RFC 8092 §6', name: 'LARGE_COMMUNITY length 13', body: body(BASE + 'c0200d' + '0000fde9000000010000000200'), expect: { action: W, reason: R.length, code: 32 } },
  { rule: 'RFC 8092 §6', name: 'LARGE_COMMUNITY length 0', body: body(BASE + 'c02000'), expect: { action: W, reason: R.length, code: 32 } },

  // --- RFC 6793 §6 AS4_PATH / AS4_AGGREGATOR (2-octet session unless noted) ---
  { rule: 'RFC 6793 §6', name: 'AS4_PATH segment type 0', ctx: twoOctet, body: body(BASE + 'c01106000100010001'), expect: { action: D, reason: R.asPathSegment, code: 17 } },
  { rule: 'RFC 6793 §6', name: 'AS4_PATH shorter than 6', ctx: twoOctet, body: body(BASE + 'c011040201fde9'), expect: { action: D, reason: R.length, code: 17 } },
  { rule: 'RFC 6793 §6', name: 'AS4_PATH segment overrun', ctx: twoOctet, body: body(BASE + 'c01106020200010001'), expect: { action: D, reason: R.asPathSegment, code: 17 } },
  { rule: 'RFC 6793 §6', name: 'AS4_PATH between two 4-octet speakers', body: body(BASE + 'c01106020100010001'), expect: { action: D, reason: R.as4FromNewSpeaker, code: 17 } },
  { rule: 'RFC 6793 §6', name: 'AS4_AGGREGATOR length 7', ctx: twoOctet, body: body(BASE + 'c012070000fde9c00002'), expect: { action: D, reason: R.length, code: 18 } },
  { rule: 'RFC 6793 §6', name: 'AS4_AGGREGATOR between two 4-octet speakers', body: body(BASE + 'c012080000fde9c0000201'), expect: { action: D, reason: R.as4FromNewSpeaker, code: 18 } },

  // --- PMSI_TUNNEL (not in RFC 7606; withdraw like FRR) ---
  { rule: 'RFC 6514 §5', name: 'PMSI_TUNNEL length 4', body: body(BASE + 'c0160400060000'), expect: { action: W, reason: R.length, code: 22 } },
];

function decode(hex: string, ctx: CodecContext): UpdateMessage {
  const r = new Reader(fromHex(hex));
  const m = updateBody.decode(r, ctx);
  expect(r.done, 'the whole body is consumed').to.equal(true);
  return m;
}

describe('RFC 7606 error handling: one row per rule', () => {
  for (const row of ROWS) {
    const ctx = row.ctx ?? ibgp;
    const e = row.expect;
    it(`${row.rule}: ${row.name}`, () => {
      if ('reset' in e) {
        let caught: unknown;
        try {
          decode(row.body, ctx);
        } catch (err) {
          caught = err;
        }
        expect(caught).to.be.instanceOf(NotificationError);
        const n = caught as NotificationError;
        expect([n.errorCode, n.errorSubcode]).to.deep.equal([3, e.reset]);
        if (e.data !== undefined) expect(toHex(n.data)).to.equal(e.data);
        return;
      }
      const m = decode(row.body, ctx);
      if ('ok' in e) {
        expect(m.report, JSON.stringify(m.report?.problems)).to.equal(undefined);
        return;
      }
      expect(m.report, 'a report').to.not.equal(undefined);
      const report = m.report!;
      expect(report.action).to.equal(e.action);
      const p = report.problems.find((x) => x.reason === e.reason && x.attributeCode === e.code);
      expect(p, `problem ${e.reason}/${e.code} in ${JSON.stringify(report.problems.map((x) => [x.reason, x.attributeCode]))}`).to.not.equal(undefined);
      expect(p!.action).to.equal(e.action);
      // A discarded or malformed attribute never reaches `attributes` (the first of a duplicate does).
      if (e.code !== undefined && e.reason !== R.duplicate && e.reason !== R.missingWellKnown) {
        expect(getAttribute(m.attributes, e.code), 'attribute left out').to.equal(undefined);
      }
      if (e.action === 'treat-as-withdraw') {
        const reach = m.nlri.length > 0 || getAttribute(m.attributes, 14) !== undefined;
        expect(report.withdraw.length > 0).to.equal(reach);
      }
      if (e.action === 'afisafi-disable') expect(report.disable).to.deep.include(p!.family);
    });
  }
});

describe('RFC 7606 error handling: how problems combine', () => {
  it('keeps the first of duplicate attributes', () => {
    const m = decode(body(BASE + '4005040000006440050400000001'), ibgp);
    expect(getAttribute(m.attributes, 5)?.localPref).to.equal(100);
  });
  it('reports NOTIFICATION data: the attribute for length errors, the type code for a missing one, nothing for AS_PATH', () => {
    const len = decode(body(BASE + '800403000001'), ibgp).report!.problems[0]!;
    expect([len.subcode, toHex(len.data)]).to.deep.equal([5, '800403000001']);
    const missing = decode(body(ORIGIN + NEXT_HOP), ibgp).report!.problems[0]!;
    expect([missing.subcode, toHex(missing.data)]).to.deep.equal([3, '02']);
    const aspath = decode(body(ORIGIN + '4002020200' + NEXT_HOP), ibgp).report!.problems[0]!;
    expect([aspath.subcode, aspath.data.length]).to.deep.equal([11, 0]);
    const origin = decode(body('40010103' + AS_PATH + NEXT_HOP), ibgp).report!.problems[0]!;
    expect([origin.subcode, toHex(origin.data)]).to.deep.equal([6, '40010103']);
  });
  it('keeps the strongest action: discard + treat-as-withdraw = treat-as-withdraw', () => {
    const m = decode(body(BASE + '40060100' + 'c00800'), ibgp);
    expect(m.report!.problems.map((p) => p.action)).to.deep.equal(['discard', 'treat-as-withdraw']);
    expect(m.report!.action).to.equal('treat-as-withdraw');
  });
  it('treat-as-withdraw withdraws every NLRI of the UPDATE, body and MP_REACH', () => {
    const m = decode(body(ORIGIN + AS_PATH + NEXT_HOP + MP_REACH_V6 + 'c00800', '18c00002'), ibgp);
    expect(m.report!.action).to.equal('treat-as-withdraw');
    const w = m.report!.withdraw;
    expect(w.map((f) => [f.afi, f.safi])).to.deep.equal([
      [1, 1],
      [2, 1],
    ]);
    expect(w[0]!.nlri).to.equal(m.nlri);
  });
  it('afisafi-disable outranks treat-as-withdraw and names the family', () => {
    const badMp = '800e13' + '000201' + '09' + '20010db80000000000' + '00' + '2020010db8';
    const m = decode(body(BASE + badMp + 'c00800'), ibgp);
    expect(m.report!.action).to.equal('afisafi-disable');
    expect(m.report!.disable).to.deep.equal([{ afi: 2, safi: 1 }]);
    expect(m.report!.withdraw.map((f) => f.afi)).to.deep.equal([1]);
  });
  it('the NLRI after an overrun attribute are still found through the Total Path Attribute Length', () => {
    const m = decode(body(BASE + 'c00808fde80001', '18c00002'), ibgp);
    expect(m.nlri.length).to.equal(1);
    expect(m.report!.withdraw[0]!.nlri).to.equal(m.nlri);
  });
  it('strongerAction orders discard < treat-as-withdraw < afisafi-disable < session-reset', () => {
    const order: ErrorAction[] = ['discard', 'treat-as-withdraw', 'afisafi-disable', 'session-reset'];
    for (let i = 0; i < order.length; i++) {
      for (let j = 0; j < order.length; j++) expect(strongerAction(order[i], order[j]!)).to.equal(order[Math.max(i, j)]);
    }
    expect(strongerAction(undefined, 'discard')).to.equal('discard');
  });
  it('the rule table has one row per type, with a source for each', () => {
    const codes = ATTRIBUTE_RULES.map((r) => r.code);
    expect(new Set(codes).size).to.equal(codes.length);
    for (const r of ATTRIBUTE_RULES) expect(r.source).to.match(/RFC \d+/);
  });
});

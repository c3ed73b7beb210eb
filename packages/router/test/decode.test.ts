import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import fc from 'fast-check';
import { AddPathMode, BgpError, buildUpdate, createContext, createOpen, encodeMessage, familyKey, fromHex, isRawNlri, parseIp } from '@evpn6/bgp';
import type { BgpMessage, Capability, MpReachAttribute, UpdateMessage } from '@evpn6/bgp';
import { decodeCapture, decodeHex, recordToJson, recordToText } from '@evpn6/router';
import type { DecodeRecord } from '@evpn6/router';
import { LINKTYPE, concatBytes, frame, pcapFile } from './support/capture-builder.js';

const vectors = new URL('./vectors/', import.meta.url).pathname;
const lines = (name: string) => readFileSync(`${vectors}${name}`, 'utf8').split('\n').filter(Boolean);
const senderHex = lines('gobgp-evpn-messages.hex.txt');
const receiverHex = lines('gobgp-evpn-messages.receiver.hex.txt');

type MessageRecord = Extract<DecodeRecord, { kind: 'message' }>;
const messagesOf = (records: readonly DecodeRecord[]) => records.filter((r): r is MessageRecord => r.kind === 'message');

/** Every JSON object of a record list, as the CLI prints it. */
/** The parts of an attribute's JSON these tests read. */
interface AttributeJson {
  readonly type: string;
  readonly tunnel?: unknown;
  readonly nextHop?: string;
  readonly nlri?: readonly Record<string, unknown>[];
  readonly withdrawn?: readonly Record<string, unknown>[];
  readonly communities?: readonly { readonly text: string }[];
}

const jsonOf = (records: readonly DecodeRecord[]) => records.map((r) => JSON.parse(JSON.stringify(recordToJson(r))) as Record<string, unknown>);

describe('decode: GoBGP capture', () => {
  for (const file of ['gobgp-evpn.pcap', 'gobgp-evpn.pcapng']) {
    it(`${file}: yields every message GoBGP sent, in order, byte-identical, all decoded`, () => {
      const r = decodeCapture(readFileSync(`${vectors}${file}`));
      const messages = messagesOf(r.records);
      expect(messages.every((m) => m.message !== undefined && m.error === undefined)).to.equal(true);
      expect(r.records.every((x) => x.kind === 'message')).to.equal(true);
      const sent = messages.filter((m) => m.src === '2001:db8:0:1::11').map((m) => m.hex);
      expect(sent).to.deep.equal(senderHex);
      const received = messages.filter((m) => m.src === '2001:db8:0:1::12').map((m) => m.hex);
      expect(received).to.deep.equal(receiverHex);
      expect(messages[0]).to.deep.include({ packet: 4, time: '2026-11-23T23:09:27.710979Z', srcPort: 51887, dst: '2001:db8:0:1::12', dstPort: 179, type: 'OPEN' });
      expect(messages.at(-1)!.message).to.deep.include({ type: 'NOTIFICATION', code: 6, subcode: 2 });
    });
  }

  const json = jsonOf(decodeCapture(readFileSync(`${vectors}gobgp-evpn.pcap`)).records);
  const updates = json.filter((j) => j['type'] === 'UPDATE') as unknown as { message: { attributes: AttributeJson[] } }[];
  const attr = (u: (typeof updates)[number], type: string) => u.message.attributes.find((a) => a.type === type);

  it('shows the IPv6 PMSI endpoint as IPv6 and the label as the VNI', () => {
    const imets = updates.map((u) => attr(u, 'PMSI_TUNNEL')).filter(Boolean);
    expect(imets.map((p) => p!.tunnel)).to.deep.equal([
      { kind: 'ingress-replication', vni: 10550, leafInfoRequired: false, endpoint: '2001:db8:0:1::11', endpointFamily: 'ipv6' },
      { kind: 'ingress-replication', vni: 16777215, leafInfoRequired: false, endpoint: '2001:db8:0:1::11', endpointFamily: 'ipv6' },
      { kind: 'ingress-replication', vni: 300, leafInfoRequired: true, endpoint: '2001:db8:0:1::11', endpointFamily: 'ipv6' },
      { kind: 'ingress-replication', vni: 400, leafInfoRequired: false, endpoint: '192.0.2.1', endpointFamily: 'ipv4' },
    ]);
  });

  it('shows EVPN routes formatted and field by field, with typed extended communities', () => {
    const reach = updates.map((u) => attr(u, 'MP_REACH_NLRI')).filter(Boolean);
    const routes = reach.flatMap((a) => a!.nlri!);
    expect(routes).to.have.length(25);
    const mm = routes.find((r) => r['mac'] === '02:00:00:00:00:12');
    expect(mm).to.deep.equal({
      route: '192.0.2.1:100:[2]:[0]:[48]:[02:00:00:00:00:12]:[128]:[2001:db8:aaaa::12]',
      routeType: 2,
      kind: 'mac-ip',
      rd: '192.0.2.1:100',
      esi: '00:00:00:00:00:00:00:00:00:00',
      esiType: 'single-homed',
      ethernetTag: 0,
      mac: '02:00:00:00:00:12',
      ip: '2001:db8:aaaa::12',
      labels: [10550, 20550],
    });
    expect(reach.every((a) => a!.nextHop === '2001:db8:0:1::11')).to.equal(true);
    const withMobility = updates.find((u) => JSON.stringify(u).includes('02:00:00:00:00:12'))!;
    expect(attr(withMobility, 'EXTENDED_COMMUNITIES')!.communities!.map((c) => c.text)).to.deep.equal([
      'RT:64512:100',
      'ET:8',
      'MM:65536, sticky MAC',
    ]);
    const withdrawals = updates.map((u) => attr(u, 'MP_UNREACH_NLRI')).filter(Boolean);
    expect(withdrawals.map((w) => w!.withdrawn![0]!['route'])).to.include('192.0.2.1:100:[3]:[0]:[128]:[2001:db8:0:1::11]');
  });

  it('prints one summary line per message', () => {
    const text = decodeCapture(readFileSync(`${vectors}gobgp-evpn.pcap`)).records.map(recordToText);
    expect(text).to.have.length(senderHex.length + receiverHex.length);
    expect(text.find((l) => l.includes('[3]:[0]:[128]'))).to.match(
      /^#54 2026-11-23T23:10:34\.802848Z \[2001:db8:0:1::11\]:51887 > \[2001:db8:0:1::12\]:179 UPDATE \+ 192\.0\.2\.1:100:\[3\]:\[0\]:\[128\]:\[2001:db8:0:1::11\] .*PMSI ingress-replication vni 10550 2001:db8:0:1::11$/,
    );
  });
});

describe('decode: stock FRR 8.4 capture', () => {
  const r = decodeCapture(readFileSync(`${vectors}frr-8.4-ipv6-evpn.pcap`));
  const messages = messagesOf(r.records);

  it('shows FRR answering the 21-byte PMSI with NOTIFICATION 3/5, on each session', () => {
    const notifications = messages.filter((m) => m.type === 'NOTIFICATION');
    expect(notifications).to.have.length(2);
    for (const n of notifications) {
      expect(n.src).to.equal('2001:db8:100::2');
      expect(n.message).to.deep.include({ code: 3, subcode: 5 });
      expect(recordToText(n)).to.contain('NOTIFICATION 3/5 UPDATE Message Error / Attribute Length Error');
    }
    // The offending attribute comes back in the data: flags c0, type 22, length 21.
    expect(jsonOf(notifications)[0]!['message']).to.deep.include({ data: 'c01615000600006420010db8010000000000000000000001' });
  });

  it('decodes every message of its five connections without errors', () => {
    expect(messages.every((m) => m.error === undefined)).to.equal(true);
    // 58508, 48078 (FRR's OPEN after GoBGP's FIN), 48697, 57642 and 55323 (OPEN only).
    expect(new Set(messages.map((m) => `${m.src}|${m.srcPort}`)).size).to.equal(7);
  });
});

describe('decode: per-direction contexts from the OPENs', () => {
  const AS2 = 65001;
  const openWithout4Octet = (asn: number, id: string) => {
    const mp: Capability = { kind: 'multiprotocol', afi: 1, safi: 1 };
    const o = createOpen({ asn, holdTime: 90, bgpId: id, capabilities: [mp] });
    const open: BgpMessage = { ...o, capabilityGroups: [o.capabilityGroups[0]!.filter((c) => c.kind !== 'four-octet-as')] };
    return open;
  };

  it('decodes AS_PATH with 2-octet AS numbers when an OPEN lacks the 4-octet AS capability', () => {
    const two = createContext({ fourOctetAs: false });
    const update = buildUpdate({ nlri: ['198.51.100.0/24'], nextHop: '192.0.2.1', asPath: [AS2, 65002] });
    const open = encodeMessage(openWithout4Octet(AS2, '192.0.2.1'), two);
    const updateBytes = encodeMessage(update, two);
    const peerOpen = encodeMessage(createOpen({ asn: 65000, holdTime: 90, bgpId: '192.0.2.2', capabilities: [] }), two);
    const a = { src: '192.0.2.1', srcPort: 30000, dst: '192.0.2.2', dstPort: 179 };
    const b = { src: '192.0.2.2', srcPort: 179, dst: '192.0.2.1', dstPort: 30000 };
    const frames = [
      frame({ ...a, seq: 0, flags: 0x02 }),
      frame({ ...b, seq: 1000, flags: 0x12 }),
      frame({ ...a, seq: 1, payload: open }),
      frame({ ...b, seq: 1001, payload: peerOpen }),
      frame({ ...a, seq: 1 + open.length, payload: updateBytes }),
    ];
    const r = decodeCapture(pcapFile(frames.map((data) => ({ data })), LINKTYPE.ethernet));
    const u = messagesOf(r.records).find((m) => m.type === 'UPDATE')!;
    expect(u.error).to.equal(undefined);
    const path = (u.message as Extract<BgpMessage, { type: 'UPDATE' }>).attributes.find((x) => x.type === 'AS_PATH');
    expect(path).to.deep.include({ segments: [{ type: 2, asns: [AS2, 65002] }] });
  });
});

describe('decode: ADD-PATH is negotiated per direction', () => {
  it('reads path identifiers only from the side that may send them', () => {
    const ipv6: Capability = { kind: 'multiprotocol', afi: 2, safi: 1 };
    const sends: Capability = { kind: 'add-path', families: [{ afi: 2, safi: 1, mode: AddPathMode.SEND }] };
    const receives: Capability = { kind: 'add-path', families: [{ afi: 2, safi: 1, mode: AddPathMode.RECEIVE }] };
    const plain = createContext();
    const withIds = createContext({ addPath: [familyKey(2, 1)] });
    const openA = encodeMessage(createOpen({ asn: 65000, holdTime: 90, bgpId: '192.0.2.1', capabilities: [ipv6, sends] }), plain);
    const openB = encodeMessage(createOpen({ asn: 65000, holdTime: 90, bgpId: '192.0.2.2', capabilities: [ipv6, receives] }), plain);
    const route = (pathId: number | undefined) => ({ pathId, length: 48, address: parseIp('2001:db8:1::') });
    const fromA = encodeMessage(buildUpdate({ mpReach: { afi: 2, safi: 1, nextHop: '2001:db8::1', nlri: [route(7)] } }), withIds);
    const fromB = encodeMessage(buildUpdate({ mpReach: { afi: 2, safi: 1, nextHop: '2001:db8::2', nlri: [route(undefined)] } }), plain);
    const a = { src: '2001:db8::1', srcPort: 30000, dst: '2001:db8::2', dstPort: 179 };
    const b = { src: '2001:db8::2', srcPort: 179, dst: '2001:db8::1', dstPort: 30000 };
    const frames = [
      frame({ ...a, seq: 0, flags: 0x02 }),
      frame({ ...b, seq: 500, flags: 0x12 }),
      frame({ ...a, seq: 1, payload: openA }),
      frame({ ...b, seq: 501, payload: openB }),
      frame({ ...a, seq: 1 + openA.length, payload: fromA }),
      frame({ ...b, seq: 501 + openB.length, payload: fromB }),
    ];
    const r = decodeCapture(pcapFile(frames.map((data) => ({ data })), LINKTYPE.ethernet));
    const updates = messagesOf(r.records).filter((m) => m.type === 'UPDATE');
    expect(updates.map((u) => u.error)).to.deep.equal([undefined, undefined]);
    const nlri = updates.map((u) => {
      const reach = (u.message as UpdateMessage).attributes.find((x): x is MpReachAttribute => x.type === 'MP_REACH_NLRI')!;
      return isRawNlri(reach.nlri) ? 'raw' : reach.nlri.map((n) => n.pathId);
    });
    expect(nlri).to.deep.equal([[7], [undefined]]);
    expect(recordToText(updates[0]!)).to.contain('2001:db8:1::/48');
  });
});

describe('decode: hex input', () => {
  it('decodes several messages given back to back', () => {
    const r = decodeHex(senderHex.slice(0, 5).join(''));
    expect(messagesOf(r).map((m) => m.hex)).to.deep.equal(senderHex.slice(0, 5));
    expect(r.every((x) => x.kind === 'message' && x.message !== undefined)).to.equal(true);
  });

  it('accepts spaces, colons and line breaks in the hex', () => {
    const spaced = senderHex[1]!.replace(/(..)/g, '$1 ').replace(/ $/, '\n');
    expect(messagesOf(decodeHex(spaced))[0]!.type).to.equal('KEEPALIVE');
  });

  it('reports a message that does not decode with its error code', () => {
    const bad = fromHex(senderHex[0]!);
    bad[19] = 3; // OPEN version 3
    const [rec] = messagesOf(decodeHex(Buffer.from(bad).toString('hex')));
    expect(rec!.error!.code).to.equal('ERR_BGP_NOTIFICATION');
    expect(recordToText(rec!)).to.contain('does not decode');
  });

  it('steps over a bad header without losing the messages around it', () => {
    const badHeader = 'ff'.repeat(16) + '000504'; // length 5: shorter than a header
    const r = decodeHex(senderHex[0]! + senderHex[1]! + badHeader + senderHex[2]! + senderHex[3]!);
    expect(r.map((x) => (x.kind === 'message' ? x.type : `${x.kind}:${(x as { bytes: number }).bytes}:${(x as { code: string }).code}`))).to.deep.equal([
      'OPEN',
      'KEEPALIVE',
      'skipped:19:ERR_BGP_NOTIFICATION',
      'KEEPALIVE',
      'UPDATE',
    ]);
    expect(messagesOf(r).map((m) => m.hex)).to.deep.equal(senderHex.slice(0, 4));
  });

  it('reports input that ends inside a message', () => {
    const r = decodeHex(senderHex[0]!.slice(0, 60));
    expect(r).to.deep.equal([{ kind: 'skipped', bytes: 30, code: 'ERR_DECODE_INCOMPLETE', reason: 'input ends inside a message' }]);
  });

  it('random bytes only ever give records or typed errors', () => {
    const marker = new Uint8Array(16).fill(0xff);
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 60 }), { maxLength: 6 }), (parts) => {
        const withMarkers = concatBytes(parts.flatMap((p) => [marker, p]));
        try {
          for (const rec of decodeHex(Buffer.from(withMarkers).toString('hex'))) JSON.stringify(recordToJson(rec));
        } catch (e) {
          if (!(e instanceof BgpError)) throw e;
        }
      }),
      { numRuns: 1000 },
    );
  });
});

import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import fc from 'fast-check';
import { BgpError, fromHex, toHex } from '@evpn6/bgp';
import { PcapError, PcapErrorCode, TcpReassembler, decodeCapture, formatCaptureTime, readCapture, tcpSegmentOf } from '@evpn6/router';
import type { DecodeRecord, StreamEvent } from '@evpn6/router';
import { LINKTYPE, concatBytes, frame, pcapFile, pcapngFile } from './support/capture-builder.js';
import type { FrameRecord, LinkKind, SegmentSpec } from './support/capture-builder.js';

const vectors = new URL('./vectors/', import.meta.url).pathname;
const gobgpMessages = readFileSync(`${vectors}gobgp-evpn-messages.hex.txt`, 'utf8').split('\n').filter(Boolean).map(fromHex);

const A = { src: '2001:db8::1', srcPort: 40000, dst: '2001:db8::2', dstPort: 179 };
const ISN = 0xfffffff0; // close to the wrap, so sequence arithmetic must be modulo 2^32

/** The SYN, then `stream` cut at `cuts` into data segments, as (seq, bytes) pairs. */
function segmentsOf(stream: Uint8Array, cuts: readonly number[]): SegmentSpec[] {
  const points = [...new Set([0, ...cuts.filter((c) => c > 0 && c < stream.length), stream.length])].sort((a, b) => a - b);
  const out: SegmentSpec[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    out.push({ ...A, seq: (ISN + 1 + points[i]!) >>> 0, payload: stream.subarray(points[i]!, points[i + 1]!) });
  }
  return out;
}

function captureOf(segments: readonly SegmentSpec[], link: LinkKind = 'ethernet', withSyn = true): Uint8Array {
  const all = withSyn ? [{ ...A, seq: ISN, flags: 0x02 }, ...segments] : segments;
  return pcapFile(all.map((s) => ({ data: frame(s, link) })), LINKTYPE[link]);
}

function messageHexes(records: readonly DecodeRecord[]): string[] {
  return records.filter((r) => r.kind === 'message').map((r) => (r as { hex: string }).hex);
}

describe('pcap: capture files', () => {
  it('reads the GoBGP classic pcap and its pcapng conversion to the same frames', () => {
    const pcap = readCapture(readFileSync(`${vectors}gobgp-evpn.pcap`));
    const ng = readCapture(readFileSync(`${vectors}gobgp-evpn.pcapng`));
    expect(pcap.format).to.equal('pcap');
    expect(ng.format).to.equal('pcapng');
    expect(pcap.packets).to.have.length(90);
    expect(ng.packets).to.have.length(90);
    for (let i = 0; i < 90; i++) {
      const a = pcap.packets[i]!;
      const b = ng.packets[i]!;
      expect([b.index, b.seconds, b.nanos, b.linkType, toHex(b.data)]).to.deep.equal([a.index, a.seconds, a.nanos, a.linkType, toHex(a.data)]);
    }
    expect(formatCaptureTime(pcap.packets[0]!.seconds, pcap.packets[0]!.nanos)).to.equal('2026-11-23T23:09:27.709783Z');
  });

  it('reads big-endian and nanosecond pcaps, and pcapng with if_tsresol', () => {
    const frames: FrameRecord[] = [{ data: Uint8Array.of(1, 2, 3), seconds: 1_800_000_000, nanos: 123_456_789 }];
    const be = readCapture(pcapFile(frames, 1, { bigEndian: true, nano: true }));
    expect(be.packets[0]).to.deep.include({ seconds: 1_800_000_000, nanos: 123_456_789, linkType: 1 });
    const us = readCapture(pcapFile(frames, 113));
    expect(us.packets[0]).to.deep.include({ nanos: 123_456_000, linkType: 113 });
    const ng = readCapture(pcapngFile(frames, 276, { tsresol: 9, bigEndian: true }));
    expect(ng.packets[0]).to.deep.include({ seconds: 1_800_000_000, nanos: 123_456_789, linkType: 276 });
    expect(toHex(ng.packets[0]!.data)).to.equal('010203');
    expect(formatCaptureTime(1_800_000_000, 123_456_789)).to.equal('2027-01-15T08:00:00.123456789Z');
  });

  it('warns (does not fail) when the file ends inside a record', () => {
    const file = pcapFile([{ data: new Uint8Array(40) }, { data: new Uint8Array(40) }], 1);
    const c = readCapture(file.subarray(0, file.length - 5));
    expect(c.packets).to.have.length(1);
    expect(c.warnings).to.have.length(1);
  });

  it('refuses what is not a capture with ERR_PCAP_FORMAT', () => {
    expect(() => readCapture(new TextEncoder().encode('hello world'))).to.throw(PcapError).with.property('code', PcapErrorCode.format);
  });

  it('random bytes only ever raise PcapError (reading) or typed errors (decoding)', () => {
    const headers = [pcapFile([], 1).subarray(0, 24), pcapngFile([], 1).subarray(0, 28), pcapngFile([], 113, { tsresol: 9, bigEndian: true })];
    fc.assert(
      fc.property(fc.constantFrom(...headers, new Uint8Array(0)), fc.uint8Array({ maxLength: 300 }), (head, tail) => {
        const file = concatBytes([head, tail]);
        try {
          readCapture(file);
        } catch (e) {
          if (!(e instanceof PcapError)) throw e;
        }
        try {
          decodeCapture(file);
        } catch (e) {
          if (!(e instanceof BgpError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('random frames never make the frame parser throw', () => {
    const base = frame({ ...A, seq: 1, payload: Uint8Array.of(1, 2, 3) });
    fc.assert(
      fc.property(fc.constantFrom(0, 1, 101, 113, 276), fc.uint8Array({ maxLength: 120 }), fc.nat({ max: 200 }), (link, bytes, extra) => {
        tcpSegmentOf(link, bytes, bytes.length + extra);
        // Real headers with random bytes written over part of them.
        const mixed = base.slice();
        mixed.set(bytes.subarray(0, Math.max(0, mixed.length - (extra % mixed.length))), extra % mixed.length);
        tcpSegmentOf(1, mixed);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('pcap: frames', () => {
  const spec: SegmentSpec = { ...A, seq: 7, ack: 9, payload: Uint8Array.of(0xaa, 0xbb) };
  for (const link of ['ethernet', 'vlan', 'sll', 'sll2', 'raw'] as const) {
    it(`finds the TCP segment in ${link} frames, IPv6 and IPv4`, () => {
      const s6 = tcpSegmentOf(LINKTYPE[link], frame(spec, link));
      expect(s6).to.deep.include({ src: '2001:db8::1', dst: '2001:db8::2', srcPort: 40000, dstPort: 179, seq: 7, ack: 9, flags: 0x18, missing: 0 });
      expect(toHex(s6!.payload)).to.equal('aabb');
      const s4 = tcpSegmentOf(LINKTYPE[link], frame({ ...spec, src: '192.0.2.1', dst: '192.0.2.2' }, link));
      expect(s4).to.deep.include({ src: '192.0.2.1', dst: '192.0.2.2' });
      // Ethernet pads this short IPv4 frame: the IP length keeps the padding out of the payload.
      expect(toHex(s4!.payload)).to.equal('aabb');
    });
  }

  it('reports payload bytes cut by the snap length as missing', () => {
    const f = frame({ ...spec, payload: new Uint8Array(100) });
    const s = tcpSegmentOf(1, f.subarray(0, f.length - 30), f.length);
    expect(s!.payload.length).to.equal(70);
    expect(s!.missing).to.equal(30);
  });

  it('ignores frames that carry no TCP (ARP, UDP, short frames, unknown links)', () => {
    const udp = frame(spec);
    udp[14 + 6] = 17;
    expect(tcpSegmentOf(1, udp)).to.equal(undefined);
    expect(tcpSegmentOf(1, new Uint8Array(10))).to.equal(undefined);
    expect(tcpSegmentOf(999, frame(spec))).to.equal(undefined);
  });
});

describe('pcap: TCP reassembly', () => {
  const stream = concatBytes(gobgpMessages.slice(0, 10));
  const expected = gobgpMessages.slice(0, 10).map(toHex);

  it('reassembles messages split across segments, on every link type', () => {
    for (const link of ['ethernet', 'vlan', 'sll', 'sll2', 'raw'] as const) {
      const r = decodeCapture(captureOf(segmentsOf(stream, [1, 18, 19, 100, 101, 333, 600]), link));
      expect(messageHexes(r.records), link).to.deep.equal(expected);
      expect(r.records.every((x) => x.kind === 'message' && x.error === undefined)).to.equal(true);
    }
  });

  it('puts reordered, duplicated and overlapping segments back in order (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 25 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (cuts, order, dups) => {
          const segments = segmentsOf(stream, cuts);
          const shuffled = [...segments];
          order.forEach((k, i) => {
            const j = k % shuffled.length;
            const a = i % shuffled.length;
            [shuffled[a], shuffled[j]] = [shuffled[j]!, shuffled[a]!];
          });
          for (const d of dups) shuffled.splice(d % (shuffled.length + 1), 0, segments[d % segments.length]!);
          // An overlapping retransmission: two adjacent segments sent again as one.
          if (segments.length > 1) {
            const first = segments[0]!;
            shuffled.push({ ...first, payload: concatBytes([first.payload!, segments[1]!.payload!]) });
          }
          const r = decodeCapture(captureOf(shuffled));
          expect(messageHexes(r.records)).to.deep.equal(expected);
          expect(r.records.some((x) => x.kind !== 'message')).to.equal(false);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reports a segment missing from the capture as a gap and resumes at the next message', () => {
    const lengths = gobgpMessages.slice(0, 10).map((m) => m.length);
    const starts = lengths.map((_, i) => lengths.slice(0, i).reduce((a, b) => a + b, 0));
    // Cut inside message 4 and at message 6: losing that segment loses messages 4 and 5.
    const segments = segmentsOf(stream, [starts[4]! + 10, starts[6]!]);
    const lost = segments.splice(1, 1)[0]!;
    const r = decodeCapture(captureOf(segments));
    const gap = r.records.find((x) => x.kind === 'gap');
    expect(gap).to.deep.include({ kind: 'gap', missing: lost.payload!.length });
    const skipped = r.records.filter((x) => x.kind === 'skipped');
    expect(skipped.map((x) => (x as { bytes: number }).bytes)).to.deep.equal([10]);
    expect(messageHexes(r.records)).to.deep.equal([...expected.slice(0, 4), ...expected.slice(6)]);
  });

  it('joins a stream captured without its SYN at the first whole message', () => {
    const segments = segmentsOf(stream, [25, 500]);
    const r = decodeCapture(captureOf(segments.slice(1), 'ethernet', false));
    const firstWhole = gobgpMessages.slice(0, 10).findIndex((_, i) => gobgpMessages.slice(0, i).reduce((a, m) => a + m.length, 0) >= 25);
    expect(r.records[0]).to.deep.include({ kind: 'skipped', code: 'ERR_DECODE_RESYNC' });
    expect(messageHexes(r.records)).to.deep.equal(expected.slice(firstWhole));
  });

  it('reports bytes cut by the snap length as a gap', () => {
    const segments = segmentsOf(stream, [200, 400]);
    const frames: FrameRecord[] = [{ ...A, seq: ISN, flags: 0x02 }, ...segments].map((s) => ({ data: frame(s) }));
    const cut = frames[2]!;
    frames[2] = { data: cut.data.subarray(0, cut.data.length - 50), originalLength: cut.data.length };
    const r = decodeCapture(pcapFile(frames, 1));
    expect(r.records.find((x) => x.kind === 'gap')).to.deep.include({ missing: 50 });
  });

  it('starts over when a new SYN reuses the address pair', () => {
    const reassembler = new TcpReassembler<number>();
    const events: StreamEvent<number>[] = [];
    const seg = (seq: number, flags: number, payload: number[]) =>
      tcpSegmentOf(101, frame({ ...A, seq, flags, payload: Uint8Array.from(payload) }, 'raw'))!;
    events.push(...reassembler.push(seg(100, 0x02, []), 1));
    events.push(...reassembler.push(seg(101, 0x18, [1, 2]), 2));
    events.push(...reassembler.push(seg(100, 0x02, []), 3)); // a retransmitted SYN changes nothing
    events.push(...reassembler.push(seg(5000, 0x02, []), 4));
    events.push(...reassembler.push(seg(5001, 0x18, [3]), 5));
    events.push(...reassembler.finish());
    expect(events.map((e) => [e.kind, e.packet, e.kind === 'data' ? toHex(e.bytes) : ''])).to.deep.equal([
      ['open', 1, ''],
      ['data', 2, '0102'],
      ['open', 4, ''],
      ['data', 5, '03'],
    ]);
  });

  it('random payloads and segments only ever give records or typed errors', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ seq: fc.nat({ max: 600 }), payload: fc.uint8Array({ maxLength: 80 }), ff: fc.boolean() }), { maxLength: 12 }), (segs) => {
        const specs = segs.map((s) => {
          const payload = s.ff ? concatBytes([new Uint8Array(16).fill(0xff), s.payload]) : s.payload;
          return { ...A, seq: ISN + 1 + s.seq, payload };
        });
        try {
          decodeCapture(captureOf(specs));
        } catch (e) {
          if (!(e instanceof BgpError)) throw e;
        }
      }),
      { numRuns: 300 },
    );
  });
});

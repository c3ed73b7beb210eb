import { expect } from 'chai';
import fc from 'fast-check';
import { formatIp } from '@evpn6/bgp';
import {
  AddressFamily,
  IfaFlag,
  NativeError,
  NetlinkDecodeError,
  NetlinkEncodeError,
  NetlinkKernelError,
  NlmFlag,
  NlmsgType,
  NtfFlag,
  NudState,
  OperState,
  RtmType,
  addressFlags,
  decodeMessages,
  encodeMessage,
  errnoName,
  interfaceAddress,
  messageCodec,
  normalizeMac,
  type AddressMessage,
  type LinkInfo,
  type LinkMessage,
  type NeighborMessage,
  type NetlinkBody,
  type NetlinkMessage,
  type RawAttribute,
} from '../src/netlink/index.js';
import { RouterError } from '../src/errors.js';
import { KERNEL_MESSAGES } from './netlink-golden.js';

const bytesOf = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const golden = new Map(KERNEL_MESSAGES.map((g) => [g.name, bytesOf(g.hex)]));

function decodeOne(bytes: Uint8Array): NetlinkMessage {
  const all = decodeMessages(bytes);
  expect(all).to.have.length(1);
  return all[0]!;
}

function goldenBody<K extends NetlinkBody['kind']>(name: string, kind: K): Extract<NetlinkBody, { kind: K }> {
  const bytes = golden.get(name);
  expect(bytes, `golden message "${name}"`).to.not.equal(undefined);
  const body = decodeOne(bytes!).body;
  expect(body.kind).to.equal(kind);
  return body as Extract<NetlinkBody, { kind: K }>;
}

function expectCode(fn: () => unknown, code: string, cls: new (...a: never[]) => RouterError = NetlinkDecodeError): RouterError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'a typed error').to.be.instanceOf(cls);
  expect((caught as RouterError).code).to.equal(code);
  return caught as RouterError;
}

describe('netlink codecs: real kernel messages', () => {
  // Expected values are what `ip -d -j link show` printed for the same namespace.
  it('RTM_NEWLINK of an IPv6 vxlan bridge port decodes like `ip -d -j link show vx0`', () => {
    const l = goldenBody('RTM_NEWLINK vx0', 'link');
    expect(l).to.include({ index: 5, name: 'vx0', mtu: 1500, address: '02:00:5e:00:53:10', master: 2, operState: OperState.unknown });
    expect(l.linkInfo?.kind).to.equal('vxlan');
    expect(l.linkInfo?.slaveKind).to.equal('bridge');
    expect(l.linkInfo?.vxlan).to.include({ vni: 100, local6: '2001:db8::1', port: 4789, learning: false });
    expect(l.linkInfo?.vxlan?.local).to.equal(undefined);
    // ttl, df, ageing, port range, checksums…: kept raw, not lost.
    expect(l.linkInfo?.vxlan?.unknown.length).to.be.greaterThan(5);
  });

  it('RTM_NEWLINK of an IPv4 vxlan (down, learning) decodes like `ip -d -j link show vx4`', () => {
    const l = goldenBody('RTM_NEWLINK vx4', 'link');
    expect(l).to.include({ index: 6, name: 'vx4', mtu: 1500, operState: OperState.down });
    expect(l.master).to.equal(undefined);
    expect(l.flags & 1, 'IFF_UP').to.equal(0);
    expect(l.linkInfo?.vxlan).to.include({ vni: 200, local: '192.0.2.1', port: 4789, learning: true });
    expect(l.linkInfo?.vxlan?.local6).to.equal(undefined);
  });

  it('RTM_NEWLINK of a bridge and a veth keep their kind and raw IFLA_INFO_DATA', () => {
    const br = goldenBody('RTM_NEWLINK br0', 'link');
    expect(br).to.include({ index: 2, name: 'br0', address: '02:00:5e:00:53:20', operState: OperState.up });
    expect(br.linkInfo?.kind).to.equal('bridge');
    expect(br.linkInfo?.data?.length).to.be.greaterThan(100);
    expect(br.linkInfo?.vxlan).to.equal(undefined);
    const veth = goldenBody('RTM_NEWLINK u0', 'link');
    expect(veth.linkInfo?.kind).to.equal('veth');
    expect(veth.flags & 1, 'IFF_UP').to.equal(1);
  });

  it('vxlan FDB entries decode like `bridge -j fdb show`', () => {
    const remote = goldenBody('RTM_NEWNEIGH fdb 02:00:5e:00:53:01 ifindex 5 dst 2001:db8::99', 'neighbor');
    expect(remote).to.include({ family: AddressFamily.bridge, index: 5, lladdr: '02:00:5e:00:53:01', dst: '2001:db8::99' });
    expect(remote.state).to.equal(NudState.noarp | NudState.permanent);
    expect(remote.flags).to.equal(NtfFlag.self | NtfFlag.extLearned);
    const flood6 = goldenBody('RTM_NEWNEIGH fdb 00:00:00:00:00:00 ifindex 5 dst 2001:db8::98', 'neighbor');
    expect(flood6).to.include({ lladdr: '00:00:00:00:00:00', dst: '2001:db8::98', flags: NtfFlag.self });
    const flood4 = goldenBody('RTM_NEWNEIGH fdb 00:00:00:00:00:00 ifindex 6 dst 192.0.2.7', 'neighbor');
    expect(flood4).to.include({ index: 6, dst: '192.0.2.7' });
  });

  it('bridge (master) FDB entries carry NDA_MASTER and no NTF_SELF', () => {
    const own = goldenBody('RTM_NEWNEIGH fdb 02:00:5e:00:53:10 ifindex 5', 'neighbor');
    expect(own).to.include({ index: 5, master: 2, lladdr: '02:00:5e:00:53:10', state: NudState.permanent, flags: 0 });
    expect(own.dst).to.equal(undefined);
  });

  it('addresses decode like `ip -j addr show`', () => {
    const v4 = goldenBody('RTM_NEWADDR 192.0.2.1/24 flags 128', 'address');
    expect(v4).to.include({ family: AddressFamily.inet, prefixLength: 24, index: 3, local: '192.0.2.1', label: 'u1' });
    expect(interfaceAddress(v4)).to.equal('192.0.2.1');
    const v6 = goldenBody('RTM_NEWADDR 2001:db8::1/64 flags 130', 'address');
    expect(v6).to.include({ family: AddressFamily.inet6, prefixLength: 64, index: 4, address: '2001:db8::1' });
    expect(addressFlags(v6)).to.equal(IfaFlag.permanent | IfaFlag.nodad);
    expect(addressFlags(v6) & IfaFlag.tentative).to.equal(0);
  });

  it('NLMSG_ERROR carries the errno and echoes the refused request', () => {
    const e = goldenBody('NLMSG_ERROR EEXIST (ack tlvs)', 'error');
    expect(e.errno).to.equal(17);
    expect(errnoName(e.errno)).to.equal('EEXIST');
    expect(e.request).to.include({ type: RtmType.newNeigh, seq: 42, length: 60 });
    expect(e.request.flags).to.equal(NlmFlag.request | NlmFlag.ack | NlmFlag.create | NlmFlag.excl);
    // The echoed payload is our own RTM_NEWNEIGH body: decode it back.
    const body = messageCodec.decode(
      encodeMessage({ header: { type: e.request.type, flags: e.request.flags, seq: 42, pid: 0 }, body: { kind: 'raw', payload: e.requestPayload } }),
      0,
    ).message.body as NeighborMessage;
    expect(body).to.include({ lladdr: '02:00:5e:00:53:01', dst: '2001:db8::99', index: 5 });
    expect(goldenBody('NLMSG_ERROR EINVAL with extended-ACK text', 'error').errno).to.equal(22);
  });

  it('NLMSG_DONE ends a dump with status 0', () => {
    expect(goldenBody('NLMSG_DONE of a link dump', 'done').errno).to.equal(0);
  });

  for (const g of KERNEL_MESSAGES) {
    describe(g.name, () => {
      const bytes = bytesOf(g.hex);

      it('re-encodes to a message that decodes to the same value, unknown attributes byte-identical', () => {
        const m = decodeOne(bytes);
        const again = encodeMessage(m);
        expect(again.length).to.equal(bytes.length);
        expect(decodeOne(again)).to.deep.equal(m);
      });

      it('every truncated prefix fails with ERR_NETLINK_TRUNCATED', () => {
        for (let cut = 0; cut < bytes.length; cut++) {
          expectCode(() => messageCodec.decode(bytes.subarray(0, cut), 0), 'ERR_NETLINK_TRUNCATED');
        }
      });

      it('decodes at an unaligned offset inside a larger buffer', () => {
        const big = new Uint8Array(bytes.length + 13).fill(0xee);
        big.set(bytes, 5);
        const { message, next } = messageCodec.decode(big, 5, 5 + bytes.length);
        expect(next).to.equal(5 + bytes.length);
        expect(message).to.deep.equal(decodeOne(bytes));
      });

      it('a corrupted attribute length fails with a typed error, never a RangeError', () => {
        for (let i = 16; i < bytes.length; i += 3) {
          const bad = bytes.slice();
          bad[i] = bad[i]! ^ 0xff;
          try {
            decodeMessages(bad);
          } catch (e) {
            expect(e).to.be.instanceOf(NetlinkDecodeError);
          }
        }
      });
    });
  }

  it('FDB entries re-encode byte-identical (our attribute order is the kernel\'s)', () => {
    for (const g of KERNEL_MESSAGES.filter((x) => x.name.startsWith('RTM_NEWNEIGH') || x.name.startsWith('NLMSG_'))) {
      const bytes = bytesOf(g.hex);
      expect(Buffer.from(encodeMessage(decodeOne(bytes))).toString('hex'), g.name).to.equal(g.hex);
    }
  });

  it('a datagram of several messages decodes in order', () => {
    const names = ['RTM_NEWLINK br0', 'RTM_NEWLINK vx0', 'NLMSG_DONE of a link dump'];
    const parts = names.map((n) => golden.get(n)!);
    const dgram = Buffer.concat(parts);
    expect(decodeMessages(dgram).map((m) => m.body.kind)).to.deep.equal(['link', 'link', 'done']);
  });
});

describe('netlink codecs: malformed input', () => {
  const base = golden.get('RTM_NEWNEIGH fdb 02:00:5e:00:53:01 ifindex 5 dst 2001:db8::99')!;

  it('nlmsg_len below the header size is malformed', () => {
    const bad = base.slice();
    new DataView(bad.buffer).setUint32(0, 8, true);
    expectCode(() => decodeMessages(bad), 'ERR_NETLINK_MALFORMED');
  });

  it('an attribute longer than its message is truncated; rta_len < 4 is malformed', () => {
    const long = base.slice();
    new DataView(long.buffer).setUint16(28, 200, true); // first rtattr after nlmsghdr + ndmsg
    expectCode(() => decodeMessages(long), 'ERR_NETLINK_TRUNCATED');
    const short = base.slice();
    new DataView(short.buffer).setUint16(28, 2, true);
    expectCode(() => decodeMessages(short), 'ERR_NETLINK_MALFORMED');
  });

  it('an address attribute of a wrong size is malformed', () => {
    const m: NetlinkMessage = {
      header: { type: RtmType.newNeigh, flags: 0, seq: 1, pid: 0 },
      body: { kind: 'neighbor', family: 7, index: 1, state: 0, flags: 0, ndmType: 0, unknown: [{ type: 1, flags: 0, value: new Uint8Array(5) }] },
    };
    expectCode(() => decodeMessages(encodeMessage(m)), 'ERR_NETLINK_MALFORMED');
  });

  it('random bytes raise only NetlinkDecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeMessages(bytes);
        } catch (e) {
          if (!(e instanceof NetlinkDecodeError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('random bytes behind a valid header of every modelled type raise only NetlinkDecodeError', () => {
    const types = [RtmType.newLink, RtmType.newAddr, RtmType.newNeigh, NlmsgType.error, NlmsgType.done, 99];
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 200 }), (type, flags, payload) => {
        const m = encodeMessage({ header: { type, flags, seq: 1, pid: 0 }, body: { kind: 'raw', payload } });
        try {
          decodeMessages(m);
        } catch (e) {
          if (!(e instanceof NetlinkDecodeError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('netlink codecs: encoding', () => {
  const u32 = fc.integer({ min: 0, max: 0xffffffff });
  const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => normalizeMac(Buffer.from(b).toString('hex').replace(/(..)(?!$)/g, '$1:')));
  const ip6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatIp(b));
  const ip4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => formatIp(b));
  const raw = fc.record({ type: fc.integer({ min: 100, max: 0x3fff }), flags: fc.constantFrom(0, 0x8000, 0x4000), value: fc.uint8Array({ maxLength: 20 }) });
  const name = fc.stringMatching(/^[a-z][a-z0-9]{0,14}$/);

  const neighbor: fc.Arbitrary<NeighborMessage> = fc.record(
    {
      kind: fc.constant('neighbor' as const),
      family: fc.constantFrom(7, 2, 10),
      index: fc.integer({ min: 0, max: 0x7fffffff }),
      state: fc.integer({ min: 0, max: 0xffff }),
      flags: fc.integer({ min: 0, max: 0xff }),
      ndmType: fc.integer({ min: 0, max: 0xff }),
      lladdr: mac,
      dst: fc.oneof(ip6, ip4),
      vni: fc.integer({ min: 0, max: 0xffffff }),
      ifindex: u32,
      master: u32,
      port: fc.integer({ min: 0, max: 0xffff }),
      vlan: fc.integer({ min: 0, max: 0xffff }),
      srcVni: u32,
      extendedFlags: u32,
      unknown: fc.array(raw, { maxLength: 3 }),
    },
    { requiredKeys: ['kind', 'family', 'index', 'state', 'flags', 'ndmType', 'unknown'] },
  );

  const link: fc.Arbitrary<LinkMessage> = fc.record(
    {
      kind: fc.constant('link' as const),
      family: fc.integer({ min: 0, max: 255 }),
      deviceType: fc.integer({ min: 0, max: 0xffff }),
      index: fc.integer({ min: 0, max: 0x7fffffff }),
      flags: u32,
      change: u32,
      name,
      mtu: u32,
      master: u32,
      address: mac,
      operState: fc.integer({ min: 0, max: 6 }),
      linkInfo: fc.oneof<fc.Arbitrary<LinkInfo>[]>(
        fc.record(
          {
            kind: fc.constant('vxlan'),
            vxlan: fc.record(
              {
                vni: fc.integer({ min: 0, max: 0xffffff }),
                local6: ip6,
                local: ip4,
                port: fc.integer({ min: 0, max: 0xffff }),
                learning: fc.boolean(),
                link: u32,
                unknown: fc.array(raw, { maxLength: 2 }),
              },
              { requiredKeys: ['unknown'] },
            ),
            slaveKind: fc.constant('bridge'),
            unknown: fc.array(raw, { maxLength: 2 }),
          },
          { requiredKeys: ['kind', 'vxlan', 'unknown'] },
        ),
        fc.record(
          { kind: fc.constantFrom('bridge', 'veth'), data: fc.uint8Array({ maxLength: 16 }), slaveData: fc.uint8Array({ maxLength: 8 }), unknown: fc.constant([] as RawAttribute[]) },
          { requiredKeys: ['kind', 'unknown'] },
        ),
      ),
      unknown: fc.array(raw, { maxLength: 3 }),
    },
    { requiredKeys: ['kind', 'family', 'deviceType', 'index', 'flags', 'change', 'unknown'] },
  );

  const address: fc.Arbitrary<AddressMessage> = fc.record(
    {
      kind: fc.constant('address' as const),
      family: fc.constantFrom(2, 10),
      prefixLength: fc.integer({ min: 0, max: 128 }),
      flags: fc.integer({ min: 0, max: 255 }),
      scope: fc.integer({ min: 0, max: 255 }),
      index: u32,
      address: ip6,
      local: ip4,
      label: name,
      extendedFlags: u32,
      unknown: fc.array(raw, { maxLength: 3 }),
    },
    { requiredKeys: ['kind', 'family', 'prefixLength', 'flags', 'scope', 'index', 'unknown'] },
  );

  const header = fc.record({ type: fc.constant(0), flags: fc.integer({ min: 0, max: 0xffff }), seq: u32, pid: u32 });

  for (const [what, arb, type] of [
    ['RTM_NEWNEIGH', neighbor, RtmType.newNeigh],
    ['RTM_NEWLINK', link, RtmType.newLink],
    ['RTM_NEWADDR', address, RtmType.newAddr],
  ] as const) {
    it(`${what}: decode(encode(v)) == v, and encodedLength is exact`, () => {
      fc.assert(
        fc.property(header, arb as fc.Arbitrary<NetlinkBody>, (h, body) => {
          const m: NetlinkMessage = { header: { ...h, type }, body };
          const n = messageCodec.encodedLength(m);
          const buf = new Uint8Array(n + 8);
          expect(messageCodec.encode(m, buf, 4)).to.equal(4 + n);
          const { message, next } = messageCodec.decode(buf, 4, 4 + n);
          expect(next).to.equal(4 + n);
          expect(message).to.deep.equal(m);
        }),
        { numRuns: 500 },
      );
    });
  }

  it('an IPv6 address in the tentative state keeps IFA_F_TENTATIVE above the 8-bit ifa_flags', () => {
    const body: AddressMessage = {
      kind: 'address',
      family: 10,
      prefixLength: 64,
      flags: IfaFlag.tentative,
      scope: 0,
      index: 3,
      address: '2001:db8::7',
      extendedFlags: IfaFlag.tentative | IfaFlag.noprefixroute | IfaFlag.deprecated,
      unknown: [],
    };
    const back = decodeOne(encodeMessage({ header: { type: RtmType.newAddr, flags: 0, seq: 0, pid: 0 }, body })).body as AddressMessage;
    expect(addressFlags(back) & IfaFlag.tentative).to.not.equal(0);
    expect(addressFlags(back) & IfaFlag.deprecated).to.not.equal(0);
    expect(addressFlags(back) & IfaFlag.noprefixroute).to.not.equal(0);
  });

  it('nests parse the same with or without NLA_F_NESTED', () => {
    const body: LinkMessage = {
      kind: 'link',
      family: 0,
      deviceType: 1,
      index: 7,
      flags: 0,
      change: 0,
      linkInfo: { kind: 'vxlan', vxlan: { vni: 4242, local6: '2001:db8::7', port: 4789, learning: false, unknown: [] }, unknown: [] },
      unknown: [],
    };
    const bytes = encodeMessage({ header: { type: RtmType.newLink, flags: 0, seq: 0, pid: 0 }, body });
    const dv = new DataView(bytes.buffer);
    // IFLA_LINKINFO is the first attribute: nlmsghdr 16 + ifinfomsg 16, type at +2.
    expect(dv.getUint16(34, true)).to.equal(18);
    dv.setUint16(34, 18 | 0x8000, true);
    // IFLA_INFO_KIND "vxlan" (4 + 6 → 12 padded) comes next, then IFLA_INFO_DATA.
    expect(dv.getUint16(36 + 12 + 2, true)).to.equal(2);
    dv.setUint16(36 + 12 + 2, 2 | 0x8000, true);
    const back = decodeOne(bytes).body as LinkMessage;
    expect(back.linkInfo).to.deep.equal(body.linkInfo);
  });

  it('IFLA_VXLAN_PORT and NDA_PORT travel big-endian', () => {
    const bytes = encodeMessage({
      header: { type: RtmType.newNeigh, flags: 0, seq: 0, pid: 0 },
      body: { kind: 'neighbor', family: 7, index: 1, state: 0, flags: 0, ndmType: 0, port: 4789, unknown: [] },
    });
    // nlmsghdr 16 + ndmsg 12 + rtattr header 4, then the port: 0x12b5
    expect(Buffer.from(bytes.subarray(32, 34)).toString('hex')).to.equal('12b5');
  });

  it('values out of range fail with ERR_NETLINK_ENCODE', () => {
    const neigh = (extra: Partial<NeighborMessage>): NetlinkMessage => ({
      header: { type: RtmType.newNeigh, flags: 0, seq: 0, pid: 0 },
      body: { kind: 'neighbor', family: 7, index: 1, state: 0, flags: 0, ndmType: 0, unknown: [], ...extra },
    });
    expectCode(() => encodeMessage(neigh({ vni: 1 << 24 })), 'ERR_NETLINK_ENCODE', NetlinkEncodeError);
    expectCode(() => encodeMessage(neigh({ dst: '2001:db8::zz' })), 'ERR_NETLINK_ENCODE', NetlinkEncodeError);
    expectCode(() => encodeMessage(neigh({ lladdr: '02:00:5e:00:53' + ':xyz' })), 'ERR_NETLINK_ENCODE', NetlinkEncodeError);
    expectCode(() => encodeMessage(neigh({ state: 0x10000 })), 'ERR_NETLINK_ENCODE', NetlinkEncodeError);
    expectCode(() => messageCodec.encode(neigh({}), new Uint8Array(20)), 'ERR_NETLINK_ENCODE', NetlinkEncodeError);
  });
});

describe('netlink errors', () => {
  it('name errno numbers in their codes', () => {
    expect(new NativeError(13, 'socket').code).to.equal('ERR_NETLINK_EACCES');
    const k = new NetlinkKernelError(17, RtmType.newNeigh, 'already there');
    expect(k.code).to.equal('ERR_NETLINK_EEXIST');
    expect(k.kernelMessage).to.equal('already there');
    expect(k).to.be.instanceOf(RouterError);
    expect(errnoName(105)).to.equal('ENOBUFS');
    expect(errnoName(100000)).to.equal('E100000');
  });
});

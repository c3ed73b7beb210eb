/**
 * Our VXLAN codec against the Linux kernel's own vxlan over an IPv6 underlay, in namespaces:
 *
 *   [peer] u1 2001:db8:e6::1 ── veth ── u0 2001:db8:e6::2 [vtep] vx0 (VNI 550) ─ br0 ─ h0 ── veth ── h1 192.0.2.2 [host]
 *
 * "peer" is us: we capture what arrives on u1 with tcpdump and decapsulate it, and we inject
 * frames we encapsulated (and fragmented) with tcpreplay. The host has a static neighbour entry
 * for 192.0.2.1 (02:e6:00:00:01:01), the inner host we pretend to be behind our VTEP.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EtherType,
  IpProtocol,
  VxlanDecapsulator,
  VxlanEncapsulator,
  Writer,
  ethernetHeaderCodec,
  formatIp,
  internetChecksum,
  ipv4HeaderCodec,
  parseIp,
  parseMac,
  type DecapFrame,
} from '@evpn6/vxlan';
import { NetnsLab, requirePrerequisites } from './support/netns.js';
import { readPcap, writePcap, type PcapPacket } from './support/pcap.js';

const VNI = 550;
const PEER_ADDR = '2001:db8:e6::1';
const VTEP_ADDR = '2001:db8:e6::2';
const PEER_MAC = '02:e6:00:00:00:01';
const VTEP_MAC = '02:e6:00:00:00:02';
const HOST_MAC = '02:e6:00:00:01:02';
const INNER_MAC = '02:e6:00:00:01:01';
const HOST_IP = '192.0.2.2';
const INNER_IP = '192.0.2.1';

/** An Ethernet + IPv4 + ICMP echo frame built with the library's own codecs. */
function icmpEcho(type: 0 | 8, srcMac: string, dstMac: string, src: string, dst: string, id: number, seq: number, payload: Uint8Array): Uint8Array {
  const icmpLength = 8 + payload.length;
  const w = Writer.alloc(14 + 20 + icmpLength);
  ethernetHeaderCodec.encode({ destination: parseMac(dstMac), source: parseMac(srcMac), tags: [], etherType: EtherType.ipv4 }, w);
  ipv4HeaderCodec.encode(
    {
      tos: 0,
      totalLength: 20 + icmpLength,
      identification: seq,
      dontFragment: true,
      moreFragments: false,
      fragmentByteOffset: 0,
      ttl: 64,
      protocol: IpProtocol.icmp,
      checksum: 0,
      source: parseIp(src),
      destination: parseIp(dst),
      options: new Uint8Array(0),
    },
    w,
  );
  const icmp = w.pos;
  w.u8(type);
  w.u8(0);
  w.u16(0);
  w.u16(id);
  w.u16(seq);
  w.bytes(payload);
  const c = internetChecksum(w.buf, icmp, w.pos);
  w.buf[icmp + 2] = c >>> 8;
  w.buf[icmp + 3] = c & 0xff;
  return w.buf;
}

interface Echo {
  type: number;
  src: string;
  dst: string;
  id: number;
  seq: number;
  payload: Uint8Array;
}

/** Reads an untagged Ethernet/IPv4/ICMP echo, or null. */
function parseEcho(frame: Uint8Array): Echo | null {
  if (frame.length < 42 || ((frame[12]! << 8) | frame[13]!) !== EtherType.ipv4) return null;
  const ihl = (frame[14]! & 0xf) * 4;
  if (frame[23] !== IpProtocol.icmp) return null;
  const icmp = 14 + ihl;
  const total = (frame[16]! << 8) | frame[17]!;
  return {
    type: frame[icmp]!,
    src: formatIp(frame.subarray(26, 30)),
    dst: formatIp(frame.subarray(30, 34)),
    id: (frame[icmp + 4]! << 8) | frame[icmp + 5]!,
    seq: (frame[icmp + 6]! << 8) | frame[icmp + 7]!,
    payload: frame.slice(icmp + 8, 14 + total),
  };
}

function patterned(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('vxlan over IPv6 against the Linux kernel (namespaces)', function () {
  this.timeout(60_000);
  const lab = new NetnsLab();
  let dir = '';
  let peer = '';
  let vtep = '';
  let host = '';

  before(async function () {
    requirePrerequisites(this, ['tcpdump', 'tcpreplay', 'ethtool', 'bridge', 'ping', 'python3']);
    dir = mkdtempSync(join(tmpdir(), 'evpn6-vxlan-kernel-'));
    peer = lab.add('peer');
    vtep = lab.add('vtep');
    host = lab.add('host');
    lab.veth(vtep, 'u0', peer, 'u1', VTEP_MAC, PEER_MAC);
    // The kernel does not fragment outer IPv6 (it drops and fakes "too big"): the reply to a
    // 1514-byte frame needs a 1570-byte underlay on the way back. Our side still sends at 1500.
    lab.ip(vtep, 'link', 'set', 'u0', 'mtu', '1600');
    lab.ip(peer, 'link', 'set', 'u1', 'mtu', '1600');
    lab.ip(vtep, 'addr', 'add', `${VTEP_ADDR}/64`, 'dev', 'u0', 'nodad');
    lab.ip(peer, 'addr', 'add', `${PEER_ADDR}/64`, 'dev', 'u1', 'nodad');
    lab.ip(vtep, 'neigh', 'add', PEER_ADDR, 'lladdr', PEER_MAC, 'dev', 'u0', 'nud', 'permanent');
    // veth would hand us partial checksums (offload); we verify checksums, so make the kernel finish them.
    lab.exec(vtep, 'ethtool', '-K', 'u0', 'tx', 'off');
    // Quiet overlay: no IPv6 chatter (RS, MLD) on interfaces created from here on.
    lab.sysctl(vtep, 'net.ipv6.conf.default.disable_ipv6=1');
    lab.sysctl(host, 'net.ipv6.conf.default.disable_ipv6=1', 'net.ipv6.conf.all.disable_ipv6=1');
    lab.ip(vtep, 'link', 'add', 'vx0', 'type', 'vxlan', 'id', String(VNI), 'local', VTEP_ADDR, 'dstport', '4789', 'nolearning');
    lab.ip(vtep, 'link', 'set', 'vx0', 'mtu', '1500');
    lab.ip(vtep, 'link', 'add', 'br0', 'type', 'bridge');
    lab.veth(vtep, 'h0', host, 'h1', undefined, HOST_MAC);
    lab.ip(vtep, 'link', 'set', 'vx0', 'master', 'br0');
    lab.ip(vtep, 'link', 'set', 'h0', 'master', 'br0');
    lab.ip(vtep, 'link', 'set', 'vx0', 'up');
    lab.ip(vtep, 'link', 'set', 'br0', 'up');
    lab.exec(vtep, 'bridge', 'fdb', 'append', '00:00:00:00:00:00', 'dev', 'vx0', 'dst', PEER_ADDR);
    lab.ip(host, 'addr', 'add', `${HOST_IP}/24`, 'dev', 'h1');
    lab.ip(host, 'neigh', 'add', INNER_IP, 'lladdr', INNER_MAC, 'dev', 'h1', 'nud', 'permanent');
    // Until the kernel's link watcher activates a new veth's queue, it silently drops what is sent.
    for (const [ns, ifname] of [[vtep, 'u0'], [peer, 'u1'], [vtep, 'h0'], [host, 'h1'], [vtep, 'br0']] as const) await lab.waitLinkReady(ns, ifname);
  });

  after(() => {
    lab.teardown();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  let captures = 0;
  /** Captures incoming packets on `ifname` in `ns` while `action` runs. */
  async function capture(ns: string, ifname: string, action: () => void | Promise<void>): Promise<PcapPacket[]> {
    const file = join(dir, `capture-${++captures}.pcap`);
    const tcpdump = await lab.start(ns, ['tcpdump', '--immediate-mode', '-Q', 'in', '-i', ifname, '-w', file, '-U', '-n', '-s', '0'], /listening on/);
    await action();
    // --immediate-mode above: without it, packets still in the capture ring are lost on SIGINT.
    await sleep(300);
    await lab.stop(tcpdump, 'SIGINT');
    return readPcap(readFileSync(file)).packets;
  }

  function inject(frames: Uint8Array[]): void {
    const file = join(dir, `inject-${++captures}.pcap`);
    writeFileSync(file, writePcap(frames));
    lab.exec(peer, 'tcpreplay', '-q', '-i', 'u1', file);
  }

  function decapAll(packets: PcapPacket[]): { frames: DecapFrame[]; drops: string[] } {
    const decap = new VxlanDecapsulator({ localAddresses: [parseIp(PEER_ADDR)] });
    const frames: DecapFrame[] = [];
    const drops: string[] = [];
    for (const p of packets) {
      const r = decap.decapsulate(p.data, Number(p.timestampNs / 1_000_000n));
      if (r.kind === 'frame') frames.push(r);
      else if (r.kind === 'drop') drops.push(r.reason);
    }
    return { frames, drops };
  }

  it('kernel encap → our decap: echo requests from the host behind the kernel VTEP', async () => {
    const packets = await capture(peer, 'u1', () => {
      lab.tryExec(host, 'ping', '-c', '3', '-i', '0.2', '-W', '1', INNER_IP);
    });
    const { frames, drops } = decapAll(packets);
    // Besides VXLAN only the kernel's ICMPv6 (ND to us, MLD/RS to multicast) reaches u1.
    expect(drops.every((d) => d === 'not-udp' || d === 'not-local-address'), drops.join(',')).to.equal(true);
    const echoes = frames.map((f) => ({ f, e: parseEcho(f.inner) })).filter((x) => x.e?.type === 8);
    expect(echoes.map((x) => x.e!.seq)).to.deep.equal([1, 2, 3]);
    for (const { f, e } of echoes) {
      expect(f.vni).to.equal(VNI);
      expect(formatIp(f.source)).to.equal(VTEP_ADDR);
      expect(e!.src).to.equal(HOST_IP);
      expect(e!.dst).to.equal(INNER_IP);
      expect(e!.payload.length).to.equal(56);
    }
  });

  it('kernel IPv6 fragmentation → our reassembly + decap: a 1514-byte inner frame sent over a UDP socket', async () => {
    const inner = icmpEcho(8, HOST_MAC, INNER_MAC, HOST_IP, INNER_IP, 7, 7, patterned(1472, 7));
    const vxlan = new Uint8Array(8 + inner.length);
    vxlan[0] = 0x08;
    vxlan[6] = VNI & 0xff;
    vxlan[5] = VNI >>> 8;
    vxlan.set(inner, 8);
    // A plain UDP socket: the kernel computes the checksum and fragments to the 1500 route MTU itself.
    lab.ip(vtep, 'route', 'add', `${PEER_ADDR}/128`, 'dev', 'u0', 'mtu', '1500');
    try {
      const packets = await capture(peer, 'u1', () => {
        lab.exec(
          vtep,
          'python3',
          '-c',
          'import socket,sys\ns=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)\ns.bind((sys.argv[1],0))\ns.sendto(bytes.fromhex(sys.argv[3]),(sys.argv[2],4789))',
          VTEP_ADDR,
          PEER_ADDR,
          Buffer.from(vxlan).toString('hex'),
        );
      });
      const fragments = packets.filter((p) => p.data[12] === 0x86 && p.data[13] === 0xdd && p.data[20] === 44);
      // Same layout as ours: 1448 bytes in the first fragment, the remaining 82 in the second.
      expect(fragments.map((p) => p.data.length - 14 - 40 - 8)).to.deep.equal([1448, 82]);
      const { frames } = decapAll(packets);
      expect(frames.length).to.equal(1);
      expect(frames[0]!.vni).to.equal(VNI);
      expect(Buffer.from(frames[0]!.inner).equals(inner)).to.equal(true);
    } finally {
      lab.ip(vtep, 'route', 'del', `${PEER_ADDR}/128`);
    }
  });

  for (const payloadLength of [56, 1472]) {
    const frameLength = 14 + 20 + 8 + payloadLength;
    it(`our encap → kernel decap → host → kernel encap → our decap: ${frameLength}-byte echo`, async () => {
      const encap = new VxlanEncapsulator({
        local: parseIp(PEER_ADDR),
        mtu: 1500,
        outerEthernet: { source: parseMac(PEER_MAC), destination: parseMac(VTEP_MAC) },
      });
      const id = 0x4e36;
      const seq = payloadLength;
      const payload = patterned(payloadLength, seq);
      const request = icmpEcho(8, INNER_MAC, HOST_MAC, INNER_IP, HOST_IP, id, seq, payload);
      expect(request.length).to.equal(frameLength);
      const outer = encap.encapsulate(request, VNI, parseIp(VTEP_ADDR));
      expect(outer.length).to.equal(frameLength === 1514 ? 2 : 1);
      for (const f of outer) expect(f.length - 14).to.be.at.most(1500);

      let delivered: PcapPacket[] = [];
      const packets = await capture(peer, 'u1', async () => {
        delivered = await capture(host, 'h1', () => inject(outer));
      });
      // The kernel reassembled our fragments and delivered the very frame we encapsulated.
      expect(delivered.some((p) => Buffer.from(p.data).equals(request)), 'host received our inner frame').to.equal(true);

      const { frames } = decapAll(packets);
      const replies = frames.map((f) => ({ f, e: parseEcho(f.inner) })).filter((x) => x.e?.type === 0 && x.e.id === id && x.e.seq === seq);
      expect(replies.length, 'echo replies decapsulated').to.equal(1);
      const { f, e } = replies[0]!;
      expect(f.vni).to.equal(VNI);
      expect(formatIp(f.source)).to.equal(VTEP_ADDR);
      expect(e!.src).to.equal(HOST_IP);
      expect(e!.dst).to.equal(INNER_IP);
      expect(Buffer.from(e!.payload).equals(payload)).to.equal(true);
      expect(f.inner.length).to.equal(frameLength);
    });
  }
});

import { expect } from 'chai';
import { checkConfig, ConfigErrorCode, summarizeConfig } from '@evpn6/router';

const BGP = 'router bgp 64512\n neighbor 2001:db8:0:2::11 remote-as internal\nexit\n';

function check(block: string) {
  return checkConfig(`${BGP}${block}`, 'r.conf');
}

function codes(block: string): [number, string][] {
  return check(block).errors.map((e) => [e.line, e.code]);
}

describe('config: dataplane dpdk block (evpn6 extension)', () => {
  it('reads EAL arguments, the underlay and LAN ports with their TAPs and VNIs, and the MTU', () => {
    const r = check(
      [
        'dataplane dpdk',
        ' eal -l 2-3 --log-level=evpn6:debug',
        ' eal --vdev net_af_packet0,iface=enp1s0',
        ' underlay net_af_packet0 tap tnp1s0',
        ' lan 0000:04:00.0 tap tnp4s0 vni 550',
        ' lan net_af_packet1 vni 551',
        ' mtu 1500',
        ' idle-sleep 50',
        'exit',
      ].join('\n'),
    );
    expect(r.errors).to.deep.equal([]);
    expect(r.config!.dpdk).to.deep.equal({
      ealArgs: ['-l', '2-3', '--log-level=evpn6:debug', '--vdev', 'net_af_packet0,iface=enp1s0'],
      underlay: { device: 'net_af_packet0', tap: 'tnp1s0' },
      lan: [
        { device: '0000:04:00.0', tap: 'tnp4s0', vni: 550 },
        { device: 'net_af_packet1', vni: 551 },
      ],
      mtu: 1500,
      idleSleepUs: 50,
    });
    expect(summarizeConfig(r.config!)).to.include('  lan 0000:04:00.0 (tap tnp4s0): vni 550');
  });

  it('defaults: MTU 1500; absent block: no dpdk settings at all', () => {
    expect(check('dataplane dpdk\n underlay 0000:01:00.0 tap tnp1s0\n').config!.dpdk).to.deep.include({ mtu: 1500, idleSleepUs: 0, ealArgs: [], lan: [] });
    expect(check('').config).not.to.have.property('dpdk');
  });

  it('the next top-level command closes the block, as in FRR', () => {
    const r = checkConfig('dataplane dpdk\n underlay 0000:01:00.0 tap tnp1s0\nrouter bgp 64512\n neighbor 2001:db8::2 remote-as internal\n', 'r.conf');
    expect(r.errors).to.deep.equal([]);
    expect(r.config!.bgp.neighbors).to.have.length(1);
  });

  it('every mistake is named by line, with a stable code', () => {
    // Line numbers count from the BGP lines above the block (3 lines).
    expect(codes('dataplane dpdk\n lan net_ring0 vni 550\n')).to.deep.equal([[4, ConfigErrorCode.missing]]);
    expect(codes('dataplane vpp\n underlay x tap t\n')).to.deep.equal([[4, ConfigErrorCode.syntax]]);
    expect(
      codes(
        [
          'dataplane dpdk',
          ' underlay 0000:01:00.0 tnp1s0',
          ' underlay 0000:01:00.0 tap tnp1s0',
          ' underlay 0000:02:00.0 tap tnp2s0',
          ' lan 0000:01:00.0 vni 550',
          ' lan 0000:04:00.0 tap tnp1s0 vni 550',
          ' lan 0000:04:00.0 vni 0',
          ' lan 0000:04:00.0 vni 550',
          ' lan 0000:05:00.0 vni 550',
          ' lan bad/name vni 551',
          ' lan 0000:06:00.0 tap this-name-is-too-long vni 552',
          ' lan 0000:07:00.0 port 1 vni 553',
          ' mtu 1000',
          ' eal',
          ' frobnicate',
        ].join('\n'),
      ),
    ).to.deep.equal([
      [5, ConfigErrorCode.syntax],
      [7, ConfigErrorCode.conflict],
      [8, ConfigErrorCode.conflict],
      [9, ConfigErrorCode.conflict],
      [10, ConfigErrorCode.range],
      [12, ConfigErrorCode.duplicateVni],
      [13, ConfigErrorCode.syntax],
      [14, ConfigErrorCode.syntax],
      [15, ConfigErrorCode.syntax],
      [16, ConfigErrorCode.range],
      [17, ConfigErrorCode.syntax],
      [18, ConfigErrorCode.unknownCommand],
    ]);
  });

  it('at most 16 LAN ports (the forwarder\'s limit)', () => {
    const lans = Array.from({ length: 17 }, (_, i) => ` lan net_ring${i} vni ${100 + i}`).join('\n');
    expect(codes(`dataplane dpdk\n underlay net_tap0 tap tnp1s0\n${lans}\n`)).to.deep.equal([[22, ConfigErrorCode.range]]);
  });
});

import { expect } from 'chai';
import type { MessageCounts, PeerSummary } from '@evpn6/bgp';
import type { MacSnapshot, VniSnapshot } from '@evpn6/evpn';
import { show } from '@evpn6/router';

function counts(total: number, update: number): MessageCounts {
  return { open: 1, update, notification: 0, keepalive: total - 1 - update, routeRefresh: 0, total };
}

function seedPeer(address: string): PeerSummary {
  return {
    address,
    description: undefined,
    remoteAs: 'internal',
    peerAs: 64512,
    peerRouterId: address.endsWith('2::11') ? '192.0.2.12' : '192.0.2.13',
    state: 'Established',
    shutdown: false,
    uptimeMs: 8_400,
    establishedTransitions: 1,
    localAddress: '2001:db8:0:1::11',
    messagesIn: counts(4, 1),
    messagesOut: counts(5, 2),
    families: [
      { family: 'ipv6-unicast', active: true, received: 0, accepted: 0, stale: 0, sent: 0 },
      { family: 'l2vpn-evpn', active: true, received: 0, accepted: 0, stale: 0, sent: 1 },
    ],
    lastDown: undefined,
    timers: { configuredHoldTime: 180, configuredKeepalive: 60, holdTime: 180, keepalive: 60 },
  };
}

function mac(mac: string, type: 'local' | 'remote', vtep: string | null): MacSnapshot {
  return { mac, type, vtep, localSequence: 0, remoteSequence: 0, sticky: false, ips: [], frozen: false, moves: 0 };
}

// The seed's VNI 550, in the seed's order (FRR prints hash order; we print what we are given).
const seedVni: VniSnapshot = {
  vni: 550,
  rd: '192.0.2.11:550',
  importRts: ['64512:550'],
  exportRts: ['64512:550'],
  localVtep: '2001:db8:0:1::11',
  macs: [
    mac('52:54:00:56:18:ff', 'local', null),
    mac('72:eb:58:30:cb:c5', 'remote', '2001:db8:0:3::11'),
    mac('0a:5a:bf:b4:cc:16', 'remote', '2001:db8:0:2::11'),
  ],
  remoteVteps: [
    { vtep: '2001:db8:0:3::11', flood: true, allowed: true },
    { vtep: '2001:db8:0:2::11', flood: true, allowed: true },
  ],
  originated: [],
};

const seed: show.ShowContext = {
  routerId: '192.0.2.11',
  localAs: 64512,
  peers: [seedPeer('2001:db8:0:2::11'), seedPeer('2001:db8:0:3::11')],
  ribEntries: { 'ipv6-unicast': 0, 'l2vpn-evpn': 1 },
  evpnRoutes: [],
  vnis: [
    {
      snapshot: seedVni,
      vxlanInterface: 'vni550',
      vxlanIfindex: 10,
      sviInterface: 'br50',
      sviIfindex: 9,
      localInterface: 'tnp4s0',
      mcastGroup: '',
    },
  ],
  dataplane: [],
};

describe('show: golden text from the seed', () => {
  it('show bgp summary', () => {
    expect(show.showBgpSummary(seed)).to.equal(
      [
        '',
        'IPv6 Unicast Summary (VRF default):',
        'BGP router identifier 192.0.2.11, local AS number 64512 vrf-id 0',
        'BGP table version 0',
        'RIB entries 0',
        'Peers 2',
        '',
        'Neighbor         V         AS   MsgRcvd   MsgSent   TblVer  InQ OutQ  Up/Down State/PfxRcd   PfxSnt Desc',
        '2001:db8:0:2::11 4      64512         4         5        0    0    0 00:00:08            0        0 N/A',
        '2001:db8:0:3::11 4      64512         4         5        0    0    0 00:00:08            0        0 N/A',
        '',
        'Total number of neighbors 2',
        '',
        'L2VPN EVPN Summary (VRF default):',
        'BGP router identifier 192.0.2.11, local AS number 64512 vrf-id 0',
        'BGP table version 0',
        'RIB entries 1',
        'Peers 2',
        '',
        'Neighbor         V         AS   MsgRcvd   MsgSent   TblVer  InQ OutQ  Up/Down State/PfxRcd   PfxSnt Desc',
        '2001:db8:0:2::11 4      64512         4         5        0    0    0 00:00:08            0        1 N/A',
        '2001:db8:0:3::11 4      64512         4         5        0    0    0 00:00:08            0        1 N/A',
        '',
        'Total number of neighbors 2',
        '',
      ].join('\n'),
    );
  });

  it('show evpn vni detail', () => {
    expect(show.showEvpnVniDetail(seed)).to.equal(
      [
        'VNI: 550',
        ' Type: L2',
        ' Tenant VRF: default',
        ' VxLAN interface: vni550',
        ' VxLAN ifIndex: 10',
        ' SVI interface: br50',
        ' SVI ifIndex: 9',
        ' Local VTEP IP: 2001:db8:0:1::11',
        ' Mcast group: ',
        ' Remote VTEPs for this VNI:',
        '  2001:db8:0:3::11 flood: HER',
        '  2001:db8:0:2::11 flood: HER',
        ' Number of MACs (local and remote) known for this VNI: 3',
        ' Number of ARPs (IPv4 and IPv6, local and remote) known for this VNI: 0',
        ' Advertise-gw-macip: No',
        ' Advertise-svi-macip: No',
        '',
      ].join('\n'),
    );
  });

  it('show evpn mac vni all', () => {
    expect(show.showEvpnMac(seed)).to.equal(
      [
        '',
        'VNI 550 #MACs (local and remote) 3',
        '',
        'Flags: N=sync-neighs, I=local-inactive, P=peer-active, X=peer-proxy',
        "MAC               Type   Flags Intf/Remote ES/VTEP            VLAN  Seq #'s",
        '52:54:00:56:18:ff local        tnp4s0                               0/0',
        '72:eb:58:30:cb:c5 remote       2001:db8:0:3::11                     0/0',
        '0a:5a:bf:b4:cc:16 remote       2001:db8:0:2::11                     0/0',
        '',
      ].join('\n'),
    );
    expect(show.showEvpnMac(seed, 550)).to.equal(show.showEvpnMac(seed));
    expect(show.showEvpnMac(seed, 551)).to.equal('% VNI 551 does not exist\n');
  });
});

describe('show: EVPN VNI and MAC JSON and the VNI table', () => {
  it('show evpn vni prints one line per VNI', () => {
    expect(show.showEvpnVni(seed)).to.equal(
      [
        'VNI        Type VxLAN IF              # MACs   # ARPs   # Remote VTEPs  Tenant VRF',
        '550        L2   vni550                3        0        2               default',
        '',
      ].join('\n'),
    );
  });

  it('VNI JSON', () => {
    const [v] = show.showEvpnVniJson(seed);
    expect(v).to.deep.equal({
      vni: 550,
      type: 'L2',
      tenantVrf: 'default',
      vxlanInterface: 'vni550',
      vxlanIfindex: 10,
      sviInterface: 'br50',
      sviIfindex: 9,
      localVtep: '2001:db8:0:1::11',
      mcastGroup: '',
      rd: '192.0.2.11:550',
      importRts: ['64512:550'],
      exportRts: ['64512:550'],
      remoteVteps: [
        { vtep: '2001:db8:0:3::11', flood: 'HER', allowed: true },
        { vtep: '2001:db8:0:2::11', flood: 'HER', allowed: true },
      ],
      numMacs: 3,
      numArps: 0,
      advertiseGatewayMacip: false,
      advertiseSviMacip: false,
    });
    expect(show.showEvpnVniJson(seed, 9)).to.deep.equal([]);
    expect(show.showEvpnVniDetail(seed, 9)).to.equal('% VNI 9 does not exist\n');
  });

  it('MAC JSON, with sequence numbers, sticky flag and host addresses', () => {
    const sticky: MacSnapshot = {
      mac: '02:00:00:00:00:01',
      type: 'remote',
      vtep: '2001:db8:0:2::11',
      localSequence: 1,
      remoteSequence: 2,
      sticky: true,
      ips: ['2001:db8:50::1'],
      frozen: false,
      moves: 1,
    };
    const ctx: show.ShowContext = {
      ...seed,
      vnis: seed.vnis.map((v) => ({ ...v, snapshot: { ...v.snapshot, macs: [sticky] } })),
    };
    expect(show.showEvpnMacJson(ctx)).to.deep.equal([
      {
        vni: 550,
        numMacs: 1,
        macs: [
          {
            mac: '02:00:00:00:00:01',
            type: 'remote',
            flags: 'S',
            interface: null,
            remoteVtep: '2001:db8:0:2::11',
            vlan: null,
            localSequence: 1,
            remoteSequence: 2,
            sticky: true,
            duplicate: false,
            ips: ['2001:db8:50::1'],
          },
        ],
      },
    ]);
    expect(show.showEvpnMac(ctx)).to.contain('\n02:00:00:00:00:01 remote S     2001:db8:0:2::11                     1/2\n');
    expect(show.showEvpnVniDetail(ctx)).to.contain(' Number of ARPs (IPv4 and IPv6, local and remote) known for this VNI: 1\n');
  });
});

import { expect } from 'chai';
import type { PeerSummary } from '@evpn6/bgp';
import fc from 'fast-check';
import { show } from '@evpn6/router';

const zero = { open: 0, update: 0, notification: 0, keepalive: 0, routeRefresh: 0, total: 0 };

const downPeer: PeerSummary = {
  address: '2001:db8:0:3::11',
  description: 'spoke-3',
  remoteAs: 64513,
  peerAs: undefined,
  peerRouterId: undefined,
  state: 'Active',
  shutdown: false,
  uptimeMs: 0,
  establishedTransitions: 2,
  localAddress: undefined,
  messagesIn: { open: 2, update: 3, notification: 1, keepalive: 10, routeRefresh: 0, total: 16 },
  messagesOut: { open: 2, update: 4, notification: 0, keepalive: 11, routeRefresh: 1, total: 18 },
  families: [{ family: 'l2vpn-evpn', active: false, received: 0, accepted: 0, stale: 0, sent: 0 }],
  lastDown: {
    kind: 'PeerNotification',
    direction: 'received',
    notification: { code: 6, subcode: 2, name: 'Cease/Administrative Shutdown', message: 'maintenance' },
  },
  timers: { configuredHoldTime: 180, configuredKeepalive: 60, holdTime: 0, keepalive: 0 },
};

const upPeer: PeerSummary = {
  address: '2001:db8:0:2::11',
  description: undefined,
  remoteAs: 'internal',
  peerAs: 64512,
  peerRouterId: '192.0.2.12',
  state: 'Established',
  shutdown: false,
  uptimeMs: 93_784_000,
  establishedTransitions: 1,
  localAddress: '2001:db8:0:1::11',
  messagesIn: { ...zero, open: 1, update: 2, keepalive: 1, total: 4 },
  messagesOut: { ...zero, open: 1, update: 3, keepalive: 1, total: 5 },
  families: [{ family: 'l2vpn-evpn', active: true, received: 3, accepted: 2, stale: 0, sent: 1 }],
  lastDown: undefined,
  timers: { configuredHoldTime: 180, configuredKeepalive: 60, holdTime: 180, keepalive: 60 },
};

const ctx: show.ShowContext = {
  routerId: '192.0.2.11',
  localAs: 64512,
  peers: [upPeer, downPeer],
  timers: new Map([['2001:db8:0:2::11', { holdTime: 90, keepalive: 30, configuredHoldTime: 180, configuredKeepalive: 60 }]]),
  evpnRoutes: [
    {
      routeType: 3,
      rd: '192.0.2.12:550',
      prefix: '[3]:[0]:[128]:[2001:db8:0:2::11]',
      peer: '2001:db8:0:2::11',
      nextHop: '2001:db8:0:2::11',
      localPref: 100,
      med: undefined,
      asPath: '',
      origin: 'igp',
      communities: ['RT:64512:550', 'ET:8'],
      best: true,
      valid: true,
    },
    {
      routeType: 2,
      rd: '192.0.2.12:550',
      prefix: '[2]:[0]:[48]:[0a:5a:bf:b4:cc:16]',
      peer: '2001:db8:0:2::11',
      nextHop: '2001:db8:0:2::11',
      localPref: 100,
      med: 5,
      asPath: '',
      origin: 'igp',
      communities: ['RT:64512:550', 'ET:8'],
      best: true,
      valid: true,
    },
    {
      routeType: 2,
      rd: '192.0.2.11:550',
      prefix: '[2]:[0]:[48]:[52:54:00:56:18:ff]',
      peer: 'local',
      nextHop: '2001:db8:0:1::11',
      localPref: undefined,
      med: undefined,
      asPath: '',
      origin: 'igp',
      communities: [],
      best: true,
      valid: true,
    },
  ],
  vnis: [],
  dataplane: [
    { name: 'rxPackets', value: 1234567 },
    { name: 'txPackets', value: 89 },
    { name: 'floodCopies', value: 0 },
  ],
};

describe('show: formatting details', () => {
  it('formats uptime like FRR at each scale', () => {
    expect(show.formatUptime(0)).to.equal('00:00:00');
    expect(show.formatUptime(3_723_999)).to.equal('01:02:03');
    expect(show.formatUptime(93_784_000)).to.equal('1d02h03m');
    expect(show.formatUptime((15 * 86400 + 4 * 3600) * 1000)).to.equal('02w1d04h');
  });

  it('summary shows the state name for a peer that is not Established, and its description', () => {
    const text = show.showBgpSummary(ctx);
    const rows = text.split('\n').filter((l) => l.startsWith('2001:db8'));
    expect(rows).to.deep.equal([
      '2001:db8:0:2::11 4      64512         4         5        0    0    0 1d02h03m            2        1 N/A',
      '2001:db8:0:3::11 4      64513        16        18        0    0    0 00:00:00       Active        0 spoke-3',
    ]);
    expect(text).to.contain('L2VPN EVPN Summary (VRF default):');
    expect(text).not.to.contain('IPv6 Unicast');
    const admin = show.showBgpSummary({ ...ctx, peers: [{ ...downPeer, state: 'Idle', shutdown: true, establishedTransitions: 0 }] });
    expect(admin).to.contain('never Idle (Admin)');
  });

  it('show bgp neighbors ADDR prints timers, message counts and families', () => {
    expect(show.showBgpNeighbors(ctx, '2001:db8:0:2::11')).to.equal(
      [
        'BGP neighbor is 2001:db8:0:2::11, remote AS 64512, local AS 64512, internal link',
        '  BGP version 4, remote router ID 192.0.2.12, local router ID 192.0.2.11',
        '  BGP state = Established, up for 1d02h03m',
        '  Hold time is 90, keepalive interval is 30 seconds',
        '  Configured hold time is 180, keepalive interval is 60 seconds',
        '  Message statistics:',
        '                         Sent       Rcvd',
        '    Opens:                  1          1',
        '    Notifications:          0          0',
        '    Updates:                3          2',
        '    Keepalives:             1          1',
        '    Route Refresh:          0          0',
        '    Total:                  5          4',
        ' For address family: L2VPN EVPN',
        '  2 accepted prefixes, 3 received, 0 stale',
        '  1 prefixes sent',
        '  Connections established 1; dropped 0',
        '  Last reset never',
        'Local host: 2001:db8:0:1::11',
        '',
      ].join('\n'),
    );
  });

  it('show bgp neighbors gives the NOTIFICATION name of the last reset', () => {
    const text = show.showBgpNeighbors(ctx, '2001:db8:0:3::11');
    expect(text).to.contain('BGP neighbor is 2001:db8:0:3::11, remote AS 64513, local AS 64512, external link\n Description: spoke-3\n');
    expect(text).to.contain('  BGP state = Active\n');
    expect(text).to.contain(' For address family: L2VPN EVPN (not negotiated)\n');
    expect(text).to.contain('  Connections established 2; dropped 2\n');
    expect(text).to.contain('  Last reset due to NOTIFICATION received (Cease/Administrative Shutdown) "maintenance"\n');
    expect(show.showBgpNeighbors(ctx).split('BGP neighbor is ')).to.have.length(3);
    expect(show.showBgpNeighbors(ctx, '2001:db8::99')).to.equal('% No such neighbor: 2001:db8::99\n');
  });

  it('show bgp l2vpn evpn groups by RD and prints paths FRR-like', () => {
    const text = show.showBgpEvpn(ctx);
    expect(text.split('\n').slice(9)).to.deep.equal([
      '   Network          Next Hop            Metric LocPrf Weight Path',
      'Route Distinguisher: 192.0.2.11:550',
      ' *> [2]:[0]:[48]:[52:54:00:56:18:ff]',
      '                    2001:db8:0:1::11                   32768 i',
      'Route Distinguisher: 192.0.2.12:550',
      ' *>i[2]:[0]:[48]:[0a:5a:bf:b4:cc:16]',
      '                    2001:db8:0:2::11         5    100      0 i',
      '                    RT:64512:550 ET:8',
      ' *>i[3]:[0]:[128]:[2001:db8:0:2::11]',
      '                    2001:db8:0:2::11              100      0 i',
      '                    RT:64512:550 ET:8',
      '',
      'Displayed 3 prefixes (3 paths)',
      '',
    ]);
    expect(text.split('\n')[0]).to.equal('BGP table version is 0, local router ID is 192.0.2.11');
    const type3 = show.showBgpEvpn(ctx, 3);
    expect(type3).to.contain('Displayed 1 prefixes (1 paths)');
    expect(type3).not.to.contain('[2]:[0]');
    expect(show.showBgpEvpn(ctx, 5)).to.equal('No EVPN prefixes exist\n');
  });

  it('show dataplane stats is a two-column table', () => {
    expect(show.showDataplaneStats(ctx)).to.equal(
      ['Counter        Value', 'rxPackets    1234567', 'txPackets         89', 'floodCopies        0', ''].join('\n'),
    );
  });
});

describe('show: JSON shapes', () => {
  it('summary JSON', () => {
    const j = show.showBgpSummaryJson(ctx);
    expect(j.families).to.have.length(1);
    expect(j.families[0]).to.deep.equal({
      family: 'l2vpn-evpn',
      title: 'L2VPN EVPN',
      routerId: '192.0.2.11',
      localAs: 64512,
      ribEntries: 0,
      totalPeers: 2,
      peers: [
        {
          address: '2001:db8:0:2::11',
          version: 4,
          remoteAs: 64512,
          msgRcvd: 4,
          msgSent: 5,
          uptimeMs: 93_784_000,
          upDown: '1d02h03m',
          state: 'Established',
          pfxRcd: 2,
          pfxSnt: 1,
          description: null,
        },
        {
          address: '2001:db8:0:3::11',
          version: 4,
          remoteAs: 64513,
          msgRcvd: 16,
          msgSent: 18,
          uptimeMs: 0,
          upDown: '00:00:00',
          state: 'Active',
          pfxRcd: 0,
          pfxSnt: 0,
          description: 'spoke-3',
        },
      ],
    });
    // Round-trips through JSON unchanged: no undefined, no Maps.
    expect(JSON.parse(JSON.stringify(j))).to.deep.equal(j);
  });

  it('neighbors JSON', () => {
    const [up, down] = show.showBgpNeighborsJson(ctx);
    expect(up?.timers).to.deep.equal({ holdTime: 90, keepalive: 30, configuredHoldTime: 180, configuredKeepalive: 60 });
    expect(up?.lastReset).to.equal(null);
    expect(down?.lastReset).to.deep.equal({
      kind: 'PeerNotification',
      direction: 'received',
      notificationCode: 6,
      notificationSubcode: 2,
      notificationName: 'Cease/Administrative Shutdown',
      shutdownMessage: 'maintenance',
      reason: 'NOTIFICATION received (Cease/Administrative Shutdown) "maintenance"',
    });
    expect(down?.timers).to.equal(null);
    expect(down?.messagesIn.notification).to.equal(1);
    const all = show.showBgpNeighborsJson(ctx);
    expect(JSON.parse(JSON.stringify(all))).to.deep.equal(all);
  });

  it('EVPN table JSON', () => {
    const j = show.showBgpEvpnJson(ctx);
    expect(j.displayedPrefixes).to.equal(3);
    expect(j.routeDistinguishers.map((r) => r.rd)).to.deep.equal(['192.0.2.11:550', '192.0.2.12:550']);
    const local = j.routeDistinguishers[0]?.prefixes[0];
    expect(local).to.deep.equal({
      prefix: '[2]:[0]:[48]:[52:54:00:56:18:ff]',
      routeType: 2,
      paths: [
        {
          peer: 'local',
          nextHop: '2001:db8:0:1::11',
          localPref: null,
          med: null,
          weight: 32768,
          asPath: '',
          origin: 'igp',
          communities: [],
          best: true,
          valid: true,
        },
      ],
    });
    expect(JSON.parse(JSON.stringify(j))).to.deep.equal(j);
  });

  it('dataplane JSON keeps numbers as numbers', () => {
    expect(show.showDataplaneStatsJson(ctx)).to.deep.equal({ counters: { rxPackets: 1234567, txPackets: 89, floodCopies: 0 } });
  });
});

describe('show: layout invariants', () => {
  it('a neighbor address longer than the column goes on its own line', () => {
    const long = { ...upPeer, address: '2001:db8:1234:5678:9abc::11' };
    const lines = show.showBgpSummary({ ...ctx, peers: [long] }).split('\n');
    const i = lines.indexOf('2001:db8:1234:5678:9abc::11');
    expect(i).to.be.greaterThan(0);
    expect(lines[i + 1]).to.equal(`${' '.repeat(16)} 4      64512         4         5        0    0    0 1d02h03m            2        1 N/A`);
  });

  it('summary columns stay aligned with the header for any counters and uptime', () => {
    fc.assert(
      fc.property(
        fc.nat(999_999_999),
        fc.nat(999_999_999),
        // FRR widens the column past 99 weeks too; alignment holds below that.
        fc.nat(99 * 7 * 86_400_000),
        fc.nat(999_999),
        (rcvd, sent, uptimeMs, accepted) => {
          const p: PeerSummary = {
            ...upPeer,
            uptimeMs,
            messagesIn: { ...upPeer.messagesIn, total: rcvd },
            messagesOut: { ...upPeer.messagesOut, total: sent },
            families: [{ family: 'l2vpn-evpn', active: true, received: accepted, accepted, stale: 0, sent: 0 }],
          };
          const lines = show.showBgpSummary({ ...ctx, peers: [p] }).split('\n');
          const header = lines.find((l) => l.startsWith('Neighbor'));
          const row = lines.find((l) => l.startsWith('2001:db8'));
          expect(row?.length).to.equal((header?.length ?? 0) - 'Desc'.length + 'N/A'.length);
          // Up/Down is right-aligned in 8 columns ending where the header's "Up/Down" ends.
          const end = (header?.indexOf('Up/Down') ?? 0) + 'Up/Down'.length;
          expect(row?.slice(end - 8, end).trim()).to.match(/^\d\d:\d\d:\d\d$|^\dd\d\dh\d\dm$|^\d\dw\dd\d\dh$/);
        },
      ),
    );
  });

  it('marks a frozen duplicate MAC with D', () => {
    const vni: show.ShowVni = {
      snapshot: {
        vni: 10,
        rd: '192.0.2.11:10',
        importRts: [],
        exportRts: [],
        localVtep: null,
        macs: [
          { mac: '02:00:00:00:00:02', type: 'none', vtep: null, localSequence: 3, remoteSequence: 4, sticky: false, ips: [], frozen: true, moves: 5 },
        ],
        remoteVteps: [],
        originated: [],
      },
      vxlanInterface: 'vni10',
      vxlanIfindex: 3,
      sviInterface: 'br10',
      sviIfindex: 2,
      localInterface: 'eth1',
      mcastGroup: '',
    };
    const c = { ...ctx, vnis: [vni] };
    expect(show.showEvpnMac(c, 10)).to.contain(`\n02:00:00:00:00:02 none   D${' '.repeat(4 + 1 + 30 + 1 + 5 + 1)}3/4\n`);
    expect(show.showEvpnVniDetail(c)).to.contain(' Local VTEP IP: \n Mcast group: \n No remote VTEPs known for this VNI\n');
  });
});

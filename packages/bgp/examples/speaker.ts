/**
 * Two speakers on loopback, eBGP between AS 65001 and AS 65002, exchanging IPv6 routes.
 *
 *   node --conditions=@evpn6/source --import tsx packages/bgp/examples/speaker.ts
 *
 * Unprivileged ports, so no root is needed; on a router you would listen on port 179.
 */
import type { Logger } from '@evpn6/bgp';
import { createSpeaker } from '@evpn6/bgp';

const log = (name: string): Logger => ({
  debug: () => {},
  info: (message, fields) => console.log(`[${name}] ${message}`, fields ?? ''),
  warn: (message, fields) => console.warn(`[${name}] ${message}`, fields ?? ''),
  error: (message, fields) => console.error(`[${name}] ${message}`, fields ?? ''),
});

const a = await createSpeaker({
  asn: 65001,
  routerId: '192.0.2.1',
  listen: { addresses: ['127.0.0.1'], port: 0 }, // 0: any free port; see a.listening()
  families: ['ipv6-unicast'],
  logger: log('A'),
});
const b = await createSpeaker({ asn: 65002, routerId: '192.0.2.2', listen: false, families: ['ipv6-unicast'], logger: log('B') });

a.addNeighbor({ address: '127.0.0.2', remoteAs: 65002, passive: true, maxPrefix: { limit: 1000, action: 'warn' } });
b.addNeighbor({ address: '127.0.0.1', remoteAs: 'external', port: a.listening()[0]!.port, localAddress: '127.0.0.2', holdTime: 9 });

a.on('peerState', (c) => console.log(`A: ${c.address} ${c.previous} -> ${c.state}`));

// Every Loc-RIB change at A from now on, until we stop looking.
const changes = a.ribChanges();
a.originate({ nlri: ['2001:db8:a::/48'], description: { communities: ['65001:100'] } });
b.originate({ nlri: ['2001:db8:b::/48'] });

let seen = 0;
for await (const change of changes) {
  console.log(`A: ${change.prefix} ${change.best ? `via ${change.best.nextHop || 'self'} from AS ${change.best.peerAs}` : 'withdrawn'}`);
  if (++seen === 2) break;
}
b.withdraw({ nlri: ['2001:db8:b::/48'] });
await new Promise((r) => setTimeout(r, 200));

// `show bgp summary`
for (const p of a.peers()) {
  const v6 = p.families.find((f) => f.family === 'ipv6-unicast')!;
  console.log(`${p.address} AS${p.peerAs} ${p.state} up ${p.uptimeMs} ms, in ${p.messagesIn.total} out ${p.messagesOut.total}, pfx rcvd ${v6.accepted} sent ${v6.sent}`);
}

a.setNeighborShutdown('127.0.0.2', 'maintenance'); // Cease 6/2 with an RFC 9003 message
await Promise.all([a.close(), b.close()]); // Cease to everyone, nothing left running: the process exits

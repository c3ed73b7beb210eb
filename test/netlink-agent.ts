/**
 * Runs inside a test's network namespace (`ip netns exec NS node … test/netlink-agent.ts`) and
 * drives @evpn6/router's netlink API for test/netlink-kernel.test.ts: one JSON request per stdin
 * line, one JSON answer per stdout line; monitor notifications arrive as `{"event": …}` lines.
 */
import { execFileSync } from 'node:child_process';
import { netlink } from '@evpn6/router';
import { say, serveAgent } from './support/agent-serve.js';

const {
  NetlinkClient,
  RtnlGroup,
  addFloodEntry,
  addRemoteMac,
  deleteFloodEntry,
  deleteRemoteMac,
  findLink,
  listAddresses,
  listFdb,
  listLinks,
  replaceRemoteMac,
} = netlink;

const client: netlink.NetlinkClient = NetlinkClient.open();
let monitor: netlink.NetlinkClient | undefined;

/** Plain JSON: raw attribute bytes are left out, they mean nothing to the test. */
function plain(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (k, x: unknown) => (k === 'unknown' || x instanceof Uint8Array ? undefined : x)));
}

interface Args {
  device?: number;
  name?: string;
  macs?: { mac: string; dst: string }[];
  floods?: string[];
  batchFile?: string;
}

async function run(op: string, a: Args): Promise<unknown> {
  switch (op) {
    case 'links':
      return plain(await listLinks(client));
    case 'findLink':
      return plain(await findLink(client, a.name!));
    case 'fdb':
      return plain(await listFdb(client, a.device === undefined ? {} : { device: a.device }));
    case 'addresses':
      return plain(await listAddresses(client));
    case 'program': {
      // All in flight at once: the client matches 1000 ACKs back to their requests by seq.
      await Promise.all([
        ...(a.macs ?? []).map((m) => replaceRemoteMac(client, { device: a.device!, mac: m.mac, dst: m.dst })),
        ...(a.floods ?? []).map((dst) => addFloodEntry(client, { device: a.device!, dst })),
      ]);
      return null;
    }
    case 'unprogram': {
      await Promise.all([
        ...(a.macs ?? []).map((m) => deleteRemoteMac(client, { device: a.device!, mac: m.mac })),
        ...(a.floods ?? []).map((dst) => deleteFloodEntry(client, { device: a.device!, dst })),
      ]);
      return null;
    }
    case 'addExisting':
      await addRemoteMac(client, { device: a.device!, mac: a.macs![0]!.mac, dst: a.macs![0]!.dst });
      return null;
    case 'monitor': {
      monitor = NetlinkClient.open({ groups: [RtnlGroup.link, RtnlGroup.neigh, RtnlGroup.ipv4IfAddr, RtnlGroup.ipv6IfAddr] });
      monitor.monitor({
        onMessage: (m) => say({ event: 'notification', type: m.header.type, body: plain(m.body) }),
        onOverrun: () => say({ event: 'overrun' }),
        onError: (e) => say({ event: 'error', code: e.code }),
      });
      return monitor.portId;
    }
    case 'overrunProbe': {
      // A minimal receive buffer, and the event loop kept busy while the kernel sends
      // notifications: the kernel must drop some and the client must say so.
      const small: netlink.NetlinkClient = NetlinkClient.open({ groups: [RtnlGroup.link], receiveBufferBytes: 1 });
      let overruns = 0;
      small.monitor({ onOverrun: () => overruns++ });
      execFileSync('ip', ['-batch', a.batchFile!]);
      await new Promise((r) => setTimeout(r, 300));
      // The socket stays usable after an overrun: a dump (what a caller does next) works.
      const links = await listLinks(small);
      small.close();
      return { overruns, links: links.length };
    }
    default:
      throw new Error(`unknown op ${op}`);
  }
}

serveAgent<Args>({
  run,
  exit: () => {
    client.close();
    monitor?.close();
  },
  ready: client.portId,
});

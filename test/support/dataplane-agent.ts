/**
 * Runs inside a test's network namespace (`ip netns exec NS node … test/support/dataplane-agent.ts`)
 * and drives a KernelDataplane for test/kernel-dataplane.test.ts: one JSON request per stdin line,
 * one JSON answer per stdout line; dataplane events arrive as `{"event": …}` lines.
 */
import type { ForwardingIntent } from '@evpn6/evpn';
import { dataplane, netlink } from '@evpn6/router';
import { say, serveAgent } from './agent-serve.js';

let requests: netlink.NetlinkClient | undefined;
let monitor: netlink.NetlinkClient | undefined;
let dp: dataplane.KernelDataplane | undefined;

function closeClients(): void {
  requests?.close();
  monitor?.close();
  requests = undefined;
  monitor = undefined;
}

async function run(op: string, args: { intents?: ForwardingIntent[] }): Promise<unknown> {
  switch (op) {
    case 'start': {
      requests = netlink.NetlinkClient.open();
      monitor = netlink.NetlinkClient.open({ groups: dataplane.DATAPLANE_GROUPS });
      dp = new dataplane.KernelDataplane(dataplane.netlinkOps(requests, monitor));
      dp.on((e) => say({ event: e.kind === 'error' ? { kind: 'error', code: (e.error as { code?: string }).code } : e }));
      await dp.start();
      return dp.vnis();
    }
    case 'apply':
      await dp!.apply(args.intents ?? []);
      return dp!.stats();
    case 'stats':
      return dp!.stats();
    case 'stop':
      await dp!.stop();
      closeClients();
      return null;
    case 'crash':
      // Drop everything without cleaning up, as a killed process would.
      closeClients();
      dp = undefined;
      return null;
    default:
      throw new Error(`unknown op ${op}`);
  }
}

serveAgent<{ intents?: ForwardingIntent[] }>({
  run,
  exit: closeClients,
});

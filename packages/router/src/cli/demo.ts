import { parseArgs } from 'node:util';
import { DemoError } from '../demo/errors.js';
import { runDemoScenario } from '../demo/demo.js';
import { ExitCode } from './output.js';
import type { CliIo } from './output.js';

export const DEMO_USAGE = `usage: evpn6 demo [--keep] [--dataplane kernel|dpdk]

Builds the seed's topology in network namespaces (needs root): three sites 2001:db8:0:{1,2,3}::11
on an MTU-1500 carrier network, an iBGP full mesh in AS 64512, VNI 550 on bridge br50 per site and a
host behind each; runs three evpn6 routers, waits for convergence, pings between the hosts (IPv4 and
IPv6, then 1500-byte packets with DF set), prints each site's show bgp summary / show evpn vni detail /
show evpn mac vni all, and deletes everything again (also on error and Ctrl-C). Namespaces are named
$EVPN6_NETNS_PREFIX<pid>-* (default prefix e6demo).

Options:
  --keep                 keep the sites running after the report, until Ctrl-C
  --dataplane kernel     the routers forward with the Linux kernel's vxlan and bridge (default; hosts at
                         MTU 1430, since the kernel does not fragment the outer packet)
  --dataplane dpdk       the DPDK forwarder on af_packet "NICs" with TAPs tnp1s0/tnp4s0, over a routed
                         carrier; hosts at MTU 1500, outer packets fragmented (needs the forwarder addon)
  -h, --help             this help

Exit status: 0 converged and every ping answered (with dpdk the 1500-byte ones too), 1 convergence or
a ping failed (or not root, or DPDK missing), 2 wrong usage, 130/143 interrupted.`;

const SIGNAL_EXIT: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

export async function runDemo(io: CliIo, argv: readonly string[]): Promise<number> {
  let values: { keep?: boolean; dataplane?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { keep: { type: 'boolean' }, dataplane: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    io.err(`evpn6: ${e instanceof Error ? e.message : String(e)}`);
    io.err(DEMO_USAGE);
    return ExitCode.usage;
  }
  if (values.help) {
    io.out(DEMO_USAGE);
    return ExitCode.ok;
  }
  const dataplane = values.dataplane ?? 'kernel';
  if (dataplane !== 'kernel' && dataplane !== 'dpdk') {
    io.err(`evpn6: demo --dataplane ${dataplane}: the demo runs "kernel" or "dpdk"`);
    io.err(DEMO_USAGE);
    return ExitCode.usage;
  }
  const controller = new AbortController();
  let caught: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    caught ??= signal;
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const outcome = await runDemoScenario({ keep: values.keep === true, dataplane, out: io.out, err: io.err, signal: controller.signal });
    if (outcome === 'interrupted') return SIGNAL_EXIT[caught ?? 'SIGINT']!;
    return outcome;
  } catch (e) {
    if (!(e instanceof DemoError)) throw e;
    io.err(`evpn6 demo: ${e.message} [${e.code}]`);
    return caught !== undefined ? SIGNAL_EXIT[caught]! : ExitCode.failed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

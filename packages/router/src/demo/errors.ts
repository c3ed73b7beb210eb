import { RouterError } from '../errors.js';

/**
 * What can stop `evpn6 demo` (and the tests built on its topology). Match on `code`:
 * - ERR_DEMO_NOT_ROOT: network namespaces need root (or CAP_SYS_ADMIN + CAP_NET_ADMIN).
 * - ERR_DEMO_TOOL_MISSING: a program the demo drives (`ip`, `bridge`, `ping`; `ethtool` for DPDK) is not on PATH.
 * - ERR_DEMO_DPDK_UNAVAILABLE: `--dataplane dpdk`, but the forwarder addon (built with DPDK) does not load.
 * - ERR_DEMO_COMMAND: a command that builds or inspects the topology failed.
 * - ERR_DEMO_ROUTER_EXIT: a router process ended while it was meant to be running.
 * - ERR_DEMO_CONVERGENCE: sessions or MACs did not converge in time.
 * - ERR_DEMO_PING: a host could not reach another host across the VNI.
 * - ERR_DEMO_INTERRUPTED: Ctrl-C or SIGTERM arrived before the demo finished.
 */
export class DemoError extends RouterError {}

export class DemoCommandError extends DemoError {
  constructor(
    readonly command: readonly string[],
    readonly status: number | null,
    readonly stderr: string,
  ) {
    super('ERR_DEMO_COMMAND', `${command.join(' ')} exited ${status ?? 'by a signal'}: ${stderr.trim()}`);
  }
}

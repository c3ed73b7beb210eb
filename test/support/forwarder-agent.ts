/**
 * Runs the DPDK forwarder in its own process (`ip netns exec NS node … test/support/forwarder-agent.ts`)
 * for test/forwarder-dpdk.test.ts: EAL initialises once per process, so every scenario that needs a
 * fresh EAL gets a fresh agent. One JSON request per stdin line, one JSON answer per stdout line;
 * MAC events arrive as `{"event": …}` lines.
 */
import { say, serveAgent } from './agent-serve.js';
import { Forwarder, type ForwarderCommand, type ForwarderOptions } from '../../packages/router/src/forwarder/index.js';

let fwd: Forwarder | undefined;

/** `count` remote MACs spread over `vteps`, as a bulk FDB load from BGP would bring them. */
function bulkMacs(count: number, vni: number, vteps: readonly string[]): ForwarderCommand[] {
  const out: ForwarderCommand[] = new Array<ForwarderCommand>(count);
  for (let i = 0; i < count; i++) {
    const mac = `02:${((i >>> 24) & 0xff).toString(16).padStart(2, '0')}:${((i >>> 16) & 0xff).toString(16).padStart(2, '0')}:${((i >>> 8) & 0xff)
      .toString(16)
      .padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}:01`;
    out[i] = { op: 'addRemoteMac', vni, mac, vtep: vteps[i % vteps.length]! };
  }
  return out;
}

interface Args {
  options?: ForwarderOptions;
  commands?: ForwarderCommand[];
  count?: number;
  vni?: number;
  vteps?: string[];
}

async function run(op: string, args: Args): Promise<unknown> {
  switch (op) {
    case 'start':
      fwd = await Forwarder.start(args.options!);
      fwd.onMacEvents((events) => {
        for (const event of events) say({ event });
      });
      return null;
    case 'apply': {
      const failures = await fwd!.apply(args.commands ?? []);
      return failures.map((f) => ({ index: f.index, code: f.error.code, op: f.error.operation }));
    }
    case 'load': {
      // Built before the clock starts: what is timed is encoding, the rings and the lcore.
      const commands = bulkMacs(args.count!, args.vni!, args.vteps!);
      const t0 = process.hrtime.bigint();
      const failures = await fwd!.apply(commands);
      return { ms: Number(process.hrtime.bigint() - t0) / 1e6, failures: failures.length };
    }
    case 'stats':
      return fwd!.stats();
    case 'stop':
      await fwd!.stop();
      return null;
    default:
      throw new Error(`unknown op ${op}`);
  }
}

serveAgent<Args>({
  run,
  exit: () => (fwd?.running ? fwd.stop() : undefined),
});

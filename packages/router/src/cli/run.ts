import { ConfigError } from '../config/errors.js';
import { DEFAULT_SOCKET } from '../daemon/client.js';
import { DATAPLANE_KINDS, startDaemon, type DataplaneKind } from '../daemon/daemon.js';
import { createLogger, type LogLevel } from '../daemon/logger.js';
import { ExitCode } from './output.js';
import type { CliIo } from './output.js';

export const RUN_USAGE = `usage: evpn6 run -f FILE [--dataplane kernel|dpdk|none] [--bgp-port N] [--socket PATH] [--log-level LEVEL]

Runs the router in the foreground with the FRR-syntax configuration FILE (docs/config.md).
Logs are JSON lines on stdout. SIGTERM/SIGINT stop it cleanly (Cease to every peer, every FDB
entry it installed removed); SIGHUP reloads FILE and applies only what changed.
  -f, --file FILE     the configuration file
  --dataplane KIND    kernel (default: Linux bridge + vxlan over netlink), dpdk, or none (BGP only)
  --bgp-port N        listen for BGP on port N (default 179)
  --socket PATH       control socket for "evpn6 show" (default ${DEFAULT_SOCKET})
  --log-level LEVEL   debug, info (default), warn, error or silent`;

export interface RunArgs {
  readonly file: string;
  readonly dataplane: string;
  readonly bgpPort: string | undefined;
  readonly socket: string | undefined;
  readonly logLevel: string | undefined;
}

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/** Runs until stopped by a signal; resolves to the exit status. */
export async function runRun(io: CliIo, args: RunArgs): Promise<number> {
  if (!(DATAPLANE_KINDS as readonly string[]).includes(args.dataplane)) {
    io.err(`evpn6: --dataplane ${args.dataplane}: expected one of ${DATAPLANE_KINDS.join(', ')}`);
    return ExitCode.usage;
  }
  let bgpPort = 179;
  if (args.bgpPort !== undefined) {
    bgpPort = /^\d{1,5}$/.test(args.bgpPort) ? Number(args.bgpPort) : NaN;
    if (!(bgpPort >= 0 && bgpPort <= 65535)) {
      io.err(`evpn6: --bgp-port ${args.bgpPort} is not a port number`);
      return ExitCode.usage;
    }
  }
  const level = (args.logLevel ?? 'info') as LogLevel;
  if (!LEVELS.includes(level)) {
    io.err(`evpn6: --log-level ${args.logLevel}: expected one of ${LEVELS.join(', ')}`);
    return ExitCode.usage;
  }
  const logger = createLogger(level);
  try {
    const daemon = await startDaemon({
      configFile: args.file,
      dataplane: args.dataplane as DataplaneKind,
      bgpPort,
      socketPath: args.socket ?? DEFAULT_SOCKET,
      logger,
    });
    const code = await daemon.done;
    // A clean stop leaves nothing holding the event loop; if something does, exit anyway.
    setTimeout(() => process.exit(code), 2000).unref();
    return code;
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const p of e.errors) io.err(`${p.line > 0 ? `${p.file}:${p.line}` : p.file}: ${p.message} [${p.code}]`);
      return ExitCode.failed;
    }
    const code = typeof e === 'object' && e !== null && 'code' in e ? ` [${String(e.code)}]` : '';
    io.err(`evpn6: ${e instanceof Error ? e.message : String(e)}${code}`);
    return ExitCode.failed;
  }
}

import { parseArgs } from 'node:util';
import { CHECK_USAGE, runCheck } from './check.js';
import { DECODE_USAGE, runDecode } from './decode.js';
import { runDemo } from './demo.js';
import { RUN_USAGE, runRun } from './run.js';
import { SHOW_USAGE, runShow } from './show.js';
import { ExitCode, processIo } from './output.js';
import type { CliIo } from './output.js';

export const MAIN_USAGE = `usage: evpn6 COMMAND [options]

Commands:
  run -f FILE [--dataplane KIND]     run the router (BGP EVPN speaker + dataplane) in the foreground
  show WORDS... [--json]             ask a running router: bgp summary, evpn mac vni all, ... (vtysh words)
  check -f FILE                      check a configuration file (FRR syntax, see docs/config.md)
  decode --pcap FILE | --hex HEX     decode BGP messages (EVPN included) from a capture or hex
  demo [--keep]                      the seed's three sites in namespaces: routers, pings, show (root)
  fuzz --peer ADDR --asn N --peer-asn N | --replay FILE   fuzz a BGP speaker (see evpn6 fuzz --help)

Options:
  -h, --help      this help (or "evpn6 COMMAND --help" for a command's own)
  --version       print the version`;

const VERSION = '0.1.0';

function usageError(io: CliIo, message: string, usage: string): number {
  io.err(`evpn6: ${message}`);
  io.err(usage);
  return ExitCode.usage;
}

type Parsed = ReturnType<typeof parseArgs>;

function parse(io: CliIo, args: string[], options: NonNullable<Parameters<typeof parseArgs>[0]>['options'], usage: string, positionals = false): Parsed | number {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: positionals, strict: true });
  } catch (e) {
    return usageError(io, e instanceof Error ? e.message : String(e), usage);
  }
}

/** Runs the CLI on `argv` (without node and the script); resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    (command === undefined ? io.err : io.out)(MAIN_USAGE);
    return command === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (command === '--version') {
    io.out(VERSION);
    return ExitCode.ok;
  }
  switch (command) {
    case 'check': {
      const p = parse(io, rest, { file: { type: 'string', short: 'f' }, json: { type: 'boolean' } }, CHECK_USAGE, true);
      if (typeof p === 'number') return p;
      if (p.values['help']) {
        io.out(CHECK_USAGE);
        return ExitCode.ok;
      }
      const file = (p.values['file'] as string | undefined) ?? p.positionals[0];
      if (file === undefined) return usageError(io, 'check needs a file (-f FILE)', CHECK_USAGE);
      if (p.positionals.length > (p.values['file'] === undefined ? 1 : 0)) return usageError(io, 'check takes one file', CHECK_USAGE);
      return runCheck(io, file, p.values['json'] === true);
    }
    case 'run': {
      const p = parse(
        io,
        rest,
        {
          file: { type: 'string', short: 'f' },
          dataplane: { type: 'string' },
          'bgp-port': { type: 'string' },
          socket: { type: 'string' },
          'log-level': { type: 'string' },
        },
        RUN_USAGE,
      );
      if (typeof p === 'number') return p;
      if (p.values['help']) {
        io.out(RUN_USAGE);
        return ExitCode.ok;
      }
      const file = p.values['file'] as string | undefined;
      if (file === undefined) return usageError(io, 'run needs a configuration file (-f FILE)', RUN_USAGE);
      return runRun(io, {
        file,
        dataplane: (p.values['dataplane'] as string | undefined) ?? 'kernel',
        bgpPort: p.values['bgp-port'] as string | undefined,
        socket: p.values['socket'] as string | undefined,
        logLevel: p.values['log-level'] as string | undefined,
      });
    }
    case 'show': {
      const p = parse(io, rest, { json: { type: 'boolean' }, socket: { type: 'string' } }, SHOW_USAGE, true);
      if (typeof p === 'number') return p;
      if (p.values['help']) {
        io.out(SHOW_USAGE);
        return ExitCode.ok;
      }
      return runShow(io, p.positionals, p.values['json'] === true, p.values['socket'] as string | undefined);
    }
    case 'decode': {
      const p = parse(
        io,
        rest,
        { pcap: { type: 'string' }, hex: { type: 'string' }, json: { type: 'boolean' }, port: { type: 'string' }, 'two-octet-as': { type: 'boolean' } },
        DECODE_USAGE,
      );
      if (typeof p === 'number') return p;
      if (p.values['help']) {
        io.out(DECODE_USAGE);
        return ExitCode.ok;
      }
      const pcap = p.values['pcap'] as string | undefined;
      const hex = p.values['hex'] as string | undefined;
      if ((pcap === undefined) === (hex === undefined)) return usageError(io, 'decode needs exactly one of --pcap FILE and --hex HEX', DECODE_USAGE);
      const portText = p.values['port'] as string | undefined;
      let port: number | undefined;
      if (portText !== undefined) {
        port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
        if (!(port >= 1 && port <= 65535)) return usageError(io, `--port ${portText} is not a port number`, DECODE_USAGE);
      }
      return runDecode(io, {
        ...(pcap !== undefined ? { pcap } : {}),
        ...(hex !== undefined ? { hex } : {}),
        ...(port !== undefined ? { port } : {}),
        json: p.values['json'] === true,
        twoOctetAs: p.values['two-octet-as'] === true,
      });
    }
    case 'demo':
      return runDemo(io, rest);
    case 'fuzz':
      return (await import('./fuzz.js')).runFuzz(io, rest);
    default:
      return usageError(io, `unknown command "${command}"`, MAIN_USAGE);
  }
}

import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import {
  FAMILIES,
  findingOf,
  FuzzError,
  FuzzUsageError,
  formatPattern,
  formatReaction,
  readFinding,
  replayFinding,
  runFuzz as runPeerFuzz,
  summaryLines,
  writeFinding,
} from '../fuzz/index.js';
import type { Family, FindingTarget, FuzzOptions, FuzzRun } from '../fuzz/index.js';
import { ExitCode } from './output.js';
import type { CliIo } from './output.js';

export const FUZZ_USAGE = `usage: evpn6 fuzz --peer ADDR [--port N] --asn N --peer-asn N [--families LIST]
                  [--duration S] [--cases N] [--seed N] [--out DIR]
                  [--local-address ADDR] [--observer ADDR --observer-asn N] [--liveness S]
       evpn6 fuzz --replay FILE

Fuzzes a BGP speaker: brings up a session (OPEN, capabilities), sends each valid base message
once, then mutated ones (header, OPEN and capability fields, attribute flags and lengths,
AS_PATH, MP_REACH next hops, NLRI, EVPN routes, PMSI, communities, truncations), and after
each case checks the target is alive and holds its reaction (NOTIFICATION code/subcode, session
kept, routes withdrawn, connection closed or reset, crash, hang) against RFC 4271 / RFC 7606.
Case N of seed S is always the same input. Exits 1 when a case crashed or hung the target or
got a reaction no RFC allows.
  --peer ADDR           the target's address
  --port N              its BGP port (default 179)
  --asn N               our AS; --peer-asn N: the target's
  --families LIST       comma-separated: ipv6-unicast, ipv4-unicast, l2vpn-evpn (default ipv6-unicast,l2vpn-evpn)
  --duration S          stop after S seconds (default 60 unless --cases is given)
  --cases N             stop after N cases
  --seed N              seed (default: from the clock; printed, so a run can be repeated)
  --out DIR             write each finding there as JSON (replayable)
  --local-address ADDR  source address of the fuzzed session
  --observer ADDR       a second session from ADDR that watches which routes the target keeps
                        (needs --observer-asn; the target must peer with it over eBGP)
  --liveness S          how long the target may refuse sessions after a case before it counts as dead (default 30)
  --replay FILE         send a finding's bytes again and show the reaction now`;

export interface FuzzArgs {
  readonly replay?: string;
  readonly options?: FuzzOptions;
  readonly out?: string;
}

function integer(option: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw new FuzzUsageError(option, `--${option} ${text}: expected a whole number from ${min} to ${max}`);
  return n;
}

function address(option: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (isIP(text) === 0) throw new FuzzUsageError(option, `--${option} ${text}: not an IP address`);
  return text;
}

function families(text: string | undefined): Family[] {
  const names = (text ?? 'ipv6-unicast,l2vpn-evpn').split(',').filter(Boolean);
  if (names.length === 0) throw new FuzzUsageError('families', '--families: no family given');
  return names.map((n) => FAMILIES.find((f) => f.name === n) ?? fail('families', `--families: unknown family ${n} (${FAMILIES.map((f) => f.name).join(', ')})`));
}

function fail(option: string, message: string): never {
  throw new FuzzUsageError(option, message);
}

const OPTIONS = {
  peer: { type: 'string' },
  port: { type: 'string' },
  asn: { type: 'string' },
  'peer-asn': { type: 'string' },
  families: { type: 'string' },
  duration: { type: 'string' },
  cases: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  'local-address': { type: 'string' },
  observer: { type: 'string' },
  'observer-asn': { type: 'string' },
  liveness: { type: 'string' },
  replay: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses `evpn6 fuzz` arguments; every problem is a FuzzUsageError naming its option. */
export function parseFuzzArgs(argv: readonly string[], now = Date.now()): FuzzArgs | 'help' {
  let p: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; args: string[]; strict: true; allowPositionals: false }>>;
  try {
    p = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
  } catch (e) {
    throw new FuzzUsageError('', e instanceof Error ? e.message : String(e));
  }
  const v = p.values;
  if (v.help) return 'help';
  if (v.replay !== undefined) {
    const others = Object.keys(v).filter((k) => k !== 'replay' && k !== 'out' && k !== 'liveness');
    if (others.length > 0) throw new FuzzUsageError(others[0]!, `--replay takes the target from the file: --${others[0]!} cannot go with it`);
    return { replay: v.replay, ...(v.out !== undefined ? { out: v.out } : {}) };
  }
  const peer = address('peer', v.peer) ?? fail('peer', 'fuzz needs --peer ADDR (or --replay FILE)');
  const asn = integer('asn', v.asn, 1, 0xffffffff) ?? fail('asn', 'fuzz needs --asn N');
  const peerAsn = integer('peer-asn', v['peer-asn'], 1, 0xffffffff) ?? fail('peer-asn', 'fuzz needs --peer-asn N');
  const observerAddress = address('observer', v.observer);
  const observerAsn = integer('observer-asn', v['observer-asn'], 1, 0xffffffff);
  if ((observerAddress === undefined) !== (observerAsn === undefined)) throw new FuzzUsageError('observer', '--observer and --observer-asn go together');
  const cases = integer('cases', v.cases, 1, 1e9);
  const duration = integer('duration', v.duration, 1, 86400 * 7) ?? (cases === undefined ? 60 : undefined);
  const localAddress = address('local-address', v['local-address']);
  const liveness = integer('liveness', v.liveness, 1, 3600);
  const options: FuzzOptions = {
    peer,
    port: integer('port', v.port, 1, 65535) ?? 179,
    asn,
    peerAsn,
    families: families(v.families),
    seed: integer('seed', v.seed, 0, 0xffffffff) ?? (now ^ (process.pid << 16)) >>> 0,
    ...(duration !== undefined ? { durationS: duration } : {}),
    ...(cases !== undefined ? { cases } : {}),
    ...(localAddress !== undefined ? { localAddress } : {}),
    ...(observerAddress !== undefined && observerAsn !== undefined ? { observer: { address: observerAddress, asn: observerAsn } } : {}),
    ...(liveness !== undefined ? { livenessMs: liveness * 1000 } : {}),
  };
  return { options, ...(v.out !== undefined ? { out: v.out } : {}) };
}

function targetOf(o: FuzzOptions): FindingTarget {
  return {
    peer: o.peer,
    port: o.port,
    asn: o.asn,
    peerAsn: o.peerAsn,
    families: o.families.map((f) => f.name),
    ...(o.localAddress !== undefined ? { localAddress: o.localAddress } : {}),
    ...(o.observer !== undefined ? { observer: o.observer } : {}),
  };
}

function usageFailure(io: CliIo, e: FuzzUsageError): number {
  io.err(`evpn6: ${e.message} [${e.code}]`);
  io.err(FUZZ_USAGE);
  return ExitCode.usage;
}

async function replay(io: CliIo, file: string): Promise<number> {
  const f = readFinding(file);
  io.out(`replay: seed ${f.seed} case ${f.index} (${f.class}: ${f.mutator} on ${f.target}, base ${f.base}) to ${f.peer.peer} port ${f.peer.port}`);
  io.out(`  recorded: ${f.seenText} (${f.judgement}); expected ${f.expected.join(' or ')}`);
  const r = await replayFinding(f);
  io.out(`  now:      ${formatReaction(r.reaction)} (${r.judgement}); expected ${r.expected.accept.map(formatPattern).join(' or ')} [${r.expected.rfc}]`);
  return r.judgement === 'ok' ? ExitCode.ok : ExitCode.failed;
}

/** `evpn6 fuzz ...`: resolves to the exit status. */
export async function runFuzz(io: CliIo, argv: readonly string[]): Promise<number> {
  let args: FuzzArgs | 'help';
  try {
    args = parseFuzzArgs(argv);
  } catch (e) {
    if (e instanceof FuzzUsageError) return usageFailure(io, e);
    throw e;
  }
  if (args === 'help') {
    io.out(FUZZ_USAGE);
    return ExitCode.ok;
  }
  try {
    if (args.replay !== undefined) return await replay(io, args.replay);
    const o = args.options!;
    const out = args.out;
    const target = targetOf(o);
    io.out(`fuzz: ${o.peer} port ${o.port}, AS ${o.asn} -> ${o.peerAsn}, ${o.families.map((f) => f.name).join(',')}, seed ${o.seed}` + (o.durationS ? `, ${o.durationS} s` : '') + (o.cases ? `, ${o.cases} cases` : ''));
    const run = await fuzzWithOutput(o, io, out, target);
    for (const line of summaryLines(run)) io.out(line);
    const bad = [...run.baseline, ...run.results].filter((r) => r.judgement === 'unexpected' || r.judgement === 'crash' || r.judgement === 'hang');
    return bad.length > 0 ? ExitCode.failed : ExitCode.ok;
  } catch (e) {
    if (e instanceof FuzzError) {
      io.err(`evpn6: ${e.message} [${e.code}]`);
      return ExitCode.failed;
    }
    throw e;
  }
}

/** The run, printing progress and each finding as it comes (written to `out` when given). */
function fuzzWithOutput(o: FuzzOptions, io: CliIo, out: string | undefined, target: FindingTarget): Promise<FuzzRun> {
  return runPeerFuzz({
    ...o,
    progress: (line) => io.out(line),
    onResult: (r) => {
      if (r.judgement === 'ok') return;
      const where = out !== undefined ? ` -> ${writeFinding(out, findingOf(r, target))}` : '';
      const c = r.fuzzCase;
      io.out(`  ${r.judgement.toUpperCase()} case ${c.index} ${c.cls} (${c.mutator} on ${c.target}, ${c.baseName}): ${formatReaction(r.reaction)}, expected ${r.expected.accept.map(formatPattern).join(' or ')}${where}`);
    },
  });
}

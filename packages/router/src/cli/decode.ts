import { readFileSync } from 'node:fs';
import { BgpError } from '@evpn6/bgp';
import { decodeCapture, decodeHex, recordToJson, recordToText } from '../decode/index.js';
import type { DecodeRecord } from '../decode/index.js';
import { ExitCode } from './output.js';
import type { CliIo } from './output.js';

export const DECODE_USAGE = `usage: evpn6 decode (--pcap FILE | --hex HEX) [--json] [--port N] [--two-octet-as]

Decodes BGP messages (EVPN included) into one line each: a summary, or with --json one JSON
object per line (the message field by field, its bytes as hex).
  --pcap FILE       a pcap or pcapng capture: TCP streams to/from the BGP port are reassembled
  --hex HEX         one message or several back to back, in hex ("-" reads it from stdin)
  --json            JSON lines instead of summaries
  --port N          BGP port in the capture (default 179)
  --two-octet-as    with --hex: decode AS numbers as 2 octets (a session without RFC 6793)`;

export interface DecodeArgs {
  readonly pcap?: string;
  readonly hex?: string;
  readonly json: boolean;
  readonly port?: number;
  readonly twoOctetAs: boolean;
}

function print(io: CliIo, records: readonly DecodeRecord[], json: boolean): void {
  for (const r of records) io.out(json ? JSON.stringify(recordToJson(r)) : recordToText(r));
}

export async function runDecode(io: CliIo, args: DecodeArgs): Promise<number> {
  try {
    if (args.hex !== undefined) {
      const text = args.hex === '-' ? await io.readStdin() : args.hex;
      print(io, decodeHex(text, { twoOctetAs: args.twoOctetAs }), args.json);
      return ExitCode.ok;
    }
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(args.pcap!);
    } catch (e) {
      io.err(`evpn6 decode: cannot read ${args.pcap}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`);
      return ExitCode.failed;
    }
    const result = decodeCapture(bytes, args.port !== undefined ? { port: args.port } : {});
    print(io, result.records, args.json);
    for (const w of result.warnings) io.err(`evpn6 decode: ${args.pcap}: ${w}`);
    return ExitCode.ok;
  } catch (e) {
    if (!(e instanceof BgpError)) throw e;
    io.err(`evpn6 decode: ${e.message} [${e.code}]`);
    return ExitCode.failed;
  }
}

import { DEFAULT_SOCKET, queryRouter } from '../daemon/client.js';
import { SHOW_COMMANDS } from '../daemon/show-command.js';
import { ExitCode } from './output.js';
import type { CliIo } from './output.js';

export const SHOW_USAGE = `usage: evpn6 show WORDS... [--json] [--socket PATH]

Asks a running router (evpn6 run) over its control socket, in FRR's vtysh words:
${SHOW_COMMANDS.map((c) => `  evpn6 show ${c}`).join('\n')}
  --json          the answer as JSON (docs/show.md); a trailing "json" word does the same
  --socket PATH   the router's control socket (default ${DEFAULT_SOCKET})`;

export async function runShow(io: CliIo, words: readonly string[], json: boolean, socket: string | undefined): Promise<number> {
  if (words.length === 0) {
    io.err('evpn6: show needs what to show');
    io.err(SHOW_USAGE);
    return ExitCode.usage;
  }
  try {
    const answer = await queryRouter(socket ?? DEFAULT_SOCKET, words, json);
    if (typeof answer === 'string') {
      for (const line of answer.replace(/\n$/, '').split('\n')) io.out(line);
    } else io.out(JSON.stringify(answer, null, 2));
    return ExitCode.ok;
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? ` [${String(e.code)}]` : '';
    io.err(`evpn6: ${e instanceof Error ? e.message : String(e)}${code}`);
    return code.includes('BAD_REQUEST') ? ExitCode.usage : ExitCode.failed;
  }
}

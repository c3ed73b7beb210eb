import { checkConfig, readConfigText, summarizeConfig, ConfigError } from '../config/index.js';
import type { ConfigProblem, ConfigWarning } from '../config/index.js';
import { ExitCode } from './output.js';
import type { CliIo } from './output.js';

export const CHECK_USAGE = `usage: evpn6 check -f FILE [--json]

Checks an FRR-syntax configuration file (see docs/config.md) without starting anything.
Prints "ok", a summary and any warnings (FILE:LINE: warning: message), or every problem as
FILE:LINE: message and exits 1.
  -f, --file FILE   the configuration file
  --json            print the parsed configuration (or the problems) as JSON`;

function printProblem(io: CliIo, p: ConfigProblem | ConfigWarning, prefix = ''): void {
  io.out(p.line > 0 ? `${p.file}:${p.line}: ${prefix}${p.message} [${p.code}]` : `${p.file}: ${prefix}${p.message} [${p.code}]`);
  if (p.text !== '') {
    io.out(`    ${p.text}`);
    if (p.column !== undefined) io.out(`    ${' '.repeat(p.column - 1)}^`);
  }
}

export function runCheck(io: CliIo, file: string, json: boolean): number {
  let text: string;
  try {
    text = readConfigText(file);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    if (json) io.out(JSON.stringify({ ok: false, errors: e.errors }));
    else for (const p of e.errors) printProblem(io, p);
    return ExitCode.failed;
  }
  const { config, errors, warnings } = checkConfig(text, file);
  if (json) {
    io.out(JSON.stringify(config ? { ok: true, config, warnings } : { ok: false, errors }, null, 2));
    return config ? ExitCode.ok : ExitCode.failed;
  }
  if (!config) {
    for (const p of errors) printProblem(io, p);
    io.out(`${errors.length} error${errors.length === 1 ? '' : 's'} in ${file}`);
    return ExitCode.failed;
  }
  io.out('ok');
  for (const line of summarizeConfig(config)) io.out(line);
  for (const w of warnings) printProblem(io, w, 'warning: ');
  return ExitCode.ok;
}

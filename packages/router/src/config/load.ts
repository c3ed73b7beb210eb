import { readFileSync } from 'node:fs';
import { ConfigError } from './errors.js';
import { checkConfig } from './parse.js';
import { ConfigErrorCode } from './types.js';
import type { BgpConfig, NeighborConfig, RouterConfig } from './types.js';

/** Parses configuration text; throws ConfigError listing every problem. */
export function parseConfig(text: string, file = '<config>'): RouterConfig {
  const { config, errors } = checkConfig(text, file);
  if (config === undefined) throw new ConfigError(errors);
  return config;
}

/** Reads and parses a file; an unreadable file is a ConfigError with code ERR_CONFIG_FILE. */
export function loadConfigFile(path: string): RouterConfig {
  return parseConfig(readConfigText(path), path);
}

/** The file's text, or a ConfigError with code ERR_CONFIG_FILE. */
export function readConfigText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const reason = e instanceof Error && 'code' in e ? String((e as NodeJS.ErrnoException).code) : 'unreadable';
    const problem = { file: path, line: 0, code: ConfigErrorCode.file, message: `cannot read the file (${reason})`, text: '' };
    throw new ConfigError([problem], ConfigErrorCode.file);
  }
}

/** iBGP when the remote AS is `internal` or equals ours. */
export function neighborIsInternal(bgp: Pick<BgpConfig, 'asn'>, n: Pick<NeighborConfig, 'remoteAs'>): boolean {
  return n.remoteAs === 'internal' || n.remoteAs === bgp.asn;
}

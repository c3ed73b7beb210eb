import { splitLines } from './lines.js';
import type { ConfigLine } from './lines.js';
import { ConfigErrorCode, ConfigWarningCode } from './types.js';
import type { ConfigProblem, ConfigWarning, DpdkConfig, RouterConfig } from './types.js';
import { buildDpdk } from './dpdk.js';
import { COMMANDS, UNSUPPORTED } from './commands.js';
import { CONTEXT_TITLE, ConfigParser, PARENT, word } from './state.js';
import type { ContextName, Handler } from './state.js';

/** Keys a line may be known by, most specific first: "neighbor X remote-as" is "neighbor remote-as". */
function commandKeys(l: ConfigLine): string[] {
  const first = word(l, 0);
  if (first === 'neighbor') return [`neighbor ${word(l, 2)}`];
  return l.words.length > 1 ? [`${first} ${word(l, 1)}`, first] : [first];
}

function findHandler(context: ContextName, keys: readonly string[]): Handler | undefined {
  const table = COMMANDS[context];
  for (const k of keys) if (Object.hasOwn(table, k)) return table[k];
  return undefined;
}

/**
 * Runs one line. As in FRR, a command unknown in the current block but known in an enclosing
 * one closes the inner blocks (so `exit-address-family` may be left out); a command known only
 * in some other block is reported as misplaced.
 */
function runLine(p: ConfigParser, l: ConfigLine): void {
  const keys = commandKeys(l);
  if (word(l, 0) === 'neighbor' && l.words.length < 3 && p.context !== 'skip') {
    p.problem(l, ConfigErrorCode.syntax, 'missing words: usage "neighbor ADDRESS COMMAND ..."');
    return;
  }
  if (p.context === 'skip') {
    const h = findHandler('skip', keys);
    if (h) h(p, l);
    return;
  }
  for (let c: ContextName | undefined = p.context; c !== undefined; c = PARENT[c]) {
    const h = findHandler(c, keys);
    if (h) {
      if (c !== p.context) {
        p.context = c;
        if (c !== 'vni') p.currentVni = undefined;
      }
      h(p, l);
      return;
    }
  }
  const places = (Object.keys(COMMANDS) as ContextName[]).filter((c) => c !== 'skip').filter((c) => findHandler(c, keys) !== undefined);
  const shown = word(l, 0) === 'neighbor' ? `neighbor ... ${word(l, 2)}` : keys[0]!;
  if (places.length > 0) {
    p.problem(l, ConfigErrorCode.wrongContext, `"${shown}" is not valid in ${CONTEXT_TITLE[p.context]}: it belongs in ${places.map((c) => CONTEXT_TITLE[c]).join(' or ')}`, word(l, 0) === 'neighbor' ? 2 : 0);
  } else if (keys.some((k) => UNSUPPORTED.has(k))) {
    p.problem(l, ConfigErrorCode.unsupported, `"${shown}" is an FRR command evpn6 does not support`, word(l, 0) === 'neighbor' ? 2 : 0);
  } else {
    p.problem(l, ConfigErrorCode.unknownCommand, `unknown command "${shown}"`, word(l, 0) === 'neighbor' ? 2 : 0);
  }
}

function build(p: ConfigParser, dpdk: DpdkConfig | undefined): RouterConfig {
  const neighbors = [...p.neighbors.values()].map((n) => ({
    address: n.address,
    remoteAs: n.remoteAs,
    ...(n.updateSource ? { updateSource: n.updateSource } : {}),
    port: n.port,
    ...(n.timers ? { timers: n.timers } : {}),
    ...(n.description !== undefined ? { description: n.description } : {}),
    ...(n.shutdown ? { shutdown: n.shutdown } : {}),
    ...(n.passive ? { passive: true } : {}),
    ipv6Unicast: { ...n.ipv6Unicast },
    evpn: { ...n.evpn },
  }));
  const vnis = [...p.vnis.values()].map((v) => ({ ...v, importRouteTargets: [...v.importRouteTargets], exportRouteTargets: [...v.exportRouteTargets] }));
  return {
    ...(p.hostname !== undefined ? { hostname: p.hostname } : {}),
    ipv6NhtResolveViaDefault: p.nhtResolveViaDefault,
    bgp: {
      asn: p.asn!,
      ...(p.routerId !== undefined ? { routerId: p.routerId } : {}),
      neighbors,
      ipv6Unicast: { networks: [...p.networks] },
      evpn: { advertiseAllVni: p.advertiseAllVni, vnis },
    },
    ...(dpdk !== undefined ? { dpdk } : {}),
    ignored: p.ignored,
  };
}

export interface ConfigCheck {
  /** Present when there are no errors. */
  readonly config?: RouterConfig;
  readonly errors: readonly ConfigProblem[];
  /** Legal but suspicious settings (only looked for when there are no errors). */
  readonly warnings: readonly ConfigWarning[];
}

function warningsOf(p: ConfigParser): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  const warn = (l: ConfigLine, code: ConfigWarning['code'], message: string) => out.push({ file: p.file, line: l.line, code, message, text: l.text });
  const neighbors = [...p.neighbors.values()];
  for (const n of neighbors) {
    if (!n.ipv6Unicast.activate && !n.evpn.activate) {
      warn(n.definedAt, ConfigWarningCode.neighborNotActivated, `neighbor ${n.address} is activated in no address family: it exchanges no routes`);
    }
  }
  if (p.firstNetwork && !neighbors.some((n) => n.ipv6Unicast.activate)) {
    warn(p.firstNetwork, ConfigWarningCode.networksNotAdvertised, 'no neighbor is activated in ipv6 unicast: these networks are advertised to no one');
  }
  if (p.firstVni && !p.advertiseAllVni) {
    warn(p.firstVni, ConfigWarningCode.vniWithoutAdvertise, 'vni blocks without "advertise-all-vni": these VNIs are not advertised');
  }
  return out;
}

/** Parses a whole file and collects every problem; never throws for bad input. */
export function checkConfig(text: string, file = '<config>'): ConfigCheck {
  const p = new ConfigParser(file);
  for (const l of splitLines(text)) runLine(p, l);
  if (!p.sawRouterBgp) {
    p.problems.push({ file, line: 0, code: ConfigErrorCode.missing, message: 'no "router bgp ASN" block', text: '' });
  }
  const dpdk = buildDpdk(p);
  if (p.problems.length > 0 || p.asn === undefined) return { errors: p.problems, warnings: [] };
  return { config: build(p, dpdk), errors: [], warnings: warningsOf(p) };
}

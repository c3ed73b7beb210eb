import { joinLines, padLeft, padRight } from './format.js';
import type { ShowContext, ShowEvpnRoute } from './types.js';

export interface EvpnPathJson {
  readonly peer: string;
  readonly nextHop: string;
  readonly localPref: number | null;
  readonly med: number | null;
  readonly weight: number;
  readonly asPath: string;
  readonly origin: 'igp' | 'egp' | 'incomplete';
  readonly communities: readonly string[];
  readonly best: boolean;
  readonly valid: boolean;
}

export interface EvpnPrefixJson {
  readonly prefix: string;
  readonly routeType: number;
  readonly paths: readonly EvpnPathJson[];
}

export interface EvpnRdJson {
  readonly rd: string;
  readonly prefixes: readonly EvpnPrefixJson[];
}

export interface EvpnTableJson {
  readonly routerId: string;
  readonly localAs: number;
  readonly routeDistinguishers: readonly EvpnRdJson[];
  readonly displayedPrefixes: number;
  readonly displayedPaths: number;
}

/** FRR gives locally originated paths weight 32768 and learned ones 0. */
const LOCAL_WEIGHT = 32768;

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `show bgp l2vpn evpn [route type N] json`: grouped by RD, then prefix; both sorted as text. */
export function showBgpEvpnJson(ctx: ShowContext, routeType?: number): EvpnTableJson {
  const byRd = new Map<string, Map<string, { routeType: number; paths: EvpnPathJson[] }>>();
  let paths = 0;
  for (const r of ctx.evpnRoutes) {
    if (routeType !== undefined && r.routeType !== routeType) continue;
    let prefixes = byRd.get(r.rd);
    if (prefixes === undefined) byRd.set(r.rd, (prefixes = new Map()));
    let entry = prefixes.get(r.prefix);
    if (entry === undefined) prefixes.set(r.prefix, (entry = { routeType: r.routeType, paths: [] }));
    entry.paths.push(pathJson(r));
    paths++;
  }
  let prefixCount = 0;
  const routeDistinguishers: EvpnRdJson[] = [...byRd.keys()].sort(compareText).map((rd) => {
    const prefixes = byRd.get(rd) ?? new Map<string, { routeType: number; paths: EvpnPathJson[] }>();
    prefixCount += prefixes.size;
    return {
      rd,
      prefixes: [...prefixes.keys()].sort(compareText).map((prefix) => {
        const e = prefixes.get(prefix);
        const ps = e === undefined ? [] : e.paths.slice().sort((a, b) => Number(b.best) - Number(a.best));
        return { prefix, routeType: e?.routeType ?? 0, paths: ps };
      }),
    };
  });
  return { routerId: ctx.routerId, localAs: ctx.localAs, routeDistinguishers, displayedPrefixes: prefixCount, displayedPaths: paths };
}

function pathJson(r: ShowEvpnRoute): EvpnPathJson {
  return {
    peer: r.peer,
    nextHop: r.nextHop,
    localPref: r.localPref ?? null,
    med: r.med ?? null,
    weight: r.peer === 'local' ? LOCAL_WEIGHT : 0,
    asPath: r.asPath,
    origin: r.origin,
    communities: r.communities,
    best: r.best,
    valid: r.valid,
  };
}

const ORIGIN_CODE = { igp: 'i', egp: 'e', incomplete: '?' } as const;

const TABLE_LEGEND = [
  'Status codes: s suppressed, d damped, h history, * valid, > best, i - internal',
  'Origin codes: i - IGP, e - EGP, ? - incomplete',
  'EVPN type-1 prefix: [1]:[EthTag]:[ESI]:[IPlen]:[VTEP-IP]:[Frag-id]',
  'EVPN type-2 prefix: [2]:[EthTag]:[MAClen]:[MAC]:[IPlen]:[IP]',
  'EVPN type-3 prefix: [3]:[EthTag]:[IPlen]:[OrigIP]',
  'EVPN type-4 prefix: [4]:[ESI]:[IPlen]:[OrigIP]',
  'EVPN type-5 prefix: [5]:[EthTag]:[IPlen]:[IP]',
];

const INDENT = ' '.repeat(20);

function pathLines(prefix: string | null, p: EvpnPathJson): string[] {
  const internal = p.peer !== 'local' && p.asPath === '';
  const status = ` ${p.valid ? '*' : ' '}${p.best ? '>' : ' '}${internal ? 'i' : ' '}`;
  const lines: string[] = [];
  lines.push(prefix === null ? status : `${status}${prefix}`);
  const path = p.asPath === '' ? ORIGIN_CODE[p.origin] : `${p.asPath} ${ORIGIN_CODE[p.origin]}`;
  lines.push(
    `${INDENT}${padRight(p.nextHop === '' ? '::' : p.nextHop, 16)} ${padLeft(p.med === null ? '' : String(p.med), 9)}` +
      ` ${padLeft(p.localPref === null ? '' : String(p.localPref), 6)} ${padLeft(String(p.weight), 6)} ${path}`,
  );
  if (p.communities.length > 0) lines.push(`${INDENT}${p.communities.join(' ')}`);
  return lines;
}

/** `show bgp l2vpn evpn [route type N]`: FRR's table, one "Route Distinguisher:" block per RD. */
export function showBgpEvpn(ctx: ShowContext, routeType?: number): string {
  const t = showBgpEvpnJson(ctx, routeType);
  if (t.displayedPaths === 0) return joinLines(['No EVPN prefixes exist']);
  const lines = [`BGP table version is 0, local router ID is ${t.routerId}`, ...TABLE_LEGEND, ''];
  lines.push('   Network          Next Hop            Metric LocPrf Weight Path');
  for (const rd of t.routeDistinguishers) {
    lines.push(`Route Distinguisher: ${rd.rd}`);
    for (const pfx of rd.prefixes) {
      pfx.paths.forEach((p, i) => lines.push(...pathLines(i === 0 ? pfx.prefix : null, p)));
    }
  }
  lines.push('');
  lines.push(`Displayed ${t.displayedPrefixes} prefixes (${t.displayedPaths} paths)`);
  return joinLines(lines);
}

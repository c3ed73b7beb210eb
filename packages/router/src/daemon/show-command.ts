/**
 * `show` words (as typed after `evpn6 show`, FRR's vtysh spelling) to a formatter. Pure: it takes
 * the ShowContext and returns text or a JSON-ready value, so the control socket only moves bytes.
 */
import { formatIp, parseIp } from '@evpn6/bgp';
import * as show from '../show/index.js';
import type { ShowContext } from '../show/types.js';
import { DaemonError, DaemonErrorCode } from './errors.js';

export type ShowResult = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'json'; readonly value: unknown };

/** What `evpn6 show` understands, for usage texts and for the error on anything else. */
export const SHOW_COMMANDS: readonly string[] = [
  'bgp summary',
  'bgp neighbors [ADDRESS]',
  'bgp l2vpn evpn [route type 1-5|ead|macip|multicast|es|prefix]',
  'evpn vni [detail|VNI]',
  'evpn mac vni all|VNI',
  'dataplane stats',
];

const ROUTE_TYPE_NAMES: Readonly<Record<string, number>> = { ead: 1, macip: 2, multicast: 3, es: 4, prefix: 5 };

function bad(words: readonly string[], why: string): DaemonError {
  return new DaemonError(DaemonErrorCode.badRequest, `show ${words.join(' ')}: ${why}; one of: ${SHOW_COMMANDS.map((c) => `show ${c}`).join(', ')}`);
}

function vniNumber(words: readonly string[], text: string): number {
  if (!/^\d{1,8}$/.test(text) || Number(text) < 1 || Number(text) > 0xffffff) throw bad(words, `"${text}" is not a VNI (1..16777215)`);
  return Number(text);
}

function routeType(words: readonly string[], text: string | undefined): number {
  if (text === undefined) throw bad(words, 'route type needs a type');
  const n = ROUTE_TYPE_NAMES[text] ?? (/^[1-5]$/.test(text) ? Number(text) : undefined);
  if (n === undefined) throw bad(words, `unknown route type "${text}"`);
  return n;
}

function address(words: readonly string[], text: string): string {
  try {
    return formatIp(parseIp(text));
  } catch {
    throw bad(words, `"${text}" is not an IP address`);
  }
}

function result(json: boolean, text: () => string, value: () => unknown): ShowResult {
  return json ? { kind: 'json', value: value() } : { kind: 'text', text: text() };
}

/** Runs one show command; a trailing `json` word (vtysh style) is the same as `json: true`. */
export function runShowCommand(ctx: ShowContext, input: readonly string[], jsonFlag = false): ShowResult {
  let words = input.map((w) => w.toLowerCase());
  let json = jsonFlag;
  if (words[words.length - 1] === 'json') {
    json = true;
    words = words.slice(0, -1);
  }
  const [a, b, ...rest] = words;
  const key = `${a ?? ''} ${b ?? ''}`.trim();
  switch (key) {
    case 'bgp summary':
      if (rest.length > 0) throw bad(input, 'nothing may follow "summary"');
      return result(json, () => show.showBgpSummary(ctx), () => show.showBgpSummaryJson(ctx));
    case 'bgp neighbors':
    case 'bgp neighbor': {
      if (rest.length > 1) throw bad(input, 'one neighbor address at most');
      const addr = rest[0] === undefined ? undefined : address(input, rest[0]);
      return result(json, () => show.showBgpNeighbors(ctx, addr), () => show.showBgpNeighborsJson(ctx, addr));
    }
    case 'bgp l2vpn': {
      if (rest[0] !== 'evpn') throw bad(input, 'only "bgp l2vpn evpn" is known');
      const tail = rest.slice(1);
      let type: number | undefined;
      if (tail.length > 0) {
        if (tail[0] !== 'route' || tail[1] !== 'type' || tail.length > 3) throw bad(input, 'expected "route type N"');
        type = routeType(input, tail[2]);
      }
      return result(json, () => show.showBgpEvpn(ctx, type), () => show.showBgpEvpnJson(ctx, type));
    }
    case 'evpn vni': {
      if (rest.length > 1) throw bad(input, 'expected "evpn vni", "evpn vni detail" or "evpn vni N"');
      if (rest[0] === undefined) return result(json, () => show.showEvpnVni(ctx), () => show.showEvpnVniJson(ctx));
      const vni = rest[0] === 'detail' ? undefined : vniNumber(input, rest[0]);
      return result(json, () => show.showEvpnVniDetail(ctx, vni), () => show.showEvpnVniJson(ctx, vni));
    }
    case 'evpn mac': {
      if (rest[0] !== 'vni' || rest.length !== 2) throw bad(input, 'expected "evpn mac vni all" or "evpn mac vni N"');
      const vni = rest[1] === 'all' ? undefined : vniNumber(input, rest[1]!);
      return result(json, () => show.showEvpnMac(ctx, vni), () => show.showEvpnMacJson(ctx, vni));
    }
    case 'dataplane stats':
      if (rest.length > 0) throw bad(input, 'nothing may follow "stats"');
      return result(json, () => show.showDataplaneStats(ctx), () => show.showDataplaneStatsJson(ctx));
    default:
      throw bad(input, words.length === 0 ? 'what to show is missing' : 'unknown command');
  }
}

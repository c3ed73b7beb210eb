import { formatIp, parseIp } from '@evpn6/bgp';
import type { RouteDistinguisher, RouteTarget } from '@evpn6/evpn';
import type { ConfigLine } from './lines.js';
import { ConfigErrorCode } from './types.js';
import type { ConfigErrorCodeValue, ConfigProblem, IgnoredLine, RemoteAs, UpdateSource } from './types.js';

/** What Linux takes as an interface name (IFNAMSIZ 16 with the NUL). */
export const INTERFACE_NAME = /^[A-Za-z0-9_.@-]{1,15}$/;

/** `skip` is the body of an unsupported address family: already reported, its lines are not checked. */
export type ContextName = 'top' | 'bgp' | 'ipv6-unicast' | 'evpn' | 'vni' | 'skip' | 'dpdk';

export const PARENT: Record<ContextName, ContextName | undefined> = {
  top: undefined,
  bgp: 'top',
  'ipv6-unicast': 'bgp',
  evpn: 'bgp',
  vni: 'evpn',
  skip: 'bgp',
  dpdk: 'top',
};

export const CONTEXT_TITLE: Record<ContextName, string> = {
  top: 'the top level',
  bgp: '"router bgp"',
  'ipv6-unicast': '"address-family ipv6 unicast"',
  evpn: '"address-family l2vpn evpn"',
  vni: 'a "vni" block',
  skip: 'an unsupported address family',
  dpdk: '"dataplane dpdk"',
};

interface FamilyState {
  activate: boolean;
  routeReflectorClient: boolean;
}

export interface NeighborState {
  /** The line of its first remote-as, where warnings about it point. */
  definedAt: ConfigLine;
  address: string;
  family: 4 | 6;
  remoteAs: RemoteAs;
  updateSource?: UpdateSource;
  port: number;
  timers?: { keepalive: number; hold: number };
  description?: string;
  shutdown?: { message?: string };
  passive?: boolean;
  ipv6Unicast: FamilyState;
  evpn: FamilyState & { pmsiIpv4Form: boolean };
}

export interface VniState {
  vni: number;
  rd?: RouteDistinguisher;
  importRouteTargets: RouteTarget[];
  exportRouteTargets: RouteTarget[];
}

export interface DpdkState {
  openedAt: ConfigLine;
  ealArgs: string[];
  underlay?: { device: string; tap: string };
  lan: { device: string; tap?: string; vni: number; line: ConfigLine }[];
  mtu?: number;
  idleSleepUs?: number;
}

/** Parsing state: what the lines so far have built, and every problem found. */
export class ConfigParser {
  readonly problems: ConfigProblem[] = [];
  readonly ignored: IgnoredLine[] = [];
  context: ContextName = 'top';
  sawRouterBgp = false;
  asn: number | undefined;
  routerId: string | undefined;
  hostname: string | undefined;
  nhtResolveViaDefault = false;
  readonly neighbors = new Map<string, NeighborState>();
  readonly networks: string[] = [];
  firstNetwork: ConfigLine | undefined;
  firstVni: ConfigLine | undefined;
  advertiseAllVni = false;
  readonly vnis = new Map<number, VniState>();
  /** The block being filled; a duplicate block gets a scratch one so its lines are still checked. */
  currentVni: VniState | undefined;
  /** `dataplane dpdk` block, once opened. */
  dpdk: DpdkState | undefined;

  constructor(readonly file: string) {}

  problem(l: ConfigLine, code: ConfigErrorCodeValue, message: string, wordIndex?: number): void {
    const column = wordIndex === undefined ? undefined : (l.words[wordIndex] ?? l.words[l.words.length - 1])?.column;
    const p: ConfigProblem = { file: this.file, line: l.line, code, message, text: l.text };
    this.problems.push(column === undefined ? p : { ...p, column });
  }

  ignore(l: ConfigLine): void {
    this.ignored.push({ line: l.line, text: l.text.trim() });
  }

  /** Words count check: `exact` words, or at least `min` when `exact` is undefined. */
  arity(l: ConfigLine, exact: number, usage: string): boolean {
    if (l.words.length === exact) return true;
    const where = l.words.length > exact ? exact : undefined;
    this.problem(l, ConfigErrorCode.syntax, `${l.words.length > exact ? 'unexpected words' : 'missing words'}: usage "${usage}"`, where);
    return false;
  }
}

export type Handler = (p: ConfigParser, l: ConfigLine) => void;

export function word(l: ConfigLine, i: number): string {
  return l.words[i]?.text ?? '';
}

/** A decimal number in [min, max], or undefined (with a problem recorded under `code`). */
export function parseNumber(p: ConfigParser, l: ConfigLine, i: number, min: number, max: number, what: string, code: ConfigErrorCodeValue = ConfigErrorCode.range): number | undefined {
  const text = word(l, i);
  const n = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) {
    p.problem(l, code, `${what} "${text}" is not a number in ${min}..${max}`, i);
    return undefined;
  }
  return n;
}

/** asplain (FRR 8) or asdot ("1.10" = 65546). */
export function parseAsn(p: ConfigParser, l: ConfigLine, i: number): number | undefined {
  const text = word(l, i);
  let n = NaN;
  if (/^\d{1,10}$/.test(text)) n = Number(text);
  else if (/^\d{1,5}\.\d{1,5}$/.test(text)) {
    const [hi, lo] = text.split('.').map(Number) as [number, number];
    if (hi <= 0xffff && lo <= 0xffff) n = hi * 65536 + lo;
  }
  if (!(n >= 1 && n <= 0xffffffff)) {
    p.problem(l, ConfigErrorCode.asn, `AS number "${text}" is not in 1..4294967295`, i);
    return undefined;
  }
  return n;
}

export function tryParseIp(text: string): Uint8Array | undefined {
  try {
    return parseIp(text);
  } catch {
    return undefined;
  }
}

/** The neighbor's canonical address, or undefined (problem recorded). */
export function neighborAddress(p: ConfigParser, l: ConfigLine): string | undefined {
  const text = word(l, 1);
  const bytes = tryParseIp(text);
  if (bytes === undefined) {
    p.problem(l, ConfigErrorCode.address, `neighbor "${text}" is not an IP address (peer groups and interface neighbors are not supported)`, 1);
    return undefined;
  }
  return formatIp(bytes);
}

/** A router-level neighbor command: the neighbor must have its remote-as already. */
export function definedNeighbor(p: ConfigParser, l: ConfigLine): NeighborState | undefined {
  const address = neighborAddress(p, l);
  if (address === undefined) return undefined;
  const n = p.neighbors.get(address);
  if (n === undefined) p.problem(l, ConfigErrorCode.noRemoteAs, `neighbor ${address} is used before "neighbor ${address} remote-as"`, 1);
  return n;
}

/** A per-family neighbor command: the neighbor must be defined under router bgp. */
export function familyNeighbor(p: ConfigParser, l: ConfigLine, usage: string): NeighborState | undefined {
  if (!p.arity(l, 3, usage)) return undefined;
  const address = neighborAddress(p, l);
  if (address === undefined) return undefined;
  const n = p.neighbors.get(address);
  if (n === undefined) p.problem(l, ConfigErrorCode.unknownNeighbor, `neighbor ${address} is not defined (no "neighbor ${address} remote-as" under router bgp)`, 1);
  return n;
}


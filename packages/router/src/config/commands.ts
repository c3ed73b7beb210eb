import { formatIp, parseIpv4, parsePrefix, prefixToString } from '@evpn6/bgp';
import { parseRd, parseRouteTarget } from '@evpn6/evpn';
import type { RouteTarget } from '@evpn6/evpn';
import { restOfLine } from './lines.js';
import { ConfigErrorCode } from './types.js';
import type { RemoteAs } from './types.js';
import { INTERFACE_NAME, definedNeighbor, familyNeighbor, neighborAddress, parseAsn, parseNumber, tryParseIp, word } from './state.js';
import { dataplaneCommand, dpdkCommands } from './dpdk.js';
import type { ContextName, Handler, VniState } from './state.js';


const toTop: Handler = (p) => {
  p.context = 'top';
  p.currentVni = undefined;
};

const topCommands: Record<string, Handler> = {
  'router bgp'(p, l) {
    p.sawRouterBgp = true;
    p.context = 'bgp';
    if (l.words.length > 3) {
      if (word(l, 3) === 'vrf' || word(l, 3) === 'view') p.problem(l, ConfigErrorCode.unsupported, 'BGP VRF and view instances are not supported', 3);
      else p.problem(l, ConfigErrorCode.syntax, 'unexpected words: usage "router bgp ASN"', 3);
      return;
    }
    if (l.words.length < 3) {
      p.problem(l, ConfigErrorCode.syntax, 'missing words: usage "router bgp ASN"');
      return;
    }
    const asn = parseAsn(p, l, 2);
    if (asn === undefined) return;
    if (p.asn !== undefined && p.asn !== asn) {
      p.problem(l, ConfigErrorCode.conflict, `BGP already runs as AS ${p.asn}: one instance only`, 2);
      return;
    }
    p.asn = asn;
  },
  hostname(p, l) {
    if (!p.arity(l, 2, 'hostname NAME')) return;
    if (!/^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/.test(word(l, 1))) {
      p.problem(l, ConfigErrorCode.syntax, `"${word(l, 1)}" is not a host name`, 1);
      return;
    }
    p.hostname = word(l, 1);
  },
  'ipv6 nht'(p, l) {
    if (!p.arity(l, 3, 'ipv6 nht resolve-via-default')) return;
    if (word(l, 2) !== 'resolve-via-default') {
      p.problem(l, ConfigErrorCode.syntax, `unknown "${word(l, 2)}": usage "ipv6 nht resolve-via-default"`, 2);
      return;
    }
    p.nhtResolveViaDefault = true;
  },
  log: (p, l) => p.ignore(l),
  'frr version': (p, l) => p.ignore(l),
  'frr defaults': (p, l) => p.ignore(l),
  'service integrated-vtysh-config': (p, l) => p.ignore(l),
  'line vty': (p, l) => p.ignore(l),
  dataplane: dataplaneCommand,
  exit: () => {},
  end: toTop,
};

const bgpCommands: Record<string, Handler> = {
  'bgp router-id'(p, l) {
    if (!p.arity(l, 3, 'bgp router-id A.B.C.D')) return;
    let ok = false;
    try {
      ok = parseIpv4(word(l, 2)).some((b) => b !== 0);
    } catch {
      ok = false;
    }
    if (!ok) p.problem(l, ConfigErrorCode.address, `router-id "${word(l, 2)}" is not a non-zero IPv4 address`, 2);
    else p.routerId = word(l, 2);
  },
  'bgp log-neighbor-changes': (p, l) => p.ignore(l),
  'no bgp'(p, l) {
    const rest = l.words.slice(2).map((w) => w.text).join(' ');
    if (rest === 'default ipv4-unicast' || rest === 'ebgp-requires-policy') p.ignore(l);
    else p.problem(l, ConfigErrorCode.unsupported, `"no bgp ${rest}" is not supported`, 2);
  },
  'neighbor remote-as'(p, l) {
    if (!p.arity(l, 4, 'neighbor ADDRESS remote-as internal|external|ASN')) return;
    const address = neighborAddress(p, l);
    const v = word(l, 3);
    let remoteAs: RemoteAs | undefined;
    if (v === 'internal' || v === 'external') remoteAs = v;
    else remoteAs = parseAsn(p, l, 3);
    if (address === undefined || remoteAs === undefined) return;
    const existing = p.neighbors.get(address);
    if (existing) {
      existing.remoteAs = remoteAs;
      return;
    }
    p.neighbors.set(address, {
      definedAt: l,
      address,
      family: address.includes(':') ? 6 : 4,
      remoteAs,
      port: 179,
      ipv6Unicast: { activate: false, routeReflectorClient: false },
      evpn: { activate: false, routeReflectorClient: false, pmsiIpv4Form: false },
    });
  },
  'neighbor update-source'(p, l) {
    if (!p.arity(l, 4, 'neighbor ADDRESS update-source ADDRESS|INTERFACE')) return;
    const n = definedNeighbor(p, l);
    const v = word(l, 3);
    const looksLikeAddress = v.includes(':') || /^[\d.]+$/.test(v);
    if (looksLikeAddress) {
      const bytes = tryParseIp(v);
      if (bytes === undefined) {
        p.problem(l, ConfigErrorCode.address, `update-source "${v}" is not an IP address`, 3);
        return;
      }
      if (n && (bytes.length === 4 ? 4 : 6) !== n.family) {
        p.problem(l, ConfigErrorCode.address, `update-source ${formatIp(bytes)} is not of the neighbor's address family (IPv${n.family})`, 3);
        return;
      }
      if (n) n.updateSource = { kind: 'address', address: formatIp(bytes) };
      return;
    }
    if (!INTERFACE_NAME.test(v)) {
      p.problem(l, ConfigErrorCode.address, `update-source "${v}" is neither an IP address nor an interface name`, 3);
      return;
    }
    if (n) n.updateSource = { kind: 'interface', name: v };
  },
  'neighbor port'(p, l) {
    if (!p.arity(l, 4, 'neighbor ADDRESS port 1-65535')) return;
    const n = definedNeighbor(p, l);
    const port = parseNumber(p, l, 3, 1, 65535, 'port');
    if (n && port !== undefined) n.port = port;
  },
  'neighbor timers'(p, l) {
    if (word(l, 3) === 'connect' || word(l, 3) === 'delayopen') {
      p.problem(l, ConfigErrorCode.unsupported, `"neighbor ADDRESS timers ${word(l, 3)}" is not supported`, 3);
      return;
    }
    if (!p.arity(l, 5, 'neighbor ADDRESS timers KEEPALIVE HOLD')) return;
    const n = definedNeighbor(p, l);
    const keepalive = parseNumber(p, l, 3, 0, 65535, 'keepalive', ConfigErrorCode.timers);
    const hold = parseNumber(p, l, 4, 0, 65535, 'hold time', ConfigErrorCode.timers);
    if (keepalive === undefined || hold === undefined) return;
    if (hold === 1 || hold === 2) {
      p.problem(l, ConfigErrorCode.timers, `hold time ${hold} is not allowed: 0 or at least 3 (RFC 4271 §4.2)`, 4);
      return;
    }
    if (hold !== 0 && keepalive >= hold) {
      p.problem(l, ConfigErrorCode.timers, `keepalive ${keepalive} must be less than the hold time ${hold}`, 3);
      return;
    }
    if (n) n.timers = { keepalive, hold };
  },
  'neighbor description'(p, l) {
    if (l.words.length < 4) {
      p.problem(l, ConfigErrorCode.syntax, 'missing words: usage "neighbor ADDRESS description TEXT"');
      return;
    }
    const n = definedNeighbor(p, l);
    if (n) n.description = restOfLine(l, 3);
  },
  'neighbor shutdown'(p, l) {
    if (l.words.length > 3 && word(l, 3) !== 'message') {
      p.problem(l, ConfigErrorCode.unsupported, `"neighbor ADDRESS shutdown ${word(l, 3)}" is not supported (only "shutdown [message TEXT]")`, 3);
      return;
    }
    if (l.words.length === 4) {
      p.problem(l, ConfigErrorCode.syntax, 'missing words: usage "neighbor ADDRESS shutdown message TEXT"');
      return;
    }
    const n = definedNeighbor(p, l);
    if (n) n.shutdown = l.words.length > 4 ? { message: restOfLine(l, 4) } : {};
  },
  'neighbor passive'(p, l) {
    if (!p.arity(l, 3, 'neighbor ADDRESS passive')) return;
    const n = definedNeighbor(p, l);
    if (n) n.passive = true;
  },
  'address-family'(p, l) {
    const family = l.words.slice(1).map((w) => w.text).join(' ');
    if (family === 'ipv6 unicast') p.context = 'ipv6-unicast';
    else if (family === 'l2vpn evpn') p.context = 'evpn';
    else {
      p.problem(l, ConfigErrorCode.unsupported, `address family "${family}" is not supported (only "ipv6 unicast" and "l2vpn evpn")`, 1);
      p.context = 'skip';
    }
  },
  exit: toTop,
  end: toTop,
};

function setFamily(family: 'ipv6Unicast' | 'evpn', flag: 'activate' | 'routeReflectorClient', usage: string): Handler {
  return (p, l) => {
    const n = familyNeighbor(p, l, usage);
    if (!n) return;
    const external = n.remoteAs === 'external' || (typeof n.remoteAs === 'number' && n.remoteAs !== p.asn);
    if (flag === 'routeReflectorClient' && external) {
      p.problem(l, ConfigErrorCode.conflict, `neighbor ${n.address} is an eBGP neighbor: only iBGP neighbors can be route reflector clients`, 1);
      return;
    }
    n[family][flag] = true;
  };
}

const exitFamily: Handler = (p) => {
  p.context = 'bgp';
  p.currentVni = undefined;
};

const ipv6UnicastCommands: Record<string, Handler> = {
  network(p, l) {
    if (l.words.length > 2) {
      p.problem(l, ConfigErrorCode.unsupported, `"network PREFIX ${word(l, 2)}" is not supported (only "network PREFIX")`, 2);
      return;
    }
    if (!p.arity(l, 2, 'network X:X::X:X/M')) return;
    const text = word(l, 1);
    let canonical: string | undefined;
    try {
      const prefix = parsePrefix(text);
      if (prefix.address.length === 16 && text.includes('/')) canonical = prefixToString(prefix);
    } catch {
      canonical = undefined;
    }
    if (canonical === undefined) {
      p.problem(l, ConfigErrorCode.prefix, `"${text}" is not an IPv6 prefix ADDRESS/LENGTH with its host bits zero`, 1);
      return;
    }
    if (!p.networks.includes(canonical)) p.networks.push(canonical);
    p.firstNetwork ??= l;
  },
  'neighbor activate': setFamily('ipv6Unicast', 'activate', 'neighbor ADDRESS activate'),
  'neighbor route-reflector-client': setFamily('ipv6Unicast', 'routeReflectorClient', 'neighbor ADDRESS route-reflector-client'),
  'exit-address-family': exitFamily,
  exit: exitFamily,
  end: toTop,
};

const evpnCommands: Record<string, Handler> = {
  'neighbor activate': setFamily('evpn', 'activate', 'neighbor ADDRESS activate'),
  'neighbor route-reflector-client': setFamily('evpn', 'routeReflectorClient', 'neighbor ADDRESS route-reflector-client'),
  'neighbor pmsi-ipv4-form'(p, l) {
    const n = familyNeighbor(p, l, 'neighbor ADDRESS pmsi-ipv4-form');
    if (n) n.evpn.pmsiIpv4Form = true;
  },
  'advertise-all-vni'(p, l) {
    if (p.arity(l, 1, 'advertise-all-vni')) p.advertiseAllVni = true;
  },
  vni(p, l) {
    p.context = 'vni';
    const scratch: VniState = { vni: 0, importRouteTargets: [], exportRouteTargets: [] };
    p.currentVni = scratch;
    if (!p.arity(l, 2, 'vni 1-16777215')) return;
    const vni = parseNumber(p, l, 1, 1, 0xffffff, 'VNI');
    if (vni === undefined) return;
    if (p.vnis.has(vni)) {
      p.problem(l, ConfigErrorCode.duplicateVni, `vni ${vni} is configured twice (each VNI gets one block)`, 1);
      return;
    }
    scratch.vni = vni;
    p.vnis.set(vni, scratch);
    p.firstVni ??= l;
  },
  'exit-address-family': exitFamily,
  exit: exitFamily,
  end: toTop,
};

const exitVni: Handler = (p) => {
  p.context = 'evpn';
  p.currentVni = undefined;
};

const vniCommands: Record<string, Handler> = {
  rd(p, l) {
    if (!p.arity(l, 2, 'rd ASN:NN|A.B.C.D:NN')) return;
    try {
      const rd = parseRd(word(l, 1));
      if (p.currentVni) p.currentVni.rd = rd;
    } catch {
      p.problem(l, ConfigErrorCode.rd, `"${word(l, 1)}" is not a route distinguisher (ASN:NN or A.B.C.D:NN)`, 1);
    }
  },
  'route-target'(p, l) {
    if (!p.arity(l, 3, 'route-target import|export|both ASN:NN|A.B.C.D:NN')) return;
    const direction = word(l, 1);
    if (direction !== 'import' && direction !== 'export' && direction !== 'both') {
      p.problem(l, ConfigErrorCode.syntax, `"${direction}" is not import, export or both`, 1);
      return;
    }
    let rt: RouteTarget;
    try {
      rt = parseRouteTarget(word(l, 2));
    } catch {
      p.problem(l, ConfigErrorCode.routeTarget, `"${word(l, 2)}" is not a route target (ASN:NN or A.B.C.D:NN)`, 2);
      return;
    }
    const v = p.currentVni;
    if (!v) return;
    if (direction !== 'export') v.importRouteTargets.push(rt);
    if (direction !== 'import') v.exportRouteTargets.push(rt);
  },
  'exit-vni': exitVni,
  exit: exitVni,
  end: toTop,
};

const skipCommands: Record<string, Handler> = {
  // The next family starts even without exit-address-family, as everywhere else.
  'address-family': bgpCommands['address-family']!,
  'exit-address-family': exitFamily,
  exit: exitFamily,
  end: toTop,
};

export const COMMANDS: Record<ContextName, Record<string, Handler>> = {
  top: topCommands,
  bgp: bgpCommands,
  'ipv6-unicast': ipv6UnicastCommands,
  evpn: evpnCommands,
  vni: vniCommands,
  skip: skipCommands,
  dpdk: dpdkCommands,
};

/** FRR commands (by key) that evpn6 deliberately does not implement: named, so the error says so. */
export const UNSUPPORTED = new Set([
  'router', 'interface', 'vrf', 'ip', 'ipv6', 'route-map', 'bfd', 'segment-routing', 'mpls', 'debug', 'password', 'enable',
  'bgp bestpath', 'bgp cluster-id', 'bgp confederation', 'bgp graceful-restart', 'bgp default', 'bgp listen', 'timers bgp',
  'redistribute', 'aggregate-address', 'maximum-paths', 'advertise-default-gw', 'advertise-svi-ip', 'advertise', 'autort',
  'neighbor peer-group', 'neighbor interface', 'neighbor password', 'neighbor ebgp-multihop', 'neighbor bfd',
  'neighbor capability', 'neighbor ttl-security', 'neighbor local-as', 'neighbor allowas-in', 'neighbor route-map',
  'neighbor prefix-list', 'neighbor soft-reconfiguration', 'neighbor next-hop-self', 'neighbor send-community',
  'neighbor advertisement-interval', 'neighbor disable-connected-check', 'neighbor maximum-prefix',
  'neighbor addpath-tx-all-paths', 'neighbor enforce-first-as', 'neighbor solo', 'neighbor weight',
]);


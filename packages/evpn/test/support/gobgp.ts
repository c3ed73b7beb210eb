/**
 * The GoBGP capture (test/vectors/gobgp-evpn): a small walk of each UPDATE's path attributes that
 * pulls out the pieces the EVPN codecs own (NLRI, next hop, extended communities, PMSI), and a
 * translation of our decoded values into GoBGP's JSON wording so the two can be compared.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromHex, formatIp, prefixToString } from '@evpn6/bgp';
import type { EvpnExtCommunity, EvpnRoute, PmsiTunnelValue, RouteDistinguisher } from '../../src/index.js';
import { describeEsiText, formatMac, formatRouteTarget, ipv4FromNumber, isZeroEsi } from '../../src/index.js';

const dir = fileURLToPath(new URL('../vectors/gobgp-evpn/', import.meta.url));

export interface CapturedUpdate {
  /** 1-based line number in messages.hex.txt. */
  line: number;
  /** The whole message, header included. */
  message: Uint8Array;
  reach: { nextHop: Uint8Array; nlri: Uint8Array } | undefined;
  unreach: Uint8Array | undefined;
  extCommunities: Uint8Array[];
  pmsi: Uint8Array | undefined;
}

export function capturedUpdates(): CapturedUpdate[] {
  const lines = readFileSync(`${dir}messages.hex.txt`, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const out: CapturedUpdate[] = [];
  lines.forEach((hex, i) => {
    const m = fromHex(hex);
    if (m[18] !== 2) return; // not an UPDATE
    const u: CapturedUpdate = { line: i + 1, message: m, reach: undefined, unreach: undefined, extCommunities: [], pmsi: undefined };
    const view = new DataView(m.buffer, m.byteOffset, m.byteLength);
    let p = 19;
    const withdrawnLength = view.getUint16(p);
    p += 2 + withdrawnLength;
    const attrsEnd = p + 2 + view.getUint16(p);
    p += 2;
    while (p < attrsEnd) {
      const flags = m[p]!;
      const type = m[p + 1]!;
      const extended = (flags & 0x10) !== 0;
      const length = extended ? view.getUint16(p + 2) : m[p + 2]!;
      const start = p + (extended ? 4 : 3);
      const value = m.slice(start, start + length);
      p = start + length;
      if (type === 14) {
        const nhLength = value[3]!;
        u.reach = { nextHop: value.slice(4, 4 + nhLength), nlri: value.slice(5 + nhLength) };
      } else if (type === 15) {
        u.unreach = value.slice(3);
      } else if (type === 16) {
        for (let q = 0; q < value.length; q += 8) u.extCommunities.push(value.slice(q, q + 8));
      } else if (type === 22) {
        u.pmsi = value;
      }
    }
    out.push(u);
  });
  return out;
}

export interface GobgpPath {
  nlri: unknown;
  attrs: Array<{ type: number; [k: string]: unknown }>;
}

export function gobgpRib(): Map<string, GobgpPath[]> {
  const json = JSON.parse(readFileSync(`${dir}gobgp-rib.json`, 'utf8')) as Record<string, GobgpPath[]>;
  return new Map(Object.entries(json));
}

function rdJson(rd: RouteDistinguisher): unknown {
  return { type: rd.type, admin: rd.type === 1 ? ipv4FromNumber(rd.admin) : rd.admin, assigned: rd.assigned };
}

/** Our route in GoBGP's `-j` wording (field names, text forms and all). */
export function routeAsGobgp(r: EvpnRoute): unknown {
  switch (r.kind) {
    case 'ethernet-ad':
      return { type: 1, value: { rd: rdJson(r.rd), esi: describeEsiText(r.esi), etag: r.ethernetTag, label: r.label } };
    case 'mac-ip':
      return {
        type: 2,
        value: {
          rd: rdJson(r.rd),
          esi: describeEsiText(r.esi),
          etag: r.ethernetTag,
          mac: formatMac(r.mac),
          ip: r.ip === undefined ? '<nil>' : formatIp(r.ip),
          labels: [...r.labels],
        },
      };
    case 'inclusive-multicast':
      return { type: 3, value: { rd: rdJson(r.rd), etag: r.ethernetTag, ip: formatIp(r.originator) } };
    case 'ethernet-segment':
      return { type: 4, value: { rd: rdJson(r.rd), esi: describeEsiText(r.esi), ip: formatIp(r.originator) } };
    case 'ip-prefix':
      return {
        type: 5,
        value: {
          rd: rdJson(r.rd),
          esi: isZeroEsi(r.esi) ? 'single-homed' : describeEsiText(r.esi),
          etag: r.ethernetTag,
          prefix: prefixToString({ length: r.prefixLength, address: r.prefix }),
          gateway: formatIp(r.gateway),
          label: r.label,
        },
      };
    case 'unknown':
      return { type: r.routeType };
  }
}

/** Our typed community in GoBGP's `-j` wording. */
export function extCommunityAsGobgp(c: EvpnExtCommunity): unknown {
  switch (c.kind) {
    case 'route-target':
      return { type: c.format === 'as2' ? 0 : c.format === 'ipv4' ? 1 : 2, subtype: 2, value: formatRouteTarget(c) };
    case 'encapsulation':
      return { type: 3, subtype: 12, tunnel_type: c.tunnelType };
    case 'default-gateway':
      return { type: 3, subtype: 13 };
    case 'mac-mobility':
      return { type: 6, subtype: 0, sequence: c.sequence, is_sticky: (c.flags & 1) !== 0 };
    case 'esi-label':
      return { type: 6, subtype: 1, label: c.label, is_single_active: (c.flags & 1) !== 0 };
    case 'es-import-route-target':
      return { type: 6, subtype: 2, value: formatMac(c.mac) };
    case 'router-mac':
      return { type: 6, subtype: 3, mac: formatMac(c.mac) };
    case 'raw':
      return { raw: [...c.bytes] };
  }
}

export function pmsiAsGobgp(p: PmsiTunnelValue): unknown {
  return {
    type: 22,
    'is-leaf-info-required': (p.tunnelFlags & 1) !== 0,
    'tunnel-type': p.tunnelType,
    label: p.label,
    'tunnel-id': formatIp(p.tunnelId),
  };
}

/**
 * `@evpn6/evpn/fuzz`: EVPN NLRI (RFC 7432 §7, RFC 9136 §3) described as data for
 * @evpn6/bgp/fuzz's tlvRouteWalker, so structure-aware mutation reaches the route length, the
 * ESI, the MAC/IP/originator length fields and the labels. bgp must never import evpn: this is
 * how its walkers learn the EVPN layout (pass `evpnWalkers` as WalkOptions.nlri).
 */
import type { NlriWalker, TlvRouteDescription } from '@evpn6/bgp/fuzz';
import { tlvRouteWalker } from '@evpn6/bgp/fuzz';
import { Afi, familyKey, Safi } from '@evpn6/bgp';

/** IP/originator lengths in bits: the legal 0, 32 and 128 and their neighbours. */
const IP_BITS = [0, 4, 8, 24, 31, 32, 33, 64, 96, 120, 127, 128, 129, 160, 255];
const RD = { name: 'RD', size: 8 } as const;
const ESI = { name: 'ESI', size: 10 } as const;
const ESI_TYPE = { name: 'ESI type', size: 1, interesting: [0, 1, 2, 3, 4, 5, 6, 0xff] } as const;
const ESI_REST = { name: 'ESI value', size: 9 } as const;
const TAG = { name: 'Ethernet tag', size: 4, interesting: [0, 1, 0xffffff, 0xffffffff] } as const;
const LABEL = { name: 'label', size: 3, interesting: [0, 1, 0xffffff] } as const;

export const evpnRouteDescription: TlvRouteDescription = {
  types: [0, 1, 2, 3, 4, 5, 6, 7, 11, 255],
  routes: {
    1: { lengths: [23, 24, 25, 26, 27], fields: [RD, ESI_TYPE, ESI_REST, TAG, LABEL] },
    2: {
      // 33 (no IP, one label), 36 (two labels), 37/40 (IPv4), 49/52 (IPv6), and lengths just off them.
      lengths: [32, 33, 34, 36, 37, 39, 40, 45, 48, 49, 51, 52, 55, 56],
      fields: [RD, ESI, TAG, { name: 'MAC length', bits: true, interesting: [0, 8, 47, 48, 49, 64, 255] }, { name: 'IP length', bits: true, interesting: IP_BITS }, { name: 'labels', size: 'rest' }],
    },
    3: { lengths: [12, 13, 16, 17, 18, 28, 29, 30], fields: [RD, TAG, { name: 'originator length', bits: true, interesting: IP_BITS }] },
    4: { lengths: [18, 19, 22, 23, 24, 34, 35, 36], fields: [RD, ESI, { name: 'originator length', bits: true, interesting: IP_BITS }] },
    5: {
      lengths: [33, 34, 35, 57, 58, 59],
      fields: [RD, ESI, TAG, { name: 'IP prefix length', size: 1, interesting: [0, 24, 32, 33, 64, 128, 129, 255] }, { name: 'prefix, gateway and label', size: 'rest' }],
    },
  },
};

export const evpnWalker: NlriWalker = tlvRouteWalker(evpnRouteDescription);
export const EVPN_FAMILY_KEY = familyKey(Afi.L2VPN, Safi.EVPN);
/** WalkOptions.nlri for sessions that carry EVPN. */
export const evpnWalkers: ReadonlyMap<number, NlriWalker> = new Map([[EVPN_FAMILY_KEY, evpnWalker]]);

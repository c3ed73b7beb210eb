/**
 * The whole path through @evpn6/bgp: GoBGP's UPDATE messages decoded with decodeMessage on a
 * registry that has EVPN, then the generic attributes typed by this package.
 */
import { expect } from 'chai';
import { Reader, createContext, decodeMessage, defaultRegistry, encodeMessage, toHex } from '@evpn6/bgp';
import type { EvpnRoute, PmsiTunnelValue } from '../src/index.js';
import { decodeExtCommunities, evpnNlri, pmsiFromAttribute, registerEvpn, vtepFromNextHop } from '../src/index.js';
import { capturedUpdates } from './support/gobgp.js';

const ctx = createContext({ registry: registerEvpn(defaultRegistry().clone()) });

/** The parts of bgp's attribute shapes this test reads. */
interface GenericAttribute {
  type: string;
  nextHop?: Uint8Array;
  nlri?: unknown;
  withdrawn?: unknown;
  communities?: readonly Uint8Array[];
}

describe('EVPN through decodeMessage (GoBGP capture)', () => {
  it('every UPDATE decodes with its EVPN route typed, and re-encodes byte-identical', () => {
    let routes = 0;
    for (const u of capturedUpdates()) {
      const m = decodeMessage(u.message, ctx) as unknown as { type: string; attributes: GenericAttribute[] };
      expect(m.type).to.equal('UPDATE');
      for (const a of m.attributes) {
        if (a.type === 'MP_REACH_NLRI' || a.type === 'MP_UNREACH_NLRI') {
          const nlri = (a.nlri ?? a.withdrawn) as EvpnRoute[];
          expect(nlri, `line ${u.line}`).to.have.length(1);
          const direct = evpnNlri.decode(new Reader(u.reach?.nlri ?? u.unreach!), ctx, undefined);
          expect(nlri[0]).to.deep.equal(direct);
          routes++;
          if (a.nextHop) expect(vtepFromNextHop(a.nextHop).toString()).to.equal('2001:db8:0:1::11');
        } else if (a.type === 'EXTENDED_COMMUNITIES') {
          expect(decodeExtCommunities(a.communities!).some((c) => c.kind === 'raw'), `line ${u.line}`).to.equal(false);
        } else if (a.type === 'PMSI_TUNNEL') {
          expect(pmsiFromAttribute(a as unknown as PmsiTunnelValue).kind).to.equal('ingress-replication');
        }
      }
      expect(toHex(encodeMessage(m as unknown as Parameters<typeof encodeMessage>[0], ctx)), `line ${u.line}`).to.equal(toHex(u.message));
    }
    expect(routes).to.equal(30);
  });
});

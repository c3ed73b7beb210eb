import { expect } from 'chai';
import type { CodecContext } from '@evpn6/bgp';
import { NlriRegistry, Reader, createContext, toHex } from '@evpn6/bgp';
import { checkVector } from '../../bgp/test/support/vectors.js';
import type { EvpnRoute } from '../src/index.js';
import {
  decodeExtCommunities,
  encodeExtCommunity,
  evpnNlri,
  extCommunityCodec,
  pmsiAttributeCodec,
  pmsiFromAttribute,
  registerEvpn,
  vtepFromNextHop,
} from '../src/index.js';
import { evpnRouteCodec } from './support/codecs.js';
import { capturedUpdates, extCommunityAsGobgp, gobgpRib, pmsiAsGobgp, routeAsGobgp } from './support/gobgp.js';

const ctx = createContext({ registry: registerEvpn(new NlriRegistry()) });


function decodeOne(bytes: Uint8Array): EvpnRoute {
  const r = new Reader(bytes);
  const route = evpnNlri.decode(r, ctx, undefined);
  expect(r.remaining, 'one NLRI per UPDATE in this capture').to.equal(0);
  return route;
}

const updates = capturedUpdates();
const rib = gobgpRib();
const ribPaths = [...rib.values()].flat();

describe('GoBGP capture: EVPN NLRI', () => {
  it('has the 25 announcements and 5 withdrawals the commands made', () => {
    expect(updates.filter((u) => u.reach).length).to.equal(25);
    expect(updates.filter((u) => u.unreach).length).to.equal(5);
    expect(ribPaths.length).to.equal(25);
  });

  for (const u of updates) {
    const nlri = u.reach?.nlri ?? u.unreach!;
    describe(`messages.hex.txt line ${u.line} (${u.reach ? 'MP_REACH' : 'MP_UNREACH'})`, () => {
      checkVector<EvpnRoute, CodecContext>(evpnRouteCodec, { name: `NLRI ${toHex(nlri).slice(0, 6)}`, hex: toHex(nlri), ctx });
    });
  }

  it('every announced route equals, field by field, the one GoBGP decoded', () => {
    const matched = new Set<unknown>();
    for (const u of updates) {
      if (!u.reach) continue;
      const ours = routeAsGobgp(decodeOne(u.reach.nlri));
      const theirs = ribPaths.filter((p) => JSON.stringify(p.nlri) === JSON.stringify(ours));
      expect(theirs, `line ${u.line}: ${JSON.stringify(ours)}`).to.have.length(1);
      expect(ours).to.deep.equal(theirs[0]!.nlri);
      matched.add(theirs[0]);
    }
    expect(matched.size).to.equal(ribPaths.length);
  });

  it('the extended communities, PMSI and next hop of each route match GoBGP', () => {
    for (const u of updates) {
      if (!u.reach) continue;
      const ours = routeAsGobgp(decodeOne(u.reach.nlri));
      const path = ribPaths.find((p) => JSON.stringify(p.nlri) === JSON.stringify(ours))!;
      const ec = path.attrs.find((a) => a.type === 16);
      const typed = decodeExtCommunities(u.extCommunities);
      expect(typed.map(extCommunityAsGobgp), `line ${u.line}`).to.deep.equal(ec ? ec['value'] : []);
      for (let i = 0; i < typed.length; i++) expect(toHex(encodeExtCommunity(typed[i]!))).to.equal(toHex(u.extCommunities[i]!));

      const pm = path.attrs.find((a) => a.type === 22);
      if (pm) {
        expect(u.pmsi, `line ${u.line} has a PMSI`).to.not.equal(undefined);
        const generic = pmsiAttributeCodec.decode(new Reader(u.pmsi!), undefined);
        expect(pmsiAsGobgp(generic)).to.deep.equal(pm);
        const pmsi = pmsiFromAttribute(generic);
        expect(pmsi.kind).to.equal('ingress-replication');
        if (pmsi.kind === 'ingress-replication') expect(pmsi.endpoint.toString()).to.equal(pm['tunnel-id']);
      } else {
        expect(u.pmsi).to.equal(undefined);
      }

      const mp = path.attrs.find((a) => a.type === 14)!;
      expect(vtepFromNextHop(u.reach.nextHop).toString()).to.equal(mp['nexthop']);
    }
  });

  it('each withdrawal names, by route key, a route announced earlier', () => {
    const announced = new Map<string, number>();
    for (const u of updates) if (u.reach) announced.set(evpnNlri.key(decodeOne(u.reach.nlri)), u.line);
    const withdrawn = updates.filter((u) => u.unreach).map((u) => evpnNlri.format(decodeOne(u.unreach!)));
    for (const u of updates) {
      if (!u.unreach) continue;
      expect(announced.has(evpnNlri.key(decodeOne(u.unreach))), `line ${u.line}`).to.equal(true);
    }
    expect(withdrawn).to.deep.equal([
      '[2]:[0]:[48]:[02:00:00:00:00:02]:[32]:[198.51.100.2]',
      '[3]:[0]:[128]:[2001:db8:0:1::11]',
      '[5]:[0]:[48]:[2001:db8:ffff::]',
      '[1]:[100]:[02:02:00:00:00:aa:02:80:00:00]',
      '[4]:[01:02:00:00:00:aa:01:10:01:00]:[128]:[2001:db8:0:1::11]',
    ]);
  });
});

describe('GoBGP capture: extended communities and PMSI as wire objects', () => {
  const seen = new Set<string>();
  for (const u of updates) {
    for (const c of u.extCommunities) {
      const hex = toHex(c);
      if (seen.has(hex)) continue;
      seen.add(hex);
      checkVector(extCommunityCodec, { name: `ext community ${hex} (line ${u.line})`, hex, ctx: undefined });
    }
  }
  for (const u of updates) {
    if (!u.pmsi) continue;
    const hex = toHex(u.pmsi);
    if (seen.has(hex)) continue;
    seen.add(hex);
    // The tunnel identifier is "the rest of the attribute": any cut past the 5 fixed octets decodes.
    checkVector(pmsiAttributeCodec, { name: `PMSI ${u.pmsi.length} bytes (line ${u.line})`, hex, ctx: undefined, truncationMayDecode: (cut) => cut >= 5 });
  }
  it('covers the 9-byte (IPv4 endpoint) and 21-byte (IPv6 endpoint) PMSI forms', () => {
    const lengths = new Set(updates.filter((u) => u.pmsi).map((u) => u.pmsi!.length));
    expect([...lengths].sort()).to.deep.equal([21, 9]);
  });
});

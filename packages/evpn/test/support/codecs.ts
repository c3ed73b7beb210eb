import type { Codec } from '@evpn6/bgp';
import type { EvpnRoute } from '../../src/index.js';
import { evpnNlri } from '../../src/index.js';

/** evpnNlri as a plain Codec (no ADD-PATH), so the shared golden-vector checks apply. */
export const evpnRouteCodec: Codec<EvpnRoute> = {
  decode: (r, c) => evpnNlri.decode(r, c, undefined),
  encode: (v, w, c) => evpnNlri.encode(v, w, c),
  encodedLength: (v, c) => evpnNlri.encodedLength(v, c),
};

/**
 * The kernel side of the DPDK underlay port: which address the site has on the TAP (our VTEP),
 * and which MAC the underlay router has (where the forwarder sends encapsulated frames).
 */
import { addressFlags, interfaceAddress, type AddressMessage } from '../netlink/address.js';
import type { NetlinkClient } from '../netlink/client.js';
import { AddressFamily, IfaFlag, NtfFlag, NudState } from '../netlink/constants.js';
import type { NeighborMessage } from '../netlink/neighbor.js';
import { findLink, listAddresses, listNeighbors } from '../netlink/rtnl.js';
import type { UnderlayState } from './dpdk.js';

/** RT_SCOPE_UNIVERSE: a global address (link-local ones are scope 253). */
const SCOPE_GLOBAL = 0;
/** An address not (yet, or any longer) fit to source tunnels from. */
const UNUSABLE = IfaFlag.tentative | IfaFlag.dadFailed | IfaFlag.deprecated;
/** Neighbour states whose link-layer address is worth using (STALE ones are still right, just unconfirmed). */
const RESOLVED = NudState.reachable | NudState.stale | NudState.delay | NudState.probe | NudState.permanent | NudState.noarp;

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Chooses from what the kernel holds for the TAP: the lowest usable global IPv6 address (else
 * IPv4), and the MAC of the lowest resolved IPv6 neighbour that is a router (the NTF_ROUTER flag
 * the kernel sets from the R bit of the router's Neighbor Advertisements and from its RAs).
 */
export function underlayStateOf(addresses: readonly AddressMessage[], neighbors: readonly NeighborMessage[]): UnderlayState {
  const usable = (family: number) =>
    addresses
      .filter((a) => a.family === family && a.scope === SCOPE_GLOBAL && (addressFlags(a) & UNUSABLE) === 0)
      .map(interfaceAddress)
      .filter((a): a is string => a !== undefined)
      .sort(compareText);
  const localVtep = usable(AddressFamily.inet6)[0] ?? usable(AddressFamily.inet)[0] ?? null;
  const routers = neighbors
    .filter((n) => n.family === AddressFamily.inet6 && (n.flags & NtfFlag.router) !== 0 && (n.state & RESOLVED) !== 0 && n.lladdr !== undefined && n.dst !== undefined)
    .sort((a, b) => compareText(a.dst!, b.dst!));
  return { localVtep, nextHopMac: routers[0]?.lladdr ?? null };
}

/** Reads the TAP named `tap` over rtnetlink; before the TAP exists, nothing is known. */
export function netlinkUnderlayProbe(client: NetlinkClient, tap: string): () => Promise<UnderlayState> {
  let index: number | undefined;
  return async () => {
    index ??= (await findLink(client, tap))?.index;
    if (index === undefined) return { localVtep: null, nextHopMac: null };
    const [addresses, neighbors] = await Promise.all([listAddresses(client, { index }), listNeighbors(client, { family: AddressFamily.inet6, index })]);
    if (addresses.length === 0 && neighbors.length === 0) {
      // A TAP re-created under the same name gets another index: look it up again next time.
      const again = (await findLink(client, tap))?.index;
      if (again !== index) {
        index = again;
        return { localVtep: null, nextHopMac: null };
      }
    }
    return underlayStateOf(addresses, neighbors);
  };
}

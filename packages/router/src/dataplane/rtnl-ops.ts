/**
 * The rtnetlink calls KernelDataplane makes, behind an interface so its state logic can be
 * tested against an in-memory fake. `netlinkOps` binds them to real NetlinkClients.
 */
import { RtmType, RtnlGroup } from '../netlink/constants.js';
import type { NetlinkClient } from '../netlink/client.js';
import type { LinkMessage } from '../netlink/link.js';
import type { NeighborMessage } from '../netlink/neighbor.js';
import type { RouterError } from '../errors.js';
import {
  addFloodEntry,
  deleteFloodEntry,
  deleteRemoteMac,
  listFdb,
  listLinks,
  replaceRemoteMac,
  type FloodEntry,
  type RemoteMacEntry,
} from '../netlink/rtnl.js';

export interface RtnlChangeListener {
  link(message: LinkMessage, removed: boolean): void;
  neighbor(message: NeighborMessage, removed: boolean): void;
  /** Notifications were lost: everything must be re-read. */
  overrun(): void;
  error(error: RouterError): void;
}

export interface RtnlOps {
  listLinks(): Promise<LinkMessage[]>;
  /** The whole AF_BRIDGE FDB. */
  listFdb(): Promise<NeighborMessage[]>;
  replaceRemoteMac(entry: RemoteMacEntry): Promise<void>;
  deleteRemoteMac(entry: { device: number; mac: string }): Promise<void>;
  addFloodEntry(entry: FloodEntry): Promise<void>;
  deleteFloodEntry(entry: FloodEntry): Promise<void>;
  /** Starts delivering link and FDB changes; returns a function that stops it. */
  watch(listener: RtnlChangeListener): () => void;
}

/**
 * `requests` sends the dumps and changes; `monitor` must have joined RtnlGroup.link and
 * RtnlGroup.neigh (see openNetlinkOps). They are separate so notifications never crowd out a reply.
 */
export function netlinkOps(requests: NetlinkClient, monitor: NetlinkClient): RtnlOps {
  return {
    listLinks: () => listLinks(requests),
    listFdb: () => listFdb(requests),
    replaceRemoteMac: (e) => replaceRemoteMac(requests, e),
    deleteRemoteMac: (e) => deleteRemoteMac(requests, e),
    addFloodEntry: (e) => addFloodEntry(requests, e),
    deleteFloodEntry: (e) => deleteFloodEntry(requests, e),
    watch(listener) {
      return monitor.monitor({
        onMessage(m) {
          const b = m.body;
          if (b.kind === 'link') listener.link(b, m.header.type === RtmType.delLink);
          else if (b.kind === 'neighbor') listener.neighbor(b, m.header.type === RtmType.delNeigh);
        },
        onOverrun: () => listener.overrun(),
        onError: (e) => listener.error(e),
      });
    },
  };
}

/** Groups a monitor client for netlinkOps must join. */
export const DATAPLANE_GROUPS: readonly number[] = [RtnlGroup.link, RtnlGroup.neigh];

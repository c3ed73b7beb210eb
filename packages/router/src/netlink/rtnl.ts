/**
 * What the kernel dataplane asks of rtnetlink: program the vxlan device's FDB (remote MACs and
 * the head-end flood list), and read links, addresses and FDB entries back.
 */
import { AddressFamily, NlmFlag, NtfFlag, NudState, RtmType } from './constants.js';
import { ZERO_MAC, normalizeMac } from './addresses.js';
import type { AddressMessage } from './address.js';
import type { NetlinkClient } from './client.js';
import type { LinkMessage } from './link.js';
import type { NetlinkMessage } from './message.js';
import type { NeighborMessage } from './neighbor.js';

/** A MAC behind a remote VTEP, on a vxlan device. */
export interface RemoteMacEntry {
  /** ifindex of the vxlan device. */
  device: number;
  mac: string;
  /** Remote VTEP address (IPv6 or IPv4). */
  dst: string;
  /** Only for collect-metadata / multi-VNI devices; a plain vxlan device uses its own VNI. */
  vni?: number;
  /** UDP port, when it differs from the device's. */
  port?: number;
  /** Underlay device to send through. */
  underlay?: number;
}

/** One head-end-replication target: BUM traffic is copied to each (all-zero MAC entries). */
export interface FloodEntry {
  device: number;
  dst: string;
  vni?: number;
  port?: number;
}

/** `bridge fdb … self extern_learn` state and flags: static, owned by the control plane. */
const STATIC_STATE = NudState.noarp | NudState.permanent;
const CONTROL_PLANE_FLAGS = NtfFlag.self | NtfFlag.extLearned;

function fdbMessage(device: number, mac: string, e: { dst?: string; vni?: number; port?: number; underlay?: number }): NeighborMessage {
  const m: NeighborMessage = {
    kind: 'neighbor',
    family: AddressFamily.bridge,
    index: device,
    state: STATIC_STATE,
    flags: CONTROL_PLANE_FLAGS,
    ndmType: 0,
    lladdr: normalizeMac(mac),
    unknown: [],
  };
  if (e.dst !== undefined) m.dst = e.dst;
  if (e.vni !== undefined) m.vni = e.vni;
  if (e.port !== undefined) m.port = e.port;
  if (e.underlay !== undefined) m.ifindex = e.underlay;
  return m;
}

/** `bridge fdb replace MAC dev VX dst IP self extern_learn`: creates or moves the MAC. */
export async function replaceRemoteMac(c: NetlinkClient, e: RemoteMacEntry): Promise<void> {
  await c.request(RtmType.newNeigh, fdbMessage(e.device, e.mac, e), NlmFlag.create | NlmFlag.replace);
}

/** Like replaceRemoteMac, but fails with ERR_NETLINK_EEXIST when the MAC is already there. */
export async function addRemoteMac(c: NetlinkClient, e: RemoteMacEntry): Promise<void> {
  await c.request(RtmType.newNeigh, fdbMessage(e.device, e.mac, e), NlmFlag.create | NlmFlag.excl);
}

/** `bridge fdb del MAC dev VX self`: removes the MAC (every remote of it). ERR_NETLINK_ENOENT if absent. */
export async function deleteRemoteMac(c: NetlinkClient, e: { device: number; mac: string; vni?: number }): Promise<void> {
  const m = fdbMessage(e.device, e.mac, e.vni === undefined ? {} : { vni: e.vni });
  await c.request(RtmType.delNeigh, m);
}

/** `bridge fdb append 00:00:00:00:00:00 dev VX dst IP self`: adds one flood target. */
export async function addFloodEntry(c: NetlinkClient, e: FloodEntry): Promise<void> {
  await c.request(RtmType.newNeigh, fdbMessage(e.device, ZERO_MAC, e), NlmFlag.create | NlmFlag.append);
}

/** `bridge fdb del 00:00:00:00:00:00 dev VX dst IP self`: removes one flood target, keeps the rest. */
export async function deleteFloodEntry(c: NetlinkClient, e: FloodEntry): Promise<void> {
  await c.request(RtmType.delNeigh, fdbMessage(e.device, ZERO_MAC, e));
}

function bodies<B>(messages: NetlinkMessage[], kind: string): B[] {
  const out: B[] = [];
  for (const m of messages) if (m.body.kind === kind && (m.header.type & 3) === 0) out.push(m.body as B);
  return out;
}

/**
 * Neighbour entries of one family (AF_INET6 / AF_INET: the ND and ARP caches; AF_BRIDGE: the
 * bridge FDB), optionally of one device.
 */
export async function listNeighbors(c: NetlinkClient, filter: { family: number; index?: number }): Promise<NeighborMessage[]> {
  const request: NeighborMessage = {
    kind: 'neighbor',
    family: filter.family,
    // Only the bridge FDB dump takes a device in the header; an IP neighbour dump with strict
    // checking answers EINVAL to anything but 0 there (it wants NDA_IFINDEX), so filter here.
    index: filter.family === AddressFamily.bridge ? (filter.index ?? 0) : 0,
    state: 0,
    flags: 0,
    ndmType: 0,
    unknown: [],
  };
  const all = bodies<NeighborMessage>(await c.dump(RtmType.getNeigh, request), 'neighbor');
  // Older kernels ignore the header's filter without strict checking; filter here as well.
  return filter.index === undefined ? all : all.filter((n) => n.index === filter.index);
}

/**
 * The bridge FDB (AF_BRIDGE neighbours): with `device`, the entries of that port or vxlan device
 * (the device's own `self` entries and its bridge's entries for it).
 */
export function listFdb(c: NetlinkClient, filter: { device?: number } = {}): Promise<NeighborMessage[]> {
  return listNeighbors(c, { family: AddressFamily.bridge, ...(filter.device !== undefined ? { index: filter.device } : {}) });
}

export async function listLinks(c: NetlinkClient): Promise<LinkMessage[]> {
  const request: LinkMessage = { kind: 'link', family: AddressFamily.unspec, deviceType: 0, index: 0, flags: 0, change: 0, unknown: [] };
  return bodies<LinkMessage>(await c.dump(RtmType.getLink, request), 'link');
}

export async function findLink(c: NetlinkClient, name: string): Promise<LinkMessage | undefined> {
  return (await listLinks(c)).find((l) => l.name === name);
}

export async function listAddresses(c: NetlinkClient, filter: { family?: number; index?: number } = {}): Promise<AddressMessage[]> {
  const request: AddressMessage = {
    kind: 'address',
    family: filter.family ?? AddressFamily.unspec,
    prefixLength: 0,
    flags: 0,
    scope: 0,
    index: filter.index ?? 0,
    unknown: [],
  };
  const all = bodies<AddressMessage>(await c.dump(RtmType.getAddr, request), 'address');
  return filter.index === undefined ? all : all.filter((a) => a.index === filter.index);
}

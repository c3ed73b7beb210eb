/**
 * Numbers of the Linux rtnetlink ABI (include/uapi/linux/{netlink,rtnetlink,if_link,if_addr,
 * neighbour}.h). The ABI is stable: numbers are only ever added.
 */

export const NETLINK_ROUTE = 0;

/** nlmsghdr.nlmsg_type values below NLMSG_MIN_TYPE are control messages. */
export const NlmsgType = {
  noop: 1,
  error: 2,
  done: 3,
  overrun: 4,
  minType: 0x10,
} as const;

export const NlmFlag = {
  request: 0x1,
  multi: 0x2,
  ack: 0x4,
  echo: 0x8,
  dumpInterrupted: 0x10,
  dumpFiltered: 0x20,
  // GET requests
  root: 0x100,
  match: 0x200,
  atomic: 0x400,
  dump: 0x300,
  // NEW requests
  replace: 0x100,
  excl: 0x200,
  create: 0x400,
  append: 0x800,
  // ACKs
  capped: 0x100,
  ackTlvs: 0x200,
} as const;

export const RtmType = {
  newLink: 16,
  delLink: 17,
  getLink: 18,
  setLink: 19,
  newAddr: 20,
  delAddr: 21,
  getAddr: 22,
  newNeigh: 28,
  delNeigh: 29,
  getNeigh: 30,
} as const;

/** Multicast groups (RTNLGRP_*), joined with NETLINK_ADD_MEMBERSHIP. */
export const RtnlGroup = {
  link: 1,
  neigh: 3,
  ipv4IfAddr: 5,
  ipv6IfAddr: 9,
} as const;

export const AddressFamily = {
  unspec: 0,
  inet: 2,
  bridge: 7,
  inet6: 10,
} as const;

/** rtattr header flags carried in the top bits of rta_type. */
export const NLA_F_NESTED = 0x8000;
export const NLA_F_NET_BYTEORDER = 0x4000;
export const NLA_TYPE_MASK = 0x3fff;

export const IflaAttr = {
  address: 1,
  broadcast: 2,
  ifname: 3,
  mtu: 4,
  link: 5,
  master: 10,
  operstate: 16,
  linkinfo: 18,
} as const;

export const IflaInfo = {
  kind: 1,
  data: 2,
  xstats: 3,
  slaveKind: 4,
  slaveData: 5,
} as const;

export const IflaVxlan = {
  id: 1,
  group: 2,
  link: 3,
  local: 4,
  learning: 7,
  port: 15,
  group6: 16,
  local6: 17,
} as const;

/** IF_OPER_* (RFC 2863 operational states), IFLA_OPERSTATE. */
export const OperState = {
  unknown: 0,
  notPresent: 1,
  down: 2,
  lowerLayerDown: 3,
  testing: 4,
  dormant: 5,
  up: 6,
} as const;

/** IFF_* in ifinfomsg.ifi_flags (only the ones the dataplane looks at). */
export const IfFlag = {
  up: 0x1,
  broadcast: 0x2,
  loopback: 0x8,
  running: 0x40,
  noarp: 0x80,
  promisc: 0x100,
  multicast: 0x1000,
  lowerUp: 0x10000,
} as const;

export const IfaAttr = {
  address: 1,
  local: 2,
  label: 3,
  broadcast: 4,
  anycast: 5,
  cacheinfo: 6,
  multicast: 7,
  flags: 8,
} as const;

export const IfaFlag = {
  secondary: 0x01,
  nodad: 0x02,
  optimistic: 0x04,
  dadFailed: 0x08,
  homeAddress: 0x10,
  deprecated: 0x20,
  tentative: 0x40,
  permanent: 0x80,
  managetempaddr: 0x100,
  noprefixroute: 0x200,
  mcAutojoin: 0x400,
  stablePrivacy: 0x800,
} as const;

export const NdaAttr = {
  dst: 1,
  lladdr: 2,
  cacheinfo: 3,
  probes: 4,
  vlan: 5,
  port: 6,
  vni: 7,
  ifindex: 8,
  master: 9,
  linkNetnsid: 10,
  srcVni: 11,
  protocol: 12,
  nhId: 13,
  fdbExtAttrs: 14,
  flagsExt: 15,
} as const;

/** NUD_* in ndmsg.ndm_state. */
export const NudState = {
  incomplete: 0x01,
  reachable: 0x02,
  stale: 0x04,
  delay: 0x08,
  probe: 0x10,
  failed: 0x20,
  noarp: 0x40,
  permanent: 0x80,
} as const;

/** NTF_* in ndmsg.ndm_flags. */
export const NtfFlag = {
  use: 0x01,
  self: 0x02,
  master: 0x04,
  proxy: 0x08,
  extLearned: 0x10,
  offloaded: 0x20,
  sticky: 0x40,
  router: 0x80,
} as const;

export const NLMSG_HDRLEN = 16;
export const IFINFOMSG_LEN = 16;
export const IFADDRMSG_LEN = 8;
export const NDMSG_LEN = 12;
export const RTA_HDRLEN = 4;

/** Standard VXLAN UDP port (IANA), the kernel's default when IFLA_VXLAN_PORT is absent is 8472. */
export const VXLAN_IANA_PORT = 4789;

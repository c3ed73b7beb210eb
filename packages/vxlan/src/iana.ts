/** IEEE EtherTypes this package reads or writes. */
export const EtherType = {
  ipv4: 0x0800,
  arp: 0x0806,
  vlan: 0x8100, // 802.1Q customer tag
  qinq: 0x88a8, // 802.1ad service tag
  ipv6: 0x86dd,
} as const;

/** IANA "Assigned Internet Protocol Numbers" used as IPv6 next header / IPv4 protocol. */
export const IpProtocol = {
  hopByHop: 0,
  icmp: 1,
  ipv4: 4,
  tcp: 6,
  udp: 17,
  ipv6: 41,
  routing: 43,
  fragment: 44,
  gre: 47,
  esp: 50,
  ah: 51,
  icmpv6: 58,
  noNextHeader: 59,
  destinationOptions: 60,
  sctp: 132,
  udpLite: 136,
} as const;

/** IANA-assigned VXLAN UDP port (RFC 7348 §5). */
export const VXLAN_PORT = 4789;

/** RFC 7348 §5: the source port range a VTEP should pick from (the IANA dynamic range). */
export const SOURCE_PORT_MIN = 49152;
export const SOURCE_PORT_MAX = 65535;

export const ETHERNET_HEADER_LENGTH = 14;
export const VLAN_TAG_LENGTH = 4;
export const IPV6_HEADER_LENGTH = 40;
export const IPV4_HEADER_LENGTH = 20;
export const UDP_HEADER_LENGTH = 8;
export const VXLAN_HEADER_LENGTH = 8;
export const FRAGMENT_HEADER_LENGTH = 8;
/** RFC 8200 §5: every IPv6 link carries at least this many bytes. */
export const IPV6_MIN_MTU = 1280;

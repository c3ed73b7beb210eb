/* Ethernet and IPv6 header-chain walks (mirrors packages/vxlan/src/ethernet.ts and ipv6.ts). */
#include "fwd.h"

/*
 * Ethernet II with stacked 802.1Q / 802.1ad tags:
 * +--------------------+--------------------+------------------+-----------+---------+
 * | destination MAC(6) | source MAC (6)     | [TPID(2) TCI(2)]*| EtherType | payload |
 * +--------------------+--------------------+------------------+-----------+---------+
 */
int fwd_eth_payload_offset(const uint8_t *buf, uint32_t len) {
  uint32_t p = 12;
  for (int tags = 0;; tags++) {
    if (p + 2 > len) return -1;
    uint32_t t = ((uint32_t)buf[p] << 8) | buf[p + 1];
    if (t != 0x8100 && t != 0x88a8) return (int)(p + 2);
    if (tags == FWD_MAX_VLAN_TAGS) return -2;
    p += 4;
  }
}

/* Protocols we know but that do not carry VXLAN: "not-udp" rather than "unknown-next-header". */
static bool known_upper_layer(uint8_t p) {
  return p == 6 || p == 58 || p == 132 || p == 136 || p == 47 || p == 4 || p == 41 || p == 59;
}

/*
 * IPv6 extension headers (RFC 8200 §4). Hop-by-hop (0), routing (43) and destination options (60):
 * +-------------+-------------+---------------------------------------------+
 * | Next Header | Hdr Ext Len | type-specific ((Hdr Ext Len + 1) * 8 bytes)  |
 * +-------------+-------------+---------------------------------------------+
 * Fragment (44) is always 8 bytes: next header, reserved, offset|res|M, identification.
 */
static int walk_from(const uint8_t *buf, uint8_t next, uint32_t field, uint32_t p, uint32_t end, bool first,
                     bool stop_at_fragment, fwd_chain *out) {
  for (;;) {
    switch (next) {
      case 17:
        out->upper_off = p;
        out->upper_proto = 17;
        out->next_field_off = field;
        return -1;
      case 44:
        out->frag_off = (int)p;
        out->next_field_off = field;
        if (!stop_at_fragment) return FWD_R_FRAGMENT_NESTED;
        if (p + 8 > end) return FWD_R_TRUNCATED;
        return -1;
      case 0:
      case 43:
      case 60: {
        if (next == 0 && !first) return FWD_R_HOP_BY_HOP_NOT_FIRST;
        if (p + 8 > end) return FWD_R_TRUNCATED;
        uint32_t len = ((uint32_t)buf[p + 1] + 1) * 8;
        if (p + len > end) return FWD_R_TRUNCATED;
        /* We are the final destination: a routing header still naming hops says we are not. */
        if (next == 43 && buf[p + 3] != 0) return FWD_R_ROUTING_SEGMENTS_LEFT;
        if (next != 60) {
          out->unfrag_end = p + len;
          out->unfrag_next_field_off = p;
        }
        field = p;
        next = buf[p];
        p += len;
        break;
      }
      default:
        out->upper_off = p;
        out->next_field_off = field;
        return known_upper_layer(next) ? FWD_R_NOT_UDP : FWD_R_UNKNOWN_NEXT_HEADER;
    }
    first = false;
  }
}

int fwd_walk_ipv6(const uint8_t *buf, uint32_t ip, uint32_t end, bool stop_at_fragment, fwd_chain *out) {
  out->frag_off = -1;
  out->upper_proto = -1;
  out->unfrag_end = ip + FWD_IPV6_HLEN;
  out->unfrag_next_field_off = ip + 6;
  return walk_from(buf, buf[ip + 6], ip + 6, ip + FWD_IPV6_HLEN, end, true, stop_at_fragment, out);
}

int fwd_walk_after_fragment(const uint8_t *buf, uint32_t frag, uint32_t end, fwd_chain *out) {
  return walk_from(buf, buf[frag], frag, frag + 8, end, false, false, out);
}

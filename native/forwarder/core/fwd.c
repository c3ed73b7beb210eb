/*
 * The packet path: underlay RX (classify, allow-list, reassembly, decap) and LAN RX (learn, FDB,
 * head-end replication, encap, fragmentation). Mirrors VxlanDecapsulator / VxlanEncapsulator of
 * packages/vxlan (same checks in the same order, same reason names).
 */
#include <string.h>

#include "fwd_tables.h"

static inline uint32_t be16(const uint8_t *p) { return ((uint32_t)p[0] << 8) | p[1]; }

static fwd_rx_result rx_drop(fwd *f, int reason) {
  fwd_rx_result r;
  memset(&r, 0, sizeof r);
  r.action = FWD_RX_DROP;
  r.reason = reason;
  f->stats.reasons[reason]++;
  return r;
}

/* Not for the fast path: the frame goes to the TAP so the kernel sees it (BGP, ND, ICMP, ...). */
static fwd_rx_result rx_exception(fwd *f, int reason, const uint8_t *frame, uint32_t len, bool reassembled) {
  fwd_rx_result r;
  memset(&r, 0, sizeof r);
  r.action = FWD_RX_EXCEPTION;
  r.reason = reason;
  r.data = frame;
  r.len = len;
  r.reassembled = reassembled;
  f->stats.reasons[reason]++;
  f->stats.exceptions++;
  return r;
}

/* Reasons that mean "not VXLAN for us" rather than "broken": those packets belong to the kernel. */
static bool is_exception_reason(int reason) {
  return reason == FWD_R_NOT_UDP || reason == FWD_R_UNKNOWN_NEXT_HEADER;
}

static bool vtep_allowed(const fwd *f, int vni_index, const uint8_t *addr, int alen) {
  int t = fwd_vtep_find(f, addr, alen);
  return t >= 0 && (f->vnis[vni_index].allowed[t >> 6] >> (t & 63) & 1);
}

/*
 * UDP (RFC 768) then VXLAN (RFC 7348 §5):
 * +-----------------+-----------------+-----------------+-----------------+
 * | source port     | dest port 4789  | length          | checksum        |
 * +-----------------+-----------------+-----------------+-----------------+
 * | flags (I=0x08)  | reserved (24)                     |
 * +-----------------+-----------------+-----------------+-----------------+
 * | VNI (24)                                            | reserved        |
 * +-----------------------------------------------------+-----------------+
 */
static fwd_rx_result rx_udp(fwd *f, const uint8_t *buf, uint32_t buflen, uint32_t ip, bool ipv6, uint32_t udp, uint32_t end,
                            bool reassembled) {
  if (udp + FWD_UDP_HLEN > end) return rx_drop(f, FWD_R_TRUNCATED);
  const uint32_t udp_len = be16(buf + udp + 4);
  /* The IP length is authoritative; a UDP length that disagrees is broken or forged. */
  if (udp_len != end - udp) return rx_drop(f, FWD_R_BAD_UDP_LENGTH);
  if (be16(buf + udp + 2) != FWD_VXLAN_PORT) return rx_exception(f, FWD_R_NOT_VXLAN_PORT, buf, buflen, reassembled);
  const uint32_t checksum = be16(buf + udp + 6);
  if (checksum == 0) {
    if (ipv6) return rx_drop(f, FWD_R_UDP_ZERO_CHECKSUM);
  } else {
    uint64_t sum = ipv6 ? fwd_sum16(buf + ip + 8, 32, 0) : fwd_sum16(buf + ip + 12, 8, 0);
    sum = fwd_sum16(buf + udp, udp_len, sum + udp_len + 17);
    if (fwd_fold(sum) != 0xffff) return rx_drop(f, FWD_R_BAD_UDP_CHECKSUM);
  }
  const uint32_t vx = udp + FWD_UDP_HLEN;
  if (vx + FWD_VXLAN_HLEN > end) return rx_drop(f, FWD_R_TRUNCATED);
  if ((buf[vx] & 0x08) == 0) return rx_drop(f, FWD_R_VXLAN_FLAG_NOT_SET);
  const uint32_t inner = vx + FWD_VXLAN_HLEN;
  if (end - inner < FWD_ETH_HLEN) return rx_drop(f, FWD_R_INNER_FRAME_TOO_SHORT);
  const uint32_t vni = ((uint32_t)buf[vx + 4] << 16) | ((uint32_t)buf[vx + 5] << 8) | buf[vx + 6];
  const int v = fwd_vni_find(f, vni);
  if (v < 0) return rx_drop(f, FWD_R_UNKNOWN_VNI);
  const uint8_t *source = buf + ip + (ipv6 ? 8 : 12);
  const int alen = ipv6 ? 16 : 4;
  /* Only VTEPs the control plane learned through type-3 routes for this VNI may inject frames. */
  if (!vtep_allowed(f, v, source, alen)) return rx_drop(f, FWD_R_VTEP_NOT_ALLOWED);
  fwd_rx_result r;
  memset(&r, 0, sizeof r);
  r.action = FWD_RX_DELIVER;
  r.reason = -1;
  r.vni = vni;
  r.port = f->vnis[v].port;
  r.source_port = (uint16_t)be16(buf + udp);
  r.source = source;
  r.source_len = alen;
  r.data = buf + inner;
  r.len = end - inner;
  r.reassembled = reassembled;
  f->stats.delivered++;
  return r;
}

static fwd_rx_result rx_ipv6(fwd *f, const uint8_t *buf, uint32_t len, uint32_t ip, uint64_t now, bool reassembled) {
  if (ip + FWD_IPV6_HLEN > len) return rx_drop(f, FWD_R_TRUNCATED);
  if (buf[ip] >> 4 != 6) return rx_drop(f, FWD_R_BAD_IP_VERSION);
  const uint32_t payload = be16(buf + ip + 4);
  /* Zero announces a jumbogram (RFC 2675), which no 1500-byte underlay carries. */
  if (payload == 0) return rx_drop(f, FWD_R_BAD_IP_LENGTH);
  const uint32_t end = ip + FWD_IPV6_HLEN + payload;
  if (end > len) return rx_drop(f, FWD_R_TRUNCATED);
  if (!f->have6 || memcmp(buf + ip + 24, f->local6, 16) != 0) return rx_exception(f, FWD_R_NOT_LOCAL_ADDRESS, buf, len, reassembled);
  fwd_chain chain;
  int bad = fwd_walk_ipv6(buf, ip, end, !reassembled, &chain);
  if (bad >= 0) return is_exception_reason(bad) ? rx_exception(f, bad, buf, len, reassembled) : rx_drop(f, bad);
  if (chain.frag_off >= 0) {
    const uint32_t fo = (uint32_t)chain.frag_off;
    const bool atomic = buf[fo + 2] == 0 && (buf[fo + 3] & 0xf9) == 0;
    if (atomic) {
      /* RFC 6946: no reassembly state for an atomic fragment; step over its header. */
      bad = fwd_walk_after_fragment(buf, fo, end, &chain);
      if (bad >= 0) return is_exception_reason(bad) ? rx_exception(f, bad, buf, len, reassembled) : rx_drop(f, bad);
    } else {
      /* Cheap guard before spending table space: the source must be allowed for some VNI. */
      int t = fwd_vtep_find(f, buf + ip + 8, 16);
      if (t < 0 || f->vteps[t].allowed_in == 0) return rx_drop(f, FWD_R_VTEP_NOT_ALLOWED);
      const uint8_t *out;
      uint32_t out_len;
      int rc = fwd_reasm_add(f->reasm, buf, ip, end, fo, chain.next_field_off, now, f->stats.reasons, &out, &out_len);
      if (rc == FWD_REASM_PENDING) {
        fwd_rx_result r;
        memset(&r, 0, sizeof r);
        r.action = FWD_RX_PENDING;
        r.reason = -1;
        f->stats.pending++;
        return r;
      }
      if (rc >= 0) {
        fwd_rx_result r;
        memset(&r, 0, sizeof r);
        r.action = FWD_RX_DROP; /* counted by the reassembly table */
        r.reason = rc;
        return r;
      }
      f->stats.reassembled++;
      /* The link header in front is the first fragment's, whose tags may differ from this one's. */
      const int link = fwd_eth_payload_offset(out, out_len);
      if (link < 0) return rx_drop(f, FWD_R_TRUNCATED); /* cannot happen: it parsed on arrival */
      return rx_ipv6(f, out, out_len, (uint32_t)link, now, true);
    }
  }
  return rx_udp(f, buf, len, ip, true, chain.upper_off, end, reassembled);
}

/*
 * IPv4 (RFC 791), for IPv4 VTEPs:
 * +-------+-------+---------------+-------------------------------+
 * |Ver=4  |  IHL  |     TOS       |         Total Length          |
 * |         Identification        |Flags|    Fragment Offset      |
 * |  TTL          |  Protocol=17  |       Header Checksum         |
 * |                 Source / Destination Address                  |
 * +---------------------------------------------------------------+
 */
static fwd_rx_result rx_ipv4(fwd *f, const uint8_t *buf, uint32_t len, uint32_t ip) {
  if (ip + FWD_IPV4_HLEN > len) return rx_drop(f, FWD_R_TRUNCATED);
  if (buf[ip] >> 4 != 4) return rx_drop(f, FWD_R_BAD_IP_VERSION);
  const uint32_t ihl = (uint32_t)(buf[ip] & 0xf) * 4;
  if (ihl < FWD_IPV4_HLEN) return rx_drop(f, FWD_R_BAD_IP_LENGTH);
  if (ip + ihl > len) return rx_drop(f, FWD_R_TRUNCATED);
  if (fwd_fold(fwd_sum16(buf + ip, ihl, 0)) != 0xffff) return rx_drop(f, FWD_R_BAD_IPV4_CHECKSUM);
  const uint32_t total = be16(buf + ip + 2);
  if (total < ihl) return rx_drop(f, FWD_R_BAD_IP_LENGTH);
  const uint32_t end = ip + total;
  if (end > len) return rx_drop(f, FWD_R_TRUNCATED);
  /* We set DF and never reassemble IPv4: a fragment is the kernel's business. */
  if (((buf[ip + 6] & 0x3f) << 8 | buf[ip + 7]) != 0) return rx_exception(f, FWD_R_IPV4_FRAGMENT, buf, len, false);
  if (!f->have4 || memcmp(buf + ip + 16, f->local4, 4) != 0) return rx_exception(f, FWD_R_NOT_LOCAL_ADDRESS, buf, len, false);
  if (buf[ip + 9] != 17) return rx_exception(f, FWD_R_NOT_UDP, buf, len, false);
  return rx_udp(f, buf, len, ip, false, ip + ihl, end, false);
}

fwd_rx_result fwd_underlay_rx(fwd *f, const uint8_t *frame, uint32_t len, uint64_t now) {
  f->stats.underlay_rx++;
  if (len < FWD_ETH_HLEN) return rx_drop(f, FWD_R_TRUNCATED);
  const int p = fwd_eth_payload_offset(frame, len);
  if (p == -1) return rx_drop(f, FWD_R_TRUNCATED);
  if (p == -2) return rx_drop(f, FWD_R_TOO_MANY_VLAN_TAGS);
  const uint32_t ether_type = be16(frame + p - 2);
  if (ether_type == 0x86dd) return rx_ipv6(f, frame, len, (uint32_t)p, now, false);
  if (ether_type == 0x0800) return rx_ipv4(f, frame, len, (uint32_t)p);
  return rx_exception(f, FWD_R_NOT_IP, frame, len, false);
}

uint32_t fwd_expire(fwd *f, uint64_t now) {
  fwd_reasm_expire(f->reasm, now, f->stats.reasons);
  return fwd_reasm_in_flight(f->reasm);
}

uint32_t fwd_reassembly_held(const fwd *f) { return fwd_reasm_in_flight(f->reasm); }

/* ---- LAN side ---- */

static fwd_lan_result lan_drop(fwd *f, int reason) {
  fwd_lan_result r = {FWD_LAN_DROP, reason, 0, 0};
  f->stats.reasons[reason]++;
  return r;
}

static void learn(fwd *f, uint32_t vni, uint64_t mac, uint16_t port, uint64_t now) {
  int64_t at = fwd_fdb_find(f, vni, mac);
  if (at >= 0) {
    fwd_fdb_ent *e = &f->fdb[at];
    if (e->state == FDB_LOCAL && e->port == port) {
      e->last_seen = now;
      return;
    }
    /* MAC mobility: a MAC seen here wins over the control plane's or another port's entry. */
    if (e->state == FDB_REMOTE) fwd_vtep_unref(f, e->vtep);
    e->state = FDB_LOCAL;
    e->port = port;
    e->last_seen = now;
    fwd_learn_push(f, vni, mac, port, FWD_LEARN_MOVED);
    return;
  }
  if (f->fdb_count >= f->fdb_limit) return; /* full: forward anyway, by flooding */
  fwd_fdb_ent *e = &f->fdb[~at];
  e->mac = mac;
  e->vni = vni;
  e->state = FDB_LOCAL;
  e->port = port;
  e->vtep = 0;
  e->last_seen = now;
  f->fdb_count++;
  fwd_learn_push(f, vni, mac, port, FWD_LEARN_NEW);
}

fwd_lan_result fwd_lan_rx(fwd *f, uint16_t port, const uint8_t *frame, uint32_t len, uint64_t now, fwd_tx_seg *segs,
                          uint32_t max_segs) {
  f->stats.lan_rx++;
  if (port >= f->cfg.max_ports || f->port_vni[port] < 0) return lan_drop(f, FWD_R_LAN_PORT_UNBOUND);
  if (len < FWD_ETH_HLEN) return lan_drop(f, FWD_R_LAN_FRAME_TOO_SHORT);
  const fwd_vni *v = &f->vnis[f->port_vni[port]];
  const uint32_t vni = v->vni;
  const uint64_t src = fwd_mac48(frame + 6);
  if ((frame[6] & 1) == 0) learn(f, vni, src, port, now);

  uint32_t dests[FWD_MAX_FLOOD];
  uint32_t ndest = 0;
  if ((frame[0] & 1) == 0) {
    int64_t at = fwd_fdb_find(f, vni, fwd_mac48(frame));
    if (at >= 0) {
      if (f->fdb[at].state == FDB_LOCAL) return lan_drop(f, FWD_R_LAN_SAME_PORT);
      dests[ndest++] = f->fdb[at].vtep;
    }
  }
  const bool flood = ndest == 0;
  if (flood) {
    if (v->nflood == 0) return lan_drop(f, FWD_R_NO_FLOOD_VTEP);
    for (uint32_t k = 0; k < v->nflood; k++) dests[ndest++] = v->flood[k];
  }
  /* Shared by every destination: the inner frame is summed and hashed once. */
  const uint64_t inner_sum = fwd_sum16(frame, len, 0);
  const uint16_t sport = fwd_source_port(frame, len);
  fwd_lan_result r = {FWD_LAN_ENCAP, -1, vni, 0};
  int last_error = FWD_R_NO_LOCAL_VTEP;
  for (uint32_t k = 0; k < ndest; k++) {
    const fwd_vtep *t = &f->vteps[dests[k]];
    if (!t->tmpl_ok) {
      f->stats.reasons[FWD_R_NO_LOCAL_VTEP]++;
      continue;
    }
    int n = fwd_encap_plan(&t->tmpl, len, inner_sum, vni, sport, fwd_idgen_next(&f->ids), ++f->ipv4_id, segs + r.nsegs,
                           max_segs - r.nsegs);
    if (n < 0) {
      f->stats.reasons[-n]++;
      last_error = -n;
      continue;
    }
    if (n > 1) f->stats.fragments_out += (uint64_t)n;
    r.nsegs += (uint32_t)n;
  }
  if (r.nsegs == 0) {
    r.action = FWD_LAN_DROP;
    r.reason = last_error; /* counted per destination above */
    return r;
  }
  f->stats.encapsulated++;
  if (flood) f->stats.flooded++;
  return r;
}

/*
 * Template-based VXLAN encapsulation and RFC 8200 fragmentation (mirrors VxlanEncapsulator in
 * packages/vxlan/src/encap.ts byte for byte).
 *
 * Outer packet over IPv6 (RFC 7348 §5, RFC 8200 §3), checksum mandatory over IPv6 (RFC 8200 §8.1):
 * +----------+---------------------------------+------------------------+-------------------+-------+
 * | link hdr | IPv6: ver|tc|flow label, length,| UDP: src port (hash),  | VXLAN: I flag,    | inner |
 * | (0/14/18)| next=17 (44 if fragmented), hop,| dst 4789, length,      | VNI (24 bits)     | frame |
 * |          | source VTEP, remote VTEP        | checksum               |                   |       |
 * +----------+---------------------------------+------------------------+-------------------+-------+
 * A fragment inserts the 8-byte fragment header after IPv6; only the first fragment carries UDP and
 * VXLAN (RFC 7112), later ones carry the continuation of the UDP payload at 8-byte-aligned offsets.
 */
#include <string.h>

#include "fwd.h"

static void put16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

int fwd_tmpl_build(fwd_tmpl *t, const fwd_tmpl_params *p) {
  uint32_t min_mtu = p->ipv6 ? 1280 : 576;
  if (p->mtu < min_mtu || p->mtu > 0xffff || p->local == NULL || p->remote == NULL || p->vlan > 0xfff) return -1;
  memset(t, 0, sizeof *t);
  t->ipv6 = p->ipv6;
  t->mtu = (uint16_t)p->mtu;
  uint8_t *h = t->hdr;
  uint32_t at = 0;
  if (p->link) {
    memcpy(h, p->dst_mac, 6);
    memcpy(h + 6, p->src_mac, 6);
    at = 12;
    if (p->vlan != 0) {
      put16(h + at, 0x8100);
      put16(h + at + 2, p->vlan);
      at += 4;
    }
    put16(h + at, p->ipv6 ? 0x86dd : 0x0800);
    at += 2;
  }
  t->link_len = (uint8_t)at;
  uint8_t hop = p->hop_limit != 0 ? p->hop_limit : 64;
  uint8_t *ip = h + at;
  uint32_t alen = p->ipv6 ? 16 : 4;
  if (p->ipv6) {
    ip[0] = (uint8_t)(0x60 | (p->traffic_class >> 4));
    ip[1] = (uint8_t)(p->traffic_class << 4);
    ip[6] = 17;
    ip[7] = hop;
    memcpy(ip + 8, p->local, 16);
    memcpy(ip + 24, p->remote, 16);
    at += FWD_IPV6_HLEN;
  } else {
    ip[0] = 0x45;
    ip[1] = p->traffic_class;
    ip[6] = 0x40; /* DF: we never fragment IPv4 */
    ip[8] = hop;
    ip[9] = 17;
    memcpy(ip + 12, p->local, 4);
    memcpy(ip + 16, p->remote, 4);
    t->ip4_sum = fwd_sum16(ip, FWD_IPV4_HLEN, 0);
    at += FWD_IPV4_HLEN;
  }
  t->pseudo_sum = fwd_sum16(p->local, alen, fwd_sum16(p->remote, alen, 0)) + 17;
  uint8_t *udp = h + at;
  put16(udp + 2, p->port != 0 ? p->port : FWD_VXLAN_PORT);
  udp[8] = 0x08; /* VXLAN I flag */
  return 0;
}

/* Hot: one call per encapsulated frame and destination; only the header bytes are touched. */
int fwd_encap_plan(const fwd_tmpl *t, uint32_t inner_len, uint64_t inner_sum, uint32_t vni, uint16_t source_port,
                   uint32_t frag_id, uint16_t ipv4_id, fwd_tx_seg *segs, uint32_t max_segs) {
  const uint32_t link = t->link_len;
  const uint32_t iph = t->ipv6 ? FWD_IPV6_HLEN : FWD_IPV4_HLEN;
  const uint32_t udp_len = FWD_UDP_HLEN + FWD_VXLAN_HLEN + inner_len;
  const uint32_t packet = iph + udp_len;
  if (udp_len > 0xffff || vni > 0xffffff) return -FWD_R_TOO_BIG;
  if (max_segs == 0) return -FWD_R_TX_OVERFLOW;
  const uint16_t dport = (uint16_t)((t->hdr[link + iph + 2] << 8) | t->hdr[link + iph + 3]);
  uint64_t sum = t->pseudo_sum + udp_len + source_port + dport + udp_len + 0x0800 + (vni >> 8) + ((vni & 0xff) << 8) + inner_sum;
  uint32_t c = (~(uint32_t)fwd_fold(sum)) & 0xffff;
  if (c == 0) c = 0xffff;
  const uint32_t flow = t->ipv6 ? fwd_flow_label(source_port) : 0;

  if (packet <= t->mtu) {
    fwd_tx_seg *s = &segs[0];
    const uint32_t n = link + iph + 16;
    memcpy(s->hdr, t->hdr, n);
    uint8_t *ip = s->hdr + link;
    if (t->ipv6) {
      ip[1] = (uint8_t)((ip[1] & 0xf0) | (flow >> 16));
      put16(ip + 2, flow & 0xffff);
      put16(ip + 4, udp_len);
    } else {
      put16(ip + 2, packet);
      put16(ip + 4, ipv4_id);
      put16(ip + 10, (~(uint32_t)fwd_fold(t->ip4_sum + packet + ipv4_id)) & 0xffff);
    }
    uint8_t *udp = ip + iph;
    put16(udp, source_port);
    put16(udp + 4, udp_len);
    put16(udp + 6, c);
    udp[12] = (uint8_t)(vni >> 16);
    udp[13] = (uint8_t)(vni >> 8);
    udp[14] = (uint8_t)vni;
    s->hdr_len = (uint16_t)n;
    s->inner_off = 0;
    s->inner_len = (uint16_t)inner_len;
    return 1;
  }
  if (!t->ipv6) return -FWD_R_TOO_BIG;
  /* RFC 8200 §4.5: every fragment but the last carries a multiple of 8 bytes of the UDP datagram. */
  const uint32_t chunk = ((uint32_t)t->mtu - FWD_IPV6_HLEN - FWD_FRAG_HLEN) & ~7u;
  const uint32_t count = (udp_len + chunk - 1) / chunk;
  if (count > max_segs) return -FWD_R_TX_OVERFLOW;
  for (uint32_t i = 0, from = 0; i < count; i++, from += chunk) {
    fwd_tx_seg *s = &segs[i];
    const uint32_t size = udp_len - from < chunk ? udp_len - from : chunk;
    memcpy(s->hdr, t->hdr, link + FWD_IPV6_HLEN);
    uint8_t *ip = s->hdr + link;
    ip[1] = (uint8_t)((ip[1] & 0xf0) | (flow >> 16));
    put16(ip + 2, flow & 0xffff);
    put16(ip + 4, FWD_FRAG_HLEN + size);
    ip[6] = 44;
    uint8_t *fh = ip + FWD_IPV6_HLEN;
    fh[0] = 17;
    fh[1] = 0;
    put16(fh + 2, from | (i + 1 < count ? 1u : 0u));
    fh[4] = (uint8_t)(frag_id >> 24);
    fh[5] = (uint8_t)(frag_id >> 16);
    fh[6] = (uint8_t)(frag_id >> 8);
    fh[7] = (uint8_t)frag_id;
    uint32_t n = link + FWD_IPV6_HLEN + FWD_FRAG_HLEN;
    if (i == 0) {
      /* A chunk (>= 1232 bytes at the minimum MTU) always holds the 16 UDP + VXLAN bytes. */
      uint8_t *udp = s->hdr + n;
      memcpy(udp, t->hdr + link + FWD_IPV6_HLEN, 16);
      put16(udp, source_port);
      put16(udp + 4, udp_len);
      put16(udp + 6, c);
      udp[12] = (uint8_t)(vni >> 16);
      udp[13] = (uint8_t)(vni >> 8);
      udp[14] = (uint8_t)vni;
      n += 16;
      s->inner_off = 0;
      s->inner_len = (uint16_t)(size - 16);
    } else {
      s->inner_off = (uint16_t)(from - 16);
      s->inner_len = (uint16_t)size;
    }
    s->hdr_len = (uint16_t)n;
  }
  return (int)count;
}

int fwd_seg_prepend(const fwd_tx_seg *seg, fwd_buf *b) {
  if (seg->inner_off != 0 || seg->inner_len != b->len || b->headroom < seg->hdr_len) return -1;
  b->data -= seg->hdr_len;
  b->headroom -= seg->hdr_len;
  b->len += seg->hdr_len;
  memcpy(b->data, seg->hdr, seg->hdr_len);
  return 0;
}

int64_t fwd_encap_write(const fwd_tx_seg *segs, uint32_t nsegs, const uint8_t *inner, uint8_t *out, size_t cap,
                        uint32_t *lengths) {
  size_t o = 0;
  for (uint32_t i = 0; i < nsegs; i++) {
    const fwd_tx_seg *s = &segs[i];
    size_t n = (size_t)s->hdr_len + s->inner_len;
    if (o + n > cap) return -1;
    memcpy(out + o, s->hdr, s->hdr_len);
    memcpy(out + o + s->hdr_len, inner + s->inner_off, s->inner_len);
    if (lengths != NULL) lengths[i] = (uint32_t)n;
    o += n;
  }
  return (int64_t)o;
}

/*
 * The forwarder as a whole: FDB learn / move / age, remote entries, flood lists and head-end
 * replication, the VTEP allow-list, classification into decap / reassembly / exception, and two
 * cores talking to each other through fragmented frames.
 */
#include <stdlib.h>

#include "fwd.h"
#include "fwd_check.h"

static const uint8_t A6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0xe6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t B6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0xe6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
static const uint8_t C6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0xe6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3};
static const uint8_t D6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0xe6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4};
static const uint8_t MAC_A[6] = {0x02, 0, 0x5e, 0, 0x53, 0x01};
static const uint8_t MAC_B[6] = {0x02, 0, 0x5e, 0, 0x53, 0x02};
static const uint8_t ROUTER_MAC[6] = {0x02, 0, 0x5e, 0, 0x53, 0xfe};
static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static fwd *make(const uint8_t *local, uint64_t seed) {
  fwd_config c;
  memset(&c, 0, sizeof c);
  c.fdb_entries = 1024;
  c.fdb_age = 1000;
  c.random_seed = seed;
  fwd *f = fwd_create(&c);
  CHECK(f != NULL);
  CHECK_EQ(fwd_set_local_vtep6(f, local), 0);
  CHECK_EQ(fwd_set_underlay_link(f, ROUTER_MAC, ROUTER_MAC, 0), 0);
  return f;
}

static uint32_t frame(uint8_t *b, const uint8_t *dst, const uint8_t *src, uint32_t len) {
  memcpy(b, dst, 6);
  memcpy(b + 6, src, 6);
  b[12] = 0x08;
  b[13] = 0x00;
  for (uint32_t i = 14; i < len; i++) b[i] = (uint8_t)(i * 31);
  return len;
}

/* Outer destination address in a planned header (Ethernet + IPv6). */
static const uint8_t *seg_dst(const fwd_tx_seg *s) { return s->hdr + 14 + 24; }

static void learning(void) {
  fwd *f = make(A6, 1);
  fwd_tx_seg segs[64];
  uint8_t b[1600];
  fwd_learn_event ev[8];
  CHECK_EQ(fwd_bind_vni(f, 100, 0), 0);
  CHECK_EQ(fwd_add_flood_vtep(f, 100, B6, 16), 0);

  /* Learn on first sight: one NEW event, an FDB entry on the port. */
  fwd_lan_result r = fwd_lan_rx(f, 0, b, frame(b, BCAST, MAC_A, 60), 5, segs, 64);
  CHECK_EQ(r.action, FWD_LAN_ENCAP);
  CHECK_EQ(fwd_learn_drain(f, ev, 8), 1);
  CHECK_EQ(ev[0].kind, FWD_LEARN_NEW);
  CHECK_EQ(ev[0].vni, 100);
  CHECK_MEM(ev[0].mac, MAC_A, 6);
  fwd_fdb_entry_view e = fwd_fdb_lookup(f, 100, MAC_A);
  CHECK(e.found && !e.remote && e.port == 0 && e.last_seen == 5);
  /* Seen again: refreshed, no event. */
  fwd_lan_rx(f, 0, b, frame(b, BCAST, MAC_A, 60), 800, segs, 64);
  CHECK_EQ(fwd_learn_drain(f, ev, 8), 0);
  /* Ageing by the clock passed in: not yet at 1799, gone at 1800 with an AGED event. */
  CHECK_EQ(fwd_fdb_age(f, 1799), 0);
  CHECK_EQ(fwd_fdb_age(f, 1800), 1);
  CHECK_EQ(fwd_learn_drain(f, ev, 8), 1);
  CHECK_EQ(ev[0].kind, FWD_LEARN_AGED);
  CHECK(!fwd_fdb_lookup(f, 100, MAC_A).found);
  /* A multicast source MAC is never learned. */
  uint8_t mcast_src[6] = {0x03, 0, 0, 0, 0, 1};
  fwd_lan_rx(f, 0, b, frame(b, BCAST, mcast_src, 60), 1, segs, 64);
  CHECK(!fwd_fdb_lookup(f, 100, mcast_src).found);

  /* MAC mobility: a remote MAC (from a type-2 route) seen on our LAN becomes local, MOVED. */
  CHECK_EQ(fwd_add_remote_mac(f, 100, MAC_B, C6, 16), 0);
  e = fwd_fdb_lookup(f, 100, MAC_B);
  CHECK(e.found && e.remote && e.vtep_len == 16 && memcmp(e.vtep, C6, 16) == 0);
  fwd_lan_rx(f, 0, b, frame(b, BCAST, MAC_B, 60), 2, segs, 64);
  CHECK_EQ(fwd_learn_drain(f, ev, 8), 1);
  CHECK_EQ(ev[0].kind, FWD_LEARN_MOVED);
  e = fwd_fdb_lookup(f, 100, MAC_B);
  CHECK(e.found && !e.remote);
  /* A frame to a MAC on the same port is not sent back out. */
  r = fwd_lan_rx(f, 0, b, frame(b, MAC_B, MAC_A, 60), 3, segs, 64);
  CHECK_EQ(r.action, FWD_LAN_DROP);
  CHECK_EQ(r.reason, FWD_R_LAN_SAME_PORT);
  /* Flush forgets learned entries; with `remote` the control plane's as well. */
  CHECK_EQ(fwd_add_remote_mac(f, 100, MAC_A, C6, 16), 0);
  fwd_flush(f, false);
  CHECK(!fwd_fdb_lookup(f, 100, MAC_B).found);
  CHECK(fwd_fdb_lookup(f, 100, MAC_A).found);
  fwd_flush(f, true);
  CHECK_EQ(fwd_fdb_count(f), 0);
  /* The learn ring is bounded: events nobody drains are counted as lost, never overwrite. */
  fwd_learn_drain(f, ev, 8);
  for (uint32_t k = 0; k < 1000; k++) {
    uint8_t mac[6] = {0x02, 1, 0, 0, (uint8_t)(k >> 8), (uint8_t)k};
    fwd_lan_rx(f, 0, b, frame(b, BCAST, mac, 60), 10, segs, 64);
  }
  CHECK_EQ(fwd_get_stats(f)->learn_lost, 0);
  CHECK_EQ(fwd_fdb_age(f, 5000), 1000); /* 1000 more events: 24 fit */
  CHECK_EQ(fwd_get_stats(f)->learn_lost, 1000 - 24);
  CHECK_EQ(fwd_learn_drain(f, ev, 8), 8);
  CHECK(ev[0].mac[4] == 0 && ev[0].mac[5] == 0 && ev[7].mac[5] == 7);
  fwd_destroy(f);
}

/* Random inserts and removals against a plain array: backward-shift deletion keeps every entry reachable. */
static void fdb_model(void) {
  fwd *f = make(A6, 2);
  CHECK_EQ(fwd_bind_vni(f, 7, 1), 0);
  enum { N = 1024 };
  static bool present[N];
  uint32_t s = 12345;
  int failures = 0;
  for (int step = 0; step < 20000; step++) {
    s ^= s << 13, s ^= s >> 17, s ^= s << 5;
    uint32_t k = s % N;
    uint8_t mac[6] = {0x02, 0, 0, 0, (uint8_t)(k >> 8), (uint8_t)k};
    if (s & 0x100000) {
      int rc = fwd_add_remote_mac(f, 7 + (k & 1), mac, (k & 2) ? B6 : C6, 16);
      if (rc == 0) present[k] = true;
      else failures += present[k] ? 1 : 0;
    } else {
      int rc = fwd_remove_remote_mac(f, 7 + (k & 1), mac);
      if ((rc == 0) != present[k]) failures++;
      present[k] = false;
    }
  }
  uint32_t n = 0;
  for (uint32_t k = 0; k < N; k++) {
    uint8_t mac[6] = {0x02, 0, 0, 0, (uint8_t)(k >> 8), (uint8_t)k};
    fwd_fdb_entry_view e = fwd_fdb_lookup(f, 7 + (k & 1), mac);
    if (e.found != present[k]) failures++;
    if (e.found && memcmp(e.vtep, (k & 2) ? B6 : C6, 16) != 0) failures++;
    n += present[k];
  }
  CHECK_EQ(failures, 0);
  CHECK_EQ(fwd_fdb_count(f), n);
  /* Capacity is a hard bound. */
  uint32_t added = 0;
  for (uint32_t k = 0; k < 4096; k++) {
    uint8_t mac[6] = {0x0a, 0, 0, 0, (uint8_t)(k >> 8), (uint8_t)k};
    if (fwd_add_remote_mac(f, 9, mac, B6, 16) == 0) added++;
  }
  CHECK_EQ(fwd_fdb_count(f), 1024);
  CHECK_EQ(added, 1024 - n);
  fwd_destroy(f);
}

static void replication(void) {
  fwd *f = make(A6, 3);
  fwd_tx_seg segs[64];
  static uint8_t b[2000];
  CHECK_EQ(fwd_bind_vni(f, 200, 2), 0);
  fwd_lan_result r = fwd_lan_rx(f, 2, b, frame(b, BCAST, MAC_A, 60), 0, segs, 64);
  CHECK_EQ(r.action, FWD_LAN_DROP);
  CHECK_EQ(r.reason, FWD_R_NO_FLOOD_VTEP);
  CHECK_EQ(fwd_add_flood_vtep(f, 200, B6, 16), 0);
  CHECK_EQ(fwd_add_flood_vtep(f, 200, C6, 16), 0);
  CHECK_EQ(fwd_add_flood_vtep(f, 200, D6, 16), 0);
  CHECK_EQ(fwd_add_flood_vtep(f, 200, D6, 16), 0); /* idempotent */
  /* BUM: one header per flood VTEP, each pointing at the whole inner frame. */
  r = fwd_lan_rx(f, 2, b, frame(b, BCAST, MAC_A, 60), 0, segs, 64);
  CHECK_EQ(r.action, FWD_LAN_ENCAP);
  CHECK_EQ(r.nsegs, 3);
  CHECK_MEM(seg_dst(&segs[0]), B6, 16);
  CHECK_MEM(seg_dst(&segs[1]), C6, 16);
  CHECK_MEM(seg_dst(&segs[2]), D6, 16);
  CHECK(segs[1].inner_off == 0 && segs[1].inner_len == 60);
  /* Unknown unicast floods too; a known remote MAC goes to its VTEP only. */
  r = fwd_lan_rx(f, 2, b, frame(b, MAC_B, MAC_A, 60), 0, segs, 64);
  CHECK_EQ(r.nsegs, 3);
  CHECK_EQ(fwd_add_remote_mac(f, 200, MAC_B, C6, 16), 0);
  r = fwd_lan_rx(f, 2, b, frame(b, MAC_B, MAC_A, 60), 0, segs, 64);
  CHECK_EQ(r.nsegs, 1);
  CHECK_MEM(seg_dst(&segs[0]), C6, 16);
  /* A 1514-byte BUM frame: two fragments per VTEP, a fresh identification per datagram. */
  r = fwd_lan_rx(f, 2, b, frame(b, BCAST, MAC_A, 1514), 0, segs, 64);
  CHECK_EQ(r.nsegs, 6);
  uint32_t ids[6];
  for (int i = 0; i < 6; i++) {
    const uint8_t *fh = segs[i].hdr + 14 + 40;
    CHECK_EQ(segs[i].hdr[14 + 6], 44);
    ids[i] = ((uint32_t)fh[4] << 24) | ((uint32_t)fh[5] << 16) | ((uint32_t)fh[6] << 8) | fh[7];
  }
  CHECK(ids[0] == ids[1] && ids[2] == ids[3] && ids[4] == ids[5]);
  CHECK(ids[0] != ids[2] && ids[2] != ids[4] && ids[0] != ids[4]);
  CHECK_EQ(segs[0].inner_off + segs[0].inner_len, segs[1].inner_off);
  CHECK_EQ(segs[1].inner_off + segs[1].inner_len, 1514);
  /* No room for every segment: what fits goes, the rest is counted. */
  r = fwd_lan_rx(f, 2, b, frame(b, BCAST, MAC_A, 1514), 0, segs, 5);
  CHECK_EQ(r.nsegs, 4);
  CHECK_EQ(fwd_get_stats(f)->reasons[FWD_R_TX_OVERFLOW], 1);
  /* Removing flood VTEPs; an unbound port drops. */
  CHECK_EQ(fwd_remove_flood_vtep(f, 200, C6, 16), 0);
  CHECK_EQ(fwd_remove_flood_vtep(f, 200, C6, 16), -2 /* -ENOENT */);
  r = fwd_lan_rx(f, 2, b, frame(b, BCAST, MAC_A, 60), 0, segs, 64);
  CHECK_EQ(r.nsegs, 2);
  r = fwd_lan_rx(f, 3, b, frame(b, BCAST, MAC_A, 60), 0, segs, 64);
  CHECK_EQ(r.reason, FWD_R_LAN_PORT_UNBOUND);
  CHECK_EQ(fwd_unbind_vni(f, 200), 0);
  r = fwd_lan_rx(f, 2, b, frame(b, BCAST, MAC_A, 60), 0, segs, 64);
  CHECK_EQ(r.reason, FWD_R_LAN_PORT_UNBOUND);
  fwd_destroy(f);
}

/* Writes planned segments as separate frames into `out` (one per row). */
static void materialize(const fwd_tx_seg *segs, uint32_t n, const uint8_t *inner, uint8_t out[][2000], uint32_t *len) {
  for (uint32_t i = 0; i < n; i++) {
    int64_t w = fwd_encap_write(&segs[i], 1, inner, out[i], 2000, NULL);
    CHECK(w > 0);
    len[i] = (uint32_t)w;
  }
}

static void two_sites(void) {
  fwd *a = make(A6, 4), *b = make(B6, 5);
  fwd_tx_seg segs[8];
  static uint8_t in[1514], out[8][2000];
  uint32_t len[8];
  CHECK_EQ(fwd_bind_vni(a, 550, 0), 0);
  CHECK_EQ(fwd_bind_vni(b, 550, 4), 0);
  CHECK_EQ(fwd_add_flood_vtep(a, 550, B6, 16), 0);
  CHECK_EQ(fwd_add_allowed_vtep(b, 550, A6, 16), 0);
  for (uint32_t size = 60; size <= 1514; size += 2) {
    fwd_lan_result r = fwd_lan_rx(a, 0, in, frame(in, BCAST, MAC_A, size), 0, segs, 8);
    CHECK_EQ(r.action, FWD_LAN_ENCAP);
    materialize(segs, r.nsegs, in, out, len);
    fwd_rx_result rx = {0};
    /* Fragments arrive last-first. */
    for (uint32_t i = r.nsegs; i-- > 0;) {
      rx = fwd_underlay_rx(b, out[i], len[i], 0);
      if (i > 0) CHECK_EQ(rx.action, FWD_RX_PENDING);
    }
    if (rx.action != FWD_RX_DELIVER || rx.len != size || memcmp(rx.data, in, size) != 0 || rx.port != 4 || rx.vni != 550) {
      CHECK(!"frame did not cross");
      fprintf(stderr, "  size %u: action %d reason %s\n", size, rx.action, fwd_reason_name(rx.reason));
    }
    CHECK_EQ(rx.reassembled, r.nsegs > 1);
  }
  CHECK_EQ(fwd_get_stats(b)->delivered, (1514 - 60) / 2 + 1);

  /* In place, mbuf style: the header goes into the headroom in front of the frame. */
  {
    static uint8_t mbuf[128 + 200];
    fwd_buf buf = {mbuf + 128, 128, 0};
    buf.len = frame(buf.data, BCAST, MAC_A, 200);
    fwd_lan_result r = fwd_lan_rx(a, 0, buf.data, buf.len, 0, segs, 8);
    CHECK_EQ(r.nsegs, 1);
    CHECK_EQ(fwd_seg_prepend(&segs[0], &buf), 0);
    CHECK(buf.data == mbuf + 128 - 70 && buf.len == 270 && buf.headroom == 58);
    fwd_rx_result rx = fwd_underlay_rx(b, buf.data, buf.len, 0);
    CHECK(rx.action == FWD_RX_DELIVER && rx.len == 200 && rx.data == mbuf + 128);
    fwd_buf small = {mbuf + 16, 16, 200};
    CHECK_EQ(fwd_seg_prepend(&segs[0], &small), -1);
    r = fwd_lan_rx(a, 0, in, frame(in, BCAST, MAC_A, 1460), 0, segs, 8);
    fwd_buf whole = {in, 4096, 1460};
    CHECK_EQ(fwd_seg_prepend(&segs[0], &whole), -1); /* a fragment is not the whole frame */
  }

  /* Fragments of one datagram with different link headers: first fragment VLAN-tagged, last not. */
  {
    fwd_lan_result r = fwd_lan_rx(a, 0, in, frame(in, BCAST, MAC_A, 1460), 0, segs, 8);
    CHECK_EQ(r.nsegs, 2);
    materialize(segs, r.nsegs, in, out, len);
    static uint8_t tagged[2004];
    memcpy(tagged, out[0], 12);
    tagged[12] = 0x81, tagged[13] = 0x00, tagged[14] = 0x00, tagged[15] = 0x05;
    memcpy(tagged + 16, out[0] + 12, len[0] - 12);
    CHECK_EQ(fwd_underlay_rx(b, tagged, len[0] + 4, 0).action, FWD_RX_PENDING);
    fwd_rx_result rx = fwd_underlay_rx(b, out[1], len[1], 0);
    CHECK(rx.action == FWD_RX_DELIVER && rx.len == 1460 && memcmp(rx.data, in, 1460) == 0);
    /* And the other way round. */
    r = fwd_lan_rx(a, 0, in, frame(in, BCAST, MAC_A, 1500), 0, segs, 8);
    materialize(segs, r.nsegs, in, out, len);
    memcpy(tagged, out[1], 12);
    memcpy(tagged + 16, out[1] + 12, len[1] - 12);
    CHECK_EQ(fwd_underlay_rx(b, tagged, len[1] + 4, 0).action, FWD_RX_PENDING);
    rx = fwd_underlay_rx(b, out[0], len[0], 0);
    CHECK(rx.action == FWD_RX_DELIVER && rx.len == 1500 && memcmp(rx.data, in, 1500) == 0);
  }

  /* The allow-list: a VTEP not allowed for the VNI is dropped, whole frames and fragments alike. */
  fwd *c = make(C6, 6);
  CHECK_EQ(fwd_bind_vni(c, 550, 0), 0);
  CHECK_EQ(fwd_add_flood_vtep(c, 550, B6, 16), 0);
  fwd_lan_result r = fwd_lan_rx(c, 0, in, frame(in, BCAST, MAC_A, 100), 0, segs, 8);
  materialize(segs, r.nsegs, in, out, len);
  fwd_rx_result rx = fwd_underlay_rx(b, out[0], len[0], 0);
  CHECK_EQ(rx.action, FWD_RX_DROP);
  CHECK_EQ(rx.reason, FWD_R_VTEP_NOT_ALLOWED);
  r = fwd_lan_rx(c, 0, in, frame(in, BCAST, MAC_A, 1514), 0, segs, 8);
  materialize(segs, r.nsegs, in, out, len);
  rx = fwd_underlay_rx(b, out[0], len[0], 0);
  CHECK_EQ(rx.reason, FWD_R_VTEP_NOT_ALLOWED); /* before it takes reassembly space */
  CHECK_EQ(fwd_get_stats(b)->pending, fwd_get_stats(b)->reassembled); /* nothing left pending */
  /* Allowed for another VNI only: the fragment is stored, the datagram dropped after decap. */
  CHECK_EQ(fwd_bind_vni(b, 551, 5), 0);
  CHECK_EQ(fwd_add_allowed_vtep(b, 551, C6, 16), 0);
  rx = fwd_underlay_rx(b, out[0], len[0], 0);
  CHECK_EQ(rx.action, FWD_RX_PENDING);
  /* Left alone, it would time out on the next call of fwd_expire after its lifetime (60 s). */
  CHECK_EQ(fwd_expire(b, 59999), 1);
  CHECK_EQ(fwd_expire(b, 0), 1);
  rx = fwd_underlay_rx(b, out[1], len[1], 0);
  CHECK_EQ(rx.reason, FWD_R_VTEP_NOT_ALLOWED);
  /* Withdrawn: A is no longer allowed. */
  CHECK_EQ(fwd_remove_allowed_vtep(b, 550, A6, 16), 0);
  r = fwd_lan_rx(a, 0, in, frame(in, BCAST, MAC_A, 100), 0, segs, 8);
  materialize(segs, r.nsegs, in, out, len);
  CHECK_EQ(fwd_underlay_rx(b, out[0], len[0], 0).reason, FWD_R_VTEP_NOT_ALLOWED);
  /* A VNI we do not serve. */
  CHECK_EQ(fwd_unbind_vni(b, 550), 0);
  CHECK_EQ(fwd_underlay_rx(b, out[0], len[0], 0).reason, FWD_R_UNKNOWN_VNI);
  CHECK(fwd_get_stats(b)->reasons[FWD_R_VTEP_NOT_ALLOWED] == 4);
  /* A lone fragment is swept by fwd_expire once its 60 s are up, and counted as timed out. */
  r = fwd_lan_rx(c, 0, in, frame(in, BCAST, MAC_A, 1514), 0, segs, 8);
  materialize(segs, r.nsegs, in, out, len);
  CHECK_EQ(fwd_underlay_rx(b, out[1], len[1], 1000).action, FWD_RX_PENDING);
  CHECK_EQ(fwd_expire(b, 60999), 1);
  CHECK_EQ(fwd_expire(b, 61000), 0);
  CHECK_EQ(fwd_get_stats(b)->reasons[FWD_R_REASSEMBLY_TIMEOUT], 1);
  fwd_destroy(a);
  fwd_destroy(b);
  fwd_destroy(c);
}

/* Builds Ethernet + IPv6 to `dst` with next header `nh` and `n` payload bytes. */
static uint32_t ipv6_frame(uint8_t *b, const uint8_t *dst, uint8_t nh, uint32_t n) {
  memset(b, 0, 54 + n);
  memcpy(b, ROUTER_MAC, 6);
  memcpy(b + 6, MAC_A, 6);
  b[12] = 0x86, b[13] = 0xdd;
  b[14] = 0x60;
  b[18] = (uint8_t)(n >> 8), b[19] = (uint8_t)n;
  b[20] = nh;
  b[21] = 255;
  memcpy(b + 22, B6, 16);
  memcpy(b + 38, dst, 16);
  return 54 + n;
}

static void classification(void) {
  fwd *f = make(A6, 7);
  uint8_t b[200];
  /* ICMPv6 to us (ND, ping): the kernel's. */
  fwd_rx_result r = fwd_underlay_rx(f, b, ipv6_frame(b, A6, 58, 24), 0);
  CHECK(r.action == FWD_RX_EXCEPTION && r.reason == FWD_R_NOT_UDP && r.data == b);
  /* BGP over TCP to us. */
  r = fwd_underlay_rx(f, b, ipv6_frame(b, A6, 6, 40), 0);
  CHECK(r.action == FWD_RX_EXCEPTION && r.reason == FWD_R_NOT_UDP);
  /* Multicast ND (solicited-node address): not our VTEP address. */
  uint8_t sn[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 1};
  r = fwd_underlay_rx(f, b, ipv6_frame(b, sn, 58, 32), 0);
  CHECK(r.action == FWD_RX_EXCEPTION && r.reason == FWD_R_NOT_LOCAL_ADDRESS);
  /* UDP to us on another port (e.g. DHCPv6, BFD). */
  uint32_t n = ipv6_frame(b, A6, 17, 16);
  b[54 + 2] = 0x0e, b[54 + 3] = 0xc8; /* 3784 */
  b[54 + 5] = 16;
  r = fwd_underlay_rx(f, b, n, 0);
  CHECK(r.action == FWD_RX_EXCEPTION && r.reason == FWD_R_NOT_VXLAN_PORT);
  /* ARP and LLDP. */
  b[12] = 0x08, b[13] = 0x06;
  r = fwd_underlay_rx(f, b, 60, 0);
  CHECK(r.action == FWD_RX_EXCEPTION && r.reason == FWD_R_NOT_IP && r.len == 60);
  /* A fragment of a datagram to us from a VTEP we know: reassembly. From a stranger: dropped. */
  CHECK_EQ(fwd_bind_vni(f, 9, 0), 0);
  CHECK_EQ(fwd_add_allowed_vtep(f, 9, B6, 16), 0);
  n = ipv6_frame(b, A6, 44, 8 + 64);
  b[54] = 17, b[57] = 1, b[61] = 1; /* offset 0, M, id 1 */
  b[62 + 2] = 0x12, b[62 + 3] = 0xb5;
  r = fwd_underlay_rx(f, b, n, 0);
  CHECK_EQ(r.action, FWD_RX_PENDING);
  memcpy(b + 22, C6, 16);
  r = fwd_underlay_rx(f, b, n, 0);
  CHECK(r.action == FWD_RX_DROP && r.reason == FWD_R_VTEP_NOT_ALLOWED);
  /* Counters: exceptions are counted under their reason and in `exceptions`. */
  const fwd_stats *st = fwd_get_stats(f);
  CHECK_EQ(st->exceptions, 5);
  CHECK_EQ(st->reasons[FWD_R_NOT_UDP], 2);
  CHECK_EQ(st->underlay_rx, 7);
  fwd_destroy(f);
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static void identifications(void) {
  enum { N = 1 << 20 };
  uint32_t *v = malloc(sizeof(uint32_t) * N);
  fwd_idgen g;
  fwd_idgen_seed(&g, 0);
  for (uint32_t i = 0; i < N; i++) v[i] = fwd_idgen_next(&g);
  qsort(v, N, sizeof v[0], cmp_u32);
  uint32_t repeats = 0;
  for (uint32_t i = 1; i < N; i++) repeats += v[i] == v[i - 1];
  CHECK_EQ(repeats, 0);
  CHECK(v[0] != 0);
  fwd_idgen h;
  fwd_idgen_seed(&h, 1);
  fwd_idgen_seed(&g, 2);
  CHECK(fwd_idgen_next(&g) != fwd_idgen_next(&h));
  free(v);
  /* Reason names round-trip and match the model's spelling. */
  CHECK(strcmp(fwd_reason_name(FWD_R_FRAGMENT_INCOMPLETE_CHAIN), "fragment-incomplete-header-chain") == 0);
  for (int r = 0; r < FWD_REASON_COUNT; r++) CHECK_EQ(fwd_reason_from_name(fwd_reason_name(r)), r);
  CHECK(fwd_reason_name(FWD_REASON_COUNT) == NULL);
}

/* The word-at-a-time sum against the plain RFC 1071 definition, at every length and alignment. */
static void checksums(void) {
  static uint8_t buf[1600];
  uint32_t x = 99;
  for (size_t i = 0; i < sizeof buf; i++) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    buf[i] = (uint8_t)x;
  }
  memset(buf + 700, 0xff, 300); /* long runs of carries */
  int bad = 0;
  for (size_t off = 0; off < 8; off++)
    for (size_t n = 0; n < 1590; n += (n < 300 ? 1 : 37)) {
      uint64_t ref = 12345;
      for (size_t i = 0; i + 1 < n; i += 2) ref += ((uint32_t)buf[off + i] << 8) | buf[off + i + 1];
      if (n & 1) ref += (uint32_t)buf[off + n - 1] << 8;
      if (fwd_fold(ref) != fwd_fold(fwd_sum16(buf + off, n, 12345))) bad++;
    }
  CHECK_EQ(bad, 0);
  CHECK_EQ(fwd_fold(0x1fffe), 0xffff);
  CHECK_EQ(fwd_fold(0), 0);
}

/* Ageing in slices: a pass of `slices` calls ages what one full fwd_fdb_age call would, no more. */
static void ageing_in_slices(void) {
  fwd *f = make(A6, 3);
  fwd_tx_seg segs[8];
  uint8_t b[64], mac[6] = {0x02, 0, 0x5e, 0, 0x54, 0};
  CHECK_EQ(fwd_bind_vni(f, 100, 0), 0);
  CHECK_EQ(fwd_add_flood_vtep(f, 100, B6, 16), 0);
  for (int i = 0; i < 300; i++) {
    mac[5] = (uint8_t)i;
    mac[4] = (uint8_t)(0x54 + (i >> 8));
    fwd_lan_rx(f, 0, b, frame(b, BCAST, mac, 60), i < 100 ? 10 : 900, segs, 8);
  }
  CHECK_EQ(fwd_fdb_count(f), 300);
  fwd_learn_event ev[64];
  while (fwd_learn_drain(f, ev, 64) > 0) {
  }
  /*
   * At 1500 the first 100 (seen at 10) are past the 1000 age, the rest (seen at 900) are not. An
   * entry that a deletion shifts back across the cursor waits for the next pass: allow two.
   */
  uint32_t aged = 0;
  for (int i = 0; i < 14; i++) {
    aged += fwd_fdb_age_slice(f, 1500, 7);
    CHECK(fwd_fdb_count(f) >= 200);
  }
  CHECK_EQ(aged, 100);
  CHECK_EQ(fwd_fdb_count(f), 200);
  uint32_t events = 0, n;
  while ((n = fwd_learn_drain(f, ev, 64)) > 0)
    for (uint32_t i = 0; i < n; i++) events += ev[i].kind == FWD_LEARN_AGED;
  CHECK_EQ(events, 100);
  /* Nothing more until the others age too. */
  for (int i = 0; i < 7; i++) CHECK_EQ(fwd_fdb_age_slice(f, 1500, 7), 0);
  for (int i = 0; i < 14; i++) fwd_fdb_age_slice(f, 1900, 7);
  CHECK_EQ(fwd_fdb_count(f), 0);
  fwd_destroy(f);
}

int main(void) {
  checksums();
  ageing_in_slices();
  learning();
  fdb_model();
  replication();
  two_sites();
  classification();
  identifications();
  return check_summary("fwd_path_test");
}

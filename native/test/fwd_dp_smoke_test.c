/*
 * The DPDK glue under a real EAL (--no-huge --no-pci, no root needed), with net_ring ports the test
 * feeds and drains: control commands and their ACK / ERROR events, learn events, LAN frames
 * encapsulated and flooded (in place and through header + clone chains), fragmented above the MTU,
 * underlay frames decapsulated, reassembled, refused from an unlisted VTEP; published counters; and
 * fwd_dp_run on its own thread stopped from another. A second, plain forwarder core is the oracle on
 * the far side of the tunnel (the core itself is checked byte-exact against @evpn6/vxlan).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "fwd_check.h"
#include "fwd_dp.h"

static const uint8_t A6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0xe6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t B6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0xe6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
static const uint8_t C6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0xe6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3};
static const uint8_t D6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0xe6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4};
static const uint8_t MAC_A[6] = {0x02, 0, 0x5e, 0, 0x53, 0x01};
static const uint8_t MAC_X[6] = {0x02, 0, 0x5e, 0, 0x53, 0x0a};
static const uint8_t ROUTER[6] = {0x02, 0, 0x5e, 0, 0x53, 0xfe};
static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static struct rte_ring *u_rx, *u_tx, *l_rx, *l_tx;
static struct rte_mempool *test_pool;

static uint32_t frame(uint8_t *b, const uint8_t *dst, const uint8_t *src, uint32_t len, uint8_t salt) {
  memcpy(b, dst, 6);
  memcpy(b + 6, src, 6);
  b[12] = 0x08;
  b[13] = 0x00;
  for (uint32_t i = 14; i < len; i++) b[i] = (uint8_t)(i * 31 + salt);
  return len;
}

static void inject(struct rte_ring *r, const uint8_t *data, uint32_t len) {
  struct rte_mbuf *m = rte_pktmbuf_alloc(test_pool);
  CHECK(m != NULL);
  memcpy(rte_pktmbuf_append(m, (uint16_t)len), data, len);
  CHECK_EQ(rte_ring_enqueue(r, m), 0);
}

/* Dequeues up to max frames, each flattened into out[i] (chains included); returns the count. */
static uint32_t drain(struct rte_ring *r, uint8_t out[][2048], uint32_t *lens, uint32_t max) {
  void *objs[64];
  uint32_t n = rte_ring_dequeue_burst(r, objs, 64, NULL);
  CHECK(n <= max);
  for (uint32_t i = 0; i < n && i < max; i++) {
    struct rte_mbuf *m = objs[i];
    lens[i] = m->pkt_len;
    const void *p = rte_pktmbuf_read(m, 0, m->pkt_len, out[i]);
    if (p != out[i]) memcpy(out[i], p, m->pkt_len);
    rte_pktmbuf_free(m);
  }
  return n;
}

static void poll_for(fwd_dp *dp, int ms) {
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  do {
    fwd_dp_poll(dp);
    clock_gettime(CLOCK_MONOTONIC, &t);
  } while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
}

static fwd_dp_cmd cmd(uint8_t op, uint32_t vni, const uint8_t *addr, int alen) {
  fwd_dp_cmd c;
  memset(&c, 0, sizeof c);
  c.op = op;
  c.vni = vni;
  if (addr != NULL) memcpy(c.addr, addr, (size_t)alen);
  c.alen = (uint8_t)alen;
  return c;
}

static fwd *oracle(const uint8_t *local, const uint8_t *peer) {
  fwd_config c;
  memset(&c, 0, sizeof c);
  c.random_seed = 99;
  fwd *f = fwd_create(&c);
  CHECK(f != NULL);
  fwd_set_local_vtep6(f, local);
  fwd_set_underlay_link(f, ROUTER, ROUTER, 0);
  fwd_bind_vni(f, 100, 0);
  fwd_add_allowed_vtep(f, 100, peer, 16);
  fwd_add_flood_vtep(f, 100, peer, 16);
  return f;
}

static void *runner(void *arg) {
  fwd_dp_run(arg);
  return NULL;
}

static atomic_int notified;
static void on_notify(void *opaque) {
  (void)opaque;
  atomic_fetch_add(&notified, 1);
}

int main(void) {
  char *argv[] = {"fwd_dp_smoke", "--no-huge", "--no-pci", "-m", "256", "--no-shconf", "--no-telemetry", "-l", "0", "--log-level", "lib.eal:error"};
  char err[256] = "";
  int rc = fwd_dp_eal_init((int)(sizeof argv / sizeof argv[0]), argv, err, sizeof err);
  if (rc != 0) fprintf(stderr, "EAL: %s\n", err);
  CHECK_EQ(rc, 0);
  if (rc != 0) return check_summary("fwd_dp_smoke");
  CHECK_EQ(fwd_dp_eal_init((int)(sizeof argv / sizeof argv[0]), argv, err, sizeof err), -EALREADY);

  test_pool = rte_pktmbuf_pool_create("test_pool", 4095, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
  u_rx = rte_ring_create("u_rx", 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
  u_tx = rte_ring_create("u_tx", 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
  l_rx = rte_ring_create("l_rx", 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
  l_tx = rte_ring_create("l_tx", 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
  int up = rte_eth_from_rings("u", &u_rx, 1, &u_tx, 1, 0);
  int lp = rte_eth_from_rings("l", &l_rx, 1, &l_tx, 1, 0);
  CHECK(up >= 0 && lp >= 0);

  fwd_dp_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.core.random_seed = 7;
  cfg.core.fdb_age = 60000;
  cfg.nlan = 1;
  cfg.mbufs = 2047;
  cfg.notify = on_notify;
  rte_eth_dev_get_name_by_port((uint16_t)up, cfg.underlay.device);
  rte_eth_dev_get_name_by_port((uint16_t)lp, cfg.lan[0].device);

  /* A device that does not exist is refused with a reason. */
  fwd_dp_config bad = cfg;
  strcpy(bad.underlay.device, "net_nonexistent0");
  CHECK(fwd_dp_create(&bad, &rc, err, sizeof err) == NULL);
  CHECK_EQ(rc, -ENODEV);

  fwd_dp *dp = fwd_dp_create(&cfg, &rc, err, sizeof err);
  if (dp == NULL) fprintf(stderr, "create: %s\n", err);
  CHECK(dp != NULL);
  if (dp == NULL) return check_summary("fwd_dp_smoke");

  fwd_dp_cmd cmds[16];
  uint32_t n = 0;
  cmds[n++] = cmd(FWD_OP_SET_LOCAL_VTEP, 0, A6, 16);
  cmds[n] = cmd(FWD_OP_SET_UNDERLAY_LINK, 0, NULL, 0);
  memcpy(cmds[n++].mac, ROUTER, 6);
  cmds[n] = cmd(FWD_OP_BIND_VNI, 100, NULL, 0);
  cmds[n++].port = 0;
  cmds[n++] = cmd(FWD_OP_ADD_FLOOD_VTEP, 100, B6, 16);
  cmds[n++] = cmd(FWD_OP_ADD_FLOOD_VTEP, 100, C6, 16);
  cmds[n++] = cmd(FWD_OP_ADD_ALLOWED_VTEP, 100, B6, 16);
  cmds[n] = cmd(FWD_OP_ADD_REMOTE_MAC, 100, B6, 16);
  memcpy(cmds[n++].mac, MAC_X, 6);
  cmds[n] = cmd(FWD_OP_REMOVE_REMOTE_MAC, 100, NULL, 0); /* not there: an ERROR event */
  memcpy(cmds[n].mac, MAC_A, 6);
  cmds[n++].tag = 41;
  cmds[n] = cmd(FWD_OP_BIND_VNI, 200, NULL, 0); /* LAN port 3 does not exist */
  cmds[n].port = 3;
  cmds[n++].tag = 42;
  cmds[n] = cmd(FWD_OP_NOP, 0, NULL, 0);
  cmds[n].flags = FWD_CMD_ACK;
  cmds[n++].tag = 43;
  CHECK_EQ(fwd_dp_submit(dp, cmds, n), n);
  poll_for(dp, 3);
  CHECK(atomic_load(&notified) >= 1);
  fwd_dp_event ev[64];
  uint32_t ne = fwd_dp_take_events(dp, ev, 64);
  CHECK_EQ(ne, 3);
  CHECK_EQ(ev[0].kind, FWD_EV_ERROR);
  CHECK_EQ(ev[0].vni, 41);
  CHECK_EQ(ev[0].rc, -ENOENT);
  CHECK_EQ(ev[0].op, FWD_OP_REMOVE_REMOTE_MAC);
  CHECK_EQ(ev[1].kind, FWD_EV_ERROR);
  CHECK_EQ(ev[1].rc, -EINVAL);
  CHECK_EQ(ev[2].kind, FWD_EV_ACK);
  CHECK_EQ(ev[2].vni, 43);

  static uint8_t out[64][2048];
  uint32_t lens[64];
  uint8_t f[2048];
  fwd *b = oracle(B6, A6);
  fwd *c = oracle(C6, A6);

  /* A broadcast from the LAN: learned, flooded to B and C; each side gets the frame back intact. */
  uint32_t flen = frame(f, BCAST, MAC_A, 60, 1);
  inject(l_rx, f, flen);
  poll_for(dp, 3);
  n = drain(u_tx, out, lens, 64);
  CHECK_EQ(n, 2);
  uint32_t got_b = 0, got_c = 0;
  for (uint32_t i = 0; i < n; i++) {
    CHECK_MEM(out[i], ROUTER, 6);
    fwd *peer = memcmp(out[i] + 14 + 24, B6, 16) == 0 ? b : c;
    fwd_rx_result r = fwd_underlay_rx(peer, out[i], lens[i], 10);
    CHECK_EQ(r.action, FWD_RX_DELIVER);
    CHECK_EQ(r.len, flen);
    CHECK(r.len == flen && memcmp(r.data, f, flen) == 0);
    if (peer == b) got_b++;
    else got_c++;
  }
  CHECK_EQ(got_b, 1);
  CHECK_EQ(got_c, 1);
  ne = fwd_dp_take_events(dp, ev, 64);
  CHECK_EQ(ne, 1);
  CHECK_EQ(ev[0].kind, FWD_EV_LEARNED);
  CHECK_EQ(ev[0].vni, 100);
  CHECK_EQ(ev[0].port, 0);
  CHECK_MEM(ev[0].mac, MAC_A, 6);

  /* Unicast to a remote MAC, larger than the underlay carries: two fragments to B only. */
  fwd_dp_cmd mtu = cmd(FWD_OP_SET_MTU, 0, NULL, 0);
  mtu.value = 1280;
  CHECK_EQ(fwd_dp_submit(dp, &mtu, 1), 1);
  poll_for(dp, 1);
  flen = frame(f, MAC_X, MAC_A, 1400, 2);
  inject(l_rx, f, flen);
  poll_for(dp, 2);
  n = drain(u_tx, out, lens, 64);
  CHECK_EQ(n, 2);
  int delivered = 0;
  for (uint32_t i = 0; i < n; i++) {
    CHECK(lens[i] <= 14 + 1280);
    CHECK_MEM(out[i] + 14 + 24, B6, 16);
    fwd_rx_result r = fwd_underlay_rx(b, out[i], lens[i], 20);
    if (r.action == FWD_RX_DELIVER) {
      delivered++;
      CHECK(r.reassembled);
      CHECK(r.len == flen && memcmp(r.data, f, flen) == 0);
    } else {
      CHECK_EQ(r.action, FWD_RX_PENDING);
    }
  }
  CHECK_EQ(delivered, 1);

  /* From B: decapsulated onto the LAN port, byte for byte. */
  fwd_tx_seg segs[16];
  uint8_t wire[4096];
  uint32_t wlen[16];
  flen = frame(f, MAC_A, MAC_X, 200, 3);
  fwd_lan_result lr = fwd_lan_rx(b, 0, f, flen, 30, segs, 16);
  CHECK_EQ(lr.action, FWD_LAN_ENCAP);
  CHECK(fwd_encap_write(segs, lr.nsegs, f, wire, sizeof wire, wlen) > 0);
  inject(u_rx, wire, wlen[0]);
  /* The same frame from D, which no allow list names: dropped and counted. */
  fwd *d = oracle(D6, A6);
  lr = fwd_lan_rx(d, 0, f, flen, 30, segs, 16);
  CHECK(fwd_encap_write(segs, lr.nsegs, f, wire, sizeof wire, wlen) > 0);
  inject(u_rx, wire, wlen[0]);
  poll_for(dp, 2);
  n = drain(l_tx, out, lens, 64);
  CHECK_EQ(n, 1);
  CHECK(lens[0] == flen && memcmp(out[0], f, flen) == 0);

  /* Fragmented by B (1514-byte frame, 1500 MTU): reassembled, then delivered. */
  fwd_set_mtu(b, 1500);
  flen = frame(f, MAC_A, MAC_X, 1514, 4);
  lr = fwd_lan_rx(b, 0, f, flen, 40, segs, 16);
  CHECK_EQ(lr.nsegs, 2);
  CHECK(fwd_encap_write(segs, lr.nsegs, f, wire, sizeof wire, wlen) > 0);
  inject(u_rx, wire + wlen[0], wlen[1]); /* last fragment first */
  inject(u_rx, wire, wlen[0]);
  poll_for(dp, 2);
  n = drain(l_tx, out, lens, 64);
  CHECK_EQ(n, 1);
  CHECK(lens[0] == flen && memcmp(out[0], f, flen) == 0);

  /* Not VXLAN (an ARP frame): an exception; with no TAP configured it is counted as dropped there. */
  flen = frame(f, BCAST, ROUTER, 60, 5);
  f[12] = 0x08;
  f[13] = 0x06;
  inject(u_rx, f, flen);
  poll_for(dp, 3);

  fwd_dp_stats st;
  fwd_dp_read_stats(dp, &st);
  CHECK_EQ(st.core.reasons[FWD_R_VTEP_NOT_ALLOWED], 1);
  CHECK_EQ(st.core.reasons[FWD_R_NOT_IP], 1);
  CHECK_EQ(st.core.reassembled, 1);
  CHECK_EQ(st.core.flooded, 1);
  CHECK_EQ(st.underlay.rx, 5);
  CHECK_EQ(st.underlay.tx, 4);
  CHECK_EQ(st.underlay.tap_dropped, 1);
  CHECK_EQ(st.nlan, 1);
  CHECK_EQ(st.lan[0].rx, 2);
  CHECK_EQ(st.lan[0].encapsulated, 2);
  CHECK_EQ(st.lan[0].delivered, 2);
  CHECK_EQ(st.lan[0].vni, 100);
  CHECK_EQ(st.commands, 11);
  CHECK_EQ(st.command_errors, 2);
  CHECK_EQ(st.fdb_entries, 2);
  CHECK_EQ(st.no_mbuf, 0);

  /* The loop on its own thread: commands applied while it runs, stopped from here. */
  pthread_t t;
  CHECK_EQ(pthread_create(&t, NULL, runner, dp), 0);
  fwd_dp_cmd fl = cmd(FWD_OP_FLUSH, 0, NULL, 0);
  fl.value = 1;
  fl.flags = FWD_CMD_ACK;
  fl.tag = 77;
  CHECK_EQ(fwd_dp_submit(dp, &fl, 1), 1);
  for (int i = 0; i < 1000 && (ne = fwd_dp_take_events(dp, ev, 64)) == 0; i++) {
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
  }
  CHECK_EQ(ne, 1);
  CHECK_EQ(ev[0].kind, FWD_EV_ACK);
  CHECK_EQ(ev[0].vni, 77);
  fwd_dp_request_stop(dp);
  CHECK_EQ(pthread_join(t, NULL), 0);
  fwd_dp_read_stats(dp, &st);
  CHECK_EQ(st.fdb_entries, 0);

  fwd_dp_destroy(dp);
  /* The ports and pools survive for another forwarder in the same process. */
  dp = fwd_dp_create(&cfg, &rc, err, sizeof err);
  CHECK(dp != NULL);
  fwd_dp_destroy(dp);
  fwd_destroy(b);
  fwd_destroy(c);
  fwd_destroy(d);
  return check_summary("fwd_dp_smoke");
}

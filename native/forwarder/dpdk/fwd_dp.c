/*
 * EAL, pools, rings, ports and TAPs; the control ring, the event ring and published counters.
 * The packet path is in fwd_dp_loop.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring_elem.h>

#include "fwd_dp_internal.h"

static void say(char *err, size_t errlen, const char *fmt, ...) {
  if (err == NULL || errlen == 0) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

/* ---- EAL: once per process ---- */

static int eal_state; /* 0: never tried, 1: up, < 0: the failed attempt's rc */

int fwd_dp_eal_init(int argc, char **argv, char *err, size_t errlen) {
  if (eal_state != 0) {
    say(err, errlen, eal_state > 0 ? "EAL is already initialised in this process" : "EAL failed to initialise before in this process");
    return -EALREADY;
  }
  /* rte_eal_init reorders argv; keep the caller's array intact. */
  char **copy = calloc((size_t)argc + 1, sizeof *copy);
  if (copy == NULL) return -ENOMEM;
  memcpy(copy, argv, sizeof *copy * (size_t)argc);
  int n = rte_eal_init(argc, copy);
  free(copy);
  if (n < 0) {
    int e = rte_errno != 0 ? rte_errno : EINVAL;
    eal_state = -e;
    say(err, errlen, "rte_eal_init failed: %s", rte_strerror(e));
    return -e;
  }
  eal_state = 1;
  return 0;
}

/* ---- ports ---- */

static int port_start(uint16_t id, struct rte_mempool *pool, const fwd_dp_config *c, char *err, size_t errlen) {
  struct rte_eth_dev_info info;
  int rc = rte_eth_dev_info_get(id, &info);
  if (rc != 0) {
    say(err, errlen, "port %u: rte_eth_dev_info_get: %s", id, rte_strerror(-rc));
    return rc;
  }
  struct rte_eth_conf conf;
  memset(&conf, 0, sizeof conf);
  /* Outer headers are chained in front of clones of the inner frame. */
  conf.txmode.offloads = info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
  uint16_t rxd = c->rx_desc, txd = c->tx_desc;
  if ((rc = rte_eth_dev_configure(id, 1, 1, &conf)) != 0 || (rc = rte_eth_dev_adjust_nb_rx_tx_desc(id, &rxd, &txd)) != 0 ||
      (rc = rte_eth_rx_queue_setup(id, 0, rxd, rte_eth_dev_socket_id(id), NULL, pool)) != 0 ||
      (rc = rte_eth_tx_queue_setup(id, 0, txd, rte_eth_dev_socket_id(id), NULL)) != 0) {
    say(err, errlen, "port %u: queue setup: %s", id, rte_strerror(rc < 0 ? -rc : rc));
    return rc < 0 ? rc : -rc;
  }
  /* Remote MACs behind the tunnels are not ours; ring PMDs answer -ENOTSUP, which is fine. */
  (void)rte_eth_promiscuous_enable(id);
  if ((rc = rte_eth_dev_start(id)) != 0) {
    say(err, errlen, "port %u: rte_eth_dev_start: %s", id, rte_strerror(-rc));
    return rc;
  }
  return 0;
}

static void tap_remove(fwd_dp_port *p) {
  if (p->tap < 0) return;
  (void)rte_eth_dev_stop((uint16_t)p->tap);
  (void)rte_eth_dev_close((uint16_t)p->tap);
  (void)rte_vdev_uninit(p->tap_vdev);
  p->tap = -1;
}

static int port_open(fwd_dp *dp, fwd_dp_port *p, const fwd_dp_port_config *pc, char *err, size_t errlen) {
  p->tap = -1;
  uint16_t id;
  if (rte_eth_dev_get_port_by_name(pc->device, &id) != 0) {
    say(err, errlen, "no DPDK port named '%s' (EAL arguments create it, e.g. --vdev net_af_packet0,iface=eth0)", pc->device);
    return -ENODEV;
  }
  p->id = id;
  p->st.vni = -1;
  int rc = rte_eth_macaddr_get(id, &p->mac);
  if (rc != 0) memset(&p->mac, 0, sizeof p->mac);
  if (pc->tap[0] != '\0') {
    /* The kernel side answers ND for the port's addresses: it must own the port's MAC. */
    char args[160], mac[RTE_ETHER_ADDR_FMT_SIZE];
    rte_ether_format_addr(mac, sizeof mac, &p->mac);
    snprintf(p->tap_vdev, sizeof p->tap_vdev, "net_tap_e6_%s", pc->tap);
    snprintf(args, sizeof args, "iface=%s,mac=%s", pc->tap, mac);
    rc = rte_vdev_init(p->tap_vdev, args);
    uint16_t tap;
    if (rc != 0 || rte_eth_dev_get_port_by_name(p->tap_vdev, &tap) != 0) {
      say(err, errlen, "cannot create TAP %s (%s): %s", pc->tap, p->tap_vdev, rte_strerror(rc < 0 ? -rc : EINVAL));
      return rc < 0 ? rc : -EINVAL;
    }
    p->tap = tap;
    if ((rc = port_start(tap, dp->pkt_pool, &dp->cfg, err, errlen)) != 0) return rc;
  }
  if ((rc = port_start(id, dp->pkt_pool, &dp->cfg, err, errlen)) != 0) return rc;
  p->started = true;
  return 0;
}

static void port_close(fwd_dp *dp, fwd_dp_port *p) {
  if (!p->started) {
    tap_remove(p);
    return;
  }
  fwd_dp_txq_flush(dp, &p->tx, p->id, &p->st.tx, &p->st.tx_dropped);
  if (p->tap >= 0) fwd_dp_txq_flush(dp, &p->tap_tx, (uint16_t)p->tap, &p->st.to_tap, &p->st.tap_dropped);
  (void)rte_eth_dev_stop(p->id);
  p->started = false;
  tap_remove(p);
}

/* Pools outlive a forwarder: a later fwd_dp_create in the same process finds them again. */
static struct rte_mempool *pool(const char *name, uint32_t n, uint16_t room) {
  struct rte_mempool *mp = rte_mempool_lookup(name);
  if (mp != NULL) return mp;
  return rte_pktmbuf_pool_create(name, n, 256, 0, room, (int)rte_socket_id());
}

fwd_dp *fwd_dp_create(const fwd_dp_config *config, int *rc_out, char *err, size_t errlen) {
  int rc = -EINVAL;
  fwd_dp *dp = NULL;
  if (config->nlan > FWD_DP_MAX_LAN) {
    say(err, errlen, "at most %d LAN ports", FWD_DP_MAX_LAN);
    goto fail;
  }
  dp = rte_zmalloc("evpn6_fwd_dp", sizeof *dp, RTE_CACHE_LINE_SIZE);
  if (dp == NULL) {
    rc = -ENOMEM;
    say(err, errlen, "out of DPDK memory for the forwarder state");
    goto fail;
  }
  dp->cfg = *config;
  if (dp->cfg.mbufs == 0) dp->cfg.mbufs = 8191;
  if (dp->cfg.rx_desc == 0) dp->cfg.rx_desc = 1024;
  if (dp->cfg.tx_desc == 0) dp->cfg.tx_desc = 1024;
  if (dp->cfg.core.max_ports == 0 || dp->cfg.core.max_ports > config->nlan) dp->cfg.core.max_ports = config->nlan > 0 ? config->nlan : 1;
  dp->underlay.tap = -1;
  for (uint32_t i = 0; i < FWD_DP_MAX_LAN; i++) dp->lan[i].tap = -1;
  dp->tsc_per_ms = rte_get_tsc_hz() / 1000;
  if (dp->tsc_per_ms == 0) dp->tsc_per_ms = 1;

  dp->pkt_pool = pool("evpn6_pkt", dp->cfg.mbufs, RTE_MBUF_DEFAULT_BUF_SIZE);
  dp->hdr_pool = pool("evpn6_hdr", dp->cfg.mbufs * 2, RTE_PKTMBUF_HEADROOM + 128);
  if (dp->pkt_pool == NULL || dp->hdr_pool == NULL) {
    rc = -ENOMEM;
    say(err, errlen, "cannot create mbuf pools: %s (more EAL memory: -m)", rte_strerror(rte_errno));
    goto fail;
  }
  dp->ctl = rte_ring_create_elem("evpn6_ctl", sizeof(fwd_dp_cmd), FWD_DP_CTL_RING, (int)rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
  dp->ev = rte_ring_create_elem("evpn6_ev", sizeof(fwd_dp_event), FWD_DP_EV_RING, (int)rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
  if (dp->ctl == NULL || dp->ev == NULL) {
    rc = rte_errno == EEXIST ? -EBUSY : -ENOMEM;
    say(err, errlen, "cannot create the control/event rings: %s", rte_strerror(rte_errno));
    goto fail;
  }
  dp->f = fwd_create(&dp->cfg.core);
  if (dp->f == NULL) {
    rc = -EINVAL;
    say(err, errlen, "bad forwarder core configuration (or out of memory)");
    goto fail;
  }
  if ((rc = port_open(dp, &dp->underlay, &config->underlay, err, errlen)) != 0) goto fail;
  for (uint32_t i = 0; i < config->nlan; i++) {
    if ((rc = port_open(dp, &dp->lan[i], &config->lan[i], err, errlen)) != 0) goto fail;
  }
  dp->nlan = config->nlan;
  /* Until told otherwise, send to the broadcast address from the port's own MAC. */
  static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  fwd_set_underlay_link(dp->f, dp->underlay.mac.addr_bytes, bcast, 0);
  dp->next_tick = rte_rdtsc();
  fwd_dp_publish_stats(dp);
  if (rc_out) *rc_out = 0;
  return dp;
fail:
  if (dp != NULL) fwd_dp_destroy(dp);
  if (rc_out) *rc_out = rc;
  return NULL;
}

void fwd_dp_destroy(fwd_dp *dp) {
  if (dp == NULL) return;
  for (uint32_t i = 0; i < FWD_DP_MAX_LAN; i++) port_close(dp, &dp->lan[i]);
  port_close(dp, &dp->underlay);
  fwd_destroy(dp->f);
  rte_ring_free(dp->ctl);
  rte_ring_free(dp->ev);
  rte_free(dp);
}

uint16_t fwd_dp_underlay_port(const fwd_dp *dp) { return dp->underlay.id; }
uint16_t fwd_dp_lan_port(const fwd_dp *dp, uint32_t index) { return dp->lan[index].id; }

/* ---- control and events ---- */

uint32_t fwd_dp_submit(fwd_dp *dp, const fwd_dp_cmd *cmds, uint32_t n) {
  return rte_ring_enqueue_burst_elem(dp->ctl, cmds, sizeof(fwd_dp_cmd), n, NULL);
}

static void push_event(fwd_dp *dp, fwd_dp_event *e) {
  if (rte_ring_enqueue_elem(dp->ev, e, sizeof *e) != 0) dp->events_lost++;
}

static void maybe_notify(fwd_dp *dp) {
  if (dp->cfg.notify == NULL || rte_ring_count(dp->ev) == 0) return;
  if (!atomic_exchange_explicit(&dp->notified, true, memory_order_acq_rel)) dp->cfg.notify(dp->cfg.opaque);
}

uint32_t fwd_dp_take_events(fwd_dp *dp, fwd_dp_event *out, uint32_t max) {
  /* Re-arm first: an event pushed after the dequeue below notifies again. */
  atomic_store_explicit(&dp->notified, false, memory_order_release);
  return rte_ring_dequeue_burst_elem(dp->ev, out, sizeof *out, max, NULL);
}

static void forget_vni(fwd_dp *dp, uint32_t vni) {
  for (uint32_t i = 0; i < dp->nlan; i++)
    if (dp->lan[i].st.vni == (int64_t)vni) dp->lan[i].st.vni = -1;
}

static int apply(fwd_dp *dp, const fwd_dp_cmd *c) {
  fwd *f = dp->f;
  switch (c->op) {
    case FWD_OP_NOP:
      return 0;
    case FWD_OP_SET_LOCAL_VTEP:
      return c->alen == 16 ? fwd_set_local_vtep6(f, c->addr) : c->alen == 4 ? fwd_set_local_vtep4(f, c->addr) : -EINVAL;
    case FWD_OP_SET_MTU:
      return fwd_set_mtu(f, c->value);
    case FWD_OP_SET_UNDERLAY_LINK:
      return fwd_set_underlay_link(f, dp->underlay.mac.addr_bytes, c->mac, c->vlan);
    case FWD_OP_BIND_VNI: {
      if (c->port >= dp->nlan) return -EINVAL;
      int rc = fwd_bind_vni(f, c->vni, c->port);
      if (rc == 0) {
        forget_vni(dp, c->vni);
        dp->lan[c->port].st.vni = c->vni;
      }
      return rc;
    }
    case FWD_OP_UNBIND_VNI: {
      int rc = fwd_unbind_vni(f, c->vni);
      if (rc == 0) forget_vni(dp, c->vni);
      return rc;
    }
    case FWD_OP_ADD_REMOTE_MAC:
      return fwd_add_remote_mac(f, c->vni, c->mac, c->addr, c->alen);
    case FWD_OP_REMOVE_REMOTE_MAC:
      return fwd_remove_remote_mac(f, c->vni, c->mac);
    case FWD_OP_ADD_FLOOD_VTEP:
      return fwd_add_flood_vtep(f, c->vni, c->addr, c->alen);
    case FWD_OP_REMOVE_FLOOD_VTEP:
      return fwd_remove_flood_vtep(f, c->vni, c->addr, c->alen);
    case FWD_OP_ADD_ALLOWED_VTEP:
      return fwd_add_allowed_vtep(f, c->vni, c->addr, c->alen);
    case FWD_OP_REMOVE_ALLOWED_VTEP:
      return fwd_remove_allowed_vtep(f, c->vni, c->addr, c->alen);
    case FWD_OP_FLUSH:
      fwd_flush(f, c->value != 0);
      return 0;
    default:
      return -EINVAL;
  }
}

void fwd_dp_apply_commands(fwd_dp *dp, uint32_t budget) {
  /* Every command may answer with one event: never take more than the event ring can hold. */
  const uint32_t room = rte_ring_free_count(dp->ev);
  if (budget > room) budget = room;
  fwd_dp_cmd batch[64];
  bool answered = false;
  while (budget > 0) {
    uint32_t want = budget < 64 ? budget : 64;
    uint32_t n = rte_ring_dequeue_burst_elem(dp->ctl, batch, sizeof batch[0], want, NULL);
    for (uint32_t i = 0; i < n; i++) {
      const fwd_dp_cmd *c = &batch[i];
      int rc = apply(dp, c);
      dp->commands++;
      if (rc < 0) dp->command_errors++;
      if (rc < 0 || (c->flags & FWD_CMD_ACK)) {
        fwd_dp_event e;
        memset(&e, 0, sizeof e);
        e.kind = rc < 0 ? FWD_EV_ERROR : FWD_EV_ACK;
        e.op = c->op;
        e.vni = c->tag;
        e.rc = (int16_t)rc;
        push_event(dp, &e);
        answered = true;
      }
    }
    if (n < want) break;
    budget -= n;
  }
  if (answered) maybe_notify(dp);
}

/* Every millisecond: learn events out, counters published; reassembly and FDB ageing in slices. */
void fwd_dp_housekeeping(fwd_dp *dp, uint64_t now_ms) {
  fwd_learn_event le[64];
  uint32_t n;
  while ((n = fwd_learn_drain(dp->f, le, 64)) > 0) {
    for (uint32_t i = 0; i < n; i++) {
      fwd_dp_event e;
      memset(&e, 0, sizeof e);
      e.kind = le[i].kind;
      e.port = le[i].port;
      e.vni = le[i].vni;
      memcpy(e.mac, le[i].mac, 6);
      push_event(dp, &e);
    }
  }
  maybe_notify(dp);
  if (dp->ticks % 100 == 0) fwd_expire(dp->f, now_ms);
  /* A full pass over the FDB takes about a second however large it is. */
  fwd_fdb_age_slice(dp->f, now_ms, 1000);
  dp->ticks++;
  fwd_dp_publish_stats(dp);
}

void fwd_dp_publish_stats(fwd_dp *dp) {
  const uint_fast64_t seq = atomic_load_explicit(&dp->stats_seq, memory_order_relaxed);
  fwd_dp_stats *s = &dp->published[(seq + 1) & 1];
  s->core = *fwd_get_stats(dp->f);
  s->underlay = dp->underlay.st;
  for (uint32_t i = 0; i < dp->nlan; i++) s->lan[i] = dp->lan[i].st;
  s->nlan = dp->nlan;
  s->no_mbuf = dp->no_mbuf;
  s->commands = dp->commands;
  s->command_errors = dp->command_errors;
  s->events_lost = dp->events_lost + s->core.learn_lost;
  s->polls = dp->polls;
  s->fdb_entries = fwd_fdb_count(dp->f);
  s->reassembly_in_flight = fwd_reassembly_held(dp->f);
  atomic_store_explicit(&dp->stats_seq, seq + 1, memory_order_release);
}

void fwd_dp_read_stats(fwd_dp *dp, fwd_dp_stats *out) {
  for (;;) {
    const uint_fast64_t a = atomic_load_explicit(&dp->stats_seq, memory_order_acquire);
    memcpy(out, &dp->published[a & 1], sizeof *out);
    atomic_thread_fence(memory_order_acquire);
    /* Still a: the lcore has not begun overwriting this buffer (it writes the other one next). */
    if (atomic_load_explicit(&dp->stats_seq, memory_order_relaxed) == a) return;
  }
}

/* The forwarder's DPDK-side state (internal to fwd_dp*.c). */
#ifndef EVPN6_FWD_DP_INTERNAL_H
#define EVPN6_FWD_DP_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "fwd_dp.h"

#define FWD_DP_BURST 32
/* Frames buffered per destination before a TX burst is forced. */
#define FWD_DP_TXQ 256
/* Segments one LAN frame may turn into: every flood destination times its fragments. */
#define FWD_DP_MAX_SEGS 512
#define FWD_DP_CTL_RING 65536
#define FWD_DP_EV_RING 65536

typedef struct fwd_dp_txq {
  uint16_t n;
  struct rte_mbuf *pkts[FWD_DP_TXQ];
} fwd_dp_txq;

typedef struct fwd_dp_port {
  uint16_t id;          /* ethdev port */
  int32_t tap;          /* ethdev port of its TAP, or -1 */
  bool started;         /* the port itself was started (and must be stopped) */
  char tap_vdev[FWD_DP_NAME + 16];
  struct rte_ether_addr mac;
  fwd_dp_txq tx, tap_tx;
  fwd_dp_port_stats st;
} fwd_dp_port;

struct fwd_dp {
  fwd_dp_config cfg;
  fwd *f;
  struct rte_mempool *pkt_pool;   /* direct mbufs with room for a full frame */
  struct rte_mempool *hdr_pool;   /* outer headers and indirect clones */
  struct rte_ring *ctl;           /* fwd_dp_cmd, one producer (the control thread), one consumer */
  struct rte_ring *ev;            /* fwd_dp_event, one producer (the lcore), one consumer */
  fwd_dp_port underlay;
  fwd_dp_port lan[FWD_DP_MAX_LAN];
  uint32_t nlan;

  uint64_t tsc_per_ms;
  uint64_t next_tick;             /* TSC of the next housekeeping tick */
  uint64_t ticks;
  uint32_t idle;                  /* empty polls in a row */
  fwd_tx_seg segs[FWD_DP_MAX_SEGS];

  uint64_t no_mbuf, commands, command_errors, events_lost, polls;

  atomic_bool stop;
  atomic_bool notified;           /* notify called, events not yet taken */
  /*
   * Counters in two buffers: the lcore fills published[(n + 1) & 1] and then sets stats_seq to
   * n + 1, so the buffer stats_seq names is always complete and a reader never waits for an lcore
   * that was preempted in the middle of a write.
   */
  atomic_uint_fast64_t stats_seq;
  fwd_dp_stats published[2];
};

/* fwd_dp_loop.c */
void fwd_dp_txq_flush(fwd_dp *dp, fwd_dp_txq *q, uint16_t port, uint64_t *sent, uint64_t *dropped);
/* fwd_dp.c */
void fwd_dp_apply_commands(fwd_dp *dp, uint32_t budget);
void fwd_dp_housekeeping(fwd_dp *dp, uint64_t now_ms);
void fwd_dp_publish_stats(fwd_dp *dp);

#endif

/*
 * The lcore loop: underlay RX (decap, reassembly, exceptions to the TAP), LAN RX (learn, encap,
 * head-end replication with clones, fragmentation), TAP RX (out of the port), and between bursts the
 * control ring and housekeeping.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_pause.h>
#include <rte_prefetch.h>

#include "fwd_dp_internal.h"

void fwd_dp_txq_flush(fwd_dp *dp, fwd_dp_txq *q, uint16_t port, uint64_t *sent, uint64_t *dropped) {
  (void)dp;
  uint16_t done = 0;
  /* A full TX ring gets a few more chances; after that the rest is dropped, never waited for. */
  for (int tries = 0; done < q->n && tries < 4; tries++) done += rte_eth_tx_burst(port, 0, q->pkts + done, q->n - done);
  *sent += done;
  if (done < q->n) {
    *dropped += q->n - done;
    rte_pktmbuf_free_bulk(q->pkts + done, q->n - done);
  }
  q->n = 0;
}

static inline void txq_push(fwd_dp *dp, fwd_dp_txq *q, uint16_t port, uint64_t *sent, uint64_t *dropped, struct rte_mbuf *m) {
  if (q->n == FWD_DP_TXQ) fwd_dp_txq_flush(dp, q, port, sent, dropped);
  q->pkts[q->n++] = m;
}

static inline void to_port(fwd_dp *dp, fwd_dp_port *p, struct rte_mbuf *m) {
  txq_push(dp, &p->tx, p->id, &p->st.tx, &p->st.tx_dropped, m);
}

static inline void to_tap(fwd_dp *dp, fwd_dp_port *p, struct rte_mbuf *m) {
  if (p->tap < 0) {
    p->st.tap_dropped++;
    rte_pktmbuf_free(m);
    return;
  }
  txq_push(dp, &p->tap_tx, (uint16_t)p->tap, &p->st.to_tap, &p->st.tap_dropped, m);
}

/* A new mbuf (chain) holding a copy of data: for frames that live in the reassembly table. */
static struct rte_mbuf *copy_out(fwd_dp *dp, const uint8_t *data, uint32_t len) {
  struct rte_mbuf *head = rte_pktmbuf_alloc(dp->pkt_pool);
  if (head == NULL) {
    dp->no_mbuf++;
    return NULL;
  }
  struct rte_mbuf *tail = head;
  uint32_t done = 0;
  for (;;) {
    uint16_t room = rte_pktmbuf_tailroom(tail);
    uint32_t n = len - done < room ? len - done : room;
    memcpy(rte_pktmbuf_append(tail, (uint16_t)n), data + done, n);
    if (tail != head) head->pkt_len += n;
    done += n;
    if (done == len) return head;
    struct rte_mbuf *next = rte_pktmbuf_alloc(dp->pkt_pool);
    if (next == NULL) {
      dp->no_mbuf++;
      rte_pktmbuf_free(head);
      return NULL;
    }
    tail->next = next;
    head->nb_segs++;
    tail = next;
  }
}

/* The packet path reads frames as one buffer; a chained RX mbuf (jumbo) is made flat first. */
static inline bool flat(struct rte_mbuf *m) { return m->nb_segs == 1 || rte_pktmbuf_linearize(m) == 0; }

static void underlay_rx(fwd_dp *dp, struct rte_mbuf *m, uint64_t now) {
  fwd_dp_port *u = &dp->underlay;
  if (!flat(m)) {
    u->st.tap_dropped++;
    rte_pktmbuf_free(m);
    return;
  }
  uint8_t *data = rte_pktmbuf_mtod(m, uint8_t *);
  fwd_rx_result r = fwd_underlay_rx(dp->f, data, m->data_len, now);
  if (r.action == FWD_RX_DELIVER) {
    if (r.port >= dp->nlan) { /* bound through the core to a port this glue does not have */
      rte_pktmbuf_free(m);
      return;
    }
    fwd_dp_port *lp = &dp->lan[r.port];
    struct rte_mbuf *out;
    if (!r.reassembled) {
      /* Decapsulation in place: only the mbuf's window moves. */
      rte_pktmbuf_adj(m, (uint16_t)(r.data - data));
      rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - r.len));
      out = m;
    } else {
      out = copy_out(dp, r.data, r.len);
      rte_pktmbuf_free(m);
      if (out == NULL) return;
    }
    out->ol_flags = 0;
    lp->st.delivered++;
    to_port(dp, lp, out);
    return;
  }
  if (r.action == FWD_RX_EXCEPTION) {
    if (!r.reassembled) {
      to_tap(dp, u, m);
      return;
    }
    struct rte_mbuf *out = copy_out(dp, r.data, r.len);
    rte_pktmbuf_free(m);
    if (out != NULL) to_tap(dp, u, out);
    return;
  }
  /* Dropped (counted by the core) or a fragment now held by the reassembly table. */
  rte_pktmbuf_free(m);
}

/*
 * Sends the planned outer frames of one LAN frame. Each segment is its header in a small mbuf
 * chained to a clone of the inner frame trimmed to the segment's range; the last segment that
 * starts at the frame's first byte instead takes the header in the frame's own headroom, so a
 * frame to a single VTEP that needs no fragmentation goes out with no allocation at all.
 */
static void emit(fwd_dp *dp, struct rte_mbuf *m, uint32_t nsegs) {
  fwd_dp_port *u = &dp->underlay;
  const fwd_tx_seg *segs = dp->segs;
  int32_t own = -1;
  for (int32_t k = (int32_t)nsegs - 1; k >= 0; k--)
    if (segs[k].inner_off == 0) {
      own = k;
      break;
    }
  if (own >= 0 && rte_pktmbuf_headroom(m) < segs[own].hdr_len) own = -1;
  for (uint32_t k = 0; k < nsegs; k++) {
    if ((int32_t)k == own) continue;
    const fwd_tx_seg *s = &segs[k];
    struct rte_mbuf *h = rte_pktmbuf_alloc(dp->hdr_pool);
    struct rte_mbuf *c = h != NULL ? rte_pktmbuf_clone(m, dp->hdr_pool) : NULL;
    if (c == NULL) {
      dp->no_mbuf++;
      rte_pktmbuf_free(h);
      continue;
    }
    memcpy(rte_pktmbuf_append(h, s->hdr_len), s->hdr, s->hdr_len);
    rte_pktmbuf_adj(c, s->inner_off);
    rte_pktmbuf_trim(c, (uint16_t)(c->pkt_len - s->inner_len));
    if (rte_pktmbuf_chain(h, c) != 0) {
      dp->no_mbuf++;
      rte_pktmbuf_free(h);
      rte_pktmbuf_free(c);
      continue;
    }
    to_port(dp, u, h);
  }
  if (own < 0) {
    rte_pktmbuf_free(m);
    return;
  }
  /* Clones above keep their own windows; this only moves m's (its tail and its headroom). */
  const fwd_tx_seg *s = &segs[own];
  rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - s->inner_len));
  memcpy(rte_pktmbuf_prepend(m, s->hdr_len), s->hdr, s->hdr_len);
  m->ol_flags = 0;
  to_port(dp, u, m);
}

static void lan_rx(fwd_dp *dp, uint16_t index, struct rte_mbuf *m, uint64_t now) {
  fwd_dp_port *lp = &dp->lan[index];
  if (!flat(m)) {
    lp->st.tap_dropped++;
    rte_pktmbuf_free(m);
    return;
  }
  uint8_t *data = rte_pktmbuf_mtod(m, uint8_t *);
  const uint32_t len = m->data_len;
  /* Frames for the host itself (the TAP carries the port's MAC) belong to the kernel. */
  if (lp->tap >= 0 && len >= 6 && memcmp(data, lp->mac.addr_bytes, 6) == 0) {
    to_tap(dp, lp, m);
    return;
  }
  fwd_lan_result r = fwd_lan_rx(dp->f, index, data, len, now, dp->segs, FWD_DP_MAX_SEGS);
  if (r.action == FWD_LAN_ENCAP) {
    lp->st.encapsulated++;
    emit(dp, m, r.nsegs);
    return;
  }
  /* A port with no VNI behaves as a plain kernel interface. */
  if (r.reason == FWD_R_LAN_PORT_UNBOUND) to_tap(dp, lp, m);
  else rte_pktmbuf_free(m);
}

/* What the kernel sends through a TAP leaves through its port unchanged. */
static uint32_t tap_rx(fwd_dp *dp, fwd_dp_port *p) {
  if (p->tap < 0) return 0;
  struct rte_mbuf *pkts[FWD_DP_BURST];
  uint16_t n = rte_eth_rx_burst((uint16_t)p->tap, 0, pkts, FWD_DP_BURST);
  for (uint16_t i = 0; i < n; i++) {
    p->st.from_tap++;
    to_port(dp, p, pkts[i]);
  }
  return n;
}

static void flush_all(fwd_dp *dp) {
  fwd_dp_port *u = &dp->underlay;
  if (u->tx.n) fwd_dp_txq_flush(dp, &u->tx, u->id, &u->st.tx, &u->st.tx_dropped);
  if (u->tap_tx.n) fwd_dp_txq_flush(dp, &u->tap_tx, (uint16_t)u->tap, &u->st.to_tap, &u->st.tap_dropped);
  for (uint32_t i = 0; i < dp->nlan; i++) {
    fwd_dp_port *p = &dp->lan[i];
    if (p->tx.n) fwd_dp_txq_flush(dp, &p->tx, p->id, &p->st.tx, &p->st.tx_dropped);
    if (p->tap_tx.n) fwd_dp_txq_flush(dp, &p->tap_tx, (uint16_t)p->tap, &p->st.to_tap, &p->st.tap_dropped);
  }
}

uint32_t fwd_dp_poll(fwd_dp *dp) {
  const uint64_t tsc = rte_rdtsc();
  const uint64_t now = tsc / dp->tsc_per_ms;
  struct rte_mbuf *pkts[FWD_DP_BURST];
  uint32_t total = 0;
  dp->polls++;

  uint16_t n = rte_eth_rx_burst(dp->underlay.id, 0, pkts, FWD_DP_BURST);
  dp->underlay.st.rx += n;
  for (uint16_t i = 0; i < n; i++) {
    if (i + 1 < n) rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
    underlay_rx(dp, pkts[i], now);
  }
  total += n;
  for (uint16_t p = 0; p < dp->nlan; p++) {
    n = rte_eth_rx_burst(dp->lan[p].id, 0, pkts, FWD_DP_BURST);
    dp->lan[p].st.rx += n;
    for (uint16_t i = 0; i < n; i++) {
      if (i + 1 < n) rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
      lan_rx(dp, p, pkts[i], now);
    }
    total += n;
  }
  total += tap_rx(dp, &dp->underlay);
  for (uint32_t p = 0; p < dp->nlan; p++) total += tap_rx(dp, &dp->lan[p]);
  flush_all(dp);

  /* Control operations between bursts: a few while busy, many while idle (a bulk FDB load). */
  fwd_dp_apply_commands(dp, total > 0 ? 64 : 4096);
  if (tsc >= dp->next_tick) {
    dp->next_tick = tsc + dp->tsc_per_ms;
    fwd_dp_housekeeping(dp, now);
  }
  return total;
}

void fwd_dp_request_stop(fwd_dp *dp) { atomic_store_explicit(&dp->stop, true, memory_order_release); }

void fwd_dp_run(fwd_dp *dp) {
  while (!atomic_load_explicit(&dp->stop, memory_order_acquire)) {
    if (fwd_dp_poll(dp) > 0 || rte_ring_count(dp->ctl) > 0) {
      dp->idle = 0;
      continue;
    }
    if (dp->cfg.idle_sleep_us == 0 || ++dp->idle < dp->cfg.idle_polls) {
      rte_pause();
      continue;
    }
    /* An idle forwarder on a shared machine: give the core back between polls. */
    struct timespec ts = {0, (long)dp->cfg.idle_sleep_us * 1000};
    nanosleep(&ts, NULL);
  }
  fwd_dp_publish_stats(dp);
}

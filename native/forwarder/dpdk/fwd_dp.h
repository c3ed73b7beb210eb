/*
 * evpn6 forwarder on DPDK: EAL, ports, mbufs, the lcore loop and its rings, around the plain-C core
 * (../core/fwd.h). Plain C, no Node: the Node binding (../binding/) and the C tests and benchmark
 * use the same calls.
 *
 * Threads: one "lcore" thread calls fwd_dp_run (or fwd_dp_poll) and owns the core and every port.
 * One control thread may call fwd_dp_submit, fwd_dp_take_events and fwd_dp_read_stats at any time;
 * none of them blocks.
 *
 * Ports: one underlay port and up to FWD_DP_MAX_LAN LAN ports, each an ethdev already created by
 * EAL (a PCI NIC, `--vdev net_af_packet0,iface=...`, net_ring, ...), named as EAL names it. Each
 * may have a TAP exception interface, which fwd_dp_create makes (net_tap, same MAC as the port):
 * what the fast path does not handle goes to the kernel through it, what the kernel sends on it
 * leaves through the port.
 */
#ifndef EVPN6_FWD_DP_H
#define EVPN6_FWD_DP_H

#include <stddef.h>
#include <stdint.h>

#include "fwd.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FWD_DP_MAX_LAN 16
#define FWD_DP_NAME 48

/* ---- control commands (JS -> lcore), applied in order between bursts ----------------------- */

enum fwd_dp_op {
  FWD_OP_NOP = 0,                 /* does nothing; with FWD_CMD_ACK, a barrier */
  FWD_OP_SET_LOCAL_VTEP = 1,      /* addr, alen (16 or 4) */
  FWD_OP_SET_MTU = 2,             /* value */
  FWD_OP_SET_UNDERLAY_LINK = 3,   /* mac = next hop, vlan; the source is the underlay port's MAC */
  FWD_OP_BIND_VNI = 4,            /* vni, port (LAN port index) */
  FWD_OP_UNBIND_VNI = 5,          /* vni */
  FWD_OP_ADD_REMOTE_MAC = 6,      /* vni, mac, addr, alen */
  FWD_OP_REMOVE_REMOTE_MAC = 7,   /* vni, mac */
  FWD_OP_ADD_FLOOD_VTEP = 8,      /* vni, addr, alen */
  FWD_OP_REMOVE_FLOOD_VTEP = 9,
  FWD_OP_ADD_ALLOWED_VTEP = 10,
  FWD_OP_REMOVE_ALLOWED_VTEP = 11,
  FWD_OP_FLUSH = 12,              /* value: 0 learned MACs only, 1 remote entries too */
  FWD_OP_COUNT
};

/* Report this command's completion as a FWD_EV_ACK event (errors are always reported). */
#define FWD_CMD_ACK 1

/*
 * Fixed-size, little-endian as the host writes it; packages/router/src/forwarder/commands.ts
 * writes the same layout (keep the two in step; FWD_DP_ABI changes when it changes).
 */
typedef struct fwd_dp_cmd {
  uint8_t op;
  uint8_t flags;
  uint8_t alen;
  uint8_t reserved;
  uint32_t tag;      /* echoed in the ACK / ERROR event */
  uint32_t vni;
  uint16_t port;
  uint16_t vlan;
  uint32_t value;
  uint8_t mac[6];
  uint8_t reserved2[2];
  uint8_t addr[16];
} fwd_dp_cmd;

/* ---- events (lcore -> JS) ------------------------------------------------------------------- */

enum fwd_dp_event_kind {
  FWD_EV_LEARNED = FWD_LEARN_NEW,
  FWD_EV_MOVED = FWD_LEARN_MOVED,
  FWD_EV_AGED = FWD_LEARN_AGED,
  FWD_EV_ACK = 16,    /* tag = the command's tag, op = its op */
  FWD_EV_ERROR = 17,  /* a command failed: tag, op, rc = -errno */
};

typedef struct fwd_dp_event {
  uint8_t kind;
  uint8_t op;
  uint16_t port;
  uint32_t vni;      /* ACK / ERROR: the command's tag */
  uint8_t mac[6];
  int16_t rc;
} fwd_dp_event;

#define FWD_DP_ABI 1

/* ---- configuration ----------------------------------------------------------------------------- */

typedef struct fwd_dp_port_config {
  char device[FWD_DP_NAME];   /* ethdev name as EAL knows it */
  char tap[FWD_DP_NAME];      /* TAP interface to create for it, or "" for none */
} fwd_dp_port_config;

typedef struct fwd_dp_config {
  fwd_config core;
  fwd_dp_port_config underlay;
  fwd_dp_port_config lan[FWD_DP_MAX_LAN];
  uint32_t nlan;
  uint32_t mbufs;             /* packet buffers; default 8191 */
  uint16_t rx_desc, tx_desc;  /* default 1024 each */
  /*
   * After this many empty polls in a row, sleep idle_sleep_us between polls (0: busy-poll forever,
   * as in production; tests on shared machines set it so an idle forwarder does not burn a core).
   */
  uint32_t idle_polls;
  uint32_t idle_sleep_us;
  /* Called on the lcore when events are waiting and the last call has been consumed. */
  void (*notify)(void *opaque);
  void *opaque;
} fwd_dp_config;

/* ---- counters ---------------------------------------------------------------------------------- */

typedef struct fwd_dp_port_stats {
  uint64_t rx, tx, tx_dropped;     /* frames on the port itself */
  uint64_t to_tap, from_tap, tap_dropped;
  uint64_t encapsulated, delivered;/* LAN ports: frames in / out of the tunnels */
  int64_t vni;                     /* LAN ports: the VNI bound to it, or -1 */
} fwd_dp_port_stats;

typedef struct fwd_dp_stats {
  fwd_stats core;
  fwd_dp_port_stats underlay;
  fwd_dp_port_stats lan[FWD_DP_MAX_LAN];
  uint32_t nlan;
  uint64_t no_mbuf;            /* clones / copies that found the pools empty */
  uint64_t commands, command_errors, events_lost;
  uint64_t polls;
  uint64_t fdb_entries, reassembly_in_flight;
} fwd_dp_stats;

/* ---- calls --------------------------------------------------------------------------------- */

/*
 * Initialises EAL once per process on the calling thread (argv[0] is the program name). 0, or a
 * negative errno; -EALREADY when EAL was initialised before (by this call or not). `err` receives
 * a reason on failure.
 */
int fwd_dp_eal_init(int argc, char **argv, char *err, size_t errlen);

typedef struct fwd_dp fwd_dp;

/* Sets up pools, rings, TAPs and ports and starts the ports. NULL on failure, with *rc and err. */
fwd_dp *fwd_dp_create(const fwd_dp_config *config, int *rc, char *err, size_t errlen);
/* Stops the ports, removes the TAPs, frees everything. On the lcore thread, after fwd_dp_run. */
void fwd_dp_destroy(fwd_dp *dp);

/* One iteration of the loop: every RX queue once, the control ring, housekeeping. Returns frames received. */
uint32_t fwd_dp_poll(fwd_dp *dp);
/* Polls until fwd_dp_request_stop. */
void fwd_dp_run(fwd_dp *dp);
void fwd_dp_request_stop(fwd_dp *dp);

/* Enqueues up to n commands; returns how many went in (the rest: try again later). */
uint32_t fwd_dp_submit(fwd_dp *dp, const fwd_dp_cmd *cmds, uint32_t n);
/* Dequeues up to max events. Re-arms notify: the next pushed event calls it again. */
uint32_t fwd_dp_take_events(fwd_dp *dp, fwd_dp_event *out, uint32_t max);
/* A consistent snapshot, as the lcore last published it (about every millisecond); never waits for the lcore. */
void fwd_dp_read_stats(fwd_dp *dp, fwd_dp_stats *out);

/* The ethdev port ids behind the configured ports (tests and benchmarks drive rings through them). */
uint16_t fwd_dp_underlay_port(const fwd_dp *dp);
uint16_t fwd_dp_lan_port(const fwd_dp *dp, uint32_t index);

#ifdef __cplusplus
}
#endif
#endif

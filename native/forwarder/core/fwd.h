/*
 * evpn6 forwarder core: the VXLAN-over-IPv6 packet path on plain byte buffers.
 *
 * No EAL, no mbufs, no I/O, no malloc on the packet path (tables are sized and allocated once in
 * fwd_init). The DPDK glue hands packet data in and gets back what to do with it; the same code runs
 * under the unit tests and under libFuzzer. The TypeScript package @evpn6/vxlan is the reference
 * model: byte layouts, the flow hash and drop reason names are the same on both sides.
 *
 * Threading: one struct fwd per lcore; control functions are called on the owning lcore (the glue
 * drains a ring of control operations between bursts).
 */
#ifndef EVPN6_FWD_H
#define EVPN6_FWD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FWD_VXLAN_PORT 4789
#define FWD_ETH_HLEN 14
#define FWD_IPV6_HLEN 40
#define FWD_IPV4_HLEN 20
#define FWD_FRAG_HLEN 8
#define FWD_UDP_HLEN 8
#define FWD_VXLAN_HLEN 8
/* Same bound as @evpn6/vxlan's MAX_VLAN_TAGS: deeper stacks are dropped, not walked. */
#define FWD_MAX_VLAN_TAGS 4
/* Outer link header of our own frames: Ethernet plus at most one 802.1Q tag. */
#define FWD_MAX_LINK_HLEN 18
/* Largest header a fragment of ours needs: link + IPv6 + fragment + UDP + VXLAN. */
#define FWD_MAX_HDR 96
/* Most fragments one encapsulated frame may turn into (9216-byte jumbo frame at the 1280 minimum MTU: 8). */
#define FWD_MAX_FRAGS 16

/* ---- drop and exception reasons -------------------------------------------------------------- */

/*
 * One counter per reason. The names of the first block are @evpn6/vxlan's DropReason strings; the
 * rest exist only here (forwarding decisions the TS codec does not make).
 */
#define FWD_REASONS(X)                                                      \
  X(TRUNCATED, "truncated")                                                 \
  X(TOO_MANY_VLAN_TAGS, "too-many-vlan-tags")                               \
  X(NOT_IP, "not-ip")                                                       \
  X(BAD_IP_VERSION, "bad-ip-version")                                       \
  X(BAD_IP_LENGTH, "bad-ip-length")                                         \
  X(BAD_IPV4_CHECKSUM, "bad-ipv4-checksum")                                 \
  X(IPV4_FRAGMENT, "ipv4-fragment")                                         \
  X(NOT_LOCAL_ADDRESS, "not-local-address")                                 \
  X(HOP_BY_HOP_NOT_FIRST, "hop-by-hop-not-first")                           \
  X(ROUTING_SEGMENTS_LEFT, "routing-segments-left")                         \
  X(UNKNOWN_NEXT_HEADER, "unknown-next-header")                             \
  X(NOT_UDP, "not-udp")                                                     \
  X(BAD_UDP_LENGTH, "bad-udp-length")                                       \
  X(UDP_ZERO_CHECKSUM, "udp-zero-checksum")                                 \
  X(BAD_UDP_CHECKSUM, "bad-udp-checksum")                                   \
  X(NOT_VXLAN_PORT, "not-vxlan-port")                                       \
  X(VXLAN_FLAG_NOT_SET, "vxlan-i-flag-not-set")                             \
  X(INNER_FRAME_TOO_SHORT, "inner-frame-too-short")                         \
  X(FRAGMENT_BAD_LENGTH, "fragment-bad-length")                             \
  X(FRAGMENT_NESTED, "fragment-nested")                                     \
  X(FRAGMENT_INCOMPLETE_CHAIN, "fragment-incomplete-header-chain")          \
  X(FRAGMENT_DUPLICATE, "fragment-duplicate")                               \
  X(FRAGMENT_OF_DISCARDED, "fragment-of-discarded-datagram")                \
  X(FRAGMENT_OVER_LIMIT, "fragment-over-memory-limit")                      \
  X(REASSEMBLY_OVERLAP, "reassembly-overlap")                               \
  X(REASSEMBLY_BAD_END, "reassembly-bad-end")                               \
  X(REASSEMBLY_TIMEOUT, "reassembly-timeout")                               \
  X(REASSEMBLY_EVICTED_PER_SOURCE, "reassembly-evicted-per-source")         \
  X(REASSEMBLY_EVICTED_GLOBAL, "reassembly-evicted-global")                 \
  /* forwarder-only */                                                      \
  X(VTEP_NOT_ALLOWED, "vtep-not-allowed")                                   \
  X(UNKNOWN_VNI, "unknown-vni")                                             \
  X(LAN_PORT_UNBOUND, "lan-port-unbound")                                   \
  X(LAN_FRAME_TOO_SHORT, "lan-frame-too-short")                             \
  X(LAN_SAME_PORT, "lan-same-port")                                         \
  X(NO_FLOOD_VTEP, "no-flood-vtep")                                         \
  X(NO_LOCAL_VTEP, "no-local-vtep")                                         \
  X(TOO_BIG, "too-big")                                                     \
  X(TX_OVERFLOW, "tx-overflow")

enum fwd_reason {
#define FWD_REASON_ENUM(id, name) FWD_R_##id,
  FWD_REASONS(FWD_REASON_ENUM)
#undef FWD_REASON_ENUM
  FWD_REASON_COUNT
};

/* The reason's name ("truncated", ...) or NULL for an out-of-range value. */
const char *fwd_reason_name(int reason);
/* The reason with that name, or -1. */
int fwd_reason_from_name(const char *name);

/* ---- checksum and hashes (fwd_hash.c) -------------------------------------------------------- */

/* Unfolded ones' complement sum of big-endian 16-bit words (odd tail padded with zero). */
uint64_t fwd_sum16(const uint8_t *p, size_t n, uint64_t sum);
/* Folds to 16 bits with end-around carry. */
uint16_t fwd_fold(uint64_t sum);

/*
 * Hash of the inner frame's flow fields: the same function as @evpn6/vxlan's innerFlowHash
 * (flow-hash.ts), so a frame gets the same outer source port from either implementation.
 */
uint32_t fwd_inner_flow_hash(const uint8_t *frame, size_t len, uint32_t seed);
/* 49152 + 14 bits of the hash (RFC 7348 §5), as sourcePortFor. */
uint16_t fwd_source_port(const uint8_t *frame, size_t len);
/* IPv6 flow label derived from the source port, as VxlanEncapsulator.flowLabelFor. */
uint32_t fwd_flow_label(uint16_t source_port);

/*
 * Fragment identifications: a per-core xorshift32 stream. xorshift32 is a permutation of the
 * nonzero 32-bit values with period 2^32 - 1, so ids never repeat among the datagrams any one core
 * has in flight (at 10M fragmented datagrams/s a full period takes over 7 minutes, far past the
 * 60 s reassembly lifetime); seeding from a caller's random value keeps them unpredictable.
 */
typedef struct fwd_idgen {
  uint32_t state;
} fwd_idgen;
void fwd_idgen_seed(fwd_idgen *g, uint64_t seed);
uint32_t fwd_idgen_next(fwd_idgen *g);

/* ---- parsing (fwd_parse.c) ------------------------------------------------------------------- */

/* Where a walk of an IPv6 header chain ended (fields as @evpn6/vxlan's Ipv6Chain). */
typedef struct fwd_chain {
  uint32_t upper_off;      /* offset of the upper-layer header */
  int upper_proto;         /* upper-layer protocol, -1 when the walk stopped at a fragment header */
  int frag_off;            /* offset of the fragment header, or -1 */
  uint32_t next_field_off; /* byte naming the header at frag_off (or the upper layer) */
  uint32_t unfrag_end;     /* end of the part a fragmenter repeats (RFC 8200 §4.5) */
  uint32_t unfrag_next_field_off;
} fwd_chain;

/*
 * Offset of the payload of the Ethernet frame in buf[0, len), VLAN tags skipped (the EtherType is
 * the 16 bits before it); -1 when truncated, -2 with more than FWD_MAX_VLAN_TAGS tags.
 */
int fwd_eth_payload_offset(const uint8_t *buf, uint32_t len);
/* Returns -1 (reached UDP or, with stop_at_fragment, a fragment header) or an enum fwd_reason. */
int fwd_walk_ipv6(const uint8_t *buf, uint32_t ip, uint32_t end, bool stop_at_fragment, fwd_chain *out);
int fwd_walk_after_fragment(const uint8_t *buf, uint32_t frag, uint32_t end, fwd_chain *out);

/* ---- reassembly (fwd_reasm.c) ---------------------------------------------------------------- */

struct fwd_reasm;
typedef struct fwd_reasm_config {
  uint32_t slots;          /* datagrams held at once (global bound); default 256 */
  uint32_t slot_bytes;     /* largest reassembled IPv6 payload; default 9600 */
  uint32_t per_source;     /* datagrams held at once per source address; default 32 */
  uint64_t timeout;        /* lifetime from the first fragment, in the unit of `now`; default 60000 */
} fwd_reasm_config;

/* ---- the forwarder (fwd.c) ------------------------------------------------------------------- */

typedef struct fwd_config {
  uint32_t fdb_entries;    /* FDB capacity (rounded up to a power of two, kept <= 3/4 full); default 65536 */
  uint32_t max_vteps;      /* remote VTEPs known at once; <= 256; default 256 */
  uint32_t max_vnis;       /* VNIs bound at once; default 256 */
  uint32_t max_ports;      /* LAN ports; default 16 */
  uint64_t fdb_age;        /* a local MAC not seen for this long is forgotten (unit of `now`); default 300000 */
  uint64_t random_seed;    /* seeds fragment identifications */
  fwd_reasm_config reasm;
} fwd_config;

struct fwd;
typedef struct fwd fwd;

/* Allocates every table (the only allocations). NULL on bad config or out of memory. */
fwd *fwd_create(const fwd_config *config);
void fwd_destroy(fwd *f);

/* Control operations; 0 on success, negative errno-style values (-EINVAL, -ENOSPC, -ENOENT). */
int fwd_set_local_vtep6(fwd *f, const uint8_t addr[16]);
int fwd_set_local_vtep4(fwd *f, const uint8_t addr[4]);
/* Largest outer IP packet the underlay carries (1280..65535 for IPv6). */
int fwd_set_mtu(fwd *f, uint32_t mtu);
/* Outer link header of every frame we send: our MAC, the next hop's MAC, VLAN id (0 = untagged). */
int fwd_set_underlay_link(fwd *f, const uint8_t src_mac[6], const uint8_t dst_mac[6], uint16_t vlan);
int fwd_bind_vni(fwd *f, uint32_t vni, uint16_t lan_port);
int fwd_unbind_vni(fwd *f, uint32_t vni);
/* addr is 16 bytes (IPv6 VTEP) or 4 (IPv4), `alen` says which. */
int fwd_add_remote_mac(fwd *f, uint32_t vni, const uint8_t mac[6], const uint8_t *addr, int alen);
int fwd_remove_remote_mac(fwd *f, uint32_t vni, const uint8_t mac[6]);
int fwd_add_flood_vtep(fwd *f, uint32_t vni, const uint8_t *addr, int alen);
int fwd_remove_flood_vtep(fwd *f, uint32_t vni, const uint8_t *addr, int alen);
int fwd_add_allowed_vtep(fwd *f, uint32_t vni, const uint8_t *addr, int alen);
int fwd_remove_allowed_vtep(fwd *f, uint32_t vni, const uint8_t *addr, int alen);
/* Forgets every learned (local) MAC, and with `remote` every control-plane entry too. */
void fwd_flush(fwd *f, bool remote);

/* MAC learning events for the control plane (the glue forwards them as the learn ring). */
enum fwd_learn_kind { FWD_LEARN_NEW = 1, FWD_LEARN_MOVED = 2, FWD_LEARN_AGED = 3 };
typedef struct fwd_learn_event {
  uint32_t vni;
  uint8_t mac[6];
  uint16_t port;
  uint8_t kind;
} fwd_learn_event;
/* Copies up to `max` pending events out; returns the count. Events beyond the ring are counted lost. */
uint32_t fwd_learn_drain(fwd *f, fwd_learn_event *out, uint32_t max);
/* Ages local FDB entries not seen since now - fdb_age (emits FWD_LEARN_AGED). Returns how many. */
uint32_t fwd_fdb_age(fwd *f, uint64_t now);
/*
 * The same, over 1/slices of the table from where the last call stopped, so the lcore can age a
 * table of millions of entries in bounded slices between bursts (`slices` calls make a full pass).
 */
uint32_t fwd_fdb_age_slice(fwd *f, uint64_t now, uint32_t slices);

typedef struct fwd_fdb_entry_view {
  bool found;
  bool remote;
  uint16_t port;           /* local entries */
  uint8_t vtep[16];        /* remote entries */
  int vtep_len;
  uint64_t last_seen;
} fwd_fdb_entry_view;
fwd_fdb_entry_view fwd_fdb_lookup(const fwd *f, uint32_t vni, const uint8_t mac[6]);
uint32_t fwd_fdb_count(const fwd *f);

/*
 * One outer frame (or fragment) to send: `hdr` is written in front of inner[inner_off, inner_off +
 * inner_len). With mbufs, the glue prepends `hdr` to an indirect mbuf (a clone) of the inner frame
 * trimmed to that range, so head-end replication never copies the payload.
 */
typedef struct fwd_tx_seg {
  uint16_t hdr_len;
  uint16_t inner_off;
  uint16_t inner_len;
  uint8_t hdr[FWD_MAX_HDR];
} fwd_tx_seg;

/* A LAN frame's fate. */
enum fwd_lan_action { FWD_LAN_DROP = 0, FWD_LAN_ENCAP = 1 };
typedef struct fwd_lan_result {
  int action;
  int reason;              /* FWD_LAN_DROP */
  uint32_t vni;
  uint32_t nsegs;          /* FWD_LAN_ENCAP: segs[0, nsegs) */
} fwd_lan_result;

/*
 * A frame received on LAN port `port`: learn its source MAC, then encapsulate toward the VTEP that
 * owns the destination, or replicate to the VNI's flood list (miss or BUM). The caller passes room
 * for `max_segs` segments.
 */
fwd_lan_result fwd_lan_rx(fwd *f, uint16_t port, const uint8_t *frame, uint32_t len, uint64_t now,
                          fwd_tx_seg *segs, uint32_t max_segs);

/* An underlay frame's fate. */
enum fwd_rx_action {
  FWD_RX_DROP = 0,      /* counted under `reason` */
  FWD_RX_EXCEPTION = 1, /* not for the fast path: to the TAP; `reason` says why */
  FWD_RX_PENDING = 2,   /* a fragment was stored */
  FWD_RX_DELIVER = 3,   /* inner frame to LAN port `port` */
};
typedef struct fwd_rx_result {
  int action;
  int reason;
  uint32_t vni;
  uint16_t port;
  uint16_t source_port;
  const uint8_t *source;   /* remote VTEP address (16 or 4 bytes) */
  int source_len;
  /*
   * DELIVER: the inner frame. EXCEPTION: the frame for the TAP. Either points into the frame given
   * or, after reassembly, into the reassembly table: valid until the next fwd_underlay_rx call.
   */
  const uint8_t *data;
  uint32_t len;
  bool reassembled;
} fwd_rx_result;

fwd_rx_result fwd_underlay_rx(fwd *f, const uint8_t *frame, uint32_t len, uint64_t now);

/*
 * Housekeeping between bursts: drops incomplete datagrams whose lifetime ended (reassembly also does
 * this whenever a fragment arrives) and returns how many datagrams are still held.
 */
uint32_t fwd_expire(fwd *f, uint64_t now);
/* Datagrams the reassembly table holds now. */
uint32_t fwd_reassembly_held(const fwd *f);

/* Counters. */
typedef struct fwd_stats {
  uint64_t reasons[FWD_REASON_COUNT]; /* drops (and exceptions, whose reasons are not-ip, not-local-address, ...) */
  uint64_t underlay_rx, delivered, exceptions, pending, reassembled;
  uint64_t lan_rx, encapsulated, flooded, fragments_out, learn_lost;
} fwd_stats;
const fwd_stats *fwd_get_stats(const fwd *f);

/* ---- encapsulation (fwd_encap.c): usable on its own, as the tests and vectors do -------------- */

/* Per-remote-VTEP header template: everything that does not change from packet to packet. */
typedef struct fwd_tmpl {
  bool ipv6;
  uint8_t link_len;
  uint16_t mtu;
  uint8_t hdr[FWD_MAX_HDR]; /* link + IP + UDP + VXLAN with lengths, ports, checksum, VNI zero */
  uint64_t pseudo_sum;      /* addresses + protocol of the pseudo-header (IPv6), or addresses (IPv4) */
  uint64_t ip4_sum;         /* IPv4 header sum without length, id and checksum */
} fwd_tmpl;

typedef struct fwd_tmpl_params {
  bool ipv6;
  const uint8_t *local;     /* 16 or 4 bytes */
  const uint8_t *remote;
  uint32_t mtu;
  uint8_t hop_limit;        /* 64 when 0 */
  uint8_t traffic_class;
  uint16_t port;            /* 4789 when 0 */
  bool link;                /* prepend an Ethernet header */
  uint8_t src_mac[6];
  uint8_t dst_mac[6];
  uint16_t vlan;            /* 0: untagged */
} fwd_tmpl_params;

int fwd_tmpl_build(fwd_tmpl *t, const fwd_tmpl_params *p);

/*
 * Plans the outer frame(s) for one inner frame of `inner_len` bytes whose word sum is `inner_sum`
 * (fwd_sum16 over the frame, computed once and shared by every destination of a flood): writes one
 * segment per frame and returns the count, or -FWD_R_TOO_BIG / -FWD_R_TX_OVERFLOW. `frag_id` is used
 * only when the packet must be fragmented (IPv6); `ipv4_id` only over IPv4.
 */
int fwd_encap_plan(const fwd_tmpl *t, uint32_t inner_len, uint64_t inner_sum, uint32_t vni,
                   uint16_t source_port, uint32_t frag_id, uint16_t ipv4_id, fwd_tx_seg *segs,
                   uint32_t max_segs);
/*
 * An mbuf-like view of a caller's buffer: `data` points at the frame, with `headroom` writable bytes
 * in front of it.
 */
typedef struct fwd_buf {
  uint8_t *data;
  uint32_t headroom;
  uint32_t len;
} fwd_buf;

/*
 * In-place encapsulation for a segment that covers the whole frame (one destination, no
 * fragmentation): writes the header into the headroom and moves `data` back over it. Returns 0, or
 * -1 when the segment is not the whole frame or the headroom is too small.
 */
int fwd_seg_prepend(const fwd_tx_seg *seg, fwd_buf *b);

/* Writes planned segments back to back into out (copying the inner bytes); returns bytes or -1. */
int64_t fwd_encap_write(const fwd_tx_seg *segs, uint32_t nsegs, const uint8_t *inner, uint8_t *out,
                        size_t cap, uint32_t *lengths);

#ifdef __cplusplus
}
#endif
#endif

/* IPv6 reassembly table (internal to the core; the tests and the fuzzer use it directly). */
#ifndef EVPN6_FWD_REASM_H
#define EVPN6_FWD_REASM_H

#include "fwd.h"

#define FWD_REASM_MAX_PIECES 64
/* Room in front of the fragmentable part for the link header and the unfragmentable part. */
#define FWD_REASM_HEADROOM 320

typedef struct fwd_reasm fwd_reasm;

/* Fills unset (zero) fields of `c` with defaults; false when the result is unusable. */
bool fwd_reasm_config_normalize(fwd_reasm_config *c);
fwd_reasm *fwd_reasm_create(const fwd_reasm_config *c);
void fwd_reasm_destroy(fwd_reasm *r);

enum { FWD_REASM_PENDING = -1, FWD_REASM_DONE = -2 };

/*
 * Offers the non-atomic fragment in pkt: link header pkt[0, ip), IPv6 packet pkt[ip, end), fragment
 * header at `frag`, named by the byte at `next_field`. Returns FWD_REASM_PENDING, FWD_REASM_DONE
 * (then `out` and `out_len` hold link header + reassembled IPv6 packet, valid until the next call), or the
 * enum fwd_reason the fragment or its datagram was dropped for (already counted in `counters`).
 */
int fwd_reasm_add(fwd_reasm *r, const uint8_t *pkt, uint32_t ip, uint32_t end, uint32_t frag, uint32_t next_field,
                  uint64_t now, uint64_t *counters, const uint8_t **out, uint32_t *out_len);
/* Drops every datagram whose lifetime ended by `now` (fwd_reasm_add does this on each call). */
void fwd_reasm_expire(fwd_reasm *r, uint64_t now, uint64_t *counters);
/* Datagrams held (discarded tombstones included), and those from one 16-byte source. */
uint32_t fwd_reasm_in_flight(const fwd_reasm *r);
uint32_t fwd_reasm_source_in_flight(const fwd_reasm *r, const uint8_t src[16]);
uint32_t fwd_reasm_capacity(const fwd_reasm *r);

#endif

/* Reassembly table edge cases: order, duplicates, RFC 5722 overlap, timeout, RFC 7112, bounds and eviction. */
#include <stdlib.h>

#include "fwd.h"
#include "fwd_check.h"
#include "fwd_reasm.h"

static const uint8_t SRC[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
static const uint8_t DST[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static uint64_t counters[FWD_REASON_COUNT];

/* Ethernet + IPv6 + fragment header + data; `data` is the slice [offset, offset + n) of a pattern. */
static uint32_t make_frag(uint8_t *b, const uint8_t *src, uint32_t id, uint32_t offset, bool more, uint32_t n, uint8_t salt) {
  memset(b, 0, 14 + 48);
  b[12] = 0x86;
  b[13] = 0xdd;
  uint8_t *ip = b + 14;
  ip[0] = 0x60;
  ip[4] = (uint8_t)((8 + n) >> 8);
  ip[5] = (uint8_t)(8 + n);
  ip[6] = 44;
  ip[7] = 64;
  memcpy(ip + 8, src, 16);
  memcpy(ip + 24, DST, 16);
  uint8_t *fh = ip + 40;
  fh[0] = 17;
  fh[2] = (uint8_t)((offset | (more ? 1 : 0)) >> 8);
  fh[3] = (uint8_t)(offset | (more ? 1 : 0));
  fh[4] = (uint8_t)(id >> 24), fh[5] = (uint8_t)(id >> 16), fh[6] = (uint8_t)(id >> 8), fh[7] = (uint8_t)id;
  for (uint32_t i = 0; i < n; i++) fh[8 + i] = (uint8_t)((offset + i) * 7 + salt);
  if (offset == 0 && n >= 8) {
    /* A UDP header so the RFC 7112 check passes. */
    fh[8] = 0x30, fh[9] = 0x39, fh[10] = 0x12, fh[11] = 0xb5;
  }
  return 14 + 48 + n;
}

static int add(fwd_reasm *r, const uint8_t *b, uint32_t len, uint64_t now, const uint8_t **out, uint32_t *out_len) {
  return fwd_reasm_add(r, b, 14, len, 14 + 40, 14 + 6, now, counters, out, out_len);
}

static fwd_reasm *table(uint32_t slots, uint32_t per_source, uint32_t slot_bytes) {
  fwd_reasm_config c = {slots, slot_bytes, per_source, 1000};
  return fwd_reasm_create(&c);
}

/* Three fragments of a 3000-byte payload, offered in the given order; checks the result bytes. */
static void in_order(const int order[3]) {
  fwd_reasm *r = table(8, 8, 9600);
  static uint8_t f[3][1600];
  uint32_t len[3];
  len[0] = make_frag(f[0], SRC, 7, 0, true, 1232, 0);
  len[1] = make_frag(f[1], SRC, 7, 1232, true, 1232, 0);
  len[2] = make_frag(f[2], SRC, 7, 2464, false, 536, 0);
  const uint8_t *out = NULL;
  uint32_t out_len = 0;
  for (int k = 0; k < 3; k++) {
    int rc = add(r, f[order[k]], len[order[k]], (uint64_t)k, &out, &out_len);
    CHECK_EQ(rc, k < 2 ? FWD_REASM_PENDING : FWD_REASM_DONE);
  }
  CHECK_EQ(out_len, 14 + 40 + 3000);
  CHECK_EQ(out[14 + 6], 17);                      /* fragment header gone */
  CHECK_EQ((out[14 + 4] << 8) | out[14 + 5], 3000); /* payload length rewritten */
  bool same = true;
  for (uint32_t i = 8; i < 3000; i++) same = same && out[14 + 40 + i] == (uint8_t)(i * 7);
  CHECK(same);
  CHECK_EQ(fwd_reasm_in_flight(r), 0);
  fwd_reasm_destroy(r);
}

int main(void) {
  static const int orders[6][3] = {{0, 1, 2}, {2, 1, 0}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {0, 2, 1}};
  for (int i = 0; i < 6; i++) in_order(orders[i]);

  uint8_t a[2000], b[2000], c[2000];
  uint32_t la, lb, lc;
  const uint8_t *out;
  uint32_t out_len;

  /* Duplicates are tolerated: counted, and the datagram still completes. */
  {
    memset(counters, 0, sizeof counters);
    fwd_reasm *r = table(8, 8, 9600);
    la = make_frag(a, SRC, 1, 0, true, 64, 0);
    lb = make_frag(b, SRC, 1, 64, false, 40, 0);
    CHECK_EQ(add(r, a, la, 0, &out, &out_len), FWD_REASM_PENDING);
    CHECK_EQ(add(r, a, la, 0, &out, &out_len), FWD_R_FRAGMENT_DUPLICATE);
    CHECK_EQ(add(r, b, lb, 0, &out, &out_len), FWD_REASM_DONE);
    CHECK_EQ(counters[FWD_R_FRAGMENT_DUPLICATE], 1);
    fwd_reasm_destroy(r);
  }
  /* RFC 5722: an overlap discards the datagram; its later fragments are dropped until the timeout. */
  {
    memset(counters, 0, sizeof counters);
    fwd_reasm *r = table(8, 8, 9600);
    la = make_frag(a, SRC, 2, 0, true, 64, 0);
    lb = make_frag(b, SRC, 2, 56, true, 64, 0); /* overlaps [56, 64) with identical bytes: still an overlap */
    lc = make_frag(c, SRC, 2, 64, false, 40, 0);
    CHECK_EQ(add(r, a, la, 0, &out, &out_len), FWD_REASM_PENDING);
    CHECK_EQ(add(r, b, lb, 0, &out, &out_len), FWD_R_REASSEMBLY_OVERLAP);
    CHECK_EQ(add(r, c, lc, 0, &out, &out_len), FWD_R_FRAGMENT_OF_DISCARDED);
    CHECK_EQ(add(r, a, la, 0, &out, &out_len), FWD_R_FRAGMENT_OF_DISCARDED);
    CHECK_EQ(fwd_reasm_in_flight(r), 1);
    /* After the lifetime the tombstone goes (not counted as a timeout) and the id can be used again. */
    CHECK_EQ(add(r, a, la, 1000, &out, &out_len), FWD_REASM_PENDING);
    CHECK_EQ(add(r, c, lc, 1000, &out, &out_len), FWD_REASM_DONE);
    CHECK_EQ(counters[FWD_R_REASSEMBLY_TIMEOUT], 0);
    CHECK_EQ(counters[FWD_R_REASSEMBLY_OVERLAP], 1);
    fwd_reasm_destroy(r);
  }
  /* Timeout: counted once, slot freed; expiry is by the clock passed in, no timers. */
  {
    memset(counters, 0, sizeof counters);
    fwd_reasm *r = table(8, 8, 9600);
    la = make_frag(a, SRC, 3, 0, true, 64, 0);
    lc = make_frag(c, SRC, 3, 64, false, 40, 0);
    CHECK_EQ(add(r, a, la, 10, &out, &out_len), FWD_REASM_PENDING);
    fwd_reasm_expire(r, 1009, counters);
    CHECK_EQ(fwd_reasm_in_flight(r), 1);
    fwd_reasm_expire(r, 1010, counters);
    CHECK_EQ(fwd_reasm_in_flight(r), 0);
    CHECK_EQ(counters[FWD_R_REASSEMBLY_TIMEOUT], 1);
    CHECK_EQ(add(r, c, lc, 1011, &out, &out_len), FWD_REASM_PENDING); /* a new datagram now */
    fwd_reasm_destroy(r);
  }
  /* Lengths: a non-last fragment not a multiple of 8, an empty one, and one past 65535. */
  {
    memset(counters, 0, sizeof counters);
    fwd_reasm *r = table(8, 8, 9600);
    la = make_frag(a, SRC, 4, 0, true, 60, 0);
    CHECK_EQ(add(r, a, la, 0, &out, &out_len), FWD_R_FRAGMENT_BAD_LENGTH);
    la = make_frag(a, SRC, 4, 8, true, 0, 0);
    CHECK_EQ(add(r, a, la, 0, &out, &out_len), FWD_R_FRAGMENT_BAD_LENGTH);
    la = make_frag(a, SRC, 4, 0xfff8, false, 16, 0);
    CHECK_EQ(add(r, a, la, 0, &out, &out_len), FWD_R_FRAGMENT_BAD_LENGTH);
    /* Beyond the slot's bytes: dropped as over the memory limit, the datagram with it. */
    la = make_frag(a, SRC, 5, 9600, true, 64, 0);
    CHECK_EQ(add(r, a, la, 0, &out, &out_len), FWD_R_FRAGMENT_OVER_LIMIT);
    lb = make_frag(b, SRC, 5, 0, true, 64, 0);
    CHECK_EQ(add(r, b, lb, 0, &out, &out_len), FWD_R_FRAGMENT_OF_DISCARDED);
    /* A last fragment that ends before data already held. */
    la = make_frag(a, SRC, 6, 64, true, 64, 0);
    lb = make_frag(b, SRC, 6, 0, false, 48, 0);
    CHECK_EQ(add(r, a, la, 0, &out, &out_len), FWD_REASM_PENDING);
    CHECK_EQ(add(r, b, lb, 0, &out, &out_len), FWD_R_REASSEMBLY_BAD_END);
    fwd_reasm_destroy(r);
  }
  /* RFC 7112: the first fragment must hold the UDP header. */
  {
    memset(counters, 0, sizeof counters);
    fwd_reasm *r = table(8, 8, 9600);
    la = make_frag(a, SRC, 8, 0, true, 8, 0);
    a[14 + 40] = 60; /* destination options of 16 bytes, only 8 present */
    a[14 + 48] = 17;
    a[14 + 49] = 1;
    CHECK_EQ(add(r, a, la, 0, &out, &out_len), FWD_R_FRAGMENT_INCOMPLETE_CHAIN);
    CHECK_EQ(fwd_reasm_in_flight(r), 0);
    /* UDP alone is not enough: the VXLAN header must be in the first fragment too. */
    la = make_frag(a, SRC, 8, 0, true, 8, 0);
    CHECK_EQ(add(r, a, la, 0, &out, &out_len), FWD_R_FRAGMENT_INCOMPLETE_CHAIN);
    la = make_frag(a, SRC, 8, 0, true, 16, 0);
    CHECK_EQ(add(r, a, la, 0, &out, &out_len), FWD_REASM_PENDING);
    fwd_reasm_destroy(r);
  }
  /* Too many pieces for one datagram: over the limit. */
  {
    memset(counters, 0, sizeof counters);
    fwd_reasm *r = table(8, 8, 9600);
    int rc = 0;
    for (uint32_t k = 0; k <= FWD_REASM_MAX_PIECES; k++) {
      la = make_frag(a, SRC, 9, 8 + 16 * k, true, 8, 0);
      rc = add(r, a, la, 0, &out, &out_len);
      if (k < FWD_REASM_MAX_PIECES) CHECK_EQ(rc, FWD_REASM_PENDING);
    }
    CHECK_EQ(rc, FWD_R_FRAGMENT_OVER_LIMIT);
    fwd_reasm_destroy(r);
  }
  /* Flood: never more than `slots` datagrams, never more than `per_source` from one source, oldest
     evicted first; a datagram from another source still completes through the flood. */
  {
    memset(counters, 0, sizeof counters);
    fwd_reasm *r = table(16, 4, 1280);
    uint8_t src[16];
    memcpy(src, SRC, 16);
    for (uint32_t id = 0; id < 1000; id++) {
      la = make_frag(a, SRC, 100 + id, 0, true, 64, 0);
      CHECK_EQ(add(r, a, la, 0, &out, &out_len), FWD_REASM_PENDING);
      CHECK(fwd_reasm_source_in_flight(r, SRC) <= 4);
    }
    CHECK_EQ(counters[FWD_R_REASSEMBLY_EVICTED_PER_SOURCE], 996);
    /* The four newest survive, the oldest are gone. */
    lc = make_frag(c, SRC, 100 + 999, 64, false, 8, 0);
    CHECK_EQ(add(r, c, lc, 0, &out, &out_len), FWD_REASM_DONE);
    lc = make_frag(c, SRC, 100 + 0, 64, false, 8, 0);
    CHECK_EQ(add(r, c, lc, 0, &out, &out_len), FWD_REASM_PENDING);

    uint8_t legit[16];
    memcpy(legit, SRC, 16);
    legit[15] = 0xee;
    lb = make_frag(b, legit, 42, 0, true, 64, 1);
    CHECK_EQ(add(r, b, lb, 0, &out, &out_len), FWD_REASM_PENDING);
    uint64_t global_before = counters[FWD_R_REASSEMBLY_EVICTED_GLOBAL];
    for (uint32_t k = 0; k < 12; k++) {
      src[14] = (uint8_t)(k + 1);
      la = make_frag(a, src, 7, 0, true, 64, 0);
      CHECK_EQ(add(r, a, la, 0, &out, &out_len), FWD_REASM_PENDING);
      CHECK(fwd_reasm_in_flight(r) <= fwd_reasm_capacity(r));
    }
    lb = make_frag(b, legit, 42, 64, false, 16, 1);
    CHECK_EQ(add(r, b, lb, 0, &out, &out_len), FWD_REASM_DONE);
    CHECK_EQ(out_len, 14 + 40 + 80);
    /* Many more sources: the table stays full but bounded, evicting the oldest globally. */
    for (uint32_t k = 0; k < 500; k++) {
      src[13] = (uint8_t)(k >> 8);
      src[14] = (uint8_t)k;
      la = make_frag(a, src, 8, 0, true, 64, 0);
      add(r, a, la, 0, &out, &out_len);
      CHECK(fwd_reasm_in_flight(r) <= 16);
    }
    CHECK(counters[FWD_R_REASSEMBLY_EVICTED_GLOBAL] > global_before + 400);
    fwd_reasm_destroy(r);
  }
  return check_summary("fwd_reasm_test");
}

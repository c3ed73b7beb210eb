/*
 * libFuzzer harness over the underlay receive path of the forwarder core: classification,
 * allow-list, reassembly and decapsulation, plus an encap -> decap round trip of LAN frames.
 *
 * Input: one flags byte, then records of [length (16 bits, big-endian)] [time step] [frame bytes].
 * Flags: bit 0 rewrites each IPv6 frame's addresses to peer -> us, bit 1 recomputes the UDP checksum
 * of a plain IPv6/UDP frame (both help the fuzzer past checks it cannot guess), bit 2 also sends
 * each frame through the LAN side of a peer core and checks that it comes out unchanged here, bit 3
 * then puts a VLAN tag on every odd fragment of those round trips.
 *
 * Built with -fsanitize=fuzzer,address,undefined (EVPN6_FUZZ=ON); without libFuzzer,
 * fwd_fuzz_replay.c drives the same entry point over files (regression replay in the gcc build).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fwd.h"
#include "fwd_reasm.h"

static const uint8_t LOCAL6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t REMOTE6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
static const uint8_t LOCAL4[4] = {192, 0, 2, 1};
static const uint8_t REMOTE4[4] = {192, 0, 2, 2};
static const uint8_t MAC[6] = {0x02, 0, 0x5e, 0, 0x53, 0xaa};
static const uint32_t VNIS[] = {100, 200, 300, 550};

#define MAX_FRAME 16384

static void must(int cond) {
  if (!cond) abort();
}

static fwd *make(const uint8_t *local6, const uint8_t *peer6, uint64_t seed) {
  fwd_config c;
  memset(&c, 0, sizeof c);
  c.fdb_entries = 64;
  c.random_seed = seed;
  /* A small table so the fuzzer reaches eviction as well. */
  c.reasm.slots = 8;
  c.reasm.per_source = 4;
  c.reasm.slot_bytes = 12000;
  c.reasm.timeout = 1000;
  fwd *f = fwd_create(&c);
  must(f != NULL);
  fwd_set_local_vtep6(f, local6);
  fwd_set_local_vtep4(f, LOCAL4);
  fwd_set_underlay_link(f, MAC, MAC, 0);
  for (uint16_t i = 0; i < sizeof VNIS / sizeof VNIS[0]; i++) {
    must(fwd_bind_vni(f, VNIS[i], i) == 0);
    must(fwd_add_allowed_vtep(f, VNIS[i], peer6, 16) == 0);
    must(fwd_add_allowed_vtep(f, VNIS[i], REMOTE4, 4) == 0);
    must(fwd_add_flood_vtep(f, VNIS[i], peer6, 16) == 0);
  }
  return f;
}

static void fix_frame(uint8_t *b, uint32_t n, uint8_t flags) {
  if (n < 54 || b[12] != 0x86 || b[13] != 0xdd) return;
  if (flags & 1) {
    memcpy(b + 22, REMOTE6, 16);
    memcpy(b + 38, LOCAL6, 16);
  }
  if ((flags & 2) && b[20] == 17 && n >= 62) {
    uint32_t end = 54 + (((uint32_t)b[18] << 8) | b[19]);
    if (end > n) end = n;
    uint32_t udp_len = end - 54;
    if (udp_len < 8) return;
    b[58] = (uint8_t)(udp_len >> 8);
    b[59] = (uint8_t)udp_len;
    b[60] = b[61] = 0;
    uint64_t sum = fwd_sum16(b + 22, 32, 0) + udp_len + 17;
    uint16_t c = (uint16_t)~fwd_fold(fwd_sum16(b + 54, udp_len, sum));
    if (c == 0) c = 0xffff;
    b[60] = (uint8_t)(c >> 8);
    b[61] = (uint8_t)c;
  }
}

/* Reads every byte of a result so AddressSanitizer checks the range it names. */
static volatile uint32_t sink;
static void touch(const uint8_t *p, uint32_t n) {
  uint32_t s = 0;
  for (uint32_t i = 0; i < n; i++) s += p[i];
  sink = s;
}

static void check_result(const fwd_rx_result *r, const uint8_t *frame, uint32_t len) {
  must(r->action >= FWD_RX_DROP && r->action <= FWD_RX_DELIVER);
  if (r->action == FWD_RX_DROP || r->action == FWD_RX_EXCEPTION) must(fwd_reason_name(r->reason) != NULL);
  if (r->action == FWD_RX_EXCEPTION || r->action == FWD_RX_DELIVER) {
    if (!r->reassembled) must(r->data >= frame && r->data + r->len <= frame + len);
    touch(r->data, r->len);
  }
  if (r->action == FWD_RX_DELIVER) {
    must(r->len >= FWD_ETH_HLEN);
    must(r->source_len == 16 || r->source_len == 4);
    touch(r->source, (uint32_t)r->source_len);
  }
}

/* LAN frame on the peer -> our underlay: must arrive byte for byte. */
static void round_trip(fwd *peer, fwd *us, const uint8_t *frame, uint32_t len, uint64_t now, bool tag_odd) {
  static fwd_tx_seg segs[FWD_MAX_FRAGS];
  static uint8_t out[FWD_MAX_FRAGS][FWD_MAX_HDR + 1600 + 4];
  uint32_t lens[FWD_MAX_FRAGS];
  fwd_lan_result l = fwd_lan_rx(peer, 0, frame, len, now, segs, FWD_MAX_FRAGS);
  if (l.action != FWD_LAN_ENCAP) {
    must(len < FWD_ETH_HLEN || l.reason == FWD_R_LAN_SAME_PORT || l.reason == FWD_R_TX_OVERFLOW);
    return;
  }
  must(l.nsegs >= 1 && l.nsegs <= FWD_MAX_FRAGS);
  for (uint32_t i = 0; i < l.nsegs; i++) {
    must(segs[i].hdr_len + segs[i].inner_len <= sizeof out[i]);
    must(fwd_encap_write(&segs[i], 1, frame, out[i], sizeof out[i], &lens[i]) > 0);
    /* Every outer packet fits the default 1500-byte MTU. */
    must(lens[i] - 14 <= 1500);
    if (tag_odd && (i & 1)) {
      /* The underlay may tag some fragments and not others: reassembly must not care. */
      memmove(out[i] + 16, out[i] + 12, lens[i] - 12);
      out[i][12] = 0x81, out[i][13] = 0x00, out[i][14] = 0x00, out[i][15] = (uint8_t)(i + 1);
      lens[i] += 4;
    }
  }
  fwd_rx_result r;
  memset(&r, 0, sizeof r);
  /* Last fragment first; with tags, in order, so the fragment completing a datagram is tagged
     differently from the first one. */
  for (uint32_t k = 0; k < l.nsegs; k++) {
    uint32_t i = tag_odd ? k : l.nsegs - 1 - k;
    r = fwd_underlay_rx(us, out[i], lens[i], now);
    check_result(&r, out[i], lens[i]);
    if (k + 1 < l.nsegs) must(r.action == FWD_RX_PENDING);
  }
  must(r.action == FWD_RX_DELIVER);
  must(r.len == len && memcmp(r.data, frame, len) == 0);
  must(r.vni == VNIS[0] && r.port == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  const uint8_t flags = data[0];
  fwd *us = make(LOCAL6, REMOTE6, 1);
  /* The round trip gets its own receiver: fuzzed fragments may legitimately spoil shared state. */
  fwd *peer = (flags & 4) ? make(REMOTE6, LOCAL6, 2) : NULL;
  fwd *receiver = (flags & 4) ? make(LOCAL6, REMOTE6, 3) : NULL;
  static uint8_t frame[MAX_FRAME];
  uint64_t now = 0;
  size_t at = 1;
  while (at + 3 <= size) {
    uint32_t len = ((uint32_t)data[at] << 8) | data[at + 1];
    now += (uint64_t)data[at + 2] * 16;
    at += 3;
    if (len > size - at) len = (uint32_t)(size - at);
    if (len > MAX_FRAME) len = MAX_FRAME;
    /* An exact-size heap copy: reads past the frame are caught. */
    uint8_t *exact = malloc(len == 0 ? 1 : len);
    memcpy(exact, data + at, len);
    at += len;
    fix_frame(exact, len, flags);
    fwd_rx_result r = fwd_underlay_rx(us, exact, len, now);
    check_result(&r, exact, len);
    if (peer != NULL && len >= FWD_ETH_HLEN && len <= 9216) {
      memcpy(frame, exact, len);
      frame[0] = 0xff; /* BUM: always replicated to us */
      frame[6] &= 0xfe;
      round_trip(peer, receiver, frame, len, now, (flags & 8) != 0);
    }
    free(exact);
  }
  const fwd_stats *st = fwd_get_stats(us);
  uint64_t explained = st->delivered + st->pending;
  for (int i = 0; i < FWD_REASON_COUNT; i++) explained += st->reasons[i];
  /* Every frame is delivered, pending, or counted under a reason (reassembly also counts datagrams). */
  must(explained >= st->underlay_rx);
  fwd_destroy(us);
  fwd_destroy(peer);
  fwd_destroy(receiver);
  return 0;
}

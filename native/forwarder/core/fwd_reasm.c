/*
 * IPv6 reassembly (RFC 8200 §4.5) in a fixed table, with the later hardening:
 * - RFC 5722: a fragment overlapping another discards the whole datagram; the slot stays as a
 *   tombstone until its timeout, so later fragments of it are dropped too. Exact duplicates are
 *   tolerated (dropped and counted, the datagram lives on).
 * - RFC 7112: a first fragment that does not hold the whole header chain up to UDP and the 8
 *   bytes after it (the VXLAN header) is dropped.
 * - Bounded memory: `slots` datagrams of at most `slot_bytes` each, all allocated up front; at most
 *   `per_source` datagrams per source address. A new datagram over either bound evicts the oldest
 *   (per source, then globally), so a flood of fragments that never complete ages out instead of
 *   starving the datagrams that do.
 * Mirrors packages/vxlan/src/reassembly.ts, except that its byte budgets are datagram counts here.
 * Per-source counts are kept per hash bucket of the source address: a collision only makes the
 * bound stricter for the two sources that share a bucket.
 */
#include <stdlib.h>
#include <string.h>

#include "fwd_reasm.h"

typedef struct slot {
  uint8_t src[16];
  uint8_t dst[16];
  uint32_t id;
  uint64_t created;
  int32_t hash_next;
  int32_t age_prev, age_next;
  uint32_t src_bucket;
  uint32_t key_bucket;
  int32_t total;     /* length of the fragmentable part once the last fragment came, else -1 */
  int32_t unfrag;    /* unfragmentable part (fixed header included) once the first came, else -1 */
  uint32_t link;     /* link header length of the first fragment */
  uint32_t received;
  bool in_use;
  bool discarded;
  uint16_t npieces;
  uint16_t piece_off[FWD_REASM_MAX_PIECES];
  uint32_t piece_end[FWD_REASM_MAX_PIECES];
  uint8_t *buf;      /* FWD_REASM_HEADROOM + slot_bytes */
} slot;

struct fwd_reasm {
  fwd_reasm_config cfg;
  uint32_t nbuckets; /* power of two */
  int32_t *buckets;
  uint32_t *src_count;
  slot *slots;
  uint8_t *memory;
  int32_t free_head; /* through hash_next */
  int32_t age_head, age_tail;
  uint32_t in_flight;
};

bool fwd_reasm_config_normalize(fwd_reasm_config *c) {
  if (c->slots == 0) c->slots = 256;
  if (c->slot_bytes == 0) c->slot_bytes = 9600;
  if (c->per_source == 0) c->per_source = 32;
  if (c->timeout == 0) c->timeout = 60000;
  if (c->per_source > c->slots) c->per_source = c->slots;
  return c->slots <= 65536 && c->slot_bytes >= 1280 && c->slot_bytes <= 0xffff;
}

fwd_reasm *fwd_reasm_create(const fwd_reasm_config *config) {
  fwd_reasm_config c = *config;
  if (!fwd_reasm_config_normalize(&c)) return NULL;
  fwd_reasm *r = calloc(1, sizeof *r);
  if (r == NULL) return NULL;
  r->cfg = c;
  r->nbuckets = 16;
  while (r->nbuckets < 2 * c.slots) r->nbuckets <<= 1;
  r->buckets = malloc(sizeof(int32_t) * r->nbuckets);
  r->src_count = calloc(r->nbuckets, sizeof(uint32_t));
  r->slots = calloc(c.slots, sizeof(slot));
  r->memory = malloc((size_t)c.slots * (FWD_REASM_HEADROOM + c.slot_bytes));
  if (r->buckets == NULL || r->src_count == NULL || r->slots == NULL || r->memory == NULL) {
    fwd_reasm_destroy(r);
    return NULL;
  }
  for (uint32_t i = 0; i < r->nbuckets; i++) r->buckets[i] = -1;
  for (uint32_t i = 0; i < c.slots; i++) {
    r->slots[i].buf = r->memory + (size_t)i * (FWD_REASM_HEADROOM + c.slot_bytes);
    r->slots[i].hash_next = i + 1 < c.slots ? (int32_t)(i + 1) : -1;
  }
  r->free_head = 0;
  r->age_head = r->age_tail = -1;
  return r;
}

void fwd_reasm_destroy(fwd_reasm *r) {
  if (r == NULL) return;
  free(r->buckets);
  free(r->src_count);
  free(r->slots);
  free(r->memory);
  free(r);
}

uint32_t fwd_reasm_in_flight(const fwd_reasm *r) { return r->in_flight; }
uint32_t fwd_reasm_capacity(const fwd_reasm *r) { return r->cfg.slots; }

/* Every fragment is looked up: independent multiplies over 64-bit words, no serial chain per byte. */
static uint64_t mix128(const uint8_t *p, uint64_t k1, uint64_t k2) {
  uint64_t a, b;
  memcpy(&a, p, 8);
  memcpy(&b, p + 8, 8);
  return (a * k1) ^ (b * k2);
}

static uint32_t fold_bucket(const fwd_reasm *r, uint64_t h) {
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 32;
  return (uint32_t)h & (r->nbuckets - 1);
}

static uint32_t source_bucket(const fwd_reasm *r, const uint8_t *src) {
  return fold_bucket(r, mix128(src, 0x9e3779b97f4a7c15ull, 0xc2b2ae3d27d4eb4full));
}

static uint32_t key_bucket(const fwd_reasm *r, const uint8_t *src, const uint8_t *dst, uint32_t id) {
  uint64_t h = mix128(src, 0x9e3779b97f4a7c15ull, 0xc2b2ae3d27d4eb4full) ^ mix128(dst, 0x165667b19e3779f9ull, 0xd6e8feb86659fd93ull);
  return fold_bucket(r, h ^ ((uint64_t)id * 0xff51afd7ed558ccdull));
}

uint32_t fwd_reasm_source_in_flight(const fwd_reasm *r, const uint8_t src[16]) {
  uint32_t n = 0;
  for (int32_t i = r->age_head; i >= 0; i = r->slots[i].age_next)
    if (memcmp(r->slots[i].src, src, 16) == 0) n++;
  return n;
}

static void remove_slot(fwd_reasm *r, int32_t i) {
  slot *s = &r->slots[i];
  int32_t *link = &r->buckets[s->key_bucket];
  while (*link != i) link = &r->slots[*link].hash_next;
  *link = s->hash_next;
  if (s->age_prev >= 0) r->slots[s->age_prev].age_next = s->age_next;
  else r->age_head = s->age_next;
  if (s->age_next >= 0) r->slots[s->age_next].age_prev = s->age_prev;
  else r->age_tail = s->age_prev;
  r->src_count[s->src_bucket]--;
  s->in_use = false;
  s->hash_next = r->free_head;
  r->free_head = i;
  r->in_flight--;
}

void fwd_reasm_expire(fwd_reasm *r, uint64_t now, uint64_t *counters) {
  while (r->age_head >= 0) {
    slot *s = &r->slots[r->age_head];
    if (now < s->created || now - s->created < r->cfg.timeout) break;
    if (!s->discarded) counters[FWD_R_REASSEMBLY_TIMEOUT]++;
    remove_slot(r, r->age_head);
  }
}

/* Frees the oldest datagram, or the oldest from source bucket `bucket` when bucket >= 0. */
static void evict_oldest(fwd_reasm *r, int64_t bucket, uint64_t *counters, int reason) {
  int32_t i = r->age_head;
  if (bucket >= 0)
    while (i >= 0 && r->slots[i].src_bucket != (uint32_t)bucket) i = r->slots[i].age_next;
  if (i < 0) return;
  if (!r->slots[i].discarded) counters[reason]++;
  remove_slot(r, i);
}

static int32_t create_slot(fwd_reasm *r, const uint8_t *src, const uint8_t *dst, uint32_t id, uint32_t bucket,
                           uint32_t sb, uint64_t now, uint64_t *counters) {
  if (r->src_count[sb] >= r->cfg.per_source) evict_oldest(r, sb, counters, FWD_R_REASSEMBLY_EVICTED_PER_SOURCE);
  if (r->free_head < 0) evict_oldest(r, -1, counters, FWD_R_REASSEMBLY_EVICTED_GLOBAL);
  int32_t i = r->free_head;
  slot *s = &r->slots[i];
  r->free_head = s->hash_next;
  memcpy(s->src, src, 16);
  memcpy(s->dst, dst, 16);
  s->id = id;
  s->created = now;
  s->src_bucket = sb;
  s->key_bucket = bucket;
  s->total = -1;
  s->unfrag = -1;
  s->link = 0;
  s->received = 0;
  s->in_use = true;
  s->discarded = false;
  s->npieces = 0;
  s->hash_next = r->buckets[bucket];
  r->buckets[bucket] = i;
  s->age_prev = r->age_tail;
  s->age_next = -1;
  if (r->age_tail >= 0) r->slots[r->age_tail].age_next = i;
  else r->age_head = i;
  r->age_tail = i;
  r->src_count[sb]++;
  r->in_flight++;
  return i;
}

static int discard(slot *s, uint64_t *counters, int reason) {
  counters[reason]++;
  s->discarded = true;
  s->npieces = 0;
  return reason;
}

static int first_fragment_chain(const uint8_t *pkt, uint32_t frag, uint32_t end) {
  fwd_chain chain;
  int bad = fwd_walk_after_fragment(pkt, frag, end, &chain);
  if (bad == FWD_R_TRUNCATED) return FWD_R_FRAGMENT_INCOMPLETE_CHAIN;
  if (bad == FWD_R_FRAGMENT_NESTED || bad == FWD_R_HOP_BY_HOP_NOT_FIRST || bad == FWD_R_ROUTING_SEGMENTS_LEFT) return bad;
  /* Issue #6 asks for UDP and the VXLAN header in the first fragment (the TS model asks for UDP only). */
  if (chain.upper_proto == 17 && chain.upper_off + FWD_UDP_HLEN + FWD_VXLAN_HLEN > end) return FWD_R_FRAGMENT_INCOMPLETE_CHAIN;
  return -1;
}

/*
 * IPv6 fragment header (RFC 8200 §4.5):
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Identification                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * A datagram is (source, destination, identification); offsets count 8-byte units.
 */
int fwd_reasm_add(fwd_reasm *r, const uint8_t *pkt, uint32_t ip, uint32_t end, uint32_t frag, uint32_t next_field,
                  uint64_t now, uint64_t *counters, const uint8_t **out, uint32_t *out_len) {
  const uint8_t upper_next = pkt[frag];
  const uint32_t off_flags = ((uint32_t)pkt[frag + 2] << 8) | pkt[frag + 3];
  const uint32_t offset = off_flags & 0xfff8;
  const bool more = (off_flags & 1) != 0;
  const uint32_t data = frag + FWD_FRAG_HLEN;
  if (data > end) return (int)(counters[FWD_R_TRUNCATED]++, FWD_R_TRUNCATED);
  const uint32_t size = end - data;
  const uint32_t unfrag = frag - ip;
  if (size == 0 || (more && (size & 7) != 0) || unfrag - FWD_IPV6_HLEN + offset + size > 0xffff)
    return (int)(counters[FWD_R_FRAGMENT_BAD_LENGTH]++, FWD_R_FRAGMENT_BAD_LENGTH);
  if (offset == 0) {
    int bad = first_fragment_chain(pkt, frag, end);
    if (bad >= 0) return (int)(counters[bad]++, bad);
  }

  fwd_reasm_expire(r, now, counters);
  const uint8_t *src = pkt + ip + 8;
  const uint8_t *dst = pkt + ip + 24;
  const uint32_t id = ((uint32_t)pkt[frag + 4] << 24) | ((uint32_t)pkt[frag + 5] << 16) | ((uint32_t)pkt[frag + 6] << 8) | pkt[frag + 7];
  const uint32_t bucket = key_bucket(r, src, dst, id);
  int32_t i = r->buckets[bucket];
  while (i >= 0) {
    const slot *c = &r->slots[i];
    if (c->id == id && memcmp(c->src, src, 16) == 0 && memcmp(c->dst, dst, 16) == 0) break;
    i = c->hash_next;
  }
  if (i < 0) {
    i = create_slot(r, src, dst, id, bucket, source_bucket(r, src), now, counters);
  } else if (r->slots[i].discarded) {
    counters[FWD_R_FRAGMENT_OF_DISCARDED]++;
    return FWD_R_FRAGMENT_OF_DISCARDED;
  }
  slot *s = &r->slots[i];

  const uint32_t piece_end = offset + size;
  if (!more) {
    uint32_t last = s->npieces > 0 ? s->piece_end[s->npieces - 1] : 0;
    if ((s->total >= 0 && (uint32_t)s->total != piece_end) || last > piece_end) return discard(s, counters, FWD_R_REASSEMBLY_BAD_END);
    s->total = (int32_t)piece_end;
  } else if (s->total >= 0 && piece_end > (uint32_t)s->total) {
    return discard(s, counters, FWD_R_REASSEMBLY_BAD_END);
  }

  uint8_t *buf = s->buf;
  uint32_t at = s->npieces;
  for (uint32_t k = 0; k < s->npieces; k++) {
    const uint32_t po = s->piece_off[k], pe = s->piece_end[k];
    if (po == offset && pe == piece_end && memcmp(buf + FWD_REASM_HEADROOM + offset, pkt + data, size) == 0) {
      counters[FWD_R_FRAGMENT_DUPLICATE]++;
      return FWD_R_FRAGMENT_DUPLICATE;
    }
    if (offset < pe && po < piece_end) return discard(s, counters, FWD_R_REASSEMBLY_OVERLAP);
    if (po > offset && at == s->npieces) at = k;
  }
  if (piece_end > r->cfg.slot_bytes || s->npieces == FWD_REASM_MAX_PIECES || (offset == 0 && unfrag + ip > FWD_REASM_HEADROOM))
    return discard(s, counters, FWD_R_FRAGMENT_OVER_LIMIT);
  memmove(&s->piece_off[at + 1], &s->piece_off[at], (s->npieces - at) * sizeof s->piece_off[0]);
  memmove(&s->piece_end[at + 1], &s->piece_end[at], (s->npieces - at) * sizeof s->piece_end[0]);
  s->piece_off[at] = (uint16_t)offset;
  s->piece_end[at] = piece_end;
  s->npieces++;
  memcpy(buf + FWD_REASM_HEADROOM + offset, pkt + data, size);
  s->received += size;
  if (offset == 0) {
    /* Link header and unfragmentable part go right in front of the data, next header fixed up. */
    uint8_t *h = buf + FWD_REASM_HEADROOM - unfrag - ip;
    memcpy(h, pkt, frag);
    h[next_field] = upper_next;
    s->unfrag = (int32_t)unfrag;
    s->link = ip;
  }
  if (s->unfrag < 0 || s->total < 0 || s->received != (uint32_t)s->total) return FWD_REASM_PENDING;

  uint8_t *h = buf + FWD_REASM_HEADROOM - s->unfrag - s->link;
  const uint32_t payload = (uint32_t)s->unfrag - FWD_IPV6_HLEN + (uint32_t)s->total;
  h[s->link + 4] = (uint8_t)(payload >> 8);
  h[s->link + 5] = (uint8_t)payload;
  *out = h;
  *out_len = s->link + FWD_IPV6_HLEN + payload;
  remove_slot(r, i);
  return FWD_REASM_DONE;
}

/* Checksums, the inner flow hash, fragment identifications and reason names. */
#include <string.h>

#include "fwd.h"

static const char *const reason_names[FWD_REASON_COUNT] = {
#define FWD_REASON_NAME(id, name) name,
    FWD_REASONS(FWD_REASON_NAME)
#undef FWD_REASON_NAME
};

const char *fwd_reason_name(int reason) {
  if (reason < 0 || reason >= FWD_REASON_COUNT) return NULL;
  return reason_names[reason];
}

int fwd_reason_from_name(const char *name) {
  for (int i = 0; i < FWD_REASON_COUNT; i++)
    if (strcmp(reason_names[i], name) == 0) return i;
  return -1;
}

/*
 * RFC 1071 §2(B): the ones' complement sum does not depend on byte order, so whole words are
 * summed in host order (as 32-bit halves widened into 64-bit accumulators, which cannot overflow
 * below 2^32 words), folded to 16 bits, and byte-swapped into big-endian order once at the end.
 * Returns the host-order sum of p[0, *done) with *done a multiple of 8.
 */
static uint64_t sum_words_scalar(const uint8_t *p, size_t n, size_t *done) {
  uint64_t a = 0, b = 0;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    uint64_t x, y;
    memcpy(&x, p + i, 8);
    memcpy(&y, p + i + 8, 8);
    a += (x & 0xffffffffu) + (x >> 32);
    b += (y & 0xffffffffu) + (y >> 32);
  }
  if (i + 8 <= n) {
    uint64_t x;
    memcpy(&x, p + i, 8);
    a += (x & 0xffffffffu) + (x >> 32);
    i += 8;
  }
  *done = i;
  return a + b;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
/* The same sum, 64 bytes a step: a full-size frame's checksum is most of an encapsulation's cost. */
__attribute__((target("avx2"))) static uint64_t sum_words_avx2(const uint8_t *p, size_t n, size_t *done) {
  const __m256i low = _mm256_set1_epi64x(0xffffffff);
  __m256i a = _mm256_setzero_si256(), b = _mm256_setzero_si256();
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(p + i));
    __m256i y = _mm256_loadu_si256((const __m256i *)(const void *)(p + i + 32));
    a = _mm256_add_epi64(a, _mm256_add_epi64(_mm256_and_si256(x, low), _mm256_srli_epi64(x, 32)));
    b = _mm256_add_epi64(b, _mm256_add_epi64(_mm256_and_si256(y, low), _mm256_srli_epi64(y, 32)));
  }
  a = _mm256_add_epi64(a, b);
  uint64_t lanes[4];
  _mm256_storeu_si256((__m256i *)(void *)lanes, a);
  size_t rest;
  uint64_t tail = sum_words_scalar(p + i, n - i, &rest);
  *done = i + rest;
  return lanes[0] + lanes[1] + lanes[2] + lanes[3] + tail;
}

static int have_avx2 = -1;
#endif

uint64_t fwd_sum16(const uint8_t *p, size_t n, uint64_t sum) {
  size_t i;
  uint64_t words;
#if defined(__x86_64__) && defined(__GNUC__)
  if (n >= 128) {
    if (have_avx2 < 0) have_avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
    words = have_avx2 ? sum_words_avx2(p, n, &i) : sum_words_scalar(p, n, &i);
  } else {
    words = sum_words_scalar(p, n, &i);
  }
#else
  words = sum_words_scalar(p, n, &i);
#endif
  uint32_t host = fwd_fold(words);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  host = ((host & 0xff) << 8) | (host >> 8);
#endif
  sum += host;
  for (; i + 1 < n; i += 2) sum += ((uint32_t)p[i] << 8) | p[i + 1];
  if (i < n) sum += (uint32_t)p[i] << 8;
  return sum;
}

uint16_t fwd_fold(uint64_t sum) {
  /* A sum of 32-bit words folds to 16 bits like a sum of 16-bit words (2^16 = 1 mod 0xffff). */
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)sum;
}

/* ---- flow hash: keep in step with packages/vxlan/src/flow-hash.ts ---- */

static uint32_t mix(uint32_t h, uint32_t w) {
  h ^= w * 0xcc9e2d51u;
  h = (h << 15) | (h >> 17);
  return h * 0x1b873593u + 0xe6546b64u;
}

static uint32_t finish(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

static uint32_t word(const uint8_t *b, size_t at) {
  return ((uint32_t)b[at] << 24) | ((uint32_t)b[at + 1] << 16) | ((uint32_t)b[at + 2] << 8) | b[at + 3];
}

static bool has_ports(uint8_t protocol) { return protocol == 6 || protocol == 17 || protocol == 132; }

uint32_t fwd_inner_flow_hash(const uint8_t *frame, size_t len, uint32_t seed) {
  uint32_t h = seed;
  if (len < 14) {
    for (size_t i = 0; i < len; i++) h = mix(h, frame[i]);
    return finish(h ^ (uint32_t)len);
  }
  h = mix(h, word(frame, 0));
  h = mix(h, word(frame, 4));
  h = mix(h, word(frame, 8));
  int p = fwd_eth_payload_offset(frame, (uint32_t)len);
  if (p < 0) return finish(h);
  size_t q = (size_t)p;
  uint32_t ether_type = ((uint32_t)frame[q - 2] << 8) | frame[q - 1];
  h = mix(h, ether_type);
  if (ether_type == 0x0800 && q + 20 <= len) {
    size_t ihl = (size_t)(frame[q] & 0xf) * 4;
    uint8_t protocol = frame[q + 9];
    h = mix(h, word(frame, q + 12));
    h = mix(h, word(frame, q + 16));
    h = mix(h, protocol);
    uint32_t fragment_bits = ((uint32_t)(frame[q + 6] & 0x3f) << 8) | frame[q + 7];
    if (fragment_bits == 0 && has_ports(protocol) && ihl >= 20 && q + ihl + 4 <= len) h = mix(h, word(frame, q + ihl));
  } else if (ether_type == 0x86dd && q + 40 <= len) {
    for (size_t i = 8; i < 40; i += 4) h = mix(h, word(frame, q + i));
    uint8_t next = frame[q + 6];
    h = mix(h, next);
    if (has_ports(next) && q + 44 <= len) h = mix(h, word(frame, q + 40));
  }
  return finish(h);
}

uint16_t fwd_source_port(const uint8_t *frame, size_t len) {
  return (uint16_t)(49152u + (fwd_inner_flow_hash(frame, len, 0) & 0x3fff));
}

uint32_t fwd_flow_label(uint16_t source_port) { return (((uint32_t)source_port * 0x9e3779b1u) >> 12) & 0xfffff; }

void fwd_idgen_seed(fwd_idgen *g, uint64_t seed) {
  /* splitmix64 spreads any seed (even 0 or 1) over the state; the state must not be zero. */
  uint64_t z = seed + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  uint32_t s = (uint32_t)z ^ (uint32_t)(z >> 32);
  g->state = s != 0 ? s : 0x6d2b79f5u;
}

uint32_t fwd_idgen_next(fwd_idgen *g) {
  uint32_t x = g->state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  g->state = x;
  return x;
}

/* A tiny assertion harness for the forwarder core's C tests: CHECK never aborts, the run ends with a summary. */
#ifndef EVPN6_FWD_CHECK_H
#define EVPN6_FWD_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                   \
  do {                                                                                \
    check_count++;                                                                    \
    if (!(cond)) {                                                                    \
      check_failures++;                                                               \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);        \
    }                                                                                 \
  } while (0)

#define CHECK_EQ(a, b)                                                                               \
  do {                                                                                               \
    long long check_a_ = (long long)(a), check_b_ = (long long)(b);                                  \
    check_count++;                                                                                   \
    if (check_a_ != check_b_) {                                                                      \
      check_failures++;                                                                              \
      fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %lld, %s == %lld\n", __FILE__, __LINE__, #a,    \
              check_a_, #b, check_b_);                                                               \
    }                                                                                                \
  } while (0)

#define CHECK_MEM(a, b, n) CHECK(memcmp((a), (b), (n)) == 0)

static int check_summary(const char *name) {
  fprintf(stderr, "%s: %d checks, %d failed\n", name, check_count, check_failures);
  return check_failures == 0 && check_count > 0 ? 0 : 1;
}

#endif

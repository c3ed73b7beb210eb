/* Exercises nl_socket.c against the running kernel without root: a link dump of this network
 * namespace must come back as well-formed netlink messages ending in NLMSG_DONE, and an empty
 * socket must report would_block instead of blocking. */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <poll.h>

#include "nl_socket.h"

static int failures = 0;
#define CHECK(cond)                                                   \
  do {                                                                \
    if (!(cond)) {                                                    \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                     \
    }                                                                 \
  } while (0)

int main(void) {
  evpn6_nl_socket s;
  int rc = evpn6_nl_open(&s, NETLINK_ROUTE, 1 << 20);
  CHECK(rc == 0);
  if (rc != 0) return 1;
  CHECK(s.fd >= 0);
  CHECK(s.port_id != 0);
  CHECK(evpn6_nl_join(&s, RTNLGRP_LINK) == 0);
  CHECK(evpn6_nl_leave(&s, RTNLGRP_LINK) == 0);
  CHECK(evpn6_nl_take_error(&s) == 0);

  size_t cap = 4 * EVPN6_NL_MAX_DATAGRAM;
  uint8_t *buf = malloc(cap);
  uint32_t starts[64], ends[64];
  evpn6_nl_batch batch;
  evpn6_nl_receive(&s, buf, cap, starts, ends, 64, &batch);
  CHECK(batch.count == 0 && batch.would_block == 1 && batch.error == 0);

  struct {
    struct nlmsghdr h;
    struct ifinfomsg i;
  } req;
  memset(&req, 0, sizeof req);
  req.h.nlmsg_len = sizeof req;
  req.h.nlmsg_type = RTM_GETLINK;
  req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.h.nlmsg_seq = 7;
  CHECK(evpn6_nl_send(&s, &req, sizeof req) == (ssize_t)sizeof req);

  int links = 0, done = 0;
  for (int round = 0; round < 100 && !done; round++) {
    struct pollfd p = {s.fd, POLLIN, 0};
    (void)poll(&p, 1, 1000);
    evpn6_nl_receive(&s, buf, cap, starts, ends, 64, &batch);
    CHECK(batch.error == 0);
    for (unsigned d = 0; d < batch.count; d++) {
      CHECK(starts[d] % 4 == 0);
      uint32_t off = starts[d];
      while (off + sizeof(struct nlmsghdr) <= ends[d]) {
        struct nlmsghdr h;
        memcpy(&h, buf + off, sizeof h);
        CHECK(h.nlmsg_len >= sizeof h && off + h.nlmsg_len <= ends[d]);
        CHECK(h.nlmsg_seq == 7);
        if (h.nlmsg_type == NLMSG_DONE) done = 1;
        if (h.nlmsg_type == RTM_NEWLINK) links++;
        if (h.nlmsg_len < sizeof h) break;
        off += NLMSG_ALIGN(h.nlmsg_len);
      }
    }
  }
  CHECK(done == 1);
  CHECK(links >= 1); /* loopback at least */

  evpn6_nl_close(&s);
  CHECK(s.fd == -1);
  evpn6_nl_close(&s);
  CHECK(evpn6_nl_send(&s, &req, sizeof req) == -EBADF);
  free(buf);
  printf("nl_socket_test: %d links, %s\n", links, failures ? "FAILED" : "ok");
  return failures ? 1 : 0;
}

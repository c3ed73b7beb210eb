#define _GNU_SOURCE
#include "nl_socket.h"

#include <errno.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

int evpn6_nl_open(evpn6_nl_socket *s, int protocol, int rcvbuf_bytes) {
  s->fd = -1;
  s->port_id = 0;
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd < 0) return -errno;

  if (rcvbuf_bytes > 0) {
    /* FORCE needs CAP_NET_ADMIN; without it the plain option still gets up to rmem_max. */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf_bytes, sizeof rcvbuf_bytes) < 0) {
      (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf_bytes, sizeof rcvbuf_bytes);
    }
  }
  int one = 1;
  /* Both are optional refinements (kernel error text; dumps that honour their filters). */
  (void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
  (void)setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof one);

  struct sockaddr_nl local;
  memset(&local, 0, sizeof local);
  local.nl_family = AF_NETLINK;
  if (bind(fd, (struct sockaddr *)&local, sizeof local) < 0) {
    int e = errno;
    close(fd);
    return -e;
  }
  socklen_t len = sizeof local;
  if (getsockname(fd, (struct sockaddr *)&local, &len) < 0) {
    int e = errno;
    close(fd);
    return -e;
  }
  s->fd = fd;
  s->port_id = local.nl_pid;
  return 0;
}

static int membership(const evpn6_nl_socket *s, int option, unsigned group) {
  if (s->fd < 0) return -EBADF;
  int g = (int)group;
  if (setsockopt(s->fd, SOL_NETLINK, option, &g, sizeof g) < 0) return -errno;
  return 0;
}

int evpn6_nl_join(const evpn6_nl_socket *s, unsigned group) { return membership(s, NETLINK_ADD_MEMBERSHIP, group); }

int evpn6_nl_leave(const evpn6_nl_socket *s, unsigned group) { return membership(s, NETLINK_DROP_MEMBERSHIP, group); }

ssize_t evpn6_nl_send(const evpn6_nl_socket *s, const void *buf, size_t len) {
  if (s->fd < 0) return -EBADF;
  struct sockaddr_nl kernel;
  memset(&kernel, 0, sizeof kernel);
  kernel.nl_family = AF_NETLINK;
  for (;;) {
    ssize_t n = sendto(s->fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&kernel, sizeof kernel);
    if (n >= 0) return n;
    if (errno != EINTR) return -errno;
  }
}

void evpn6_nl_receive(const evpn6_nl_socket *s, uint8_t *buf, size_t cap, uint32_t *starts, uint32_t *ends,
                      unsigned max_datagrams, evpn6_nl_batch *out) {
  memset(out, 0, sizeof *out);
  if (s->fd < 0) {
    out->error = -EBADF;
    return;
  }
  size_t used = 0;
  while (out->count < max_datagrams) {
    size_t start = (used + 3u) & ~(size_t)3u;
    if (start > cap || cap - start < EVPN6_NL_MAX_DATAGRAM) break;
    struct sockaddr_nl from;
    struct iovec iov = {buf + start, cap - start};
    struct msghdr mh;
    memset(&mh, 0, sizeof mh);
    mh.msg_name = &from;
    mh.msg_namelen = sizeof from;
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    ssize_t n = recvmsg(s->fd, &mh, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        out->would_block = 1;
        break;
      }
      if (errno == ENOBUFS) {
        /* The socket stays usable; what was lost must be re-read by a dump. */
        out->overrun = 1;
        continue;
      }
      out->error = -errno;
      break;
    }
    if (mh.msg_flags & MSG_TRUNC) {
      out->error = -EMSGSIZE;
      break;
    }
    /* Only the kernel (nl_pid 0) may talk to us; other processes' unicasts are ignored. */
    if (from.nl_pid != 0) continue;
    starts[out->count] = (uint32_t)start;
    ends[out->count] = (uint32_t)(start + (size_t)n);
    out->count++;
    used = start + (size_t)n;
  }
  out->used = used;
}

int evpn6_nl_take_error(const evpn6_nl_socket *s) {
  if (s->fd < 0) return EBADF;
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return errno;
  return err;
}

void evpn6_nl_close(evpn6_nl_socket *s) {
  if (s->fd >= 0) close(s->fd);
  s->fd = -1;
}

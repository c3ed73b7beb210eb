/*
 * Plain-C netlink socket primitives for the evpn6 Node binding. No Node, no libuv here, so the
 * same code is exercised by the ctest program in native/test. Every function returns >= 0 on
 * success and -errno on failure; nothing here blocks (all sockets are O_NONBLOCK).
 */
#ifndef EVPN6_NL_SOCKET_H
#define EVPN6_NL_SOCKET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Free space the receive buffer must keep for one more datagram. Kernel dump datagrams are at
 * most 32 KiB; single notifications can be larger (a link with many VFs), so leave room for 64. */
#define EVPN6_NL_MAX_DATAGRAM 65536

typedef struct evpn6_nl_socket {
  int fd;
  uint32_t port_id; /* nl_pid the kernel assigned on bind */
} evpn6_nl_socket;

/* Opens a non-blocking netlink socket of `protocol`, asks for `rcvbuf_bytes` of receive buffer
 * (SO_RCVBUFFORCE when privileged, else SO_RCVBUF, which the kernel caps at rmem_max), turns on
 * extended ACKs and strict dump checking when the kernel has them, and binds. */
int evpn6_nl_open(evpn6_nl_socket *s, int protocol, int rcvbuf_bytes);

/* NETLINK_ADD_MEMBERSHIP / NETLINK_DROP_MEMBERSHIP of a multicast group number (RTNLGRP_*). */
int evpn6_nl_join(const evpn6_nl_socket *s, unsigned group);
int evpn6_nl_leave(const evpn6_nl_socket *s, unsigned group);

/* One datagram to the kernel (nl_pid 0). Returns bytes sent. */
ssize_t evpn6_nl_send(const evpn6_nl_socket *s, const void *buf, size_t len);

/* Outcome of one drain of the socket. */
typedef struct evpn6_nl_batch {
  size_t used;       /* bytes written to the buffer; datagram i spans [starts[i], ends[i]) */
  unsigned count;    /* datagrams received */
  int overrun;       /* the kernel dropped notifications (ENOBUFS): the caller must re-dump */
  int error;         /* 0, or -errno of a receive error other than EAGAIN/ENOBUFS */
  int would_block;   /* the socket is empty: stop until the next readiness */
} evpn6_nl_batch;

/* Reads datagrams into `buf` until the socket would block, `max_datagrams` have been read, or
 * fewer than EVPN6_NL_MAX_DATAGRAM bytes remain. Each datagram starts 4-byte aligned.
 * A datagram larger than the free space is reported as error -EMSGSIZE (it is lost). */
void evpn6_nl_receive(const evpn6_nl_socket *s, uint8_t *buf, size_t cap, uint32_t *starts, uint32_t *ends,
                      unsigned max_datagrams, evpn6_nl_batch *out);

/* Takes (and clears) the socket's pending error (SO_ERROR): ENOBUFS after an overrun. 0 if none. */
int evpn6_nl_take_error(const evpn6_nl_socket *s);

/* Closes the socket; safe to call twice. */
void evpn6_nl_close(evpn6_nl_socket *s);

#ifdef __cplusplus
}
#endif

#endif

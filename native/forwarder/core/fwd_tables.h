/* The forwarder's state (internal): VTEPs, VNIs, LAN ports and the FDB. */
#ifndef EVPN6_FWD_TABLES_H
#define EVPN6_FWD_TABLES_H

#include "fwd.h"
#include "fwd_reasm.h"

#define FWD_MAX_FLOOD 128
#define FWD_LEARN_RING 1024

typedef struct fwd_vtep {
  uint8_t addr[16];
  uint8_t alen;          /* 0: free slot */
  uint32_t refs;         /* remote MACs + flood lists + allow lists naming it */
  uint32_t allowed_in;   /* VNIs whose allow list names it */
  int32_t hash_next;
  bool tmpl_ok;
  fwd_tmpl tmpl;
} fwd_vtep;

typedef struct fwd_vni {
  uint32_t vni;
  bool in_use;
  uint16_t port;
  int32_t hash_next;
  uint32_t nflood;
  uint8_t flood[FWD_MAX_FLOOD];
  uint64_t allowed[4];   /* bit per VTEP index */
} fwd_vni;

enum { FDB_EMPTY = 0, FDB_LOCAL = 1, FDB_REMOTE = 2 };
typedef struct fwd_fdb_ent {
  uint64_t mac;          /* 48-bit MAC, big-endian order */
  uint32_t vni;
  uint8_t state;
  uint8_t vtep;
  uint16_t port;
  uint64_t last_seen;
} fwd_fdb_ent;

struct fwd {
  fwd_config cfg;
  fwd_stats stats;
  fwd_idgen ids;
  uint16_t ipv4_id;
  bool have6, have4, link;
  uint8_t local6[16], local4[4];
  uint8_t src_mac[6], dst_mac[6];
  uint16_t vlan;
  uint32_t mtu;

  fwd_vtep *vteps;
  int32_t vtep_buckets[512];
  fwd_vni *vnis;
  int32_t *vni_buckets;
  uint32_t vni_nbuckets;
  int32_t *port_vni;     /* LAN port -> index into vnis, or -1 */

  fwd_fdb_ent *fdb;
  uint32_t fdb_mask;
  uint32_t fdb_count;
  uint32_t fdb_limit;
  uint32_t age_cursor;   /* fwd_fdb_age_slice resumes here */

  fwd_reasm *reasm;

  fwd_learn_event learn[FWD_LEARN_RING];
  uint32_t learn_head, learn_tail;
};

/* Shared between fwd_control.c and fwd.c. */
int fwd_vtep_find(const fwd *f, const uint8_t *addr, int alen);
void fwd_vtep_unref(fwd *f, int i);
int fwd_vni_find(const fwd *f, uint32_t vni);
uint64_t fwd_mac48(const uint8_t *m);
int64_t fwd_fdb_find(const fwd *f, uint32_t vni, uint64_t mac);
void fwd_learn_push(fwd *f, uint32_t vni, uint64_t mac, uint16_t port, uint8_t kind);

#endif

/* Forwarder state and the control operations (called between bursts on the owning lcore). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fwd_tables.h"

static uint32_t pow2_at_least(uint32_t n) {
  uint32_t p = 16;
  while (p < n) p <<= 1;
  return p;
}

fwd *fwd_create(const fwd_config *config) {
  fwd_config c = *config;
  if (c.fdb_entries == 0) c.fdb_entries = 65536;
  if (c.max_vteps == 0) c.max_vteps = 256;
  if (c.max_vnis == 0) c.max_vnis = 256;
  if (c.max_ports == 0) c.max_ports = 16;
  if (c.fdb_age == 0) c.fdb_age = 300000;
  if (c.max_vteps > 256 || c.fdb_entries > (1u << 26) || c.max_vnis > 65536 || c.max_ports > 4096) return NULL;
  if (!fwd_reasm_config_normalize(&c.reasm)) return NULL;
  fwd *f = calloc(1, sizeof *f);
  if (f == NULL) return NULL;
  f->cfg = c;
  f->mtu = 1500;
  fwd_idgen_seed(&f->ids, c.random_seed);
  f->ipv4_id = (uint16_t)fwd_idgen_next(&f->ids);
  f->vteps = calloc(c.max_vteps, sizeof(fwd_vtep));
  f->vnis = calloc(c.max_vnis, sizeof(fwd_vni));
  f->vni_nbuckets = pow2_at_least(2 * c.max_vnis);
  f->vni_buckets = malloc(sizeof(int32_t) * f->vni_nbuckets);
  f->port_vni = malloc(sizeof(int32_t) * c.max_ports);
  /* Linear probing stays short while the table is at most 3/4 full. */
  uint32_t cap = pow2_at_least(c.fdb_entries + c.fdb_entries / 3 + 1);
  f->fdb = calloc(cap, sizeof(fwd_fdb_ent));
  f->fdb_mask = cap - 1;
  f->fdb_limit = c.fdb_entries;
  f->reasm = fwd_reasm_create(&c.reasm);
  if (f->vteps == NULL || f->vnis == NULL || f->vni_buckets == NULL || f->port_vni == NULL || f->fdb == NULL || f->reasm == NULL) {
    fwd_destroy(f);
    return NULL;
  }
  for (uint32_t i = 0; i < 512; i++) f->vtep_buckets[i] = -1;
  for (uint32_t i = 0; i < f->vni_nbuckets; i++) f->vni_buckets[i] = -1;
  for (uint32_t i = 0; i < c.max_ports; i++) f->port_vni[i] = -1;
  return f;
}

void fwd_destroy(fwd *f) {
  if (f == NULL) return;
  free(f->vteps);
  free(f->vnis);
  free(f->vni_buckets);
  free(f->port_vni);
  free(f->fdb);
  fwd_reasm_destroy(f->reasm);
  free(f);
}

const fwd_stats *fwd_get_stats(const fwd *f) { return &f->stats; }

/* ---- VTEPs: interned addresses with a prebuilt header template each ---- */

/* On every decapsulated frame (the allow-list check): two multiplies, not one per byte. */
static uint32_t vtep_hash(const uint8_t *addr, int alen) {
  uint64_t x, y = 0;
  if (alen == 16) {
    memcpy(&x, addr, 8);
    memcpy(&y, addr + 8, 8);
  } else {
    uint32_t w;
    memcpy(&w, addr, 4);
    x = w;
  }
  uint64_t h = (x ^ 0x9e3779b97f4a7c15ull) * 0xbf58476d1ce4e5b9ull;
  h = (h ^ (h >> 29) ^ y) * 0x94d049bb133111ebull;
  return (uint32_t)(h >> 55); /* 9 bits: 512 buckets */
}

static bool same_addr(const uint8_t *a, const uint8_t *b, int alen) {
  if (alen == 16) {
    uint64_t a0, a1, b0, b1;
    memcpy(&a0, a, 8);
    memcpy(&a1, a + 8, 8);
    memcpy(&b0, b, 8);
    memcpy(&b1, b + 8, 8);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  return memcmp(a, b, (size_t)alen) == 0;
}

int fwd_vtep_find(const fwd *f, const uint8_t *addr, int alen) {
  for (int32_t i = f->vtep_buckets[vtep_hash(addr, alen)]; i >= 0; i = f->vteps[i].hash_next)
    if (f->vteps[i].alen == alen && same_addr(f->vteps[i].addr, addr, alen)) return i;
  return -1;
}

static void build_tmpl(fwd *f, fwd_vtep *v) {
  bool v6 = v->alen == 16;
  v->tmpl_ok = false;
  if (v6 ? !f->have6 : !f->have4) return;
  fwd_tmpl_params p;
  memset(&p, 0, sizeof p);
  p.ipv6 = v6;
  p.local = v6 ? f->local6 : f->local4;
  p.remote = v->addr;
  p.mtu = f->mtu;
  p.link = f->link;
  memcpy(p.src_mac, f->src_mac, 6);
  memcpy(p.dst_mac, f->dst_mac, 6);
  p.vlan = f->vlan;
  v->tmpl_ok = fwd_tmpl_build(&v->tmpl, &p) == 0;
}

static void rebuild_templates(fwd *f) {
  for (uint32_t i = 0; i < f->cfg.max_vteps; i++)
    if (f->vteps[i].alen != 0) build_tmpl(f, &f->vteps[i]);
}

/* Finds or adds the VTEP and takes a reference; -ENOSPC when the table is full. */
static int vtep_ref(fwd *f, const uint8_t *addr, int alen) {
  int i = fwd_vtep_find(f, addr, alen);
  if (i < 0) {
    for (uint32_t k = 0; k < f->cfg.max_vteps; k++)
      if (f->vteps[k].alen == 0) {
        i = (int)k;
        break;
      }
    if (i < 0) return -ENOSPC;
    fwd_vtep *v = &f->vteps[i];
    memset(v, 0, sizeof *v);
    memcpy(v->addr, addr, (size_t)alen);
    v->alen = (uint8_t)alen;
    uint32_t b = vtep_hash(addr, alen);
    v->hash_next = f->vtep_buckets[b];
    f->vtep_buckets[b] = i;
    build_tmpl(f, v);
  }
  f->vteps[i].refs++;
  return i;
}

void fwd_vtep_unref(fwd *f, int i) {
  fwd_vtep *v = &f->vteps[i];
  if (--v->refs > 0) return;
  int32_t *link = &f->vtep_buckets[vtep_hash(v->addr, v->alen)];
  while (*link != i) link = &f->vteps[*link].hash_next;
  *link = v->hash_next;
  v->alen = 0;
}

static bool valid_alen(int alen) { return alen == 16 || alen == 4; }

int fwd_set_local_vtep6(fwd *f, const uint8_t addr[16]) {
  memcpy(f->local6, addr, 16);
  f->have6 = true;
  rebuild_templates(f);
  return 0;
}

int fwd_set_local_vtep4(fwd *f, const uint8_t addr[4]) {
  memcpy(f->local4, addr, 4);
  f->have4 = true;
  rebuild_templates(f);
  return 0;
}

int fwd_set_mtu(fwd *f, uint32_t mtu) {
  if (mtu < 1280 || mtu > 0xffff) return -EINVAL;
  f->mtu = mtu;
  rebuild_templates(f);
  return 0;
}

int fwd_set_underlay_link(fwd *f, const uint8_t src_mac[6], const uint8_t dst_mac[6], uint16_t vlan) {
  if (vlan > 0xfff) return -EINVAL;
  memcpy(f->src_mac, src_mac, 6);
  memcpy(f->dst_mac, dst_mac, 6);
  f->vlan = vlan;
  f->link = true;
  rebuild_templates(f);
  return 0;
}

/* ---- VNIs ---- */

int fwd_vni_find(const fwd *f, uint32_t vni) {
  uint32_t b = (vni * 0x9e3779b1u) >> 8 & (f->vni_nbuckets - 1);
  for (int32_t i = f->vni_buckets[b]; i >= 0; i = f->vnis[i].hash_next)
    if (f->vnis[i].vni == vni) return i;
  return -1;
}

int fwd_bind_vni(fwd *f, uint32_t vni, uint16_t lan_port) {
  if (vni > 0xffffff || lan_port >= f->cfg.max_ports) return -EINVAL;
  if (f->port_vni[lan_port] >= 0 && f->vnis[f->port_vni[lan_port]].vni != vni) return -EBUSY;
  int i = fwd_vni_find(f, vni);
  if (i < 0) {
    for (uint32_t k = 0; k < f->cfg.max_vnis; k++)
      if (!f->vnis[k].in_use) {
        i = (int)k;
        break;
      }
    if (i < 0) return -ENOSPC;
    fwd_vni *v = &f->vnis[i];
    memset(v, 0, sizeof *v);
    v->vni = vni;
    v->in_use = true;
    uint32_t b = (vni * 0x9e3779b1u) >> 8 & (f->vni_nbuckets - 1);
    v->hash_next = f->vni_buckets[b];
    f->vni_buckets[b] = i;
  } else {
    f->port_vni[f->vnis[i].port] = -1;
  }
  f->vnis[i].port = lan_port;
  f->port_vni[lan_port] = i;
  return 0;
}

static void fdb_delete_at(fwd *f, uint32_t at);

int fwd_unbind_vni(fwd *f, uint32_t vni) {
  int i = fwd_vni_find(f, vni);
  if (i < 0) return -ENOENT;
  fwd_vni *v = &f->vnis[i];
  for (uint32_t k = 0; k < v->nflood; k++) fwd_vtep_unref(f, v->flood[k]);
  for (uint32_t k = 0; k < 256; k++)
    if (v->allowed[k >> 6] >> (k & 63) & 1) {
      f->vteps[k].allowed_in--;
      fwd_vtep_unref(f, (int)k);
    }
  for (uint32_t at = 0; at <= f->fdb_mask;) {
    if (f->fdb[at].state != FDB_EMPTY && f->fdb[at].vni == vni) fdb_delete_at(f, at); /* refills `at`: look again */
    else at++;
  }
  f->port_vni[v->port] = -1;
  uint32_t b = (vni * 0x9e3779b1u) >> 8 & (f->vni_nbuckets - 1);
  int32_t *link = &f->vni_buckets[b];
  while (*link != i) link = &f->vnis[*link].hash_next;
  *link = v->hash_next;
  v->in_use = false;
  return 0;
}

int fwd_add_flood_vtep(fwd *f, uint32_t vni, const uint8_t *addr, int alen) {
  if (!valid_alen(alen)) return -EINVAL;
  int i = fwd_vni_find(f, vni);
  if (i < 0) return -ENOENT;
  fwd_vni *v = &f->vnis[i];
  int t = fwd_vtep_find(f, addr, alen);
  for (uint32_t k = 0; t >= 0 && k < v->nflood; k++)
    if (v->flood[k] == t) return 0;
  if (v->nflood == FWD_MAX_FLOOD) return -ENOSPC;
  t = vtep_ref(f, addr, alen);
  if (t < 0) return t;
  v->flood[v->nflood++] = (uint8_t)t;
  return 0;
}

int fwd_remove_flood_vtep(fwd *f, uint32_t vni, const uint8_t *addr, int alen) {
  int i = fwd_vni_find(f, vni);
  int t = valid_alen(alen) ? fwd_vtep_find(f, addr, alen) : -1;
  if (i < 0 || t < 0) return -ENOENT;
  fwd_vni *v = &f->vnis[i];
  for (uint32_t k = 0; k < v->nflood; k++)
    if (v->flood[k] == t) {
      v->flood[k] = v->flood[--v->nflood];
      fwd_vtep_unref(f, t);
      return 0;
    }
  return -ENOENT;
}

int fwd_add_allowed_vtep(fwd *f, uint32_t vni, const uint8_t *addr, int alen) {
  if (!valid_alen(alen)) return -EINVAL;
  int i = fwd_vni_find(f, vni);
  if (i < 0) return -ENOENT;
  int t = fwd_vtep_find(f, addr, alen);
  if (t >= 0 && (f->vnis[i].allowed[t >> 6] >> (t & 63) & 1)) return 0;
  t = vtep_ref(f, addr, alen);
  if (t < 0) return t;
  f->vnis[i].allowed[t >> 6] |= 1ull << (t & 63);
  f->vteps[t].allowed_in++;
  return 0;
}

int fwd_remove_allowed_vtep(fwd *f, uint32_t vni, const uint8_t *addr, int alen) {
  int i = fwd_vni_find(f, vni);
  int t = valid_alen(alen) ? fwd_vtep_find(f, addr, alen) : -1;
  if (i < 0 || t < 0 || !(f->vnis[i].allowed[t >> 6] >> (t & 63) & 1)) return -ENOENT;
  f->vnis[i].allowed[t >> 6] &= ~(1ull << (t & 63));
  f->vteps[t].allowed_in--;
  fwd_vtep_unref(f, t);
  return 0;
}

/* ---- FDB: open addressing on (VNI, MAC), linear probing, backward-shift deletion ---- */

uint64_t fwd_mac48(const uint8_t *m) {
  return ((uint64_t)m[0] << 40) | ((uint64_t)m[1] << 32) | ((uint64_t)m[2] << 24) | ((uint64_t)m[3] << 16) |
         ((uint64_t)m[4] << 8) | m[5];
}

static uint32_t fdb_home(const fwd *f, uint32_t vni, uint64_t mac) {
  uint64_t h = (mac ^ ((uint64_t)vni << 40) ^ vni) * 0x9e3779b97f4a7c15ull;
  return (uint32_t)(h >> 32) & f->fdb_mask;
}

/* Index of the entry, or of the empty slot where it would go (as ~index). */
int64_t fwd_fdb_find(const fwd *f, uint32_t vni, uint64_t mac) {
  for (uint32_t at = fdb_home(f, vni, mac);; at = (at + 1) & f->fdb_mask) {
    const fwd_fdb_ent *e = &f->fdb[at];
    if (e->state == FDB_EMPTY) return ~(int64_t)at;
    if (e->mac == mac && e->vni == vni) return at;
  }
}

static void fdb_delete_at(fwd *f, uint32_t at) {
  fwd_fdb_ent *e = &f->fdb[at];
  if (e->state == FDB_REMOTE) fwd_vtep_unref(f, e->vtep);
  e->state = FDB_EMPTY;
  f->fdb_count--;
  /* Pull later entries of the probe run back so no lookup stops early at the hole. */
  uint32_t hole = at;
  for (uint32_t j = (at + 1) & f->fdb_mask; f->fdb[j].state != FDB_EMPTY; j = (j + 1) & f->fdb_mask) {
    uint32_t home = fdb_home(f, f->fdb[j].vni, f->fdb[j].mac);
    if (((j - home) & f->fdb_mask) >= ((j - hole) & f->fdb_mask)) {
      f->fdb[hole] = f->fdb[j];
      f->fdb[j].state = FDB_EMPTY;
      hole = j;
    }
  }
}

int fwd_add_remote_mac(fwd *f, uint32_t vni, const uint8_t mac[6], const uint8_t *addr, int alen) {
  if (!valid_alen(alen) || vni > 0xffffff) return -EINVAL;
  uint64_t m = fwd_mac48(mac);
  int64_t at = fwd_fdb_find(f, vni, m);
  if (at < 0 && f->fdb_count >= f->fdb_limit) return -ENOSPC;
  int t = vtep_ref(f, addr, alen);
  if (t < 0) return t;
  fwd_fdb_ent *e;
  if (at >= 0) {
    e = &f->fdb[at];
    if (e->state == FDB_REMOTE) fwd_vtep_unref(f, e->vtep);
  } else {
    e = &f->fdb[~at];
    f->fdb_count++;
  }
  e->mac = m;
  e->vni = vni;
  e->state = FDB_REMOTE;
  e->vtep = (uint8_t)t;
  e->port = 0;
  return 0;
}

int fwd_remove_remote_mac(fwd *f, uint32_t vni, const uint8_t mac[6]) {
  int64_t at = fwd_fdb_find(f, vni, fwd_mac48(mac));
  if (at < 0 || f->fdb[at].state != FDB_REMOTE) return -ENOENT;
  fdb_delete_at(f, (uint32_t)at);
  return 0;
}

void fwd_flush(fwd *f, bool remote) {
  for (uint32_t at = 0; at <= f->fdb_mask;) {
    uint8_t s = f->fdb[at].state;
    if (s == FDB_LOCAL || (remote && s == FDB_REMOTE)) fdb_delete_at(f, at);
    else at++;
  }
}

void fwd_learn_push(fwd *f, uint32_t vni, uint64_t mac, uint16_t port, uint8_t kind) {
  if (f->learn_head - f->learn_tail == FWD_LEARN_RING) {
    f->stats.learn_lost++;
    return;
  }
  fwd_learn_event *ev = &f->learn[f->learn_head++ % FWD_LEARN_RING];
  ev->vni = vni;
  for (int i = 0; i < 6; i++) ev->mac[i] = (uint8_t)(mac >> (40 - 8 * i));
  ev->port = port;
  ev->kind = kind;
}

uint32_t fwd_learn_drain(fwd *f, fwd_learn_event *out, uint32_t max) {
  uint32_t n = 0;
  while (n < max && f->learn_tail != f->learn_head) out[n++] = f->learn[f->learn_tail++ % FWD_LEARN_RING];
  return n;
}

/* Ages entries in slots [from, to); returns how many went. */
static uint32_t age_range(fwd *f, uint64_t now, uint32_t from, uint32_t to) {
  uint32_t aged = 0;
  for (uint32_t at = from; at < to;) {
    fwd_fdb_ent *e = &f->fdb[at];
    if (e->state == FDB_LOCAL && now >= e->last_seen && now - e->last_seen >= f->cfg.fdb_age) {
      fwd_learn_push(f, e->vni, e->mac, e->port, FWD_LEARN_AGED);
      fdb_delete_at(f, at); /* refills `at`: look again */
      aged++;
    } else {
      at++;
    }
  }
  return aged;
}

uint32_t fwd_fdb_age(fwd *f, uint64_t now) { return age_range(f, now, 0, f->fdb_mask + 1); }

uint32_t fwd_fdb_age_slice(fwd *f, uint64_t now, uint32_t slices) {
  const uint32_t size = f->fdb_mask + 1;
  uint32_t step = slices == 0 ? size : (size + slices - 1) / slices;
  if (step == 0) step = 1;
  const uint32_t from = f->age_cursor < size ? f->age_cursor : 0;
  const uint32_t to = size - from < step ? size : from + step;
  f->age_cursor = to == size ? 0 : to;
  /*
   * A deletion may shift an entry from beyond `to` back into the slice, or one from the next pass's
   * start across the wrap: such an entry is looked at one pass later, never lost.
   */
  return age_range(f, now, from, to);
}

fwd_fdb_entry_view fwd_fdb_lookup(const fwd *f, uint32_t vni, const uint8_t mac[6]) {
  fwd_fdb_entry_view v;
  memset(&v, 0, sizeof v);
  int64_t at = fwd_fdb_find(f, vni, fwd_mac48(mac));
  if (at < 0) return v;
  const fwd_fdb_ent *e = &f->fdb[at];
  v.found = true;
  v.remote = e->state == FDB_REMOTE;
  v.port = e->port;
  v.last_seen = e->last_seen;
  if (v.remote) {
    v.vtep_len = f->vteps[e->vtep].alen;
    memcpy(v.vtep, f->vteps[e->vtep].addr, (size_t)v.vtep_len);
  }
  return v;
}

uint32_t fwd_fdb_count(const fwd *f) { return f->fdb_count; }

/*
 * Byte-exact checks of the forwarder core against @evpn6/vxlan, on the vectors that
 * scripts/gen-native-vectors.ts writes to native/test/vectors/. Usage: fwd_vectors_test <vectors dir>
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdlib.h>

#include "fwd.h"
#include "fwd_check.h"

typedef struct bytes {
  uint8_t *p;
  size_t n;
} bytes;

static bytes from_hex(const char *s) {
  size_t n = strcspn(s, " \n\r") / 2;
  bytes b = {malloc(n + 1), n};
  for (size_t i = 0; i < n; i++) {
    unsigned v;
    sscanf(s + 2 * i, "%2x", &v);
    b.p[i] = (uint8_t)v;
  }
  return b;
}

static bool is_exception_reason(int r) {
  return r == FWD_R_NOT_IP || r == FWD_R_NOT_LOCAL_ADDRESS || r == FWD_R_NOT_UDP || r == FWD_R_UNKNOWN_NEXT_HEADER ||
         r == FWD_R_NOT_VXLAN_PORT || r == FWD_R_IPV4_FRAGMENT;
}

/* ---- encap ---- */

typedef struct encap_vec {
  char name[160];
  bytes local, remote, inner, src_mac, dst_mac;
  bool link;
  uint32_t mtu, vni, vlan, frag_id, ipv4_id;
  bool has_frag_id, has_ipv4_id;
  bytes outs[64];
  uint32_t nouts;
} encap_vec;

static int encap_vectors;

static void run_encap(encap_vec *v) {
  encap_vectors++;
  bool ipv6 = v->local.n == 16;
  fwd_tmpl_params p;
  memset(&p, 0, sizeof p);
  p.ipv6 = ipv6;
  p.local = v->local.p;
  p.remote = v->remote.p;
  p.mtu = v->mtu;
  p.link = v->link;
  if (v->link) {
    memcpy(p.src_mac, v->src_mac.p, 6);
    memcpy(p.dst_mac, v->dst_mac.p, 6);
    p.vlan = (uint16_t)v->vlan;
  }
  fwd_tmpl t;
  CHECK_EQ(fwd_tmpl_build(&t, &p), 0);
  fwd_tx_seg segs[FWD_MAX_FRAGS];
  uint16_t sport = fwd_source_port(v->inner.p, v->inner.n);
  int n = fwd_encap_plan(&t, (uint32_t)v->inner.n, fwd_sum16(v->inner.p, v->inner.n, 0), v->vni, sport, v->frag_id,
                         (uint16_t)v->ipv4_id, segs, FWD_MAX_FRAGS);
  CHECK_EQ(n, v->nouts);
  size_t total = 0;
  for (uint32_t i = 0; i < v->nouts; i++) total += v->outs[i].n;
  uint8_t *out = malloc(total + 64);
  uint32_t lengths[FWD_MAX_FRAGS];
  int64_t w = n > 0 ? fwd_encap_write(segs, (uint32_t)n, v->inner.p, out, total + 64, lengths) : -1;
  CHECK_EQ(w, (int64_t)total);
  if (w == (int64_t)total) {
    size_t o = 0;
    for (uint32_t i = 0; i < v->nouts; i++) {
      CHECK_EQ(lengths[i], v->outs[i].n);
      if (memcmp(out + o, v->outs[i].p, v->outs[i].n) != 0) {
        CHECK(!"encap output differs from the model");
        fprintf(stderr, "  vector %s frame %u\n", v->name, i);
      }
      o += v->outs[i].n;
    }
  }

  /* The same frame through the whole LAN path: learn, FDB hit, encap. Fragment ids come from the
     core's own generator there, so they are copied over before comparing. */
  if (v->link && !v->has_ipv4_id) {
    fwd_config c;
    memset(&c, 0, sizeof c);
    c.fdb_entries = 64;
    c.random_seed = 42;
    fwd *f = fwd_create(&c);
    CHECK(f != NULL);
    if (ipv6) fwd_set_local_vtep6(f, v->local.p);
    else fwd_set_local_vtep4(f, v->local.p);
    CHECK_EQ(fwd_set_mtu(f, v->mtu), 0);
    CHECK_EQ(fwd_set_underlay_link(f, v->src_mac.p, v->dst_mac.p, (uint16_t)v->vlan), 0);
    CHECK_EQ(fwd_bind_vni(f, v->vni, 3), 0);
    CHECK_EQ(fwd_add_remote_mac(f, v->vni, v->inner.p, v->remote.p, (int)v->remote.n), 0);
    CHECK_EQ(fwd_add_flood_vtep(f, v->vni, v->remote.p, (int)v->remote.n), 0);
    fwd_lan_result r = fwd_lan_rx(f, 3, v->inner.p, (uint32_t)v->inner.n, 1, segs, FWD_MAX_FRAGS);
    CHECK_EQ(r.action, FWD_LAN_ENCAP);
    CHECK_EQ(r.nsegs, v->nouts);
    if (r.action == FWD_LAN_ENCAP && r.nsegs == v->nouts) {
      w = fwd_encap_write(segs, r.nsegs, v->inner.p, out, total + 64, lengths);
      CHECK_EQ(w, (int64_t)total);
      size_t o = 0;
      uint32_t id_at = t.link_len + FWD_IPV6_HLEN + 4;
      for (uint32_t i = 0; i < v->nouts && w == (int64_t)total; i++) {
        if (v->nouts > 1) memcpy(out + o + id_at, v->outs[i].p + id_at, 4);
        if (memcmp(out + o, v->outs[i].p, v->outs[i].n) != 0) {
          CHECK(!"LAN path output differs from the model");
          fprintf(stderr, "  vector %s frame %u\n", v->name, i);
        }
        o += v->outs[i].n;
      }
    }
    fwd_destroy(f);
  }
  free(out);
}

/* ---- decap ---- */

static int decap_vectors, decap_frames;

typedef struct decap_state {
  char name[160];
  fwd *f;
  bytes local;
  uint32_t vnis[8];
  uint32_t nvnis;
  fwd_rx_result last;
  uint64_t expected[FWD_REASON_COUNT];
} decap_state;

static void decap_begin(decap_state *s) {
  if (s->f != NULL) return;
  fwd_config c;
  memset(&c, 0, sizeof c);
  c.random_seed = 1;
  /* The model's reassembly limits are in bytes and generous: give the table room for the same. */
  c.reasm.slots = 64;
  c.reasm.per_source = 64;
  c.reasm.slot_bytes = 0xffff;
  s->f = fwd_create(&c);
  CHECK(s->f != NULL);
  if (s->local.n == 16) fwd_set_local_vtep6(s->f, s->local.p);
  else fwd_set_local_vtep4(s->f, s->local.p);
  for (uint32_t i = 0; i < s->nvnis; i++) CHECK_EQ(fwd_bind_vni(s->f, s->vnis[i], (uint16_t)(1 + i)), 0);
}

static void decap_end(decap_state *s) {
  decap_vectors++;
  const fwd_stats *st = fwd_get_stats(s->f);
  for (int r = 0; r < FWD_REASON_COUNT; r++) {
    if (st->reasons[r] != s->expected[r]) {
      CHECK(!"drop counter differs from the model");
      fprintf(stderr, "  vector %s counter %s: %llu, model %llu\n", s->name, fwd_reason_name(r),
              (unsigned long long)st->reasons[r], (unsigned long long)s->expected[r]);
    }
  }
  fwd_destroy(s->f);
  free(s->local.p);
  memset(s, 0, sizeof *s);
}

static void decap_want(decap_state *s, const char *rest) {
  decap_frames++;
  const fwd_rx_result *r = &s->last;
  char kind[32], arg[64];
  if (sscanf(rest, "%31s %63s", kind, arg) < 1) return;
  if (strcmp(kind, "pending") == 0) {
    if (r->action != FWD_RX_PENDING) {
      CHECK(!"expected pending");
      fprintf(stderr, "  vector %s frame %d: action %d reason %s\n", s->name, decap_frames, r->action, fwd_reason_name(r->reason));
    }
  } else if (strcmp(kind, "drop") == 0) {
    int want = fwd_reason_from_name(arg);
    CHECK(want >= 0);
    int action = is_exception_reason(want) ? FWD_RX_EXCEPTION : FWD_RX_DROP;
    if (r->action != action || r->reason != want) {
      CHECK(!"drop reason differs from the model");
      fprintf(stderr, "  vector %s: want %s, got action %d reason %s\n", s->name, arg, r->action, fwd_reason_name(r->reason));
    }
  } else {
    unsigned vni, sport;
    char inner_hex_start[2];
    const char *h = rest + strlen("frame ");
    CHECK(sscanf(h, "%u %u %1s", &vni, &sport, inner_hex_start) == 3);
    h = strchr(h, ' ') + 1;
    h = strchr(h, ' ') + 1;
    bytes inner = from_hex(h);
    bool ok = r->action == FWD_RX_DELIVER && r->vni == vni && r->source_port == sport && r->len == inner.n &&
              memcmp(r->data, inner.p, inner.n) == 0;
    if (!ok) {
      CHECK(!"decapsulated frame differs from the model");
      fprintf(stderr, "  vector %s: got action %d reason %s len %u (want %zu)\n", s->name, r->action, fwd_reason_name(r->reason),
              r->len, inner.n);
    } else {
      CHECK(ok);
      int v = -1;
      for (uint32_t i = 0; i < s->nvnis; i++)
        if (s->vnis[i] == vni) v = (int)i;
      CHECK_EQ(r->port, 1 + v);
    }
    free(inner.p);
  }
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "native/test/vectors";
  char path[1024];
  char *line = NULL;
  size_t cap = 0;

  snprintf(path, sizeof path, "%s/encap.txt", dir);
  FILE *in = fopen(path, "r");
  if (in == NULL) {
    fprintf(stderr, "cannot open %s\n", path);
    return 1;
  }
  encap_vec v;
  memset(&v, 0, sizeof v);
  while (getline(&line, &cap, in) > 0) {
    char key[32];
    if (line[0] == '#' || sscanf(line, "%31s", key) != 1) continue;
    const char *rest = line + strlen(key) + (line[strlen(key)] == ' ' ? 1 : 0);
    if (strcmp(key, "encap") == 0) {
      memset(&v, 0, sizeof v);
      sscanf(rest, "%159s", v.name);
    } else if (strcmp(key, "local") == 0) v.local = from_hex(rest);
    else if (strcmp(key, "remote") == 0) v.remote = from_hex(rest);
    else if (strcmp(key, "mtu") == 0) v.mtu = (uint32_t)strtoul(rest, NULL, 10);
    else if (strcmp(key, "vni") == 0) v.vni = (uint32_t)strtoul(rest, NULL, 10);
    else if (strcmp(key, "frag_id") == 0) v.frag_id = (uint32_t)strtoul(rest, NULL, 10), v.has_frag_id = true;
    else if (strcmp(key, "ipv4_id") == 0) v.ipv4_id = (uint32_t)strtoul(rest, NULL, 10), v.has_ipv4_id = true;
    else if (strcmp(key, "inner") == 0) v.inner = from_hex(rest);
    else if (strcmp(key, "out") == 0 && v.nouts < 64) v.outs[v.nouts++] = from_hex(rest);
    else if (strcmp(key, "link") == 0) {
      v.link = true;
      v.src_mac = from_hex(rest);
      v.dst_mac = from_hex(rest + 13);
      v.vlan = (uint32_t)strtoul(rest + 26, NULL, 10);
    } else if (strcmp(key, "end") == 0) {
      run_encap(&v);
      free(v.local.p), free(v.remote.p), free(v.inner.p), free(v.src_mac.p), free(v.dst_mac.p);
      for (uint32_t i = 0; i < v.nouts; i++) free(v.outs[i].p);
      memset(&v, 0, sizeof v);
    }
  }
  fclose(in);

  snprintf(path, sizeof path, "%s/decap.txt", dir);
  in = fopen(path, "r");
  if (in == NULL) {
    fprintf(stderr, "cannot open %s\n", path);
    return 1;
  }
  decap_state s;
  memset(&s, 0, sizeof s);
  while (getline(&line, &cap, in) > 0) {
    char key[32];
    if (line[0] == '#' || sscanf(line, "%31s", key) != 1) continue;
    const char *rest = line + strlen(key) + (line[strlen(key)] == ' ' ? 1 : 0);
    if (strcmp(key, "decap") == 0) sscanf(rest, "%159s", s.name);
    else if (strcmp(key, "local") == 0) s.local = from_hex(rest);
    else if (strcmp(key, "vni") == 0 && s.nvnis < 8) s.vnis[s.nvnis++] = (uint32_t)strtoul(rest, NULL, 10);
    else if (strcmp(key, "allow") == 0) {
      decap_begin(&s);
      bytes a = from_hex(rest);
      for (uint32_t i = 0; i < s.nvnis; i++) CHECK_EQ(fwd_add_allowed_vtep(s.f, s.vnis[i], a.p, (int)a.n), 0);
      free(a.p);
    } else if (strcmp(key, "rx") == 0) {
      decap_begin(&s);
      char *after;
      uint64_t now = strtoull(rest, &after, 10);
      bytes frame = from_hex(after + 1);
      /* An exact-size heap copy, so AddressSanitizer sees any read past the frame. */
      uint8_t *exact = malloc(frame.n == 0 ? 1 : frame.n);
      memcpy(exact, frame.p, frame.n);
      s.last = fwd_underlay_rx(s.f, exact, (uint32_t)frame.n, now);
      /* Results may point into `exact`: compare before freeing it, at the `want` line. */
      char *want_line = NULL;
      size_t want_cap = 0;
      if (getline(&want_line, &want_cap, in) > 0 && strncmp(want_line, "want ", 5) == 0) decap_want(&s, want_line + 5);
      else CHECK(!"rx without want");
      free(want_line);
      free(exact);
      free(frame.p);
    } else if (strcmp(key, "counter") == 0) {
      char name[64];
      unsigned long long n;
      if (sscanf(rest, "%63s %llu", name, &n) == 2) {
        int r = fwd_reason_from_name(name);
        CHECK(r >= 0);
        if (r >= 0) s.expected[r] = n;
      }
    } else if (strcmp(key, "end") == 0) {
      decap_begin(&s);
      decap_end(&s);
    }
  }
  fclose(in);
  free(line);
  fprintf(stderr, "%d encap vectors, %d decap vectors (%d frames)\n", encap_vectors, decap_vectors, decap_frames);
  CHECK(encap_vectors >= 30);
  CHECK(decap_vectors >= 50);
  return check_summary("fwd_vectors_test");
}

/* resolve: the probe's resolve stage, between target() and admission.
 * It asks the DNS stage (dns.c) for the URL's host, ends the probe with a
 * dns error when the name does not exist, pins the transfer to the answer
 * (CONNECT_TO, or a kept-alive connection to the address for plain HTTP),
 * and hands it on to admission. With --dns-only the answer is the hit.
 * It also learns the domain's wildcard answers (--wildcard-dns). */
#ifndef SALVO_RESOLVE_H
#define SALVO_RESOLVE_H
#include <stddef.h>
#include <stdint.h>

#include "base/strlist.h"

struct dns;
struct probe;
struct probe_hooks;
struct probe_stats;
struct resolve;

struct resolve_settings {
    const char *template;
    int dns_only;
    int reuse;                        /* keep-alive to resolved addresses */
    const struct strlist *connect_to; /* names the user pinned already */
    const struct strlist *resolve;
    long wildcard_tests;              /* random names for --wildcard-dns, 0 = off */
};

/* wake(ud) runs after every answer: the window may move. wild(text, ud)
 * runs once when the wildcard's answers are known ("*.domain a,b" or
 * "*.domain -"). */
struct resolve *resolve_new(struct dns *dns, const struct resolve_settings *s,
                            struct probe_stats *stats, void (*wake)(void *ud),
                            void (*wild)(const char *text, size_t len, void *ud), void *ud);
void resolve_free(struct resolve *r);
/* Whether p's host needs the DNS stage (not numeric, not pinned by the
 * user, a URL curl can parse). */
int resolve_wanted(struct resolve *r, struct probe *p);
/* Ask; the probe goes on to admission or ends later. 0, or -1 when out of
 * memory (the probe is still the caller's). */
int resolve_start(struct resolve *r, struct probe *p);
/* The DNS stage's hooks for the probe layer (wanted, start). */
void resolve_hooks(struct resolve *r, struct probe_hooks *h);
/* Start learning the wildcard; words wait while resolve_learning(). */
void resolve_learn_wildcard(struct resolve *r, uint64_t *seed);
int resolve_learning(const struct resolve *r);
#endif

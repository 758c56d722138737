/* h1site: what one address takes, as salvo's own HTTP/1.1 client learns it
 * (h1.c drives it; this part has no socket or clock, so it is unit-tested
 * on its own).
 *
 * A server takes only so many connections at once (a prefork Apache at
 * MaxRequestWorkers, a one-thread server with a listen backlog of 5):
 * past that, connections are accepted by the kernel and never answered,
 * or refused. Each address has a cap, learnt: a connection refused, reset
 * before a single byte of an answer, or silent for a whole timeout in which
 * the address answered nothing, halves it (to what was open then); a
 * timeout while the address answered others takes one off; each run of
 * `cap` answers adds one. It falls once for a batch that failed together:
 * only a transfer sent after the last cut lowers it again (as TCP cuts its
 * window once per round trip of losses).
 *
 * A connection the server has not taken yet (in its backlog, behind
 * connections it serves and keeps) is seen before its timeout: it is new,
 * no byte came on it, it was made after every connection that was ever
 * answered (a backlog is taken in order: a later connection served means
 * this one was taken, and its page is slow), the address answered once per
 * open connection since its request went out, and that took UNSERVED_MEAN
 * times as long as an answer takes (UNSERVED_MIN_MS at least). */
#ifndef SALVO_H1SITE_H
#define SALVO_H1SITE_H
#include <arpa/inet.h>
#include <stdint.h>

#include "base/list.h"
#include "net/request.h"

#define H1SITE_UNSERVED_MIN_MS 250
#define H1SITE_UNSERVED_MEAN 4

struct h1site {
    union request_addr sa;
    char text[INET6_ADDRSTRLEN];
    unsigned open;              /* connections to it, any state */
    unsigned cap;               /* at most that many open; 0: no limit seen */
    unsigned answered;          /* answers since the cap last moved */
    uint64_t last_answer;       /* when it last answered (uv_hrtime) */
    uint64_t last_heard;        /* when a byte of any answer last came */
    uint64_t cut_at;            /* when the cap last fell */
    uint64_t answers;           /* answers read from it, ever */
    uint64_t mean_ns;           /* how long an answer takes, moving mean */
    unsigned opened;            /* connections made to it, ever: each one's seq */
    unsigned served_seq;        /* the latest-made connection that was answered */
    int pumping;                /* h1's: its queue is being started */
    unsigned sweep_unserved;    /* h1's sweep: its connections judged not taken */
    int sweep_served;           /* h1's sweep: one of its connections is served */
    struct list wait;           /* transfers waiting for a connection (own.link) */
    struct h1site *next;
};

/* The address sa in the list at *head, added if new (text: its form for
 * messages); NULL when out of memory. */
struct h1site *h1site_find(struct h1site **head, const union request_addr *sa, const char *text);
/* An answer came at now, took ns after its request went out, on the
 * connection made seq-th. */
void h1site_answered(struct h1site *st, uint64_t now, uint64_t took, unsigned seq);
/* A transfer sent at sent met the server's limit: the cap falls to cap (1
 * at least) unless it is lower, or the transfer was sent before the last
 * cut. 1 when it was (it speaks of a cap already cut: no try charged). */
int h1site_cut(struct h1site *st, unsigned cap, uint64_t sent, uint64_t now);
/* 1 when a new connection's transfer is judged not taken by the server:
 * the connection was made seq-th, waited ns since its request went out,
 * while the address answered since times; open: its connections then. */
int h1site_unserved(const struct h1site *st, unsigned seq, uint64_t waited, uint64_t since,
                    unsigned open);
#endif

/* perip: politeness per address across all workers. Many names of one
 * target resolve to the same few front ends, so a global rate alone can
 * still hammer one server: per_ip_concurrency caps the transfers in flight
 * to one address, per_ip_rate the requests a second to it, both counted
 * in one table in shared memory (made before the workers fork), together
 * with the global --rate.
 *
 * The same table adapts (--auto-tune): an address that answers 429 or 503
 * in bursts is held to the rate it accepted, and let go faster slowly
 * while it stops pushing back (numbers in perip.c and the user guide). And
 * it gives up (--auto-bail, --max-time-per-host): an address given up
 * lets no more transfers start; its words end as skipped. */
#ifndef SALVO_PERIP_H
#define SALVO_PERIP_H
#include <stddef.h>
#include <stdint.h>

#include "base/hoststat.h"

struct perip;

struct perip_tune {
    int slow;             /* --auto-tune */
    int bail;             /* --auto-bail */
    long bail_errors;     /* this many transport errors in a row give a host up */
    double bail_share;    /* or this share (0..1] of 403 and 429 answers ... */
    long bail_window;     /* ... in a run of this many answers */
    double host_time;     /* --max-time-per-host, seconds from its first request; 0 = none */
};

/* How a transfer to an address ended, for perip_note(). */
enum perip_outcome {
    PERIP_OK,       /* any other answer */
    PERIP_SLOW,     /* 503 */
    PERIP_LIMITED,  /* 429 */
    PERIP_DENIED,   /* 403 */
    PERIP_FAIL,     /* timeout, reset, closed without a reply */
    PERIP_DOWN,     /* no connection */
};

/* What perip_note() saw happen to the address. */
enum perip_event { PERIP_NONE, PERIP_SLOWED, PERIP_GAVE_UP };

/* NULL when nothing asks for the table (no caps, no tuning, no bail), or
 * when it cannot be mapped. tune may be NULL (none of it). */
struct perip *perip_new(long max_inflight, double per_second, const struct perip_tune *tune);
void perip_free(struct perip *t);
/* 1: a transfer to ip may start now (counted until perip_release()).
 * 0: not now; *wait_ns says when the rate allows it, 0 = when a transfer
 * to ip ends. -1: ip was given up (perip_why() says why); the word is
 * counted as skipped for it. */
int perip_take(struct perip *t, const char *ip, uint64_t now, uint64_t *wait_ns);
void perip_release(struct perip *t, const char *ip);
/* A transfer to ip ended so. Returns what that changed. */
int perip_note(struct perip *t, const char *ip, int outcome, uint64_t now);
/* Why ip was given up, into buf (n bytes); "" if it was not. */
const char *perip_why(struct perip *t, const char *ip, char *buf, size_t n);
/* The requests a second ip is held to now (0 = no limit). */
double perip_rate(struct perip *t, const char *ip);
/* The addresses slowed or given up: up to max of them into v (given up
 * first), and how many there are of each. */
size_t perip_hosts(const struct perip *t, struct hoststat *v, size_t max, uint32_t *slowed,
                   uint32_t *gave_up);
/* The most transfers ever seen in flight to one address (for tests). */
long perip_peak(const struct perip *t);
#endif

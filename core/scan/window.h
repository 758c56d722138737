/* window: -t auto, the transfers in flight that fit the target (window.c
 * says how). Pure arithmetic on times and counts given to it, so that it
 * is tested on a made-up clock. */
#ifndef SALVO_WINDOW_H
#define SALVO_WINDOW_H
#include <stdint.h>

struct window {
    unsigned cur, lo, hi;      /* the window, and its bounds */
    /* The current period. */
    uint64_t start, cpu0;      /* ns: wall clock and the worker's CPU */
    uint64_t ended, failed;
    double lat_sum;            /* seconds, over the ended */
    double lat_min;            /* the quickest that did not fail, 0 if none */
    unsigned peak;             /* most transfers in flight */
    int held;                  /* --rate or a cap held probes back */
    uint64_t starved_ns;       /* how long the input left the window unfilled */
    uint64_t starved_at;       /* since when it does now, 0 if it does not */
    int skip;                  /* the window just moved: it fills first */
    uint64_t fill;             /* ns that takes */
    /* What was learned. */
    double best_rate;          /* probes/s */
    unsigned best;             /* the window that gave it */
    double base_fail;          /* the failed share at that window */
    double best_cpp;           /* and the CPU seconds a probe cost there */
    double base_lat;           /* the quickest probe so far: the target's own */
    unsigned settled;          /* periods without a move */
    int careful;               /* grow by a quarter, not double */
    unsigned ceiling;          /* a window that failed, 0 if none */
    int flat;                  /* a larger window gave no more: try smaller */
    unsigned down;             /* trying a smaller window, from this one */
    unsigned floor;            /* a smaller window that lost rate, 0 if none */
    unsigned streams;          /* HTTP/2: smaller tries stop here, 0 without */
    int fresh;                 /* it just grew: "not worth it" waits a period */
    int shared;                /* other workers probe the same targets */
};

/* Start at start (bounded by lo and hi). now and cpu in ns. */
void window_init(struct window *w, unsigned start, unsigned lo, unsigned hi, uint64_t now,
                 uint64_t cpu);
/* A probe ended after latency seconds; failed: no connection or timeout. */
void window_ended(struct window *w, double latency, int failed);
/* busy transfers are in flight now. */
void window_busy(struct window *w, unsigned busy);
/* Whether the input leaves the window unfilled now (no word to start
 * while transfers are free), at now ns. A period starved for part of its
 * span measured the input, not the window. */
void window_starved(struct window *w, int starved, uint64_t now);
/* Something else (--rate, a per-address cap) holds probes back now: this
 * period says nothing about the window. */
void window_held(struct window *w);
/* Answers come over HTTP/2, streams at a time on one connection: a
 * window under that saves no connection, only batching, so the tries of
 * smaller windows stop there, and a smaller window moves up to it now
 * (learning starts again from there). 1 when w->cur changed. Backing off
 * on failures may still go under it. */
int window_streams(struct window *w, unsigned streams, uint64_t now, uint64_t cpu);
/* Whether the period may be over (then window_tick wants the CPU time). */
int window_due(const struct window *w, uint64_t now);
/* Close the period if it is over: 1 when w->cur changed. */
int window_tick(struct window *w, uint64_t now, uint64_t cpu);
#endif

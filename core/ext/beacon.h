/* beacon: what a worker's plugin code is judging right now, in memory
 * shared with the parent, so that the parent can name the word that
 * killed a worker. Written by the judge around every call into plugin or
 * script code, read by the parent (pool.c) when a worker dies, and by its
 * watchdog, which kills a worker whose plugin code runs on one word for
 * longer than --judge-timeout. */
#ifndef SALVO_BEACON_H
#define SALVO_BEACON_H
#include <stdint.h>
#include <string.h>

#include "base/util.h"

struct beacon {
    volatile int busy;
    volatile uint64_t chunk;
    volatile uint32_t index;
    volatile uint32_t len;
    volatile uint64_t since;   /* util_now_ns() when busy was set: the watchdog's clock */
    char word[256];
};

static inline void beacon_on(struct beacon *b, uint64_t chunk, uint32_t index, const char *word,
                             size_t len)
{
    if (!b)
        return;
    b->chunk = chunk;
    b->index = index;
    b->len = (uint32_t)(len < sizeof b->word ? len : sizeof b->word);
    memcpy(b->word, word, b->len);
    b->since = util_now_ns();
    b->busy = 1;
}

/* Seconds the word in b has been judged, read by another process while
 * the worker goes on; 0 when none is. since is read before the clock: the
 * worker may start its next word meanwhile, whose time is then still not
 * later than now (the clock is CLOCK_MONOTONIC, one for every process).
 * Read the other way round, a word started between the two reads made
 * now - since wrap around, and the watchdog killed a worker as "hung" in a
 * scan of seconds. */
static inline double beacon_busy_for(const struct beacon *b)
{
    if (!b->busy)
        return 0;
    uint64_t since = b->since;
    uint64_t now = util_now_ns();
    return now > since ? (double)(now - since) / 1e9 : 0;
}

static inline void beacon_off(struct beacon *b)
{
    if (b)
        b->busy = 0;
}
#endif

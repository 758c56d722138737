/* worker: the scanning side of the process pool. */
#ifndef SALVO_WORKER_H
#define SALVO_WORKER_H
#include <stdint.h>

struct conf;
struct plugin;
struct perip;
struct rate;

/* What a worker's plugin code is judging right now, in memory shared with
 * the parent, so that the parent can name the word that killed it. */
struct worker_beacon {
    volatile int busy;
    volatile uint64_t chunk;
    volatile uint32_t index;
    volatile uint32_t len;
    char word[256];
};

/* Run one worker on the socket fd to the parent until the parent says the
 * input has ended and every result is sent. Returns the exit status. */
int worker_run(int fd, const struct conf *c, struct plugin *plugin,
               struct worker_beacon *beacon, struct rate *rate, struct rate *dns_rate,
               struct perip *perip);
#endif

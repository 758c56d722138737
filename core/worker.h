/* worker: the scanning side of the process pool. */
#ifndef SALVO_WORKER_H
#define SALVO_WORKER_H
#include <stdint.h>

struct beacon;
struct conf;
struct plugin;
struct perip;
struct rate;

/* Run one worker on the socket fd to the parent until the parent says the
 * input has ended and every result is sent. Returns the exit status. */
int worker_run(int fd, const struct conf *c, struct plugin *plugin,
               struct beacon *beacon, struct rate *rate, struct rate *dns_rate,
               struct perip *perip);
#endif

/* rate: one global request rate shared by every worker. */
#ifndef SALVO_RATE_H
#define SALVO_RATE_H
#include <stdint.h>

struct rate;

/* A limiter for per_second requests a second (0 = none) in memory shared
 * by the processes forked after this call. NULL if per_second is 0. */
struct rate *rate_new(double per_second);
void rate_free(struct rate *r);
/* Take a token at now_ns (CLOCK_MONOTONIC): 0 if taken, else how many
 * nanoseconds to wait before asking again (nothing is taken then). */
uint64_t rate_take(struct rate *r, uint64_t now_ns);
uint64_t rate_now(void);
/* The same step on any shared TAT (see rate.c): 0 if taken, else the wait. */
uint64_t rate_gcra(_Atomic uint64_t *tat, uint64_t interval, uint64_t burst, uint64_t now);
#endif

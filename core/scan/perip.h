/* perip: politeness per address across all workers. Many names of one
 * target resolve to the same few front ends, so a global rate alone can
 * still hammer one server: per_ip_concurrency caps the transfers in flight
 * to one address, per_ip_rate the requests a second to it, both counted
 * in one table in shared memory (made before the workers fork), together
 * with the global --rate. */
#ifndef SALVO_PERIP_H
#define SALVO_PERIP_H
#include <stdint.h>

struct perip;

/* NULL when both limits are 0 (or the table cannot be mapped). */
struct perip *perip_new(long max_inflight, double per_second);
void perip_free(struct perip *t);
/* 1: a transfer to ip may start now (counted until perip_release()).
 * 0: not now; *wait_ns says when the rate allows it, 0 = when a transfer
 * to ip ends. */
int perip_take(struct perip *t, const char *ip, uint64_t now, uint64_t *wait_ns);
void perip_release(struct perip *t, const char *ip);
/* The most transfers ever seen in flight to one address (for tests). */
long perip_peak(const struct perip *t);
#endif

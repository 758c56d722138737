/* rate: a GCRA ("generic cell rate algorithm") limiter in shared memory.
 *
 * Dividing a global rate into equal slices per worker under-delivers as
 * soon as one worker is slower than the others (it cannot use its slice,
 * and nobody else may). Here every worker takes from the same counter: one
 * 64-bit "theoretical arrival time" (TAT) in a MAP_SHARED page made before
 * the fork. Taking a token is a compare-and-swap loop:
 *
 *     if now < TAT - burst: wait (TAT - burst - now)
 *     else TAT' = max(TAT, now) + interval
 *
 * No lock, no round trip to the parent, and a dead worker simply stops
 * taking. The burst is one interval or 10 ms, whichever is more, so over
 * any window the count stays within that much of rate * window.
 */
#include "base/rate.h"

#include "base/util.h"

#include <stdatomic.h>
#include <sys/mman.h>
#include <time.h>

struct rate {
    _Atomic uint64_t tat;
    uint64_t interval;   /* ns per request */
    uint64_t burst;      /* ns of credit */
};

uint64_t rate_now(void)
{
    return util_now_ns();
}

struct rate *rate_new(double per_second)
{
    if (per_second <= 0)
        return NULL;
    struct rate *r = mmap(NULL, sizeof *r, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                          -1, 0);
    if (r == MAP_FAILED)
        return NULL;
    r->interval = (uint64_t)(1e9 / per_second);
    if (!r->interval)
        r->interval = 1;
    /* Credit for 10 ms at least: the loop's timers have 1 ms resolution,
     * and a burst of one request would cap high rates at the timer rate. */
    r->burst = r->interval > 10000000u ? r->interval : 10000000u;
    atomic_store(&r->tat, rate_now());
    return r;
}

void rate_free(struct rate *r)
{
    if (r)
        munmap(r, sizeof *r);
}

uint64_t rate_gcra(_Atomic uint64_t *tatp, uint64_t interval, uint64_t burst, uint64_t now)
{
    uint64_t tat = atomic_load(tatp);
    for (;;) {
        if (tat > now + burst)
            return tat - burst - now;
        uint64_t next = (tat > now ? tat : now) + interval;
        if (atomic_compare_exchange_weak(tatp, &tat, next))
            return 0;
    }
}

uint64_t rate_take(struct rate *r, uint64_t now)
{
    return rate_gcra(&r->tat, r->interval, r->burst, now);
}

/* perip: an open-addressing table of addresses in a MAP_SHARED mapping.
 * Slots are claimed with a compare-and-swap on the address's hash and never
 * given back (a scan meets far fewer addresses than SLOTS); a full table
 * lets everything through rather than stall the scan. */
#include "scan/perip.h"

#include "base/util.h"

#include "base/rate.h"

#include <stdatomic.h>
#include <stddef.h>
#include <sys/mman.h>

#define SLOTS 8192

struct slot {
    _Atomic uint64_t key;     /* hash of the address; 0 = free */
    _Atomic long inflight;
    _Atomic uint64_t tat;     /* per-address GCRA, 0 = never used */
};

struct perip {
    long max;
    uint64_t interval, burst;  /* 0 = no rate */
    _Atomic long peak;
    struct slot s[SLOTS];
};

struct perip *perip_new(long max_inflight, double per_second)
{
    if (max_inflight <= 0 && per_second <= 0)
        return NULL;
    struct perip *t = mmap(NULL, sizeof *t, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                           -1, 0);
    if (t == MAP_FAILED)
        return NULL;
    t->max = max_inflight > 0 ? max_inflight : 0;
    if (per_second > 0) {
        t->interval = (uint64_t)(1e9 / per_second);
        t->interval += !t->interval;
        /* One request of credit: a per-address rate is low, so no burst. */
        t->burst = t->interval;
    }
    return t;
}

void perip_free(struct perip *t)
{
    if (t)
        munmap(t, sizeof *t);
}

static uint64_t hash(const char *ip)
{
    return util_fnv1a_str(UTIL_FNV_OFFSET, ip) | 1;
}

static struct slot *perip_find(struct perip *t, const char *ip)
{
    uint64_t k = hash(ip);
    for (size_t i = 0; i < SLOTS; i++) {
        struct slot *s = &t->s[(k + i) % SLOTS];
        uint64_t cur = atomic_load(&s->key);
        if (cur == k)
            return s;
        if (!cur) {
            uint64_t zero = 0;
            if (atomic_compare_exchange_strong(&s->key, &zero, k) || zero == k)
                return s;
        }
    }
    return NULL;
}

int perip_take(struct perip *t, const char *ip, uint64_t now, uint64_t *wait_ns)
{
    struct slot *s = perip_find(t, ip);
    *wait_ns = 0;
    if (!s)
        return 1;
    if (t->max) {
        long c = atomic_load(&s->inflight);
        do {
            if (c >= t->max)
                return 0;
        } while (!atomic_compare_exchange_weak(&s->inflight, &c, c + 1));
        long peak = atomic_load(&t->peak);
        while (c + 1 > peak && !atomic_compare_exchange_weak(&t->peak, &peak, c + 1))
            ;
    }
    if (t->interval) {
        uint64_t w = rate_gcra(&s->tat, t->interval, t->burst, now);
        if (w) {
            if (t->max)
                atomic_fetch_sub(&s->inflight, 1);
            *wait_ns = w;
            return 0;
        }
    }
    return 1;
}

void perip_release(struct perip *t, const char *ip)
{
    struct slot *s = t->max ? perip_find(t, ip) : NULL;
    if (s)
        atomic_fetch_sub(&s->inflight, 1);
}

long perip_peak(const struct perip *t)
{
    return atomic_load(&((struct perip *)t)->peak);
}

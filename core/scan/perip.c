/* perip: an open-addressing table of addresses in a MAP_SHARED mapping.
 * Slots are claimed with a compare-and-swap on the address's hash and never
 * given back (a scan meets far fewer addresses than SLOTS); a full table
 * lets everything through rather than stall the scan.
 *
 * Auto-tune, per address, over windows of WINDOW_NS of answers counted by
 * every worker together:
 *   - a window with push-back (at least 2 answers 429/503 and 1 in 16; or
 *     timeouts and resets while the address also answers) slows it down:
 *     to the rate it accepted in that window when that is under half the
 *     rate it was asked (a flood finds the server's rate in one step), to
 *     9/10 of the asked rate when it accepted more, to half when it
 *     accepted nothing; never below FLOOR a second. The window right after
 *     a slow-down slows it again only for a flood: answers to what was sent
 *     before still come in;
 *   - a window without push-back in which the limit was in use (half of
 *     it or more) lets it go faster: 3 % a window near the rate at which it
 *     last pushed back, 10 % a window below 85 % of that or after CALM_LONG
 *     calm windows (some 20 % a second: a server that stops pushing back
 *     gets its speed back within seconds); free again above LIFT a second.
 * A host that only fails (nothing answers) is not slowed: slowing does not
 * help a dead host, and --auto-bail is there for it. */
#include "scan/perip.h"

#include "base/util.h"

#include "base/rate.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define SLOTS 8192
#define WINDOW_NS 500000000ull
#define FLOOR 1.0
#define NEAR 0.9
#define RAISE 1.03
#define RAISE_FAR 1.1
#define CALM_LONG 4

enum bail_reason { BAIL_NONE, BAIL_ERRORS, BAIL_SHARE, BAIL_TIME };

struct slot {
    _Atomic uint64_t key;     /* hash of the address; 0 = free */
    _Atomic long inflight;
    _Atomic uint64_t tat;     /* per-address GCRA, 0 = never used */
    /* auto-tune */
    _Atomic uint64_t interval; /* ns between requests it is held to, 0 = none */
    _Atomic uint64_t atat;
    _Atomic uint64_t wstart;  /* the window's start, 0 = none yet */
    _Atomic uint32_t w_n, w_ok, w_back;
    _Atomic uint32_t drops;
    _Atomic uint32_t calm;    /* windows since the last that slowed it down */
    double ceiling;           /* the rate asked when it last pushed back (the window's closer) */
    _Atomic uint64_t lowest;  /* the longest interval it was held to */
    /* auto-bail */
    _Atomic uint64_t first;   /* its first request (ns) */
    _Atomic uint32_t in_row;  /* transport errors in a row */
    _Atomic uint32_t b_n, b_denied;
    _Atomic uint32_t bailed;  /* enum bail_reason */
    uint32_t bail_a, bail_b;  /* the reason's numbers, written before bailed */
    _Atomic uint64_t skipped;
    char addr[48];            /* written by the slot's claimer */
};

struct perip {
    long max;
    uint64_t interval, burst;  /* 0 = no rate */
    struct perip_tune tune;
    _Atomic long peak;
    struct slot s[SLOTS];
};

struct perip *perip_new(long max_inflight, double per_second, const struct perip_tune *tune)
{
    struct perip_tune none = {0};
    tune = tune ? tune : &none;
    if (max_inflight <= 0 && per_second <= 0 && !tune->slow && !tune->bail &&
        tune->host_time <= 0)
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
    t->tune = *tune;
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
            if (atomic_compare_exchange_strong(&s->key, &zero, k)) {
                util_put_str(s->addr, sizeof s->addr, 0, ip);
                return s;
            }
            if (zero == k)
                return s;
        }
    }
    return NULL;
}

static void give_up(struct slot *s, uint32_t reason, uint32_t a, uint32_t b)
{
    if (atomic_load(&s->bailed))
        return;
    s->bail_a = a;
    s->bail_b = b;
    uint32_t none = BAIL_NONE;
    atomic_compare_exchange_strong(&s->bailed, &none, reason);
}

/* -1 when s is given up (or is now, its time being spent). */
static int given_up(struct perip *t, struct slot *s, uint64_t now)
{
    if (t->tune.host_time > 0) {
        uint64_t first = atomic_load(&s->first);
        if (!first && atomic_compare_exchange_strong(&s->first, &first, now))
            first = now;
        /* Another worker's clock read may be a little behind first. */
        if (now > first + (uint64_t)(t->tune.host_time * 1e9))
            give_up(s, BAIL_TIME, 0, 0);
    }
    if (!atomic_load(&s->bailed))
        return 0;
    atomic_fetch_add(&s->skipped, 1);
    return -1;
}

int perip_take(struct perip *t, const char *ip, uint64_t now, uint64_t *wait_ns)
{
    struct slot *s = perip_find(t, ip);
    *wait_ns = 0;
    if (!s)
        return 1;
    if (given_up(t, s, now) < 0)
        return -1;
    uint64_t iv = atomic_load(&s->interval);
    if (iv) {
        /* No burst: a server that limits the rate counts every request. */
        uint64_t w = rate_gcra(&s->atat, iv, 0, now);
        if (w) {
            *wait_ns = w;
            return 0;
        }
    }
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

/* The new interval after a window of n answers, ok of them accepted and
 * back pushed back, over el seconds, held to iv before (0 = none), with
 * *ceiling the rate asked when it last pushed back, and calm windows
 * since it last slowed it down (0: the last one did); KEEP = unchanged, 0 = no limit any
 * more. */
#define KEEP UINT64_MAX
#define LIFT 100000.0
static uint64_t retune(uint32_t n, uint32_t ok, uint32_t back, double el, uint64_t iv,
                       double *ceiling, uint32_t calm)
{
    double asked = n / el, limit = iv ? 1e9 / (double)iv : 0, want;
    if (back >= 2 && back * 16 >= n) {
        int far = 2ull * ok < n;
        /* Answers to what was sent before the last slow-down still come
         * in for a while: only a flood slows it twice in a row. */
        if (!calm && !far)
            return KEEP;
        if (!ok)
            want = asked / 2;
        else if (!far)
            want = asked * NEAR;
        else
            want = ok / el;
        if (limit && want > limit * NEAR)
            want = limit * NEAR;
        want = want < FLOOR ? FLOOR : want;
        *ceiling = asked;
    } else if (limit && asked >= limit / 2) {
        int fast = limit < *ceiling * 0.85 || calm >= CALM_LONG;
        want = limit * (fast ? RAISE_FAR : RAISE);
        if (want > LIFT)
            return 0;
    } else {
        return KEEP;
    }
    return (uint64_t)(1e9 / want);
}

/* Close s's window if it is due: PERIP_SLOWED when that slowed it. */
static int close_window(struct slot *s, uint64_t now)
{
    uint64_t ws = atomic_load(&s->wstart);
    if (!ws) {
        atomic_compare_exchange_strong(&s->wstart, &ws, now);
        return PERIP_NONE;
    }
    if (now < ws + WINDOW_NS || (atomic_load(&s->w_n) < 4 && now < ws + 4 * WINDOW_NS) ||
        !atomic_compare_exchange_strong(&s->wstart, &ws, now))
        return PERIP_NONE;
    uint32_t n = atomic_exchange(&s->w_n, 0), ok = atomic_exchange(&s->w_ok, 0),
             back = atomic_exchange(&s->w_back, 0);
    uint64_t iv = atomic_load(&s->interval);
    uint64_t next = n ? retune(n, ok, back, (double)(now - ws) / 1e9, iv, &s->ceiling,
                               atomic_load(&s->drops) ? atomic_load(&s->calm) : CALM_LONG)
                     : KEEP;
    int slowed = next != KEEP && next && (!iv || next > iv);
    if (slowed)
        atomic_store(&s->calm, 0);
    else
        atomic_fetch_add(&s->calm, 1);
    if (next == KEEP)
        return PERIP_NONE;
    atomic_store(&s->interval, next);
    if (!slowed)
        return PERIP_NONE;
    atomic_fetch_add(&s->drops, 1);
    uint64_t low = atomic_load(&s->lowest);
    while (next > low && !atomic_compare_exchange_weak(&s->lowest, &low, next))
        ;
    return PERIP_SLOWED;
}

static int note_bail(struct perip *t, struct slot *s, int outcome)
{
    const struct perip_tune *b = &t->tune;
    if (outcome == PERIP_FAIL || outcome == PERIP_DOWN) {
        uint32_t row = atomic_fetch_add(&s->in_row, 1) + 1;
        if (b->bail_errors > 0 && row >= (uint32_t)b->bail_errors) {
            give_up(s, BAIL_ERRORS, row, 0);
            return PERIP_GAVE_UP;
        }
        return PERIP_NONE;
    }
    atomic_store(&s->in_row, 0);
    uint32_t denied = outcome == PERIP_DENIED || outcome == PERIP_LIMITED;
    if (denied)
        atomic_fetch_add(&s->b_denied, 1);
    if (b->bail_window <= 0 || atomic_fetch_add(&s->b_n, 1) + 1 < (uint32_t)b->bail_window)
        return PERIP_NONE;
    uint32_t n = atomic_exchange(&s->b_n, 0), d = atomic_exchange(&s->b_denied, 0);
    if (n && (double)d >= b->bail_share * n) {
        give_up(s, BAIL_SHARE, d, n);
        return PERIP_GAVE_UP;
    }
    return PERIP_NONE;
}

int perip_note(struct perip *t, const char *ip, int outcome, uint64_t now)
{
    struct slot *s = perip_find(t, ip);
    if (!s || atomic_load(&s->bailed))
        return PERIP_NONE;
    if (t->tune.bail && note_bail(t, s, outcome) == PERIP_GAVE_UP)
        return PERIP_GAVE_UP;
    if (!t->tune.slow || outcome == PERIP_DOWN)
        return PERIP_NONE;
    atomic_fetch_add(&s->w_n, 1);
    if (outcome == PERIP_OK || outcome == PERIP_DENIED)
        atomic_fetch_add(&s->w_ok, 1);
    else if (outcome != PERIP_FAIL || atomic_load(&s->w_ok))
        atomic_fetch_add(&s->w_back, 1);
    return close_window(s, now);
}

static void slot_why(const struct perip *t, const struct slot *s, char *buf, size_t n)
{
    switch (atomic_load(&((struct slot *)s)->bailed)) {
    case BAIL_ERRORS:
        snprintf(buf, n, "%u errors in a row (--auto-bail)", s->bail_a);
        break;
    case BAIL_SHARE:
        snprintf(buf, n, "%u of %u answers were 403 or 429 (--auto-bail)", s->bail_a, s->bail_b);
        break;
    case BAIL_TIME:
        snprintf(buf, n, "its time was up (--max-time-per-host %g)", t->tune.host_time);
        break;
    default:
        if (n)
            buf[0] = '\0';
    }
}

const char *perip_why(struct perip *t, const char *ip, char *buf, size_t n)
{
    struct slot *s = perip_find(t, ip);
    if (s)
        slot_why(t, s, buf, n);
    else if (n)
        buf[0] = '\0';
    return buf;
}

double perip_rate(struct perip *t, const char *ip)
{
    struct slot *s = perip_find(t, ip);
    uint64_t iv = s ? atomic_load(&s->interval) : 0;
    return iv ? 1e9 / (double)iv : 0;
}

static void slot_stat(const struct perip *t, const struct slot *s, struct hoststat *h)
{
    struct slot *m = (struct slot *)s;
    memset(h, 0, sizeof *h);
    util_put_str(h->addr, sizeof h->addr, 0, s->addr);
    uint64_t iv = atomic_load(&m->interval), low = atomic_load(&m->lowest);
    h->rate = iv ? 1e9 / (double)iv : 0;
    h->lowest = low ? 1e9 / (double)low : 0;
    h->drops = atomic_load(&m->drops);
    h->gave_up = atomic_load(&m->bailed) != BAIL_NONE;
    h->skipped = atomic_load(&m->skipped);
    slot_why(t, s, h->why, sizeof h->why);
}

size_t perip_hosts(const struct perip *t, struct hoststat *v, size_t max, uint32_t *slowed,
                   uint32_t *gave_up)
{
    size_t k = 0;
    *slowed = *gave_up = 0;
    /* Given up first: they are what a reader must not miss. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < SLOTS; i++) {
            const struct slot *s = &t->s[i];
            struct slot *m = (struct slot *)s;
            if (!atomic_load(&m->key))
                continue;
            int bailed = atomic_load(&m->bailed) != BAIL_NONE;
            if (pass == 0 ? !bailed : bailed || !atomic_load(&m->drops))
                continue;
            ++*(pass == 0 ? gave_up : slowed);
            if (k < max)
                slot_stat(t, s, &v[k++]);
        }
    return k;
}

long perip_peak(const struct perip *t)
{
    return atomic_load(&((struct perip *)t)->peak);
}

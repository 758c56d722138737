/* window: the transfers a worker keeps in flight with -t auto.
 *
 * A window of W probes to a target L seconds away gives W / L probes a
 * second until something else is the limit: the worker's CPU, the target,
 * the network. So each measuring period (twice the latency, 150 ms at least) the rate
 * is compared with the best seen so far. While the rate rises by more than
 * RISE the window grows by what the CPU has room for (the rate, and with it
 * the CPU, is proportional to the window while the latency is the limit):
 * to CPU_FULL of a core, at most GROW_MAX and at least a quarter (a
 * window that leaves the CPU nearly idle is waiting on the network, and
 * may grow that much: 32 -> 2,000 100 ms away took three periods at 4x,
 * a second of a short scan at a tenth of its rate), unless the probes
 * queued at the target (their mean latency three times the quickest's):
 * then by a quarter, and not at all when other workers share the target
 * and this worker's CPU has room (waits_at_target). When it rose by
 * less than the window grew, the knee lies between the two windows, at
 * the smaller one times the rise; when it stops rising the
 * best window so far is kept; when connect errors and timeouts rise above
 * what the smaller window saw, the window shrinks by a third and grows back
 * slowly, staying under the window that failed. Every RETRY periods it
 * tries a quarter more, from the current rate as the new baseline and with
 * no ceiling, since the target may have changed.
 * A window can also be too large: against one host on a near network the
 * rate is the same at 16 as at 200, but every connection more costs CPU
 * (curl walks its connections to a host for each transfer) and the server
 * more, so the rate falls as the window grows. Once a larger window gave
 * no more, a smaller one is tried (half, a quarter less on the periodic
 * tries) and kept while its rate stays within KEEP of the best; the first
 * that loses rate is the floor until the next periodic try. Over HTTP/2
 * the tries stop at one connection's streams: under that a smaller window
 * saves no connection, and the server answers smaller batches.
 * Periods in which the window was not the limit (input, also input that
 * ran dry for a twentieth of the period: a worker fed a recursion's
 * directories in bursts measured its input, high or low by chance, and
 * its window climbed 63 -> 463 on chance highs; --rate, the
 * per-address caps, a resolver's pace after it dropped queries: 100 ms
 * away, the burst of a window grown 13x lost DNS answers, and the
 * period at the pace looked like a knee at half the best window) teach
 * nothing and change nothing. After a change the
 * new window fills for one latency before the next period starts; after
 * it grew, a first period that says it was not worth it is not believed
 * yet: a burst of new connections and handshakes takes the CPU there, and
 * a window judged on it looked worse than it was (100 ms away, the window
 * stopped at half the knee). The next period decides.
 */
#include "scan/window.h"

#define RISE 1.10          /* a rise smaller than 10 % is noise */
#define GROW_MAX 16.0      /* the most a window grows in one step */
#define LEAP 1.50          /* a rise that pays for any CPU */
#define COST_MORE 1.15     /* CPU per probe, over the best window's */
#define CPU_FULL 0.90      /* of one core */
#define QUEUED 3.0         /* mean latency over the quickest: probes queue at the target */
#define FAIL_MORE 0.10     /* failed share above the baseline's that backs off */
#define BDP_MARGIN 1.2    /* a smaller window keeps this much over rate x latency */
#define KEEP 0.85          /* a smaller window's rate, of the best, that keeps it */
#define KEEP_BUSY 0.97     /* the same when the worker's core is the limit */
#define CPU_BOUND 0.80     /* of one core: the worker's CPU is the limit */
#define STARVED 0.05       /* of a period without words to fill the window */
#define RETRY 20           /* periods at one window before it tries more */
#define PERIOD_MIN 150000000ull   /* ns */
#define PERIOD_MAX 5000000000ull
#define PERIOD_ENDS 20     /* ends a period needs before it can close */
#define FILL_MIN 20000000ull      /* ns */
#define FILL_FIRST 100000000ull   /* ns: before the first period */

static void restart(struct window *w, uint64_t now, uint64_t cpu)
{
    w->start = now;
    w->cpu0 = cpu;
    w->ended = w->failed = 0;
    w->lat_sum = 0;
    w->lat_min = 0;
    w->peak = 0;
    w->held = 0;
    w->starved_ns = 0;
    if (w->starved_at)
        w->starved_at = now;
}

void window_init(struct window *w, unsigned start, unsigned lo, unsigned hi, uint64_t now,
                 uint64_t cpu)
{
    *w = (struct window){.lo = lo ? lo : 1, .hi = hi > lo ? hi : lo};
    w->cur = start < w->lo ? w->lo : start > w->hi ? w->hi : start;
    w->skip = 1;
    w->fill = FILL_FIRST;
    restart(w, now, cpu);
}

void window_ended(struct window *w, double latency, int failed)
{
    w->ended++;
    w->failed += failed != 0;
    w->lat_sum += latency > 0 ? latency : 0;
    if (!failed && latency > 0 && (latency < w->lat_min || !w->lat_min))
        w->lat_min = latency;
}

void window_held(struct window *w)
{
    w->held = 1;
}

void window_starved(struct window *w, int starved, uint64_t now)
{
    if (starved && !w->starved_at)
        w->starved_at = now;
    else if (!starved && w->starved_at) {
        w->starved_ns += now - w->starved_at;
        w->starved_at = 0;
    }
}

void window_busy(struct window *w, unsigned busy)
{
    if (busy > w->peak)
        w->peak = busy;
}

static uint64_t period(const struct window *w)
{
    double lat = w->ended ? w->lat_sum / (double)w->ended : 0;
    uint64_t p = (uint64_t)(2 * lat * 1e9);
    return p < PERIOD_MIN ? PERIOD_MIN : p > PERIOD_MAX ? PERIOD_MAX : p;
}

static unsigned clamp(const struct window *w, double v)
{
    return v < w->lo ? w->lo : v > w->hi ? w->hi : (unsigned)v;
}

/* Whether the probes of the period waited at the target rather than on
 * the way: their mean latency well above the quickest one's. A window
 * that leaves the CPU idle is then not waiting on the network, and
 * growing it only lengthens the target's queue (a prefork PHP server at
 * 32 in flight: 19 ms quickest, 185 ms mean; grown 16x at once, its
 * queue outlasted the timeout). */
static int queued(const struct window *w)
{
    double mean = w->ended ? w->lat_sum / (double)w->ended : 0;
    return w->lat_min > 0 && mean > QUEUED * w->lat_min;
}

/* Whether more in flight would only take from the other workers: the
 * probes queue at the target, this worker's CPU has room, and other
 * workers share the target. A larger window then takes a larger share of
 * the server's answers, and the worker's own rate rises while the total
 * falls (a recursion's two workers on one nginx climbed 32 -> 616 each:
 * half the rate of a fixed 32, twice the CPU per probe on both sides).
 * A worker alone may grow into the queue: the server answers more per
 * wake-up (one worker, nginx's core the limit: 19,400/s at 200 in
 * flight, 14,700 at 25). */
static int waits_at_target(const struct window *w, double cpu)
{
    return w->shared && queued(w) && cpu < CPU_BOUND;
}

/* Whether the window measured is better than the best: the rate rose by
 * RISE and by at least half of what the window grew by (a window that
 * only queues at a busy server or CPU raises the latency, not the rate),
 * and each probe costs no more than COST_MORE more CPU than at the best
 * window (more connections at once cost more), unless the rate leapt. */
static int worth_it(const struct window *w, double rate, double cpu)
{
    if (!w->best)
        return 1;
    double grew = (double)w->cur / (double)w->best;
    double need = 1 + (grew > 1 ? (grew - 1) / 2 : 0);
    need = need > RISE ? need : RISE;
    if (rate <= w->best_rate * need)
        return 0;
    double cpp = rate > 0 ? cpu / rate : 0;
    return rate > w->best_rate * LEAP || cpp <= w->best_cpp * COST_MORE;
}

/* The smaller window to try next from the current one, 0 if none is left
 * above the floor or it could not keep the best rate in flight at the
 * target's own latency (best_rate x base_lat: a distant target needs its
 * window). */
static unsigned smaller(struct window *w, double by)
{
    unsigned next = clamp(w, w->cur * by);
    if (next >= w->cur || next <= w->floor || next < w->streams ||
        next < w->best_rate * w->base_lat * BDP_MARGIN)
        return 0;
    w->down = w->cur;
    w->flat = 0;
    return next;
}

/* A smaller window ran for a period: kept if it lost no more than KEEP of
 * the best rate (and then the next smaller is tried), otherwise the
 * larger comes back and this one is the floor. On a busy core the rate is
 * what the CPU does, and a smaller window that does less per loop turn
 * loses it for nothing: kept only within noise (one worker pinned, at 20
 * in flight it had 0.75x the rate of 100, each step down 0.85x of the
 * last). */
static unsigned judge_smaller(struct window *w, double rate, double cpu)
{
    unsigned from = w->down;
    w->down = 0;
    w->settled = 0;
    if (rate < w->best_rate * (cpu >= CPU_BOUND ? KEEP_BUSY : KEEP)) {
        w->floor = w->cur;
        return from;
    }
    w->best = w->cur;
    w->best_rate = rate > w->best_rate ? rate : w->best_rate;
    w->best_cpp = rate > 0 ? cpu / rate : 0;
    unsigned next = smaller(w, w->careful ? 0.75 : 0.5);
    return next ? next : w->cur;
}

/* The window the period just measured says to use next. */
static unsigned decide(struct window *w, double rate, double cpu, double fail, int starved)
{
    if (w->ended >= PERIOD_ENDS && fail > w->base_fail + FAIL_MORE) {
        w->best_rate = 0;
        w->best = 0;
        w->careful = 1;
        w->settled = 0;
        w->ceiling = w->cur;
        w->down = 0;
        w->flat = 0;
        return clamp(w, w->cur * 2.0 / 3.0);
    }
    if (w->held || starved || w->peak + w->peak / 20 < w->cur)
        return w->cur; /* not the limit this time */
    if (w->down)
        return judge_smaller(w, rate, cpu);
    if (worth_it(w, rate, cpu)) {
        w->best_rate = rate;
        w->best = w->cur;
        w->best_cpp = rate > 0 ? cpu / rate : 0;
        w->base_fail = fail;
        w->settled = 0;
        double room = cpu > 0.01 ? CPU_FULL / cpu : GROW_MAX;
        room = room > GROW_MAX ? GROW_MAX : room < 1.25 ? 1.25 : room;
        double next = w->cur * (w->careful || queued(w) ? 1.25 : room);
        if (w->ceiling && next >= w->ceiling * 0.9)
            next = w->ceiling * 0.9;
        if (cpu >= CPU_FULL || next <= w->cur || waits_at_target(w, cpu)) {
            w->flat = 1; /* no room to grow: only a smaller one can do better */
            return w->cur;
        }
        return clamp(w, next);
    }
    if (w->fresh) {
        w->fresh = 0;
        return w->cur; /* the larger window's new connections: judged next period */
    }
    if (w->best && w->cur > w->best && rate > w->best_rate * RISE) {
        /* It rose, by less than the window grew: the knee is in between,
         * where the smaller window's rate per transfer reaches this rate. */
        double knee = (double)w->best * rate / w->best_rate;
        w->best_rate = rate;
        w->best = clamp(w, knee < w->cur ? knee : w->cur);
        w->best_cpp = rate > 0 ? cpu / rate : 0;
        w->careful = 1;
        w->settled = 0;
        return w->best;
    }
    if (w->cur != w->best && w->best) {
        w->flat |= w->cur > w->best;
        w->settled = 0;
        return w->best;
    }
    if (w->flat) {
        unsigned next = smaller(w, w->careful ? 0.75 : 0.5);
        if (next)
            return next;
    }
    if (++w->settled >= RETRY) {
        w->settled = 0;
        w->best_rate = rate;
        w->best_cpp = rate > 0 ? cpu / rate : 0;
        w->careful = 1;
        w->ceiling = 0;
        w->floor = 0;
        w->flat = waits_at_target(w, cpu);
        return w->flat ? w->cur : clamp(w, w->cur * 1.25);
    }
    return w->cur;
}

int window_streams(struct window *w, unsigned streams, uint64_t now, uint64_t cpu)
{
    w->streams = clamp(w, streams);
    if (w->cur >= w->streams)
        return 0;
    w->cur = w->streams;
    w->best_rate = 0;
    w->best = 0;
    w->flat = 0;
    w->down = 0;
    w->floor = 0;
    w->settled = 0;
    w->skip = 1;
    restart(w, now, cpu);
    return 1;
}

int window_due(const struct window *w, uint64_t now)
{
    uint64_t span = now - w->start;
    if (w->skip)
        return span >= w->fill;
    return span >= period(w) && (w->ended >= PERIOD_ENDS || span >= PERIOD_MAX);
}

int window_tick(struct window *w, uint64_t now, uint64_t cpu)
{
    if (!window_due(w, now))
        return 0;
    uint64_t span = now - w->start;
    if (w->skip) {
        w->skip = 0;
        restart(w, now, cpu);
        return 0;
    }
    double secs = (double)span / 1e9;
    double rate = (double)w->ended / secs;
    double used = (double)(cpu - w->cpu0) / (double)span;
    double fail = w->ended ? (double)w->failed / (double)w->ended : 0;
    if (w->lat_min > 0 && (w->lat_min < w->base_lat || w->base_lat == 0))
        w->base_lat = w->lat_min;
    uint64_t starved_ns = w->starved_ns + (w->starved_at ? now - w->starved_at : 0);
    unsigned next = decide(w, rate, used, fail, (double)starved_ns > STARVED * (double)span);
    /* The new window fills within a latency (20 ms at least). */
    double lat = w->ended ? w->lat_sum / (double)w->ended : 0;
    w->fill = lat * 1e9 > FILL_MIN ? (uint64_t)(lat * 1e9) : FILL_MIN;
    restart(w, now, cpu);
    if (next == w->cur)
        return 0;
    w->fresh = next > w->cur;
    w->cur = next;
    w->skip = 1;
    return 1;
}

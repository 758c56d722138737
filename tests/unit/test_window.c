/* -t auto on a made-up target: a window of W probes to a target L seconds
 * away gives min(W / L, what the CPU can do) probes a second, and what the
 * CPU can do may fall as W grows (every connection costs). The window
 * must find the knee, stay off the CPU's limit, come down where a smaller
 * window does as well, back off when failures rise, and not move when it
 * is not the limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>

#include "scan/window.h"

#define MS 1000000ull

struct target {
    double lat;          /* seconds */
    double cpu_cap;      /* probes/s one core can do */
    double conn_cost;    /* and it is cpu_cap / (1 + W * conn_cost) */
    unsigned fail_above; /* windows above this fail fail_share of probes */
    double fail_share;
    unsigned busy_cap;   /* the input cannot fill more than this (0 = any) */
    int held;            /* --rate holds probes back all along */
    double burst;        /* seconds after the window grew ... */
    double burst_cut;    /* ... in which the CPU does this share (new connections) */
    double srv_cap;      /* probes/s the target serves, whatever the window (0 = any) */
    double small_cost;   /* and cpu_cap / (1 + W * conn_cost + small_cost / W): a small
                          * window does little per loop turn */
    double noise;        /* each 150 ms the rate is off by up to this share, either way */
    double feed;         /* words/s the input gives (0 = as many as wanted) ... */
    double feed_every;   /* ... in a burst every so many seconds */
};

struct run {
    uint64_t now, cpu;
    uint32_t seed;       /* the noise's, LCG */
    double off;          /* this block's noise factor */
    double carry, fcarry, rate;
    double probes, secs; /* over the whole run */
    unsigned moves;
    unsigned lowest;     /* the smallest window since it was set */
    uint64_t grew_at;    /* when the window last grew */
    double avail;        /* words given and not ended (with feed) */
    uint64_t fed_at;
    unsigned most;       /* the largest window */
};

static void simulate(struct window *w, const struct target *t, double secs, struct run *r)
{
    const uint64_t step = 10 * MS;
    for (uint64_t end = r->now + (uint64_t)(secs * 1e9); r->now < end; r->now += step) {
        unsigned busy = t->busy_cap && t->busy_cap < w->cur ? t->busy_cap : w->cur;
        if (t->feed > 0) {
            if (r->now >= r->fed_at + (uint64_t)(t->feed_every * 1e9)) {
                r->avail += t->feed * t->feed_every;
                r->fed_at = r->now;
            }
            busy = r->avail < busy ? (unsigned)r->avail : busy;
            window_starved(w, busy < w->cur, r->now);
        }
        double cap = t->cpu_cap / (1 + busy * t->conn_cost + t->small_cost / (busy ? busy : 1));
        if (t->burst > 0 && r->grew_at && (double)(r->now - r->grew_at) / 1e9 < t->burst)
            cap *= t->burst_cut;
        double rate = busy / t->lat;
        rate = rate < cap ? rate : cap;
        double srv = t->srv_cap > 0 && rate > t->srv_cap ? t->srv_cap : rate;
        double cpu_rate = rate;
        rate = srv;
        if (t->noise > 0 && (r->now / step) % 15 == 0) {
            r->seed = r->seed * 1103515245u + 12345u;
            r->off = 1 + t->noise * (2.0 * (double)(r->seed >> 8) / (double)(1u << 24) - 1);
        }
        if (t->noise > 0)
            rate *= r->off;
        r->rate = rate;
        r->carry += rate * (double)step / 1e9;
        r->probes += rate * (double)step / 1e9;
        r->secs += (double)step / 1e9;
        double share = w->cur > t->fail_above ? t->fail_share : 0;
        for (int first = 1; r->carry >= 1; r->carry -= 1, first = 0) {
            r->fcarry += share;
            int failed = r->fcarry >= 1;
            r->fcarry -= failed;
            /* What waits beyond the target's latency waits in a queue;
             * now and then one finds none (the quickest of a step). */
            double lat = busy / rate > t->lat && !first ? busy / rate : t->lat;
            window_ended(w, lat, failed);
            r->avail -= r->avail >= 1;
        }
        r->cpu += (uint64_t)((double)step * (rate < cpu_rate ? rate : cpu_rate) / cap);
        window_busy(w, busy);
        if (t->held)
            window_held(w);
        unsigned was = w->cur;
        r->moves += (unsigned)window_tick(w, r->now + step, r->cpu);
        if (w->cur > was)
            r->grew_at = r->now + step;
        r->lowest = w->cur < r->lowest ? w->cur : r->lowest;
        r->most = w->cur > r->most ? w->cur : r->most;
    }
}

/* 100 ms away, the CPU good for 6,500 probes/s: the knee is at 650. */
static void distant(void **s)
{
    (void)s;
    struct window w;
    struct run r = {.now = 1000 * MS};
    struct target t = {.lat = 0.1, .cpu_cap = 6500, .fail_above = ~0u};
    window_init(&w, 100, 10, 4096, r.now, r.cpu);
    simulate(&w, &t, 10, &r);
    /* It stops at CPU_FULL (90 %) of a core. */
    assert_true(w.cur >= 0.85 * 650);
    assert_true(r.rate >= 0.85 * t.cpu_cap);
    /* And it got there soon: within 5 s the rate is at 80 % of the best. */
    window_init(&w, 100, 10, 4096, r.now, r.cpu);
    r.moves = 0;
    simulate(&w, &t, 5, &r);
    assert_true(r.rate >= 0.8 * t.cpu_cap);
    /* It stays: no moves but the tries of a quarter more and a quarter
     * less (and back) every RETRY periods, which cost little. */
    unsigned before = r.moves;
    r.probes = r.secs = 0;
    r.lowest = ~0u;
    simulate(&w, &t, 10, &r);
    assert_true(r.moves - before <= 12);
    /* Never below what the latency needs in flight (rate x 100 ms). */
    assert_true(r.lowest >= 0.85 * 0.9 * 650);
    assert_true(r.rate >= 0.8 * t.cpu_cap);
    assert_true(r.probes / r.secs >= 0.85 * t.cpu_cap);
}

/* The same distant target, but each time the window grows the new
 * connections take half the CPU for 350 ms (a burst of connects and
 * handshakes): judged on that first period, a larger window looks worse
 * than it is. It still finds the knee. */
static void distant_burst(void **s)
{
    (void)s;
    struct window w;
    struct run r = {.now = 1000 * MS};
    struct target t = {.lat = 0.1, .cpu_cap = 6500, .fail_above = ~0u, .burst = 0.35, .burst_cut = 0.5};
    window_init(&w, 200, 10, 4096, r.now, r.cpu);
    simulate(&w, &t, 5, &r);
    r.probes = r.secs = 0;
    simulate(&w, &t, 5, &r);
    assert_true(w.cur >= 0.85 * 650);
    assert_true(r.probes / r.secs >= 0.8 * t.cpu_cap);
}

/* Probes that cost the CPU little (salvo's own clients: 60,000/s a core)
 * to a host 100 ms away: 32 in flight leave the CPU nearly idle, and the
 * window climbs to a few thousand in two steps, not four. */
static void distant_cheap(void **s)
{
    (void)s;
    struct window w;
    struct run r = {.now = 1000 * MS};
    struct target t = {.lat = 0.1, .cpu_cap = 60000, .fail_above = ~0u};
    window_init(&w, 32, 10, 4096, r.now, r.cpu);
    simulate(&w, &t, 0.8, &r);
    assert_true(w.cur >= 2048);
    r.probes = r.secs = 0;
    simulate(&w, &t, 3, &r);
    assert_true(r.probes / r.secs >= 0.8 * 4096 / t.lat);
}

/* One host on a near network: the rate is the CPU's at any window, but
 * each connection more costs (at 200: 18,000 probes/s; at 10: 29,000).
 * It comes down from 200 and keeps most of the best rate. */
static void one_host(void **s)
{
    (void)s;
    struct window w;
    struct run r = {.now = 1000 * MS};
    struct target t = {.lat = 0.0002, .cpu_cap = 30000, .conn_cost = 1.0 / 300, .fail_above = ~0u};
    window_init(&w, 200, 10, 4096, r.now, r.cpu);
    simulate(&w, &t, 3, &r);
    assert_true(w.cur <= 30);
    r.probes = r.secs = 0;
    simulate(&w, &t, 20, &r);
    assert_true(r.probes / r.secs >= 0.9 * t.cpu_cap / (1 + 10 * t.conn_cost));
}

/* Kept connections to one near address with the worker's core the limit
 * (one worker, the target on other cores): each connection more costs,
 * but so does a small window, whose loop turns each do little (pinned on
 * 2 cores: 18,700/s at 100 in flight, 16,100 at 200, 9,900 at 400, about
 * 14,000 at 20). The best is near 80 (20,100/s); a smaller window that
 * loses rate on a busy core is a loss, not a saving, and is not kept. */
static void one_host_busy_core(void **s)
{
    (void)s;
    struct window w;
    struct run r = {.now = 1000 * MS};
    struct target t = {.lat = 0.0001, .cpu_cap = 25000, .conn_cost = 0.0015, .small_cost = 10,
                       .fail_above = ~0u};
    window_init(&w, 200, 10, 4096, r.now, r.cpu);
    simulate(&w, &t, 5, &r);
    r.probes = r.secs = 0;
    r.lowest = ~0u;
    simulate(&w, &t, 20, &r);
    double best = t.cpu_cap / (1 + 82 * t.conn_cost + t.small_cost / 82);
    assert_true(r.probes / r.secs >= 0.95 * best);
    assert_true(r.lowest >= 30); /* the periodic tries of a quarter less */
}

/* The same target shared with other workers (-j 2 and more): the probes
 * queue at the target, but the worker's core is the limit, so the shared
 * rule (no growth while the probes queue where others wait too) does not
 * hold: the window moves exactly as a lone worker's, periodic tries of a
 * larger window included. */
static void one_host_busy_core_shared(void **s)
{
    (void)s;
    struct target t = {.lat = 0.0001, .cpu_cap = 25000, .conn_cost = 0.0015, .small_cost = 10,
                       .fail_above = ~0u, .noise = 0.1};
    unsigned cur[2], lowest[2], moves[2];
    double rate[2];
    for (int shared = 0; shared < 2; shared++) {
        struct window w;
        struct run r = {.now = 1000 * MS, .seed = 11};
        window_init(&w, 32, 10, 4096, r.now, r.cpu);
        w.shared = shared;
        r.lowest = ~0u;
        simulate(&w, &t, 60, &r);
        cur[shared] = w.cur;
        lowest[shared] = r.lowest;
        moves[shared] = r.moves;
        rate[shared] = r.probes / r.secs;
    }
    print_message("one_host_busy_core_shared: window %u/%u, lowest %u/%u, moves %u/%u, "
                  "%.0f/%.0f per s\n", cur[0], cur[1], lowest[0], lowest[1], moves[0], moves[1],
                  rate[0], rate[1]);
    assert_int_equal(cur[1], cur[0]);
    assert_int_equal(lowest[1], lowest[0]);
    assert_int_equal(moves[1], moves[0]);
}

/* One near host on a busy machine: a period's rate is off by up to 30 %
 * either way, whatever the window (on 2 cores, 4,000 to 27,000/s were
 * seen at one window). Chance highs must not ratchet the window up: the
 * best rate is a maximum of noisy periods. (Two workers sharing one
 * server are another matter: a worker's larger window takes a larger
 * share of the server, and its own rate rises though the total does
 * not; not modelled here.) */
static void one_host_noisy(void **s)
{
    (void)s;
    struct window w;
    struct run r = {.now = 1000 * MS, .seed = 7};
    struct target t = {.lat = 0.0002, .cpu_cap = 30000, .conn_cost = 1.0 / 300, .fail_above = ~0u,
                       .noise = 0.3};
    window_init(&w, 32, 10, 4096, r.now, r.cpu);
    unsigned most = 0;
    for (int i = 0; i < 600; i++) {
        simulate(&w, &t, 0.1, &r);
        most = w.cur > most ? w.cur : most;
    }
    assert_true(most <= 64);
    assert_true(w.cur <= 40);
}

/* HTTP/2: the one-host target above, but once answers come over one
 * connection's streams the window does not go under them (a smaller one
 * saves no connection), and the same target without that comes down. */
static void multiplexed(void **s)
{
    (void)s;
    struct window w;
    struct run r = {.now = 1000 * MS};
    struct target t = {.lat = 0.0002, .cpu_cap = 30000, .conn_cost = 1.0 / 300, .fail_above = ~0u};
    window_init(&w, 32, 10, 4096, r.now, r.cpu);
    simulate(&w, &t, 0.5, &r);
    assert_int_equal(window_streams(&w, 100, r.now, r.cpu), 1);
    assert_int_equal(w.cur, 100);
    r.lowest = ~0u;
    simulate(&w, &t, 20, &r);
    assert_true(r.lowest >= 100);
    window_init(&w, 100, 10, 4096, r.now, r.cpu);
    r.lowest = ~0u;
    simulate(&w, &t, 20, &r);
    assert_true(r.lowest < 100);
    /* Already above it, nothing moves; a bound under it is kept. */
    window_init(&w, 300, 10, 4096, r.now, r.cpu);
    assert_int_equal(window_streams(&w, 100, r.now, r.cpu), 0);
    assert_int_equal(w.cur, 300);
    window_init(&w, 32, 10, 50, r.now, r.cpu);
    assert_int_equal(window_streams(&w, 100, r.now, r.cpu), 1);
    assert_int_equal(w.cur, 50);
}

/* On loopback the CPU is the limit from the start: no growth. */
static void near(void **s)
{
    (void)s;
    struct window w;
    struct run r = {.now = 1000 * MS};
    struct target t = {.lat = 0.001, .cpu_cap = 6000, .fail_above = ~0u};
    window_init(&w, 100, 10, 4096, r.now, r.cpu);
    simulate(&w, &t, 10, &r);
    assert_true(w.cur <= 200);
    assert_true(r.rate >= 0.99 * t.cpu_cap);
}

/* Beyond 300 in flight a third of the probes time out: it backs off below
 * that and stays near it. */
static void failures(void **s)
{
    (void)s;
    struct window w;
    struct run r = {.now = 1000 * MS};
    struct target t = {.lat = 0.2, .cpu_cap = 100000, .fail_above = 300, .fail_share = 0.33};
    window_init(&w, 100, 10, 4096, r.now, r.cpu);
    simulate(&w, &t, 30, &r);
    assert_true(w.cur <= 300 * 1.25 * 1.25);
    /* Most of the time spent at or under 300. */
    unsigned under = 0;
    for (int i = 0; i < 100; i++) {
        simulate(&w, &t, 0.2, &r);
        under += w.cur <= 300;
    }
    assert_true(under >= 70);
}

/* The input (or --rate) keeps 50 in flight: the window is not the limit
 * and does not move. */
static void not_the_limit(void **s)
{
    (void)s;
    struct window w;
    struct run r = {.now = 1000 * MS};
    struct target t = {.lat = 0.1, .cpu_cap = 100000, .fail_above = ~0u, .busy_cap = 50};
    window_init(&w, 100, 10, 4096, r.now, r.cpu);
    simulate(&w, &t, 10, &r);
    assert_int_equal(w.cur, 100);
    assert_int_equal(r.moves, 0);
}

/* A worker fed in bursts (a recursion's directories come in chunks): a
 * burst fills the window, then the input runs dry. Its periods measure
 * the input, high or low by chance, and a retry that rebased the best on
 * a low one took a high one for a rise: the window climbed 63 -> 463,
 * and the worker's memory with it. Starved periods teach nothing. */
static void bursty_input(void **s)
{
    (void)s;
    struct window w;
    struct run r = {.now = 1000 * MS, .seed = 7};
    struct target t = {.lat = 0.002, .cpu_cap = 30000, .conn_cost = 0.001,
                       .fail_above = ~0u, .feed = 12000, .feed_every = 0.4};
    window_init(&w, 64, 10, 4096, r.now, r.cpu);
    simulate(&w, &t, 120, &r);
    assert_true(r.most <= 64 * 1.25 * 1.25);
    assert_true(r.probes / r.secs >= 0.95 * t.feed);
}

/* --rate holds probes back (the window full of probes waiting for their
 * turn): a rate that does not rise with the window says nothing. */
static void held_back(void **s)
{
    (void)s;
    struct window w;
    struct run r = {.now = 1000 * MS};
    struct target t = {.lat = 0.1, .cpu_cap = 100000, .fail_above = ~0u, .held = 1};
    window_init(&w, 200, 10, 4096, r.now, r.cpu);
    simulate(&w, &t, 10, &r);
    assert_int_equal(w.cur, 200);
    assert_int_equal(r.moves, 0);
}

/* A near server that serves 200 probes/s however many it is sent (a
 * prefork PHP server): 32 in flight already queue there (20 ms alone,
 * 160 ms each), the CPU is nearly idle. The window must not leap 16x
 * into the server's queue (such a leap outlasted the timeout): it grows
 * by a quarter at most, finds no more rate, and comes back. */
static void server_bound(void **s)
{
    (void)s;
    struct window w;
    struct run r = {.now = 1000 * MS};
    struct target t = {.lat = 0.02, .cpu_cap = 60000, .fail_above = ~0u, .srv_cap = 200};
    window_init(&w, 32, 10, 4096, r.now, r.cpu);
    unsigned most = 0;
    for (int i = 0; i < 100; i++) {
        simulate(&w, &t, 0.1, &r);
        most = w.cur > most ? w.cur : most;
    }
    assert_true(most <= 40);
    assert_true(w.cur <= 40);
    assert_true(r.rate >= 0.99 * t.srv_cap);
}

/* Two workers, one near server that is the limit (a recursion's two
 * workers on one nginx): it serves srv / (1 + n * cost) a second over its n
 * connections, alike, so a worker's share of the answers is its window's
 * share of n, and every connection more costs the server. A worker that
 * grows takes a larger share, and its own rate rises while the total
 * falls; on a busy machine each period is off by up to 30 %. The windows
 * climbed 32 -> 616 in a recursion's bench (half the rate, twice the CPU
 * per probe of a fixed 32). They must stay near where they started, the
 * total near the server's best. */
static void shared_server(void **s)
{
    (void)s;
    const double srv = 30000, cost = 1.0 / 400, lat = 0.0001, cpu_cap = 80000, noise = 0.3;
    const uint64_t step = 10 * MS;
    struct window w[2];
    uint64_t now = 1000 * MS, cpu[2] = {0, 0};
    uint32_t seed = 7;
    double off = 1, carry[2] = {0, 0}, probes = 0, secs = 0;
    unsigned most = 0;
    for (int i = 0; i < 2; i++) {
        window_init(&w[i], 32, 10, 4096, now, 0);
        w[i].shared = 1;
    }
    for (uint64_t end = now + 300 * 1000 * MS; now < end; now += step) {
        /* The second worker runs dry for a second in every four (between
         * directories): the first has the server to itself then. */
        unsigned busy[2] = {w[0].cur, (now / step) % 400 < 100 ? 0 : w[1].cur};
        unsigned n = busy[0] + busy[1];
        if ((now / step) % 15 == 0) {
            seed = seed * 1103515245u + 12345u;
            off = 1 + noise * (2.0 * (double)(seed >> 8) / (double)(1u << 24) - 1);
        }
        double all = srv / (1 + n * cost) * off;
        double queue = n / all > lat ? n / all : lat;
        for (int i = 0; i < 2; i++) {
            double rate = all * busy[i] / n;
            carry[i] += rate * (double)step / 1e9;
            for (int first = 1; carry[i] >= 1; carry[i] -= 1, first = 0)
                window_ended(&w[i], first ? lat : queue, 0);
            cpu[i] += (uint64_t)((double)step * rate / cpu_cap);
            window_busy(&w[i], busy[i]);
            window_starved(&w[i], busy[i] < w[i].cur, now);
            window_tick(&w[i], now + step, cpu[i]);
            most = w[i].cur > most ? w[i].cur : most;
        }
        probes += all * (double)step / 1e9;
        secs += (double)step / 1e9;
    }
    print_message("shared_server: most %u, now %u and %u, %.0f/s\n", most, w[0].cur, w[1].cur,
                  probes / secs);
    assert_true(most <= 100);
    assert_true(probes / secs >= 0.9 * srv / (1 + 64 * cost));
}

/* A far target with CPU to spare grows to the bound and no further. */
static void bounded(void **s)
{
    (void)s;
    struct window w;
    struct run r = {.now = 1000 * MS};
    struct target t = {.lat = 2, .cpu_cap = 1e9, .fail_above = ~0u};
    window_init(&w, 100, 10, 1000, r.now, r.cpu);
    simulate(&w, &t, 60, &r);
    assert_int_equal(w.cur, 1000);
    window_init(&w, 5000, 10, 1000, r.now, r.cpu);
    assert_int_equal(w.cur, 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(distant), cmocka_unit_test(distant_burst),
                                       cmocka_unit_test(distant_cheap),
                                       cmocka_unit_test(near), cmocka_unit_test(one_host),
                                       cmocka_unit_test(one_host_busy_core),
                                       cmocka_unit_test(one_host_busy_core_shared),
                                       cmocka_unit_test(one_host_noisy),
                                       cmocka_unit_test(multiplexed),
                                       cmocka_unit_test(failures), cmocka_unit_test(not_the_limit),
                                       cmocka_unit_test(bounded), cmocka_unit_test(server_bound),
                                       cmocka_unit_test(held_back),
                                       cmocka_unit_test(bursty_input),
                                       cmocka_unit_test(shared_server)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

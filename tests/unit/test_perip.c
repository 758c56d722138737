/* Per-address caps: transfers in flight to one address, requests a second
 * to one address, each address on its own, and the table shared with
 * forked workers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scan/perip.h"

#define MS 1000000ull

static void no_limits(void **s)
{
    (void)s;
    assert_null(perip_new(0, 0, NULL));
}

static void inflight_cap(void **s)
{
    (void)s;
    struct perip *t = perip_new(2, 0, NULL);
    assert_non_null(t);
    uint64_t wait = 99;
    assert_int_equal(perip_take(t, "10.0.0.1", 0, &wait), 1);
    assert_int_equal(perip_take(t, "10.0.0.1", 0, &wait), 1);
    assert_int_equal(perip_take(t, "10.0.0.1", 0, &wait), 0);
    assert_int_equal(wait, 0); /* not a time: when a transfer there ends */
    assert_int_equal(perip_take(t, "10.0.0.2", 0, &wait), 1); /* another address */
    assert_int_equal(perip_take(t, "::1", 0, &wait), 1);
    perip_release(t, "10.0.0.1");
    assert_int_equal(perip_take(t, "10.0.0.1", 0, &wait), 1);
    assert_int_equal(perip_peak(t), 2);
    /* Many addresses: each has its own count. */
    char ip[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(ip, sizeof ip, "192.0.%d.%d", i / 256, i % 256);
        assert_int_equal(perip_take(t, ip, 0, &wait), 1);
    }
    assert_int_equal(perip_peak(t), 2);
    perip_free(t);
}

static void rate_cap(void **s)
{
    (void)s;
    struct perip *t = perip_new(0, 10, NULL); /* 100 ms apart per address */
    uint64_t wait, now = 5000 * MS;
    int n = 0;
    while (perip_take(t, "10.0.0.1", now, &wait))
        n++;
    assert_in_range(n, 1, 2);
    assert_true(wait > 0 && wait <= 100 * MS);
    uint64_t due = now + wait, other;
    assert_int_equal(perip_take(t, "10.0.0.2", now, &other), 1);
    assert_int_equal(perip_take(t, "10.0.0.1", due - 1, &other), 0);
    assert_int_equal(perip_take(t, "10.0.0.1", due, &other), 1);
    perip_free(t);
}

static void both_and_shared(void **s)
{
    (void)s;
    struct perip *t = perip_new(1, 1000, NULL);
    uint64_t wait;
    pid_t pid = fork();
    if (pid == 0)
        _exit(perip_take(t, "10.9.9.9", 1000 * MS, &wait) ? 0 : 1);
    int status;
    waitpid(pid, &status, 0);
    assert_int_equal(WEXITSTATUS(status), 0);
    /* The child holds the one slot (it never released it). */
    assert_int_equal(perip_take(t, "10.9.9.9", 2000 * MS, &wait), 0);
    perip_release(t, "10.9.9.9");
    assert_int_equal(perip_take(t, "10.9.9.9", 2000 * MS, &wait), 1);
    /* A rate refusal gives the in-flight slot back. */
    int n = 0;
    while (perip_take(t, "10.8.8.8", 2000 * MS, &wait)) {
        perip_release(t, "10.8.8.8");
        n++;
    }
    assert_in_range(n, 1, 2);
    assert_true(wait > 0);
    uint64_t due = 2000 * MS + wait;
    assert_int_equal(perip_take(t, "10.8.8.8", due, &wait), 1);
    perip_free(t);
}

/* ok answers and back 429s to ip, mixed, spread over [from, to) ns in
 * time order; what the last of them that changed something did. */
static int mixed(struct perip *t, const char *ip, int ok, int back, uint64_t from, uint64_t to)
{
    int ev = PERIP_NONE, n = ok + back;
    for (int i = 0; i < n; i++) {
        int o = (long)i * back / n != (long)(i + 1) * back / n ? PERIP_LIMITED : PERIP_OK;
        int e = perip_note(t, ip, o, from + (to - from) * (uint64_t)i / (uint64_t)n);
        ev = e != PERIP_NONE ? e : ev;
    }
    return ev;
}

/* n answers of one outcome. */
static int answers(struct perip *t, const char *ip, int outcome, int n, uint64_t from,
                   uint64_t to)
{
    int ev = PERIP_NONE;
    for (int i = 0; i < n; i++) {
        int e = perip_note(t, ip, outcome, from + (to - from) * (uint64_t)i / (uint64_t)n);
        ev = e != PERIP_NONE ? e : ev;
    }
    return ev;
}

static void tune_slows_down_and_recovers(void **s)
{
    (void)s;
    struct perip_tune tune = {.slow = 1};
    struct perip *t = perip_new(0, 0, &tune);
    assert_non_null(t);
    const char *ip = "10.1.1.1";
    uint64_t now = 1000 * MS, wait;
    assert_int_equal(perip_take(t, ip, now, &wait), 1);
    /* A flood: 200 asked in 0.5 s, 10 taken: held to what it took. */
    mixed(t, ip, 10, 190, now, now + 500 * MS);
    assert_int_equal(perip_note(t, ip, PERIP_OK, now + 501 * MS), PERIP_SLOWED);
    double r = perip_rate(t, ip);
    assert_true(r > 18 && r < 23);
    /* Held: one request each 1/r s, no burst. */
    now += 600 * MS;
    assert_int_equal(perip_take(t, ip, now, &wait), 1);
    assert_int_equal(perip_take(t, ip, now, &wait), 0);
    assert_true(wait > 40 * MS && wait <= 56 * MS);
    /* The window after a slow-down: late 429s of the flood do not slow it
     * again unless they are most of it. */
    uint64_t w0 = now;
    mixed(t, ip, 8, 3, w0, w0 + 500 * MS);
    assert_int_equal(perip_note(t, ip, PERIP_OK, w0 + 501 * MS), PERIP_NONE);
    assert_true(perip_rate(t, ip) >= r);
    /* Calm windows in which the limit is used: faster, 10 % a window
     * while far under the rate it pushed back at. */
    double before = perip_rate(t, ip);
    for (int k = 1; k <= 5; k++)
        answers(t, ip, PERIP_OK, 11, w0 + (uint64_t)k * 510 * MS, w0 + (uint64_t)(k + 1) * 510 * MS);
    double after = perip_rate(t, ip);
    assert_true(after > before * 1.3 && after < before * 1.8);
    /* Near the limit (more than half taken): 9/10 of the rate asked. */
    uint64_t w1 = w0 + 7 * 510 * MS;
    perip_note(t, ip, PERIP_OK, w1); /* a window starts here */
    assert_int_equal(mixed(t, ip, 13, 4, w1 + MS, w1 + 500 * MS), PERIP_NONE);
    assert_int_equal(perip_note(t, ip, PERIP_OK, w1 + 600 * MS), PERIP_SLOWED);
    double near = perip_rate(t, ip);
    assert_true(near > 24 && near < 33); /* 18 asked in 0.5 to 0.6 s, x 0.9 */
    struct hoststat h[2];
    uint32_t slowed, gave;
    assert_int_equal(perip_hosts(t, h, 2, &slowed, &gave), 1);
    assert_int_equal(slowed, 1);
    assert_int_equal(gave, 0);
    assert_string_equal(h[0].addr, ip);
    assert_int_equal(h[0].drops, 2);
    assert_true(h[0].lowest > 18 && h[0].lowest < 23);
    perip_free(t);
}

static void tune_leaves_dead_hosts_alone(void **s)
{
    (void)s;
    struct perip_tune tune = {.slow = 1};
    struct perip *t = perip_new(0, 0, &tune);
    uint64_t now = 1000 * MS;
    for (int k = 0; k < 5; k++) {
        answers(t, "10.2.2.2", PERIP_FAIL, 50, now, now + 500 * MS);
        answers(t, "10.2.2.3", PERIP_DOWN, 50, now, now + 500 * MS);
        now += 510 * MS;
    }
    assert_true(perip_rate(t, "10.2.2.2") == 0);
    assert_true(perip_rate(t, "10.2.2.3") == 0);
    /* Off, nothing is slowed. */
    struct perip *off = perip_new(1, 0, NULL);
    answers(off, "10.2.2.4", PERIP_LIMITED, 500, now, now + 2000 * MS);
    assert_true(perip_rate(off, "10.2.2.4") == 0);
    perip_free(off);
    perip_free(t);
}

static void bail_on_errors_in_a_row(void **s)
{
    (void)s;
    struct perip_tune tune = {.bail = 1, .bail_errors = 3, .bail_share = 0.9, .bail_window = 10};
    struct perip *t = perip_new(0, 0, &tune);
    uint64_t wait;
    char why[96];
    assert_int_equal(perip_note(t, "10.3.3.3", PERIP_FAIL, 0), PERIP_NONE);
    assert_int_equal(perip_note(t, "10.3.3.3", PERIP_DOWN, 0), PERIP_NONE);
    assert_int_equal(perip_note(t, "10.3.3.3", PERIP_OK, 0), PERIP_NONE); /* the row ends */
    assert_int_equal(perip_note(t, "10.3.3.3", PERIP_FAIL, 0), PERIP_NONE);
    assert_int_equal(perip_note(t, "10.3.3.3", PERIP_FAIL, 0), PERIP_NONE);
    assert_string_equal(perip_why(t, "10.3.3.3", why, sizeof why), "");
    assert_int_equal(perip_note(t, "10.3.3.3", PERIP_DOWN, 0), PERIP_GAVE_UP);
    assert_int_equal(perip_take(t, "10.3.3.3", 0, &wait), -1);
    assert_int_equal(perip_take(t, "10.3.3.3", 0, &wait), -1);
    assert_int_equal(perip_take(t, "10.3.3.4", 0, &wait), 1); /* another host */
    assert_string_equal(perip_why(t, "10.3.3.3", why, sizeof why), "3 errors in a row (--auto-bail)");
    struct hoststat h[1];
    uint32_t slowed, gave;
    assert_int_equal(perip_hosts(t, h, 1, &slowed, &gave), 1);
    assert_int_equal(gave, 1);
    assert_int_equal(h[0].gave_up, 1);
    assert_int_equal(h[0].skipped, 2);
    perip_free(t);
}

static void bail_on_a_share_of_403_and_429(void **s)
{
    (void)s;
    struct perip_tune tune = {.bail = 1, .bail_errors = 100, .bail_share = 0.9, .bail_window = 10};
    struct perip *t = perip_new(0, 0, &tune);
    char why[96];
    /* 8 of 10: not enough; the next run of 10 starts afresh. */
    answers(t, "10.4.4.4", PERIP_DENIED, 8, 0, 10);
    assert_int_equal(answers(t, "10.4.4.4", PERIP_OK, 2, 0, 10), PERIP_NONE);
    answers(t, "10.4.4.4", PERIP_DENIED, 5, 0, 10);
    answers(t, "10.4.4.4", PERIP_LIMITED, 4, 0, 10);
    assert_int_equal(perip_note(t, "10.4.4.4", PERIP_OK, 0), PERIP_GAVE_UP);
    assert_string_equal(perip_why(t, "10.4.4.4", why, sizeof why),
                        "9 of 10 answers were 403 or 429 (--auto-bail)");
    perip_free(t);
}

static void time_per_host(void **s)
{
    (void)s;
    struct perip_tune tune = {.host_time = 1.0};
    struct perip *t = perip_new(0, 0, &tune);
    uint64_t wait;
    char why[96];
    assert_int_equal(perip_take(t, "10.5.5.5", 100 * MS, &wait), 1);
    assert_int_equal(perip_take(t, "10.5.5.6", 900 * MS, &wait), 1);
    assert_int_equal(perip_take(t, "10.5.5.5", 1100 * MS, &wait), 1);
    assert_int_equal(perip_take(t, "10.5.5.5", 1101 * MS, &wait), -1);
    assert_int_equal(perip_take(t, "10.5.5.6", 1101 * MS, &wait), 1); /* its clock is its own */
    assert_string_equal(perip_why(t, "10.5.5.5", why, sizeof why),
                        "its time was up (--max-time-per-host 1)");
    perip_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(no_limits), cmocka_unit_test(inflight_cap),
                                       cmocka_unit_test(rate_cap),
                                       cmocka_unit_test(both_and_shared),
                                       cmocka_unit_test(tune_slows_down_and_recovers),
                                       cmocka_unit_test(tune_leaves_dead_hosts_alone),
                                       cmocka_unit_test(bail_on_errors_in_a_row),
                                       cmocka_unit_test(bail_on_a_share_of_403_and_429),
                                       cmocka_unit_test(time_per_host)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

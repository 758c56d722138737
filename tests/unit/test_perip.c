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
    assert_null(perip_new(0, 0));
}

static void inflight_cap(void **s)
{
    (void)s;
    struct perip *t = perip_new(2, 0);
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
    struct perip *t = perip_new(0, 10); /* 100 ms apart per address */
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
    struct perip *t = perip_new(1, 1000);
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

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(no_limits), cmocka_unit_test(inflight_cap),
                                       cmocka_unit_test(rate_cap),
                                       cmocka_unit_test(both_and_shared)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

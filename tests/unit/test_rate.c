/* The shared rate limiter: the GCRA step on a fake clock (exact counts,
 * no sleeping), and the limiter shared by processes forked after it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/rate.h"

#define MS 1000000ull

static void gcra_steps(void **s)
{
    (void)s;
    _Atomic uint64_t tat = 1000 * MS;
    uint64_t now = 1000 * MS, interval = 10 * MS, burst = 20 * MS;
    /* The burst lets three through at once (now, +10, +20 ms of credit). */
    int taken = 0;
    while (rate_gcra(&tat, interval, burst, now) == 0)
        taken++;
    assert_int_equal(taken, 3);
    /* Then it says how long to wait: exactly until the next slot. */
    uint64_t wait = rate_gcra(&tat, interval, burst, now);
    assert_int_equal(wait, 10 * MS);
    assert_int_not_equal(rate_gcra(&tat, interval, burst, now + wait - 1), 0);
    assert_int_equal(rate_gcra(&tat, interval, burst, now + wait), 0);
    /* Over a long stretch asked often, the count is rate * time + burst. */
    _Atomic uint64_t t2 = 0;
    int n = 0;
    for (uint64_t t = 0; t < 1000 * MS; t += MS / 4)
        n += rate_gcra(&t2, interval, burst, t) == 0;
    assert_in_range(n, 100, 103);
    /* Idle time is not saved up beyond the burst. */
    _Atomic uint64_t t3 = 0;
    n = 0;
    for (int i = 0; i < 100; i++)
        n += rate_gcra(&t3, interval, burst, 10000 * MS) == 0;
    assert_int_equal(n, 3);
}

static void shared_by_processes(void **s)
{
    (void)s;
    assert_null(rate_new(0));
    struct rate *r = rate_new(10); /* 100 ms apart, 100 ms of credit */
    assert_non_null(r);
    uint64_t now = rate_now() + 1000 * MS;
    pid_t pid = fork();
    if (pid == 0) {
        int n = 0;
        while (rate_take(r, now) == 0)
            n++;
        _exit(n);
    }
    int status;
    waitpid(pid, &status, 0);
    int child = WEXITSTATUS(status);
    assert_in_range(child, 1, 2);
    /* The child took the credit: the parent, at the same instant, waits. */
    assert_int_not_equal(rate_take(r, now), 0);
    rate_free(r);
    rate_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(gcra_steps),
                                       cmocka_unit_test(shared_by_processes)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

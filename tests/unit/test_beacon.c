/* beacon: what the watchdog reads of a worker's word, from another
 * process: how long the word has been judged, never a wrapped-around
 * time when the worker started its next word while it read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "base/util.h"
#include "ext/beacon.h"

static void busy_for(void **state)
{
    (void)state;
    struct beacon b;
    memset(&b, 0, sizeof b);
    assert_true(beacon_busy_for(&b) == 0); /* no word */
    beacon_on(&b, 7, 3, "word", 4);
    assert_true(beacon_busy_for(&b) >= 0 && beacon_busy_for(&b) < 1);
    b.since = util_now_ns() - 3000000000ull;
    assert_true(beacon_busy_for(&b) >= 3 && beacon_busy_for(&b) < 4);
    /* A word started after the reader's clock: not hours, nothing. */
    b.since = util_now_ns() + 1000000000ull;
    assert_true(beacon_busy_for(&b) == 0);
    beacon_off(&b);
    b.since = 0;
    assert_true(beacon_busy_for(&b) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(busy_for)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

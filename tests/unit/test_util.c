/* util_put*: strings built without a format must say exactly what
 * snprintf would, cut to the buffer and always terminated. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"

static void put_builds_and_cuts(void **s)
{
    (void)s;
    char b[8];
    size_t o = util_put_str(b, sizeof b, 0, "ab");
    o = util_put(b, sizeof b, o, ":x", 1);
    assert_int_equal(o, 3);
    assert_string_equal(b, "ab:");
    /* Cut to fit, terminated, and what follows a full buffer is dropped. */
    o = util_put_str(b, sizeof b, o, "cdefghij");
    assert_int_equal(o, 7);
    assert_string_equal(b, "ab:cdef");
    o = util_put_str(b, sizeof b, o, "z");
    assert_int_equal(o, 7);
    assert_string_equal(b, "ab:cdef");
    /* An offset past the end is taken as the end. */
    assert_int_equal(util_put_str(b, sizeof b, 100, "q"), 7);
    assert_string_equal(b, "ab:cdef");
    /* An empty string terminates what is there. */
    b[0] = 'x';
    assert_int_equal(util_put_str(b, sizeof b, 0, ""), 0);
    assert_string_equal(b, "");
    /* No room at all: nothing written. */
    assert_int_equal(util_put_str(b, 0, 0, "abc"), 0);
    assert_string_equal(b, "");
    char one[1] = {'x'};
    assert_int_equal(util_put_str(one, sizeof one, 0, "abc"), 0);
    assert_int_equal(one[0], '\0');
}

static void put_long_as_printf(void **s)
{
    (void)s;
    const long v[] = {0, 7, 10, 443, 65535, -1, -80, LONG_MAX, LONG_MIN};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char got[32], want[32];
        size_t o = util_put_str(got, sizeof got, 0, "p=");
        o = util_put_long(got, sizeof got, o, v[i]);
        int n = snprintf(want, sizeof want, "p=%ld", v[i]);
        assert_string_equal(got, want);
        assert_int_equal(o, (size_t)n);
    }
    /* Cut like the rest. */
    char b[4];
    assert_int_equal(util_put_long(b, sizeof b, 0, 123456), 3);
    assert_string_equal(b, "123");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(put_builds_and_cuts),
                                       cmocka_unit_test(put_long_as_printf)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

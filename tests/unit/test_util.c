/* util_put*: strings built without a format must say exactly what
 * snprintf would, cut to the buffer and always terminated. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "base/buf.h"
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

/* Every IPv4 address class of digits (0, one, two, three digits per part),
 * IPv6 through inet_ntop, and a buffer too small: as inet_ntop. */
static void addr_text_as_inet_ntop(void **s)
{
    (void)s;
    const unsigned char v4[][4] = {{0, 0, 0, 0}, {127, 0, 0, 1}, {10, 9, 99, 100},
                                   {255, 255, 255, 255}, {1, 20, 203, 4}};
    for (size_t i = 0; i < sizeof v4 / sizeof v4[0]; i++) {
        char got[INET6_ADDRSTRLEN], want[INET6_ADDRSTRLEN];
        assert_non_null(util_addr_text(AF_INET, v4[i], got, sizeof got));
        assert_non_null(inet_ntop(AF_INET, v4[i], want, sizeof want));
        assert_string_equal(got, want);
    }
    unsigned char v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
    char got[INET6_ADDRSTRLEN];
    assert_string_equal(util_addr_text(AF_INET6, v6, got, sizeof got), "2001:db8::1");
    char small[INET_ADDRSTRLEN - 1];
    assert_null(util_addr_text(AF_INET, v4[3], small, sizeof small));
}

/* Keeps the lines that are not "x"; an empty line counts as a line. */
static int not_x(void *ud, size_t i, const char *line, size_t len)
{
    size_t *seen = ud;
    assert_int_equal(i, (*seen)++);
    return !(len == 1 && line[0] == 'x');
}

/* A chunk's words walked and filtered in place, their offsets in step. */
static void lines_walked_and_kept(void **s)
{
    (void)s;
    struct buf b = {0}, offs = {0};
    buf_append_str(&b, "x\n\nab\nx\nc:@#\xc3\xbc\nx");
    for (uint32_t k = 0; k < 6; k++)
        buf_append(&offs, &k, 4);
    size_t at = 0, n, lines = 0;
    const char *l;
    while (buf_next_line(&b, &at, &l, &n))
        lines++;
    assert_int_equal(lines, 6);
    size_t seen = 0;
    assert_int_equal(buf_keep_lines(&b, &offs, not_x, &seen), 3);
    assert_int_equal(seen, 6);
    assert_string_equal(b.p, "\nab\nc:@#\xc3\xbc");
    assert_int_equal(offs.len, 12);
    const uint32_t *o = (const uint32_t *)offs.p;
    assert_true(o[0] == 1 && o[1] == 2 && o[2] == 4);
    struct buf none = {0};
    assert_int_equal(buf_keep_lines(&none, NULL, not_x, &seen), 0);
    buf_free(&b);
    buf_free(&offs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(put_builds_and_cuts),
                                       cmocka_unit_test(put_long_as_printf),
                                       cmocka_unit_test(addr_text_as_inet_ntop),
                                       cmocka_unit_test(lines_walked_and_kept)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

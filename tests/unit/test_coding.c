/* coding: gzip and deflate (wrapped and raw) undone in pieces of any size,
 * the sink's cap stops a bomb, bad data is an error with zlib's words, one
 * decoder serves body after body, and the kinds a header names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "coding.h"

struct got {
    char buf[1 << 16];
    size_t len, cap;
};

static int sink(void *ud, const char *p, size_t n)
{
    struct got *g = ud;
    size_t room = g->cap - g->len;
    memcpy(g->buf + g->len, p, n < room ? n : room);
    g->len += n < room ? n : room;
    return n > room; /* full: stop */
}

/* data compressed as kind (gzip, zlib or raw deflate) into out. */
static size_t squeeze(const char *data, size_t n, int bits, unsigned char *out, size_t cap)
{
    z_stream z = {0};
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (unsigned char *)data;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t len = cap - z.avail_out;
    deflateEnd(&z);
    return len;
}

static void pieces(void **s)
{
    (void)s;
    static const int bits[] = {15 + 16, 15, -15}; /* gzip, zlib, raw */
    static const int kind[] = {CODING_GZIP, CODING_DEFLATE, CODING_DEFLATE};
    char page[20000];
    for (size_t i = 0; i < sizeof page; i++)
        page[i] = (char)('a' + (i * 7) % 26);
    unsigned char z[30000];
    struct coding *c = NULL;
    for (int k = 0; k < 3; k++)
        for (size_t step = 1; step <= 4096; step *= 8) {
            size_t n = squeeze(page, sizeof page, bits[k], z, sizeof z);
            struct got g = {.cap = sizeof g.buf};
            assert_int_equal(coding_begin(&c, kind[k]), 0);
            assert_true(coding_active(c));
            const char *why = NULL;
            for (size_t o = 0; o < n; o += step)
                assert_int_equal(coding_feed(c, (const char *)z + o, o + step < n ? step : n - o,
                                             sink, &g, &why), 0);
            coding_end(c);
            assert_false(coding_active(c));
            assert_int_equal(g.len, sizeof page);
            assert_memory_equal(g.buf, page, sizeof page);
        }
    coding_free(c);
}

static void cap_and_errors(void **s)
{
    (void)s;
    static char zeros[1 << 20];
    static unsigned char z[1 << 16];
    size_t n = squeeze(zeros, sizeof zeros, 15 + 16, z, sizeof z);
    struct coding *c = NULL;
    struct got g = {.cap = 1000};
    const char *why = NULL;
    assert_int_equal(coding_begin(&c, CODING_GZIP), 0);
    assert_int_equal(coding_feed(c, (const char *)z, n, sink, &g, &why), 1); /* stopped at the cap */
    assert_int_equal(g.len, 1000);
    assert_int_equal(coding_begin(&c, CODING_GZIP), 0); /* the same decoder, a new body */
    assert_int_equal(coding_feed(c, "not gzip at all", 15, sink, &g, &why), -1);
    assert_string_equal(why, "incorrect header check");
    /* What follows the end of a stream is ignored (curl does the same). */
    struct got h = {.cap = sizeof h.buf};
    n = squeeze("hello", 5, 15 + 16, z, sizeof z);
    memcpy(z + n, "trailing junk", 13);
    assert_int_equal(coding_begin(&c, CODING_GZIP), 0);
    assert_int_equal(coding_feed(c, (const char *)z, n + 13, sink, &h, &why), 0);
    assert_int_equal(h.len, 5);
    coding_free(c);
    coding_free(NULL);
}

static void kinds(void **s)
{
    (void)s;
    assert_int_equal(coding_kind("gzip", 4), CODING_GZIP);
    assert_int_equal(coding_kind(" X-GZIP ", 8), CODING_GZIP);
    assert_int_equal(coding_kind("deflate", 7), CODING_DEFLATE);
    assert_int_equal(coding_kind("br", 2), CODING_BR);
    assert_int_equal(coding_kind("identity", 8), CODING_NONE);
    assert_int_equal(coding_kind("", 0), CODING_NONE);
    assert_int_equal(coding_kind("zstd", 4), -1);
    assert_int_equal(coding_kind("gzip, br", 8), -1);
    assert_int_equal(coding_kind("compress", 8), -1);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(pieces),
        cmocka_unit_test(cap_and_errors),
        cmocka_unit_test(kinds),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}

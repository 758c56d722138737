/* coding: gzip, deflate (wrapped and raw) and zstd undone in pieces of any size,
 * the sink's cap stops a bomb, bad data is an error with zlib's words, one
 * decoder serves body after body, and the kinds a header names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "net/coding.h"

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

static int take_all(void *ud, const char *p, size_t n)
{
    struct {
        char buf[200000];
        size_t len;
    } *a = ud;
    if (a->len + n > sizeof a->buf)
        return 1;
    memcpy(a->buf + a->len, p, n);
    a->len += n;
    return 0;
}

/* zstd: two frames one after the other, in pieces of any size, a bomb
 * stopped at the cap, and bad data named as libzstd names it. */
static void zstd_frames(void **s)
{
    (void)s;
    static char page[200000];
    for (size_t i = 0; i < sizeof page; i++)
        page[i] = (char)('a' + (i * 13) % 26);
    static unsigned char z[2 * 200000];
    size_t half = sizeof page / 2;
    size_t n1 = ZSTD_compress(z, sizeof z, page, half, 3);
    size_t n2 = ZSTD_compress(z + n1, sizeof z - n1, page + half, sizeof page - half, 3);
    assert_false(ZSTD_isError(n1) || ZSTD_isError(n2));
    struct coding *c = NULL;
    static struct got g;
    const char *why = NULL;
    for (size_t step = 1; step <= 1 << 16; step *= 16) {
        g.len = 0;
        g.cap = sizeof g.buf;
        assert_int_equal(coding_begin(&c, CODING_ZSTD), 0);
        int r = 0;
        for (size_t o = 0; o < n1 + n2 && !r; o += step)
            r = coding_feed(c, (const char *)z + o, o + step < n1 + n2 ? step : n1 + n2 - o, sink,
                            &g, &why);
        assert_int_equal(r, 1); /* 200 KB do not fit the 64 KB sink */
        assert_int_equal(g.len, sizeof g.buf);
        assert_memory_equal(g.buf, page, sizeof g.buf);
    }
    /* Into a sink that takes it all: both frames, whole. */
    static struct {
        char buf[sizeof page];
        size_t len;
    } all;
    assert_int_equal(coding_begin(&c, CODING_ZSTD), 0);
    for (size_t o = 0; o < n1 + n2; o += 1000)
        assert_int_equal(coding_feed(c, (const char *)z + o, o + 1000 < n1 + n2 ? 1000 : n1 + n2 - o,
                                     take_all, &all, &why), 0);
    assert_int_equal(all.len, sizeof page);
    assert_memory_equal(all.buf, page, sizeof page);
    assert_int_equal(coding_begin(&c, CODING_ZSTD), 0); /* the same decoder again */
    assert_int_equal(coding_feed(c, "not zstd at all", 15, sink, &g, &why), -1);
    assert_string_equal(why, "Unknown frame descriptor");
    coding_free(c);
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
    assert_int_equal(coding_kind("Zstd", 4), CODING_ZSTD);
    assert_int_equal(coding_kind("gzip, br", 8), -1);
    assert_int_equal(coding_kind("compress", 8), -1);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(pieces),
        cmocka_unit_test(cap_and_errors),
        cmocka_unit_test(zstd_frames),
        cmocka_unit_test(kinds),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}

/* Line splitting and chunking of the wordlist. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/input.h"

static struct input in;

static void open_text(const void *text, size_t n)
{
    char path[] = "/tmp/salvo-words-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
    char err[256];
    assert_int_equal(input_open(&in, path, err, sizeof err), 0);
    unlink(path);
}

/* All words, chunk by chunk, joined with '|' between chunks. */
static void drain(size_t maxlines, struct buf *all)
{
    for (;;) {
        struct buf chunk = {0};
        size_t words;
        struct buf offs = {0};
        size_t lines = input_take(&in, maxlines, &chunk, &words, &offs);
        assert_int_equal(offs.len, 4 * words);
        buf_free(&offs);
        if (!lines) {
            buf_free(&chunk);
            if (input_done(&in))
                break;
            assert_true(input_fill(&in) >= 0);
            continue;
        }
        assert_true(lines <= maxlines);
        if (words) {
            buf_append(all, chunk.p, chunk.len);
            buf_append_byte(all, '|');
        }
        buf_free(&chunk);
    }
}

static void lines(void **s)
{
    (void)s;
    const char text[] = "a\r\nb\n\n\r\nc d\n\xff\xfe\nlast";
    open_text(text, sizeof text - 1);
    struct buf all = {0};
    drain(2, &all);
    assert_string_equal(all.p, "a\nb|c d\n\xff\xfe|last|");
    assert_int_equal(in.line, 7);
    buf_free(&all);
    input_close(&in);
}

static void long_lines(void **s)
{
    (void)s;
    size_t n = INPUT_MAX_LINE * 3;
    char *text = malloc(n + 16);
    memcpy(text, "x\n", 2);
    memset(text + 2, 'a', n);
    memcpy(text + 2 + n, "\ny\n", 3);
    open_text(text, n + 5);
    free(text);
    struct buf all = {0};
    drain(100, &all);
    assert_string_equal(all.p, "x\ny|");
    assert_int_equal(in.long_lines, 1);
    assert_int_equal(in.first_long_line, 2);
    buf_free(&all);
    input_close(&in);
}

/* --shard K/N: for N up to 1024 and beyond, the shards are disjoint and
 * together they are the whole list. */
static void shards(void **s)
{
    (void)s;
    struct buf text = {0};
    for (int i = 0; i < 3000; i++)
        buf_printf(&text, "w%d\n%s", i, i % 100 == 0 ? "\n" : ""); /* blank lines too */
    static unsigned char seen[3000];
    unsigned ns[] = {1, 2, 7, 1024, 5000};
    for (size_t t = 0; t < sizeof ns / sizeof *ns; t++) {
        memset(seen, 0, sizeof seen);
        for (unsigned k = 0; k < ns[t]; k++) {
            open_text(text.p, text.len);
            in.shard_k = k;
            in.shard_n = ns[t];
            struct buf all = {0};
            drain(64, &all);
            for (char *w = all.p; w && *w;) {
                int n = atoi(w + 1);
                assert_true(n >= 0 && n < 3000);
                assert_int_equal(seen[n], 0); /* disjoint */
                seen[n] = 1;
                w += strcspn(w, "\n|");
                w += strspn(w, "\n|");
            }
            buf_free(&all);
            input_close(&in);
        }
        for (int i = 0; i < 3000; i++)
            assert_int_equal(seen[i], 1); /* the union is the whole list */
    }
    buf_free(&text);
}

static void missing(void **s)
{
    (void)s;
    char err[256];
    assert_int_equal(input_open(&in, "/nonexistent/words", err, sizeof err), -1);
    assert_non_null(strstr(err, "wordlist /nonexistent/words: No such file"));
    assert_int_equal(input_open(&in, "/", err, sizeof err), -1);
    assert_non_null(strstr(err, "Is a directory"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(lines), cmocka_unit_test(long_lines), cmocka_unit_test(shards),
                                       cmocka_unit_test(missing)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Frames between parent and workers: round trip and refusal of torn or
 * lying frames. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "base/codes.h"
#include "base/msg.h"

static void round_trip(void **s)
{
    (void)s;
    struct buf b = {0};
    struct result r = {.chunk = 7, .index = 9, .verdict = V_HIT, .status = 200, .length = 1234,
                       .elapsed = 0.25, .word = "a\xffz", .wlen = 3, .url = "http://a.b/",
                       .error = "", .charset = "gb18030", .nfields = 1,
                       .fields = {"title", "百度"}};
    assert_int_equal(msg_put_result(&b, &r), 0);
    assert_int_equal(msg_put_u64(&b, MSG_DONE, 7), 0);
    struct frame f;
    long used = msg_next(b.p, b.len, &f);
    assert_true(used > 0);
    assert_int_equal(f.type, MSG_RESULT);
    struct result got;
    assert_int_equal(msg_get_result(&f, &got), 0);
    assert_int_equal(got.chunk, 7);
    assert_int_equal(got.index, 9);
    assert_int_equal(got.status, 200);
    assert_int_equal(got.wlen, 3);
    assert_memory_equal(got.word, "a\xffz", 3);
    assert_string_equal(got.charset, "gb18030");
    assert_string_equal(got.fields[1], "百度");
    assert_true(got.elapsed == 0.25);
    uint64_t id;
    assert_true(msg_next(b.p + used, b.len - (size_t)used, &f) > 0);
    assert_int_equal(msg_get_u64(&f, &id), 0);
    assert_int_equal(id, 7);
    /* Every truncation of a frame is "incomplete", never a misread. */
    for (size_t n = 0; n < (size_t)used; n++)
        assert_int_equal(msg_next(b.p, n, &f), 0);
    buf_free(&b);
}

static void lies(void **s)
{
    (void)s;
    struct buf b = {0};
    /* A result frame whose inner string length points past the frame. */
    unsigned char payload[8 + 4 + 4 + 4 + 8 + 8 + 4] = {0};
    uint32_t big = 1000;
    memcpy(payload + 36, &big, 4);
    msg_put(&b, MSG_RESULT, payload, sizeof payload);
    struct frame f;
    assert_true(msg_next(b.p, b.len, &f) > 0);
    struct result r;
    assert_int_equal(msg_get_result(&f, &r), -1);
    buf_free(&b);
    /* A zero length is malformed. */
    char zero[8] = {0};
    assert_int_equal(msg_next(zero, sizeof zero, &f), -1);
}

/* The record that leaves the machine: magic, version, big-endian numbers
 * (the same bytes on any machine), refused when torn or of another
 * version. */
static void records(void **s)
{
    (void)s;
    struct buf b = {0};
    struct result r = {.chunk = 0x0102030405060708ull, .index = 9, .verdict = V_ERROR,
                       .kind = ERR_TIMEOUT, .status = 0, .length = 1234, .elapsed = 0.25,
                       .word = "a\xffz", .wlen = 3, .url = "http://a.b/",
                       .error = "timeout: x", .charset = "", .nfields = 1,
                       .fields = {"k", "v"}, .protocol = "HTTP/2", .stored = "st/a.b/1.txt",
                       .depth = 2, .parent = "http://a.b/p"};
    assert_int_equal(msg_put_record(&b, &r), 0);
    static const unsigned char head[] = {'S', 'R', 'R', 4, 1, 2, 3, 4, 5, 6, 7, 8,
                                         0, 0, 0, 9, 0, 0, 0, V_ERROR, 0, 0, 0, ERR_TIMEOUT};
    assert_memory_equal(b.p, head, sizeof head);
    struct result got;
    assert_int_equal(msg_get_record(b.p, b.len, &got), 0);
    assert_true(got.chunk == r.chunk && got.index == 9 && got.kind == ERR_TIMEOUT &&
                got.length == 1234 && got.elapsed == 0.25 && got.wlen == 3);
    assert_memory_equal(got.word, "a\xffz", 3);
    assert_string_equal(got.error, "timeout: x");
    assert_string_equal(got.fields[1], "v");
    assert_string_equal(got.protocol, "HTTP/2");
    assert_string_equal(got.stored, "st/a.b/1.txt");
    assert_int_equal(got.depth, 2);
    assert_string_equal(got.parent, "http://a.b/p");
    /* Version 3 (no depth and parent), 2 (no stored file, last) and 1 (no
     * protocol either) are still read. */
    size_t tree = 4 + 4 + strlen("http://a.b/p") + 1;
    b.p[3] = 3;
    assert_int_equal(msg_get_record(b.p, b.len, &got), -1); /* v3 with bytes left */
    assert_int_equal(msg_get_record(b.p, b.len - tree, &got), 0);
    assert_int_equal(got.depth, 0);
    assert_string_equal(got.parent, "");
    assert_string_equal(got.stored, "st/a.b/1.txt");
    b.len -= tree;
    size_t stored = 4 + strlen("st/a.b/1.txt") + 1, proto = 4 + strlen("HTTP/2") + 1;
    b.p[3] = 2;
    assert_int_equal(msg_get_record(b.p, b.len - stored, &got), 0);
    assert_string_equal(got.protocol, "HTTP/2");
    assert_string_equal(got.stored, "");
    b.p[3] = 1;
    assert_int_equal(msg_get_record(b.p, b.len - stored - proto, &got), 0);
    assert_string_equal(got.protocol, "");
    assert_string_equal(got.fields[1], "v");
    assert_int_equal(msg_get_record(b.p, b.len, &got), -1); /* v1 with bytes left */
    b.p[3] = 3;
    for (size_t n = 0; n < b.len; n++)
        assert_int_equal(msg_get_record(b.p, n, &got), -1);
    b.len += tree;
    b.p[3] = 4;
    for (size_t n = 0; n < b.len; n++)
        assert_int_equal(msg_get_record(b.p, n, &got), -1);
    b.p[3] = 5; /* another version */
    assert_int_equal(msg_get_record(b.p, b.len, &got), -1);
    b.p[3] = 0;
    assert_int_equal(msg_get_record(b.p, b.len, &got), -1);
    b.p[3] = 4;
    b.p[23] = (char)ERR_NKINDS; /* a kind no salvo knows */
    assert_int_equal(msg_get_record(b.p, b.len, &got), -1);
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(round_trip), cmocka_unit_test(lies),
                                       cmocka_unit_test(records)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

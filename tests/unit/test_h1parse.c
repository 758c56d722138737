/* h1parse: every case of tests/fixtures/malformed.txt gives its decided
 * outcome whether the answer comes whole, in two pieces at every cut, or
 * byte by byte; plus what the table cannot say (a HEAD, a body callback
 * that stops or wants no more, folded values, 1xx framing, line limits). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/codes.h"
#include "net/h1parse.h"

struct seen {
    char head[4096];
    size_t head_len, body;
    int folds, body_stop, body_enough;
};

static void on_line(void *ud, const char *l, size_t n, int fold)
{
    struct seen *s = ud;
    s->folds += fold;
    if (s->head_len + n < sizeof s->head) {
        memcpy(s->head + s->head_len, l, n);
        s->head_len += n;
    }
}

static int on_body(void *ud, const char *p, size_t n)
{
    struct seen *s = ud;
    (void)p;
    s->body += n;
    if (s->body_stop)
        return -1;
    return s->body_enough && s->body >= (size_t)s->body_enough;
}

static const struct h1parse_cb cb = {on_line, on_body};

/* Feeds data in pieces of step bytes (0: whole), then the connection's
 * end; writes the outcome as the table words it. */
static void outcome(const char *data, size_t n, size_t step, int head, struct seen *s, char *out,
                    size_t cap)
{
    struct h1parse p = {0};
    h1parse_begin(&p, head);
    memset(s, 0, sizeof *s);
    size_t off = 0, used = 0;
    int r = H1PARSE_MORE;
    while (off < n && (r == H1PARSE_MORE || r == H1PARSE_HEAD)) {
        if (r == H1PARSE_HEAD && p.foreign_coding)
            break;
        size_t k = step && n - off > step ? step : n - off;
        r = h1parse_feed(&p, data + off, k, &used, &cb, s);
        off += used;
        while (r == H1PARSE_HEAD && !p.foreign_coding && used < k) { /* the rest of this piece */
            size_t more;
            r = h1parse_feed(&p, data + off, k - used, &more, &cb, s);
            off += more;
            used += more;
        }
        if (r == H1PARSE_MORE || (r == H1PARSE_HEAD && !p.foreign_coding))
            assert_int_equal(used, k); /* a piece is used whole while the answer goes on */
    }
    if (r == H1PARSE_HEAD && p.foreign_coding)
        snprintf(out, cap, "curl");
    else {
        if (r == H1PARSE_MORE || r == H1PARSE_HEAD)
            r = h1parse_eof(&p);
        if (r == H1PARSE_DONE)
            snprintf(out, cap, "ok %d %zu %s", p.status, s->body,
                     h1parse_keep(&p) && off == n ? "keep" : "close");
        else if (r == H1PARSE_ERROR)
            snprintf(out, cap, "err %s", codes_prefix(p.err_kind));
        else
            snprintf(out, cap, "stop");
    }
    h1parse_free(&p);
}

static size_t unescape(const char *in, char *out)
{
    size_t n = 0;
    for (const char *s = in; *s; s++) {
        if (*s != '\\') {
            out[n++] = *s;
            continue;
        }
        switch (*++s) {
        case 'r': out[n++] = '\r'; break;
        case 'n': out[n++] = '\n'; break;
        case 't': out[n++] = '\t'; break;
        case '0': out[n++] = '\0'; break;
        case 'x': {
            char hex[3] = {s[1], s[2], 0};
            out[n++] = (char)strtol(hex, NULL, 16);
            s += 2;
            break;
        }
        default: out[n++] = *s; break;
        }
    }
    return n;
}

static void table(void **state)
{
    (void)state;
    FILE *f = fopen(SRC_DIR "/tests/fixtures/malformed.txt", "r");
    assert_non_null(f);
    char line[8192], raw[8192], got[64];
    int cases = 0, bad = 0;
    struct seen s;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (line[0] == '#' || !line[0])
            continue;
        char *name = strtok(line, "\t"), *want = strtok(NULL, "\t"), *curl = strtok(NULL, "\t");
        char *answer = strtok(NULL, "");
        assert_non_null(curl);
        size_t n = unescape(answer ? answer : "", raw);
        for (size_t step = 0; step <= n; step = step ? step * 2 : 1) {
            outcome(raw, n, step, 0, &s, got, sizeof got);
            if (strcmp(got, want)) {
                fprintf(stderr, "%s (pieces of %zu): %s, not %s\n", name, step, got, want);
                bad++;
                break;
            }
        }
        for (size_t cut = 1; cut < n; cut++) { /* two pieces, cut anywhere */
            struct h1parse p = {0};
            size_t used, more = 0;
            h1parse_begin(&p, 0);
            int r = h1parse_feed(&p, raw, cut, &used, &cb, &s);
            if (r == H1PARSE_MORE)
                r = h1parse_feed(&p, raw + cut, n - cut, &more, &cb, &s);
            (void)r;
            h1parse_free(&p);
        }
        cases++;
    }
    fclose(f);
    assert_true(cases >= 70);
    assert_int_equal(bad, 0);
}

static void one(const char *answer, int head, struct seen *s, char *out)
{
    char raw[4096];
    size_t n = unescape(answer, raw);
    outcome(raw, n, 0, head, s, out, 64);
}

static void head_request(void **state)
{
    (void)state;
    struct seen s;
    char got[64];
    one("HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\n\\r\\n", 1, &s, got);
    assert_string_equal(got, "ok 200 0 keep");
    one("HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n", 1, &s, got);
    assert_string_equal(got, "ok 200 0 keep");
    /* A HEAD's answer that sends a body anyway: the bytes are not the
     * next answer. */
    one("HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\n\\r\\nhello", 1, &s, got);
    assert_string_equal(got, "ok 200 0 close");
}

static void body_callback(void **state)
{
    (void)state;
    struct h1parse p = {0};
    struct seen s = {0};
    const char *a = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789";
    size_t used;
    h1parse_begin(&p, 0);
    s.body_enough = 4;
    int r = h1parse_feed(&p, a, strlen(a), &used, &cb, &s);
    assert_int_equal(r, H1PARSE_HEAD);
    r = h1parse_feed(&p, a + used, strlen(a) - used, &used, &cb, &s);
    assert_int_equal(r, H1PARSE_DONE); /* enough: the rest never read */
    assert_int_equal(h1parse_keep(&p), 0);
    memset(&s, 0, sizeof s);
    s.body_stop = 1;
    h1parse_begin(&p, 0);
    r = h1parse_feed(&p, a, strlen(a), &used, &cb, &s);
    r = h1parse_feed(&p, a + used, strlen(a) - used, &used, &cb, &s);
    assert_int_equal(r, H1PARSE_STOP);
    h1parse_free(&p);
}

static void folded_and_interim(void **state)
{
    (void)state;
    struct seen s;
    char got[64];
    one("HTTP/1.1 200 OK\\r\\nX-A: 1\\r\\n 2\\r\\n\\t3\\r\\nContent-Length: 0\\r\\n\\r\\n", 0, &s,
        got);
    assert_string_equal(got, "ok 200 0 keep");
    assert_int_equal(s.folds, 2);
    /* The dropped first fold never reaches the caller. */
    one("HTTP/1.1 200 OK\\r\\n X: 1\\r\\nContent-Length: 0\\r\\n\\r\\n", 0, &s, got);
    assert_int_equal(s.folds, 0);
    assert_null(strstr(s.head, " X: 1"));
    /* A 1xx's Connection: close does not close the answer after it. */
    one("HTTP/1.1 100 Continue\\r\\nConnection: close\\r\\n\\r\\n"
        "HTTP/1.1 200 OK\\r\\nContent-Length: 0\\r\\n\\r\\n",
        0, &s, got);
    assert_string_equal(got, "ok 200 0 keep");
    /* Two answers on one connection: the parser is begun again. */
    struct h1parse p = {0};
    size_t used;
    const char *two = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 404 NF\r\n"
                      "Content-Length: 0\r\n\r\n";
    h1parse_begin(&p, 0);
    memset(&s, 0, sizeof s);
    assert_int_equal(h1parse_feed(&p, two, strlen(two), &used, &cb, &s), H1PARSE_HEAD);
    size_t off = used;
    assert_int_equal(h1parse_feed(&p, two + off, strlen(two) - off, &used, &cb, &s),
                     H1PARSE_DONE);
    off += used;
    assert_true(h1parse_keep(&p));
    h1parse_begin(&p, 0);
    assert_int_equal(h1parse_feed(&p, two + off, strlen(two) - off, &used, &cb, &s),
                     H1PARSE_DONE);
    assert_int_equal(p.status, 404);
    assert_int_equal(off + used, strlen(two));
    h1parse_free(&p);
}

static void limits(void **state)
{
    (void)state;
    struct h1parse p = {0};
    struct seen s = {0};
    size_t used;
    static char big[110 * 1024];
    memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
    memset(big + 20, 'a', sizeof big - 20);
    h1parse_begin(&p, 0);
    int r = H1PARSE_MORE;
    for (size_t off = 0; off < sizeof big && r == H1PARSE_MORE; off += 1000)
        r = h1parse_feed(&p, big + off, sizeof big - off < 1000 ? sizeof big - off : 1000, &used,
                         &cb, &s);
    assert_int_equal(r, H1PARSE_ERROR);
    assert_int_equal(p.err_kind, ERR_HTTP); /* curl's: a header line over 100 KB */
    /* Many short headers: 300 KB of head in all is curl's limit. */
    h1parse_begin(&p, 0);
    r = h1parse_feed(&p, "HTTP/1.1 200 OK\r\n", 17, &used, &cb, &s);
    for (int i = 0; i < 40000 && r == H1PARSE_MORE; i++)
        r = h1parse_feed(&p, "X-Many: 12345\r\n", 15, &used, &cb, &s);
    assert_int_equal(r, H1PARSE_ERROR);
    assert_int_equal(p.err_kind, ERR_IO);
    assert_non_null(strstr(p.err, "Too large response headers"));
    /* A status line that cannot become "HTTP/" fails at once. */
    h1parse_begin(&p, 0);
    assert_int_equal(h1parse_feed(&p, "HTX", 3, &used, &cb, &s), H1PARSE_ERROR);
    h1parse_free(&p);
}

/* Every byte value in a header's name: taken exactly when RFC 9110 5.6.2
 * calls it a tchar (ALPHA, DIGIT, !#$%&'*+-.^_`|~), refused otherwise. */
static void name_bytes(void **state)
{
    (void)state;
    for (int c = 0; c < 256; c++) {
        char data[64];
        int n = snprintf(data, sizeof data, "HTTP/1.1 200 OK\r\nX_Y: 1\r\nContent-Length: 0\r\n\r\n");
        data[18] = (char)c; /* the '_' */
        int tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    (c && strchr("!#$%&'*+-.^_`|~", c));
        struct seen s;
        char out[64];
        outcome(data, (size_t)n, 0, 0, &s, out, sizeof out);
        if (tchar || c == ':') /* ':' ends the name: "X", its value "Y: 1" */
            assert_string_equal(out, "ok 200 0 keep");
        else
            assert_string_equal(out, "err bad-reply");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table),
        cmocka_unit_test(name_bytes),
        cmocka_unit_test(head_request),
        cmocka_unit_test(body_callback),
        cmocka_unit_test(folded_and_interim),
        cmocka_unit_test(limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

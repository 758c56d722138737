/* URL templates: where the word goes and how it is escaped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "base/buf.h"
#include "base/tmpl.h"

static void expand(const char *t, const char *word, size_t len, const char *want)
{
    struct buf b = {0};
    assert_int_equal(tmpl_expand(t, word, len, &b), 0);
    assert_string_equal(b.p, want);
    buf_free(&b);
}

static void host_and_path(void **s)
{
    (void)s;
    expand("http://{}.baidu.com", "www", 3, "http://www.baidu.com");
    expand("http://{}.x.test/{}", "a_b-c.d", 7, "http://a_b-c.d.x.test/a_b-c.d");
    expand("http://{}.x.test/", "bücher", 7, "http://xn--bcher-kva.x.test/");
    expand("http://{}.x.test/", "百度", 6, "http://xn--wxtr44c.x.test/");
    expand("http://x.test/{}", "../etc/passwd", 13, "http://x.test/../etc/passwd");
    expand("http://h.test/p?q={}#{}", "中#", 4, "http://h.test/p?q=%E4%B8%AD%23#%E4%B8%AD%23");
    expand("http://h.test/{}", "a/b.php?x=1", 11, "http://h.test/a/b.php?x=1");
    expand("http://h.test:8080/{}", "\x01\x7f<>", 4, "http://h.test:8080/%01%7F%3C%3E");
}

static void refusals(void **s)
{
    (void)s;
    struct buf b = {0};
    assert_int_equal(tmpl_expand("http://{}.x", "a\0b", 3, &b), TMPL_ENUL);
    /* A word in the host part cannot leave it: another host, a user, a
     * port, a path, a space. */
    static const char *const escape[] = {"evil.com/x", "a@evil.com", "127.0.0.1:8080/",
                                         "a b", "x#y", "a?b", "a%2fb", "a\\b"};
    for (size_t i = 0; i < sizeof escape / sizeof *escape; i++) {
        buf_reset(&b);
        assert_int_equal(tmpl_expand("http://{}.x.test/", escape[i], strlen(escape[i]), &b),
                         TMPL_EHOST);
    }
    static const char at[] = "a@b";
    assert_ptr_equal(tmpl_bad_host_byte(at, 3), at + 1);
    assert_null(tmpl_bad_host_byte("ok-1_x.y", 8));
    buf_reset(&b);
    assert_int_equal(tmpl_expand("http://{}.x.test/", "\xff\xfe", 2, &b), TMPL_EIDN);
    /* Headers and bodies take the word as it is. */
    buf_reset(&b);
    assert_int_equal(tmpl_fill("X-A: {}", NULL, "a@b c", 5, TMPL_RAW, &b), 0);
    assert_string_equal(b.p, "X-A: a@b c");
    buf_free(&b);
    char err[256];
    assert_int_equal(tmpl_check("http://{}.baidu.com", err, sizeof err), 0);
    assert_int_equal(tmpl_check("http://www.baidu.com", err, sizeof err), -1);
    assert_non_null(strstr(err, "has no {}"));
    assert_int_equal(tmpl_check("{}.baidu.com", err, sizeof err), -1);
    assert_non_null(strstr(err, "no scheme"));
    assert_int_equal(tmpl_check("http://{} .x", err, sizeof err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(host_and_path), cmocka_unit_test(refusals)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

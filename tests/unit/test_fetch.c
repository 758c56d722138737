/* fetch_check: what a script's or a plugin's fetch may reach from the
 * word's URL, and how a relative URL is made absolute. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "ext/fetch.h"
#include "ext/limits.h"
#include "net/engine.h"

/* check SCOPE BASE URL: 0 or -1; *out the URL as it would be fetched. */
static int check(int scope, const char *base, const char *url, char *out, size_t n)
{
    struct script_limits lim = {0, 1000, 1 << 20, 16, scope, NULL};
    salvo_req w = {0};
    char why[512];
    buf_append_str(&w.url, url);
    int rc = fetch_check(&lim, 0, base, &w, "fetch()", why, sizeof why);
    snprintf(out, n, "%s", rc == 0 ? w.url.p : why);
    engine_req_free(&w);
    return rc;
}

static void relative_urls(void **s)
{
    (void)s;
    char u[1024];
    assert_int_equal(check(FETCH_ORIGIN, "http://a.test:8080/x/HEAD?q#f", "/x/config", u, sizeof u), 0);
    assert_string_equal(u, "http://a.test:8080/x/config");
    assert_int_equal(check(FETCH_ORIGIN, "https://[::1]:8443/a", "/b", u, sizeof u), 0);
    assert_string_equal(u, "https://[::1]:8443/b");
    assert_int_equal(check(FETCH_ORIGIN, "http://u:p@a.test/w", "/%2f:@#ü", u, sizeof u), 0);
    assert_string_equal(u, "http://u:p@a.test/%2f:@#ü");
}

static void scopes(void **s)
{
    (void)s;
    char u[1024];
    const char *base = "http://A.test:80/word";
    assert_int_equal(check(FETCH_ORIGIN, base, "http://a.TEST:80/x", u, sizeof u), 0);
    assert_int_equal(check(FETCH_ORIGIN, base, "http://a.test:81/x", u, sizeof u), -1);
    assert_non_null(strstr(u, "out of scope (--fetch-scope origin"));
    assert_int_equal(check(FETCH_ORIGIN, base, "https://a.test:80/x", u, sizeof u), -1);
    assert_int_equal(check(FETCH_ORIGIN, base, "http://a.test.evil:80/x", u, sizeof u), -1);
    assert_int_equal(check(FETCH_HOST, base, "https://a.test:8443/x", u, sizeof u), 0);
    assert_int_equal(check(FETCH_HOST, base, "http://x@a.test/", u, sizeof u), 0);
    assert_int_equal(check(FETCH_HOST, base, "http://b.test/", u, sizeof u), -1);
    assert_int_equal(check(FETCH_HOST, base, "http://a.test@b.test/", u, sizeof u), -1);
    assert_int_equal(check(FETCH_HOST, "http://[::1]:8080/w", "http://[::1]:9/", u, sizeof u), 0);
    assert_int_equal(check(FETCH_HOST, "http://[::1]:8080/w", "http://[::2]:8080/", u, sizeof u), -1);
    assert_int_equal(check(FETCH_ANY, base, "https://b.test/", u, sizeof u), 0);
    assert_int_equal(check(FETCH_ANY, base, "ftp://b.test/", u, sizeof u), -1);
    assert_int_equal(check(FETCH_ANY, base, "http://b.test/\r\nX: y", u, sizeof u), -1);
    assert_non_null(strstr(u, "NUL, CR or LF"));
}

static void the_cap(void **s)
{
    (void)s;
    struct script_limits lim = {0, 1000, 1 << 20, 2, FETCH_ORIGIN, NULL};
    salvo_req w = {0};
    char why[256];
    buf_append_str(&w.url, "/a");
    assert_int_equal(fetch_check(&lim, 1, "http://a.test/", &w, "salvo.fetch", why, sizeof why), 0);
    assert_int_equal(fetch_check(&lim, 2, "http://a.test/", &w, "salvo.fetch", why, sizeof why), -1);
    assert_string_equal(why, "salvo.fetch: more than 2 fetches for one word (--max-fetches)");
    engine_req_reset(&w);
    assert_int_equal(fetch_check(&lim, 0, "http://a.test/", &w, "salvo.fetch", why, sizeof why), -1);
    assert_string_equal(why, "salvo.fetch: no url");
    engine_req_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(relative_urls),
        cmocka_unit_test(scopes),
        cmocka_unit_test(the_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

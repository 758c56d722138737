/* The Redis URL and queue names of the work queue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "queue/queue.h"

static void parse_ok(const char *v, const char *host, int port, const char *user,
                     const char *pass, int db)
{
    struct queue_url u;
    char err[512] = "";
    assert_int_equal(queue_url_parse(v, &u, err, sizeof err), 0);
    assert_string_equal(u.host, host);
    assert_int_equal(u.port, port);
    assert_string_equal(u.user, user);
    assert_string_equal(u.pass, pass);
    assert_int_equal(u.db, db);
}

static void parse_bad(const char *v, const char *msg)
{
    struct queue_url u;
    char err[512] = "";
    assert_int_equal(queue_url_parse(v, &u, err, sizeof err), -1);
    if (!strstr(err, msg))
        fail_msg("%s: \"%s\" lacks \"%s\"", v, err, msg);
}

static void urls(void **s)
{
    (void)s;
    unsetenv("SALVO_REDIS_PASSWORD");
    parse_ok("redis://127.0.0.1", "127.0.0.1", 6379, "", "", 0);
    parse_ok("redis://q.lan:6380/", "q.lan", 6380, "", "", 0);
    parse_ok("redis://q.lan:6380/3", "q.lan", 6380, "", "", 3);
    parse_ok("redis://alice:pw@q.lan", "q.lan", 6379, "alice", "pw", 0);
    parse_ok("redis://:pw@q.lan", "q.lan", 6379, "", "pw", 0);
    parse_ok("redis://alice@q.lan", "q.lan", 6379, "alice", "", 0);
    parse_ok("redis://a%40b:p%25w%3A@q.lan", "q.lan", 6379, "a@b", "p%w:", 0);
    parse_ok("redis://u:p@ss@q.lan", "q.lan", 6379, "u", "p@ss", 0); /* the last @ ends it */
    parse_ok("redis://[::1]:7000/2", "::1", 7000, "", "", 2);
    setenv("SALVO_REDIS_PASSWORD", "fromenv", 1);
    parse_ok("redis://alice@q.lan", "q.lan", 6379, "alice", "fromenv", 0);
    parse_ok("redis://alice:url@q.lan", "q.lan", 6379, "alice", "url", 0);
    unsetenv("SALVO_REDIS_PASSWORD");
}

static void bad_urls(void **s)
{
    (void)s;
    parse_bad("rediss://q.lan", "TLS (rediss://) is not built in");
    parse_bad("http://q.lan", "does not start with redis://");
    parse_bad("redis://", "has no host");
    parse_bad("redis://q.lan:0", "bad port");
    parse_bad("redis://q.lan:70000", "bad port");
    parse_bad("redis://q.lan:x", "bad port");
    parse_bad("redis://q.lan/db", "must be a number");
    parse_bad("redis://q.lan:1/2/3", "unexpected");
    parse_bad("redis://[::1", "missing ]");
}

static void names(void **s)
{
    (void)s;
    char err[256];
    assert_int_equal(queue_name_check("scan-2026.11_a", err, sizeof err), 0);
    assert_int_equal(queue_name_check("", err, sizeof err), -1);
    assert_int_equal(queue_name_check("a b", err, sizeof err), -1);
    assert_int_equal(queue_name_check("a:b", err, sizeof err), -1);
    assert_non_null(strstr(err, "queue name \"a:b\""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(urls),
        cmocka_unit_test(bad_urls),
        cmocka_unit_test(names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

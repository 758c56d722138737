/* request: which URLs salvo's own clients take (request_target) and the
 * bytes they send (request_build), the ones curl 7.88 sends for the same
 * options: request line, Host, User-Agent, Accept, the configuration's
 * and the word's headers with curl's rules, a body's Content-Length and
 * Content-Type; and what is left to curl. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "net/request.h"
#include "net/xfer.h"

static struct xfer x;

static int setup(void **state)
{
    (void)state;
    memset(&x, 0, sizeof x);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    buf_free(&x.req.url);
    buf_free(&x.req.method);
    buf_free(&x.req.body);
    buf_free(&x.own.req);
    curl_slist_free_all(x.req.headers);
    curl_slist_free_all(x.pin);
    return 0;
}

static int target(const char *url, int tls, struct request_target *t)
{
    buf_reset(&x.req.url);
    buf_append_str(&x.req.url, url);
    return request_target(&x, tls, t);
}

static void target_of_addresses(void **state)
{
    (void)state;
    struct request_target t;
    assert_int_equal(target("http://127.0.0.1:8080/a?b=1#frag", 0, &t), 0);
    assert_int_equal(t.port, 8080);
    assert_int_equal(t.namelen, 9);
    assert_int_equal(t.hostlen, 14); /* with the port: not the scheme's own */
    assert_memory_equal(t.path, "/a?b=1", t.pathlen);
    assert_int_equal(t.pathlen, 6); /* the fragment is not sent */
    assert_true(t.numeric);
    assert_string_equal(t.addr, "127.0.0.1");
    assert_int_equal(request_addr_port(&t.sa), 8080);

    assert_int_equal(target("http://127.0.0.1:80", 0, &t), 0);
    assert_int_equal(t.hostlen, t.namelen); /* the scheme's own port is not named */
    assert_int_equal(t.pathlen, 0);

    assert_int_equal(target("https://[::1]:8443/x", 1, &t), 0);
    assert_int_equal(t.port, 8443);
    assert_string_equal(t.addr, "::1");
    assert_int_equal(t.sa.sa.sa_family, AF_INET6);
    assert_int_equal(request_addr_port(&t.sa), 8443);
}

static void target_of_names_needs_a_pin(void **state)
{
    (void)state;
    struct request_target t;
    assert_int_equal(target("http://www.example.test/", 0, &t), -1);
    x.pin = curl_slist_append(NULL, "www.example.test:80:10.0.0.5:80");
    assert_int_equal(target("http://www.example.test/", 0, &t), 0);
    assert_false(t.numeric);
    assert_string_equal(t.addr, "10.0.0.5");
    /* The pin names another port: not this URL's. */
    assert_int_equal(target("http://www.example.test:81/", 0, &t), -1);
    curl_slist_free_all(x.pin);
    x.pin = curl_slist_append(NULL, "www.example.test:443:[2001:db8::1]:443");
    assert_int_equal(target("https://www.example.test/", 1, &t), 0);
    assert_string_equal(t.addr, "2001:db8::1");
}

/* What curl would send otherwise than as written, or not at all: curl's. */
static void target_leaves_to_curl(void **state)
{
    (void)state;
    struct request_target t;
    static const char *const curl_s[] = {
        "http://127.0.0.1/a b",       /* a space */
        "http://127.0.0.1/caf\xc3\xa9", /* not ASCII */
        "http://127.0.0.1/a?",        /* an empty query */
        "http://127.0.0.1:0/",        /* no port */
        "http://127.0.0.1:65536/",
        "http://127.0.0.1:080/",      /* a leading zero */
        "http://127.0.0.1:/",
        "http://user@127.0.0.1/",     /* user info */
        "http://[::01]/",             /* not as inet_ntop writes it */
        "http://127.000.0.1/",
        "http://WWW.example.test/",   /* curl lower-cases the name */
        "https://127.0.0.1/",         /* the scheme of the other client */
        "ftp://127.0.0.1/",
    };
    for (size_t i = 0; i < sizeof curl_s / sizeof curl_s[0]; i++)
        if (target(curl_s[i], 0, &t) != -1)
            fail_msg("%s was taken", curl_s[i]);
    assert_int_equal(target("http://127.0.0.1/", 1, &t), -1);
}

static const char *build(const struct request_settings *s, const char *url, int body)
{
    struct request_target t;
    assert_int_equal(target(url, 0, &t), 0);
    if (request_build(s, &x, &t, body) < 0)
        return NULL;
    buf_append_byte(&x.own.req, '\0');
    return x.own.req.p;
}

static void build_as_curl_does(void **state)
{
    (void)state;
    struct request_settings s = {.method = "GET", .user_agent = "salvo/1"};
    assert_string_equal(build(&s, "http://127.0.0.1:8080/a?b=1", 1),
                        "GET /a?b=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: salvo/1\r\n"
                        "Accept: */*\r\n\r\n");
    assert_string_equal(build(&s, "http://127.0.0.1", 1),
                        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: salvo/1\r\n"
                        "Accept: */*\r\n\r\n");
    s.user_agent = "";
    buf_append_str(&x.req.method, "OPTIONS");
    assert_string_equal(build(&s, "http://[::1]:81/", 1),
                        "OPTIONS / HTTP/1.1\r\nHost: [::1]:81\r\nAccept: */*\r\n\r\n");
}

/* "K: v" replaces curl's K or adds one, "K:" takes curl's K away, "K;"
 * sends K empty; the configuration's headers, then the word's. */
static void build_with_headers(void **state)
{
    (void)state;
    struct curl_slist *conf = NULL;
    conf = curl_slist_append(conf, "Host: other.test");
    conf = curl_slist_append(conf, "Accept:");
    conf = curl_slist_append(conf, "Empty;");
    conf = curl_slist_append(conf, "User-Agent: me");
    conf = curl_slist_append(conf, "Bad");
    struct request_settings s = {.method = "GET", .user_agent = "salvo/1", .headers = conf};
    x.req.headers = curl_slist_append(NULL, "X-Word: w");
    assert_string_equal(build(&s, "http://127.0.0.1/p", 1),
                        "GET /p HTTP/1.1\r\nHost: other.test\r\nEmpty:\r\nUser-Agent: me\r\n"
                        "X-Word: w\r\n\r\n");
    curl_slist_free_all(conf);
    /* "Host:" alone: no Host header at all. */
    conf = curl_slist_append(NULL, "Host:");
    s.headers = conf;
    assert_string_equal(build(&s, "http://127.0.0.1/p", 1),
                        "GET /p HTTP/1.1\r\nUser-Agent: salvo/1\r\nAccept: */*\r\n"
                        "X-Word: w\r\n\r\n");
    curl_slist_free_all(conf);
}

static void build_with_a_body(void **state)
{
    (void)state;
    struct request_settings s = {.method = "GET", .user_agent = "u"};
    buf_append_str(&x.req.body, "a=1");
    x.req.has_body = 1;
    /* A body with the default method is a POST; over HTTP/1.1 the body
     * follows the headers, over HTTP/2 (body = 0) it goes apart. */
    assert_string_equal(build(&s, "http://127.0.0.1/f", 1),
                        "POST /f HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: u\r\nAccept: */*\r\n"
                        "Content-Length: 3\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        "\r\na=1");
    x.req.headers = curl_slist_append(NULL, "Content-Type: application/json");
    assert_string_equal(build(&s, "http://127.0.0.1/f", 0),
                        "POST /f HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: u\r\nAccept: */*\r\n"
                        "Content-Type: application/json\r\nContent-Length: 3\r\n\r\n");
    buf_append_str(&x.req.method, "PUT");
    assert_non_null(strstr(build(&s, "http://127.0.0.1/f", 1), "PUT /f HTTP/1.1\r\n"));
}

/* What changes how a body goes is curl's to send. */
static void build_leaves_to_curl(void **state)
{
    (void)state;
    struct request_settings s = {.method = "GET"};
    static const char *const framing[] = {"Content-Length: 3", "Transfer-Encoding: chunked",
                                          "Expect: 100-continue"};
    for (size_t i = 0; i < 3; i++) {
        x.req.headers = curl_slist_append(NULL, framing[i]);
        assert_null(build(&s, "http://127.0.0.1/", 1));
        curl_slist_free_all(x.req.headers);
        x.req.headers = NULL;
    }
    buf_append_str(&x.req.method, "HEAD");
    buf_append_str(&x.req.body, "x");
    x.req.has_body = 1;
    assert_null(build(&s, "http://127.0.0.1/", 1)); /* HEAD with a body */
    buf_reset(&x.req.method);
    static char big[1024 * 1024 + 1];
    memset(big, 'a', sizeof big);
    buf_reset(&x.req.body);
    buf_append(&x.req.body, big, sizeof big);
    assert_null(build(&s, "http://127.0.0.1/", 1)); /* curl would ask 100-continue */
}

static void prepare_sets_the_transfer_up(void **state)
{
    (void)state;
    struct request_settings s = {.method = "GET", .user_agent = "u"};
    struct request_target t;
    buf_append_str(&x.req.url, "http://127.0.0.1:8080/z");
    x.own.requeues = 3;
    x.own.tries = 2;
    assert_int_equal(request_prepare(&s, &x, 0, &t), 0);
    assert_string_equal(x.res.ip, "127.0.0.1");
    assert_int_equal(x.own.tries, 0);
    assert_int_equal(x.own.requeues, 0);
    assert_true(x.own.t0 > 0);
    x.curl_only = 1; /* this word's answer needs curl */
    assert_int_equal(request_prepare(&s, &x, 0, &t), 1);
    x.curl_only = 0;
    assert_int_equal(request_prepare(&s, &x, 1, &t), 1); /* http:// is not h2's */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(target_of_addresses, setup, teardown),
        cmocka_unit_test_setup_teardown(target_of_names_needs_a_pin, setup, teardown),
        cmocka_unit_test_setup_teardown(target_leaves_to_curl, setup, teardown),
        cmocka_unit_test_setup_teardown(build_as_curl_does, setup, teardown),
        cmocka_unit_test_setup_teardown(build_with_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(build_with_a_body, setup, teardown),
        cmocka_unit_test_setup_teardown(build_leaves_to_curl, setup, teardown),
        cmocka_unit_test_setup_teardown(prepare_sets_the_transfer_up, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The probe layer: every probe ends exactly once, whatever stage it ends
 * in (build, target, transfer, retry, judge, a stop), with the kind of its
 * error, and nothing is left busy. Against a small HTTP server in the same
 * loop and a closed port on 127.0.0.1; every loop is bounded by a guard
 * timer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "base/codes.h"
#include "scan/probe.h"

/* ---- a server that answers every request "200 ok" and closes ---- */

struct conn {
    uv_tcp_t tcp;
    uv_write_t wr;
    char buf[4096];
};

static void on_conn_closed(uv_handle_t *h)
{
    free(h);
}

static void on_written(uv_write_t *w, int status)
{
    (void)status;
    uv_close((uv_handle_t *)w->handle, on_conn_closed);
}

static void on_alloc(uv_handle_t *h, size_t n, uv_buf_t *b)
{
    (void)n;
    struct conn *c = (struct conn *)h;
    *b = uv_buf_init(c->buf, sizeof c->buf);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
    static char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    (void)b;
    if (n < 0) {
        uv_close((uv_handle_t *)s, on_conn_closed);
        return;
    }
    if (n == 0)
        return;
    uv_read_stop(s);
    uv_buf_t out = uv_buf_init(reply, sizeof reply - 1);
    uv_write(&((struct conn *)s)->wr, s, &out, 1, on_written);
}

static void on_connection(uv_stream_t *server, int status)
{
    if (status < 0)
        return;
    struct conn *c = calloc(1, sizeof *c);
    uv_tcp_init(server->loop, &c->tcp);
    if (uv_accept(server, (uv_stream_t *)&c->tcp) == 0)
        uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
    else
        uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
}

/* ---- the test harness ---- */

#define MAXW 64

struct run {
    uv_loop_t loop;
    uv_tcp_t server;
    uv_timer_t guard, poll;
    struct probes *ps;
    struct probe_stats stats;
    int ends[MAXW];       /* end calls per word index */
    int verdict[MAXW], kind[MAXW];
    int stop_at_retries;  /* call probe_stop() when this many retries wait */
    int timed_out;
};

static void on_end(struct probe *p, int verdict, int kind, const char *why, void *ud)
{
    struct run *r = ud;
    assert_true(p->index < MAXW);
    r->ends[p->index]++;
    r->verdict[p->index] = verdict;
    r->kind[p->index] = kind;
    if (verdict == V_ERROR)
        assert_non_null(why);
}

static void wake(void *ud)
{
    struct run *r = ud;
    if (probe_busy(r->ps) == 0)
        uv_stop(&r->loop);
}

static void on_guard(uv_timer_t *t)
{
    struct run *r = t->data;
    r->timed_out = 1;
    uv_stop(&r->loop);
}

static void on_poll(uv_timer_t *t)
{
    struct run *r = t->data;
    if (r->stop_at_retries && (int)r->stats.retries >= r->stop_at_retries) {
        r->stop_at_retries = 0;
        probe_stop(r->ps);
        wake(r);
    }
}

/* The judge's hooks, as the test wants them: "tfail" fails in target(),
 * "miss" is turned down, everything else is a hit. */
static int hook_target(void *j, struct probe *p, int *kind)
{
    (void)j;
    if (p->word.len == 5 && !memcmp(p->word.p, "tfail", 5)) {
        snprintf(p->x.errmsg, sizeof p->x.errmsg, "target: no");
        *kind = ERR_PLUGIN;
        return -1;
    }
    return 0;
}

static void hook_verdict(void *j, struct probe *p, int *verdict, int *kind, const char **why)
{
    (void)j;
    int miss = p->word.len == 4 && !memcmp(p->word.p, "miss", 4);
    *verdict = miss ? V_MISS : V_HIT;
    *kind = ERR_NONE;
    *why = miss ? "test" : NULL;
}

static int port_of(uv_tcp_t *t)
{
    struct sockaddr_in a;
    int len = sizeof a;
    uv_tcp_getsockname(t, (struct sockaddr *)&a, &len);
    return ntohs(a.sin_port);
}

static void start(struct run *r, const char *tmpl_fmt, long retries, double timeout)
{
    static struct strlist none;
    static char tmpl[128];
    memset(r, 0, sizeof *r);
    assert_int_equal(uv_loop_init(&r->loop), 0);
    uv_tcp_init(&r->loop, &r->server);
    struct sockaddr_in a;
    uv_ip4_addr("127.0.0.1", 0, &a);
    assert_int_equal(uv_tcp_bind(&r->server, (struct sockaddr *)&a, 0), 0);
    assert_int_equal(uv_listen((uv_stream_t *)&r->server, 128, on_connection), 0);
    snprintf(tmpl, sizeof tmpl, tmpl_fmt, port_of(&r->server));
    struct engine_settings es = {.concurrency = 16, .max_body = 1024, .timeout = timeout,
                                 .method = "GET", .user_agent = "t", .headers = &none,
                                 .connect_to = &none, .resolve = &none};
    struct probe_settings s = {.template = tmpl, .headers = &none, .data = "", .retries = retries};
    struct probe_hooks h = {.target = hook_target, .verdict = hook_verdict};
    char err[256];
    r->ps = probe_new(&r->loop, &es, &s, &h, NULL, NULL, &r->stats, on_end, wake, r, err,
                       sizeof err);
    assert_non_null(r->ps);
    uv_timer_init(&r->loop, &r->guard);
    r->guard.data = r;
    uv_timer_start(&r->guard, on_guard, 20000, 0);
    uv_timer_init(&r->loop, &r->poll);
    r->poll.data = r;
    uv_timer_start(&r->poll, on_poll, 5, 5);
}

static void close_all(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h))
        uv_close(h, NULL);
}

static void finish(struct run *r)
{
    if (probe_busy(r->ps))
        uv_run(&r->loop, UV_RUN_DEFAULT);
    assert_false(r->timed_out);
    assert_int_equal(probe_busy(r->ps), 0);
    probe_free(r->ps);
    uv_walk(&r->loop, close_all, NULL);
    uv_run(&r->loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&r->loop), 0);
}

static void run_word(struct run *r, uint32_t i, const char *w, size_t len)
{
    assert_int_equal(probe_run(r->ps, r, 1, i, NULL, w, len), 0);
}

static void every_stage_ends_once(void **s)
{
    (void)s;
    struct run r;
    start(&r, "http://127.0.0.1:%d/{}", 0, 5);
    run_word(&r, 0, "page", 4);
    run_word(&r, 1, "miss", 4);
    run_word(&r, 2, "tfail", 5);
    run_word(&r, 3, "a\0b", 3);  /* no URL can hold it */
    for (uint32_t i = 4; i < 40; i++)
        run_word(&r, i, "e", 1);
    /* The build and target failures ended at once, inside probe_run(). */
    assert_int_equal(r.ends[2], 1);
    assert_int_equal(r.ends[3], 1);
    finish(&r);
    for (int i = 0; i < 40; i++)
        assert_int_equal(r.ends[i], 1);
    assert_int_equal(r.verdict[0], V_HIT);
    assert_int_equal(r.verdict[1], V_MISS);
    assert_int_equal(r.verdict[2], V_ERROR);
    assert_int_equal(r.kind[2], ERR_PLUGIN);
    assert_int_equal(r.verdict[3], V_ERROR);
    assert_int_equal(r.kind[3], ERR_URL);
    assert_int_equal(r.verdict[39], V_HIT);
    assert_int_equal(r.stats.status_count[200], 38);
}

static void retries_end_once(void **s)
{
    (void)s;
    struct run r;
    /* Port 1 on loopback: nothing listens, every try is refused. */
    start(&r, "http://127.0.0.1:1/%d{}", 1, 5);
    for (uint32_t i = 0; i < 5; i++)
        run_word(&r, i, "x", 1);
    finish(&r);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(r.ends[i], 1);
        assert_int_equal(r.kind[i], ERR_CONNECT);
    }
    assert_int_equal(r.stats.retries, 5);
}

static void stop_ends_waiting_retries(void **s)
{
    (void)s;
    struct run r;
    start(&r, "http://127.0.0.1:1/%d{}", 6, 5);
    r.stop_at_retries = 8;
    for (uint32_t i = 0; i < 8; i++)
        run_word(&r, i, "x", 1);
    finish(&r);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(r.ends[i], 1);
        assert_int_equal(r.kind[i], ERR_STOPPED);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(every_stage_ends_once),
                                       cmocka_unit_test(retries_end_once),
                                       cmocka_unit_test(stop_ends_waiting_retries)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

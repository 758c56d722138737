/* h2session: salvo's HTTP/2 client session against a scripted server, an
 * nghttp2 server session in this process. The client's connection is
 * opened as h2.c opens one once TLS chose h2, but its TLS stand-in never
 * carries a byte: what the session writes waits in c->out and is handed
 * to the server here, and what the server answers is read by the session
 * as h2.c reads it. Each test scripts the server's answers (statuses,
 * bodies, HEAD, resets, GOAWAY, a stream limit) and checks what the
 * transfers report and what the server was asked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <nghttp2/nghttp2.h>
#include <openssl/bio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/coding.h"
#include "net/h2.h"
#include "net/h2conn.h"
#include "net/xfer.h"

#define NREQ_MAX 8

struct asked {
    char method[16], path[64], authority[64], scheme[16], agent[64];
    char body[64];
    size_t body_len;
};

struct server;
typedef void (*answer_fn)(struct server *s, int32_t id, const struct asked *a);

struct server {
    nghttp2_session *ng;
    answer_fn answer;
    struct asked asked[2 * NREQ_MAX + 2]; /* by stream id / 2 */
    unsigned open, open_max, answered;
    const char *body;                     /* what DATA carries, for every answer */
    size_t body_len, body_off[2 * NREQ_MAX + 2];
};

static uv_loop_t loop;
static struct h2 *h;
static struct h2_conn *conn;
static struct xfer xs[NREQ_MAX];
static int reported[NREQ_MAX], retried[NREQ_MAX];
static int sv[2];

/* ---- the server ---- */

static struct asked *asked_of(struct server *s, int32_t id)
{
    assert_true(id > 0 && (size_t)id / 2 < sizeof s->asked / sizeof s->asked[0]);
    return &s->asked[id / 2];
}

static void put(char *dst, size_t cap, const uint8_t *v, size_t n)
{
    snprintf(dst, cap, "%.*s", (int)n, (const char *)v);
}

static int srv_on_header(nghttp2_session *ng, const nghttp2_frame *f, const uint8_t *name,
                         size_t nl, const uint8_t *value, size_t vl, uint8_t flags, void *ud)
{
    (void)ng;
    (void)flags;
    struct asked *a = asked_of(ud, f->hd.stream_id);
    if (nl == 7 && !memcmp(name, ":method", 7))
        put(a->method, sizeof a->method, value, vl);
    else if (nl == 5 && !memcmp(name, ":path", 5))
        put(a->path, sizeof a->path, value, vl);
    else if (nl == 10 && !memcmp(name, ":authority", 10))
        put(a->authority, sizeof a->authority, value, vl);
    else if (nl == 7 && !memcmp(name, ":scheme", 7))
        put(a->scheme, sizeof a->scheme, value, vl);
    else if (nl == 10 && !memcmp(name, "user-agent", 10))
        put(a->agent, sizeof a->agent, value, vl);
    return 0;
}

static int srv_on_data(nghttp2_session *ng, uint8_t flags, int32_t id, const uint8_t *data,
                       size_t len, void *ud)
{
    (void)ng;
    (void)flags;
    struct asked *a = asked_of(ud, id);
    size_t room = sizeof a->body - 1 - a->body_len;
    memcpy(a->body + a->body_len, data, len < room ? len : room);
    a->body_len += len < room ? len : room;
    return 0;
}

static int srv_on_begin(nghttp2_session *ng, const nghttp2_frame *f, void *ud)
{
    (void)ng;
    struct server *s = ud;
    if (f->hd.type == NGHTTP2_HEADERS && ++s->open > s->open_max)
        s->open_max = s->open;
    return 0;
}

/* A request is whole when its stream's END_STREAM came: it is answered. */
static int srv_on_frame(nghttp2_session *ng, const nghttp2_frame *f, void *ud)
{
    (void)ng;
    struct server *s = ud;
    if ((f->hd.type == NGHTTP2_HEADERS || f->hd.type == NGHTTP2_DATA) &&
        (f->hd.flags & NGHTTP2_FLAG_END_STREAM)) {
        s->answered++;
        s->answer(s, f->hd.stream_id, asked_of(s, f->hd.stream_id));
    }
    return 0;
}

static int srv_on_close(nghttp2_session *ng, int32_t id, uint32_t code, void *ud)
{
    (void)ng;
    (void)id;
    (void)code;
    ((struct server *)ud)->open--;
    return 0;
}

static ssize_t srv_read_body(nghttp2_session *ng, int32_t id, uint8_t *buf, size_t len,
                             uint32_t *flags, nghttp2_data_source *src, void *ud)
{
    (void)ng;
    (void)src;
    struct server *s = ud;
    size_t *off = &s->body_off[id / 2];
    size_t n = s->body_len - *off < len ? s->body_len - *off : len;
    if (n > 7)
        n = 7; /* several DATA frames */
    memcpy(buf, s->body + *off, n);
    *off += n;
    if (*off == s->body_len)
        *flags |= NGHTTP2_DATA_FLAG_EOF;
    return (ssize_t)n;
}

static void respond(struct server *s, int32_t id, const char *status, int body)
{
    nghttp2_nv nv[] = {
        {(uint8_t *)":status", (uint8_t *)status, 7, strlen(status), NGHTTP2_NV_FLAG_NONE},
        {(uint8_t *)"content-type", (uint8_t *)"text/plain", 12, 10, NGHTTP2_NV_FLAG_NONE},
    };
    nghttp2_data_provider prd = {.read_callback = srv_read_body};
    assert_int_equal(nghttp2_submit_response(s->ng, id, nv, 2, body ? &prd : NULL), 0);
}

static void server_start(struct server *s, answer_fn answer, uint32_t max_streams)
{
    memset(s, 0, sizeof *s);
    s->answer = answer;
    s->body = "hello over h2";
    s->body_len = strlen(s->body);
    nghttp2_session_callbacks *cb;
    assert_int_equal(nghttp2_session_callbacks_new(&cb), 0);
    nghttp2_session_callbacks_set_on_header_callback(cb, srv_on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, srv_on_data);
    nghttp2_session_callbacks_set_on_begin_headers_callback(cb, srv_on_begin);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, srv_on_frame);
    nghttp2_session_callbacks_set_on_stream_close_callback(cb, srv_on_close);
    assert_int_equal(nghttp2_session_server_new(&s->ng, cb, s), 0);
    nghttp2_session_callbacks_del(cb);
    nghttp2_settings_entry iv[] = {{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, max_streams}};
    assert_int_equal(nghttp2_submit_settings(s->ng, NGHTTP2_FLAG_NONE, iv, 1), 0);
}

/* ---- the client ---- */

static void on_done(struct xfer *x, int redo, void *ud)
{
    (void)ud;
    assert_false(redo);
    assert_null(x->own.client);
    assert_null(x->own.carrier);
    reported[x - xs]++;
}

/* What h2.c's flush does with the streams that ended; one to go again is
 * counted and dropped (it would open a real connection). */
static void settle_reports(void)
{
    for (struct list *n; (n = list_pop_front(&h->later));) {
        struct xfer *x = list_item(n, struct xfer, own.link);
        struct h2_stream *st = x->own.client;
        if (st->retry) {
            retried[x - xs]++;
            h2_drop(h, x);
        } else {
            h2_report(h, x);
        }
    }
}

static int setup(void **state)
{
    (void)state;
    memset(reported, 0, sizeof reported);
    memset(retried, 0, sizeof retried);
    uv_loop_init(&loop);
    struct request_settings s = {.timeout = 3600, .max_body = 1 << 20, .method = "GET"};
    assert_non_null(h = h2_new(&loop, &s, on_done, NULL));
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    assert_non_null(conn = h2_conn_attach(h, sv[0]));
    BIO *in = BIO_new(BIO_s_mem()), *out = BIO_new(BIO_s_null());
    BIO_set_mem_eof_return(in, -1);
    SSL_set_bio(conn->ssl, in, out);
    return 0;
}

/* Requests for the given paths ("HEAD /x" for a HEAD, "POST /x" with a
 * body), placed on the connection before its session opens; then what
 * the server sends first (its SETTINGS) is read, when first is set, before
 * the session's first write, as a real server's come with its preface. */
static void place_first(const char *const *reqs, unsigned n, struct server *first)
{
    for (unsigned i = 0; i < n; i++) {
        struct xfer *x = &xs[i];
        memset(x, 0, sizeof *x);
        const char *sp = strchr(reqs[i], ' ');
        int post = !strncmp(reqs[i], "POST ", 5);
        buf_printf(&x->own.req, "%s HTTP/1.1\r\nHost: h2.test\r\nUser-Agent: unit\r\n%s\r\n",
                   sp ? reqs[i] : "GET /", post ? "Content-Length: 5\r\n" : "");
        if (post) {
            buf_append(&x->req.body, "a=b&c", 5);
            x->req.has_body = 1;
        }
        assert_int_equal(h2_place_new(conn, x), 0);
    }
    h2session_open(conn);
    assert_false(conn->closing);
    const uint8_t *d;
    ssize_t got;
    while (first && (got = nghttp2_session_mem_send(first->ng, &d)) > 0)
        assert_int_equal(h2session_recv(conn, (const char *)d, (size_t)got), 0);
    h2_conn_flush(conn);
}

static void place(const char *const *reqs, unsigned n)
{
    place_first(reqs, n, NULL);
}

/* Bytes both ways until neither side has any to send. */
static void pump(struct server *s)
{
    for (int round = 0; round < 100; round++) {
        int moved = 0;
        if (conn->out.len > conn->outoff) {
            size_t n = conn->out.len - conn->outoff;
            assert_int_equal(nghttp2_session_mem_recv(s->ng, (const uint8_t *)conn->out.p +
                                                                  conn->outoff, n),
                             (ssize_t)n);
            buf_reset(&conn->out);
            conn->outoff = 0;
            moved = 1;
        }
        const uint8_t *d;
        ssize_t n;
        while (!conn->closing && (n = nghttp2_session_mem_send(s->ng, &d)) > 0) {
            moved = 1;
            if (h2session_recv(conn, (const char *)d, (size_t)n) < 0)
                break;
        }
        if (!conn->closing) {
            h2session_settle(conn);
            if (!conn->closing)
                h2_conn_flush(conn);
        }
        settle_reports();
        if (!moved)
            return;
    }
    fail_msg("the session and the server never went quiet");
}

static int teardown(void **state)
{
    (void)state;
    if (!conn->closing) {
        for (unsigned i = 0; i < NREQ_MAX; i++)
            if (xs[i].own.carrier)
                h2_drop(h, &xs[i]);
        h2_conn_close(conn);
    }
    settle_reports();
    assert_true(list_empty(&h->flight));
    uv_run(&loop, UV_RUN_NOWAIT);
    close(sv[1]);
    for (unsigned i = 0; i < NREQ_MAX; i++) {
        h2_drop(h, &xs[i]);
        buf_free(&xs[i].own.req);
        buf_free(&xs[i].req.body);
        res_free(&xs[i].res);
        coding_free(xs[i].own.coding);
    }
    h2_free(h);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    return 0;
}

static void body_is(const struct xfer *x, const char *want)
{
    assert_int_equal(x->res.body.len, strlen(want));
    assert_memory_equal(x->res.body.p, want, strlen(want));
}

/* ---- the scripts ---- */

/* /missing is a 404, everything else a 200, each with the body. */
static void answer_pages(struct server *s, int32_t id, const struct asked *a)
{
    respond(s, id, strcmp(a->path, "/missing") ? "200" : "404", strcmp(a->method, "HEAD"));
}

static void answers_and_requests(void **state)
{
    (void)state;
    struct server s;
    server_start(&s, answer_pages, 100);
    const char *reqs[] = {"GET /a?q=1", "GET /missing", "HEAD /h", "POST /form"};
    place(reqs, 4);
    pump(&s);
    for (int i = 0; i < 4; i++)
        assert_int_equal(reported[i], 1);
    assert_int_equal(xs[0].res.status, 200);
    assert_string_equal(xs[0].res.proto, "HTTP/2");
    body_is(&xs[0], "hello over h2");
    assert_string_equal(res_header_get(&xs[0].res, "content-type"), "text/plain");
    assert_int_equal(xs[1].res.status, 404);
    body_is(&xs[1], "hello over h2");
    assert_int_equal(xs[2].res.status, 200);
    body_is(&xs[2], "");
    assert_int_equal(xs[3].res.status, 200);
    for (int i = 0; i < 4; i++)
        assert_null(xs[i].res.error);
    /* What the server was asked: the request line and headers as fields. */
    const struct asked *a = &s.asked[0], *post = &s.asked[3];
    assert_string_equal(a->method, "GET");
    assert_string_equal(a->path, "/a?q=1");
    assert_string_equal(a->scheme, "https");
    assert_string_equal(a->authority, "h2.test");
    assert_string_equal(a->agent, "unit");
    assert_string_equal(s.asked[2].method, "HEAD");
    assert_string_equal(post->method, "POST");
    assert_string_equal(post->path, "/form");
    assert_int_equal(post->body_len, 5);
    assert_memory_equal(post->body, "a=b&c", 5);
    nghttp2_session_del(s.ng);
}

/* The second request's stream is refused (REFUSED_STREAM: not processed). */
static void answer_refusing_second(struct server *s, int32_t id, const struct asked *a)
{
    (void)a;
    if (id == 3)
        assert_int_equal(nghttp2_submit_rst_stream(s->ng, NGHTTP2_FLAG_NONE, id,
                                                   NGHTTP2_REFUSED_STREAM), 0);
    else
        respond(s, id, "200", 1);
}

static void refused_stream_goes_again(void **state)
{
    (void)state;
    struct server s;
    server_start(&s, answer_refusing_second, 100);
    const char *reqs[] = {"GET /1", "GET /2", "GET /3"};
    place(reqs, 3);
    pump(&s);
    assert_int_equal(reported[0], 1);
    assert_int_equal(reported[2], 1);
    assert_int_equal(reported[1], 0); /* not an error: it goes again elsewhere */
    assert_int_equal(retried[1], 1);
    assert_int_equal(xs[1].own.requeues, 1);
    assert_int_equal(xs[0].res.status, 200);
    assert_int_equal(xs[2].res.status, 200);
    nghttp2_session_del(s.ng);
}

/* The first request is answered, then the server ends the connection
 * with a GOAWAY naming it as the last it processes. */
static void answer_then_goaway(struct server *s, int32_t id, const struct asked *a)
{
    (void)a;
    if (id == 1) {
        respond(s, id, "200", 1);
        assert_int_equal(nghttp2_submit_goaway(s->ng, NGHTTP2_FLAG_NONE, 1, NGHTTP2_NO_ERROR,
                                               NULL, 0), 0);
    }
}

static void goaway_sends_the_rest_again(void **state)
{
    (void)state;
    struct server s;
    server_start(&s, answer_then_goaway, 100);
    const char *reqs[] = {"GET /1", "GET /2", "GET /3"};
    place(reqs, 3);
    pump(&s);
    assert_int_equal(reported[0], 1);
    assert_int_equal(xs[0].res.status, 200);
    body_is(&xs[0], "hello over h2");
    assert_int_equal(retried[1] + retried[2], 2);
    assert_int_equal(reported[1] + reported[2], 0);
    assert_true(conn->goaway);
    nghttp2_session_del(s.ng);
}

/* Headers, then a reset with an error: the answer is not whole. */
static void answer_then_reset(struct server *s, int32_t id, const struct asked *a)
{
    (void)a;
    nghttp2_nv nv[] = {{(uint8_t *)":status", (uint8_t *)"200", 7, 3, NGHTTP2_NV_FLAG_NONE}};
    assert_true(nghttp2_submit_headers(s->ng, NGHTTP2_FLAG_NONE, id, NULL, nv, 1, NULL) >= 0);
    assert_int_equal(nghttp2_submit_rst_stream(s->ng, NGHTTP2_FLAG_NONE, id,
                                               NGHTTP2_INTERNAL_ERROR), 0);
}

static void reset_after_headers_is_an_error(void **state)
{
    (void)state;
    struct server s;
    server_start(&s, answer_then_reset, 100);
    const char *reqs[] = {"GET /cut"};
    place(reqs, 1);
    pump(&s);
    assert_int_equal(reported[0], 1);
    assert_int_equal(retried[0], 0);
    assert_non_null(xs[0].res.error);
    assert_non_null(strstr(xs[0].res.error, "INTERNAL_ERROR"));
    assert_int_equal(xs[0].res.status, 0); /* a failed stream names no status */
    nghttp2_session_del(s.ng);
}

/* A server that takes one stream at a time: every request is answered,
 * never two at once. */
static void one_stream_at_a_time(void **state)
{
    (void)state;
    struct server s;
    server_start(&s, answer_pages, 1);
    const char *reqs[] = {"GET /1", "GET /2", "GET /3", "GET /4", "GET /5"};
    place_first(reqs, 5, &s);
    pump(&s);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(reported[i], 1);
        assert_int_equal(xs[i].res.status, 200);
    }
    assert_int_equal(s.open_max, 1);
    assert_int_equal(h->conc, 1);
    nghttp2_session_del(s.ng);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(answers_and_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(refused_stream_goes_again, setup, teardown),
        cmocka_unit_test_setup_teardown(goaway_sends_the_rest_again, setup, teardown),
        cmocka_unit_test_setup_teardown(reset_after_headers_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(one_stream_at_a_time, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* h2: salvo's own HTTP/2 client (see h2.h for when it is used): its
 * connections and the loop's side. The session on a connection is
 * h2session.c's; what both share is h2conn.h.
 *
 * A connection: a non-blocking socket watched by a uv_poll_t, OpenSSL on
 * it, an nghttp2 session reading from and writing to memory. Requests are
 * submitted as they come and written once per loop iteration (a
 * uv_prepare_t runs just before the loop waits): a refill's hundred
 * HEADERS frames leave as one TLS record, and the server reads them in one
 * go. Transfers that ended are reported from that flush too, when a report
 * may start new streams.
 *
 * Every transfer in flight is on one list with its start time; a timer
 * every 50 ms ends those past the timeout (their stream is reset). A
 * connection carries no more streams than the last one the server ended
 * early served, and never more at once than the server's
 * SETTINGS_MAX_CONCURRENT_STREAMS allows. */
#include "net/h2.h"

#include "base/codes.h"
#include "base/util.h"
#include "net/coding.h"
#include "net/h2conn.h"
#include "net/xfer.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SWEEP_MS 50

static struct h2_stream *stream(const struct xfer *x)
{
    return x->own.client;
}

/* ---- the transfers in flight ---- */

static void h2_on_sweep(uv_timer_t *t);
static void h2_on_flush(uv_prepare_t *p);

static void flight_add(struct h2 *h, struct xfer *x)
{
    list_push_back(&h->flight, &x->own.link);
    if (!h->inflight++)
        uv_timer_start(&h->sweep, h2_on_sweep, SWEEP_MS, SWEEP_MS);
}

void h2_unplace(struct h2 *h, struct xfer *x)
{
    struct h2_stream *st = stream(x);
    list_unlink(&x->own.link);
    if (!--h->inflight)
        uv_timer_stop(&h->sweep);
    if (st->c)
        st->c->streams--;
    st->c = NULL;
}

/* x's stream for its life with this client, from the spares. */
static struct h2_stream *stream_take(struct h2 *h, struct xfer *x)
{
    struct h2_stream *st = h->spare;
    if (st)
        h->spare = st->spare;
    else if (!(st = malloc(sizeof *st)))
        return NULL;
    *st = (struct h2_stream){.x = x};
    x->own.client = st;
    return st;
}

static void stream_give_back(struct h2 *h, struct xfer *x)
{
    struct h2_stream *st = x->own.client;
    x->own.carrier = NULL;
    if (!st)
        return;
    x->own.client = NULL;
    st->spare = h->spare;
    h->spare = st;
}

void h2_report(struct h2 *h, struct xfer *x)
{
    int redo = stream(x)->redo;
    /* A failed stream names no status: its answer was not whole (curl
     * reports 0 too). */
    if (x->res.error && !redo) {
        x->res.status = 0;
        x->res.proto = NULL;
    }
    stream_give_back(h, x);
    request_report(&h->base, x, redo);
}

void h2_defer(struct h2 *h, struct xfer *x)
{
    list_push_back(&h->later, &x->own.link);
    uv_prepare_start(&h->flush, h2_on_flush);
}

/* ---- connections ---- */

static void h2_on_closed(uv_handle_t *hd)
{
    struct h2_conn *c = hd->data;
    if (c->ng)
        nghttp2_session_del(c->ng);
    if (c->ssl)
        SSL_free(c->ssl);
    close(c->fd);
    buf_free(&c->out);
    free(c);
}

/* Never from inside an nghttp2 callback. */
void h2_conn_close(struct h2_conn *c)
{
    if (c->closing)
        return;
    c->closing = 1;
    list_unlink(&c->link);
    uv_poll_stop(&c->poll);
    uv_close((uv_handle_t *)&c->poll, h2_on_closed);
}

static void watch(struct h2_conn *c);

/* The next transfer in flight on c from *at on, taken off c (h2_unplace),
 * or NULL. *at moves past it: the caller may move it to another list. */
static struct xfer *unplace_next(struct h2_conn *c, struct list **at)
{
    for (struct list *n = *at; n != &c->h->flight; n = n->next) {
        struct xfer *x = list_item(n, struct xfer, own.link);
        if (stream(x)->c == c) {
            *at = n->next;
            h2_unplace(c->h, x);
            return x;
        }
    }
    *at = &c->h->flight;
    return NULL;
}

/* ERR_EMPTY: the server closed c (or sent what is no HTTP/2), which is an
 * empty reply where no answer began. */
void h2_conn_lost(struct h2_conn *c, int kind, const char *why)
{
    struct h2 *h = c->h;
    struct list *at = h->flight.next;
    for (struct xfer *x; (x = unplace_next(c, &at));) {
        struct h2_stream *st = stream(x);
        if (st->whole)
            ; /* a HEAD's headers came: done */
        else if (c->state == H2_OPEN && !st->got && ++x->own.tries < REQUEST_TRIES_MAX)
            st->retry = 1;
        else if (kind == ERR_EMPTY && st->got)
            /* curl's words and kind for an answer cut by the close */
            request_error(x, ERR_HTTP,
                          "HTTP/2 stream %d was not closed cleanly before end of the underlying "
                          "stream", (int)st->id);
        else
            request_error(x, kind, "%s", why);
        h2_defer(h, x);
    }
    c->streams = 0;
    h2_conn_close(c);
}

/* Streams sending closes (a reset of ours) are reported after. */
int h2_conn_flush(struct h2_conn *c)
{
    c->dirty = 0;
    if (c->state != H2_OPEN || c->closing)
        return 0;
    for (;;) {
        const uint8_t *data;
        ssize_t n;
        while ((n = nghttp2_session_mem_send(c->ng, &data)) > 0)
            if (buf_append(&c->out, data, (size_t)n) < 0) {
                h2_conn_lost(c, ERR_INTERNAL, "out of memory");
                return -1;
            }
        h2session_ended(c);
        if (n < 0) {
            h2_conn_lost(c, ERR_IO, nghttp2_strerror((int)n));
            return -1;
        }
        if (c->outoff == c->out.len)
            break;
        ERR_clear_error();
        int w = SSL_write(c->ssl, c->out.p + c->outoff, (int)(c->out.len - c->outoff));
        if (w <= 0) {
            int e = SSL_get_error(c->ssl, w);
            if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ)
                break;
            h2_conn_lost(c, ERR_IO, "Send failure: the connection closed");
            return -1;
        }
        c->outoff += (size_t)w;
        if (c->outoff == c->out.len) {
            buf_reset(&c->out);
            c->outoff = 0;
        }
    }
    watch(c);
    return 0;
}

void h2_mark_dirty(struct h2_conn *c)
{
    c->dirty = 1;
    uv_prepare_start(&c->h->flush, h2_on_flush);
}

static void h2_on_poll(uv_poll_t *p, int status, int events);

static void watch(struct h2_conn *c)
{
    int ev = UV_READABLE;
    if (c->state == H2_CONNECTING || c->outoff < c->out.len ||
        (c->state == H2_HANDSHAKE && SSL_want_write(c->ssl)))
        ev = c->state == H2_CONNECTING ? UV_WRITABLE : ev | UV_WRITABLE;
    uv_poll_start(&c->poll, ev, h2_on_poll);
}

/* ---- connecting ---- */

static void opened(struct h2_conn *c)
{
    const unsigned char *alpn = NULL;
    unsigned alen = 0;
    SSL_get0_alpn_selected(c->ssl, &alpn, &alen);
    struct h2 *h = c->h;
    if (alen == 2 && !memcmp(alpn, "h2", 2)) {
        h2session_open(c);
        return;
    }
    /* The server speaks HTTP/1.1 here: this scan's probes are curl's. */
    h->no_h2 = 1;
    struct list *at = h->flight.next;
    for (struct xfer *x; (x = unplace_next(c, &at));) {
        stream(x)->redo = 1;
        h2_defer(h, x);
    }
    h2_conn_close(c);
}

static void handshake(struct h2_conn *c)
{
    ERR_clear_error();
    int r = SSL_connect(c->ssl);
    if (r == 1) {
        opened(c);
        return;
    }
    int e = SSL_get_error(c->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        watch(c);
        return;
    }
    char why[160];
    unsigned long ec = ERR_get_error();
    const char *reason = ec ? ERR_reason_error_string(ec) : NULL;
    snprintf(why, sizeof why, "OpenSSL SSL_connect: %s",
             reason ? reason : e == SSL_ERROR_SYSCALL ? "the connection closed" : "failed");
    h2_conn_lost(c, ERR_TLS, why);
}

static void readable(struct h2_conn *c)
{
    for (;;) {
        ERR_clear_error();
        int n = SSL_read(c->ssl, c->h->rbuf, sizeof c->h->rbuf);
        if (n <= 0) {
            int e = SSL_get_error(c->ssl, n);
            if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
                break;
            h2session_ended(c);
            int reset = e == SSL_ERROR_SYSCALL && errno == ECONNRESET;
            if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && !reset))
                h2_conn_lost(c, ERR_EMPTY, "Empty reply from server");
            else
                h2_conn_lost(c, ERR_IO, reset ? "Recv failure: Connection reset by peer"
                                              : "Recv failure: a TLS error");
            return;
        }
        if (h2session_recv(c, c->h->rbuf, (size_t)n) < 0)
            return;
    }
    h2session_settle(c);
}

static void h2_on_poll(uv_poll_t *p, int status, int events)
{
    struct h2_conn *c = p->data;
    if (c->closing)
        return;
    if (c->state == H2_CONNECTING) {
        int err = 0;
        socklen_t l = sizeof err;
        if (status < 0 || getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0 || err) {
            char why[160];
            snprintf(why, sizeof why, "Failed to connect to %s port %d: %s", c->addr,
                     request_addr_port(&c->sa), err ? strerror(err) : "poll error");
            h2_conn_lost(c, ERR_CONNECT, why);
            return;
        }
        c->state = H2_HANDSHAKE;
        handshake(c);
        return;
    }
    if (c->state == H2_HANDSHAKE) {
        handshake(c);
        return;
    }
    if (status < 0) {
        h2_conn_lost(c, ERR_IO, "Recv failure: a socket error");
        return;
    }
    if (events & UV_READABLE)
        readable(c);
    else if (events & UV_WRITABLE)
        h2_mark_dirty(c);
}

/* The socket and TLS of a new connection to t: 0, or -1. */
static int conn_socket(struct h2 *h, struct h2_conn *c, const struct request_target *t)
{
    c->fd = socket(c->sa.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        return -1;
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, &c->sa.sa, request_addr_len(&c->sa)) < 0 && errno != EINPROGRESS)
        return -1;
    if (!(c->ssl = SSL_new(h->ctx)) || !SSL_set_fd(c->ssl, c->fd))
        return -1;
    if (!t->numeric) /* SNI for a name, none for an address (as curl) */
        SSL_set_tlsext_host_name(c->ssl, c->name);
    SSL_set_connect_state(c->ssl);
    return uv_poll_init_socket(h->base.loop, &c->poll, c->fd) < 0 ? -1 : 0;
}

static struct h2_conn *conn_new(struct h2 *h, const struct request_target *t)
{
    struct h2_conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->h = h;
    c->fd = -1;
    c->sa = t->sa;
    list_init(&c->ended);
    util_put_str(c->addr, sizeof c->addr, 0, t->addr);
    if (t->namelen < sizeof c->name)
        memcpy(c->name, t->host, t->namelen);
    if (conn_socket(h, c, t) < 0) {
        if (c->ssl)
            SSL_free(c->ssl);
        if (c->fd >= 0)
            close(c->fd);
        free(c);
        return NULL;
    }
    c->poll.data = c;
    c->born = uv_hrtime();
    c->state = H2_CONNECTING;
    list_push_front(&h->conns, &c->link);
    watch(c);
    return c;
}

/* A connection to t's place with room for one more stream, or a new one. */
static struct h2_conn *conn_for(struct h2 *h, const struct request_target *t)
{
    list_each(n, next, &h->conns) {
        struct h2_conn *c = list_item(n, struct h2_conn, link);
        if (!c->goaway && c->streams < h2session_room(c) &&
            (!h->per_conn || c->placed < h->per_conn) && request_addr_eq(&c->sa, &t->sa) &&
            !strncmp(c->name, t->host, t->namelen) && !c->name[t->namelen])
            return c;
    }
    return conn_new(h, t);
}

/* Put x on c: now if c is open, once it is if not. */
static void place_on_conn(struct h2_conn *c, struct xfer *x)
{
    struct h2_stream *st = stream(x);
    st->c = c;
    st->id = 0;
    c->streams++;
    c->placed++;
    flight_add(c->h, x);
    if (c->state == H2_OPEN)
        h2session_submit(c, x);
}

/* ---- the loop's side ---- */

/* x's stream went unprocessed, or its connection closed before an answer:
 * another connection. */
static void send_again(struct h2 *h, struct xfer *x)
{
    struct request_target t;
    struct h2_stream *st = stream(x);
    st->retry = 0;
    st->got = 0;
    struct h2_conn *c = NULL;
    if (request_target(x, 1, &t) == 0)
        c = conn_for(h, &t);
    if (!c) {
        request_error(x, ERR_CONNECT, "cannot open a connection");
        h2_report(h, x);
        return;
    }
    res_forget_read(&x->res);
    place_on_conn(c, x);
}

static void h2_on_flush(uv_prepare_t *p)
{
    struct h2 *h = p->data;
    uv_prepare_stop(p);
    for (struct list *n; (n = list_pop_front(&h->later));) {
        struct xfer *x = list_item(n, struct xfer, own.link);
        if (stream(x)->retry)
            send_again(h, x);
        else
            h2_report(h, x);
    }
    list_each(n, next, &h->conns) {
        struct h2_conn *c = list_item(n, struct h2_conn, link);
        if (c->dirty)
            h2_conn_flush(c);
    }
    if (!list_empty(&h->later))
        uv_prepare_start(p, h2_on_flush);
}

/* x ran out of time: its stream is reset and it ends as a timeout. */
static void expire(struct h2 *h, struct xfer *x, uint64_t now, int opening)
{
    struct h2_conn *c = stream(x)->c;
    h2_unplace(h, x);
    if (c) {
        h2session_cancel(c, x);
        h2_mark_dirty(c);
    }
    unsigned long long ms = (now - x->own.t0) / 1000000;
    if (opening)
        request_error(x, ERR_TIMEOUT, "Connection timed out after %llu milliseconds", ms);
    else
        request_error(x, ERR_TIMEOUT,
                      "Operation timed out after %llu milliseconds with %llu bytes received", ms,
                      x->res.length);
    h2_defer(h, x);
}

static void h2_on_sweep(uv_timer_t *t)
{
    struct h2 *h = t->data;
    uint64_t now = uv_hrtime(), total = (uint64_t)(h->base.s.timeout * 1e9);
    uint64_t ct = h->base.s.connect_timeout > 0 ? (uint64_t)(h->base.s.connect_timeout * 1e9) : total;
    list_each(n, next, &h->flight) {
        struct xfer *x = list_item(n, struct xfer, own.link);
        struct h2_conn *c = stream(x)->c;
        int opening = c && c->state != H2_OPEN;
        uint64_t limit = opening && ct < total ? ct : total;
        uint64_t from = opening && c->born > x->own.t0 ? c->born : x->own.t0;
        if (now - from >= limit)
            expire(h, x, now, opening);
    }
    /* A connection still opening with nothing left to carry goes. */
    list_each(n, next, &h->conns) {
        struct h2_conn *c = list_item(n, struct h2_conn, link);
        if (c->state != H2_OPEN && !c->streams)
            h2_conn_close(c);
    }
}

static int ctx_setup(struct h2 *h)
{
    static const unsigned char alpn[] = "\x02h2\x08http/1.1";
    if (!(h->ctx = SSL_CTX_new(TLS_client_method())))
        return -1;
    SSL_CTX_set_verify(h->ctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_mode(h->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (SSL_CTX_set_alpn_protos(h->ctx, alpn, sizeof alpn - 1) != 0)
        return -1;
    return h2session_callbacks(h);
}

struct h2 *h2_new(uv_loop_t *loop, const struct request_settings *s, request_done_fn done, void *ud)
{
    struct h2 *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    request_client_init(&h->base, loop, s, done, ud);
    list_init(&h->conns);
    list_init(&h->flight);
    list_init(&h->later);
    if (ctx_setup(h) < 0) {
        if (h->ctx)
            SSL_CTX_free(h->ctx);
        if (h->cbs)
            nghttp2_session_callbacks_del(h->cbs);
        free(h);
        return NULL;
    }
    uv_timer_init(loop, &h->sweep);
    uv_prepare_init(loop, &h->flush);
    h->sweep.data = h->flush.data = h;
    return h;
}

int h2_place_new(struct h2_conn *c, struct xfer *x)
{
    if (!stream_take(c->h, x))
        return -1;
    stream(x)->head = !strncmp(x->own.req.p, "HEAD ", 5);
    x->own.carrier = c->h;
    place_on_conn(c, x);
    return 0;
}

int h2_start(struct h2 *h, struct xfer *x)
{
    struct request_target t;
    struct h2_conn *c;
    if (h->no_h2 || request_prepare(&h->base.s, x, 1, &t) ||
        t.namelen >= sizeof ((struct h2_conn *)0)->name || !(c = conn_for(h, &t)))
        return 1;
    return h2_place_new(c, x) < 0 ? 1 : 0;
}

struct h2_conn *h2_conn_attach(struct h2 *h, int fd)
{
    struct h2_conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->h = h;
    c->fd = fd;
    list_init(&c->ended);
    if (!(c->ssl = SSL_new(h->ctx)) || uv_poll_init_socket(h->base.loop, &c->poll, fd) < 0) {
        if (c->ssl)
            SSL_free(c->ssl);
        free(c);
        return NULL;
    }
    SSL_set_connect_state(c->ssl);
    c->poll.data = c;
    c->born = uv_hrtime();
    c->state = H2_HANDSHAKE;
    list_push_front(&h->conns, &c->link);
    return c;
}

void h2_drop(struct h2 *h, struct xfer *x)
{
    if (!h || x->own.carrier != h)
        return;
    struct h2_conn *c = stream(x)->c;
    if (c) {
        h2_unplace(h, x);
        h2session_cancel(c, x);
    } else
        list_unlink(&x->own.link); /* ended, not yet reported */
    stream_give_back(h, x);
}

static void h2_on_freed(uv_handle_t *hd)
{
    struct h2 *h = hd->data;
    if (!--h->handles)
        free(h);
}

void h2_free(struct h2 *h)
{
    if (!h)
        return;
    for (struct list *n; (n = list_pop_front(&h->flight)) || (n = list_pop_front(&h->later));)
        stream_give_back(h, list_item(n, struct xfer, own.link));
    list_each(n, next, &h->conns) {
        struct h2_conn *c = list_item(n, struct h2_conn, link);
        for (struct list *e; (e = list_pop_front(&c->ended));)
            stream_give_back(h, list_item(e, struct xfer, own.link));
        h2_conn_close(c);
    }
    while (h->spare) {
        struct h2_stream *st = h->spare;
        h->spare = st->spare;
        free(st);
    }
    SSL_CTX_free(h->ctx); /* the connections' SSL objects hold their own reference */
    nghttp2_session_callbacks_del(h->cbs);
    buf_free(&h->line);
    buf_free(&h->names);
    free(h->nva);
    h->handles = 2;
    uv_close((uv_handle_t *)&h->sweep, h2_on_freed);
    uv_close((uv_handle_t *)&h->flush, h2_on_freed);
}

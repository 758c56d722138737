/* h2: salvo's own HTTP/2 client (see h2.h for when it is used).
 *
 * A connection: a non-blocking socket watched by a uv_poll_t, OpenSSL on
 * it, an nghttp2 session reading from and writing to memory. Requests are
 * submitted as they come and written once per loop iteration (a
 * uv_prepare_t runs just before the loop waits): a refill's hundred
 * HEADERS frames leave as one TLS record, and the server reads them in one
 * go. nghttp2's callbacks only note what ended; the transfers are reported
 * after nghttp2 returns, when a report may start new streams.
 *
 * Every transfer in flight is on one list with its start time; a timer
 * every 50 ms ends those past the timeout (their stream is reset). A
 * stream the server refused (REFUSED_STREAM, or an id above a GOAWAY's
 * last stream: nginx ends a connection after keepalive_requests streams)
 * was not processed: it goes again on another connection, which is not one
 * of the transfer's tries (up to REFUSALS_MAX times, within its timeout).
 * A server that ends connections early is learnt: a connection then
 * carries no more streams than the last one served, and never more at once
 * than the server's SETTINGS_MAX_CONCURRENT_STREAMS allows. */
#include "h2.h"

#include "codes.h"
#include "coding.h"
#include "engine.h"
#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <nghttp2/nghttp2.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define STREAMS_MAX 100                 /* per connection (curl's default) */
#define WINDOW (32 * 1024 * 1024)       /* the stream and connection windows, as curl's */
#define SWEEP_MS 50
#define REFUSALS_MAX 16                 /* unprocessed streams sent again */

enum { C_CONNECTING, C_HANDSHAKE, C_OPEN };

struct conn {
    uv_poll_t poll; /* first: the handle's memory is the connection's */
    struct h2 *h;
    struct conn *prev, *next;
    int fd, state, closing, goaway, dirty;
    int settings;                  /* the server's SETTINGS came */
    uint32_t goaway_err;           /* the error code a GOAWAY named */
    SSL *ssl;
    nghttp2_session *ng;
    union request_addr sa;
    char addr[INET6_ADDRSTRLEN];
    char name[256];                /* SNI (a name, not an address) */
    unsigned streams;              /* transfers on it, submitted or waiting */
    unsigned placed;               /* transfers it was given, in its life */
    uint64_t born;                 /* when it started connecting */
    struct buf out;                /* TLS plaintext not yet written */
    size_t outoff;
    struct xfer *ended;            /* streams ended, to report (h2next) */
};

struct h2 {
    uv_loop_t *loop;
    struct request_settings s;
    request_done_fn done;
    void *ud;
    SSL_CTX *ctx;
    nghttp2_session_callbacks *cbs;
    struct conn *conns;
    struct xfer *head, *tail;      /* in flight */
    struct xfer *later;            /* to report at the next flush (h2next) */
    unsigned inflight;
    uv_timer_t sweep;
    uv_prepare_t flush;
    int no_h2;                     /* the server chose HTTP/1.1: curl's */
    unsigned conc;                 /* the server's SETTINGS_MAX_CONCURRENT_STREAMS
                                      as last seen (0: not yet), for connections
                                      whose own SETTINGS have not come */
    unsigned per_conn;             /* streams a connection is given in its life:
                                      what the last GOAWAY that refused some
                                      served (0: no limit seen) */
    int handles;                   /* open while closing */
    struct buf line;               /* a header line for res_add_header */
    struct buf names;              /* request header names, lower-cased */
    nghttp2_nv *nva;
    size_t nvcap;
    char rbuf[64 * 1024];
};

/* ---- the list of transfers in flight ---- */

static void on_sweep(uv_timer_t *t);
static void on_flush(uv_prepare_t *p);

static void list_add(struct h2 *h, struct xfer *x)
{
    x->h2next = NULL;
    x->h2prev = h->tail;
    if (h->tail)
        h->tail->h2next = x;
    else
        h->head = x;
    h->tail = x;
    if (!h->inflight++)
        uv_timer_start(&h->sweep, on_sweep, SWEEP_MS, SWEEP_MS);
}

static void list_remove(struct h2 *h, struct xfer *x)
{
    if (x->h2prev)
        x->h2prev->h2next = x->h2next;
    else
        h->head = x->h2next;
    if (x->h2next)
        x->h2next->h2prev = x->h2prev;
    else
        h->tail = x->h2prev;
    x->h2prev = x->h2next = NULL;
    if (!--h->inflight)
        uv_timer_stop(&h->sweep);
}

static void report(struct h2 *h, struct xfer *x)
{
    x->res.elapsed = (double)(uv_hrtime() - x->own_t0) / 1e9;
    /* A failed stream names no status: its answer was not whole (curl
     * reports 0 too). */
    if (x->res.error && !x->h2redo) {
        x->res.status = 0;
        x->res.proto = NULL;
    }
    h->done(x, x->h2redo, h->ud);
}

/* Report at the next flush, outside whatever called. */
static void defer(struct h2 *h, struct xfer *x)
{
    x->h2next = h->later;
    h->later = x;
    uv_prepare_start(&h->flush, on_flush);
}

/* ---- connections ---- */

static void on_closed(uv_handle_t *hd)
{
    struct conn *c = hd->data;
    if (c->ng)
        nghttp2_session_del(c->ng);
    if (c->ssl)
        SSL_free(c->ssl);
    close(c->fd);
    buf_free(&c->out);
    free(c);
}

/* Never from inside an nghttp2 callback. */
static void conn_close(struct conn *c)
{
    if (c->closing)
        return;
    struct h2 *h = c->h;
    c->closing = 1;
    if (c->prev)
        c->prev->next = c->next;
    else
        h->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    uv_poll_stop(&c->poll);
    uv_close((uv_handle_t *)&c->poll, on_closed);
}

static void watch(struct conn *c);
static void on_poll(uv_poll_t *p, int status, int events);
static void start_request(struct conn *c, struct xfer *x);
static struct conn *conn_for(struct h2 *h, const struct request_target *t);

/* Every transfer on c ends with why, or goes again on a new connection
 * when nothing of its answer came. ERR_EMPTY: the server closed it (or
 * sent what is no HTTP/2), which is an empty reply where no answer began. */
static void conn_lost(struct conn *c, int kind, const char *why)
{
    struct h2 *h = c->h;
    for (struct xfer *x = h->head, *next; x; x = next) {
        next = x->h2next;
        if (x->h2conn != c)
            continue;
        list_remove(h, x);
        x->h2conn = NULL;
        if (x->h2whole)
            ; /* a HEAD's headers came: done */
        else if (c->state == C_OPEN && !x->h2got && ++x->own_tries < REQUEST_TRIES_MAX)
            x->h2retry = 1;
        else if (kind == ERR_EMPTY && x->h2got)
            /* curl's words and kind for an answer cut by the close */
            request_error(x, ERR_HTTP,
                          "HTTP/2 stream %d was not closed cleanly before end of the underlying "
                          "stream", (int)x->h2stream);
        else
            request_error(x, kind, "%s", why);
        defer(h, x);
    }
    c->streams = 0;
    conn_close(c);
}

static void end_stream_list(struct conn *c);

/* Write what nghttp2 and earlier writes left: 0, or -1 (c lost). Streams
 * sending closes (a reset of ours) are reported after. */
static int flush_conn(struct conn *c)
{
    c->dirty = 0;
    if (c->state != C_OPEN || c->closing)
        return 0;
    for (;;) {
        const uint8_t *data;
        ssize_t n;
        while ((n = nghttp2_session_mem_send(c->ng, &data)) > 0)
            if (buf_append(&c->out, data, (size_t)n) < 0) {
                conn_lost(c, ERR_INTERNAL, "out of memory");
                return -1;
            }
        end_stream_list(c);
        if (n < 0) {
            conn_lost(c, ERR_IO, nghttp2_strerror((int)n));
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
            conn_lost(c, ERR_IO, "Send failure: the connection closed");
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

static void mark_dirty(struct conn *c)
{
    c->dirty = 1;
    uv_prepare_start(&c->h->flush, on_flush);
}

static void watch(struct conn *c)
{
    int ev = UV_READABLE;
    if (c->state == C_CONNECTING || c->outoff < c->out.len ||
        (c->state == C_HANDSHAKE && SSL_want_write(c->ssl)))
        ev = c->state == C_CONNECTING ? UV_WRITABLE : ev | UV_WRITABLE;
    uv_poll_start(&c->poll, ev, on_poll);
}

/* ---- reports after nghttp2 returns ---- */

static void end_stream_list(struct conn *c)
{
    struct h2 *h = c->h;
    while (c->ended) {
        struct xfer *x = c->ended;
        c->ended = x->h2next;
        defer(h, x);
    }
}

/* A GOAWAY whose last stream is below streams placed on c: the server
 * ends connections after so many requests (nginx's keepalive_requests).
 * New connections get no more than that, so that no stream is sent only to
 * be refused. Client streams are odd: the last id says how many came. */
static void learn_cap(struct conn *c, int32_t last)
{
    /* (a graceful GOAWAY names 2^31-1: no int sum) */
    unsigned served = last > 0 ? ((unsigned)last + 1) / 2 : 0;
    if (served < c->placed && served > 0)
        c->h->per_conn = served;
}

/* ---- nghttp2 callbacks: note, never report ---- */

static struct xfer *stream_x(nghttp2_session *ng, int32_t id)
{
    return nghttp2_session_get_stream_user_data(ng, id);
}

static int on_header(nghttp2_session *ng, const nghttp2_frame *f, const uint8_t *name,
                     size_t nl, const uint8_t *value, size_t vl, uint8_t flags, void *ud)
{
    (void)flags;
    struct conn *c = ud;
    struct xfer *x = stream_x(ng, f->hd.stream_id);
    if (!x || x->h2redo)
        return 0;
    x->h2got = 1;
    struct buf *l = &c->h->line;
    buf_reset(l);
    if (nl == 7 && !memcmp(name, ":status", 7)) {
        int status = vl == 3 ? atoi((const char *)value) : 0;
        x->res.status = status;
        x->res.proto = "HTTP/2";
        buf_append_str(l, "HTTP/2 ");
        buf_append(l, value, vl);
        x->h2hdr = 0; /* header bytes of this answer from here */
    } else {
        if (nl == 16 && !strncasecmp((const char *)name, "content-encoding", 16)) {
            int k = coding_kind((const char *)value, vl);
            if (k < 0 || (k && coding_active(x->own_coding)))
                x->h2redo = 1; /* another coding, or two: curl asks again */
            else if (k && coding_begin(&x->own_coding, k) < 0) {
                request_error(x, ERR_INTERNAL, "out of memory");
                return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
            }
        }
        buf_append(l, name, nl);
        buf_append(l, ": ", 2);
        buf_append(l, value, vl);
    }
    if ((x->h2hdr += nl + vl + 4) > REQUEST_HEADERS_MAX) {
        request_error(x, ERR_IO, "Too large response headers: %zu > %u", x->h2hdr, REQUEST_HEADERS_MAX);
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE; /* resets the stream */
    }
    if (l->p)
        res_add_header(&x->res, l->p, l->len);
    return 0;
}

static int on_frame_recv(nghttp2_session *ng, const nghttp2_frame *f, void *ud)
{
    struct conn *c = ud;
    if (f->hd.type == NGHTTP2_GOAWAY) {
        c->goaway = 1;
        c->goaway_err = f->goaway.error_code;
        learn_cap(c, f->goaway.last_stream_id);
        return 0;
    }
    if (f->hd.type == NGHTTP2_SETTINGS && !(f->hd.flags & NGHTTP2_FLAG_ACK)) {
        c->settings = 1;
        c->h->conc = nghttp2_session_get_remote_settings(ng, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
        return 0;
    }
    if (f->hd.type != NGHTTP2_HEADERS)
        return 0;
    struct xfer *x = stream_x(ng, f->hd.stream_id);
    if (x && x->h2redo && x->res.status >= 200)
        nghttp2_submit_rst_stream(ng, NGHTTP2_FLAG_NONE, f->hd.stream_id, NGHTTP2_CANCEL);
    /* A HEAD's answer is its headers. Some servers (Apache's mod_http2)
     * send DATA after them, which nghttp2 takes for a protocol error: the
     * stream is ended here, the answer whole. */
    else if (x && x->h2head && x->res.status >= 200 && !(f->hd.flags & NGHTTP2_FLAG_END_STREAM)) {
        x->h2whole = 1;
        nghttp2_submit_rst_stream(ng, NGHTTP2_FLAG_NONE, f->hd.stream_id, NGHTTP2_CANCEL);
    }
    return 0;
}

static int on_data(nghttp2_session *ng, uint8_t flags, int32_t id, const uint8_t *data,
                   size_t len, void *ud)
{
    (void)flags;
    (void)ud;
    struct xfer *x = stream_x(ng, id);
    if (!x || x->h2redo || x->res.truncated)
        return 0;
    if (request_body(x, (const char *)data, len, ((struct conn *)ud)->h->s.max_body) != 0)
        nghttp2_submit_rst_stream(ng, NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL);
    return 0;
}

static int on_stream_close(nghttp2_session *ng, int32_t id, uint32_t code, void *ud)
{
    struct conn *c = ud;
    struct xfer *x = stream_x(ng, id);
    if (!x)
        return 0;
    nghttp2_session_set_stream_user_data(ng, id, NULL);
    struct h2 *h = c->h;
    list_remove(h, x);
    x->h2conn = NULL;
    c->streams--;
    int unprocessed = (code == NGHTTP2_REFUSED_STREAM || c->goaway) && !x->h2got;
    if (x->h2whole && !x->res.error)
        ; /* a HEAD's headers came: the answer is whole */
    else if (unprocessed && !x->res.error && ++x->h2refused <= REFUSALS_MAX)
        x->h2retry = 1; /* not processed: another connection, not a try */
    else if (unprocessed && c->goaway_err && !x->res.error)
        request_error(x, ERR_HTTP, "the server ended the connection: GOAWAY %s (err %u)",
                      nghttp2_http2_strerror(c->goaway_err), c->goaway_err);
    else if (code != NGHTTP2_NO_ERROR && !x->res.error && !x->res.truncated && !x->h2redo)
        /* A stream refused every time is curl's "connection died" (io). */
        request_error(x, unprocessed ? ERR_IO : ERR_HTTP,
                      "HTTP/2 stream %d was not closed cleanly: %s (err %u)", (int)id,
                      nghttp2_http2_strerror(code), code);
    else if (!x->res.status && !x->res.error && !x->h2redo)
        request_error(x, ERR_EMPTY, "Empty reply from server");
    x->h2next = c->ended;
    c->ended = x;
    return 0;
}

static int on_not_sent(nghttp2_session *ng, const nghttp2_frame *f, int err, void *ud)
{
    (void)ud;
    (void)err;
    /* A request nghttp2 could not send (the connection is going away): its
     * stream closes unprocessed, and it goes again elsewhere. */
    if (f->hd.type == NGHTTP2_HEADERS) {
        struct xfer *x = stream_x(ng, f->hd.stream_id);
        if (x)
            x->h2got = 0;
    }
    return 0;
}

static ssize_t read_body(nghttp2_session *ng, int32_t id, uint8_t *buf, size_t len,
                         uint32_t *flags, nghttp2_data_source *src, void *ud)
{
    (void)ng;
    (void)id;
    (void)ud;
    struct xfer *x = src->ptr;
    size_t left = x->req.body.len - x->h2sent;
    size_t n = left < len ? left : len;
    if (n)
        memcpy(buf, x->req.body.p + x->h2sent, n);
    x->h2sent += n;
    if (x->h2sent == x->req.body.len)
        *flags |= NGHTTP2_DATA_FLAG_EOF;
    return (ssize_t)n;
}

/* ---- requests ---- */

/* curl's conversion of its HTTP/1 request (h2h3.c): :method, :path,
 * :scheme, :authority from Host, the other headers lower-cased, without
 * those HTTP/2 forbids. */
static int forbidden(const char *n, size_t l)
{
    return (l == 2 && !strncasecmp(n, "te", 2)) || (l == 7 && !strncasecmp(n, "upgrade", 7)) ||
           (l == 10 && (!strncasecmp(n, "connection", 10) || !strncasecmp(n, "keep-alive", 10))) ||
           (l == 16 && !strncasecmp(n, "proxy-connection", 16)) ||
           (l == 17 && !strncasecmp(n, "transfer-encoding", 17));
}

static nghttp2_nv nv(const char *n, size_t nl, const char *v, size_t vl)
{
    return (nghttp2_nv){(uint8_t *)n, (uint8_t *)v, nl, vl, NGHTTP2_NV_FLAG_NONE};
}

/* x->own_req as header fields in h->nva: their number, or -1. */
static long fields(struct h2 *h, const struct xfer *x)
{
    const char *p = x->own_req.p, *end = p + x->own_req.len;
    size_t lines = 4;
    for (const char *q = p; q < end; q++)
        lines += *q == '\n';
    if (lines > h->nvcap) {
        nghttp2_nv *v = realloc(h->nva, lines * sizeof *v);
        if (!v)
            return -1;
        h->nva = v;
        h->nvcap = lines;
    }
    buf_reset(&h->names);
    if (buf_reserve(&h->names, x->own_req.len + 1) < 0)
        return -1;
    const char *eol = memchr(p, '\r', (size_t)(end - p));
    const char *sp = memchr(p, ' ', (size_t)(end - p));
    if (!eol || !sp || sp > eol)
        return -1;
    const char *sp2 = eol;
    while (sp2 > sp && sp2[-1] != ' ')
        sp2--;
    if (sp2 <= sp + 1)
        return -1;
    size_t n = 0;
    h->nva[n++] = nv(":method", 7, p, (size_t)(sp - p));
    h->nva[n++] = nv(":path", 5, sp + 1, (size_t)(sp2 - 1 - (sp + 1)));
    h->nva[n++] = nv(":scheme", 7, "https", 5);
    for (p = eol + 2; p < end && *p != '\r'; p = eol + 2) {
        if (!(eol = memchr(p, '\r', (size_t)(end - p))))
            return -1;
        const char *colon = memchr(p, ':', (size_t)(eol - p));
        if (!colon)
            return -1;
        const char *v = colon + 1;
        while (v < eol && (*v == ' ' || *v == '\t'))
            v++;
        size_t nl = (size_t)(colon - p);
        if (nl == 4 && !strncasecmp(p, "host", 4)) {
            memmove(h->nva + 4, h->nva + 3, (n - 3) * sizeof *h->nva);
            h->nva[3] = nv(":authority", 10, v, (size_t)(eol - v));
            n++;
            continue;
        }
        if (forbidden(p, nl))
            continue;
        char *lower = h->names.p + h->names.len;
        for (size_t i = 0; i < nl; i++)
            lower[i] = (char)((p[i] >= 'A' && p[i] <= 'Z') ? p[i] + 32 : p[i]);
        h->names.len += nl;
        h->names.p[h->names.len] = '\0';
        h->nva[n++] = nv(lower, nl, v, (size_t)(eol - v));
    }
    return (long)n;
}

static void start_request(struct conn *c, struct xfer *x)
{
    struct h2 *h = c->h;
    long n = fields(h, x);
    nghttp2_data_provider body = {.source.ptr = x, .read_callback = read_body};
    x->h2sent = 0;
    int32_t id = n < 0 ? -1
                       : nghttp2_submit_request(c->ng, NULL, h->nva, (size_t)n,
                                                x->req.has_body ? &body : NULL, x);
    if (id < 0) {
        list_remove(h, x);
        x->h2conn = NULL;
        c->streams--;
        request_error(x, ERR_INTERNAL, "cannot make the HTTP/2 request");
        defer(h, x);
        return;
    }
    x->h2stream = id;
    x->sent++;
    mark_dirty(c);
}

/* ---- connecting ---- */

static void handshake(struct conn *c);

/* TLS chose h2: the session starts, and the transfers placed on c go. */
static void session_open(struct conn *c)
{
    struct h2 *h = c->h;
    if (nghttp2_session_client_new(&c->ng, h->cbs, c) != 0) {
        conn_lost(c, ERR_INTERNAL, "out of memory");
        return;
    }
    nghttp2_settings_entry iv[] = {{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, STREAMS_MAX},
                                   {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, WINDOW},
                                   {NGHTTP2_SETTINGS_ENABLE_PUSH, 0}};
    nghttp2_submit_settings(c->ng, NGHTTP2_FLAG_NONE, iv, sizeof iv / sizeof iv[0]);
    nghttp2_session_set_local_window_size(c->ng, NGHTTP2_FLAG_NONE, 0, WINDOW);
    c->state = C_OPEN;
    for (struct xfer *x = h->head, *next; x; x = next) {
        next = x->h2next;
        if (x->h2conn == c && !x->h2stream)
            start_request(c, x);
    }
    mark_dirty(c);
}

static void opened(struct conn *c)
{
    const unsigned char *alpn = NULL;
    unsigned alen = 0;
    SSL_get0_alpn_selected(c->ssl, &alpn, &alen);
    struct h2 *h = c->h;
    if (alen != 2 || memcmp(alpn, "h2", 2)) {
        /* The server speaks HTTP/1.1 here: this scan's probes are curl's. */
        h->no_h2 = 1;
        for (struct xfer *x = h->head, *next; x; x = next) {
            next = x->h2next;
            if (x->h2conn != c)
                continue;
            list_remove(h, x);
            x->h2conn = NULL;
            x->h2redo = 1;
            defer(h, x);
        }
        conn_close(c);
        return;
    }
    session_open(c);
}

static void handshake(struct conn *c)
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
    conn_lost(c, ERR_TLS, why);
}

/* Bytes from the server, to the session: 0, or -1 when c is lost. */
static int session_recv(struct conn *c, const char *p, size_t n)
{
    ssize_t r = nghttp2_session_mem_recv(c->ng, (const uint8_t *)p, n);
    if (r < 0) {
        end_stream_list(c);
        conn_lost(c, ERR_EMPTY, nghttp2_strerror((int)r));
        return -1;
    }
    return 0;
}

/* After a read: the streams that ended are reported at the next flush, and
 * a connection the server is ending goes once it carries nothing. */
static void session_settle(struct conn *c)
{
    end_stream_list(c);
    if (c->goaway && !c->streams) {
        conn_close(c);
        return;
    }
    mark_dirty(c);
}

static void readable(struct conn *c)
{
    for (;;) {
        ERR_clear_error();
        int n = SSL_read(c->ssl, c->h->rbuf, sizeof c->h->rbuf);
        if (n <= 0) {
            int e = SSL_get_error(c->ssl, n);
            if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
                break;
            end_stream_list(c);
            int reset = e == SSL_ERROR_SYSCALL && errno == ECONNRESET;
            if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && !reset))
                conn_lost(c, ERR_EMPTY, "Empty reply from server");
            else
                conn_lost(c, ERR_IO, reset ? "Recv failure: Connection reset by peer"
                                           : "Recv failure: a TLS error");
            return;
        }
        if (session_recv(c, c->h->rbuf, (size_t)n) < 0)
            return;
    }
    session_settle(c);
}

static void on_poll(uv_poll_t *p, int status, int events)
{
    struct conn *c = p->data;
    if (c->closing)
        return;
    if (c->state == C_CONNECTING) {
        int err = 0;
        socklen_t l = sizeof err;
        if (status < 0 || getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0 || err) {
            char why[160];
            snprintf(why, sizeof why, "Failed to connect to %s port %d: %s", c->addr,
                     request_addr_port(&c->sa), err ? strerror(err) : "poll error");
            conn_lost(c, ERR_CONNECT, why);
            return;
        }
        c->state = C_HANDSHAKE;
        handshake(c);
        return;
    }
    if (c->state == C_HANDSHAKE) {
        handshake(c);
        return;
    }
    if (status < 0) {
        conn_lost(c, ERR_IO, "Recv failure: a socket error");
        return;
    }
    if (events & UV_READABLE)
        readable(c);
    else if (events & UV_WRITABLE)
        mark_dirty(c);
}

static struct conn *conn_new(struct h2 *h, const struct request_target *t)
{
    struct conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->h = h;
    c->fd = -1;
    c->sa = t->sa;
    util_put_str(c->addr, sizeof c->addr, 0, t->addr);
    if (t->namelen < sizeof c->name)
        memcpy(c->name, t->host, t->namelen);
    c->fd = socket(c->sa.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        goto fail;
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, &c->sa.sa, request_addr_len(&c->sa)) < 0 && errno != EINPROGRESS)
        goto fail;
    if (!(c->ssl = SSL_new(h->ctx)) || !SSL_set_fd(c->ssl, c->fd))
        goto fail;
    if (!t->numeric) /* SNI for a name, none for an address (as curl) */
        SSL_set_tlsext_host_name(c->ssl, c->name);
    SSL_set_connect_state(c->ssl);
    if (uv_poll_init_socket(h->loop, &c->poll, c->fd) < 0)
        goto fail;
    c->poll.data = c;
    c->born = uv_hrtime();
    c->state = C_CONNECTING;
    c->next = h->conns;
    if (c->next)
        c->next->prev = c;
    h->conns = c;
    watch(c);
    return c;
fail:
    if (c->ssl)
        SSL_free(c->ssl);
    if (c->fd >= 0)
        close(c->fd);
    free(c);
    return NULL;
}

/* Streams c may carry at once: ours, or fewer if the server says so (its
 * SETTINGS, which may change while it is open). */
static unsigned conn_streams(const struct conn *c)
{
    uint32_t m = c->settings ? nghttp2_session_get_remote_settings(
                                   c->ng, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS)
                 : c->h->conc ? c->h->conc : STREAMS_MAX;
    return m < STREAMS_MAX ? (m ? m : 1) : STREAMS_MAX;
}

/* A connection to t's place with room for one more stream, or a new one. */
static struct conn *conn_for(struct h2 *h, const struct request_target *t)
{
    for (struct conn *c = h->conns; c; c = c->next)
        if (!c->goaway && c->streams < conn_streams(c) && (!h->per_conn || c->placed < h->per_conn) &&
            request_addr_eq(&c->sa, &t->sa) &&
            !strncmp(c->name, t->host, t->namelen) && !c->name[t->namelen])
            return c;
    return conn_new(h, t);
}

/* Put x on c: now if c is open, once it is if not. */
static void place(struct conn *c, struct xfer *x)
{
    struct h2 *h = c->h;
    x->h2conn = c;
    x->h2stream = 0;
    c->streams++;
    c->placed++;
    list_add(h, x);
    if (c->state == C_OPEN)
        start_request(c, x);
}

/* ---- the loop's side ---- */

static void again(struct h2 *h, struct xfer *x)
{
    struct request_target t;
    x->h2retry = 0;
    x->h2got = 0;
    struct conn *c = NULL;
    if (request_target(x, 1, &t) == 0)
        c = conn_for(h, &t);
    if (!c) {
        request_error(x, ERR_CONNECT, "cannot open a connection");
        report(h, x);
        return;
    }
    buf_reset(&x->res.hdrs);
    buf_reset(&x->res.body);
    x->res.length = 0;
    x->res.status = 0;
    place(c, x);
}

static void on_flush(uv_prepare_t *p)
{
    struct h2 *h = p->data;
    uv_prepare_stop(p);
    while (h->later) {
        struct xfer *x = h->later;
        h->later = x->h2next;
        x->h2next = NULL;
        if (x->h2retry)
            again(h, x);
        else
            report(h, x);
    }
    for (struct conn *c = h->conns, *next; c; c = next) {
        next = c->next;
        if (c->dirty)
            flush_conn(c);
    }
    if (h->later)
        uv_prepare_start(p, on_flush);
}

static void on_sweep(uv_timer_t *t)
{
    struct h2 *h = t->data;
    uint64_t now = uv_hrtime(), total = (uint64_t)(h->s.timeout * 1e9);
    uint64_t ct = h->s.connect_timeout > 0 ? (uint64_t)(h->s.connect_timeout * 1e9) : total;
    for (struct xfer *x = h->head, *next; x; x = next) {
        next = x->h2next;
        struct conn *c = x->h2conn;
        int opening = c && c->state != C_OPEN;
        uint64_t limit = opening && ct < total ? ct : total;
        uint64_t used = now - (opening ? (c->born > x->own_t0 ? c->born : x->own_t0) : x->own_t0);
        if (used < limit)
            continue;
        list_remove(h, x);
        x->h2conn = NULL;
        if (c) {
            c->streams--;
            if (x->h2stream) {
                nghttp2_session_set_stream_user_data(c->ng, x->h2stream, NULL);
                nghttp2_submit_rst_stream(c->ng, NGHTTP2_FLAG_NONE, x->h2stream, NGHTTP2_CANCEL);
                mark_dirty(c);
            }
        }
        uint64_t ms = (now - x->own_t0) / 1000000;
        if (opening)
            request_error(x, ERR_TIMEOUT, "Connection timed out after %llu milliseconds",
                      (unsigned long long)ms);
        else
            request_error(x, ERR_TIMEOUT,
                      "Operation timed out after %llu milliseconds with %llu bytes received",
                      (unsigned long long)ms, x->res.length);
        defer(h, x);
    }
    /* A connection still opening with nothing left to carry goes. */
    for (struct conn *c = h->conns, *next; c; c = next) {
        next = c->next;
        if (c->state != C_OPEN && !c->streams)
            conn_close(c);
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
    if (nghttp2_session_callbacks_new(&h->cbs) != 0)
        return -1;
    nghttp2_session_callbacks_set_on_header_callback(h->cbs, on_header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(h->cbs, on_frame_recv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(h->cbs, on_data);
    nghttp2_session_callbacks_set_on_stream_close_callback(h->cbs, on_stream_close);
    nghttp2_session_callbacks_set_on_frame_not_send_callback(h->cbs, on_not_sent);
    return 0;
}

struct h2 *h2_new(uv_loop_t *loop, const struct request_settings *s, request_done_fn done, void *ud)
{
    struct h2 *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->loop = loop;
    h->s = *s;
    h->done = done;
    h->ud = ud;
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

int h2_start(struct h2 *h, struct xfer *x)
{
    struct request_target t;
    if (x->curl_only || h->no_h2 || request_target(x, 1, &t) < 0 ||
        t.namelen >= sizeof ((struct conn *)0)->name || request_build(&h->s, x, &t, 0) < 0)
        return 1;
    struct conn *c = conn_for(h, &t);
    if (!c)
        return 1;
    util_put_str(x->res.ip, sizeof x->res.ip, 0, t.addr);
    x->own_t0 = uv_hrtime();
    x->own_tries = 0;
    x->h2got = x->h2redo = x->h2retry = x->h2whole = x->h2refused = 0;
    x->h2head = !strncmp(x->own_req.p, "HEAD ", 5);
    place(c, x);
    return 0;
}

void h2_drop(struct h2 *h, struct xfer *x)
{
    struct conn *c = x->h2conn;
    if (!h || !c)
        return;
    list_remove(h, x);
    x->h2conn = NULL;
    c->streams--;
    if (x->h2stream && c->ng) {
        nghttp2_session_set_stream_user_data(c->ng, x->h2stream, NULL);
        nghttp2_submit_rst_stream(c->ng, NGHTTP2_FLAG_NONE, x->h2stream, NGHTTP2_CANCEL);
    }
}

static void on_h2_closed(uv_handle_t *hd)
{
    struct h2 *h = hd->data;
    if (!--h->handles)
        free(h);
}

void h2_free(struct h2 *h)
{
    if (!h)
        return;
    while (h->head) {
        struct xfer *x = h->head;
        list_remove(h, x);
        x->h2conn = NULL;
    }
    while (h->conns)
        conn_close(h->conns);
    SSL_CTX_free(h->ctx); /* the connections' SSL objects hold their own reference */
    nghttp2_session_callbacks_del(h->cbs);
    buf_free(&h->line);
    buf_free(&h->names);
    free(h->nva);
    h->later = NULL;
    h->handles = 2;
    uv_close((uv_handle_t *)&h->sweep, on_h2_closed);
    uv_close((uv_handle_t *)&h->flush, on_h2_closed);
}

/* h2session: the nghttp2 session on one of the HTTP/2 client's
 * connections (h2conn.h). It reads from and writes to memory: h2.c moves
 * the bytes through TLS. nghttp2's callbacks only note what ended, on the
 * connection's ended list; the transfers are reported after nghttp2
 * returns (h2session_ended), when a report may start new streams.
 *
 * A stream the server refused (REFUSED_STREAM, or an id above a GOAWAY's
 * last stream: nginx ends a connection after keepalive_requests streams)
 * was not processed: it goes again on another connection, which is not one
 * of the transfer's tries (up to REFUSALS_MAX times, within its timeout).
 * A server that ends connections early is learnt: a connection then
 * carries no more streams than the last one served (h->per_conn). */
#include "net/h2conn.h"

#include "base/codes.h"
#include "net/coding.h"
#include "net/xfer.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WINDOW (32 * 1024 * 1024)       /* the stream and connection windows, as curl's */
#define REFUSALS_MAX 16                 /* unprocessed streams sent again */

/* ---- nghttp2 callbacks: note, never report ---- */

static struct h2_stream *stream_of(nghttp2_session *ng, int32_t id)
{
    return nghttp2_session_get_stream_user_data(ng, id);
}

/* A GOAWAY whose last stream is below streams placed on c: the server
 * ends connections after so many requests (nginx's keepalive_requests).
 * New connections get no more than that, so that no stream is sent only to
 * be refused. Client streams are odd: the last id says how many came. */
static void learn_cap(struct h2_conn *c, int32_t last)
{
    /* (a graceful GOAWAY names 2^31-1: no int sum) */
    unsigned served = last > 0 ? ((unsigned)last + 1) / 2 : 0;
    if (served < c->placed && served > 0)
        c->h->per_conn = served;
}

/* A Content-Encoding header: decoded here, or curl's (another coding, or
 * two). 0, or -1 out of memory. */
static int note_coding(struct h2_stream *st, const uint8_t *value, size_t vl)
{
    struct xfer *x = st->x;
    int k = coding_kind((const char *)value, vl);
    if (k < 0 || (k && coding_active(x->own.coding)))
        st->redo = 1;
    else if (k && coding_begin(&x->own.coding, k) < 0) {
        request_error(x, ERR_INTERNAL, "out of memory");
        return -1;
    }
    return 0;
}

static int h2session_on_header(nghttp2_session *ng, const nghttp2_frame *f, const uint8_t *name,
                               size_t nl, const uint8_t *value, size_t vl, uint8_t flags,
                               void *ud)
{
    (void)flags;
    struct h2_conn *c = ud;
    struct h2_stream *st = stream_of(ng, f->hd.stream_id);
    if (!st || st->redo)
        return 0;
    struct xfer *x = st->x;
    st->got = 1;
    struct buf *l = &c->h->line;
    buf_reset(l);
    if (nl == 7 && !memcmp(name, ":status", 7)) {
        x->res.status = vl == 3 ? atoi((const char *)value) : 0;
        x->res.proto = "HTTP/2";
        buf_append_str(l, "HTTP/2 ");
        buf_append(l, value, vl);
        if (x->tap.on) { /* as curl writes it, its space included */
            tap_in(&x->tap, l->p, l->len);
            tap_in(&x->tap, " \r\n", 3);
        }
        st->hdr = 0; /* header bytes of this answer from here */
    } else {
        if (nl == 16 && !strncasecmp((const char *)name, "content-encoding", 16) &&
            note_coding(st, value, vl) < 0)
            return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
        buf_append(l, name, nl);
        buf_append(l, ": ", 2);
        buf_append(l, value, vl);
        if (x->tap.on && x->tap.in.len < x->tap.max_in)
            tap_field(&x->tap.in, name, nl, value, vl);
    }
    if ((st->hdr += nl + vl + 4) > REQUEST_HEADERS_MAX) {
        request_error(x, ERR_IO, "Too large response headers: %zu > %u", st->hdr,
                      REQUEST_HEADERS_MAX);
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE; /* resets the stream */
    }
    if (l->p)
        res_add_header(&x->res, l->p, l->len);
    return 0;
}

static int h2session_on_frame(nghttp2_session *ng, const nghttp2_frame *f, void *ud)
{
    struct h2_conn *c = ud;
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
    struct h2_stream *st = stream_of(ng, f->hd.stream_id);
    if (st && !st->redo)
        tap_in(&st->x->tap, "\r\n", 2); /* the end of a header block */
    if (st && st->redo && st->x->res.status >= 200)
        nghttp2_submit_rst_stream(ng, NGHTTP2_FLAG_NONE, f->hd.stream_id, NGHTTP2_CANCEL);
    /* A HEAD's answer is its headers. Some servers (Apache's mod_http2)
     * send DATA after them, which nghttp2 takes for a protocol error: the
     * stream is ended here, the answer whole. */
    else if (st && st->head && st->x->res.status >= 200 &&
             !(f->hd.flags & NGHTTP2_FLAG_END_STREAM)) {
        st->whole = 1;
        nghttp2_submit_rst_stream(ng, NGHTTP2_FLAG_NONE, f->hd.stream_id, NGHTTP2_CANCEL);
    }
    return 0;
}

static int h2session_on_data(nghttp2_session *ng, uint8_t flags, int32_t id, const uint8_t *data,
                             size_t len, void *ud)
{
    (void)flags;
    struct h2_stream *st = stream_of(ng, id);
    if (!st || st->redo || st->x->res.truncated)
        return 0;
    tap_in(&st->x->tap, data, len);
    if (request_body(st->x, (const char *)data, len, ((struct h2_conn *)ud)->h->base.s.max_body) != 0)
        nghttp2_submit_rst_stream(ng, NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL);
    return 0;
}

/* Why a stream that closed ended as it did, into x's error (or a retry). */
static void closed_why(struct h2_conn *c, struct h2_stream *st, int32_t id, uint32_t code)
{
    struct xfer *x = st->x;
    int unprocessed = (code == NGHTTP2_REFUSED_STREAM || c->goaway) && !st->got;
    if (st->whole && !x->res.error)
        ; /* a HEAD's headers came: the answer is whole */
    else if (unprocessed && !x->res.error && ++x->own.requeues <= REFUSALS_MAX)
        st->retry = 1; /* not processed: another connection, not a try */
    else if (unprocessed && c->goaway_err && !x->res.error)
        request_error(x, ERR_HTTP, "the server ended the connection: GOAWAY %s (err %u)",
                      nghttp2_http2_strerror(c->goaway_err), c->goaway_err);
    else if (code != NGHTTP2_NO_ERROR && !x->res.error && !x->res.truncated && !st->redo)
        /* A stream refused every time is curl's "connection died" (io). */
        request_error(x, unprocessed ? ERR_IO : ERR_HTTP,
                      "HTTP/2 stream %d was not closed cleanly: %s (err %u)", (int)id,
                      nghttp2_http2_strerror(code), code);
    else if (!x->res.status && !x->res.error && !st->redo)
        request_error(x, ERR_EMPTY, "Empty reply from server");
}

static int h2session_on_close(nghttp2_session *ng, int32_t id, uint32_t code, void *ud)
{
    struct h2_conn *c = ud;
    struct h2_stream *st = stream_of(ng, id);
    if (!st)
        return 0;
    nghttp2_session_set_stream_user_data(ng, id, NULL);
    h2_unplace(c->h, st->x);
    closed_why(c, st, id, code);
    list_push_back(&c->ended, &st->x->own.link);
    return 0;
}

static int h2session_on_not_sent(nghttp2_session *ng, const nghttp2_frame *f, int err, void *ud)
{
    (void)ud;
    (void)err;
    /* A request nghttp2 could not send (the connection is going away): its
     * stream closes unprocessed, and it goes again elsewhere. */
    if (f->hd.type == NGHTTP2_HEADERS) {
        struct h2_stream *st = stream_of(ng, f->hd.stream_id);
        if (st)
            st->got = 0;
    }
    return 0;
}

static ssize_t h2session_read_body(nghttp2_session *ng, int32_t id, uint8_t *buf, size_t len,
                                   uint32_t *flags, nghttp2_data_source *src, void *ud)
{
    (void)ng;
    (void)id;
    (void)ud;
    struct h2_stream *st = src->ptr;
    const struct buf *body = &st->x->req.body;
    size_t left = body->len - st->sent;
    size_t n = left < len ? left : len;
    if (n)
        memcpy(buf, body->p + st->sent, n);
    st->sent += n;
    if (st->sent == body->len)
        *flags |= NGHTTP2_DATA_FLAG_EOF;
    return (ssize_t)n;
}

int h2session_callbacks(struct h2 *h)
{
    if (nghttp2_session_callbacks_new(&h->cbs) != 0)
        return -1;
    nghttp2_session_callbacks_set_on_header_callback(h->cbs, h2session_on_header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(h->cbs, h2session_on_frame);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(h->cbs, h2session_on_data);
    nghttp2_session_callbacks_set_on_stream_close_callback(h->cbs, h2session_on_close);
    nghttp2_session_callbacks_set_on_frame_not_send_callback(h->cbs, h2session_on_not_sent);
    return 0;
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

static nghttp2_nv h2session_field(const char *n, size_t nl, const char *v, size_t vl)
{
    return (nghttp2_nv){(uint8_t *)n, (uint8_t *)v, nl, vl, NGHTTP2_NV_FLAG_NONE};
}

/* Room in h->nva and h->names for x's request: 0, or -1. */
static int fields_room(struct h2 *h, const struct buf *req)
{
    size_t lines = 4;
    for (size_t i = 0; i < req->len; i++)
        lines += req->p[i] == '\n';
    if (lines > h->nvcap) {
        nghttp2_nv *v = realloc(h->nva, lines * sizeof *v);
        if (!v)
            return -1;
        h->nva = v;
        h->nvcap = lines;
    }
    buf_reset(&h->names);
    return buf_reserve(&h->names, req->len + 1);
}

/* The header line [p, eol) as a field of h->nva (n of them so far): the
 * new count. Host becomes :authority, fourth. */
static size_t header_field(struct h2 *h, size_t n, const char *p, const char *colon, const char *eol)
{
    const char *v = colon + 1;
    while (v < eol && (*v == ' ' || *v == '\t'))
        v++;
    size_t nl = (size_t)(colon - p);
    if (nl == 4 && !strncasecmp(p, "host", 4)) {
        memmove(h->nva + 4, h->nva + 3, (n - 3) * sizeof *h->nva);
        h->nva[3] = h2session_field(":authority", 10, v, (size_t)(eol - v));
        return n + 1;
    }
    if (forbidden(p, nl))
        return n;
    char *lower = h->names.p + h->names.len;
    for (size_t i = 0; i < nl; i++)
        lower[i] = (char)((p[i] >= 'A' && p[i] <= 'Z') ? p[i] + 32 : p[i]);
    h->names.len += nl;
    h->names.p[h->names.len] = '\0';
    h->nva[n] = h2session_field(lower, nl, v, (size_t)(eol - v));
    return n + 1;
}

/* x->own.req as header fields in h->nva: their number, or -1. */
static long fields(struct h2 *h, const struct xfer *x)
{
    const char *p = x->own.req.p, *end = p + x->own.req.len;
    if (fields_room(h, &x->own.req) < 0)
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
    h->nva[n++] = h2session_field(":method", 7, p, (size_t)(sp - p));
    h->nva[n++] = h2session_field(":path", 5, sp + 1, (size_t)(sp2 - 1 - (sp + 1)));
    h->nva[n++] = h2session_field(":scheme", 7, "https", 5);
    for (p = eol + 2; p < end && *p != '\r'; p = eol + 2) {
        if (!(eol = memchr(p, '\r', (size_t)(end - p))))
            return -1;
        const char *colon = memchr(p, ':', (size_t)(eol - p));
        if (!colon)
            return -1;
        n = header_field(h, n, p, colon, eol);
    }
    return (long)n;
}

/* What went out, as tap.h says: written as curl writes an HTTP/2
 * request it sent, so that either client's evidence reads the same. */
static void tap_request(struct tap *t, const nghttp2_nv *nva, size_t n, const struct xfer *x)
{
    tap_begin(t);
    const nghttp2_nv *method = NULL, *path = NULL, *authority = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *name = (const char *)nva[i].name;
        if (nva[i].namelen == 7 && !memcmp(name, ":method", 7))
            method = &nva[i];
        else if (nva[i].namelen == 5 && !memcmp(name, ":path", 5))
            path = &nva[i];
        else if (nva[i].namelen == 10 && !memcmp(name, ":authority", 10))
            authority = &nva[i];
    }
    if (method && path) {
        tap_out(t, method->value, method->valuelen);
        tap_out(t, " ", 1);
        tap_out(t, path->value, path->valuelen);
        tap_out(t, " HTTP/2\r\n", 9);
    }
    if (authority)
        tap_field(&t->out, "Host", 4, authority->value, authority->valuelen);
    for (size_t i = 0; i < n; i++)
        if (nva[i].namelen && nva[i].name[0] != ':')
            tap_field(&t->out, nva[i].name, nva[i].namelen, nva[i].value, nva[i].valuelen);
    tap_out(t, "\r\n", 2);
    if (x->req.has_body)
        tap_out(t, x->req.body.p, x->req.body.len);
}

void h2session_submit(struct h2_conn *c, struct xfer *x)
{
    struct h2 *h = c->h;
    struct h2_stream *st = x->own.client;
    long n = fields(h, x);
    nghttp2_data_provider body = {.source.ptr = st, .read_callback = h2session_read_body};
    st->sent = 0;
    int32_t id = n < 0 ? -1
                       : nghttp2_submit_request(c->ng, NULL, h->nva, (size_t)n,
                                                x->req.has_body ? &body : NULL, st);
    if (id < 0) {
        h2_unplace(h, x);
        request_error(x, ERR_INTERNAL, "cannot make the HTTP/2 request");
        h2_defer(h, x);
        return;
    }
    st->id = id;
    x->sent++;
    if (x->tap.on)
        tap_request(&x->tap, h->nva, (size_t)n, x);
    h2_mark_dirty(c);
}

void h2session_cancel(struct h2_conn *c, struct xfer *x)
{
    struct h2_stream *st = x->own.client;
    if (!st->id || !c->ng)
        return;
    nghttp2_session_set_stream_user_data(c->ng, st->id, NULL);
    nghttp2_submit_rst_stream(c->ng, NGHTTP2_FLAG_NONE, st->id, NGHTTP2_CANCEL);
}

/* ---- the session's life ---- */

void h2session_open(struct h2_conn *c)
{
    struct h2 *h = c->h;
    if (nghttp2_session_client_new(&c->ng, h->cbs, c) != 0) {
        h2_conn_lost(c, ERR_INTERNAL, "out of memory");
        return;
    }
    nghttp2_settings_entry iv[] = {{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, H2_STREAMS_MAX},
                                   {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, WINDOW},
                                   {NGHTTP2_SETTINGS_ENABLE_PUSH, 0}};
    nghttp2_submit_settings(c->ng, NGHTTP2_FLAG_NONE, iv, sizeof iv / sizeof iv[0]);
    nghttp2_session_set_local_window_size(c->ng, NGHTTP2_FLAG_NONE, 0, WINDOW);
    c->state = H2_OPEN;
    list_each(n, next, &h->flight) {
        struct xfer *x = list_item(n, struct xfer, own.link);
        struct h2_stream *st = x->own.client;
        if (st->c == c && !st->id)
            h2session_submit(c, x);
    }
    h2_mark_dirty(c);
}

void h2session_ended(struct h2_conn *c)
{
    for (struct list *n; (n = list_pop_front(&c->ended));)
        h2_defer(c->h, list_item(n, struct xfer, own.link));
}

int h2session_recv(struct h2_conn *c, const char *p, size_t n)
{
    ssize_t r = nghttp2_session_mem_recv(c->ng, (const uint8_t *)p, n);
    if (r < 0) {
        h2session_ended(c);
        h2_conn_lost(c, ERR_EMPTY, nghttp2_strerror((int)r));
        return -1;
    }
    return 0;
}

void h2session_settle(struct h2_conn *c)
{
    h2session_ended(c);
    if (c->goaway && !c->streams) {
        h2_conn_close(c);
        return;
    }
    h2_mark_dirty(c);
}

unsigned h2session_room(const struct h2_conn *c)
{
    uint32_t m = c->settings ? nghttp2_session_get_remote_settings(
                                   c->ng, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS)
                 : c->h->conc ? c->h->conc : H2_STREAMS_MAX;
    return m < H2_STREAMS_MAX ? (m ? m : 1) : H2_STREAMS_MAX;
}

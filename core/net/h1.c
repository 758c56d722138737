/* h1: salvo's own HTTP/1.1 client (see h1.h for when it is used).
 *
 * A connection carries one transfer at a time (no pipelining) and waits in
 * a LIFO of idle connections between them, reading all the while so that
 * a server closing it is seen before it is picked again. The request is
 * request.c's (curl's, byte for byte). The response is read in one pass:
 * status line, header lines (each at most 100 KB, as curl), then a body by
 * Content-Length, chunks, or the connection's end; 1xx answers are
 * skipped; HEAD, 204 and 304 have none.
 *
 * Nothing here reports a transfer from inside h1_start(): a request that
 * cannot go out on a kept connection goes out on a new one, whose outcome
 * comes from the loop. A request whose kept connection turns out closed
 * before any answer is sent again on a new one (as curl does).
 *
 * A server takes only so many connections at once: each address has a
 * cap, learnt (h1site.h). A transfer that met such a server is not the
 * target's failure: it waits for a connection under the cap and goes again
 * (H1_REQUEUE_MAX times, each with its whole timeout), or sooner, when its
 * new connection is seen not taken (move_unserved). A transfer waiting for
 * a connection ends as a timeout only when the address answered nothing
 * for as long as a transfer in flight waits through its tries. */
#include "net/h1.h"

#include "base/codes.h"
#include "net/coding.h"
#include "net/xfer.h"
#include "net/h1parse.h"
#include "net/h1site.h"
#include "net/request.h"
#include "base/util.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define H1_REQUEUE_MAX 2            /* sent again after the server's overload */
#define H1_SWEEP_MS 100
#define H1_IDLE_MS 200              /* an idle connection is closed after that */

enum { C_CONNECTING, C_BUSY, C_IDLE };

struct conn {
    uv_tcp_t tcp; /* first: the handle's memory is the connection's */
    uv_timer_t timer;
    uv_connect_t creq;
    uv_write_t wreq;
    struct h1 *h;
    struct list link;           /* h->conns */
    struct list ilink;          /* h->idle, while idle */
    struct xfer *x;             /* in flight on it; NULL while idle */
    struct h1site *site;
    union request_addr sa;
    char addr[INET6_ADDRSTRLEN];
    int state, closing, handles, writing;
    unsigned served; /* responses read on it */
    unsigned seq;    /* its site's opened when it was made */
    uint64_t sent_at, answers_at; /* its request's sending: time, the site's answers */
    uint64_t idle_at;             /* when it last became idle */
    uint64_t due;                 /* loop time: the transfer's end */
    struct h1parse pr; /* the response being read */
};

struct h1 {
    struct request_client base;    /* loop, settings, where transfers end */
    struct list conns, idle;    /* struct conn, by link and ilink */
    unsigned nidle, keep;
    struct h1site *sites;
    unsigned waiting;           /* transfers on the sites' wait lists */
    unsigned long moved;        /* transfers moved off connections not taken */
    uv_timer_t sweep;           /* ends waits past their timeout, moves the unserved */
    char rbuf[64 * 1024]; /* every read lands here and is used at once */
};

/* ---- connections ---- */

static void site_pump(struct h1 *h, struct h1site *st);
static void sweep_start(struct h1 *h);
static struct xfer *site_take_waiter(struct h1 *h, struct h1site *st);
static void site_wait(struct h1 *h, struct h1site *st, struct xfer *x, int front);
static void assign(struct conn *c, struct xfer *x);
static int send_request(struct conn *c);
static void detach(struct conn *c);
static int connect_for(struct h1 *h, struct xfer *x, struct h1site *st);

static void h1_on_closed(uv_handle_t *hd)
{
    struct conn *c = hd->data;
    if (--c->handles)
        return;
    h1parse_free(&c->pr);
    free(c);
}

static void idle_remove(struct conn *c)
{
    struct h1 *h = c->h;
    list_unlink(&c->ilink);
    h->nidle--;
}

static void conn_close(struct conn *c)
{
    if (c->closing)
        return;
    struct h1 *h = c->h;
    c->closing = 1;
    if (c->state == C_IDLE)
        idle_remove(c);
    list_unlink(&c->link);
    uv_close((uv_handle_t *)&c->timer, h1_on_closed);
    uv_close((uv_handle_t *)&c->tcp, h1_on_closed);
    if (c->site) {
        c->site->open--;
        site_pump(h, c->site);
    }
}

static void make_idle(struct conn *c)
{
    struct h1 *h = c->h;
    if (!list_empty(&c->site->wait)) { /* a transfer waits for this address: it takes it */
        struct xfer *x = site_take_waiter(h, c->site);
        c->state = C_BUSY;
        assign(c, x);
        if (send_request(c) == 0)
            return;
        detach(c);
        conn_close(c); /* pumps x's site: x goes on a new connection */
        site_wait(h, c->site, x, 1);
        site_pump(h, c->site);
        return;
    }
    /* An idle connection holds one of the few a capped server has (a
     * prefork worker, for its keep-alive time): it goes, and another
     * process's connection waiting in the server's backlog gets served. */
    if (h->nidle >= h->keep || c->site->cap) {
        conn_close(c);
        return;
    }
    c->state = C_IDLE;
    c->idle_at = uv_hrtime();
    list_push_front(&h->idle, &c->ilink);
    h->nidle++;
    sweep_start(h);
}

/* A connection idle for H1_IDLE_MS is closed: a worker whose words ran
 * out would hold it for the server's keep-alive time, and a prefork
 * server gives it a process, which the scan's other workers then wait
 * for (all 40 of an Apache's, for its 5 s). In a running scan connections
 * are taken again within a few milliseconds. */
static void close_stale_idle(struct h1 *h, uint64_t now)
{
    while (h->nidle) {
        struct conn *c = list_item(h->idle.prev, struct conn, ilink); /* the oldest */
        if (now - c->idle_at < (uint64_t)H1_IDLE_MS * 1000000)
            return;
        conn_close(c);
    }
}

static struct conn *take_idle(struct h1 *h, const union request_addr *sa)
{
    list_each(n, next, &h->idle) {
        struct conn *c = list_item(n, struct conn, ilink);
        if (request_addr_eq(&c->sa, sa)) {
            idle_remove(c);
            c->state = C_BUSY;
            return c;
        }
    }
    return NULL;
}

/* ---- connections the server has not taken yet ---- */

/* A connection the server has not taken yet (h1site.h) holds its transfer
 * back while the connections it serves answer hundreds: a prefork Apache's
 * MaxRequestWorkers, shared with the scan's other workers, and kept ones
 * reused may never make room. While some connection to the address is
 * served, the transfer goes to the front of its queue for one, under a cap
 * of those left, without a try charged (UNSERVED_MOVES times at most); a
 * slow first page judged wrongly costs one more request. */
#define UNSERVED_MOVES 3

static int unserved(const struct conn *c, uint64_t now, unsigned open)
{
    return c->x && c->state == C_BUSY && !c->served && !c->pr.got && !c->closing &&
           c->x->own.moves < UNSERVED_MOVES &&
           h1site_unserved(c->site, c->seq, now - c->sent_at, c->site->answers - c->answers_at,
                           open);
}

/* Move the unserved transfers of st, which has n of them and a connection
 * that is served. */
static void move_unserved(struct h1 *h, struct h1site *st, unsigned n, uint64_t now)
{
    unsigned open = st->open;
    /* The cap falls first to the connections left, which are served:
     * closing the others must not make new ones to join them. */
    h1site_cut(st, open - n, now, now);
    struct list moved;
    list_init(&moved);
    st->pumping = 1; /* nothing starts while the list is walked */
    list_each(l, next, &h->conns) {
        struct conn *c = list_item(l, struct conn, link);
        if (c->site != st || !unserved(c, now, open))
            continue;
        struct xfer *x = c->x;
        x->own.moves++;
        h->moved++;
        detach(c);
        conn_close(c);
        list_push_back(&moved, &x->own.link);
    }
    st->pumping = 0;
    for (struct list *l; (l = list_pop_front(&moved));)
        site_wait(h, st, list_item(l, struct xfer, own.link), 1);
    site_pump(h, st);
}

/* One walk over the connections finds the addresses with unserved ones and
 * one served (a scan of names may have thousands of addresses: no walk per
 * address); only those are walked again. */
static void move_all_unserved(struct h1 *h, uint64_t now)
{
    for (struct h1site *st = h->sites; st; st = st->next)
        st->sweep_unserved = st->sweep_served = 0;
    for (const struct list *l = h->conns.next; l != &h->conns; l = l->next) {
        const struct conn *c = list_item(l, const struct conn, link);
        if (!c->site || c->closing)
            continue;
        if (c->served || c->pr.got)
            c->site->sweep_served = 1;
        else if (unserved(c, now, c->site->open))
            c->site->sweep_unserved++;
    }
    for (struct h1site *st = h->sites; st; st = st->next)
        if (st->sweep_unserved && st->sweep_served) /* else nowhere better to go */
            move_unserved(h, st, st->sweep_unserved, now);
}

/* ---- ending a transfer ---- */

/* The timer runs on: the next transfer ends later (see arm). */
static void detach(struct conn *c)
{
    c->x->own.client = NULL;
    c->x = NULL;
}

static void h1_fail(struct conn *c, int kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The transfer on c ends (redo: it goes to curl), and c goes with it. */
static void end_closing(struct conn *c, int redo)
{
    struct xfer *x = c->x;
    struct h1 *h = c->h;
    detach(c);
    conn_close(c);
    request_report(&h->base, x, redo);
}

/* The transfer on c fails (and c goes with it). */
static void h1_fail(struct conn *c, int kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    request_verror(c->x, kind, fmt, ap);
    va_end(ap);
    end_closing(c, 0);
}

/* The response is whole. extra: bytes that came after it (never asked for:
 * the connection is not used again). */
static void ended_ok(struct conn *c, size_t extra, int keep)
{
    struct xfer *x = c->x;
    struct h1 *h = c->h;
    struct h1site *st = c->site;
    uint64_t now = uv_hrtime();
    detach(c);
    c->served++;
    h1site_answered(st, now, now - c->sent_at, c->seq);
    if (keep && !extra && !c->writing)
        make_idle(c);
    else
        conn_close(c);
    request_report(&h->base, x, 0);
}

/* ---- what an address takes ---- */

static void h1_on_sweep(uv_timer_t *t);

/* The sweep ticks while transfers wait for a connection or connections
 * are open: some may be left untaken, or idle too long. */
static void sweep_start(struct h1 *h)
{
    if (!uv_is_active((uv_handle_t *)&h->sweep))
        uv_timer_start(&h->sweep, h1_on_sweep, H1_SWEEP_MS, H1_SWEEP_MS);
}

static void site_wait(struct h1 *h, struct h1site *st, struct xfer *x, int front)
{
    if (front)
        list_push_front(&st->wait, &x->own.link);
    else
        list_push_back(&st->wait, &x->own.link);
    x->own.t0 = uv_hrtime(); /* its timeout counts from here */
    h->waiting++;
    sweep_start(h);
}

static void site_unlink(struct h1 *h, struct xfer *x)
{
    if (!list_linked(&x->own.link))
        return;
    list_unlink(&x->own.link);
    h->waiting--;
}

static struct xfer *site_take_waiter(struct h1 *h, struct h1site *st)
{
    struct xfer *x = list_item(st->wait.next, struct xfer, own.link);
    site_unlink(h, x);
    return x;
}

static int site_has_idle(const struct h1 *h, const struct h1site *st)
{
    for (const struct list *n = h->idle.next; n != &h->idle; n = n->next)
        if (list_item(n, const struct conn, ilink)->site == st)
            return 1;
    return 0;
}

/* x on an idle connection to st, or a new one: 0, or -1 (x untouched). */
static int site_go(struct h1 *h, struct h1site *st, struct xfer *x)
{
    struct conn *c;
    while ((c = take_idle(h, &st->sa))) {
        assign(c, x);
        if (send_request(c) == 0)
            return 0;
        detach(c); /* closed under us while idle: a new one */
        conn_close(c);
    }
    return connect_for(h, x, st);
}

/* Start waiting transfers while st has room. One that cannot start waits on
 * (its timeout ends it): nothing is reported from here. */
static void site_pump(struct h1 *h, struct h1site *st)
{
    if (st->pumping)
        return;
    st->pumping = 1;
    while (!list_empty(&st->wait) && (!st->cap || st->open < st->cap || site_has_idle(h, st))) {
        struct xfer *x = site_take_waiter(h, st);
        x->own.t0 = uv_hrtime();
        if (site_go(h, st, x) < 0) {
            site_wait(h, st, x, 1);
            break;
        }
    }
    st->pumping = 0;
}

/* c's transfer goes again later, under a lower cap for its address: 1;
 * 0 when it went again too often (the caller reports it). */
static int requeue(struct conn *c, unsigned cap)
{
    struct xfer *x = c->x;
    struct h1 *h = c->h;
    struct h1site *st = c->site;
    /* Only a transfer sent under the cap in force is charged a try: the
     * others that fail with it were sent under a cap already found too
     * high. */
    int stale = h1site_cut(st, cap, x->own.t0, uv_hrtime());
    if (!stale && x->own.requeues++ >= H1_REQUEUE_MAX)
        return 0;
    res_forget_read(&x->res);
    coding_end(x->own.coding);
    detach(c);
    conn_close(c);
    site_wait(h, st, x, 1);
    site_pump(h, st);
    return 1;
}

/* The server did not take c's transfer: refused, reset before any byte,
 * or silent through a whole timeout in which the address answered nothing
 * at all. A full server: the cap falls to half of what was open. */
static int overloaded(struct conn *c)
{
    return requeue(c, c->site->open / 2);
}

/* c's transfer timed out while the address answered others meanwhile: a
 * server busy with this scan's own load (a prefork server's workers all
 * taken, each page computed slower for it; or a connection left in its
 * listen queue) rather than a full or dead one. One connection fewer, and
 * the transfer goes again, what it had read dropped. Halving here took a
 * PHP server's cap from 40 to 1 in a few slow pages, on a busy machine. */
static int slowed(struct conn *c)
{
    return requeue(c, c->site->open - 1);
}

static void h1_on_sweep(uv_timer_t *t)
{
    struct h1 *h = t->data;
    uint64_t now = uv_hrtime(), limit = (uint64_t)(h->base.s.timeout * 1e9);
    struct list expired;
    list_init(&expired);
    for (struct h1site *st = h->sites; st; st = st->next)
        list_each(n, next, &st->wait) {
            struct xfer *x = list_item(n, struct xfer, own.link);
            /* While the address answers, its queue moves: only a wait
             * through its silence ends a transfer (a page sent slowly is
             * not silence: its connection frees), and a silence as long
             * as a transfer in flight would wait through its tries (a
             * busy prefork server computing the pages it was sent can be
             * silent a whole timeout, and then answer them all). */
            if (now - x->own.t0 < limit ||
                now - st->last_heard < limit * (H1_REQUEUE_MAX + 1))
                continue;
            site_unlink(h, x);
            list_push_back(&expired, &x->own.link);
            request_error(x, ERR_TIMEOUT,
                          "Operation timed out after %llu milliseconds waiting for one of the %u "
                          "connections %s takes at once",
                          (unsigned long long)((now - x->own.t0) / 1000000), st->cap,
                          st->text);
        }
    move_all_unserved(h, now);
    close_stale_idle(h, now);
    if (!h->waiting && list_empty(&h->conns))
        uv_timer_stop(&h->sweep);
    for (struct list *n; (n = list_pop_front(&expired));)
        request_report(&h->base, list_item(n, struct xfer, own.link), 0);
}

/* ---- sending ---- */

static void h1_on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b);
static void closed_under(struct conn *c, int err);

static void h1_on_written(uv_write_t *w, int status)
{
    struct conn *c = w->data;
    c->writing = 0;
    if (status < 0 && status != UV_ECANCELED && !c->closing && c->x)
        closed_under(c, status);
}

/* Write x's request: 0, or a libuv error (nothing reported). */
static int send_request(struct conn *c)
{
    struct xfer *x = c->x;
    uv_buf_t b = uv_buf_init(x->own.req.p, (unsigned)x->own.req.len);
    x->sent++;
    c->sent_at = uv_hrtime();
    c->answers_at = c->site->answers;
    if (x->tap.on) {
        tap_begin(&x->tap);
        tap_out(&x->tap, b.base, b.len);
    }
    int r = uv_try_write((uv_stream_t *)&c->tcp, &b, 1);
    if (r == (int)b.len)
        return 0;
    if (r < 0 && r != UV_EAGAIN)
        return r;
    if (r > 0) {
        b.base += r;
        b.len -= (unsigned)r;
    }
    c->writing = 1;
    c->wreq.data = c;
    return uv_write(&c->wreq, (uv_stream_t *)&c->tcp, &b, 1, h1_on_written);
}

static void h1_on_timeout(uv_timer_t *t);

/* The transfer's time left (and, while connecting, the connect timeout). */
static void arm(struct conn *c)
{
    const struct request_settings *s = &c->h->base.s;
    uint64_t used = (uv_hrtime() - c->x->own.t0) / 1000000;
    uint64_t total = (uint64_t)(s->timeout * 1000 + 0.5);
    uint64_t ms = used < total ? total - used : 0;
    if (c->state == C_CONNECTING && s->connect_timeout > 0) {
        uint64_t ct = (uint64_t)(s->connect_timeout * 1000 + 0.5);
        ms = ct < ms ? ct : ms;
    }
    /* A timer due sooner is kept, and re-armed when it fires: stopped and
     * started per transfer, it cost two heap updates per probe. */
    c->due = uv_now(c->h->base.loop) + ms;
    if (uv_is_active((uv_handle_t *)&c->timer) && uv_timer_get_due_in(&c->timer) <= ms)
        return;
    uv_timer_start(&c->timer, h1_on_timeout, ms, 0);
}

static void assign(struct conn *c, struct xfer *x)
{
    c->x = x;
    x->own.client = c;
    h1parse_begin(&c->pr, !strncmp(x->own.req.p, "HEAD ", 5));
    arm(c);
}

static void h1_on_alloc(uv_handle_t *hd, size_t want, uv_buf_t *b)
{
    (void)want;
    struct conn *c = hd->data;
    *b = uv_buf_init(c->h->rbuf, sizeof c->h->rbuf);
}

static void h1_on_connect(uv_connect_t *req, int status)
{
    struct conn *c = req->data;
    if (status == UV_ECANCELED || c->closing)
        return;
    if (status < 0) {
        if (status != UV_ECONNREFUSED && overloaded(c))
            return;
        h1_fail(c, ERR_CONNECT, "Failed to connect to %s port %d: %s", c->addr,
             request_addr_port(&c->sa), uv_strerror(status));
        return;
    }
    c->state = C_BUSY;
    uv_tcp_nodelay(&c->tcp, 1);
    int r = uv_read_start((uv_stream_t *)&c->tcp, h1_on_alloc, h1_on_read);
    if (r == 0) {
        arm(c);
        r = send_request(c);
    }
    if (r < 0)
        closed_under(c, r);
}

/* A new connection for x to st: 0, or -1 (nothing made, nothing reported). */
static int connect_for(struct h1 *h, struct xfer *x, struct h1site *st)
{
    const union request_addr *sa = &st->sa;
    struct conn *c = calloc(1, sizeof *c);
    if (!c)
        return -1;
    c->h = h;
    c->sa = *sa;
    c->site = st;
    c->seq = ++st->opened;
    st->open++;
    sweep_start(h);
    util_put_str(c->addr, sizeof c->addr, 0, st->text);
    if (uv_tcp_init(h->base.loop, &c->tcp) < 0) {
        st->open--;
        free(c);
        return -1;
    }
    uv_timer_init(h->base.loop, &c->timer);
    c->tcp.data = c->timer.data = c->creq.data = c;
    c->handles = 2;
    list_push_front(&h->conns, &c->link);
    c->state = C_CONNECTING;
    if (uv_tcp_connect(&c->creq, &c->tcp, (const struct sockaddr *)sa, h1_on_connect) < 0) {
        conn_close(c);
        return -1;
    }
    assign(c, x);
    return 0;
}

/* The connection ended (or failed) under a transfer. A request on a kept
 * connection that saw no answer at all is sent again on a new one. */
static void closed_under(struct conn *c, int err)
{
    struct xfer *x = c->x;
    struct h1 *h = c->h;
    if (!c->pr.got && c->served && ++x->own.tries < REQUEST_TRIES_MAX) {
        struct h1site *st = c->site;
        detach(c);
        conn_close(c);
        if (connect_for(h, x, st) == 0)
            return;
        request_error(x, ERR_CONNECT, "cannot open a connection");
        request_report(&h->base, x, 0);
        return;
    }
    if (!c->pr.got && !c->served && overloaded(c))
        return; /* reset or closed before a byte: the server is full */
    if (err != UV_EOF)
        h1_fail(c, ERR_IO, "%s failure: %s", c->state == C_CONNECTING ? "Connect" : "Recv",
             strerror(-err));
    else if (h1parse_eof(&c->pr) == H1PARSE_DONE)
        ended_ok(c, 0, 0);
    else
        h1_fail(c, c->pr.err_kind, "%s", c->pr.err);
}

static void h1_on_timeout(uv_timer_t *t)
{
    struct conn *c = t->data;
    if (!c->x)
        return;
    uint64_t now = uv_now(c->h->base.loop);
    if (now < c->due) { /* fired for an earlier transfer */
        uv_timer_start(&c->timer, h1_on_timeout, c->due - now, 0);
        return;
    }
    if (c->site->last_answer > c->x->own.t0 ? slowed(c) : !c->pr.got && overloaded(c))
        return; /* the server, not the target, is to blame: it goes again */
    uint64_t ms = (uv_hrtime() - c->x->own.t0) / 1000000;
    if (c->state == C_CONNECTING)
        h1_fail(c, ERR_TIMEOUT, "Connection timed out after %llu milliseconds",
             (unsigned long long)ms);
    else
        h1_fail(c, ERR_TIMEOUT, "Operation timed out after %llu milliseconds with %llu bytes received",
             (unsigned long long)ms, c->x->res.length);
}

/* ---- reading ---- */

static void h1_on_line(void *ud, const char *l, size_t n, int fold)
{
    struct conn *c = ud;
    if (fold)
        res_fold_header(&c->x->res, l, n);
    else
        res_add_header(&c->x->res, l, n);
    /* Known from the status line on, as curl's response code is: an
     * error later in the head still names it. */
    c->x->res.status = c->pr.status;
    c->x->res.proto = c->pr.http10 ? "HTTP/1.0" : "HTTP/1.1";
}

static int h1_on_body(void *ud, const char *p, size_t n)
{
    struct conn *c = ud;
    return request_body(c->x, p, n, c->h->base.s.max_body);
}

static const struct h1parse_cb parse_cb = {h1_on_line, h1_on_body};

/* A final response's head ended and a body follows: 0 to read it, -1
 * when the transfer was handed on (to curl, or ended). */
static int body_begins(struct conn *c)
{
    if (c->pr.foreign_coding) { /* a coding salvo does not undo: curl's */
        end_closing(c, 1);
        return -1;
    }
    if (c->pr.coding && coding_begin(&c->x->own.coding, c->pr.coding) < 0) {
        h1_fail(c, ERR_INTERNAL, "out of memory");
        return -1;
    }
    return 0;
}

static void feed(struct conn *c, const char *p, size_t n)
{
    for (;;) {
        size_t used;
        int r = h1parse_feed(&c->pr, p, n, &used, &parse_cb, c);
        tap_in(&c->x->tap, p, used);
        p += used;
        n -= used;
        if (r == H1PARSE_MORE)
            return;
        if (r == H1PARSE_HEAD) {
            if (body_begins(c) < 0)
                return;
            continue;
        }
        if (r == H1PARSE_DONE) {
            ended_ok(c, n, h1parse_keep(&c->pr));
        } else if (r == H1PARSE_ERROR) {
            h1_fail(c, c->pr.err_kind, "%s", c->pr.err);
        } else { /* H1PARSE_STOP: the body's error is set */
            end_closing(c, 0);
        }
        return;
    }
}

static void h1_on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
    struct conn *c = s->data;
    if (n == 0 || c->closing)
        return;
    if (!c->x) {
        conn_close(c); /* idle: the server closed it, or spoke unasked */
        return;
    }
    if (n < 0) {
        closed_under(c, (int)n);
        return;
    }
    c->site->last_heard = uv_hrtime();
    feed(c, b->base, (size_t)n);
}

/* ---- the interface ---- */

struct h1 *h1_new(uv_loop_t *loop, const struct request_settings *s, request_done_fn done, void *ud)
{
    struct h1 *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    request_client_init(&h->base, loop, s, done, ud);
    h->keep = 1;
    list_init(&h->conns);
    list_init(&h->idle);
    uv_timer_init(loop, &h->sweep);
    h->sweep.data = h;
    return h;
}

unsigned h1_waiting(const struct h1 *h)
{
    return h->waiting;
}

unsigned long h1_moved(const struct h1 *h)
{
    return h->moved;
}

void h1_keep(struct h1 *h, unsigned n)
{
    h->keep = n;
    while (h->nidle > n)
        conn_close(list_item(h->idle.next, struct conn, ilink));
}

int h1_start(struct h1 *h, struct xfer *x)
{
    struct request_target t;
    struct h1site *st;
    if (request_prepare(&h->base.s, x, 0, &t) || !(st = h1site_find(&h->sites, &t.sa, t.addr)))
        return 1;
    x->own.carrier = h;
    if (list_empty(&st->wait) && (!st->cap || st->open < st->cap || h->nidle)) {
        if (site_go(h, st, x) == 0)
            return 0;
        x->own.carrier = NULL;
        return 1;
    }
    site_wait(h, st, x, 0);
    site_pump(h, st);
    return 0;
}

void h1_drop(struct h1 *h, struct xfer *x)
{
    if (!h || x->own.carrier != h)
        return;
    x->own.carrier = NULL;
    site_unlink(h, x);
    struct conn *c = x->own.client;
    if (!c)
        return;
    detach(c);
    conn_close(c);
}

static void h1_on_h1_closed(uv_handle_t *hd)
{
    free(hd->data);
}

void h1_free(struct h1 *h)
{
    if (!h)
        return;
    while (!list_empty(&h->conns)) {
        struct conn *c = list_item(h->conns.next, struct conn, link);
        if (c->x) {
            c->x->own.carrier = NULL;
            detach(c);
        }
        c->site = NULL; /* nothing waits to be started any more */
        conn_close(c);
    }
    while (h->sites) {
        struct h1site *st = h->sites;
        h->sites = st->next;
        for (struct list *n; (n = list_pop_front(&st->wait));)
            list_item(n, struct xfer, own.link)->own.carrier = NULL;
        free(st);
    }
    uv_close((uv_handle_t *)&h->sweep, h1_on_h1_closed);
}

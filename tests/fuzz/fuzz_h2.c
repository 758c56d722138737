/* The HTTP/2 client's glue to nghttp2, fed what a server might send: a
 * connection is opened as h2.c opens one once TLS chose h2 (its socket and
 * TLS stand-ins never carry a byte), one to eight requests are placed on
 * it, and the input, after the server's SETTINGS, is read by the session
 * in pieces through h2.c's own read path; the streams that end are
 * reported or sent again as h2.c's flush would. The first byte picks the
 * number of requests, HEAD or GET, and the size of the pieces.
 *
 * h2.c is compiled into this target (its callbacks are static), so the
 * fuzz build links every core object but h2's. */
#include "h2.c"

#include <sys/socket.h>

#define REQS_MAX 8

static uv_loop_t loop;
static struct h2 *h;
static struct xfer xs[REQS_MAX];
static unsigned reported, retried;

static void on_done(struct xfer *x, int redo, void *ud)
{
    (void)ud;
    (void)redo;
    if (x->h2conn)
        abort(); /* reported while still on a connection */
    reported++;
}

static void setup(void)
{
    uv_loop_init(&loop);
    struct request_settings s = {.timeout = 3600, .max_body = 1 << 20, .method = "GET"};
    h = h2_new(&loop, &s, on_done, NULL);
    if (!h)
        abort();
}

/* What on_flush does with the streams that ended, but a retry is only
 * counted: it would open a real connection. */
static void settle_reports(void)
{
    while (h->later) {
        struct xfer *x = h->later;
        h->later = x->h2next;
        x->h2next = NULL;
        if (x->h2retry)
            retried++;
        else
            report(h, x);
    }
}

static struct conn *open_conn(int fd, unsigned nreq, int head)
{
    struct conn *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->h = h;
    c->fd = fd;
    uv_poll_init(&loop, &c->poll, fd);
    c->poll.data = c;
    c->ssl = SSL_new(h->ctx);
    /* TLS never gets an answer (an empty read is "not yet", as a socket's)
     * and what it writes goes nowhere: the session's bytes wait in c->out. */
    BIO *in = BIO_new(BIO_s_mem()), *out = BIO_new(BIO_s_null());
    BIO_set_mem_eof_return(in, -1);
    SSL_set_bio(c->ssl, in, out);
    SSL_set_connect_state(c->ssl);
    c->next = h->conns;
    if (c->next)
        c->next->prev = c;
    h->conns = c;
    c->state = C_HANDSHAKE;
    for (unsigned i = 0; i < nreq; i++) {
        struct xfer *x = &xs[i];
        memset(x, 0, sizeof *x);
        buf_printf(&x->own_req, "%s /%u HTTP/1.1\r\nHost: fuzz.test\r\nUser-Agent: f\r\n\r\n",
                   head ? "HEAD" : "GET", i);
        x->own_t0 = uv_hrtime();
        x->h2head = head;
        place(c, x);
    }
    session_open(c);
    if (!c->closing)
        flush_conn(c); /* the preface and the requests: their streams open */
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t settings[9] = {0, 0, 0, 4, 0, 0, 0, 0, 0};
    if (!h)
        setup();
    if (size < 1)
        return 0;
    unsigned nreq = 1 + (data[0] & 7);
    int head = (data[0] >> 3) & 1;
    size_t step = 1 + (size_t)(data[0] >> 4) * 97;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        abort();
    reported = retried = 0;
    h->conc = h->per_conn = 0; /* what an earlier input taught */
    struct conn *c = open_conn(sv[0], nreq, head);
    int lost = c->closing || session_recv(c, (const char *)settings, sizeof settings) < 0;
    for (size_t o = 1; !lost && o < size; o += step) {
        size_t n = size - o < step ? size - o : step;
        lost = session_recv(c, (const char *)data + o, n) < 0;
        if (!lost) {
            session_settle(c);
            lost = c->closing;
            if (!lost)
                flush_conn(c); /* what the session answers goes out */
            lost = lost || c->closing;
        }
        settle_reports();
    }
    if (!c->closing) {
        for (unsigned i = 0; i < nreq; i++)
            if (xs[i].h2conn == c)
                h2_drop(h, &xs[i]);
        conn_close(c);
    }
    settle_reports();
    if (h->head || h->inflight)
        abort(); /* a transfer left on the in-flight list */
    uv_run(&loop, UV_RUN_NOWAIT); /* the connection's handle closes: c is freed */
    close(sv[1]);
    for (unsigned i = 0; i < nreq; i++) {
        buf_free(&xs[i].own_req);
        res_free(&xs[i].res);
        coding_free(xs[i].own_coding);
        xs[i].own_coding = NULL;
    }
    return 0;
}

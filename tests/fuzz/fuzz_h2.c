/* The HTTP/2 client's session (h2session.c), fed what a server might send:
 * a connection is opened as h2.c opens one once TLS chose h2 (its socket
 * and TLS stand-ins never carry a byte), one to eight requests are placed
 * on it, and the input, after the server's SETTINGS, is read by the session
 * in pieces as h2.c reads it; the streams that end are reported or sent
 * again as h2.c's flush would. The first byte picks the number of
 * requests, HEAD or GET, and the size of the pieces. */
#include "net/h2conn.h"
#include "net/h2.h"
#include "net/xfer.h"
#include "net/coding.h"

#include <openssl/bio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define REQS_MAX 8

static uv_loop_t loop;
static struct h2 *h;
static struct xfer xs[REQS_MAX];
static unsigned reported;

static void on_done(struct xfer *x, int redo, void *ud)
{
    (void)ud;
    (void)redo;
    if (x->own.client || x->own.carrier)
        abort(); /* reported while still the client's */
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

/* What h2.c's flush does with the streams that ended, but a retry is
 * dropped rather than sent again (it would open a real connection). */
static void settle_reports(void)
{
    for (struct list *n; (n = list_pop_front(&h->later));) {
        struct xfer *x = list_item(n, struct xfer, own.link);
        struct h2_stream *st = x->own.client;
        if (st->retry)
            h2_drop(h, x);
        else
            h2_report(h, x);
    }
}

static struct h2_conn *open_conn(int fd, unsigned nreq, int head)
{
    struct h2_conn *c = h2_conn_attach(h, fd);
    if (!c)
        abort();
    /* TLS never gets an answer (an empty read is "not yet", as a socket's)
     * and what it writes goes nowhere: the session's bytes wait in c->out. */
    BIO *in = BIO_new(BIO_s_mem()), *out = BIO_new(BIO_s_null());
    BIO_set_mem_eof_return(in, -1);
    SSL_set_bio(c->ssl, in, out);
    for (unsigned i = 0; i < nreq; i++) {
        struct xfer *x = &xs[i];
        memset(x, 0, sizeof *x);
        buf_printf(&x->own.req, "%s /%u HTTP/1.1\r\nHost: fuzz.test\r\nUser-Agent: f\r\n\r\n",
                   head ? "HEAD" : "GET", i);
        if (h2_place_new(c, x) < 0)
            abort();
    }
    h2session_open(c);
    if (!c->closing)
        h2_conn_flush(c); /* the preface and the requests: their streams open */
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
    reported = 0;
    h->conc = h->per_conn = 0; /* what an earlier input taught */
    struct h2_conn *c = open_conn(sv[0], nreq, head);
    int lost = c->closing || h2session_recv(c, (const char *)settings, sizeof settings) < 0;
    for (size_t o = 1; !lost && o < size; o += step) {
        size_t n = size - o < step ? size - o : step;
        lost = h2session_recv(c, (const char *)data + o, n) < 0;
        if (!lost) {
            h2session_settle(c);
            lost = c->closing;
            if (!lost)
                h2_conn_flush(c); /* what the session answers goes out */
            lost = lost || c->closing;
        }
        settle_reports();
    }
    if (!c->closing) {
        for (unsigned i = 0; i < nreq; i++)
            h2_drop(h, &xs[i]);
        h2_conn_close(c);
    }
    settle_reports();
    if (!list_empty(&h->flight) || h->inflight)
        abort(); /* a transfer left on the in-flight list */
    uv_run(&loop, UV_RUN_NOWAIT); /* the connection's handle closes: c is freed */
    close(sv[1]);
    for (unsigned i = 0; i < nreq; i++) {
        h2_drop(h, &xs[i]);
        buf_free(&xs[i].own.req);
        res_free(&xs[i].res);
        coding_free(xs[i].own.coding);
        xs[i].own.coding = NULL;
    }
    return 0;
}

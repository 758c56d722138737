/* xfer: one transfer, whichever client carries it. The engine gives it to
 * curl or to one of salvo's own clients (h1.h, h2.h); the probe layer
 * embeds it in its probe and gets back with container_of. It knows
 * nothing of HTTP/1.1 or HTTP/2: what a client keeps of a transfer beyond
 * the shared part below is the client's own, behind own.client (as h2o's
 * protocol clients embed their common base as `super`). */
#ifndef SALVO_XFER_H
#define SALVO_XFER_H
#include <curl/curl.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/list.h"
#include "net/reqres.h"
#include "net/tap.h"

struct engine;
struct coding;

/* What both of salvo's own clients keep of a transfer (request.c sets it
 * up, each client moves it). */
struct xfer_own {
    struct buf req;              /* the request's bytes, kept for a resend */
    uint64_t t0;                 /* when it last went out (uv_hrtime): its timeout */
    int tries;                   /* connections it went out on (a kept one closed under it) */
    int requeues;                /* times it went again because the server did not
                                    take it (refused, overloaded): not tries */
    int moves;                   /* times it left a connection the server had not
                                    yet accepted for one it serves (h1) */
    struct coding *coding;       /* its Content-Encoding undone (coding.h), or NULL */
    const void *carrier;         /* the client (struct h1 or h2) it is with, from
                                    its start to its report; NULL: curl's */
    void *client;                /* that client's own state for it (h1: its
                                    connection while on one; h2: its stream) */
    struct list link;            /* on one of its client's lists (h1: an address's
                                    waiters; h2: in flight, then ended) */
};

/* One transfer: the easy handle and what it fills. Set up once with
 * engine_xfer_init() and recycled with engine_xfer_clear(). */
struct xfer {
    CURL *easy;
    struct engine *eng;
    long max_body;               /* body bytes kept at most (--max-body) */
    salvo_req req;
    salvo_res res;
    int kind;                    /* enum err_kind of res.error, ERR_NONE if none */
    struct curl_slist *hdrs;     /* base + plugin headers, when the plugin added some */
    struct curl_slist *pin;      /* CONNECT_TO to the DNS stage's answer, or NULL */
    struct buf wire;             /* the URL with the address for the host, "" if
                                    none: sent on a kept-alive connection */
    char errbuf[CURL_ERROR_SIZE];
    char errmsg[CURL_ERROR_SIZE + 64];
    int unwatched;               /* one of its sockets could not be watched: it fails */
    unsigned sent;               /* requests its last transfer sent: more than one
                                    after a retry (or a redirect) */
    int curl_used;               /* its easy handle carried a transfer */
    int curl_only;               /* this word's answer needs curl */
    unsigned lost;               /* answers curl lost to the HTTP/2 race of
                                    engine.c's lost_early_answer() */
    struct xfer_own own;         /* salvo's own clients */
    struct tap tap;              /* the bytes as sent and received (--store-responses) */
};
#endif

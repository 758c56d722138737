/* h2conn: the HTTP/2 client's insides, shared by its two halves and by
 * nothing else: h2.c (connections: socket, TLS, the loop's side) and
 * h2session.c (the nghttp2 session on a connection: callbacks, requests as
 * header fields). Its tests and fuzz target use it to drive a session
 * without a socket. */
#ifndef SALVO_H2CONN_H
#define SALVO_H2CONN_H
#include <netinet/in.h>
#include <nghttp2/nghttp2.h>
#include <openssl/ssl.h>
#include <stdint.h>
#include <uv.h>

#include "base/buf.h"
#include "base/list.h"
#include "net/request.h"

#define H2_STREAMS_MAX 100              /* per connection (curl's default) */

enum { H2_CONNECTING, H2_HANDSHAKE, H2_OPEN };

struct h2;
struct xfer;

/* What the client keeps of a transfer it carries (x->own.client). */
struct h2_stream {
    struct xfer *x;
    struct h2_conn *c;             /* its connection while placed, or NULL */
    int32_t id;                    /* 0 until its request is submitted */
    int got;                       /* an answer began */
    int redo;                      /* curl must ask */
    int retry;                     /* to go again on another connection */
    int head;                      /* a HEAD: the answer ends at its headers */
    int whole;                     /* the answer is whole (a HEAD's headers) */
    size_t sent;                   /* body bytes handed to the stream */
    size_t hdr;                    /* header bytes of its answer */
    struct h2_stream *spare;       /* h->spare, while unused */
};

struct h2_conn {
    uv_poll_t poll; /* first: the handle's memory is the connection's */
    struct h2 *h;
    struct list link;              /* h->conns */
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
    struct list ended;             /* transfers whose stream ended, to report */
};

struct h2 {
    struct request_client base;    /* loop, settings, where transfers end */
    SSL_CTX *ctx;
    nghttp2_session_callbacks *cbs;
    struct list conns;             /* struct h2_conn, by link */
    struct list flight;            /* transfers in flight (own.link) */
    struct list later;             /* to report at the next flush (own.link) */
    unsigned inflight;
    struct h2_stream *spare;       /* streams for the next transfers */
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

/* ---- h2.c, for the session's side ---- */

/* x leaves the in-flight list and its connection (one stream fewer there). */
void h2_unplace(struct h2 *h, struct xfer *x);
/* x is reported (or sent again) at the next flush, outside whatever called. */
void h2_defer(struct h2 *h, struct xfer *x);
/* c has bytes to write at the next flush. */
void h2_mark_dirty(struct h2_conn *c);
/* Every transfer on c ends with why, or goes again when nothing of its
 * answer came; c closes. Never from inside an nghttp2 callback. */
void h2_conn_lost(struct h2_conn *c, int kind, const char *why);
/* Write what the session and earlier writes left: 0, or -1 (c lost). */
int h2_conn_flush(struct h2_conn *c);
void h2_conn_close(struct h2_conn *c);
/* x is reported now (h2_defer's reports come here). */
void h2_report(struct h2 *h, struct xfer *x);
/* x, whose request is built (x->own.req), placed on c as h2_start places
 * a transfer on the connection it chose: 0, or -1 out of memory. */
int h2_place_new(struct h2_conn *c, struct xfer *x);
/* A connection over fd, connected already, its TLS about to start: for a
 * test or the fuzz target that then gives it a session with no server. */
struct h2_conn *h2_conn_attach(struct h2 *h, int fd);

/* ---- h2session.c ---- */

/* The nghttp2 callbacks every session of h uses: 0, or -1. */
int h2session_callbacks(struct h2 *h);
/* TLS chose h2: the session starts, and the transfers placed on c go. */
void h2session_open(struct h2_conn *c);
/* x's request as a stream of c's session (x is placed on c). */
void h2session_submit(struct h2_conn *c, struct xfer *x);
/* Bytes from the server, to the session: 0, or -1 when c is lost. */
int h2session_recv(struct h2_conn *c, const char *p, size_t n);
/* After a read: the streams that ended are reported at the next flush, and
 * a connection the server is ending goes once it carries nothing. */
void h2session_settle(struct h2_conn *c);
/* The streams that ended on c, to be reported at the next flush. */
void h2session_ended(struct h2_conn *c);
/* Streams c may carry at once: ours, or fewer if the server says so. */
unsigned h2session_room(const struct h2_conn *c);
/* x's stream is reset (x dropped or timed out); nothing is reported. */
void h2session_cancel(struct h2_conn *c, struct xfer *x);
#endif

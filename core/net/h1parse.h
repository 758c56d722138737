/* h1parse: an HTTP/1.1 response read from bytes as they arrive, in pieces
 * of any size, with no socket, clock or transfer behind it (the way
 * picohttpparser and nginx's ngx_http_parse.c keep their parsers), so that
 * it can be unit-tested and fuzzed on its own. h1.c feeds it.
 *
 * What it accepts and refuses is decided by RFC 9112 and written down,
 * case by case, in tests/fixtures/malformed.txt (which both the unit test
 * and it_malformed replay): a header name that is not a token, a space
 * before the colon, a line without a colon, NUL or a bare CR in a field,
 * Content-Length values that differ, chunked applied twice, an unasked
 * 101, a response cut before its head ended: each is a bad reply. A first
 * header line that starts with a space is dropped; a later one continues
 * the header before it (but never a framing header). Transfer-Encoding
 * overrides Content-Length, and such a connection is not used again. */
#ifndef SALVO_H1PARSE_H
#define SALVO_H1PARSE_H
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* What h1parse_feed() stopped at. */
enum {
    H1PARSE_MORE,  /* every byte used; the response goes on */
    H1PARSE_HEAD,  /* a final response's head ended and a body follows:
                      the caller looks at foreign_coding/coding, then feeds the rest */
    H1PARSE_DONE,  /* the response is whole; bytes after it were not used */
    H1PARSE_ERROR, /* not a response salvo takes: err_kind and err say why */
    H1PARSE_STOP   /* a callback asked to stop */
};

struct h1parse_cb {
    /* A line of the head as received, its end included: the status line
     * (status is known when it comes), a header, a folded continuation
     * (fold set), a trailer. */
    void (*line)(void *ud, const char *l, size_t n, int fold);
    /* Body bytes, chunk framing removed: 0 goes on, 1 wants no more (the
     * response ends there and the connection is not used again), -1 stops. */
    int (*body)(void *ud, const char *p, size_t n);
};

struct h1parse {
    int head;          /* in: the request was a HEAD (no body follows) */
    /* what the response said, valid from the status line on */
    int status;        /* of the last status line; 1xx ones are skipped */
    int http10;
    int chunked, has_len;
    int foreign_coding; /* a transfer or content coding salvo does not undo */
    int coding;        /* the one Content-Encoding it does (coding.h), or 0 */
    uint64_t left;     /* body bytes still to come, by Content-Length or chunk */
    int got;           /* a byte of the response came */
    int err_kind;      /* codes.h, on H1PARSE_ERROR */
    char err[128];
    /* private */
    int phase, close_tok, keepalive_tok, te_chunked, te_other, framing_last;
    size_t hbytes;
    struct buf line; /* a line that came in pieces */
};

/* Ready for a response (head: it answers a HEAD). The line buffer is kept. */
void h1parse_begin(struct h1parse *p, int head);
/* Read n bytes; *used: how many were taken (all but on DONE, ERROR, STOP,
 * and HEAD, which leave the rest for the next call or for nothing). */
int h1parse_feed(struct h1parse *p, const char *b, size_t n, size_t *used,
                 const struct h1parse_cb *cb, void *ud);
/* The connection ended: H1PARSE_DONE when that ends the response (a body
 * read to the close, or none), else H1PARSE_ERROR. */
int h1parse_eof(struct h1parse *p);
/* Whether the connection may carry another request after a DONE. */
int h1parse_keep(const struct h1parse *p);
void h1parse_free(struct h1parse *p);
#endif

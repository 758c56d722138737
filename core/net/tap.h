/* tap: a transfer's bytes as they went out and came in, kept for
 * --store-responses (the evidence behind a verdict). Off, it costs one
 * test per piece of a transfer; on, one copy of what was sent and of what
 * came back, capped.
 *
 * What "as they went" means per client:
 * - curl: what its debug callback is given (HEADER_OUT/DATA_OUT,
 *   HEADER_IN/DATA_IN): over HTTP/1.1 the bytes of the connection as they
 *   are (chunked framing, a compressed body: as received), every
 *   response of the exchange (a 100 Continue, the redirects followed);
 * - salvo's HTTP/1.1 client: the request's bytes as written and the
 *   response's bytes as read, exactly;
 * - HTTP/2, either client: there are no text bytes on the wire (frames,
 *   HPACK): the header fields as sent and received, written as curl
 *   writes them ("GET /path HTTP/2", "Host: ...", "HTTP/2 200 ", a
 *   "name: value" line each, a blank line), then the body as sent and the
 *   DATA received. */
#ifndef SALVO_TAP_H
#define SALVO_TAP_H
#include <stddef.h>

#include "base/buf.h"

struct tap {
    int on;
    size_t max_in;      /* response bytes kept at most */
    int cut;            /* more came than max_in */
    int h2;             /* curl's last request went out over HTTP/2 (easy.c) */
    struct buf out;     /* the request, last try */
    struct buf in;      /* the response, last try */
};

/* A try starts: what an earlier one kept is forgotten. */
void tap_begin(struct tap *t);
void tap_out(struct tap *t, const void *p, size_t n);
void tap_in(struct tap *t, const void *p, size_t n);
/* One "name: value\r\n" line (HTTP/2's fields). */
void tap_field(struct buf *b, const void *name, size_t nl, const void *value, size_t vl);
void tap_free(struct tap *t);
#endif

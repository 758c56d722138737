/* h2: salvo's own HTTP/2 client over TLS, for the probes of an HTTPS scan
 * of one origin: many probes side by side as streams of a few
 * connections. Built on nghttp2 (the library curl's HTTP/2 is built on)
 * and OpenSSL. curl turns every request into HTTP/1 text and back, walks
 * its URL and connection machinery, and sends each new stream's HEADERS
 * in a TLS record of its own; here a loop iteration's requests leave in
 * one write.
 *
 * It takes what request.c takes, over https://, when certificates are not
 * checked (--verify-tls stays curl's), and while the server speaks HTTP/2:
 * one that answers ALPN with HTTP/1.1 hands this scan's probes to curl.
 * A response with a Content-Encoding it does not undo itself (coding.h)
 * goes to curl. */
#ifndef SALVO_H2_H
#define SALVO_H2_H
#include <uv.h>

#include "net/request.h"

struct xfer;
struct h2;

struct h2 *h2_new(uv_loop_t *loop, const struct request_settings *s, request_done_fn done, void *ud);
/* Start x->req as a stream: 0; 1 when it is not one for this client
 * (curl takes it; x untouched). Reports come from the loop, never from
 * inside this call. */
int h2_start(struct h2 *h, struct xfer *x);
/* x is going away while in flight: its stream is reset, nothing reported. */
void h2_drop(struct h2 *h, struct xfer *x);
/* Close every connection; transfers in flight are dropped unreported. The
 * loop must run afterwards for the handles to close. */
void h2_free(struct h2 *h);
#endif

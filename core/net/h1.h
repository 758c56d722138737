/* h1: salvo's own HTTP/1.1 client, for the probes of a plain-HTTP scan of
 * one origin on kept connections. curl spends three times the CPU of the
 * whole probe on such a request (building it with its printf, parsing
 * and looking up the URL, its header machinery); this client sends a
 * request it builds with a few copies and reads the answer in one pass.
 *
 * It takes a transfer only where it does exactly what curl would:
 * "http://" URLs whose authority is a lower-case name, an IPv4 address or
 * an IPv6 literal as inet_ntop writes it
 * and whose path and query are printable ASCII, an address known without
 * a lookup (numeric, or the DNS stage's pin), no header that changes how
 * the body is sent. Everything else, and a response with a
 * Content-Encoding it does not undo itself (coding.h: gzip, deflate, br),
 * goes to curl. */
#ifndef SALVO_H1_H
#define SALVO_H1_H
#include <curl/curl.h>
#include <uv.h>

#include "net/request.h"

struct xfer;
struct h1;

struct h1 *h1_new(uv_loop_t *loop, const struct request_settings *s, request_done_fn done, void *ud);
/* Start x->req on a kept connection or a new one: 0; 1 when the request is
 * not one for this client (curl takes it; x untouched). */
int h1_start(struct h1 *h, struct xfer *x);
/* Idle connections kept at most (the window). */
void h1_keep(struct h1 *h, unsigned n);
/* Transfers waiting for a connection under an address's learnt cap: while
 * there are any, the server, not the window, is the limit. */
unsigned h1_waiting(const struct h1 *h);
/* Transfers moved off new connections the server had not taken (h1site.h). */
unsigned long h1_moved(const struct h1 *h);
/* x is going away while in flight: its connection is closed, nothing is
 * reported. */
void h1_drop(struct h1 *h, struct xfer *x);
/* Close every connection; transfers in flight are dropped unreported.
 * The loop must run afterwards for the handles to close. */
void h1_free(struct h1 *h);
#endif

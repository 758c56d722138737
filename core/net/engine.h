/* engine: one libuv loop driving curl's multi socket interface, and for a
 * template of one origin salvo's own HTTP clients (h1.h, h2.h) where they
 * do what curl would. It owns transfers and nothing else: what a transfer
 * is for (a word, a chunk, a retry) is the probe layer's, which embeds a
 * struct xfer in its probe and gets back to the probe with container_of. */
#ifndef SALVO_ENGINE_H
#define SALVO_ENGINE_H
#include <curl/curl.h>
#include <stdint.h>
#include <uv.h>

#include "net/engconf.h"
#include "net/reqres.h"
#include "net/xfer.h"

struct engine;

/* Called for every finished transfer, from the loop but never from inside
 * a curl callback, so it may start new transfers. */
typedef void (*engine_done_fn)(struct xfer *x, void *ud);
/* Called after each batch of curl activity: the place to refill the window. */
typedef void (*engine_idle_fn)(void *ud);

struct engine *engine_new(uv_loop_t *loop, const struct engine_settings *s, engine_done_fn done,
                          engine_idle_fn idle, void *ud, char *err, size_t errlen);
/* Close the multi handle; run the loop afterwards so the libuv handles can
 * finish closing. Transfers are their owners' to free. */
void engine_free(struct engine *e);
/* Every transfer started is also counted in by_client[0] (salvo's
 * HTTP/1.1 client), [1] (its HTTP/2 client) or [2] (curl), the owner's. */
void engine_count_into(struct engine *e, uint32_t *by_client);
/* Make x's easy handle. 0, or -1 when out of memory. */
int engine_xfer_init(struct engine *e, struct xfer *x);
/* Forget the last word's request and response, keeping memory. */
void engine_xfer_clear(struct xfer *x);
/* A request: emptied for the next (memory kept), copied (0, or -1 out of
 * memory: dst then holds part of it), freed. */
void engine_req_reset(salvo_req *r);
int engine_req_copy(salvo_req *dst, const salvo_req *src);
void engine_req_free(salvo_req *r);
void engine_xfer_free(struct xfer *x);
/* The proxy variables of the environment, by curl's rules: <scheme>_proxy
 * (http_proxy in lower case only, for the reason curl gives: a CGI's
 * HTTP_PROXY comes from a request header), then all_proxy / ALL_PROXY;
 * no_proxy / NO_PROXY. Fills s->env_proxy and s->no_proxy. */
void engine_env_proxy(struct engine_settings *s);
/* Start the transfer of x->req. Returns 0, or -1 (x->errmsg says why,
 * x->kind is set; x is still the caller's). */
int engine_start(struct engine *e, struct xfer *x);
/* -t auto: where the window starts, and how far it may grow. Probes of
 * one origin start lower: on a near network a few kept connections carry
 * a host's whole rate and every one more costs; a distant host's window
 * grows by up to 16x a period from there. */
#define ENGINE_AUTO_START 200
#define ENGINE_AUTO_START_ONE 32
#define ENGINE_AUTO_MAX 4096
/* Streams curl puts on one HTTP/2 connection (CURLMOPT_MAX_CONCURRENT_STREAMS,
 * curl's own default): -t auto keeps at least this many in flight once
 * answers come over HTTP/2 (engine_multiplexing). */
#define ENGINE_STREAMS 100
/* Whether answers came over HTTP/2 on kept connections. */
int engine_multiplexing(const struct engine *e);
/* Transfers waiting for a connection under a server's learnt cap. */
unsigned engine_capped(const struct engine *e);
/* The window now: the concurrency (or -t auto's choice), capped by the fd
 * limit; and what it may become. */
unsigned engine_window(const struct engine *e);
unsigned engine_window_max(const struct engine *e);
/* -t auto moved the window (bounded by engine_window_max()). Not from
 * inside a curl callback. */
void engine_set_window(struct engine *e, unsigned n);
#endif

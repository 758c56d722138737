/* engine: one libuv loop driving curl's multi socket interface. */
#ifndef SALVO_ENGINE_H
#define SALVO_ENGINE_H
#include <curl/curl.h>
#include <stdint.h>
#include <uv.h>

#include "probe.h"

struct conf;
struct engine;

/* One transfer and everything it owns. Probes are recycled: the engine
 * keeps a free list, so an easy handle and its buffers serve many words. */
struct probe {
    CURL *easy;
    struct engine *eng;
    struct probe *next;          /* free list */
    salvo_req req;
    salvo_res res;
    struct buf word;
    void *owner;                 /* the caller's (its chunk) */
    uint32_t index;              /* the caller's (the word's place in it) */
    int attempt;                 /* retries made so far */
    uint64_t due;                /* when a retry may start (ns) */
    struct curl_slist *hdrs;     /* base + plugin headers, when the plugin added some */
    struct curl_slist *pin;      /* CONNECT_TO to the DNS stage's answer, or NULL */
    struct buf wire;             /* the URL with the address for the host, "" if
                                    none: sent on a kept-alive connection */
    char host[256];              /* the URL's host and port, for the DNS stage */
    char dest[48];               /* the address it goes to, "" if unknown */
    int perip_held;              /* counted in the per-address table */
    long port;
    char errbuf[CURL_ERROR_SIZE];
    char errmsg[CURL_ERROR_SIZE + 64];
    int doomed;                  /* a socket could not be watched */
};

/* Called for every finished transfer, from the loop but never from inside
 * a curl callback, so it may start new transfers. The callee owns the probe
 * and gives it back with engine_probe_put(). */
typedef void (*engine_done_fn)(struct probe *p, void *ud);
/* Called after each batch of curl activity: the place to refill the window. */
typedef void (*engine_idle_fn)(void *ud);

struct engine *engine_new(uv_loop_t *loop, const struct conf *c, engine_done_fn done,
                          engine_idle_fn idle, void *ud, char *err, size_t errlen);
/* Close the multi handle and free every probe; run the loop afterwards so
 * the libuv handles can finish closing. */
void engine_free(struct engine *e);
/* A clean probe whose req.url the caller fills; NULL when out of memory. */
struct probe *engine_probe_get(struct engine *e);
void engine_probe_put(struct engine *e, struct probe *p);
/* Start the transfer. Returns 0, or -1 (p->errmsg says why; p is still the
 * caller's). */
int engine_probe_start(struct engine *e, struct probe *p);
unsigned engine_inflight(const struct engine *e);
/* The ud given to engine_new(). */
void *engine_ud(const struct engine *e);
/* The window actually used: -t, capped by the file descriptor limit. */
unsigned engine_window(const struct engine *e);
#endif

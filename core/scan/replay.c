/* replay: a second engine in the worker's loop, curl's client alone (a
 * proxy is curl's to speak to), at most REPLAY_WINDOW in flight; the rest
 * wait in order. A replay copies what the hit's request was: its URL,
 * method, body and the word's headers (the scan's own come with the
 * settings). It never retries and its answer is dropped: a proxy that is
 * down costs a failed transfer per hit, said once. */
#include "scan/replay.h"

#include "base/list.h"
#include "base/log.h"
#include "ext/match.h"

#include <stdlib.h>
#include <string.h>

#define REPLAY_WINDOW 8

struct replay_one {
    struct xfer x;
    struct list link;          /* r->flight while it runs */
    struct replay_one *next;   /* r->waiting's, until it starts */
    struct replay *r;
};

struct replay {
    struct engine *eng;
    struct engine_settings s;  /* the scan's, through the proxy */
    unsigned char codes[600];  /* the statuses replayed */
    int any_code;
    struct list flight;
    struct replay_one *wait_head, *wait_tail; /* in order */
    unsigned inflight, queued;
    unsigned long failed;
    void (*wake)(void *ud);
    void *ud;
};

static void replay_one_free(struct replay_one *o)
{
    engine_xfer_free(&o->x);
    free(o);
}

/* Start waiting replays while there is room. */
static void replay_pump(struct replay *r)
{
    while (r->inflight < REPLAY_WINDOW && r->wait_head) {
        struct replay_one *o = r->wait_head;
        if (!(r->wait_head = o->next))
            r->wait_tail = NULL;
        r->queued--;
        if (engine_start(r->eng, &o->x) < 0) {
            if (!r->failed++)
                log_msg(LOG_WARN, "--replay-proxy: %s", o->x.errmsg);
            replay_one_free(o);
            continue;
        }
        list_push_back(&r->flight, &o->link);
        r->inflight++;
    }
}

static void replay_on_done(struct xfer *x, void *ud)
{
    struct replay *r = ud;
    struct replay_one *o = (struct replay_one *)((char *)x - offsetof(struct replay_one, x));
    r->inflight--;
    list_unlink(&o->link);
    if (x->res.error && !r->failed++)
        log_msg(LOG_WARN, "--replay-proxy %s: %s (the scan's results are not changed)",
                r->s.proxy, x->res.error);
    replay_one_free(o);
}

static void replay_on_idle(void *ud)
{
    struct replay *r = ud;
    replay_pump(r);
    if (!r->inflight && !r->queued)
        r->wake(r->ud);
}

struct replay *replay_new(uv_loop_t *loop, const struct engine_settings *scan, const char *proxy,
                          const char *codes, void (*wake)(void *ud), void *ud, char *err,
                          size_t errlen)
{
    struct replay *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    static const struct strlist none;
    r->s = *scan;
    r->s.tap = 0; /* a replay is no evidence: the scan's own exchange is */
    r->s.proxy = proxy;
    /* Where a name goes is the proxy's to decide: with --connect-to or
     * --resolve curl would tunnel (CONNECT) even to a plain-HTTP URL. */
    r->s.connect_to = r->s.resolve = &none;
    r->s.own_client = 0;
    r->s.concurrency = REPLAY_WINDOW;
    r->s.follow_redirects = 0;
    r->wake = wake;
    r->ud = ud;
    list_init(&r->flight);
    r->any_code = !codes || !*codes;
    if (!r->any_code && match_status_set(codes, r->codes, err, errlen) < 0) {
        free(r);
        return NULL;
    }
    if (!(r->eng = engine_new(loop, &r->s, replay_on_done, replay_on_idle, r, err, errlen))) {
        free(r);
        return NULL;
    }
    return r;
}

void replay_hit(struct replay *r, const struct xfer *x)
{
    int status = x->res.status;
    if (!r->any_code && (status < 0 || status >= 600 || !r->codes[status]))
        return;
    struct replay_one *o = calloc(1, sizeof *o);
    if (!o || engine_xfer_init(r->eng, &o->x) < 0 || engine_req_copy(&o->x.req, &x->req) < 0) {
        if (!r->failed++)
            log_msg(LOG_WARN, "--replay-proxy: out of memory");
        if (o)
            replay_one_free(o);
        return;
    }
    o->r = r;
    if (r->wait_tail)
        r->wait_tail->next = o;
    else
        r->wait_head = o;
    r->wait_tail = o;
    r->queued++;
    replay_pump(r);
}

unsigned replay_busy(const struct replay *r)
{
    return r ? r->inflight + r->queued : 0;
}

void replay_free(struct replay *r)
{
    if (!r)
        return;
    /* Those in flight first: freeing a transfer takes it off the engine.
     * The list goes with r, so its nodes are freed without unlinking. */
    for (struct list *n = r->flight.next, *nx; n != &r->flight; n = nx) {
        nx = n->next;
        replay_one_free(list_item(n, struct replay_one, link));
    }
    for (struct replay_one *o = r->wait_head, *nx; o; o = nx) {
        nx = o->next;
        replay_one_free(o);
    }
    if (r->failed > 1)
        log_msg(LOG_WARN, "--replay-proxy: %lu hits could not be replayed", r->failed);
    engine_free(r->eng);
    free(r);
}

/* engine: the transfers of one worker, in one libuv loop.
 *
 * A transfer of a one-origin scan that salvo's own clients take (h1.c for
 * plain HTTP, h2.c for HTTPS; request.c says which) goes to them; every
 * other goes to curl, as below.
 *
 * Shape: curl's multi socket interface, one uv_poll_t per curl socket and
 * one uv_timer_t for curl's timer. After every curl_multi_socket_action()
 * (socket path and timer path alike) finished transfers are drained with
 * curl_multi_info_read() and the caller refills the window: never from
 * inside a curl callback, where curl 7.88 answers CURLM_RECURSIVE_API_CALL.
 *
 * The options of its curl handles are easy.c's.
 *
 * curl 7.88 may close a socket that was still connecting before it sends
 * CURL_POLL_REMOVE. So REMOVE always stops and closes the poll handle
 * (uv_poll_start re-registers from scratch, which heals a reused fd number),
 * and a socket that cannot be watched fails its own transfer, not all.
 */
#include "net/engine.h"

#include "net/coding.h"
#include "net/easy.h"

#include "base/codes.h"
#include "net/h1.h"
#include "net/h2.h"
#include "base/log.h"
#include "net/request.h"
#include "net/res.h"
#include "base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>

struct sockctx {
    uv_poll_t poll;      /* first: the handle's memory is the context's */
    curl_socket_t fd;
    int events;          /* what curl asked to be told of (UV_READABLE...) */
    struct engine *e;
    struct sockctx *prev, *next;   /* the engine's open sockets */
};

struct engine {
    uv_loop_t *loop;
    CURLM *multi;
    int multiplexing;               /* an answer came over HTTP/2 (reuse only) */
    struct sockctx *socks;          /* every socket curl has told of */
    struct h1 *h1;                  /* salvo's HTTP/1.1 client, NULL if not this scan's */
    struct h2 *h2;                  /* salvo's HTTP/2 client, the same */
    unsigned long by_h1, by_h2, by_curl; /* transfers each started */
    uint32_t *count;        /* the same, added to the owner's counts (h1, h2, curl) */
    uv_timer_t timer;
    struct engine_settings s;       /* a copy: the caller's may be on its stack */
    engine_done_fn done;
    engine_idle_fn idle;
    void *ud;
    struct easy ez;                 /* what its curl handles are made with */
    struct res_decoder *dec;
    unsigned window;                /* transfers in flight at most, now */
    unsigned window_max;            /* what it may grow to (-t auto) */
    int has_user_agent_header;
    struct xfer *unwatched[64];
    unsigned nunwatched;
};

/* ---- sockets and timer ---- */

static void engine_on_close_free(uv_handle_t *h)
{
    free(h);
}

static void action(struct engine *e, curl_socket_t fd, int ev);

/* A socket in error (a kept connection the server reset as a request went
 * out on it) is handed to curl as its own poll would: readable, writable
 * where asked, and in error. curl then reads, meets the reset and sends the
 * request again on a new connection, as on a kept connection found closed.
 * CURL_CSELECT_ERR alone would end the transfer as "select/poll returned
 * error" (multi-uv.c's way: 251 of 600 probes lost against a server that
 * closes after each answer). libuv stops a poll after an error: it is
 * started again if curl kept the socket and did not ask anew. */
static void engine_on_poll(uv_poll_t *h, int status, int events)
{
    struct sockctx *s = (struct sockctx *)h;
    int ev = 0;
    if (status < 0)
        ev = CURL_CSELECT_ERR | CURL_CSELECT_IN | (s->events & UV_WRITABLE ? CURL_CSELECT_OUT : 0);
    else {
        if (events & UV_READABLE)
            ev |= CURL_CSELECT_IN;
        if (events & UV_WRITABLE)
            ev |= CURL_CSELECT_OUT;
    }
    action(s->e, s->fd, ev);
    if (status < 0 && !uv_is_closing((uv_handle_t *)h) && !uv_is_active((uv_handle_t *)h) &&
        s->events)
        uv_poll_start(h, s->events, engine_on_poll);
}

static int engine_on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    struct engine *e = userp;
    struct sockctx *s = socketp;
    if (what == CURL_POLL_REMOVE) {
        if (s) {
            if (s->prev)
                s->prev->next = s->next;
            else
                e->socks = s->next;
            if (s->next)
                s->next->prev = s->prev;
            uv_poll_stop(&s->poll);
            uv_close((uv_handle_t *)&s->poll, engine_on_close_free);
            curl_multi_assign(e->multi, fd, NULL);
        }
        return 0;
    }
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s || uv_poll_init_socket(e->loop, &s->poll, fd) < 0) {
            free(s);
            goto doom;
        }
        s->fd = fd;
        s->e = e;
        s->next = e->socks;
        if (s->next)
            s->next->prev = s;
        e->socks = s;
        curl_multi_assign(e->multi, fd, s);
    }
    int events = 0;
    if (what & CURL_POLL_IN)
        events |= UV_READABLE;
    if (what & CURL_POLL_OUT)
        events |= UV_WRITABLE;
    s->events = events;
    if (uv_poll_start(&s->poll, events, engine_on_poll) < 0)
        goto doom;
    return 0;
doom: {
    /* Fail this transfer after socket_action returns, not all of them. */
    struct xfer *p = NULL;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&p);
    if (p && !p->unwatched && e->nunwatched < sizeof e->unwatched / sizeof e->unwatched[0]) {
        p->unwatched = 1;
        e->unwatched[e->nunwatched++] = p;
    }
    return 0;
}
}

/* Over HTTP/2, curl 7.88 sends each new stream's request as it starts it:
 * a TLS record and a TCP segment each, which the server reads and answers
 * one by one. Corked while the timer starts the window's new transfers,
 * they leave as one segment when it ends (nginx: 22 -> 17 us of CPU per
 * request; the rate +13 %). Uncorked before the loop goes on, so nothing
 * waits. A socket curl closed before telling is harmless (EBADF). */
static void cork(struct engine *e, int on)
{
    for (struct sockctx *s = e->socks; s; s = s->next)
        setsockopt(s->fd, IPPROTO_TCP, TCP_CORK, &on, sizeof on);
}

static void engine_on_timer(uv_timer_t *t)
{
    struct engine *e = t->data;
    int corked = e->multiplexing;
    if (corked)
        cork(e, 1);
    action(e, CURL_SOCKET_TIMEOUT, 0);
    if (corked)
        cork(e, 0);
}

static int engine_on_curl_timer(CURLM *multi, long ms, void *userp)
{
    (void)multi;
    struct engine *e = userp;
    if (ms < 0)
        uv_timer_stop(&e->timer);
    else
        uv_timer_start(&e->timer, engine_on_timer, (uint64_t)ms, 0);
    return 0;
}

/* ---- completion ---- */

static int error_kind(CURLcode rc)
{
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT: return ERR_TIMEOUT;
    case CURLE_COULDNT_RESOLVE_HOST: return ERR_DNS;
    case CURLE_COULDNT_RESOLVE_PROXY: return ERR_PROXY_DNS;
    case CURLE_COULDNT_CONNECT: return ERR_CONNECT;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL: return ERR_URL;
    case CURLE_GOT_NOTHING: return ERR_EMPTY;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR: return ERR_IO;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_BAD_FUNCTION_ARGUMENT: return ERR_BAD_REPLY; /* a header curl refuses */
    case CURLE_TOO_MANY_REDIRECTS: return ERR_REDIRECTS;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE: return ERR_TLS;
    default: return ERR_HTTP;
    }
}

/* HTTP/2 confirmed: a few connections carry the whole window. Without a
 * cap, every probe waiting when a server ends a connection (nginx does
 * after 1,000 requests) would open one of its own, a TLS handshake each;
 * with it they wait for the next connection's streams. Called from reap(),
 * never from a curl callback. */
static void cap_connections(struct engine *e)
{
    e->multiplexing = 1;
    curl_multi_setopt(e->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                      (long)(e->window_max / ENGINE_STREAMS + 2));
}

/* Debian's curl 7.88 over HTTP/2 loses an answer that comes before it has
 * sent the whole request body (nginx answers a PUT on a file with 405 at
 * its headers, then resets the stream with NO_ERROR) when the answer is
 * read on another stream's turn: the upload then finds the stream closed
 * and the transfer fails with CURLE_HTTP2_STREAM, no message and no
 * status (every other way to that code leaves a message), or the status
 * comes through and the body does not ("transfer closed with N bytes
 * remaining"). The server answered and will again: the request goes once
 * more, on a connection of its own (easy.c), as curl itself does with a
 * refused stream. Seen on 1 in about 1,500 PUTs on nginx with 100
 * streams, and on nearly all of them on a server that answers at the
 * headers every time. */
#define LOST_TRIES 2

static int lost_early_answer(const struct xfer *p, CURLcode rc, long status)
{
    if (!p->req.has_body || (rc != CURLE_HTTP2_STREAM && rc != CURLE_PARTIAL_FILE))
        return 0; /* every successful transfer leaves here */
    if (rc == CURLE_HTTP2_STREAM)
        return status == 0 && !p->errbuf[0];
    long ver = 0;
    curl_easy_getinfo(p->easy, CURLINFO_HTTP_VERSION, &ver);
    return ver == CURL_HTTP_VERSION_2_0;
}

static int ask_again(struct engine *e, struct xfer *p, CURLcode rc, long status)
{
    if (p->lost >= LOST_TRIES || !lost_early_answer(p, rc, status))
        return 0;
    p->lost++;
    return engine_start(e, p) == 0;
}

static void engine_finish(struct engine *e, struct xfer *p, CURLcode rc)
{
    long status = 0;
    double total = 0;
    curl_easy_getinfo(p->easy, CURLINFO_RESPONSE_CODE, &status);
    if (ask_again(e, p, rc, status))
        return;
    curl_easy_getinfo(p->easy, CURLINFO_TOTAL_TIME, &total);
    char *ip = NULL;
    if (curl_easy_getinfo(p->easy, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip)
        util_put_str(p->res.ip, sizeof p->res.ip, 0, ip);
    p->res.status = (int)status;
    p->res.elapsed = total;
    long ver = 0;
    if (status > 0 && curl_easy_getinfo(p->easy, CURLINFO_HTTP_VERSION, &ver) == CURLE_OK)
        p->res.proto = ver == CURL_HTTP_VERSION_1_0   ? "HTTP/1.0"
                       : ver == CURL_HTTP_VERSION_1_1 ? "HTTP/1.1"
                       : ver == CURL_HTTP_VERSION_2_0 ? "HTTP/2"
                       : ver == CURL_HTTP_VERSION_3   ? "HTTP/3"
                                                      : NULL;
    if (e->s.reuse && !e->multiplexing && ver == CURL_HTTP_VERSION_2_0)
        cap_connections(e);
    long redirects = 0;
    char *url = NULL;
    if (e->s.follow_redirects &&
        curl_easy_getinfo(p->easy, CURLINFO_REDIRECT_COUNT, &redirects) == CURLE_OK &&
        redirects > 0 && curl_easy_getinfo(p->easy, CURLINFO_EFFECTIVE_URL, &url) == CURLE_OK &&
        url)
        buf_append_str(&p->res.final_url, url);
    if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && p->res.truncated)) {
        /* curl calls a reply without an HTTP status line (HTTP/0.9), or
         * with a version or status it does not know, an unsupported
         * protocol: the server's fault, not the URL's. */
        p->kind = rc == CURLE_UNSUPPORTED_PROTOCOL &&
                          (strstr(p->errbuf, "HTTP/0.9") || strstr(p->errbuf, "in HTTP response") ||
                           strstr(p->errbuf, "in response"))
                      ? ERR_BAD_REPLY
                      : error_kind(rc);
        /* curl 7.88 answers a header line over its 100 KB cap with "Out of
         * memory" and no message: after a status line that is the reply's
         * doing, and it says so. */
        /* A header line folded onto nothing fails with a bad argument and
         * no message of its own (the buffer may hold an earlier try's). */
        const char *why = rc == CURLE_BAD_FUNCTION_ARGUMENT && status > 0
                              ? "a header line curl refuses (one folded onto nothing)"
                          : p->errbuf[0] ? p->errbuf
                          : rc == CURLE_OUT_OF_MEMORY && status > 0
                              ? "a response header over curl's 100 KB limit (or out of memory)"
                              : curl_easy_strerror(rc);
        snprintf(p->errmsg, sizeof p->errmsg, "%s: %s", codes_prefix(p->kind), why);
        p->res.error = p->errmsg;
    }
    e->done(p, e->ud);
}

static void reap(struct engine *e)
{
    for (unsigned i = 0; i < e->nunwatched; i++) {
        struct xfer *p = e->unwatched[i];
        curl_multi_remove_handle(e->multi, p->easy);
        snprintf(p->errbuf, sizeof p->errbuf, "cannot watch the socket");
        engine_finish(e, p, CURLE_COULDNT_CONNECT);
    }
    e->nunwatched = 0;
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(e->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        struct xfer *p = NULL;
        CURL *easy = m->easy_handle;
        CURLcode rc = m->data.result;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&p);
        curl_multi_remove_handle(e->multi, easy);
        if (p->unwatched)
            continue; /* already finished above */
        engine_finish(e, p, rc);
    }
}

static void action(struct engine *e, curl_socket_t fd, int ev)
{
    int running;
    curl_multi_socket_action(e->multi, fd, ev, &running);
    reap(e);
    if (e->idle)
        e->idle(e->ud);
}

/* ---- set-up ---- */

/* Raise the descriptor limit to the hard limit and size the window from
 * it: a socket per transfer plus curl's resolver socket pair. */
static unsigned size_window(long want, int quiet)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    long cap = rl.rlim_cur == RLIM_INFINITY ? want : ((long)rl.rlim_cur - 64) / 3;
    if (cap < 1)
        cap = 1;
    if (want > cap) {
        if (quiet)
            return (unsigned)cap;
        log_msg(LOG_WARN, "concurrency %ld capped to %ld by the open-files limit (%ld)", want,
                cap, (long)rl.rlim_cur);
        return (unsigned)cap;
    }
    return (unsigned)want;
}

/* A transfer salvo's client ended; one it hands back goes to curl. */
static void engine_on_own_done(struct xfer *p, int redo, void *ud)
{
    struct engine *e = ud;
    coding_end(p->own.coding);
    if (p->res.proto && !strcmp(p->res.proto, "HTTP/2"))
        e->multiplexing = 1;
    if (redo) {
        p->curl_only = 1;
        if (engine_start(e, p) == 0)
            return;
        p->res.error = p->errmsg;
    }
    e->done(p, e->ud);
    if (e->idle)
        e->idle(e->ud);
}

/* salvo's clients take probes of one origin where nothing curl does
 * beyond one request and its answer is asked for: no proxy, no redirects,
 * no --connect-to/--resolve (what curl makes of them stays curl's), no
 * compressed answers asked for. Plain HTTP: HTTP/1.1 unless --http2;
 * HTTPS: HTTP/2 unless --http1.1, and not with --verify-tls. */
static int own_client_fits(const struct engine_settings *c, int tls)
{
    /* Over plain HTTP, a new name per probe on one address (the DNS
     * stage's wire URL, or its pin) is HTTP/1.1's as one origin is. */
    if (!c->own_client || !(tls ? c->reuse : c->keep_alive) || c->follow_redirects ||
        c->connect_to->n ||
        c->resolve->n || easy_has_header(c->headers, "Accept-Encoding") ||
        (c->proxy && *c->proxy) || (c->env_proxy[tls] && *c->env_proxy[tls]))
        return 0;
    return tls ? c->http_version != ENGINE_HTTP_11 && !c->verify_tls
               : c->http_version != ENGINE_HTTP_2;
}

struct engine *engine_new(uv_loop_t *loop, const struct engine_settings *c, engine_done_fn done,
                          engine_idle_fn idle, void *ud, char *err, size_t errlen)
{
    struct engine *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    e->loop = loop;
    e->s = *c;
    e->done = done;
    e->idle = idle;
    e->ud = ud;
    /* -t auto starts at AUTO_START and moves (engine_set_window). */
    e->window_max = size_window(c->concurrency ? c->concurrency : ENGINE_AUTO_MAX, !c->concurrency);
    unsigned start = c->reuse ? ENGINE_AUTO_START_ONE : ENGINE_AUTO_START;
    e->window = c->concurrency || e->window_max < start ? e->window_max : start;
    e->dec = res_decoder_new();
    e->multi = curl_multi_init();
    if (!e->dec || !e->multi) {
        snprintf(err, errlen, "cannot create the transfer engine");
        goto fail;
    }
    if (easy_init(&e->ez, &e->s, err, errlen) < 0)
        goto fail;
    /* Room for a kept-alive connection per transfer of the window; no
     * more, since curl walks every idle connection to an address when it
     * looks for one to reuse. */
    curl_multi_setopt(e->multi, CURLMOPT_MAXCONNECTS, (long)e->window);
    curl_multi_setopt(e->multi, CURLMOPT_SOCKETFUNCTION, engine_on_socket);
    curl_multi_setopt(e->multi, CURLMOPT_SOCKETDATA, e);
    curl_multi_setopt(e->multi, CURLMOPT_TIMERFUNCTION, engine_on_curl_timer);
    curl_multi_setopt(e->multi, CURLMOPT_TIMERDATA, e);
    curl_multi_setopt(e->multi, CURLMOPT_MAX_CONCURRENT_STREAMS, (long)ENGINE_STREAMS);
    struct request_settings rs = {c->timeout, c->connect_timeout, c->max_body, c->method,
                                  c->user_agent, e->ez.headers_ka};
    if ((own_client_fits(c, 0) && !(e->h1 = h1_new(loop, &rs, engine_on_own_done, e))) ||
        (own_client_fits(c, 1) && !(e->h2 = h2_new(loop, &rs, engine_on_own_done, e)))) {
        snprintf(err, errlen, "cannot create the transfer engine");
        goto fail;
    }
    if (e->h1)
        h1_keep(e->h1, e->window);
    uv_timer_init(loop, &e->timer);
    e->timer.data = e;
    return e;
fail:
    h1_free(e->h1);
    res_decoder_free(e->dec);
    if (e->multi)
        curl_multi_cleanup(e->multi);
    easy_clear(&e->ez);
    free(e);
    return NULL;
}

int engine_xfer_init(struct engine *e, struct xfer *x)
{
    if (easy_xfer_init(&e->ez, x) < 0)
        return -1;
    x->eng = e;
    x->res.dec = e->dec;
    /* The response's head as well as its body up to the cap. */
    x->tap.on = e->ez.s->tap;
    x->tap.max_in = (size_t)e->ez.s->max_body + REQUEST_HEADERS_MAX;
    return 0;
}

void engine_req_reset(salvo_req *r)
{
    buf_reset(&r->url);
    buf_reset(&r->method);
    buf_reset(&r->body);
    buf_reset(&r->fail);
    r->has_body = 0;
    curl_slist_free_all(r->headers);
    r->headers = NULL;
}

int engine_req_copy(salvo_req *dst, const salvo_req *src)
{
    if (buf_append(&dst->url, src->url.p, src->url.len) < 0 ||
        (src->method.len && buf_append(&dst->method, src->method.p, src->method.len) < 0) ||
        (src->has_body && buf_append(&dst->body, src->body.p ? src->body.p : "", src->body.len) < 0))
        return -1;
    dst->has_body = src->has_body;
    for (const struct curl_slist *l = src->headers; l; l = l->next) {
        struct curl_slist *n = curl_slist_append(dst->headers, l->data);
        if (!n)
            return -1;
        dst->headers = n;
    }
    return 0;
}

void engine_req_free(salvo_req *r)
{
    engine_req_reset(r);
    buf_free(&r->url);
    buf_free(&r->method);
    buf_free(&r->body);
    buf_free(&r->fail);
}

void engine_xfer_clear(struct xfer *p)
{
    engine_req_reset(&p->req);
    curl_slist_free_all(p->hdrs);
    p->hdrs = NULL;
    curl_slist_free_all(p->pin);
    p->pin = NULL;
    buf_reset(&p->wire);
    res_clear(&p->res);
    p->kind = ERR_NONE;
    p->errbuf[0] = '\0';
    p->errmsg[0] = '\0';
    p->unwatched = 0;
    p->curl_only = 0;
    p->lost = 0;
}

static const char *env_either(const char *lower, const char *upper)
{
    const char *v = getenv(lower);
    return v || !upper ? v : getenv(upper);
}

void engine_env_proxy(struct engine_settings *s)
{
    const char *all = env_either("all_proxy", "ALL_PROXY");
    const char *http = env_either("http_proxy", NULL);
    const char *https = env_either("https_proxy", "HTTPS_PROXY");
    s->env_proxy[0] = http ? http : all;
    s->env_proxy[1] = https ? https : all;
    s->no_proxy = env_either("no_proxy", "NO_PROXY");
}
/* A transfer started by client k (0 h1, 1 h2, 2 curl): counted. 0. */
static int started(struct engine *e, unsigned long *mine, int k)
{
    (*mine)++;
    if (e->count)
        e->count[k]++;
    return 0;
}


int engine_start(struct engine *e, struct xfer *p)
{
    /* A retry forgets the last response; the word and what the DNS stage
     * found stay. */
    if (p->res.status || p->res.error || p->res.hdrs.len || p->res.body.len) {
        const char *word = p->res.word;
        size_t wlen = p->res.wlen;
        int wild = p->res.dns_wildcard;
        char ips[sizeof p->res.ips];
        memcpy(ips, p->res.ips, sizeof ips);
        res_clear(&p->res);
        p->res.word = word;
        p->res.wlen = wlen;
        p->res.dns_wildcard = wild;
        memcpy(p->res.ips, ips, sizeof ips);
    }
    p->kind = ERR_NONE;
    p->errbuf[0] = '\0';
    p->errmsg[0] = '\0';
    p->unwatched = 0;
    p->res.url = p->req.url.p;
    p->sent = 0;
    tap_begin(&p->tap);
    if (e->h1 && h1_start(e->h1, p) == 0)
        return started(e, &e->by_h1, 0);
    if (e->h2 && h2_start(e->h2, p) == 0)
        return started(e, &e->by_h2, 1);
    started(e, &e->by_curl, 2);
    /* A handle that carried a transfer is replaced by a fresh one.
     * Debian's curl 7.88.1 keeps a pointer to the last header it stored
     * for the headers API past the transfer that freed it: an answer
     * whose first header line starts with a space (obs-fold) is then
     * unfolded onto freed memory and the worker dies (ASan: heap use after
     * free in the next transfer; it_hostile). curl_easy_reset does not
     * clear that pointer: only a new handle starts without it. It also
     * starts without 7.88's count of tries on connections that died under
     * a transfer, which the handle would keep for ever ("Connection died,
     * tried 5 times" after five such events over thousands of probes). */
    if (p->curl_used && easy_renew(&e->ez, p) < 0) {
        p->kind = ERR_INTERNAL;
        snprintf(p->errmsg, sizeof p->errmsg, "internal: out of memory");
        return -1;
    }
    p->curl_used = 1;
    if (easy_request(&e->ez, p) < 0) {
        p->kind = ERR_INTERNAL;
        snprintf(p->errmsg, sizeof p->errmsg, "internal: out of memory");
        return -1;
    }
    CURLMcode rc = curl_multi_add_handle(e->multi, p->easy);
    if (rc != CURLM_OK) {
        p->kind = ERR_INTERNAL;
        snprintf(p->errmsg, sizeof p->errmsg, "internal: %s", curl_multi_strerror(rc));
        return -1;
    }
    return 0;
}

unsigned engine_window(const struct engine *e)
{
    return e->window;
}

int engine_multiplexing(const struct engine *e)
{
    return e->multiplexing;
}

unsigned engine_capped(const struct engine *e)
{
    return e->h1 ? h1_waiting(e->h1) : 0;
}

unsigned engine_window_max(const struct engine *e)
{
    return e->window_max;
}

void engine_set_window(struct engine *e, unsigned n)
{
    e->window = n < 1 ? 1 : n > e->window_max ? e->window_max : n;
    curl_multi_setopt(e->multi, CURLMOPT_MAXCONNECTS, (long)e->window);
    if (e->h1)
        h1_keep(e->h1, e->window);
}

static void engine_on_engine_closed(uv_handle_t *h)
{
    free(h->data);
}

void engine_xfer_free(struct xfer *p)
{
    if (!p->easy)
        return;
    h1_drop(p->eng->h1, p);
    h2_drop(p->eng->h2, p);
    engine_xfer_clear(p);
    curl_easy_cleanup(p->easy);
    coding_free(p->own.coding);
    p->own.coding = NULL;
    buf_free(&p->wire);
    buf_free(&p->own.req);
    engine_req_free(&p->req);
    res_free(&p->res);
    tap_free(&p->tap);
    p->easy = NULL;
}

void engine_count_into(struct engine *e, uint32_t *by_client)
{
    e->count = by_client;
}

void engine_free(struct engine *e)
{
    if (!e)
        return;
    if (e->h1 || e->h2) /* the summary has the sum for every job */
        log_msg(LOG_DEBUG,
                "transfers: %lu by salvo's HTTP/1.1 client, %lu by its HTTP/2 client, %lu by curl",
                e->by_h1, e->by_h2, e->by_curl);
    if (e->h1 && h1_moved(e->h1))
        log_msg(LOG_DEBUG, "HTTP/1.1: %lu transfers moved off new connections the server had "
                "not taken, to ones it serves", h1_moved(e->h1));
    h1_free(e->h1);
    h2_free(e->h2);
    curl_multi_cleanup(e->multi);
    easy_clear(&e->ez);
    res_decoder_free(e->dec);
    /* e is freed once libuv is done with its timer: the caller runs the
     * loop once more. */
    uv_close((uv_handle_t *)&e->timer, engine_on_engine_closed);
}

/* easy: the options of curl's easy handles, for "a new host on every
 * request" (measured, see docs/architecture.md): FRESH_CONNECT and
 * FORBID_REUSE (no connection cache walk) unless probes share connections,
 * DNS_CACHE_TIMEOUT 0 (curl 7.88 walks its whole DNS cache after every
 * transfer), QUICK_EXIT (a timed-out lookup does not join the resolver
 * thread inside the loop), HTTP/1.1 (one request per connection gains
 * nothing from h2), NOSIGNAL (the engine ignores SIGPIPE once per process),
 * and "Connection: close" so that TIME_WAIT stays on the server's side. */
#include "net/easy.h"

#include "net/reqres.h"
#include "net/tls.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static size_t easy_on_body(char *data, size_t size, size_t n, void *ud)
{
    struct xfer *p = ud;
    size_t len = size * n;
    return res_add_body(&p->res, data, len, p->max_body) < 0 ? 0 : len;
}

/* Every request a transfer sends, a retry's and a redirect's included. */
static int easy_on_prereq(void *ud, char *ip, char *local_ip, int port, int local_port)
{
    (void)ip;
    (void)local_ip;
    (void)port;
    (void)local_port;
    struct xfer *p = ud;
    p->sent++;
    return CURL_PREREQFUNC_OK;
}

static size_t easy_on_header(char *data, size_t size, size_t n, void *ud)
{
    struct xfer *p = ud;
    res_add_header(&p->res, data, size * n);
    return size * n;
}

/* --store-responses: curl's account of the bytes of a transfer
 * (tap.h says what they are). Its text lines are not kept. Debian's curl
 * 7.88.1 gives an HTTP/2 request's body to the debug callback for some
 * streams and not for others: over HTTP/2 the body is the one handed to
 * curl, written after the request's head, and curl's account of it is not
 * taken. */
static int easy_on_debug(CURL *h, curl_infotype type, char *data, size_t n, void *ud)
{
    (void)h;
    struct xfer *p = ud;
    if (type == CURLINFO_HEADER_OUT) {
        const char *eol = memchr(data, '\r', n);
        p->tap.h2 = eol && eol - data >= 7 && !memcmp(eol - 7, " HTTP/2", 7);
        tap_out(&p->tap, data, n);
        if (p->tap.h2 && p->req.has_body && strncmp(data, "GET ", 4) && strncmp(data, "HEAD ", 5))
            tap_out(&p->tap, p->req.body.p, p->req.body.len);
    } else if (type == CURLINFO_DATA_OUT && !p->tap.h2) {
        tap_out(&p->tap, data, n);
    } else if (type == CURLINFO_HEADER_IN || type == CURLINFO_DATA_IN) {
        tap_in(&p->tap, data, n);
    }
    return 0;
}

static int list_add(struct curl_slist **l, const char *s)
{
    struct curl_slist *n = curl_slist_append(*l, s);
    if (!n)
        return -1;
    *l = n;
    return 0;
}

int easy_has_header(const struct strlist *h, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < h->n; i++)
        if (!strncasecmp(h->v[i], name, n) && h->v[i][n] == ':')
            return 1;
    return 0;
}

int easy_init(struct easy *ez, const struct engine_settings *c, char *err, size_t errlen)
{
    *ez = (struct easy){.s = c};
    /* One worker, one thread: the share needs no locks. A reconnection to a
     * host resumes its TLS session instead of a full handshake. */
    ez->share = curl_share_init();
    if (ez->share && curl_share_setopt(ez->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION)) {
        curl_share_cleanup(ez->share);
        ez->share = NULL;
    }
    /* Sessions across names only where certificates are not checked: a
     * resumed session keeps the certificate the first name was shown. */
    ez->tls = tls_new(c->resume_across_names && !c->verify_tls);
    if (!ez->share || !ez->tls) {
        snprintf(err, errlen, "cannot create the transfer engine");
        easy_clear(ez);
        return -1;
    }
    int bad = 0;
    /* Headers with a placeholder are filled in per word by the worker. */
    for (size_t i = 0; i < c->headers->n; i++)
        if (!strchr(c->headers->v[i], '{'))
            bad |= list_add(&ez->headers, c->headers->v[i]);
    /* Decode what comes compressed (ACCEPT_ENCODING below), but do not ask
     * for it: a server that gzips unasked is still read right, and the
     * request stays as small as before. */
    if (!easy_has_header(c->headers, "Accept-Encoding"))
        bad |= list_add(&ez->headers, "Accept-Encoding:");
    for (struct curl_slist *l = ez->headers; l; l = l->next)
        bad |= list_add(&ez->headers_ka, l->data);
    if (!easy_has_header(c->headers, "Connection"))
        bad |= list_add(&ez->headers, "Connection: close");
    for (size_t i = 0; i < c->connect_to->n; i++)
        bad |= list_add(&ez->connect_to, c->connect_to->v[i]);
    for (size_t i = 0; i < c->resolve->n; i++)
        bad |= list_add(&ez->resolve, c->resolve->v[i]);
    if (bad) {
        snprintf(err, errlen, "out of memory");
        easy_clear(ez);
        return -1;
    }
    return 0;
}

void easy_clear(struct easy *ez)
{
    if (ez->tmpl)
        curl_easy_cleanup(ez->tmpl);
    if (ez->share)
        curl_share_cleanup(ez->share);
    tls_free(ez->tls); /* no connection is left to use it */
    curl_slist_free_all(ez->headers);
    curl_slist_free_all(ez->headers_ka);
    curl_slist_free_all(ez->connect_to);
    curl_slist_free_all(ez->resolve);
    *ez = (struct easy){.s = ez->s};
}

static CURLcode easy_on_ssl_ctx(CURL *h, void *ssl_ctx, void *ud)
{
    char *ip = NULL;
    long port = 0;
    /* curl has connected when it hands the context over. */
    curl_easy_getinfo(h, CURLINFO_PRIMARY_IP, &ip);
    curl_easy_getinfo(h, CURLINFO_PRIMARY_PORT, &port);
    return tls_setup_ctx(ud, ssl_ctx, ip, port) < 0 ? CURLE_SSL_CONNECT_ERROR : CURLE_OK;
}

/* Whether the environment's proxy for http differs from that for https. */
static int env_proxy_by_scheme(const struct engine_settings *c)
{
    const char *a = c->env_proxy[0] ? c->env_proxy[0] : "";
    const char *b = c->env_proxy[1] ? c->env_proxy[1] : "";
    return strcmp(a, b) != 0;
}

/* The options that name the transfer a handle belongs to. */
static void setup_owner(CURL *h, struct xfer *p)
{
    curl_easy_setopt(h, CURLOPT_PRIVATE, (char *)p);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, p);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, p);
    curl_easy_setopt(h, CURLOPT_PREREQDATA, p);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, p->errbuf);
    curl_easy_setopt(h, CURLOPT_DEBUGDATA, p);
}

/* Options that never change for this engine's transfers. */
static void setup_handle(const struct easy *ez, CURL *h)
{
    const struct engine_settings *c = ez->s;
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, easy_on_body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, easy_on_header);
    curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, easy_on_prereq);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(h, CURLOPT_DNS_CACHE_TIMEOUT, 0L);
    if (c->tap) {
        curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, easy_on_debug);
        curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
    }
#if CURL_AT_LEAST_VERSION(7, 87, 0)
    curl_easy_setopt(h, CURLOPT_QUICK_EXIT, 1L);
#endif
    if (ez->share)
        curl_easy_setopt(h, CURLOPT_SHARE, ez->share);
    /* A compressed body (asked for or not) is inflated before anything
     * sees it; easy_on_body caps the inflated bytes at max_body, so a gzip bomb
     * costs no more than a plain page. */
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    /* What is fetched is what is reported: a word's "../" is sent as it is,
     * not folded away by curl. */
    curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(c->timeout * 1000 + 0.5));
    if (c->connect_timeout > 0)
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)(c->connect_timeout * 1000 + 0.5));
    curl_easy_setopt(h, CURLOPT_USERAGENT, c->user_agent);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, (long)c->follow_redirects);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, c->max_redirects);
    /* Both set, so that curl does not read the environment for every
     * transfer (2 % of a probe): "" is no proxy, an empty list exempts
     * nothing. An environment proxy that differs by scheme is set per
     * transfer (setup_request). */
    if (c->proxy && *c->proxy)
        curl_easy_setopt(h, CURLOPT_PROXY, c->proxy);
    else if (!env_proxy_by_scheme(c))
        curl_easy_setopt(h, CURLOPT_PROXY, c->env_proxy[0] ? c->env_proxy[0] : "");
    curl_easy_setopt(h, CURLOPT_NOPROXY, c->no_proxy ? c->no_proxy : "");
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, (long)c->verify_tls);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, c->verify_tls ? 2L : 0L);
    curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, easy_on_ssl_ctx);
    curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, ez->tls);
    if (ez->connect_to)
        curl_easy_setopt(h, CURLOPT_CONNECT_TO, ez->connect_to);
    if (ez->resolve)
        curl_easy_setopt(h, CURLOPT_RESOLVE, ez->resolve);
}

/* A fresh easy handle in place of one that carried a transfer: curl's
 * handle carries state from one transfer to the next that Debian's 7.88.1
 * gets wrong (engine.c, engine_start). A copy of a template with the fixed options
 * (curl_easy_duphandle) costs a little less than a new handle and the
 * options set again: about 15,000 instructions a curl probe all the same
 * (callgrind, tests/bench/ab.sh: 108k -> 124k on the default job). */
int easy_xfer_init(struct easy *ez, struct xfer *p)
{
    if (!(p->easy = curl_easy_init()))
        return -1;
    p->max_body = ez->s->max_body;
    setup_handle(ez, p->easy);
    setup_owner(p->easy, p);
    return 0;
}

int easy_renew(struct easy *ez, struct xfer *p)
{
    if (!ez->tmpl) {
        if (!(ez->tmpl = curl_easy_init()))
            return -1;
        setup_handle(ez, ez->tmpl);
    }
    CURL *h = curl_easy_duphandle(ez->tmpl);
    if (!h)
        return -1;
    curl_easy_cleanup(p->easy);
    p->easy = h;
    setup_owner(h, p);
    if (ez->share) /* a copy does not take the template's share */
        curl_easy_setopt(h, CURLOPT_SHARE, ez->share);
    return 0;
}

/* HTTP/2 pays where connections carry many probes (streams side by side
 * on one); on a connection per probe its set-up only costs (about 100 us a
 * probe, measured), so the default there stays HTTP/1.1. PIPEWAIT lets the
 * first probes of a scan wait for the first connection's ALPN answer
 * rather than each opening a connection of its own. */
static void set_version(const struct easy *ez, CURL *h, const char *url)
{
    int tls = !strncasecmp(url, "https:", 6);
    long v = CURL_HTTP_VERSION_1_1;
    if (ez->s->http_version == ENGINE_HTTP_2)
        v = tls ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE;
    else if (ez->s->http_version == ENGINE_HTTP_AUTO && tls && ez->s->reuse)
        v = CURL_HTTP_VERSION_2TLS;
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, v);
    curl_easy_setopt(h, CURLOPT_PIPEWAIT, v != CURL_HTTP_VERSION_1_1 ? 1L : 0L);
}

/* Options that change per word. */
int easy_request(struct easy *ez, struct xfer *p)
{
    CURL *h = p->easy;
    const char *method = p->req.method.len ? p->req.method.p : ez->s->method;
    /* A body with the default method is a POST (curl -d does the same). */
    if (p->req.has_body && !p->req.method.len && !strcmp(method, "GET"))
        method = "POST";
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L); /* resets body and method */
    curl_easy_setopt(h, CURLOPT_NOBODY, 0L);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, (char *)NULL);
    if (p->req.has_body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)p->req.body.len);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, p->req.body.p ? p->req.body.p : "");
    }
    if (!strcmp(method, "HEAD"))
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    else if (strcmp(method, p->req.has_body ? "POST" : "GET"))
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    /* A probe with a wire URL goes out on a kept-alive connection to its
     * address; every other one on a connection of its own (see above). */
    int wire = p->wire.len > 0, reuse = wire || ez->s->reuse;
    /* HTTP/2 with prior knowledge (--http2 on http://): Debian's curl
     * 7.88.1 breaks a reused prior-knowledge connection (327 of 329 probes
     * failed on nghttpd and nginx): a connection per probe there. */
    if (ez->s->http_version == ENGINE_HTTP_2 && strncasecmp(wire ? p->wire.p : p->req.url.p, "https:", 6))
        reuse = 0;
    struct curl_slist *base = reuse ? ez->headers_ka : ez->headers;
    struct curl_slist *hdrs = base;
    const char *url = wire ? p->wire.p : p->req.url.p;
    curl_easy_setopt(h, CURLOPT_URL, url);
    /* An answer curl lost on a shared HTTP/2 connection (engine.c) is
     * asked again on a connection of its own, where no other stream's
     * turn reads it. A new connection alone is not enough: the next
     * transfers would join it. curl shares a TLS connection only between
     * transfers with the same TLS options; NO_REVOKE means nothing to
     * OpenSSL (it is Schannel's) and so sets this one apart. */
    long fresh = !reuse || p->lost;
    curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, fresh);
    curl_easy_setopt(h, CURLOPT_FORBID_REUSE, fresh);
    curl_easy_setopt(h, CURLOPT_SSL_OPTIONS, p->lost ? (long)CURLSSLOPT_NO_REVOKE : 0L);
    if (!(ez->s->proxy && *ez->s->proxy) && env_proxy_by_scheme(ez->s)) {
        const char *px = ez->s->env_proxy[!strncasecmp(url, "https:", 6)];
        curl_easy_setopt(h, CURLOPT_PROXY, px ? px : "");
    }
    set_version(ez, h, url);
    curl_slist_free_all(p->hdrs); /* a retry builds them again */
    p->hdrs = NULL;
    if (p->req.headers) {
        for (struct curl_slist *l = base; l; l = l->next)
            if (list_add(&p->hdrs, l->data) < 0)
                return -1;
        for (struct curl_slist *l = p->req.headers; l; l = l->next)
            if (list_add(&p->hdrs, l->data) < 0)
                return -1;
        hdrs = p->hdrs;
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_CONNECT_TO, p->pin ? p->pin : ez->connect_to);
    return 0;
}

/* resolve: the DNS stage's side of a probe (see resolve.h). */
#include "scan/resolve.h"

#include "scan/calib.h"
#include "base/codes.h"
#include "net/dns.h"
#include "base/log.h"
#include "scan/probe.h"
#include "base/rate.h"
#include "base/tmpl.h"
#include "base/util.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct resolve {
    struct dns *dns;
    struct resolve_settings s;
    struct probe_stats *stats;
    void (*wake)(void *ud);
    void (*wild_cb)(const char *text, size_t len, void *ud);
    void *ud;
    char wild[64][48];         /* the wildcard's answers (--wildcard-dns) */
    size_t nwild;
    unsigned wild_learning;    /* random names still out */
    char domain[256];          /* the template's host after "{}." */
    /* A template of one origin asks for the same name on every probe (and
     * c-ares keeps no cache): the last answer, while it is fresh. Its
     * connections are kept by the engine, so no wire URL is made. */
    int one_origin;
    char last_host[256];
    uint64_t last_until;
    struct dns_result last;
};

#define ANSWER_KEPT_NS (30ull * 1000000000ull)

struct resolve *resolve_new(struct dns *dns, const struct resolve_settings *s,
                            struct probe_stats *stats, void (*wake)(void *ud),
                            void (*wild)(const char *text, size_t len, void *ud), void *ud)
{
    struct resolve *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->dns = dns;
    r->s = *s;
    r->stats = stats;
    r->wake = wake;
    r->wild_cb = wild;
    r->ud = ud;
    r->one_origin = tmpl_fixed_origin(s->template);
    return r;
}

void resolve_free(struct resolve *r)
{
    free(r);
}

int resolve_learning(const struct resolve *r)
{
    return r->wild_learning > 0;
}

/* p->host and p->port from the filled-in URL. */
/* The authority of an http(s) URL without user info or an IPv6 literal
 * (what templates make): its start and length, the scheme's default port.
 * NULL for any other URL, which curl's parser takes. */
static const char *plain_authority(const char *url, size_t *len, long *def_port)
{
    size_t s = !strncasecmp(url, "http://", 7) ? 7 : !strncasecmp(url, "https://", 8) ? 8 : 0;
    if (!s || url[s] == '[')
        return NULL;
    const char *a = url + s;
    *len = strcspn(a, "/?#");
    *def_port = s == 7 ? 80 : 443;
    return *len && !memchr(a, '@', *len) && !memchr(a, '\\', *len) ? a : NULL;
}

/* Host and port by hand (the common case: a probe's URL is parsed twice
 * over by curl otherwise, a tenth of a probe's instructions). */
static int host_of_plain(struct probe *p)
{
    size_t len;
    long port;
    const char *a = plain_authority(p->x.req.url.p, &len, &port);
    if (!a)
        return -1;
    const char *colon = memchr(a, ':', len);
    size_t hl = colon ? (size_t)(colon - a) : len;
    if (colon) {
        char *end;
        port = strtol(colon + 1, &end, 10);
        if (end != a + len || end == colon + 1 || port < 1 || port > 65535)
            return -1;
    }
    if (!hl || hl >= sizeof p->host)
        return -1;
    memcpy(p->host, a, hl);
    p->host[hl] = '\0';
    p->port = port;
    return 0;
}

static int host_of(struct probe *p)
{
    if (host_of_plain(p) == 0)
        return 0;
    CURLU *u = curl_url();
    char *host = NULL, *port = NULL;
    int ok = u && !curl_url_set(u, CURLUPART_URL, p->x.req.url.p, 0) &&
             !curl_url_get(u, CURLUPART_HOST, &host, 0) &&
             !curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) &&
             strlen(host) < sizeof p->host;
    if (ok) {
        snprintf(p->host, sizeof p->host, "%s", host);
        p->port = strtol(port, NULL, 10);
    }
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    return ok ? 0 : -1;
}

/* --connect-to and --resolve entries "HOST:PORT:..." (empty = any) that
 * cover this host: curl is told where to go already. The entry's rest
 * (after "HOST:PORT:"), or NULL. */
static const char *pinned_by_user(const struct strlist *l, const char *host, long port)
{
    for (size_t i = 0; i < l->n; i++) {
        const char *e = l->v[i] + (l->v[i][0] == '+');
        const char *c1 = strchr(e, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        size_t hl = (size_t)(c1 - e);
        int host_ok = !hl || (hl == strlen(host) && !strncasecmp(e, host, hl));
        int port_ok = c2 == c1 + 1 || strtol(c1 + 1, NULL, 10) == port;
        if (host_ok && port_ok)
            return c2 + 1;
    }
    return NULL;
}

/* Where a user's entry sends the host, as a URL's host: "H2:P2" of
 * --connect-to (an empty P2 keeps the port), the first address of
 * --resolve. 0, or -1 when it names no other place (an empty H2). */
static int user_target(const char *rest, int connect_to, long port, char *host, size_t n,
                       long *to_port)
{
    size_t hl;
    *to_port = port;
    if (connect_to) {
        const char *colon = rest[0] == '[' ? strchr(rest, ']') : rest;
        colon = colon ? strchr(colon, ':') : NULL;
        if (!colon)
            return -1;
        hl = (size_t)(colon - rest);
        if (colon[1])
            *to_port = strtol(colon + 1, NULL, 10);
    } else {
        hl = strcspn(rest, ",");
    }
    if (!hl || hl + 3 > n)
        return -1;
    int bare_v6 = rest[0] != '[' && memchr(rest, ':', hl);
    snprintf(host, n, bare_v6 ? "[%.*s]" : "%.*s", (int)hl, rest);
    return *to_port > 0 && *to_port < 65536 ? 0 : -1;
}

static int keep_alive(struct probe *p, const char *host, long port);

int resolve_wanted(struct resolve *r, struct probe *p)
{
    if (host_of(p) < 0)
        return 0; /* a URL curl cannot parse: curl says why */
    unsigned char a[16];
    if (p->host[0] == '[' || inet_pton(AF_INET, p->host, a) == 1) {
        /* Numeric already: the address is known, and the per-address caps
         * count the probe under it as under a name's answer. */
        size_t hl = strlen(p->host);
        if (p->host[0] == '[')
            util_put(p->dest, sizeof p->dest, 0, p->host + 1, hl > 2 ? hl - 2 : 0);
        else
            util_put_str(p->dest, sizeof p->dest, 0, p->host);
        return 0;
    }
    const char *ct = pinned_by_user(r->s.connect_to, p->host, p->port);
    const char *rs = ct ? NULL : pinned_by_user(r->s.resolve, p->host, p->port);
    if (!ct && !rs)
        return 1;
    /* curl is told where to go; plain HTTP still keeps its connections to
     * that place open for the next names (without keep-alive if not). */
    char host[300];
    long port;
    if (r->s.reuse && !r->one_origin &&
        user_target(ct ? ct : rs, ct != NULL, p->port, host, sizeof host, &port) == 0)
        keep_alive(p, host, port);
    return 0;
}

static int in_wildcard(const struct resolve *r, const struct dns_result *d)
{
    if (!r->nwild)
        return 0;
    for (size_t i = 0; i < d->naddr; i++) {
        int found = 0;
        for (size_t k = 0; k < r->nwild && !found; k++)
            found = !strcmp(r->wild[k], d->addr[i]);
        if (!found)
            return 0;
    }
    return d->naddr > 0;
}

/* Plain HTTP to a resolved address: the URL names the address and the Host
 * header the site, so curl keeps the connection and sends the next name's
 * request to the same address on it, instead of a new TCP connection per
 * name. Only where nothing else depends on the URL's host: no TLS (SNI and
 * certificate are per name), no redirects followed. */
/* The wire URL by hand for the common case (see plain_authority): the
 * URL with its authority replaced. 0, or -1 to take curl's parser. */
static int wire_plain(struct probe *p, const char *to, long to_port)
{
    size_t len;
    long def;
    const char *url = p->x.req.url.p, *a = plain_authority(url, &len, &def);
    if (!a)
        return -1;
    struct buf *w = &p->x.wire;
    buf_reset(w);
    buf_append(w, url, (size_t)(a - url));
    buf_append_str(w, to);
    if (to_port != def)
        buf_printf(w, ":%ld", to_port);
    buf_append_str(w, a[len] ? a + len : "/");
    return w->p ? 0 : -1;
}

/* The same with curl's URL parser, for any other URL. */
static int wire_curl(struct probe *p, const char *to, long to_port)
{
    CURLU *u = curl_url();
    char *url = NULL, port[16];
    snprintf(port, sizeof port, "%ld", to_port);
    /* PATH_AS_IS: the wire URL keeps a word's "../" as the URL does. */
    int ok = u && !curl_url_set(u, CURLUPART_URL, p->x.req.url.p, CURLU_PATH_AS_IS) &&
             !curl_url_set(u, CURLUPART_HOST, to, 0) &&
             !curl_url_set(u, CURLUPART_PORT, to_port == 80 ? NULL : port, 0) &&
             !curl_url_get(u, CURLUPART_URL, &url, 0);
    if (ok) {
        buf_reset(&p->x.wire);
        buf_append_str(&p->x.wire, url);
        ok = p->x.wire.p != NULL;
    }
    curl_free(url);
    curl_url_cleanup(u);
    return ok ? 0 : -1;
}

static int keep_alive(struct probe *p, const char *to, long to_port)
{
    if (wire_plain(p, to, to_port) < 0 && wire_curl(p, to, to_port) < 0)
        return -1;
    char host[300];
    size_t o = util_put_str(host, sizeof host, 0, "Host: ");
    o = util_put_str(host, sizeof host, o, p->host);
    if (p->port != 80) {
        o = util_put(host, sizeof host, o, ":", 1);
        util_put_long(host, sizeof host, o, p->port);
    }
    struct curl_slist *l = curl_slist_append(p->x.req.headers, host);
    if (!l) {
        buf_reset(&p->x.wire);
        return -1;
    }
    p->x.req.headers = l;
    return 0;
}

/* --dns-only: the answer is the outcome. */
static void dns_only(struct probe *p, const struct dns_result *d)
{
    snprintf(p->x.res.ip, sizeof p->x.res.ip, "%s", d->addr[0]);
    p->x.res.elapsed = (double)(rate_now() - p->due) / 1e9;
    buf_reset(&p->x.req.url);
    buf_append_str(&p->x.req.url, p->host);
    p->x.res.url = p->x.req.url.p;
    if (p->x.res.dns_wildcard)
        probe_end(p, V_FILTERED, ERR_NONE, "wildcard-dns");
    else
        probe_end(p, V_HIT, ERR_NONE, NULL);
}

/* Pin the transfer to the answer and hand the probe on. */
static void pin(struct resolve *r, struct probe *p, const struct dns_result *d)
{
    util_put_str(p->dest, sizeof p->dest, 0, d->addr[0]);
    int v6 = strchr(d->addr[0], ':') != NULL;
    char ip[64];
    size_t o = util_put_str(ip, sizeof ip, 0, v6 ? "[" : "");
    o = util_put_str(ip, sizeof ip, o, d->addr[0]);
    util_put_str(ip, sizeof ip, o, v6 ? "]" : "");
    if (r->s.reuse && !r->one_origin && keep_alive(p, ip, p->port) == 0) {
        probe_admit(p);
        return;
    }
    /* HOST:PORT:ADDRESS:PORT, as CURLOPT_CONNECT_TO wants it. */
    char line[600];
    o = util_put_str(line, sizeof line, 0, p->host);
    o = util_put(line, sizeof line, o, ":", 1);
    o = util_put_long(line, sizeof line, o, p->port);
    o = util_put(line, sizeof line, o, ":", 1);
    o = util_put_str(line, sizeof line, o, ip);
    o = util_put(line, sizeof line, o, ":", 1);
    util_put_long(line, sizeof line, o, p->port);
    if (!(p->x.pin = curl_slist_append(NULL, line))) {
        snprintf(p->x.errmsg, sizeof p->x.errmsg, "internal: out of memory");
        probe_end(p, V_ERROR, ERR_INTERNAL, p->x.errmsg);
        return;
    }
    probe_admit(p);
}

/* The name's answer: the probe goes on, pinned to it (or, with
 * --dns-only, ends with it). */
static void answered(struct resolve *r, struct probe *p, const struct dns_result *d)
{
    size_t o = 0;
    p->x.res.ips[0] = '\0';
    for (size_t i = 0; i < d->naddr && o < sizeof p->x.res.ips - 50; i++) {
        if (i)
            o = util_put(p->x.res.ips, sizeof p->x.res.ips, o, ",", 1);
        o = util_put_str(p->x.res.ips, sizeof p->x.res.ips, o, d->addr[i]);
    }
    p->x.res.dns_wildcard = p->owner && in_wildcard(r, d);
    r->stats->wildcards += (uint32_t)p->x.res.dns_wildcard;
    r->stats->counted |= p->x.res.dns_wildcard;
    if (r->s.dns_only && p->owner)
        dns_only(p, d);
    else
        pin(r, p, d);
}

static void resolve_on_resolved(void *ud, const struct dns_result *d)
{
    struct probe *p = ud;
    struct resolve *r = probe_resolve(p->ps);
    /* A query that timed out while the process did not run is asked
     * again (as a transfer is: probe.c). */
    if (d->status == DNS_TIMEOUT && p->stall_tries < 3 && probe_stalled(p->ps, p->due)) {
        p->stall_tries++;
        if (resolve_start(r, p) == 0)
            return;
    }
    if (d->status != DNS_OK) {
        snprintf(p->x.errmsg, sizeof p->x.errmsg, "dns: %s: %s", p->host, d->reason);
        probe_end(p, V_ERROR, ERR_DNS, p->x.errmsg);
        r->wake(r->ud);
        return;
    }
    if (r->one_origin) {
        snprintf(r->last_host, sizeof r->last_host, "%s", p->host);
        r->last = *d;
        r->last_until = rate_now() + ANSWER_KEPT_NS;
    }
    answered(r, p, d);
    r->wake(r->ud);
}

int resolve_start(struct resolve *r, struct probe *p)
{
    p->due = rate_now(); /* the DNS time, for dns_only */
    if (r->one_origin && p->due < r->last_until && !strcmp(p->host, r->last_host)) {
        answered(r, p, &r->last);
        return 0;
    }
    if (dns_resolve(r->dns, p->host, resolve_on_resolved, p) < 0)
        return -1;
    return 0;
}

/* --wildcard-dns: the answers of random names under the template's
 * domain. Words wait until they are known. */
static void resolve_on_wild(void *ud, const struct dns_result *d)
{
    struct resolve *r = ud;
    for (size_t i = 0; d->status == DNS_OK && i < d->naddr; i++) {
        int known = 0;
        for (size_t k = 0; k < r->nwild && !known; k++)
            known = !strcmp(r->wild[k], d->addr[i]);
        if (!known && r->nwild < sizeof r->wild / sizeof r->wild[0])
            snprintf(r->wild[r->nwild++], sizeof r->wild[0], "%s", d->addr[i]);
    }
    if (--r->wild_learning)
        return;
    struct buf b = {0};
    buf_printf(&b, "*.%s", r->domain);
    for (size_t k = 0; k < r->nwild; k++)
        buf_printf(&b, "%s%s", k ? "," : " ", r->wild[k]);
    if (!r->nwild)
        buf_append_str(&b, " -");
    r->wild_cb(b.p ? b.p : "", b.len, r->ud);
    buf_free(&b);
    r->wake(r->ud);
}

/* The domain the words go under: the host of "scheme://{}.DOMAIN/...". */
static const char *template_domain(const char *t, char *out, size_t n)
{
    const char *h = strstr(t, "://");
    if (!h || h[3] != '{')
        return NULL;
    const char *close = strchr(h + 3, '}');
    if (!close || close[1] != '.')
        return NULL;
    size_t len = strcspn(close + 2, "/:?#");
    if (!len || len >= n || memchr(close + 2, '{', len))
        return NULL;
    snprintf(out, n, "%.*s", (int)len, close + 2);
    return out;
}

void resolve_learn_wildcard(struct resolve *r, uint64_t *seed)
{
    if (!template_domain(r->s.template, r->domain, sizeof r->domain)) {
        log_msg(LOG_WARN, "--wildcard-dns: the template's host is not {}.DOMAIN: not checked");
        return;
    }
    r->wild_learning = (unsigned)r->s.wildcard_tests;
    for (long i = 0; i < r->s.wildcard_tests; i++) {
        char label[20], name[300];
        calib_word(label, 14, seed);
        snprintf(name, sizeof name, "%s.%s", label, r->domain);
        if (dns_resolve(r->dns, name, resolve_on_wild, r) < 0)
            r->wild_learning--;
    }
}

static int hook_wanted(void *r, struct probe *p)
{
    return resolve_wanted(r, p);
}

static int hook_start(void *r, struct probe *p)
{
    return resolve_start(r, p);
}

void resolve_hooks(struct resolve *r, struct probe_hooks *h)
{
    h->resolve = r;
    h->wanted = hook_wanted;
    h->start = hook_start;
}

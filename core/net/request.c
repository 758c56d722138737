/* request: the request salvo's own clients (h1.c, h2.c) send, the one
 * curl 7.88 would send for the same options, byte for byte: request line,
 * Host, User-Agent, Accept, the configuration's and the word's headers
 * with curl's rules ("K:" drops K, "K;" sends it empty, a user's
 * Host/User-Agent/Accept replaces curl's), then Content-Length and
 * Content-Type for a body. Only for URLs curl would send as they are. */
#include "net/request.h"

#include "base/codes.h"
#include "net/coding.h"
#include "net/xfer.h"
#include "base/util.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uv.h>

#define BODY_MAX_SENT (1024 * 1024) /* over this, curl asks Expect: 100-continue */

static int lower_name_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

int request_addr_eq(const union request_addr *a, const union request_addr *b)
{
    if (a->sa.sa_family != b->sa.sa_family)
        return 0;
    if (a->sa.sa_family == AF_INET)
        return a->in.sin_port == b->in.sin_port && a->in.sin_addr.s_addr == b->in.sin_addr.s_addr;
    return a->in6.sin6_port == b->in6.sin6_port &&
           !memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr, sizeof a->in6.sin6_addr);
}

socklen_t request_addr_len(const union request_addr *a)
{
    return a->sa.sa_family == AF_INET6 ? sizeof a->in6 : sizeof a->in;
}

int request_addr_port(const union request_addr *a)
{
    return ntohs(a->sa.sa_family == AF_INET6 ? a->in6.sin6_port : a->in.sin_port);
}

/* s[0..n) as an address written as inet_ntop writes it (what curl would
 * not rewrite), IPv6 in brackets: into t's address (with t->port) and its
 * text. */
static int canonical_addr(const char *s, size_t n, struct request_target *t)
{
    char tmp[INET6_ADDRSTRLEN];
    int v6 = n > 2 && s[0] == '[' && s[n - 1] == ']';
    if (v6) {
        s++;
        n -= 2;
    }
    if (n >= sizeof tmp)
        return 0;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    memset(&t->sa, 0, sizeof t->sa);
    void *bin = v6 ? (void *)&t->sa.in6.sin6_addr : (void *)&t->sa.in.sin_addr;
    int af = v6 ? AF_INET6 : AF_INET;
    /* inet_pton takes an IPv4 address only as inet_ntop writes it (four
     * parts in decimal, no leading zero); IPv6 has several spellings. */
    if (inet_pton(af, tmp, bin) != 1)
        return 0;
    if (!v6)
        memcpy(t->addr, tmp, n + 1);
    else if (!util_addr_text(af, bin, t->addr, sizeof t->addr) || strcmp(t->addr, tmp))
        return 0;
    t->sa.sa.sa_family = (sa_family_t)af;
    if (v6)
        t->sa.in6.sin6_port = htons((uint16_t)t->port);
    else
        t->sa.in.sin_port = htons((uint16_t)t->port);
    return 1;
}

/* The address of "HOST:PORT:ADDR:PORT" (the DNS stage's pin; IPv6 in
 * brackets) for this host and port. */
static int pinned(const struct curl_slist *pin, const char *host, size_t hl, long port,
                  struct request_target *t)
{
    if (!pin)
        return 0;
    const char *s = pin->data;
    if (strncmp(s, host, hl) || s[hl] != ':')
        return 0;
    char *end;
    if (strtol(s + hl + 1, &end, 10) != port || *end != ':')
        return 0;
    const char *a = end + 1, *colon = strrchr(a, ':');
    if (!colon || strtol(colon + 1, &end, 10) != port || *end)
        return 0;
    return canonical_addr(a, (size_t)(colon - a), t);
}

/* An IPv6 literal's "[...]" at a: its length, or 0. */
static size_t v6_literal(const char *a)
{
    if (*a != '[')
        return 0;
    const char *p = a + 1;
    while ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || *p == ':' || *p == '.')
        p++;
    return *p == ']' && p > a + 1 ? (size_t)(p - a) + 1 : 0;
}

int request_target(const struct xfer *x, int tls, struct request_target *t)
{
    /* The wire URL names the address the DNS stage found, the Host header
     * the name (resolve.c's keep_alive): curl is sent the same. */
    const char *u = x->wire.len ? x->wire.p : x->req.url.p;
    const char *scheme = tls ? "https://" : "http://";
    size_t sl = tls ? 8 : 7;
    if (!u || strncmp(u, scheme, sl))
        return -1;
    const char *a = u + sl, *p = a;
    size_t v6 = v6_literal(a);
    if (v6)
        p += v6;
    else
        while (lower_name_char((unsigned char)*p))
            p++;
    size_t namelen = (size_t)(p - a);
    long def = tls ? 443 : 80;
    t->port = def;
    if (*p == ':') {
        const char *d = ++p;
        long port = 0;
        while (*p >= '0' && *p <= '9' && port < 65536)
            port = port * 10 + (*p++ - '0');
        if (p == d || *d == '0' || port < 1 || port > 65535)
            return -1;
        t->port = port;
    }
    if (!namelen || (*p && *p != '/' && *p != '?' && *p != '#'))
        return -1;
    t->host = a;
    t->namelen = namelen;
    t->hostlen = t->port == def ? namelen : (size_t)(p - a);
    t->path = p;
    while (*p && *p != '#') {
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
            return -1;
        p++;
    }
    t->pathlen = (size_t)(p - t->path);
    if (t->pathlen && t->path[t->pathlen - 1] == '?')
        return -1; /* an empty query: left to curl's rules */
    t->numeric = canonical_addr(a, namelen, t);
    return t->numeric || (!v6 && pinned(x->pin, a, namelen, t->port, t)) ? 0 : -1;
}

/* The headers curl looks for in the user's lines (Curl_checkheaders: a
 * "name:" or "name;" line), found in one walk: one walk per name was 3 %
 * of a probe's instructions. */
enum { U_CLEN = 1, U_TE = 2, U_EXPECT = 4, U_HOST = 8, U_UA = 16, U_ACCEPT = 32, U_CTYPE = 64 };

static const struct {
    const char *name;
    unsigned bit;
} user_names[] = {{"Content-Length", U_CLEN}, {"Transfer-Encoding", U_TE}, {"Expect", U_EXPECT},
                  {"Host", U_HOST},           {"User-Agent", U_UA},        {"Accept", U_ACCEPT},
                  {"Content-Type", U_CTYPE}};

/* Which of user_names the lists hold; *host: the first Host line. */
static unsigned user_headers(const struct curl_slist *const lists[2], const char **host)
{
    unsigned seen = 0;
    *host = NULL;
    for (int i = 0; i < 2; i++)
        for (const struct curl_slist *l = lists[i]; l; l = l->next) {
            size_t n = strcspn(l->data, ":;");
            if (!l->data[n])
                continue;
            for (size_t k = 0; k < sizeof user_names / sizeof user_names[0]; k++)
                if (strlen(user_names[k].name) == n && !strncasecmp(l->data, user_names[k].name, n)) {
                    if (user_names[k].bit == U_HOST && !*host)
                        *host = l->data;
                    seen |= user_names[k].bit;
                }
        }
    return seen;
}

/* curl's Curl_add_custom_headers for one line. */
static void custom_header(struct buf *b, const char *line, int host_sent)
{
    const char *colon = strchr(line, ':');
    size_t len = strlen(line);
    if (!colon) {
        const char *semi = strchr(line, ';');
        if (!semi || semi == line || semi[1])
            return; /* only "Name;" sends an empty header */
        if (host_sent && !strncasecmp(line, "Host;", 5))
            return;
        buf_append(b, line, len - 1);
        buf_append(b, ":\r\n", 3);
        return;
    }
    if (colon == line)
        return;
    const char *v = colon + 1;
    while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n' || *v == '\v' || *v == '\f')
        v++;
    if (!*v)
        return; /* "Name:" only takes curl's own header away */
    if (host_sent && !strncasecmp(line, "Host:", 5))
        return;
    buf_append(b, line, len);
    buf_append(b, "\r\n", 2);
}

int request_build(const struct request_settings *s, struct xfer *x,
                  const struct request_target *t, int body)
{
    const struct curl_slist *const lists[2] = {s->headers, x->req.headers};
    const char *method = x->req.method.len ? x->req.method.p : s->method;
    if (x->req.has_body && !x->req.method.len && !strcmp(method, "GET"))
        method = "POST";
    if (x->req.has_body && (x->req.body.len > BODY_MAX_SENT || !strcmp(method, "HEAD")))
        return -1;
    const char *host;
    unsigned user = user_headers(lists, &host);
    if (user & (U_CLEN | U_TE | U_EXPECT))
        return -1;
    struct buf *b = &x->own.req;
    buf_reset(b);
    buf_append_str(b, method);
    buf_append_byte(b, ' ');
    if (!t->pathlen || t->path[0] != '/')
        buf_append_byte(b, '/');
    buf_append(b, t->path, t->pathlen);
    buf_append(b, " HTTP/1.1\r\n", 11);
    int host_sent = !host || strcmp(host, "Host:");
    if (!host) {
        buf_append(b, "Host: ", 6);
        buf_append(b, t->host, t->hostlen);
        buf_append(b, "\r\n", 2);
    } else if (host_sent) {
        buf_append(b, "Host:", 5);
        buf_append_str(b, host + 5);
        buf_append(b, "\r\n", 2);
    }
    if (s->user_agent && *s->user_agent && !(user & U_UA)) {
        buf_append(b, "User-Agent: ", 12);
        buf_append_str(b, s->user_agent);
        buf_append(b, "\r\n", 2);
    }
    if (!(user & U_ACCEPT))
        buf_append(b, "Accept: */*\r\n", 13);
    for (int i = 0; i < 2; i++)
        for (const struct curl_slist *l = lists[i]; l; l = l->next)
            custom_header(b, l->data, host_sent);
    if (x->req.has_body) {
        buf_printf(b, "Content-Length: %zu\r\n", x->req.body.len);
        if (!(user & U_CTYPE))
            buf_append_str(b, "Content-Type: application/x-www-form-urlencoded\r\n");
    }
    buf_append(b, "\r\n", 2);
    if (body && x->req.has_body && x->req.body.len)
        buf_append(b, x->req.body.p, x->req.body.len);
    return b->p ? 0 : -1;
}

int request_prepare(const struct request_settings *s, struct xfer *x, int tls,
                    struct request_target *t)
{
    if (x->curl_only || request_target(x, tls, t) < 0 || request_build(s, x, t, !tls) < 0)
        return 1;
    util_put_str(x->res.ip, sizeof x->res.ip, 0, t->addr);
    x->own.t0 = uv_hrtime();
    x->own.tries = 0;
    x->own.requeues = 0;
    x->own.moves = 0;
    x->own.client = NULL;
    x->own.carrier = NULL;
    return 0;
}

void request_client_init(struct request_client *c, uv_loop_t *loop,
                         const struct request_settings *s, request_done_fn done, void *ud)
{
    c->loop = loop;
    c->s = *s;
    c->done = done;
    c->ud = ud;
}

void request_report(const struct request_client *c, struct xfer *x, int redo)
{
    x->res.elapsed = (double)(uv_hrtime() - x->own.t0) / 1e9;
    x->own.carrier = NULL;
    c->done(x, redo, c->ud);
}

void request_verror(struct xfer *x, int kind, const char *fmt, va_list ap)
{
    char why[200];
    vsnprintf(why, sizeof why, fmt, ap);
    x->kind = kind;
    snprintf(x->errmsg, sizeof x->errmsg, "%s: %s", codes_prefix(kind), why);
    x->res.error = x->errmsg;
}

void request_error(struct xfer *x, int kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    request_verror(x, kind, fmt, ap);
    va_end(ap);
}

struct request_sink {
    struct xfer *x;
    size_t max;
};

static int request_sink(void *ud, const char *p, size_t n)
{
    struct request_sink *k = ud;
    return res_add_body(&k->x->res, p, n, k->max) < 0;
}

int request_body(struct xfer *x, const char *p, size_t n, size_t max_body)
{
    struct request_sink k = {x, max_body};
    const char *why = NULL;
    int r = coding_active(x->own.coding) ? coding_feed(x->own.coding, p, n, request_sink, &k, &why)
                                         : request_sink(&k, p, n);
    if (r == 0)
        return 0;
    if (r > 0 && x->res.truncated)
        return 1;
    if (r > 0)
        request_error(x, ERR_INTERNAL, "out of memory");
    else /* curl's words */
        request_error(x, ERR_HTTP, "Error while processing content unencoding: %s", why);
    return -1;
}

/* rawreq: the request line gives the method and the target, Host the
 * origin (with --request-scheme, https unless told), every other header
 * line a -H, and what follows the blank line the body (-d), byte for
 * byte. Content-Length is left to the client, which counts the body as it
 * is sent (a word changes its length); so is Transfer-Encoding, which a
 * saved request's body no longer has. Lines may end in CRLF or LF. The
 * placeholder ({} or ffuf's FUZZ, or the keys of -w FILE:KEY) may stand
 * anywhere: method, path, query, header values, body. */
#include "cli/rawreq.h"

#include "cli/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RAWREQ_MAX (1024 * 1024)

/* The whole file, NUL-terminated, into *out (malloc'ed); its length. */
static long rawreq_read(const char *path, char **out, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "--request %s: %s", path, strerror(errno));
        return -1;
    }
    char *b = malloc(RAWREQ_MAX + 1);
    size_t n = b ? fread(b, 1, RAWREQ_MAX + 1, f) : 0;
    int bad = !b || ferror(f);
    fclose(f);
    if (bad || n > RAWREQ_MAX) {
        snprintf(err, errlen, "--request %s: %s", path,
                 !b ? "out of memory" : bad ? strerror(errno) : "over 1 MiB: not a request");
        free(b);
        return -1;
    }
    b[n] = '\0';
    *out = b;
    return (long)n;
}

/* The line at *p (up to LF, a CR before it dropped) into line; *p moves
 * past it. 0 at the end of the text. */
static int rawreq_line(const char **p, const char *end, const char **line, size_t *len)
{
    if (*p >= end)
        return 0;
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    const char *e = nl ? nl : end;
    *line = *p;
    *len = (size_t)(e - *p) - (e > *p && e[-1] == '\r');
    *p = nl ? nl + 1 : end;
    return 1;
}

static int rawreq_token_char(int ch)
{
    return ch > 0x20 && ch < 0x7f && !strchr("()<>@,;:\\\"/[]?=", ch);
}

static int rawreq_set(char **field, const char *v, size_t n)
{
    char *s = strndup(v, n);
    if (!s)
        return -1;
    free(*field);
    *field = s;
    return 0;
}

/* "METHOD TARGET HTTP/x.y": 0 with its parts, or -1. A method may hold
 * a placeholder ({}, {KEY}). */
static int rawreq_request_line(const char *l, size_t n, size_t *mlen, const char **target,
                               size_t *tlen)
{
    const char *sp = memchr(l, ' ', n);
    if (!sp || sp == l)
        return -1;
    for (const char *q = l; q < sp; q++)
        if (!rawreq_token_char((unsigned char)*q) && *q != '{' && *q != '}')
            return -1;
    const char *t = sp + 1, *end = l + n;
    const char *sp2 = memchr(t, ' ', (size_t)(end - t));
    if (!sp2 || sp2 == t || (size_t)(end - sp2 - 1) < 8 || strncmp(sp2 + 1, "HTTP/", 5))
        return -1;
    *mlen = (size_t)(sp - l);
    *target = t;
    *tlen = (size_t)(sp2 - t);
    return 0;
}

int rawreq_apply(struct conf *c, char *err, size_t errlen)
{
    if (!c->request || !*c->request)
        return 0;
    const char *path = c->request;
    if (c->given_template) {
        snprintf(err, errlen, "--request %s: the request names its target (Host and path): "
                 "give -u or --request, not both", path);
        return -1;
    }
    char *text;
    long size = rawreq_read(path, &text, err, errlen);
    if (size < 0)
        return -1;
    const char *p = text, *end = text + size, *l, *target = NULL, *host = NULL;
    size_t n = 0, mlen = 0, tlen = 0, hlen = 0;
    long clen = -1;
    int lineno = 1, rc = -1;
    if (!rawreq_line(&p, end, &l, &n) || rawreq_request_line(l, n, &mlen, &target, &tlen) < 0) {
        snprintf(err, errlen, "--request %s:1: not a request line (METHOD /path HTTP/1.1): "
                 "\"%.*s\"", path, size ? (int)(n < 60 ? n : 60) : 0, size ? l : "");
        goto out;
    }
    if (rawreq_set(&c->method, l, mlen) < 0)
        goto oom;
    while (rawreq_line(&p, end, &l, &n) && n) {
        lineno++;
        const char *colon = memchr(l, ':', n);
        if (!colon || colon == l || memchr(l, ' ', (size_t)(colon - l))) {
            snprintf(err, errlen, "--request %s:%d: not a header line (Name: value): \"%.*s\"",
                     path, lineno, (int)(n < 60 ? n : 60), l);
            goto out;
        }
        size_t nl = (size_t)(colon - l);
        const char *v = colon + 1;
        while (v < l + n && (*v == ' ' || *v == '\t'))
            v++;
        if (nl == 4 && !strncasecmp(l, "Host", 4)) {
            host = v;
            hlen = (size_t)(l + n - v);
            continue;
        }
        if (nl == 14 && !strncasecmp(l, "Content-Length", 14)) {
            clen = strtol(v, NULL, 10);
            continue;
        }
        if (nl == 17 && !strncasecmp(l, "Transfer-Encoding", 17))
            continue;
        char *h = strndup(l, n);
        if (!h || strlist_add(&c->headers, h) < 0) {
            free(h);
            goto oom;
        }
        free(h);
    }
    int absolute = tlen > 7 && (!strncasecmp(target, "http://", 7) || !strncasecmp(target, "https://", 8));
    if (!absolute && (!host || !hlen)) {
        snprintf(err, errlen, "--request %s: no Host header: the request does not say where "
                 "it goes", path);
        goto out;
    }
    char *t = NULL;
    if (absolute ? asprintf(&t, "%.*s", (int)tlen, target) < 0
                 : asprintf(&t, "%s://%.*s%s%.*s", c->request_scheme, (int)hlen, host,
                            target[0] == '/' ? "" : "/", (int)tlen, target) < 0)
        goto oom;
    free(c->template);
    c->template = t;
    c->given_template = 1;
    /* The body: what follows the blank line, but an editor's line end
     * after a body of Content-Length bytes (or after no body at all) is
     * none of it. */
    size_t body = (size_t)(end - p);
    if (clen >= 0 && (size_t)clen <= body && strspn(p + clen, "\r\n") == body - (size_t)clen)
        body = (size_t)clen;
    else if (clen < 0 && strspn(p, "\r\n \t") == body)
        body = 0;
    if (body && memchr(p, '\0', body)) {
        snprintf(err, errlen, "--request %s: the body holds a NUL byte, which salvo cannot send "
                 "as a request body", path);
        goto out;
    }
    if (body && rawreq_set(&c->data, p, body) < 0)
        goto oom;
    rc = 0;
    goto out;
oom:
    snprintf(err, errlen, "--request %s: out of memory", path);
out:
    free(text);
    return rc;
}

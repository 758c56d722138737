/* tmpl: filling templates with words. */
#include "base/tmpl.h"

#include <idn2.h>
#include <stdlib.h>

#include "base/buf.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static int name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* The next placeholder at or after p: its start (NULL if none), length,
 * and key index (-1 for a {NAME} that is no key). */
static const char *next_hole(const char *p, const struct tmpl_keys *k, size_t *len, int *idx)
{
    if (!k || !k->n) {
        const char *h = strstr(p, "{}");
        *len = 2;
        *idx = 0;
        return h;
    }
    for (const char *h = strchr(p, '{'); h; h = strchr(h + 1, '{')) {
        size_t n = 0;
        while (name_char(h[1 + n]))
            n++;
        if (!n || h[1 + n] != '}')
            continue;
        *len = n + 2;
        *idx = -1;
        for (size_t i = 0; i < k->n; i++)
            if (strlen(k->name[i]) == n && !strncmp(k->name[i], h + 1, n))
                *idx = (int)i;
        return h;
    }
    return NULL;
}

int tmpl_has_holes(const char *s, const struct tmpl_keys *k)
{
    size_t len;
    int idx;
    for (const char *h = next_hole(s, k, &len, &idx); h; h = next_hole(h + len, k, &len, &idx))
        if (idx >= 0)
            return 1;
    return 0;
}

int tmpl_fixed_origin(const char *tmpl)
{
    const char *a = strstr(tmpl, "://");
    if (!a)
        return 0;
    size_t end = (size_t)(a + 3 - tmpl) + strcspn(a + 3, "/?#");
    return !memchr(tmpl, '{', end);
}

int tmpl_check_keys(const char *tmpl, const struct tmpl_keys *k, int url, char *err,
                    size_t errlen)
{
    size_t len;
    int idx, holes = 0;
    for (const char *h = next_hole(tmpl, k, &len, &idx); h; h = next_hole(h + len, k, &len, &idx)) {
        if (idx < 0) {
            snprintf(err, errlen, "\"%s\" has %.*s, but no wordlist is named %.*s (-w FILE:%.*s)",
                     tmpl, (int)len, h, (int)len - 2, h + 1, (int)len - 2, h + 1);
            return -1;
        }
        holes++;
    }
    if (k && k->n && strstr(tmpl, "{}")) {
        snprintf(err, errlen, "\"%s\" has {}, but the wordlists are named: use {%s}", tmpl,
                 k->name[0]);
        return -1;
    }
    if (!url || !strcmp(tmpl, "{}"))
        return 0; /* "{}": every word is a whole URL (-l FILE) */
    if (!holes && (!k || !k->n) && url != TMPL_URL_ANY) {
        snprintf(err, errlen, "template \"%s\" has no {} for the word", tmpl);
        return -1;
    }
    const char *scheme = strstr(tmpl, "://");
    if (!scheme || scheme == tmpl) {
        snprintf(err, errlen, "template \"%s\" has no scheme (e.g. http://{}.example.com)", tmpl);
        return -1;
    }
    if (strncasecmp(tmpl, "http://", 7) && strncasecmp(tmpl, "https://", 8)) {
        snprintf(err, errlen, "template \"%s\": only http:// and https:// are probed", tmpl);
        return -1;
    }
    for (const char *p = tmpl; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f) {
            snprintf(err, errlen, "template \"%s\" holds a space or control character", tmpl);
            return -1;
        }
    return 0;
}

int tmpl_check(const char *tmpl, char *err, size_t errlen)
{
    return tmpl_check_keys(tmpl, NULL, 1, err, errlen);
}

int tmpl_escapes(unsigned char c)
{
    return c <= 0x20 || c >= 0x7f || strchr("\"#<>\\^`{|}", c);
}

/* Part i of a word whose parts are joined by TMPL_SEP. */
static void part(const char *word, size_t len, size_t i, const char **p, size_t *n)
{
    const char *s = word, *end = word + len;
    for (; i > 0 && s; i--) {
        const char *sep = memchr(s, TMPL_SEP, (size_t)(end - s));
        s = sep ? sep + 1 : NULL;
    }
    if (!s) {
        *p = "";
        *n = 0;
        return;
    }
    const char *sep = memchr(s, TMPL_SEP, (size_t)(end - s));
    *p = s;
    *n = sep ? (size_t)(sep - s) : (size_t)(end - s);
}

static int host_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.';
}

const char *tmpl_bad_host_byte(const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!host_byte((unsigned char)w[i]) && (unsigned char)w[i] < 0x80)
            return w + i;
    return NULL;
}

/* The word in the host part: host labels only, so that no word can point
 * the scan at another host or port ("evil.com/x", "a@evil.com",
 * "127.0.0.1:8080/"); non-ASCII through IDNA 2008 (libidn2), so the DNS
 * query and the Host header carry the same punycode name. */
static int put_host(struct buf *out, const char *w, size_t n)
{
    int ascii = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)w[i];
        if (c >= 0x80)
            ascii = 0;
        else if (!host_byte(c))
            return TMPL_EHOST;
    }
    if (ascii)
        return buf_append(out, w, n) < 0 ? TMPL_ENOMEM : 0;
    char *in = strndup(w, n), *puny = NULL;
    if (!in)
        return TMPL_ENOMEM;
    int rc = idn2_to_ascii_8z(in, &puny, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    free(in);
    if (rc != IDN2_OK) {
        idn2_free(puny);
        return TMPL_EIDN;
    }
    rc = buf_append_str(out, puny) < 0 ? TMPL_ENOMEM : 0;
    idn2_free(puny);
    return rc;
}

/* "{}" alone: the word is a URL of its own (a list of URLs, httpx style),
 * probed with its own scheme, host and port; only http(s). */
static int put_url(struct buf *out, const char *w, size_t n)
{
    if (!((n > 7 && !strncasecmp(w, "http://", 7)) || (n > 8 && !strncasecmp(w, "https://", 8))))
        return TMPL_ESCHEME;
    const char *rest = strstr(w, "://") + 3;
    size_t host = (size_t)(rest - w) + strcspn(rest, "/?#");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)w[i];
        int rc = c <= 0x20 || c == 0x7f || (i >= host && tmpl_escapes(c) && c != '#')
                     ? buf_printf(out, "%%%02X", c) : buf_append_byte(out, (char)c);
        if (rc < 0)
            return TMPL_ENOMEM;
    }
    return 0;
}

int tmpl_fill(const char *tmpl, const struct tmpl_keys *k, const char *word, size_t len, int url,
              struct buf *out)
{
    if (memchr(word, '\0', len))
        return TMPL_ENUL;
    if (url == TMPL_URL && !strcmp(tmpl, "{}"))
        return put_url(out, word, len);
    const char *scheme = url ? strstr(tmpl, "://") : NULL;
    const char *host = scheme ? scheme + 3 : tmpl;
    const char *host_end = url ? host + strcspn(host, "/?#") : tmpl + strlen(tmpl);
    size_t hl;
    int idx;
    for (const char *p = tmpl; *p;) {
        const char *hole = next_hole(p, k, &hl, &idx);
        size_t lit = hole ? (size_t)(hole - p) + (idx < 0 ? hl : 0) : strlen(p);
        if (buf_append(out, p, lit) < 0)
            return -1;
        if (!hole)
            break;
        p = hole + hl;
        if (idx < 0)
            continue;
        const char *w = word;
        size_t n = len;
        if (k && k->n)
            part(word, len, (size_t)idx, &w, &n);
        if (url == TMPL_URL && hole < host_end) {
            int rc = put_host(out, w, n);
            if (rc < 0)
                return rc;
            continue;
        }
        if (!url || hole < host_end) {
            if (buf_append(out, w, n) < 0)
                return TMPL_ENOMEM;
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)w[i];
            int rc = tmpl_escapes(c) ? buf_printf(out, "%%%02X", c) : buf_append_byte(out, (char)c);
            if (rc < 0)
                return -1;
        }
    }
    return 0;
}

int tmpl_expand(const char *tmpl, const char *word, size_t len, struct buf *out)
{
    return tmpl_fill(tmpl, NULL, word, len, TMPL_URL, out);
}

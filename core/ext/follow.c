/* follow: follow-ups kept per response (see follow.h). */
#include "ext/follow.h"

#include "base/buf.h"
#include "ext/fetch.h"
#include "ext/limits.h"
#include "ext/scriptint.h"

#include <lauxlib.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The words of the responses still being judged: {res, u32 len, word}...
 * A worker judges a few hundred at a time, each with a few follow-ups. */
static struct buf box;

static int is_url(const char *x, size_t n)
{
    return (n >= 7 && !strncasecmp(x, "http://", 7)) || (n >= 8 && !strncasecmp(x, "https://", 8));
}

/* The word in url if the template makes url: the template is PRE{}SUF
 * with one {}, url is PRE word SUF. 0, or -1. */
static int template_word(const char *tmpl, const char *url, size_t n, struct buf *word)
{
    const char *hole = tmpl ? strstr(tmpl, "{}") : NULL;
    if (!hole || strstr(hole + 2, "{}"))
        return -1;
    size_t pre = (size_t)(hole - tmpl), suf = strlen(hole + 2);
    if (n <= pre + suf || strncasecmp(url, tmpl, pre) || memcmp(url + n - suf, hole + 2, suf))
        return -1;
    buf_append(word, url + pre, n - pre - suf);
    return 0;
}

int follow_word(const struct script_limits *lim, const char *base, const char *x, size_t n,
                struct buf *word, const char *who, char *why, size_t whylen)
{
    if (!n || n > FOLLOW_MAX_LEN || memchr(x, '\0', n) || memchr(x, '\r', n) || memchr(x, '\n', n)) {
        snprintf(why, whylen, "%s: \"%.*s\" is no word to follow (empty, over %d bytes, or with "
                 "a NUL, CR or LF byte)", who, (int)(n > 200 ? 200 : n), x, FOLLOW_MAX_LEN);
        return -1;
    }
    if (x[0] != '/' && !is_url(x, n)) {
        buf_append(word, x, n);
        return 0;
    }
    struct buf url = {0};
    if (x[0] == '/') /* a path on the word's own origin */
        buf_append(&url, base, fetch_origin_len(base));
    buf_append(&url, x, n);
    int rc = url.p && template_word(lim->template, url.p, url.len, word) == 0 ? 0 : -1;
    if (rc < 0)
        snprintf(why, whylen, "%s: %.900s is not a URL the template %.900s makes, so it cannot "
                 "be followed", who, url.p ? url.p : "", lim->template ? lim->template : "");
    buf_free(&url);
    return rc;
}

int follow_add(const void *res, const char *word, size_t len, const char *who, char *why,
               size_t whylen)
{
    size_t mine = 0;
    for (size_t at = 0; at < box.len;) {
        const void *r;
        uint32_t n;
        memcpy(&r, box.p + at, sizeof r);
        memcpy(&n, box.p + at + sizeof r, 4);
        mine += r == res;
        at += sizeof r + 4 + n;
    }
    if (mine >= FOLLOW_PER_WORD) {
        snprintf(why, whylen, "%s: more than %d follow-ups from one response", who,
                 FOLLOW_PER_WORD);
        return -1;
    }
    uint32_t n = (uint32_t)len;
    if (buf_append(&box, &res, sizeof res) < 0 || buf_append(&box, &n, 4) < 0 ||
        buf_append(&box, word, len) < 0) {
        snprintf(why, whylen, "%s: out of memory", who);
        return -1;
    }
    return 0;
}

size_t follow_take(const void *res, struct buf *out)
{
    size_t got = 0, keep = 0;
    for (size_t at = 0; at < box.len;) {
        const void *r;
        uint32_t n;
        memcpy(&r, box.p + at, sizeof r);
        memcpy(&n, box.p + at + sizeof r, 4);
        size_t whole = sizeof r + 4 + n;
        if (r == res) {
            buf_append(out, box.p + at + sizeof r + 4, n);
            buf_append_byte(out, '\0');
            got++;
        } else { /* another response's: kept, moved down over the taken */
            memmove(box.p + keep, box.p + at, whole);
            keep += whole;
        }
        at += whole;
    }
    box.len = keep;
    return got;
}

int follow_from(const struct script_limits *lim, const void *res, const char *base, const char *x,
                size_t n, const char *who, char *why, size_t whylen)
{
    struct buf word = {0};
    int rc = follow_word(lim, base, x, n, &word, who, why, whylen);
    if (rc == 0)
        rc = follow_add(res, word.p, word.len, who, why, whylen);
    buf_free(&word);
    return rc;
}

int follow_lua(lua_State *L)
{
    struct script *s = script_of(L);
    const salvo_res *res = fetch_current(s);
    if (!res)
        return luaL_error(L, "salvo.follow: only match() can follow");
    size_t n;
    const char *x = luaL_checklstring(L, 1, &n);
    char why[2048];
    if (follow_from(&s->lim, res, res->url ? res->url : "", x, n, "salvo.follow", why,
                    sizeof why) < 0)
        return luaL_error(L, "%s", why);
    return 0;
}

/* res: charset detection and decoding.
 *
 * Matching text such as 不存在 against a GBK page only works on decoded
 * text: the same three characters are different bytes in GBK and UTF-8.
 * GBK and GB2312 are decoded as GB18030, their superset, so that pages
 * that declare GB2312 but use GBK characters (common) still decode.
 */
#include "net/res.h"

#include "net/reqres.h"

#include <ctype.h>
#include <stdio.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const gb_aliases[] = {
    "gbk", "gb2312", "gb_2312-80", "x-gbk", "cp936", "ms936", "windows-936",
    "euc-cn", "csgb2312", "chinese", "iso-ir-58", "gb18030", "x-euc-cn", NULL};
static const char *const utf8_aliases[] = {"utf-8", "utf8", "unicode-1-1-utf-8", NULL};
static const char *const latin_aliases[] = {
    "iso-8859-1", "iso8859-1", "latin1", "l1", "us-ascii", "ascii", "windows-1252",
    "cp1252", "x-cp1252", NULL};

static int in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (!strcmp(*list, s))
            return 1;
    return 0;
}

/* Copy a charset token starting at p (quotes and spaces around skipped). */
static void take_token(const char *p, const char *end, char *out, size_t outlen)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '"' || *p == '\''))
        p++;
    size_t n = 0;
    while (p < end && n + 1 < outlen &&
           (isalnum((unsigned char)*p) || strchr("-_.:+", *p)))
        out[n++] = (char)tolower((unsigned char)*p++);
    out[n] = '\0';
}

static void normalise(char *cs, size_t len)
{
    if (in_list(gb_aliases, cs))
        snprintf(cs, len, "gb18030");
    else if (in_list(utf8_aliases, cs))
        snprintf(cs, len, "utf-8");
    else if (in_list(latin_aliases, cs))
        snprintf(cs, len, "windows-1252");
}

/* Find "charset" then optional spaces, '=' and the token, within [p, end). */
static int charset_param(const char *p, const char *end, char *out, size_t outlen)
{
    while (p + 7 <= end) {
        const char *hit = NULL;
        for (const char *q = p; q + 7 <= end; q++)
            if ((*q | 0x20) == 'c' && !strncasecmp(q, "charset", 7)) {
                hit = q;
                break;
            }
        if (!hit)
            return 0;
        const char *q = hit + 7;
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        if (q < end && *q == '=') {
            take_token(q + 1, end, out, outlen);
            if (*out)
                return 1;
        }
        p = hit + 7;
    }
    return 0;
}

static int meta_charset(const char *body, size_t len, char *out, size_t outlen)
{
    const char *end = body + (len < 4096 ? len : 4096);
    /* memchr to each '<': a call per byte was 2 % of a probe's instructions */
    for (const char *p = body; p + 5 <= end; p++) {
        if (!(p = memchr(p, '<', (size_t)(end - p))) || p + 5 > end)
            break;
        if (strncasecmp(p, "<meta", 5))
            continue;
        const char *close = memchr(p, '>', (size_t)(end - p));
        const char *tag_end = close ? close : end;
        if (charset_param(p + 5, tag_end, out, outlen))
            return 1;
        p = tag_end - 1;
    }
    return 0;
}

int res_charset_detect(const char *content_type, const char *body, size_t len,
                       char *out, size_t outlen)
{
    int src = CS_NONE;
    out[0] = '\0';
    const unsigned char *b = (const unsigned char *)body;
    if (content_type && charset_param(content_type, content_type + strlen(content_type),
                                      out, outlen))
        src = CS_HEADER;
    else if (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
        snprintf(out, outlen, "utf-8"), src = CS_BOM;
    else if (len >= 2 && b[0] == 0xFF && b[1] == 0xFE)
        snprintf(out, outlen, "utf-16le"), src = CS_BOM;
    else if (len >= 2 && b[0] == 0xFE && b[1] == 0xFF)
        snprintf(out, outlen, "utf-16be"), src = CS_BOM;
    else if (meta_charset(body, len, out, outlen))
        src = CS_META;
    if (src)
        normalise(out, outlen);
    return src;
}

#define DECODERS 8

struct res_decoder {
    struct {
        char name[40];
        iconv_t cd;      /* (iconv_t)-1 = this charset is unknown to iconv */
    } slot[DECODERS];
    size_t used, next;
};

struct res_decoder *res_decoder_new(void)
{
    return calloc(1, sizeof(struct res_decoder));
}

void res_decoder_free(struct res_decoder *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->used; i++)
        if (d->slot[i].cd != (iconv_t)-1)
            iconv_close(d->slot[i].cd);
    free(d);
}

static iconv_t lookup(struct res_decoder *d, const char *charset)
{
    for (size_t i = 0; i < d->used; i++)
        if (!strcmp(d->slot[i].name, charset))
            return d->slot[i].cd;
    size_t i;
    if (d->used < DECODERS) {
        i = d->used++;
    } else { /* evict round-robin */
        i = d->next++ % DECODERS;
        if (d->slot[i].cd != (iconv_t)-1)
            iconv_close(d->slot[i].cd);
    }
    snprintf(d->slot[i].name, sizeof d->slot[i].name, "%s", charset);
    d->slot[i].cd = iconv_open("UTF-8", charset);
    return d->slot[i].cd;
}

int res_decode(struct res_decoder *d, const char *charset, const char *body, size_t len,
               struct buf *out, const char **text, size_t *tlen)
{
    *text = body;
    *tlen = len;
    if (!charset || !*charset || !strcmp(charset, "utf-8"))
        return 0;
    iconv_t cd = lookup(d, charset);
    if (cd == (iconv_t)-1)
        return 0; /* unknown to iconv: match the bytes as they are */
    iconv(cd, NULL, NULL, NULL, NULL);
    buf_reset(out);
    if (buf_reserve(out, len * 2 + 16) < 0)
        return -1;
    char *in = (char *)body;
    size_t inleft = len;
    while (inleft) {
        char *o = out->p + out->len;
        size_t oleft = out->cap - out->len - 1;
        size_t rc = iconv(cd, &in, &inleft, &o, &oleft);
        out->len = (size_t)(o - out->p);
        if (rc != (size_t)-1)
            break;
        if (errno == E2BIG) {
            if (buf_reserve(out, inleft * 2 + 16) < 0)
                return -1;
        } else { /* EILSEQ or a truncated sequence at the end */
            if (buf_append(out, "\xEF\xBF\xBD", 3) < 0)
                return -1;
            in++;
            inleft--;
            iconv(cd, NULL, NULL, NULL, NULL);
        }
    }
    out->p[out->len] = '\0';
    *text = out->p;
    *tlen = out->len;
    return 0;
}

const char *res_text(struct salvo_res *r, size_t *len)
{
    if (!r->text_ready) {
        const char *ct = res_header_get(r, "content-type");
        res_charset_detect(ct, r->body.p ? r->body.p : "", r->body.len, r->charset,
                           sizeof r->charset);
        if (res_decode(r->dec, r->charset, r->body.p ? r->body.p : "", r->body.len,
                       &r->textbuf, &r->text, &r->tlen) < 0) {
            r->text = r->body.p ? r->body.p : "";
            r->tlen = r->body.len;
        }
        r->text_ready = 1;
    }
    if (len)
        *len = r->tlen;
    return r->text;
}

int res_header_next(const struct salvo_res *r, size_t *pos, const char **name,
                    const char **value)
{
    const char *end = r->hdrs.p + r->hdrs.len;
    const char *p = r->hdrs.p ? r->hdrs.p + *pos : NULL;
    if (!p || p >= end)
        return 0;
    const char *v = p + strlen(p) + 1;
    if (v >= end)
        return 0;
    *name = p;
    *value = v;
    *pos = (size_t)(v + strlen(v) + 1 - r->hdrs.p);
    return 1;
}

const char *res_header_get(const struct salvo_res *r, const char *name)
{
    size_t pos = 0;
    const char *k, *v;
    while (res_header_next(r, &pos, &k, &v))
        if (!strcasecmp(k, name))
            return v;
    return NULL;
}

void res_add_header(struct salvo_res *r, const char *data, size_t len)
{
    if (len >= 5 && !memcmp(data, "HTTP/", 5)) {
        buf_reset(&r->hdrs);
        return;
    }
    const char *colon = memchr(data, ':', len);
    if (!colon || r->hdrs.len + len > SALVO_MAX_HEADER_BYTES)
        return;
    const char *v = colon + 1, *end = data + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    size_t nl = (size_t)(colon - data), vl = (size_t)(end - v);
    if (buf_reserve(&r->hdrs, nl + vl + 2) < 0)
        return;
    char *o = r->hdrs.p + r->hdrs.len;
    memcpy(o, data, nl);
    o[nl] = '\0';
    memcpy(o + nl + 1, v, vl);
    o[nl + 1 + vl] = '\0';
    r->hdrs.len += nl + vl + 2;
    r->hdrs.p[r->hdrs.len] = '\0';
}

/* A folded line (obs-fold) goes on the value of the header before it,
 * after one space (RFC 9112 5.2). */
void res_fold_header(struct salvo_res *r, const char *data, size_t len)
{
    const char *s = data, *end = data + len;
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    while (end > s && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    if (!r->hdrs.len || end == s || r->hdrs.len + (size_t)(end - s) + 1 > SALVO_MAX_HEADER_BYTES)
        return;
    r->hdrs.len--; /* the value's NUL */
    buf_append_byte(&r->hdrs, ' ');
    buf_append(&r->hdrs, s, (size_t)(end - s));
    buf_append_byte(&r->hdrs, '\0');
}

int res_add_body(struct salvo_res *r, const char *data, size_t len, long max)
{
    r->length += len;
    size_t room = (size_t)max > r->body.len ? (size_t)max - r->body.len : 0;
    if (len > room) {
        /* Keep what fits and end the transfer: the rest is never read. */
        buf_append(&r->body, data, room);
        r->truncated = 1;
        return -1;
    }
    return buf_append(&r->body, data, len);
}

int res_field_add(struct salvo_res *r, const char *key, const char *value, int typed)
{
    if (!key || !value || r->nfields >= RESULT_MAX_FIELDS)
        return -1;
    char *k = strdup(key), *v = msg_field_value(value, typed);
    if (!k || !v) {
        free(k);
        free(v);
        return -1;
    }
    r->fields[2 * r->nfields] = k;
    r->fields[2 * r->nfields + 1] = v;
    r->nfields++;
    return 0;
}

void res_forget_read(struct salvo_res *r)
{
    buf_reset(&r->hdrs);
    buf_reset(&r->body);
    r->length = 0;
    r->status = 0;
    r->proto = NULL;
}

void res_clear(struct salvo_res *r)
{
    buf_reset(&r->final_url);
    buf_reset(&r->hdrs);
    buf_reset(&r->body);
    buf_reset(&r->textbuf);
    buf_reset(&r->fail);
    for (size_t i = 0; i < 2 * r->nfields; i++)
        free(r->fields[i]);
    r->nfields = 0;
    r->status = 0;
    r->length = 0;
    r->truncated = 0;
    r->elapsed = 0;
    r->error = NULL;
    r->text_ready = 0;
    r->text = NULL;
    r->tlen = 0;
    r->charset[0] = '\0';
    r->ip[0] = '\0';
    r->proto = NULL;
    r->ips[0] = '\0';
    r->dns_wildcard = 0;
}

void res_free(struct salvo_res *r)
{
    res_clear(r);
    buf_free(&r->final_url);
    buf_free(&r->hdrs);
    buf_free(&r->body);
    buf_free(&r->textbuf);
    buf_free(&r->fail);
}

/* needle starts with '<', so memchr skips to the candidates. */
static const char *find_ci(const char *p, const char *end, const char *needle)
{
    size_t n = strlen(needle);
    while (p + n <= end && (p = memchr(p, '<', (size_t)(end - p))) && p + n <= end) {
        if (!strncasecmp(p, needle, n))
            return p;
        p++;
    }
    return NULL;
}

long res_title_to(const char *html, size_t len, char *out, size_t cap)
{
    const char *end = html + len;
    const char *t = find_ci(html, end, "<title");
    const char *gt = t ? memchr(t, '>', (size_t)(end - t)) : NULL;
    const char *close = gt ? find_ci(gt + 1, end, "</title") : NULL;
    if (!close)
        return -1;
    if (!out)
        return (long)(close - gt - 1);
    int space = 0;
    size_t n = 0;
    for (const char *p = gt + 1; p < close && n < cap; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f') {
            space = 1;
            continue;
        }
        if (space && n && n + 1 < cap)
            out[n++] = ' ';
        space = 0;
        out[n++] = *p;
    }
    return (long)n;
}

int res_title(const char *html, size_t len, struct buf *out)
{
    long max = res_title_to(html, len, NULL, 0);
    if (max < 0)
        return -1;
    if (buf_reserve(out, (size_t)max) < 0)
        return 0; /* no memory: no title, not "none" */
    out->len += (size_t)res_title_to(html, len, out->p + out->len, (size_t)max);
    out->p[out->len] = '\0';
    return 0;
}

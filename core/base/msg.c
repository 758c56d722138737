/* msg: frames and the result record. Decoding checks every length against
 * the frame, so a torn or hostile frame is refused, never read past. */
#include "base/msg.h"

#include "base/codes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MSG_MAX (64u << 20)

int msg_put(struct buf *out, int type, const void *payload, size_t len)
{
    uint32_t n = (uint32_t)len + 1;
    unsigned char t = (unsigned char)type;
    if (len >= MSG_MAX || buf_reserve(out, 5 + len) < 0)
        return -1;
    buf_append(out, &n, 4);
    buf_append(out, &t, 1);
    return buf_append(out, payload, len);
}

int msg_put_u64(struct buf *out, int type, uint64_t v)
{
    return msg_put(out, type, &v, sizeof v);
}

/* Integers of a result go in host order in frames (both ends are this
 * machine) and big-endian in records (read on any machine). */
static void put_int(struct buf *b, uint64_t v, size_t n, int wire)
{
    unsigned char x[8];
    if (!wire) {
        if (n == 8)
            buf_append(b, &v, 8);
        else {
            uint32_t w = (uint32_t)v;
            buf_append(b, &w, 4);
        }
        return;
    }
    for (size_t i = 0; i < n; i++)
        x[i] = (unsigned char)(v >> (8 * (n - 1 - i)));
    buf_append(b, x, n);
}

static void put_str(struct buf *b, const char *s, size_t n, int wire)
{
    if (!s)
        s = "", n = 0;
    put_int(b, n, 4, wire);
    buf_append(b, s, n);
    buf_append_byte(b, '\0');
}

static void put_double(struct buf *b, double d, int wire)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    put_int(b, v, 8, wire);
}

static void put_fields(struct buf *out, const struct result *r, int wire)
{
    put_int(out, r->chunk, 8, wire);
    put_int(out, r->index, 4, wire);
    put_int(out, (uint32_t)r->verdict, 4, wire);
    put_int(out, (uint32_t)r->kind, 4, wire);
    put_int(out, (uint32_t)r->status, 4, wire);
    put_int(out, r->length, 8, wire);
    put_double(out, r->elapsed, wire);
    put_str(out, r->word, r->wlen, wire);
    const char *const s1[] = {r->url, r->error, r->charset, r->ip, r->ips};
    for (size_t i = 0; i < 5; i++)
        put_str(out, s1[i], s1[i] ? strlen(s1[i]) : 0, wire);
    put_int(out, (uint32_t)r->wildcard, 4, wire);
    put_int(out, r->words, 8, wire);
    put_int(out, r->lines, 8, wire);
    const char *const more[] = {r->content_type, r->title, r->location, r->filtered_by};
    for (size_t i = 0; i < 4; i++)
        put_str(out, more[i], more[i] ? strlen(more[i]) : 0, wire);
    put_int(out, (uint32_t)r->nfields, 4, wire);
    for (size_t i = 0; i < 2 * r->nfields; i++)
        put_str(out, r->fields[i], strlen(r->fields[i]), wire);
    put_str(out, r->protocol, r->protocol ? strlen(r->protocol) : 0, wire);
    put_str(out, r->stored, r->stored ? strlen(r->stored) : 0, wire);
    put_int(out, r->depth, 4, wire);
    put_str(out, r->parent, r->parent ? strlen(r->parent) : 0, wire);
}

int msg_put_result(struct buf *out, const struct result *r)
{
    /* Build in place: reserve the header, fill, then patch the length. */
    size_t start = out->len;
    uint32_t zero = 0;
    unsigned char t = MSG_RESULT;
    buf_append(out, &zero, 4);
    buf_append(out, &t, 1);
    put_fields(out, r, 0);
    if (!out->p)
        return -1;
    uint32_t n = (uint32_t)(out->len - start - 4);
    memcpy(out->p + start, &n, 4);
    return 0;
}

int msg_put_record(struct buf *out, const struct result *r)
{
    size_t before = out->len;
    buf_append(out, MSG_RECORD_MAGIC, 3);
    buf_append_byte(out, MSG_RECORD_VERSION);
    put_fields(out, r, 1);
    return out->p && out->len > before ? 0 : -1;
}

int msg_json_literal(const char *s)
{
    if (!strcmp(s, "true") || !strcmp(s, "false"))
        return 1;
    const char *p = s + (*s == '-');
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return 0;
    if (*p == '.') {
        if (!(*++p >= '0' && *p <= '9'))
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p += p[1] == '+' || p[1] == '-' ? 2 : 1;
        if (!(*p >= '0' && *p <= '9'))
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

char *msg_field_value(const char *v, int typed)
{
    size_t n = strlen(v);
    char *out = malloc(n + 2);
    if (!out)
        return NULL;
    if (typed && msg_json_literal(v))
        out[0] = RESULT_TYPED;
    else if (v[0] == RESULT_TYPED || v[0] == RESULT_TEXT)
        out[0] = RESULT_TEXT;
    else {
        memcpy(out, v, n + 1);
        return out;
    }
    memcpy(out + 1, v, n + 1);
    return out;
}

const char *msg_verdict_name(int v)
{
    return v == V_HIT ? "hit" : v == V_ERROR ? "error" : v == V_FILTERED ? "filtered" : "miss";
}

long msg_next(const char *in, size_t len, struct frame *f)
{
    uint32_t n;
    if (len < 5)
        return 0;
    memcpy(&n, in, 4);
    if (n < 1 || n > MSG_MAX)
        return -1;
    if (len < 4 + (size_t)n)
        return 0;
    f->type = (unsigned char)in[4];
    f->p = in + 5;
    f->len = n - 1;
    return 4 + (long)n;
}

int msg_get_u64(const struct frame *f, uint64_t *v)
{
    if (f->len < 8)
        return -1;
    memcpy(v, f->p, 8);
    return 0;
}

struct cursor {
    const char *p;
    size_t left;
    int wire;
};

static int get(struct cursor *c, void *dst, size_t n)
{
    if (c->left < n)
        return -1;
    if (!c->wire)
        memcpy(dst, c->p, n);
    else {
        uint64_t v = 0;
        for (size_t i = 0; i < n; i++)
            v = v << 8 | (unsigned char)c->p[i];
        if (n == 8)
            memcpy(dst, &v, 8);
        else {
            uint32_t w = (uint32_t)v;
            memcpy(dst, &w, 4);
        }
    }
    c->p += n;
    c->left -= n;
    return 0;
}

static int get_str(struct cursor *c, const char **s, size_t *len)
{
    uint32_t n;
    if (get(c, &n, 4) < 0 || c->left < (size_t)n + 1 || c->p[n] != '\0')
        return -1;
    *s = c->p;
    if (len)
        *len = n;
    c->p += n + 1;
    c->left -= n + 1;
    return 0;
}

static int get_fields(struct cursor *c, struct result *r, int version)
{
    int32_t verdict, status, wild, kind;
    uint32_t nf;
    memset(r, 0, sizeof *r);
    if (get(c, &r->chunk, 8) || get(c, &r->index, 4) || get(c, &verdict, 4) || get(c, &kind, 4) ||
        get(c, &status, 4) || get(c, &r->length, 8) || get(c, &r->elapsed, 8) ||
        get_str(c, &r->word, &r->wlen) || get_str(c, &r->url, NULL) ||
        get_str(c, &r->error, NULL) || get_str(c, &r->charset, NULL) ||
        get_str(c, &r->ip, NULL) || get_str(c, &r->ips, NULL) || get(c, &wild, 4) ||
        get(c, &r->words, 8) || get(c, &r->lines, 8) ||
        get_str(c, &r->content_type, NULL) || get_str(c, &r->title, NULL) ||
        get_str(c, &r->location, NULL) || get_str(c, &r->filtered_by, NULL) ||
        get(c, &nf, 4) || nf > RESULT_MAX_FIELDS)
        return -1;
    /* Records also come back from Redis (queue collect), where anything
     * may have been written: numbers that no output format can print are
     * refused, not printed as nan. */
    if (verdict < V_MISS || verdict > V_FILTERED || !codes_valid_kind(kind) || status < 0 ||
        status > 999 || !isfinite(r->elapsed) || r->elapsed < 0 || r->elapsed > 1e7)
        return -1;
    r->verdict = verdict;
    r->kind = kind;
    r->status = status;
    r->wildcard = wild;
    r->nfields = nf;
    for (size_t i = 0; i < 2 * (size_t)nf; i++)
        if (get_str(c, &r->fields[i], NULL))
            return -1;
    r->protocol = r->stored = r->parent = "";
    if (version >= 2 && get_str(c, &r->protocol, NULL) < 0)
        return -1;
    if (version >= 3 && get_str(c, &r->stored, NULL) < 0)
        return -1;
    return version >= 4 && (get(c, &r->depth, 4) < 0 || get_str(c, &r->parent, NULL) < 0) ? -1 : 0;
}

int msg_get_result(const struct frame *f, struct result *r)
{
    struct cursor c = {f->p, f->len, 0};
    return get_fields(&c, r, MSG_RECORD_VERSION);
}

int msg_get_record(const char *p, size_t len, struct result *r)
{
    int v = len >= 4 ? (unsigned char)p[3] : 0;
    if (len < 4 || memcmp(p, MSG_RECORD_MAGIC, 3) || v < 1 || v > MSG_RECORD_VERSION)
        return -1;
    struct cursor c = {p + 4, len - 4, 1};
    if (get_fields(&c, r, v) < 0 || c.left != 0)
        return -1;
    return 0;
}

int msg_put_follow(struct buf *out, const struct follow *fo)
{
    /* u64 chunk, u32 index, the URL and its NUL, the word */
    struct buf b = {0};
    buf_append(&b, &fo->chunk, 8);
    buf_append(&b, &fo->index, 4);
    buf_append(&b, fo->url, strlen(fo->url) + 1);
    buf_append(&b, fo->word, fo->wlen);
    int rc = b.p ? msg_put(out, MSG_FOLLOW, b.p, b.len) : -1;
    buf_free(&b);
    return rc;
}

int msg_get_follow(const struct frame *f, struct follow *fo)
{
    if (f->type != MSG_FOLLOW || f->len < 13)
        return -1;
    memcpy(&fo->chunk, f->p, 8);
    memcpy(&fo->index, f->p + 8, 4);
    fo->url = f->p + 12;
    const char *nul = memchr(fo->url, '\0', f->len - 12);
    if (!nul)
        return -1;
    fo->word = nul + 1;
    fo->wlen = (size_t)(f->p + f->len - fo->word);
    return 0;
}

/* calib: signatures of responses and the learned not-found pages. */
#include "scan/calib.h"

#include "base/buf.h"
#include "base/tmpl.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Texts longer than this are summarised by their first part: enough to
 * tell pages apart, and a bound on the cost per response. */
#define TEXT_MAX (64 * 1024)

/* What the server may echo of a request, longest first: the URL, the URL
 * without its scheme, the host with and without its port, the path with
 * and without its query. Forms of one character are left out. */
#define NORM_FORMS 5
#define NORM_LEN 256

struct echo_forms {
    const char *p[6];
    size_t n[6];
    size_t count;
    /* the word as applications normalise it (CALIB_NORM) */
    char norm[NORM_FORMS][NORM_LEN];
    size_t nlen[NORM_FORMS];
    size_t nnorm;
};

static void add_form(struct echo_forms *f, const char *p, size_t n)
{
    if (n < 2 || f->count == 6)
        return;
    size_t i = f->count++;
    while (i > 0 && f->n[i - 1] < n) { /* longest first */
        f->p[i] = f->p[i - 1];
        f->n[i] = f->n[i - 1];
        i--;
    }
    f->p[i] = p;
    f->n[i] = n;
}

static int word_char(unsigned char c);

/* The word in lower case, each run of other characters turned into sep
 * (dropped when sep is 0, and at either end), '/' into ':' if colon. */
static void add_norm(struct echo_forms *f, const char *w, size_t len, char sep, int colon)
{
    if (f->nnorm == NORM_FORMS)
        return;
    char *o = f->norm[f->nnorm];
    size_t k = 0;
    int gap = 0;
    for (size_t i = 0; i < len && k + 2 < NORM_LEN; i++) {
        unsigned char c = (unsigned char)w[i];
        if (colon && c == '/') {
            if (k)
                o[k++] = ':';
            gap = 0;
        } else if (word_char(c) && c != '_' && c != '-') {
            if (gap && k && sep && o[k - 1] != ':')
                o[k++] = sep;
            gap = 0;
            o[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        } else {
            gap = 1;
        }
    }
    if (k < 2)
        return;
    for (size_t j = 0; j < f->nnorm; j++)
        if (f->nlen[j] == k && !memcmp(f->norm[j], o, k))
            return;
    if (k == len && !strncasecmp(o, w, k))
        return; /* the word itself: CALIB_TOKEN's */
    f->nlen[f->nnorm++] = k;
}

static void norm_forms(const struct calib_req *q, struct echo_forms *f)
{
    f->nnorm = 0;
    for (const char *p = q->word, *end = q->word + q->wlen; p && p < end;) {
        const char *sep = memchr(p, TMPL_SEP, (size_t)(end - p));
        size_t m = sep ? (size_t)(sep - p) : (size_t)(end - p);
        add_norm(f, p, m, '_', 0);
        add_norm(f, p, m, '-', 0);
        add_norm(f, p, m, ' ', 0);
        add_norm(f, p, m, 0, 0);
        add_norm(f, p, m, '_', 1);
        p += m + 1;
    }
}

static void echo_forms(const char *url, struct echo_forms *f)
{
    f->count = 0;
    if (!url || !*url)
        return;
    add_form(f, url, strlen(url));
    const char *rest = strstr(url, "://");
    rest = rest ? rest + 3 : url;
    add_form(f, rest, strlen(rest));
    size_t host = strcspn(rest, "/?#");
    add_form(f, rest, host);
    size_t name = strcspn(rest, ":/?#");
    if (name < host)
        add_form(f, rest, name);
    const char *path = rest + host;
    add_form(f, path, strlen(path));
    size_t bare = strcspn(path, "?#");
    if (bare < strlen(path))
        add_form(f, path, bare);
}

static int word_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c >= 0x80;
}

/* An echo stands where it stands: not inside a longer word, and a path
 * not as the "/a" of a closing tag "</a>". */
static int stands(const char *s, size_t i, size_t n, size_t len)
{
    unsigned char before = i ? (unsigned char)s[i - 1] : ' ';
    unsigned char after = i + len < n ? (unsigned char)s[i + len] : ' ';
    return !word_char(before) && before != '<' && !word_char(after);
}

/* The length of the echo that s[i..] starts with at this level, or 0. */
static size_t echo_at(const char *s, size_t i, size_t n, const struct echo_forms *f,
                      const struct calib_req *q, int level)
{
    if (level >= CALIB_URL)
        for (size_t k = 0; k < f->count; k++)
            if (f->n[k] <= n - i && !strncasecmp(s + i, f->p[k], f->n[k]) &&
                stands(s, i, n, f->n[k]))
                return f->n[k];
    if (level < CALIB_TOKEN || !q->wlen)
        return 0;
    /* The word, or each of its parts (several wordlists), as a token. */
    for (const char *p = q->word, *end = q->word + q->wlen; p < end;) {
        const char *sep = memchr(p, TMPL_SEP, (size_t)(end - p));
        size_t m = sep ? (size_t)(sep - p) : (size_t)(end - p);
        if (m && m <= n - i && !strncasecmp(s + i, p, m) && stands(s, i, n, m))
            return m;
        p += m + 1;
    }
    if (level >= CALIB_NORM)
        for (size_t k = 0; k < f->nnorm; k++)
            if (f->nlen[k] <= n - i && !strncasecmp(s + i, f->norm[k], f->nlen[k]) &&
                stands(s, i, n, f->nlen[k]))
                return f->nlen[k];
    return 0;
}

/* s with what the server echoed of the request replaced by rep. */
static void remove_echo(struct buf *out, const char *s, size_t n, const struct calib_req *q,
                        int level, const char *rep)
{
    struct echo_forms f;
    echo_forms(level >= CALIB_URL ? q->url : NULL, &f);
    f.nnorm = 0;
    if (level >= CALIB_NORM)
        norm_forms(q, &f);
    for (size_t i = 0; i < n;) {
        size_t m = level > CALIB_RAW ? echo_at(s, i, n, &f, q, level) : 0;
        if (m) {
            buf_append_str(out, rep);
            i += m;
        } else {
            buf_append_byte(out, s[i++]);
        }
    }
}

static void copy_replaced(char *dst, size_t cap, const char *s, const struct calib_req *q,
                          int level)
{
    struct buf b = {0};
    if (s)
        remove_echo(&b, s, strlen(s), q, level, "{}");
    snprintf(dst, cap, "%.*s", (int)b.len, b.p ? b.p : "");
    buf_free(&b);
}

void calib_sig_head(struct calib_sig *s, int status, const struct calib_req *q, int level,
                    const char *location, const char *title)
{
    memset(s, 0, sizeof *s);
    s->status = status;
    copy_replaced(s->location, sizeof s->location, location, q, level);
    copy_replaced(s->title, sizeof s->title, title, q, level);
    snprintf(s->location_raw, sizeof s->location_raw, "%s", location ? location : "");
    snprintf(s->title_raw, sizeof s->title_raw, "%s", title ? title : "");
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
}

/* Charikar's simhash over overlapping 4-byte shingles: pages that share
 * most of their shingles get hashes a few bits apart. */
static uint64_t simhash(const unsigned char *t, size_t n)
{
    int v[64] = {0};
    if (n < 4)
        return n ? mix(t[0] | (n > 1 ? t[1] << 8 : 0) | (n > 2 ? t[2] << 16 : 0)) : 0;
    for (size_t i = 0; i + 4 <= n; i++) {
        uint64_t h = mix((uint64_t)t[i] | (uint64_t)t[i + 1] << 8 | (uint64_t)t[i + 2] << 16 |
                         (uint64_t)t[i + 3] << 24);
        for (int b = 0; b < 64; b++)
            v[b] += (int)((h >> b) & 1) * 2 - 1;
    }
    uint64_t out = 0;
    for (int b = 0; b < 64; b++)
        if (v[b] > 0)
            out |= 1ull << b;
    return out;
}

static int alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Runs of letters and digits that hold a digit (request ids, timestamps,
 * counters, hashes) become one '#', in place: they change on every
 * request and say nothing about which page it is. */
static size_t mask_volatile(char *t, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (!alnum((unsigned char)t[i])) {
            t[o++] = t[i++];
            continue;
        }
        size_t j = i;
        int digit = 0;
        for (; j < n && alnum((unsigned char)t[j]); j++)
            digit |= t[j] >= '0' && t[j] <= '9';
        if (digit) {
            t[o++] = '#';
        } else {
            memmove(t + o, t + i, j - i);
            o += j - i;
        }
        i = j;
    }
    return o;
}

/* An echo's place while words and lines are counted: one non-space byte,
 * so the counts do not depend on the word (nor on whether a word that is
 * also fixed text was taken out with it). Dropped before the hash. */
#define ECHO_MARK '\x01'

void calib_sig_text(struct calib_sig *s, const char *text, size_t len, const struct calib_req *q,
                    int level, struct buf *scratch)
{
    static const char mark[2] = {ECHO_MARK, '\0'};
    buf_reset(scratch);
    remove_echo(scratch, text, len > TEXT_MAX ? TEXT_MAX : len, q, level, mark);
    char *t = scratch->p ? scratch->p : (char *)"";
    size_t n = scratch->p ? mask_volatile(scratch->p, scratch->len) : 0;
    uint64_t w = 0, l = 0;
    int in = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t[i];
        int sp = c == ' ' || c == '\n' || c == '\t' || c == '\r';
        w += !sp && !in;
        in = !sp;
        l += c == '\n';
        if (c != ECHO_MARK)
            t[o++] = (char)c;
    }
    s->words = w;
    s->lines = l + (n && t[o ? o - 1 : 0] != '\n');
    n = o;
    s->size = n + (len > TEXT_MAX ? len - TEXT_MAX : 0);
    s->simhash = simhash((const unsigned char *)t, n);
}

/* s matches the learned pattern p, where each "{}" stands for any run of
 * bytes (an echo of the word, even one that also reads as fixed text). */
static int fits(const char *p, const char *s)
{
    const char *star = NULL, *back = NULL;
    while (*s) {
        if (p[0] == '{' && p[1] == '}') {
            star = p += 2;
            back = s;
        } else if (*p == *s) {
            p++;
            s++;
        } else if (star) {
            p = star;
            s = ++back;
        } else {
            return 0;
        }
    }
    while (p[0] == '{' && p[1] == '}')
        p += 2;
    return !*p;
}

/* p without the separator before each {}: an echo the application
 * normalised to nothing (".." in "wiki:..") takes its ':' with it. */
static void drop_seps(const char *p, char *out, size_t cap)
{
    size_t k = 0;
    for (; *p && k + 1 < cap; p++)
        if (!(strchr(":/_-. ", *p) && p[1] == '{' && p[2] == '}'))
            out[k++] = *p;
    out[k] = '\0';
}

/* b's field (with the echoes taken out, or as it came) fits a's pattern. */
static int field_fits(const char *pattern, const char *echoless, const char *raw)
{
    if (fits(pattern, echoless) || fits(pattern, raw))
        return 1;
    char loose[256];
    drop_seps(pattern, loose, sizeof loose);
    return strcmp(loose, pattern) && (fits(loose, echoless) || fits(loose, raw));
}

/* a: the learned page; b: the response. */
static int same_head(const struct calib_sig *a, const struct calib_sig *b)
{
    return a->status == b->status && field_fits(a->location, b->location, b->location_raw) &&
           field_fits(a->title, b->title, b->title_raw);
}

int calib_maybe(const struct calib *c, const struct calib_sig *s)
{
    for (size_t i = 0; i < c->n; i++)
        if (same_head(&c->fp[i].sig, s))
            return 1;
    return 0;
}

static int distance(uint64_t a, uint64_t b)
{
    return __builtin_popcountll(a ^ b);
}

/* Near enough: the text hashes differ by little more than the learned
 * samples differed among themselves, and the size is within a tenth of
 * what was seen. */
static int near(const struct calib_fp *f, const struct calib_sig *s)
{
    int limit = f->spread + 4 > 8 ? f->spread + 4 : 8;
    uint64_t tol = f->size_hi / 10 > 32 ? f->size_hi / 10 : 32;
    uint64_t lo = f->size_lo > tol ? f->size_lo - tol : 0;
    if (!same_head(&f->sig, s) || s->size < lo || s->size > f->size_hi + tol)
        return 0;
    int d = distance(f->sig.simhash, s->simhash);
    /* The same words and lines, the echoes counted as one each (ffuf's
     * signature), allow 8 bits more: a page that reflects the word
     * in several places, or holds it in its own text as well, differs from
     * the learned one in that many shingles. */
    return d <= limit ||
           (s->words == f->sig.words && s->lines == f->sig.lines && d <= limit + 8);
}

int calib_match(const struct calib *c, const struct calib_sig *s)
{
    for (size_t i = 0; i < c->n; i++)
        if (near(&c->fp[i], s))
            return (int)i;
    return -1;
}

int calib_learn(struct calib *c, const struct calib_sig *s)
{
    /* Samples of one page join it even when they differ more than a scan
     * would allow, as long as their head is the same and the hash is not
     * far off: that spread is what the page's variation looks like. */
    for (size_t i = 0; i < c->n; i++) {
        struct calib_fp *f = &c->fp[i];
        int d = distance(f->sig.simhash, s->simhash);
        if (same_head(&f->sig, s) && (near(f, s) || d <= 16)) {
            f->spread = d > f->spread ? d : f->spread;
            f->size_lo = s->size < f->size_lo ? s->size : f->size_lo;
            f->size_hi = s->size > f->size_hi ? s->size : f->size_hi;
            f->samples++;
            return (int)i;
        }
    }
    if (c->n == CALIB_MAX)
        return -1;
    struct calib_fp *f = &c->fp[c->n];
    f->sig = *s;
    f->size_lo = f->size_hi = s->size;
    f->spread = 0;
    f->samples = 1;
    return (int)c->n++;
}

void calib_describe(const struct calib_fp *f, struct buf *out)
{
    buf_printf(out, "status=%d text_size=%llu", f->sig.status, (unsigned long long)f->size_lo);
    if (f->size_hi != f->size_lo)
        buf_printf(out, "-%llu", (unsigned long long)f->size_hi);
    buf_printf(out, " words=%llu lines=%llu", (unsigned long long)f->sig.words,
               (unsigned long long)f->sig.lines);
    if (*f->sig.title)
        buf_printf(out, " title=\"%s\"", f->sig.title);
    if (*f->sig.location)
        buf_printf(out, " location=%s", f->sig.location);
    buf_printf(out, " simhash=%016llx±%d (%u samples)", (unsigned long long)f->sig.simhash,
               f->spread, f->samples);
}

void calib_json(const struct calib_fp *f, struct buf *out)
{
    buf_printf(out, "{\"status\":%d,\"text_size_min\":%llu,\"text_size_max\":%llu,\"words\":%llu,"
               "\"lines\":%llu,\"title\":", f->sig.status, (unsigned long long)f->size_lo,
               (unsigned long long)f->size_hi, (unsigned long long)f->sig.words,
               (unsigned long long)f->sig.lines);
    buf_json_str(out, f->sig.title, strlen(f->sig.title), 0);
    buf_append_str(out, ",\"location\":");
    buf_json_str(out, f->sig.location, strlen(f->sig.location), 0);
    buf_printf(out, ",\"simhash\":\"%016llx\",\"spread\":%d,\"samples\":%u}",
               (unsigned long long)f->sig.simhash, f->spread, f->samples);
}

void calib_word(char *out, size_t len, uint64_t *seed)
{
    static const char set[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (size_t i = 0; i < len; i++) {
        *seed = mix(*seed + 0x9e3779b97f4a7c15ull);
        out[i] = set[*seed % (sizeof set - 1)];
    }
    out[len] = '\0';
}

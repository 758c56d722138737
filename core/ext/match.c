/* match: compiling and running the [match] and [filter] rules. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "ext/match.h"

#include "net/reqres.h"

#include <ctype.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* In order of cost: the first four need no body at all. */
enum kind { K_STATUS, K_SIZE, K_TIME, K_HEADER, K_WORDS, K_LINES, K_CONTAINS, K_NOT_CONTAINS,
            K_REGEX };

struct range {
    double lo, hi;
};

struct rule {
    enum kind kind;
    int filter;
    char *name;              /* "match.status=200": the reason shown */
    unsigned char *status;   /* K_STATUS: 600 flags */
    struct range *r;         /* K_SIZE, K_TIME, K_WORDS, K_LINES */
    size_t nr;
    const char *text;        /* K_CONTAINS, K_NOT_CONTAINS: borrowed */
    size_t tlen;
    char *hname;             /* K_HEADER */
    pcre2_code *re;          /* K_REGEX, K_HEADER */
};

/* ---- parsing ---- */

static const char *skip_sp(const char *p)
{
    while (*p == ' ')
        p++;
    return p;
}

/* "200,301-302", or "all" (ffuf's word for 100-599): fills set (may be
 * NULL to only check). */
static int parse_status(const char *list, unsigned char *set, char *err, size_t errlen)
{
    const char *p = skip_sp(list);
    if (!strncmp(p, "all", 3) && !*skip_sp(p + 3)) {
        for (int s = 100; set && s <= 599; s++)
            set[s] = 1;
        return 0;
    }
    while (*p) {
        char *end;
        long lo = strtol(p, &end, 10), hi = lo;
        if (end == p)
            goto bad;
        if (*end == '-') {
            const char *q = end + 1;
            hi = strtol(q, &end, 10);
            if (end == q)
                goto bad;
        }
        if (lo < 100 || hi > 599 || lo > hi) {
            snprintf(err, errlen, "status range %ld-%ld is not within 100-599", lo, hi);
            return -1;
        }
        if (set)
            for (long s = lo; s <= hi; s++)
                set[s] = 1;
        end = (char *)skip_sp(end);
        if (*end == ',')
            end++;
        else if (*end)
            goto bad;
        p = skip_sp(end);
    }
    return 0;
bad:
    snprintf(err, errlen, "\"%s\" is not a status list (e.g. 200,301-302, or all)", list);
    return -1;
}

/* "0,100-200,>5000,<10": ranges of non-negative numbers. */
static int parse_ranges(const char *list, struct range **out, size_t *nout, char *err,
                        size_t errlen)
{
    struct range *v = NULL;
    size_t n = 0;
    const char *p = skip_sp(list);
    if (!*p)
        goto bad;
    while (*p) {
        char *end;
        struct range r;
        if (*p == '>' || *p == '<') {
            char op = *p++;
            double x = strtod(p, &end);
            if (end == p || x < 0)
                goto bad;
            r = op == '>' ? (struct range){x + 1e-9, 1e300} : (struct range){0, x - 1e-9};
        } else {
            r.lo = r.hi = strtod(p, &end);
            if (end == p || r.lo < 0 || *p == '-' || *p == '+')
                goto bad;
            if (*end == '-') {
                const char *q = end + 1;
                r.hi = strtod(q, &end);
                if (end == q || r.hi < r.lo)
                    goto bad;
            }
        }
        end = (char *)skip_sp(end);
        if (*end == ',')
            end++;
        else if (*end)
            goto bad;
        p = skip_sp(end);
        if (out) {
            struct range *nv = realloc(v, (n + 1) * sizeof *nv);
            if (!nv) {
                free(v);
                snprintf(err, errlen, "out of memory");
                return -1;
            }
            v = nv;
        }
        if (out)
            v[n] = r;
        n++;
    }
    if (out) {
        *out = v;
        *nout = n;
    }
    return 0;
bad:
    free(v);
    snprintf(err, errlen, "\"%s\" is not a list of numbers and ranges (e.g. 0,100-200,>5000)",
             list);
    return -1;
}

pcre2_code *match_regex(const char *re, size_t *offset, char *why, size_t whylen)
{
    int code;
    PCRE2_SIZE off = 0;
    pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
                                  PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &code, &off, NULL);
    *offset = (size_t)off;
    if (!c) {
        pcre2_get_error_message(code, (PCRE2_UCHAR *)why, whylen);
        return NULL;
    }
    pcre2_jit_compile(c, PCRE2_JIT_COMPLETE); /* slower interpreter if JIT is missing */
    return c;
}

static pcre2_code *compile(const char *re, char *err, size_t errlen)
{
    char why[160];
    size_t off;
    pcre2_code *c = match_regex(re, &off, why, sizeof why);
    if (!c)
        snprintf(err, errlen, "regex \"%s\": %s at offset %zu", re, why, off);
    return c;
}

/* "Name: regex" -> name (trimmed) and where the regex starts. */
static int split_header(const char *rule, char *name, size_t nlen, const char **re)
{
    const char *colon = strchr(rule, ':');
    if (!colon || colon == rule || (size_t)(colon - rule) >= nlen)
        return -1;
    size_t n = (size_t)(colon - rule);
    while (n && rule[n - 1] == ' ')
        n--;
    for (size_t i = 0; i < n; i++) {
        if (rule[i] == ' ')
            return -1;
        name[i] = (char)tolower((unsigned char)rule[i]);
    }
    name[n] = '\0';
    *re = skip_sp(colon + 1);
    return n ? 0 : -1;
}

int match_status_check(const char *list, char *err, size_t errlen)
{
    return parse_status(list, NULL, err, errlen);
}

int match_status_set(const char *list, unsigned char set[600], char *err, size_t errlen)
{
    memset(set, 0, 600);
    return parse_status(list, set, err, errlen);
}

int match_range_check(const char *list, char *err, size_t errlen)
{
    return *list ? parse_ranges(list, NULL, NULL, err, errlen) : 0;
}

int match_regex_check(const char *re, char *err, size_t errlen)
{
    pcre2_code *c = compile(re, err, errlen);
    pcre2_code_free(c);
    return c ? 0 : -1;
}

int match_header_check(const char *rule, char *err, size_t errlen)
{
    char name[128];
    const char *re;
    if (split_header(rule, name, sizeof name, &re) < 0) {
        snprintf(err, errlen, "\"%s\" is not 'Header-Name: regex'", rule);
        return -1;
    }
    return match_regex_check(re, err, errlen);
}

/* ---- building ---- */

static struct rule *add(struct match_rules *m, enum kind k, int filter, const char *key,
                        const char *value)
{
    struct rule *v = realloc(m->v, (m->n + 1) * sizeof *v);
    if (!v)
        return NULL;
    m->v = v;
    struct rule *r = &v[m->n];
    memset(r, 0, sizeof *r);
    r->kind = k;
    r->filter = filter;
    size_t len = strlen(key) + strlen(value) + 16;
    if (!(r->name = malloc(len)))
        return NULL;
    snprintf(r->name, len, "%s.%s=%s", filter ? "filter" : "match", key, value);
    m->n++;
    return r;
}

static int add_one(struct match_rules *m, enum kind k, int filter, const char *key,
                   const char *value, char *err, size_t errlen)
{
    struct rule *r = add(m, k, filter, key, value);
    if (!r)
        return snprintf(err, errlen, "out of memory"), -1;
    switch (k) {
    case K_STATUS:
        if (!(r->status = calloc(600, 1)))
            return snprintf(err, errlen, "out of memory"), -1;
        return parse_status(value, r->status, err, errlen);
    case K_SIZE:
    case K_TIME:
    case K_WORDS:
    case K_LINES:
        return parse_ranges(value, &r->r, &r->nr, err, errlen);
    case K_CONTAINS:
    case K_NOT_CONTAINS:
        r->text = value;
        r->tlen = strlen(value);
        return 0;
    case K_REGEX:
        return (r->re = compile(value, err, errlen)) ? 0 : -1;
    case K_HEADER: {
        char name[128];
        const char *re;
        if (split_header(value, name, sizeof name, &re) < 0 || !(r->hname = strdup(name)))
            return snprintf(err, errlen, "\"%s\" is not 'Header-Name: regex'", value), -1;
        return (r->re = compile(re, err, errlen)) ? 0 : -1;
    }
    }
    return 0;
}

static int add_list(struct match_rules *m, enum kind k, int filter, const char *key,
                    const struct strlist *l, char *err, size_t errlen)
{
    for (size_t i = 0; i < l->n; i++)
        if (add_one(m, k, filter, key, l->v[i], err, errlen) < 0)
            return -1;
    return 0;
}

static int add_str(struct match_rules *m, enum kind k, int filter, const char *key,
                   const char *v, char *err, size_t errlen)
{
    return v && *v ? add_one(m, k, filter, key, v, err, errlen) : 0;
}

static int by_cost(const void *a, const void *b)
{
    const struct rule *x = a, *y = b;
    if (x->filter != y->filter)
        return x->filter - y->filter;
    return (int)x->kind - (int)y->kind;
}

int match_init(struct match_rules *m, const struct match_settings *c, char *err,
               size_t errlen)
{
    memset(m, 0, sizeof *m);
    m->any = c->mode && !strcmp(c->mode, "any");
    m->raw = c->raw;
    for (int f = 0; f <= 1; f++) {
        const struct rules_conf *rc = f ? c->filter : c->match;
        if (add_str(m, K_STATUS, f, "status", rc->status, err, errlen) ||
            add_list(m, K_CONTAINS, f, "contains", &rc->contains, err, errlen) ||
            add_list(m, K_REGEX, f, "regex", &rc->regex, err, errlen) ||
            add_str(m, K_SIZE, f, "size", rc->size, err, errlen) ||
            add_str(m, K_WORDS, f, "words", rc->words, err, errlen) ||
            add_str(m, K_LINES, f, "lines", rc->lines, err, errlen) ||
            add_list(m, K_HEADER, f, "header", &rc->header, err, errlen) ||
            add_str(m, K_TIME, f, "time", rc->time, err, errlen))
            goto fail;
        if (!f && add_list(m, K_NOT_CONTAINS, 0, "not_contains", c->not_contains, err,
                           errlen))
            goto fail;
    }
    if (m->n)
        qsort(m->v, m->n, sizeof *m->v, by_cost);
    for (size_t i = 0; i < m->n; i++) {
        m->nmatch += !m->v[i].filter;
        if (m->v[i].kind >= K_WORDS)
            m->needs_text = 1;
        if ((m->v[i].kind == K_REGEX || m->v[i].kind == K_HEADER) && !m->md &&
            !(m->md = pcre2_match_data_create(1, NULL))) {
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
    }
    return 0;
fail:
    match_free(m);
    return -1;
}

void match_free(struct match_rules *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->v[i].name);
        free(m->v[i].status);
        free(m->v[i].r);
        free(m->v[i].hname);
        pcre2_code_free(m->v[i].re);
    }
    free(m->v);
    pcre2_match_data_free(m->md);
    memset(m, 0, sizeof *m);
}

int match_any_rule(const struct match_rules *m)
{
    return m->n > 0;
}

/* ---- running ---- */

/* As ffuf counts, so that --fw and --fl values read off an ffuf run
 * filter the same pages: words are the spaces plus one, lines the
 * newlines plus one (an empty page is one word on one line; tabs do not
 * part words). Checked against ffuf 1.1's own counts (unit_match). */
void match_count(const char *t, size_t n, uint64_t *words, uint64_t *lines)
{
    uint64_t sp = 0, nl = 0;
    for (size_t i = 0; i < n; i++) {
        sp += t[i] == ' ';
        nl += t[i] == '\n';
    }
    *words = sp + 1;
    *lines = nl + 1;
}

static int in_ranges(const struct rule *r, double x)
{
    for (size_t i = 0; i < r->nr; i++)
        if (x >= r->r[i].lo && x <= r->r[i].hi)
            return 1;
    return 0;
}

static int re_hit(struct match_rules *m, const pcre2_code *re, const char *s, size_t n)
{
    return pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, m->md, NULL) >= 0;
}

struct view {
    const char *text;
    size_t len;
    int have_text, have_counts;
    uint64_t words, lines;
};

static void need_text(struct match_rules *m, struct salvo_res *r, struct view *v)
{
    if (v->have_text)
        return;
    if (m->raw) {
        v->text = r->body.p ? r->body.p : "";
        v->len = r->body.len;
    } else {
        v->text = res_text(r, &v->len);
    }
    v->have_text = 1;
}

/* Whether the rule's condition match_holds (for a filter: whether it rejects). */
static int match_holds(struct match_rules *m, const struct rule *u, struct salvo_res *r,
                 struct view *v)
{
    switch (u->kind) {
    case K_STATUS:
        return r->status >= 0 && r->status < 600 && u->status[r->status];
    case K_SIZE:
        return in_ranges(u, (double)r->length);
    case K_TIME:
        return in_ranges(u, r->elapsed * 1000.0);
    case K_HEADER: {
        const char *h = res_header_get(r, u->hname);
        return h && re_hit(m, u->re, h, strlen(h));
    }
    default:
        break;
    }
    need_text(m, r, v);
    switch (u->kind) {
    case K_WORDS:
    case K_LINES:
        if (!v->have_counts) {
            match_count(v->text, v->len, &v->words, &v->lines);
            v->have_counts = 1;
        }
        return in_ranges(u, (double)(u->kind == K_WORDS ? v->words : v->lines));
    case K_CONTAINS:
        return memmem(v->text, v->len, u->text, u->tlen) != NULL;
    case K_NOT_CONTAINS:
        return memmem(v->text, v->len, u->text, u->tlen) == NULL;
    case K_REGEX:
        return re_hit(m, u->re, v->text, v->len);
    default:
        return 0;
    }
}

int match_eval(struct match_rules *m, struct salvo_res *r, const char **why)
{
    struct view v = {0};
    size_t i = 0;
    *why = NULL;
    if (m->nmatch) {
        int any_held = 0;
        for (; i < m->nmatch; i++) {
            int h = match_holds(m, &m->v[i], r, &v);
            if (!h && !m->any) {
                *why = m->v[i].name;
                return 0;
            }
            if (h && m->any) {
                any_held = 1;
                break;
            }
        }
        if (m->any && !any_held) {
            *why = "match.mode=any: no match rule held";
            return 0;
        }
    }
    for (i = m->nmatch; i < m->n; i++)
        if (match_holds(m, &m->v[i], r, &v)) {
            *why = m->v[i].name;
            return 0;
        }
    return 1;
}

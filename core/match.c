/* match: declarative rules from [match]. The status check runs first
 * because it needs no decoding; text rules see the page decoded to UTF-8. */
#include "match.h"

#include "opt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parse list into set (may be NULL to only check). */
static int parse_status(const char *list, unsigned char *set, char *err, size_t errlen)
{
    const char *p = list;
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
        while (*end == ' ')
            end++;
        if (*end == ',')
            end++;
        else if (*end)
            goto bad;
        while (*end == ' ')
            end++;
        p = end;
    }
    return 0;
bad:
    snprintf(err, errlen, "\"%s\" is not a status list (e.g. 200,301-302)", list);
    return -1;
}

int match_status_check(const char *list, char *err, size_t errlen)
{
    return parse_status(list, NULL, err, errlen);
}

void match_init(struct match_rules *m, const struct conf *c)
{
    char err[128];
    memset(m, 0, sizeof *m);
    if (c->match_status && *c->match_status) {
        m->has_status = 1;
        parse_status(c->match_status, m->status, err, sizeof err);
    }
    m->contains = c->match_contains.v;
    m->ncontains = c->match_contains.n;
    m->not_contains = c->match_not_contains.v;
    m->nnot_contains = c->match_not_contains.n;
}

int match_any_rule(const struct match_rules *m)
{
    return m->has_status || match_needs_text(m);
}

int match_needs_text(const struct match_rules *m)
{
    return m->ncontains || m->nnot_contains;
}

int match_status_ok(const struct match_rules *m, int status)
{
    if (!m->has_status)
        return 1;
    return status >= 0 && status < 600 && m->status[status];
}

int match_text_ok(const struct match_rules *m, const char *text, size_t len)
{
    for (size_t i = 0; i < m->ncontains; i++)
        if (!memmem(text, len, m->contains[i], strlen(m->contains[i])))
            return 0;
    for (size_t i = 0; i < m->nnot_contains; i++)
        if (memmem(text, len, m->not_contains[i], strlen(m->not_contains[i])))
            return 0;
    return 1;
}

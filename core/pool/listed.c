/* listed: see listed.h. */
#include "pool/listed.h"

#include "base/buf.h"
#include "base/input.h"
#include "base/tmpl.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t listed_hash(const char *w, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    uint64_t h = UTIL_FNV_OFFSET;
    size_t run = 0; /* bytes a URL carries as they are, not hashed yet */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)w[i];
        if (!tmpl_escapes(c))
            continue;
        h = util_fnv1a(h, w + run, i - run);
        char e[3] = {'%', hex[c >> 4], hex[c & 15]};
        h = util_fnv1a(h, e, 3);
        run = i + 1;
    }
    return util_fnv1a(h, w + run, n - run);
}

int listed_add(struct listed *l, const char *w, size_t n)
{
    return listed_add_hash(l, listed_hash(w, n));
}

int listed_add_hash(struct listed *l, uint64_t h)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap + l->cap / 2 : 1024;
        uint64_t *grown = realloc(l->h, cap * sizeof *grown);
        if (!grown)
            return -1;
        l->h = grown;
        l->cap = cap;
    }
    l->h[l->n++] = h;
    return 0;
}

static int hash_order(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

void listed_seal(struct listed *l)
{
    if (!l->n)
        return;
    qsort(l->h, l->n, sizeof *l->h, hash_order);
    size_t k = 1;
    for (size_t i = 1; i < l->n; i++)
        if (l->h[i] != l->h[k - 1])
            l->h[k++] = l->h[i];
    l->n = k;
}

/* The open table's slot for x: its own, or the empty one it would take
 * (0 marks an empty slot, so a hash of 0 is kept as 1). */
static size_t slot(const struct listed *l, uint64_t x)
{
    size_t i = (size_t)(x ^ (x >> 29)) & (l->cap - 1);
    while (l->h[i] && l->h[i] != x)
        i = (i + 1) & (l->cap - 1);
    return i;
}

static int open_grow(struct listed *l)
{
    size_t cap = l->cap ? l->cap * 2 : 1024;
    uint64_t *old = l->h, *t = calloc(cap, sizeof *t);
    if (!t)
        return -1;
    size_t was = l->cap;
    l->h = t;
    l->cap = cap;
    for (size_t i = 0; i < was; i++)
        if (old[i])
            l->h[slot(l, old[i])] = old[i];
    free(old);
    return 0;
}

int listed_put(struct listed *l, const char *w, size_t n)
{
    uint64_t x = listed_hash(w, n);
    x += !x;
    l->open = 1;
    if ((l->n + 1) * 2 > l->cap && open_grow(l) < 0)
        return -1;
    size_t i = slot(l, x);
    if (!l->h[i]) {
        l->h[i] = x;
        l->n++;
    }
    return 0;
}

int listed_has(const struct listed *l, const char *w, size_t n)
{
    uint64_t x = listed_hash(w, n);
    if (l->open) {
        x += !x;
        return l->cap && l->h[slot(l, x)] == x;
    }
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->h[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < l->n && l->h[lo] == x;
}

/* The words of one chunk of text ('\n'-separated) into the set. */
static int add_chunk_words(struct listed *l, const struct buf *text)
{
    size_t at = 0, n;
    const char *w;
    while (buf_next_line(text, &at, &w, &n))
        if (listed_add(l, w, n) < 0)
            return -1;
    return 0;
}

int listed_read(struct listed *l, const char *path, const struct input *like, char *err,
                size_t errlen)
{
    struct input in;
    if (input_open(&in, path, err, errlen) < 0)
        return -1;
    in.ignore_comments = like->ignore_comments;
    in.exts = like->exts;
    struct buf text = {0};
    int rc = 0;
    while (rc == 0 && !input_done(&in)) {
        size_t words;
        buf_reset(&text);
        size_t lines = input_take(&in, 4096, &text, &words, NULL);
        if (lines) {
            if (add_chunk_words(l, &text) < 0) {
                snprintf(err, errlen, "%s: out of memory", path);
                rc = -1;
            }
        } else if (input_fill(&in) < 0) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            rc = -1;
        }
    }
    buf_free(&text);
    input_close(&in);
    listed_seal(l);
    return rc;
}

void listed_free(struct listed *l)
{
    free(l->h);
    memset(l, 0, sizeof *l);
}

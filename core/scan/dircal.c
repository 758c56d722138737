/* dircal: each directory's learned not-found pages (see dircal.h). */
#include "scan/dircal.h"

#include <stdlib.h>
#include <string.h>

#define DIRCAL_IDLE 32 /* sets kept with no chunk using them */

struct dircal *dircal_get(struct dircals *d, const char *prefix, size_t len, int *fresh)
{
    *fresh = 0;
    for (struct dircal *dc = d->head; dc; dc = dc->next)
        if (strlen(dc->prefix) == len && !memcmp(dc->prefix, prefix, len)) {
            dc->refs++;
            return dc;
        }
    struct dircal *dc = calloc(1, sizeof *dc);
    if (!dc || !(dc->prefix = strndup(prefix, len))) {
        free(dc);
        return NULL;
    }
    dc->set.dir = dc->prefix;
    dc->refs = 1;
    dc->next = d->head;
    d->head = dc;
    d->n++;
    *fresh = 1;
    return dc;
}

static void drop_idle(struct dircals *d)
{
    /* The oldest idle sets go: the list is newest first. */
    size_t idle = 0;
    for (struct dircal **pp = &d->head; *pp;) {
        struct dircal *dc = *pp;
        if (dc->refs || dc->pending || ++idle <= DIRCAL_IDLE) {
            pp = &dc->next;
            continue;
        }
        *pp = dc->next;
        free(dc->prefix);
        free(dc);
        d->n--;
    }
}

void dircal_put(struct dircals *d, struct dircal *dc)
{
    if (dc && dc->refs && !--dc->refs)
        drop_idle(d);
}

struct dircal *dircal_of(struct calib_set *set, const struct calib_set *scan)
{
    return set && set != scan ? (struct dircal *)set : NULL;
}

void dircal_free(struct dircals *d)
{
    for (struct dircal *dc = d->head, *nx; dc; dc = nx) {
        nx = dc->next;
        free(dc->prefix);
        free(dc);
    }
    d->head = NULL;
    d->n = 0;
}

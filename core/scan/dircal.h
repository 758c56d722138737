/* dircal: --recursion with --calibrate in a worker. Each directory's
 * not-found page is learned apart (a directory's 404 page, or its soft
 * 200 page, can differ from the root's), from random words under it,
 * before any of its words is judged. A worker keeps the sets of the
 * directories it has seen; sets no chunk uses are dropped beyond a few. */
#ifndef SALVO_DIRCAL_H
#define SALVO_DIRCAL_H
#include <stddef.h>

#include "scan/judge.h"

struct dircal {
    struct calib_set set;   /* first: a probe's p->cal is &dc->set */
    char *prefix;           /* the directory's words start with it */
    unsigned pending;       /* calibration probes out: its words wait */
    int started;            /* its calibration probes were started */
    unsigned refs;          /* chunks of the directory held */
    struct dircal *next;
};

struct dircals {
    struct dircal *head;
    size_t n;
};

/* The set for prefix[0..len), with a reference; *fresh = 1 if it is new
 * (then its calibration probes are the caller's to start). NULL: out of
 * memory. */
struct dircal *dircal_get(struct dircals *d, const char *prefix, size_t len, int *fresh);
/* A chunk let go of dc. */
void dircal_put(struct dircals *d, struct dircal *dc);
/* The dircal of a probe's set, or NULL for the scan's own. */
struct dircal *dircal_of(struct calib_set *set, const struct calib_set *scan);
void dircal_free(struct dircals *d);
#endif

/* statsjson: --stats-json, the scan's progress for programs (dashboards,
 * schedulers): one JSON object a line, every few seconds and once at the
 * end (statsjson.c). */
#ifndef SALVO_STATSJSON_H
#define SALVO_STATSJSON_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct scan_stats;

struct statsjson {
    FILE *f;               /* NULL: off */
    int own;               /* f was opened here */
    double interval;       /* seconds between lines */
    double last;           /* when the last line was written */
    double last_t;         /* the sample "rate_now" is measured from */
    uint64_t last_words;
};

/* path: a file (created, or cut to nothing), "-" for standard error, or
 * "" for off. 0, or -1 with err naming the path. */
int statsjson_open(struct statsjson *s, const char *path, double interval, char *err,
                   size_t errlen);
/* A line when one is due, or always with final (the scan's end). total:
 * the words to do (0 when not known yet). */
void statsjson_tick(struct statsjson *s, const struct scan_stats *st, uint64_t total, int final);
void statsjson_close(struct statsjson *s);
#endif

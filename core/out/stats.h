/* stats: what a scan did, counted by the parent as results come in: the
 * summary, the report, the progress line and the queue's collector read it,
 * and none of them needs the pool that filled it. */
#ifndef SALVO_STATS_H
#define SALVO_STATS_H
#include <stdint.h>

#include "base/hoststat.h"

struct scan_stats {
    int procs;
    uint64_t words_done;   /* in chunks whose results are all written */
    uint64_t lines_done;   /* the input lines of those, blank ones included */
    uint64_t hits;
    uint64_t errors;
    uint64_t script_errors; /* of which raised by the Lua script */
    uint64_t lost;         /* never probed: every worker died */
    uint64_t crashes;
    uint64_t retries;      /* tries made again (connect errors, timeouts, 429, 503) */
    uint64_t misses;       /* answers the plugin or script turned down */
    uint64_t filtered;     /* answers a [match]/[filter] rule turned down */
    uint64_t calibrated;   /* answers taken for a learned not-found page */
    uint64_t shown_filtered; /* of those, written with --show-filtered */
    uint64_t errclass[16]; /* errors by class (enum err_class) */
    /* What calibration learned (the first worker to finish it), and how
     * often a worker saw the not-found page change during the scan. */
    uint32_t calib_probes, calib_pages;
    char *calib_text, *calib_json;
    uint64_t calib_changes;
    uint64_t wildcards;    /* names whose DNS answers are the wildcard's */
    uint64_t fetches;      /* requests scripts made (salvo.fetch), answered or not */
    uint64_t by_client[3]; /* transfers started by salvo's HTTP/1.1 client, its HTTP/2 client, curl */
    uint64_t directories;  /* --recursion: directories found, each scanned */
    uint64_t followed;     /* words scripts followed (salvo.follow), each probed */
    uint64_t window;       /* transfers in flight at most, all workers now */
    uint64_t words_ended;  /* words whose probe ended, as the workers said (progress) */
    uint64_t words_before; /* words an earlier run did (--resume): skipped, done */
    char *wild_text;       /* "*.domain ip,ip" from the first worker, or NULL */
    uint64_t long_lines;
    double start, elapsed; /* seconds */
    uint64_t status[600];  /* responses by status (hits and misses) */
    uint64_t sizes[32];    /* responses by body size, log2 buckets */
    /* Addresses slowed down (--auto-tune) or given up (--auto-bail,
     * --max-time-per-host): the first nhosts of them, given up first. */
    struct hoststat hosts[HOSTSTAT_MAX];
    uint32_t nhosts, hosts_slowed, hosts_gave_up;
};

/* Words this run has done, as the progress line and --stats-json count
 * them: as the workers report their ends (four times a second), never
 * fewer than the words of whole chunks nor the results already written.
 * An earlier run's (words_before) are not in it. */
static inline uint64_t stats_words_run(const struct scan_stats *st)
{
    uint64_t d = st->words_done > st->words_ended ? st->words_done : st->words_ended;
    return d > st->hits + st->errors ? d : st->hits + st->errors;
}
#endif

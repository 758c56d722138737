/* pooltypes: what a scan in the parent is given and what it reports:
 * its settings, its statistics, and where chunks come from when not from
 * the wordlist. Shared by the parent's two halves (pool.c, handout.c) and
 * their callers. */
#ifndef SALVO_POOLTYPES_H
#define SALVO_POOLTYPES_H
#include <stdint.h>

struct buf;
struct uv_loop_s;
struct worker_settings;

/* What the parent needs of the configuration. */
struct pool_settings {
    long procs;                 /* 0 = one per core */
    long chunk;                 /* lines per chunk */
    int quiet, verbose;
    double rate, dns_rate;      /* shared limiters, 0 = none */
    long per_ip_concurrency;
    double per_ip_rate;
    const char *template;       /* for the URL of a quarantined word */
    double judge_timeout;       /* s a worker's plugin code may run on one word */
    double exit_grace;          /* s a worker may take to exit once it has nothing left */
    const struct worker_settings *worker;
};

struct pool_stats {
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
    uint64_t window;       /* transfers in flight at most, all workers now */
    uint64_t words_ended;  /* words whose probe ended, as the workers said (progress) */
    char *wild_text;       /* "*.domain ip,ip" from the first worker, or NULL */
    uint64_t long_lines;
    double start, elapsed; /* seconds */
    uint64_t status[600];  /* responses by status (hits and misses) */
    uint64_t sizes[32];    /* responses by body size, log2 buckets */
};

/* Where chunks come from and where their results go when they are not
 * the wordlist and the output alone: the Redis work queue. Its event loop
 * is polled together with the workers, so it lives in the parent's loop. */
struct buf;
struct uv_loop_s;
struct pool_src {
    void *ud;
    struct uv_loop_s *loop;
    /* The next chunk: words '\n'-separated into text, their number, and a
     * tag for done(). 1 = one given, 0 = none now, -1 = no more ever. */
    int (*take)(void *ud, struct buf *text, size_t *words, uint64_t *tag);
    /* A chunk is scanned: frames holds its results as MSG_RESULT frames
     * (msg_put_result), which done() may take over (then it resets frames). */
    void (*done)(void *ud, uint64_t tag, struct buf *frames, uint32_t nresults);
    /* In a newly forked worker: close what belongs to the parent's loop. */
    void (*child)(void *ud);
};
#endif

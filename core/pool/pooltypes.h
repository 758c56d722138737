/* pooltypes: what a scan in the parent is given (its settings), and where
 * chunks come from when not from the wordlist; what it reports is stats.h's. Shared by the parent's two halves (pool.c, handout.c) and
 * their callers. */
#ifndef SALVO_POOLTYPES_H
#define SALVO_POOLTYPES_H
#include <stdint.h>

#include "out/stats.h"
#include "scan/perip.h"

struct buf;
struct uv_loop_s;
struct worker_settings;

/* What the parent needs of the configuration. */
struct statsjson;

struct pool_settings {
    long procs;                 /* 0 = one per core */
    long chunk;                 /* lines per chunk */
    int quiet, verbose;
    double rate, dns_rate;      /* shared limiters, 0 = none */
    long per_ip_concurrency;
    double per_ip_rate;
    struct perip_tune tune;     /* --auto-tune, --auto-bail, --max-time-per-host */
    const char *template;       /* for the URL of a quarantined word */
    double judge_timeout;       /* s a worker's plugin code may run on one word */
    double exit_grace;          /* s a worker may take to exit once it has nothing left */
    const struct worker_settings *worker;
    double max_time;            /* s the scan may run before it stops as on SIGINT; 0 = none */
    struct statsjson *stats_json; /* --stats-json, or NULL */
    unsigned recursion;         /* --recursion-depth; 0 = no --recursion */
    const char *wordlist;       /* --recursion: read again under each directory */
    unsigned follow_depth;      /* --max-depth: levels of salvo.follow() */
    uint64_t max_follows;       /* --max-follows: follow-ups in a scan */
    int may_follow;             /* the plugin may follow: a list from stdin is kept */
};


/* Where chunks come from and where their results go when they are not
 * the wordlist and the output alone: the Redis work queue. Its event loop
 * is polled together with the workers, so it lives in the parent's loop. */
struct buf;
struct uv_loop_s;
/* A chunk's place in the scan's tree: its level (0 = the wordlist's own),
 * the URL that led to it and, for a directory's words (--recursion), the
 * directory's path before each word. The strings are malloc'ed and the
 * taker's; NULL when none. */
struct pool_from {
    uint32_t depth;
    char *parent;
    char *prefix;
};
struct pool_src {
    void *ud;
    struct uv_loop_s *loop;
    /* The next chunk: words '\n'-separated into text, their number, and a
     * tag for done(); where it comes from in *from. 1 = one given, 0 =
     * none now, -1 = no more ever. */
    int (*take)(void *ud, struct buf *text, size_t *words, uint64_t *tag,
                struct pool_from *from);
    /* A chunk is scanned: frames holds its results as MSG_RESULT frames
     * (msg_put_result), follows its scripts' follow-ups (recurse.c's
     * records); done() may take either over (then it resets it). */
    void (*done)(void *ud, uint64_t tag, struct buf *frames, uint32_t nresults,
                 struct buf *follows);
    /* In a newly forked worker: close what belongs to the parent's loop. */
    void (*child)(void *ud);
};
#endif

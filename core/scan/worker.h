/* worker: the scanning side of the process pool. */
#ifndef SALVO_WORKER_H
#define SALVO_WORKER_H
#include <stdint.h>

#include "net/dns.h"
#include "net/engine.h"
#include "ext/match.h"
#include "scan/probe.h"
#include "scan/resolve.h"
#include "base/strlist.h"

struct beacon;
struct plugin;
struct perip;
struct rate;

/* What a worker needs of the configuration: the settings of the modules
 * it sets up, and its own. Made once by main.c, read by every worker. */
struct worker_settings {
    struct engine_settings engine;
    struct probe_settings probe;     /* keys: set by the worker from the lists */
    struct match_settings match;
    int dns_stage;                   /* resolve names with the DNS stage */
    struct dns_settings dns;
    struct resolve_settings resolve;
    const struct strlist *wordlists; /* -w specs, for {KEY} */
    const char *mode;                /* clusterbomb | pitchfork */
    const struct strlist *plugin_args;
    const struct strlist *extract;   /* --extract NAME:PCRE */
    const struct strlist *user_agents; /* -A random: one is this worker's, or NULL */
    const char *replay_proxy;        /* --replay-proxy URL, "" = none */
    const char *replay_codes;        /* the statuses replayed, "" = every hit */
    int show_filtered;               /* send misses and filtered responses too */
    const char *store_dir;           /* --store-responses DIR, NULL = none */
    int store_all;                   /* --store-all: every exchange, not only hits */
    int calibrate;
    long calibrate_words;
    long recalibrate;                /* probes between checks, 0 = never */
    int wildcard_dns;
    long memory;                     /* RLIMIT_AS in bytes, 0 = none */
};

/* Run one worker on the socket fd to the parent until the parent says the
 * input has ended and every result is sent; workers: how many the pool
 * runs (they share the targets). Returns the exit status. */
int worker_run(int fd, const struct worker_settings *s, struct plugin *plugin,
               struct beacon *beacon, struct rate *rate, struct rate *dns_rate,
               struct perip *perip, unsigned workers);
#endif

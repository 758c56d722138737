/* config: struct conf, the effective configuration, as the option table
 * (optable.c) fills it and main.c reads it into each module's settings. */
#ifndef SALVO_CONFIG_H
#define SALVO_CONFIG_H
#include <stddef.h>
#include <stdint.h>

#include "base/strlist.h"
#include "ext/match.h"

/* The effective configuration. Strings are owned (malloc'ed). */
struct conf {
    /* [scan] */
    struct strlist wordlists; /* -w specs: FILE, or FILE:KEY each */
    const char *wordlist;     /* the (first) file, set from wordlists by main */
    char *mode;               /* clusterbomb | pitchfork */
    char *list;               /* -l FILE: full URLs, one a line ("" = none) */
    int ignore_comments;
    int auto_tune;     /* slow an address down when it pushes back (429, 503) */
    char *template;
    char *plugin;
    long procs;        /* 0 = one per core */
    long concurrency;  /* transfers in flight per worker */
    long chunk;        /* lines per chunk handed to a worker */
    double rate;       /* requests a second, all workers together; 0 = no limit */
    long per_ip_concurrency; /* transfers in flight to one address; 0 = no cap */
    double per_ip_rate;      /* requests a second to one address; 0 = no limit */
    char *shard;       /* "K/N", "auto/N" or "" */
    int lua_unsafe;
    int auto_bail;     /* give a host up on errors in a row or on 403/429 */
    char *extensions;      /* -e .php,.bak: "" = none */
    struct strlist exts;   /* the same, split (main.c; not an option) */
    long lua_instructions;
    long lua_memory;
    long max_fetches;      /* salvo.fetch() calls per word */
    int recursion;         /* scan the directories found */
    long recursion_depth;  /* levels below the template's */
    long max_depth;        /* levels of salvo.follow() */
    long max_follows;      /* follow-ups in a scan */
    char *fetch_scope;     /* origin | host | any */
    double judge_timeout; /* 0 = from --timeout */
    double max_time;      /* seconds the scan may run, 0 = no limit */
    double max_time_per_host; /* seconds from a host's first request; 0 = no limit */
    double bail_share;    /* percent of 403/429 answers that give a host up */
    long bail_errors;     /* transport errors in a row that give a host up */
    long bail_window;     /* answers bail_share is taken over */
    long worker_memory;   /* RLIMIT_AS of a worker, 0 = none */
    /* [http] */
    char *method;
    char *data;        /* request body, "" = none */
    double timeout;    /* seconds, whole transfer */
    double connect_timeout;
    long retries;
    char *user_agent;
    struct strlist headers;
    int follow_redirects;
    long max_redirects;
    long max_body;
    char *proxy;
    int verify_tls;
    int reuse_connections; /* keep connections for the next probes where HTTP allows */
    char *http_version;    /* auto | 1.1 | 2 */
    char *http_client;     /* auto | curl */
    int resume_across_names; /* TLS sessions offered to the next name on an address */
    struct strlist connect_to;
    struct strlist resolve;
    /* [dns] */
    char *resolver;        /* salvo (c-ares stage) | curl */
    struct strlist resolvers;
    long dns_per_resolver; /* queries in flight per resolver */
    long dns_tries;        /* resolvers asked at most per name */
    double dns_timeout;    /* seconds, all tries together */
    char *dns_family;      /* ipv4 | ipv6 | any */
    double dns_rate;       /* queries a second, all workers; 0 = no limit */
    int wildcard_dns;
    long wildcard_tests;
    int dns_only;
    /* [match] and [filter] */
    struct rules_conf match, filter;
    struct strlist match_not_contains;
    char *match_mode;  /* all | any */
    int match_raw;     /* text rules on the raw bytes */
    int calibrate;
    long calibrate_words;
    long recalibrate;  /* probes between checks that "not found" has not changed */
    /* [output] */
    char *format;
    char *detail;  /* auto | always | never */
    char *output;
    int errors;
    int show_filtered;
    struct strlist extract;  /* NAME:PCRE */
    char *request;           /* --request FILE, "" = none */
    char *replay_proxy;      /* every hit once more through it, "" = none */
    char *replay_codes;      /* the statuses replayed, "" = every hit */
    char *store_responses;   /* --store-responses DIR, "" = none */
    int store_all;           /* every exchange stored, not only hits */
    char *request_scheme;    /* http | https */
    char *stats_json;        /* "" = none, "-" = stderr */
    double stats_interval;
    struct strlist user_agents; /* -A random: the list's lines (main.c reads it) */
    char *summary_json;
    int quiet;
    int json;                /* salvo queue status --json */
    char *report;
    char *state;
    char *resume;
    char *retry_failed;
    /* [queue] */
    char *redis;       /* redis://[user[:password]@]host[:port][/db] */
    char *redis_password_file;
    struct strlist secret_headers; /* -H names whose values are never shown or stored */
    char *queue;       /* name: keys salvo:NAME:* */
    double claim_idle; /* seconds before another worker's chunk is taken over */
    /* [plugin]: "key=value" strings, in order */
    struct strlist plugin_args;
    /* command line only */
    char *config_path;
    struct strlist config_files; /* the INI files read, in order (not an option) */
    int ini_line[128];  /* line where the INI file set each option, 0 = not */
    int dump_config;
    int verbose;
    int list_plugins;
    int man;
    char *completion;
    int given_plugin, given_template; /* set by the user (CLI or INI) */
};

/* ffuf's default match, for a scan with neither a plugin nor a rule. */
#define OPT_DEFAULT_STATUS "200-299,301,302,307,401,403,405,500"
#endif

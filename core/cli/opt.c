/* opt: the option table and everything driven by it.
 *
 * Precedence: built-in defaults < the INI file given with -c < the command
 * line. Repeatable keys (header, connect_to, resolve, contains, ...) add up
 * across the INI file and the command line. Every value is checked when it
 * is set, so a bad value is reported with its origin (file:line or option)
 * before anything runs.
 */
#include "cli/opt.h"

#include "base/paths.h"

#include "base/codes.h"
#include "base/conf.h"
#include "cli/ffuf.h"
#include "cli/optable.h"
#include "cli/rawreq.h"
#include "base/util.h"
#include "net/dns.h"
#include "net/dnsconf.h"
#include "ext/extract.h"
#include "ext/match.h"
#include "queue/queue.h"

#define SALVO_HOST_SIDE
#include "salvo/plugin.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define O(f) offsetof(struct conf, f)
const struct opt opt_table[] = {
    {"scan", "wordlist", 'w', T_LIST, O(wordlists), NULL, "FILE[:KEY]",
     "words, one a line ('-' = stdin); several as FILE:KEY, each used as {KEY}", NULL, 0, 0,
     NULL, NULL},
    {"scan", "list", 'l', T_STR, O(list), "", "FILE",
     "a list of full URLs, one a line (httpx style): each is probed with its own scheme, host "
     "and port (the same as -w FILE -u {})", NULL, 0, 0, NULL, NULL},
    {"scan", "ignore_comments", 0, T_BOOL, O(ignore_comments), "no", NULL,
     "lines of the wordlist that start with # are no words", NULL, 0, 0, NULL, NULL},
    {"scan", "mode", 0, T_ENUM, O(mode), "clusterbomb", "MODE",
     "several wordlists: clusterbomb (every combination) or pitchfork (line i of each)",
     "clusterbomb|pitchfork", 0, 0, NULL, NULL},
    {"scan", "template", 'u', T_STR, O(template), "http://{}.baidu.com", "URL",
     "URL template, {} = the word", NULL, 0, 0, "url", NULL},
    {"scan", "plugin", 'p', T_STR, O(plugin), "baidu", "NAME|PATH",
     "plugin name, .so or .lua path; 'none' = the rules alone decide (default: baidu for the "
     "default template; with your own -u or rules and no -p, none; with no plugin and no "
     "match rule, ffuf's match: status " OPT_DEFAULT_STATUS ", which filters narrow)", NULL, 0, 0, NULL, NULL},
    {"scan", "processes", 'j', T_INT, O(procs), "0", "N",
     "worker processes (0 = one per core)", NULL, 0, 1024, "procs", NULL},
    {"scan", "concurrency", 't', T_INT, O(concurrency), "auto", "N|auto",
     "transfers in flight per worker; auto: grown while the rate rises, held at the CPU's "
     "limit, the open-files limit, --rate and the per-address caps, shrunk when connect "
     "errors and timeouts rise or a smaller window does as well", "auto", 1, 100000, NULL, NULL},
    {"scan", "rate", 0, T_DOUBLE, O(rate), "0", "N",
     "requests a second across all workers (0 = no limit)", NULL, 0.01, 1e7, NULL, NULL},
    {"scan", "per_ip_concurrency", 0, T_INT, O(per_ip_concurrency), "0", "N",
     "transfers in flight to one address, all workers together (0 = no cap)", NULL, 0, 1e6,
     NULL, NULL},
    {"scan", "per_ip_rate", 0, T_DOUBLE, O(per_ip_rate), "0", "N",
     "requests a second to one address, all workers together (0 = no limit)", NULL, 0.01, 1e7,
     NULL, NULL},
    {"scan", "shard", 0, T_SHARD, O(shard), "", "K/N",
     "only shard K of N of the input (1-based; auto/N: K from JOB_COMPLETION_INDEX)", NULL, 0,
     0, NULL, NULL},
    {"scan", "chunk", 0, T_INT, O(chunk), "256", "N",
     "lines handed to a worker at a time", NULL, 1, 1000000, NULL, NULL},
    {"scan", "lua_unsafe", 0, T_BOOL, O(lua_unsafe), "no", NULL,
     "give Lua scripts io, os, debug and native modules", NULL, 0, 0, NULL, NULL},
    {"scan", "lua_instructions", 0, T_INT, O(lua_instructions), "1000000", "N",
     "Lua instructions allowed per hook call", NULL, 1000, 1e12, NULL, NULL},
    {"scan", "lua_memory", 0, T_INT, O(lua_memory), "67108864", "BYTES",
     "memory cap of each worker's Lua state", NULL, 1 << 20, 1L << 40, NULL, NULL},
    {"scan", "worker_memory", 0, T_INT, O(worker_memory), "4294967296", "BYTES",
     "address space of each worker process (RLIMIT_AS), so that a plugin cannot take the "
     "machine's memory; 0 = no limit", NULL, 0, 1e15, NULL, NULL},
    {"scan", "max_time", 0, T_DOUBLE, O(max_time), "0", "SEC",
     "stop the scan after this long as on Ctrl-C: the probes in flight are finished, what is "
     "done is kept (with --state, or in salvo-PID.state) and --resume goes on; exit status 6 "
     "(0 = no limit)", NULL, 0, 1e9, NULL, NULL},
    {"scan", "judge_timeout", 0, T_DOUBLE, O(judge_timeout), "0", "SEC",
     "a worker whose plugin or script runs on one word this long is killed and the word "
     "quarantined (0 = 5 s, or 2.5 x --timeout if more)", NULL, 0, 86400, NULL, NULL},
    {"http", "method", 'X', T_STR, O(method), "GET", "METHOD",
     "request method", NULL, 0, 0, NULL, NULL},
    {"http", "data", 'd', T_STR, O(data), "", "BODY",
     "request body, with the word filled in like the template (method POST unless -X)", NULL,
     0, 0, NULL, NULL},
    {"http", "timeout", 0, T_DOUBLE, O(timeout), "2", "SEC",
     "whole-transfer timeout in seconds", NULL, 0.001, 86400, NULL, NULL},
    {"http", "retries", 0, T_INT, O(retries), "0", "N",
     "retries after a connect error, timeout, 429 or 503, with backoff", NULL, 0, 20, NULL, NULL},
    {"http", "connect_timeout", 0, T_DOUBLE, O(connect_timeout), "0", "SEC",
     "connect timeout in seconds (0 = the whole timeout)", NULL, 0, 86400, NULL, NULL},
    {"http", "user_agent", 'A', T_STR, O(user_agent), "salvo/" SALVO_VERSION, "UA|random",
     "User-Agent header; random: a browser's, one per worker, from user-agents.txt (one a "
     "line; yours in ~/.config/salvo/ replaces the shipped one)", NULL, 0, 0, NULL, NULL},
    {"http", "request", 0, T_STR, O(request), "", "FILE",
     "a raw HTTP request as Burp or ZAP saves it: its method, path, headers and body, {} (or "
     "FUZZ) anywhere in them; Host gives the target (instead of -u)", NULL, 0, 0, NULL, NULL},
    {"http", "request_scheme", 0, T_ENUM, O(request_scheme), "https", "SCHEME",
     "the scheme of --request's target", "http|https", 0, 0, NULL, NULL},
    {"http", "header", 'H', T_LIST, O(headers), NULL, "'K: V'",
     "extra request header (repeatable)", NULL, 0, 0, NULL, NULL},
    {"http", "follow_redirects", 0, T_BOOL, O(follow_redirects), "no", NULL,
     "follow redirects (the final response is matched)", NULL, 0, 0, NULL, NULL},
    {"http", "max_redirects", 0, T_INT, O(max_redirects), "5", "N",
     "redirects followed at most", NULL, 0, 100, NULL, NULL},
    {"http", "max_body", 0, T_INT, O(max_body), "1048576", "BYTES",
     "body bytes kept per response; the rest is dropped", NULL, 0, 1L << 30, NULL, NULL},
    {"http", "proxy", 'x', T_STR, O(proxy), "", "URL",
     "proxy (curl syntax: http://, socks5h://)", NULL, 0, 0, NULL, NULL},
    {"http", "replay_proxy", 0, T_STR, O(replay_proxy), "", "URL",
     "send every hit once more through this proxy (Burp, ZAP), so that it lands in its "
     "history; what the proxy answers changes no result", NULL, 0, 0, NULL, NULL},
    {"http", "replay_codes", 0, T_STATUS, O(replay_codes), "", "LIST",
     "replay only hits of these statuses (default: every hit)", NULL, 0, 0, NULL, NULL},
    {"http", "verify_tls", 0, T_BOOL, O(verify_tls), "no", NULL,
     "verify TLS certificates", NULL, 0, 0, NULL, NULL},
    {"http", "reuse_connections", 0, T_BOOL, O(reuse_connections), "yes", NULL,
     "keep connections open for the next probes where HTTP allows: paths on one host (HTTPS "
     "too), and plain-HTTP names on one address (Host names the site); no = a connection "
     "per probe", NULL, 0, 0, NULL, NULL},
    {"http", "resume_across_names", 0, T_BOOL, O(resume_across_names), "yes", NULL,
     "HTTPS: offer the last TLS session of an address to the next name there (one front "
     "end, one certificate: a short handshake instead of a full one); not with --verify-tls",
     NULL, 0, 0, NULL, NULL},
    {"http", "secret_header", 0, T_LIST, O(secret_headers), NULL, "NAME",
     "a header whose value is a secret: shown and stored as *** (Authorization, "
     "Proxy-Authorization and Cookie always are; repeatable)", NULL, 0, 0, NULL, NULL},
    {"http", "http_version", 0, T_ENUM, O(http_version), "auto", "VER",
     "auto: HTTP/2 over TLS when the server offers it and probes share connections, else "
     "HTTP/1.1 | 1.1 | 2: asked for always (--http1.1, --http2 for short)", "auto|1.1|2", 0, 0,
     NULL, NULL},
    {"http", "http_client", 0, T_ENUM, O(http_client), "auto", "WHO",
     "auto: salvo's own HTTP/1.1 client for plain-HTTP scans of one origin (no proxy, "
     "redirects, --connect-to, --resolve or --http2), curl for the rest | curl: curl for every "
     "probe", "auto|curl", 0, 0, NULL, NULL},
    {"http", "connect_to", 0, T_LIST, O(connect_to), NULL, "H:P:H2:P2",
     "connect to H2:P2 instead of H:P (curl CONNECT_TO; repeatable)", NULL, 0, 0, NULL, NULL},
    {"http", "resolve", 0, T_LIST, O(resolve), NULL, "H:P:ADDR",
     "resolve H:P to ADDR (curl RESOLVE; repeatable)", NULL, 0, 0, NULL, NULL},
    {"dns", "resolver", 0, T_ENUM, O(resolver), "salvo", "WHO",
     "salvo: resolve in the event loop (c-ares), curl only for names that exist; curl: let "
     "curl resolve", "salvo|curl", 0, 0, NULL, NULL},
    {"dns", "resolvers", 'r', T_LIST, O(resolvers), NULL, "FILE|IP[:PORT],...",
     "resolvers to use in turn (default: /etc/resolv.conf; repeatable)", NULL, 0, 0, NULL,
     dnsconf_check},
    {"dns", "dns_per_resolver", 0, T_INT, O(dns_per_resolver), "100", "N",
     "queries in flight per resolver and worker", NULL, 1, 10000, NULL, NULL},
    {"dns", "dns_tries", 0, T_INT, O(dns_tries), "3", "N",
     "resolvers asked at most per name (another one after a timeout or SERVFAIL)", NULL, 1, 20,
     NULL, NULL},
    {"dns", "dns_timeout", 0, T_DOUBLE, O(dns_timeout), "3", "SEC",
     "seconds for all tries of a name together", NULL, 0.05, 600, NULL, NULL},
    {"dns", "dns_family", 0, T_ENUM, O(dns_family), "ipv4", "FAMILY",
     "ipv4 (A), ipv6 (AAAA) or any (both; IPv4 is used first)", "ipv4|ipv6|any", 0, 0, NULL,
     NULL},
    {"dns", "dns_rate", 0, T_DOUBLE, O(dns_rate), "0", "N",
     "DNS queries a second across all workers (0 = no limit)", NULL, 0.01, 1e7, NULL, NULL},
    {"dns", "wildcard_dns", 0, T_BOOL, O(wildcard_dns), "no", NULL,
     "resolve random names under the domain first; names with the same answers are wildcards",
     NULL, 0, 0, NULL, NULL},
    {"dns", "wildcard_tests", 0, T_INT, O(wildcard_tests), "5", "N",
     "random names resolved to learn the wildcard's answers", NULL, 1, 100, NULL, NULL},
    {"dns", "dns_only", 0, T_BOOL, O(dns_only), "no", NULL,
     "stop at DNS: report the names that resolve (no HTTP)", NULL, 0, 0, NULL, NULL},
    {"match", "status", 0, T_STATUS, O(match.status), "", "LIST",
     "hit only for these statuses, e.g. 200,301-302, or all", NULL, 0, 0, "mc", NULL},
    {"match", "contains", 0, T_LIST, O(match.contains), NULL, "TEXT",
     "hit only if the page contains TEXT (repeatable)", NULL, 0, 0, "ms", NULL},
    {"match", "not_contains", 0, T_LIST, O(match_not_contains), NULL, "TEXT",
     "hit only if the page lacks TEXT (repeatable)", NULL, 0, 0, NULL, NULL},
    {"match", "regex", 0, T_LIST, O(match.regex), NULL, "PCRE",
     "hit only if the page matches this PCRE2 regex (repeatable)", NULL, 0, 0, "mr",
     match_regex_check},
    {"match", "size", 0, T_STR, O(match.size), "", "RANGES",
     "hit only for these body sizes in bytes, e.g. 0,100-200,>5000", NULL, 0, 0, "msize",
     match_range_check},
    {"match", "words", 0, T_STR, O(match.words), "", "RANGES",
     "hit only for these word counts (as ffuf counts: spaces + 1)", NULL, 0, 0, "mw", match_range_check},
    {"match", "lines", 0, T_STR, O(match.lines), "", "RANGES",
     "hit only for these line counts (as ffuf counts: newlines + 1)", NULL, 0, 0, "ml", match_range_check},
    {"match", "header", 0, T_LIST, O(match.header), NULL, "'NAME: PCRE'",
     "hit only if response header NAME matches (repeatable)", NULL, 0, 0, "mh",
     match_header_check},
    {"match", "time", 0, T_STR, O(match.time), "", "MS",
     "hit only for these response times in ms, e.g. <500", NULL, 0, 0, "mt",
     match_range_check},
    {"match", "match_mode", 0, T_ENUM, O(match_mode), "all", "MODE",
     "all: every match rule must hold; any: one is enough", "all|any", 0, 0, NULL, NULL},
    {"match", "raw", 0, T_BOOL, O(match_raw), "no", NULL,
     "text rules see the raw bytes, not the page decoded to UTF-8", NULL, 0, 0, NULL, NULL},
    {"filter", "status", 0, T_STATUS, O(filter.status), "", "LIST",
     "not a hit for these statuses", NULL, 0, 0, "fc", NULL},
    {"filter", "contains", 0, T_LIST, O(filter.contains), NULL, "TEXT",
     "not a hit if the page contains TEXT (repeatable)", NULL, 0, 0, "fs", NULL},
    {"filter", "regex", 0, T_LIST, O(filter.regex), NULL, "PCRE",
     "not a hit if the page matches this regex (repeatable)", NULL, 0, 0, "fr",
     match_regex_check},
    {"filter", "size", 0, T_STR, O(filter.size), "", "RANGES",
     "not a hit for these body sizes in bytes", NULL, 0, 0, "fsize", match_range_check},
    {"filter", "words", 0, T_STR, O(filter.words), "", "RANGES",
     "not a hit for these word counts (spaces + 1, as ffuf)", NULL, 0, 0, "fw", match_range_check},
    {"filter", "lines", 0, T_STR, O(filter.lines), "", "RANGES",
     "not a hit for these line counts (newlines + 1, as ffuf)", NULL, 0, 0, "fl", match_range_check},
    {"filter", "header", 0, T_LIST, O(filter.header), NULL, "'NAME: PCRE'",
     "not a hit if response header NAME matches (repeatable)", NULL, 0, 0, "fh",
     match_header_check},
    {"filter", "time", 0, T_STR, O(filter.time), "", "MS",
     "not a hit for these response times in ms", NULL, 0, 0, "ft", match_range_check},
    {"filter", "calibrate", 0, T_BOOL, O(calibrate), "no", NULL,
     "learn the target's not-found page(s) from random words first and filter them", NULL, 0,
     0, NULL, NULL},
    {"filter", "calibrate_words", 0, T_INT, O(calibrate_words), "6", "N",
     "random words probed to calibrate", NULL, 2, 64, NULL, NULL},
    {"filter", "recalibrate", 0, T_INT, O(recalibrate), "2000", "N",
     "probes between checks that the not-found page has not changed (0 = never)", NULL, 0,
     1e9, NULL, NULL},
    {"output", "format", 'f', T_ENUM, O(format), "text", "FMT",
     "text | jsonl | csv", "text|jsonl|csv", 0, 0, NULL, NULL},
    {"output", "detail", 0, T_ENUM, O(detail), "auto", "WHEN",
     "text hits of your own scan with status, size, words, lines, title and redirect: auto "
     "(at a terminal) | always | never (the bare URL)", "auto|always|never", 0, 0, NULL, NULL},
    {"output", "file", 'o', T_STR, O(output), "-", "FILE",
     "write results there ('-' = stdout)", NULL, 0, 0, "output", NULL},
    {"output", "extract", 0, T_LIST, O(extract), NULL, "NAME:PCRE",
     "the first match of PCRE in each written result's page (capture group 1 if it has one) as "
     "its field NAME: jsonl, csv, text detail and report (repeatable)", NULL, 0, 0, NULL,
     extract_check},
    {"output", "errors", 0, T_BOOL, O(errors), "no", NULL,
     "also report failed probes ('[-] fa URL' on stderr in text format)", NULL, 0, 0, NULL, NULL},
    {"output", "show_filtered", 0, T_BOOL, O(show_filtered), "no", NULL,
     "also report responses a rule or the calibration rejected, with the reason", NULL, 0, 0,
     NULL, NULL},
    {"output", "summary_json", 0, T_STR, O(summary_json), "", "FILE",
     "also write the end-of-scan summary there as JSON", NULL, 0, 0, NULL, NULL},
    {"output", "stats_json", 0, T_STR, O(stats_json), "", "FILE",
     "the scan's progress as JSON for programs, a line every --stats-interval seconds and one "
     "at the end ('-' = standard error)", NULL, 0, 0, NULL, NULL},
    {"output", "stats_interval", 0, T_DOUBLE, O(stats_interval), "5", "SEC",
     "seconds between --stats-json lines", NULL, 0.1, 86400, NULL, NULL},
    {"output", "report", 0, T_STR, O(report), "", "FILE.html",
     "also write a self-contained HTML report of the scan", NULL, 0, 0, NULL, NULL},
    {"output", "state", 0, T_STR, O(state), "", "FILE",
     "keep a journal there while scanning, for --resume", NULL, 0, 0, NULL, NULL},
    {"output", "quiet", 'q', T_BOOL, O(quiet), "no", NULL,
     "no summary on stderr", NULL, 0, 0, NULL, NULL},
    {"queue", "redis", 0, T_STR, O(redis), "redis://127.0.0.1:6379", "URL",
     "Redis of the work queue: redis://[USER[:PASSWORD]@]HOST[:PORT][/DB] (password also "
     "from SALVO_REDIS_PASSWORD)", NULL, 0, 0, NULL, queue_url_check},
    {"queue", "redis_password_file", 0, T_STR, O(redis_password_file), "", "FILE",
     "the Redis password, on the first line of FILE (kept out of process lists, config "
     "dumps and reports; a password in the URL wins)", NULL, 0, 0, NULL, NULL},
    {"queue", "queue", 0, T_STR, O(queue), "salvo", "NAME",
     "name of the work queue (its Redis keys start with salvo:NAME:)", NULL, 0, 0, NULL,
     queue_name_check},
    {"queue", "claim_idle", 0, T_DOUBLE, O(claim_idle), "60", "SEC",
     "queue work: take over chunks another worker has left untouched this long", NULL, 0.1,
     86400, NULL, NULL},
    {NULL, "config", 'c', T_STR, O(config_path), NULL, "FILE",
     "read settings from this INI file first", NULL, 0, 0, NULL, NULL},
    {NULL, "resume", 0, T_STR, O(resume), NULL, "STATE",
     "continue the interrupted scan recorded in STATE (same options)", NULL, 0, 0, NULL, NULL},
    {NULL, "retry_failed", 0, T_STR, O(retry_failed), NULL, "STATE",
     "probe again only the words that failed in the scan recorded in STATE", NULL, 0, 0, NULL, NULL},
    {NULL, "arg", 'a', T_LIST, O(plugin_args), NULL, "KEY=VALUE",
     "a [plugin] setting (repeatable)", NULL, 0, 0, NULL, NULL},
    {NULL, "dump_config", 0, T_FLAG, O(dump_config), NULL, NULL,
     "print the effective configuration as INI and exit", NULL, 0, 0, NULL, NULL},
    {NULL, "list_plugins", 0, T_FLAG, O(list_plugins), NULL, NULL,
     "list the plugins and scripts found, with version, ABI and path", NULL, 0, 0, NULL, NULL},
    {NULL, "man", 0, T_FLAG, O(man), NULL, NULL,
     "print the manual page (roff)", NULL, 0, 0, NULL, NULL},
    {NULL, "completion", 0, T_ENUM, O(completion), NULL, "SHELL",
     "print the shell completion script (bash | zsh)", "bash|zsh", 0, 0, NULL, NULL},
    {NULL, "verbose", 'v', T_FLAG, O(verbose), NULL, NULL,
     "more messages on stderr", NULL, 0, 0, NULL, NULL},
};
#undef O
#define NOPTS (sizeof opt_table / sizeof opt_table[0])
const size_t opt_count = NOPTS;
_Static_assert(NOPTS <= sizeof ((struct conf *)0)->ini_line / sizeof(int),
               "struct conf's ini_line[] must hold every option");

/* Which of the options that choose the default match the user gave. */
static void mark_given(struct conf *c, const struct opt *o)
{
    if (o->off == offsetof(struct conf, plugin))
        c->given_plugin = 1;
    else if (o->off == offsetof(struct conf, template))
        c->given_template = 1;
}

int opt_shard(const char *v, unsigned *k, unsigned *n, char *err, size_t errlen)
{
    char *end;
    const char *slash = strchr(v, '/');
    if (!slash)
        goto bad;
    unsigned long nn = strtoul(slash + 1, &end, 10), kk;
    if (end == slash + 1 || *end || nn < 1 || nn > 1000000)
        goto bad;
    if (!strncmp(v, "auto/", 5)) {
        /* A Kubernetes Indexed Job, else a Slurm job array: both count from 0. */
        const char *idx = getenv("JOB_COMPLETION_INDEX");
        if (!idx)
            idx = getenv("SLURM_ARRAY_TASK_ID");
        if (!idx) {
            snprintf(err, errlen, "shard \"%s\": auto needs JOB_COMPLETION_INDEX or "
                     "SLURM_ARRAY_TASK_ID in the environment", v);
            return -1;
        }
        kk = strtoul(idx, &end, 10) + 1;
        if (end == idx || *end) {
            snprintf(err, errlen, "shard \"%s\": the job index \"%s\" is not a number", v, idx);
            return -1;
        }
    } else {
        kk = strtoul(v, &end, 10);
        if (end != slash)
            goto bad;
    }
    if (kk < 1 || kk > nn) {
        snprintf(err, errlen, "shard %lu/%lu: K must be within 1..%lu", kk, nn, nn);
        return -1;
    }
    *k = (unsigned)kk;
    *n = (unsigned)nn;
    return 0;
bad:
    snprintf(err, errlen, "shard \"%s\" is not K/N (e.g. 3/20, or auto/20)", v);
    return -1;
}

static int opt_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int opt_fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static int parse_bool(const char *v, int *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (!strcasecmp(v, yes[i]))
            return *out = 1, 0;
        if (!strcasecmp(v, no[i]))
            return *out = 0, 0;
    }
    return -1;
}

static int enum_ok(const char *choices, const char *v)
{
    size_t n = strlen(v);
    for (const char *p = choices; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && !strncmp(p, v, n))
            return 1;
        p += len + (bar ? 1 : 0);
    }
    return 0;
}

static int has_ctl(const char *v)
{
    for (; *v; v++)
        if ((unsigned char)*v < 0x20 && *v != '\t')
            return 1;
    return 0;
}

/* Check a value for o and store it. err gets the reason alone; callers add
 * the origin. */
static int set_value(struct conf *c, const struct opt *o, const char *v,
                     char *err, size_t errlen)
{
    char *end;
    switch (o->type) {
    case T_STR:
    case T_ENUM:
    case T_SHARD:
    case T_STATUS: {
        unsigned k, n;
        if (o->type == T_SHARD && *v && opt_shard(v, &k, &n, err, errlen) < 0)
            return -1;
        if (o->type == T_ENUM && !enum_ok(o->choices, v))
            return opt_fail(err, errlen, "\"%s\" is not one of %s", v, o->choices);
        if (o->type == T_STATUS && match_status_check(v, err, errlen) < 0)
            return -1;
        if (o->check && *v && o->check(v, err, errlen) < 0)
            return -1;
        char *s = strdup(v);
        if (!s)
            return opt_fail(err, errlen, "out of memory");
        free(*FIELD(c, o, char *));
        *FIELD(c, o, char *) = s;
        return 0;
    }
    case T_INT: {
        if (o->choices && !strcmp(v, o->choices)) { /* a word for 0, "auto" */
            *FIELD(c, o, long) = 0;
            return 0;
        }
        errno = 0;
        long n = strtol(v, &end, 10);
        if (errno || end == v || *end)
            return opt_fail(err, errlen, "\"%s\" is not an integer", v);
        if (n < o->min || n > o->max)
            return opt_fail(err, errlen, "%ld is out of range %.0f..%.0f", n, o->min, o->max);
        *FIELD(c, o, long) = n;
        return 0;
    }
    case T_DOUBLE: {
        errno = 0;
        double d = strtod(v, &end);
        if (errno || end == v || *end || !isfinite(d))
            return opt_fail(err, errlen, "\"%s\" is not a number (seconds, e.g. 2 or 0.5)", v);
        /* 0 is "off" only for options whose default is off (--rate 0); a
         * --timeout 0 would wait for ever. */
        int zero_is_off = o->def && !strcmp(o->def, "0");
        if ((d != 0 || !zero_is_off) && (d < o->min || d > o->max))
            return opt_fail(err, errlen, "%s is out of range %g..%g", v, o->min, o->max);
        /* FIELD() points at the double that o->off names, not at chars. */
        // cppcheck-suppress invalidPointerCast
        *FIELD(c, o, double) = d;
        return 0;
    }
    case T_BOOL:
        if (parse_bool(v, FIELD(c, o, int)) < 0)
            return opt_fail(err, errlen, "\"%s\" is not yes or no", v);
        return 0;
    case T_FLAG:
        *FIELD(c, o, int) = 1;
        return 0;
    case T_LIST:
        if (has_ctl(v))
            return opt_fail(err, errlen, "control characters are not allowed");
        if (o->off == offsetof(struct conf, headers) && !strchr(v, ':'))
            return opt_fail(err, errlen, "\"%s\" is not 'Name: value'", v);
        if (o->off == offsetof(struct conf, plugin_args) && !strchr(v, '='))
            return opt_fail(err, errlen, "\"%s\" is not KEY=VALUE", v);
        if (o->check && o->check(v, err, errlen) < 0)
            return -1;
        if (strlist_add(FIELD(c, o, struct strlist), v) < 0)
            return opt_fail(err, errlen, "out of memory");
        return 0;
    }
    return opt_fail(err, errlen, "internal: bad option type");
}

void opt_defaults(struct conf *c)
{
    memset(c, 0, sizeof *c);
    char err[256];
    for (size_t i = 0; i < NOPTS; i++)
        if (opt_table[i].def && set_value(c, &opt_table[i], opt_table[i].def, err, sizeof err) < 0)
            abort(); /* a broken default is a bug in this table */
}

void opt_free(struct conf *c)
{
    for (size_t i = 0; i < NOPTS; i++) {
        const struct opt *o = &opt_table[i];
        if (o->type == T_STR || o->type == T_ENUM || o->type == T_STATUS || o->type == T_SHARD)
            free(*FIELD(c, o, char *));
        else if (o->type == T_LIST)
            strlist_free(FIELD(c, o, struct strlist));
    }
    strlist_free(&c->config_files);
    strlist_free(&c->user_agents);
}

int opt_known_section(const char *section)
{
    if (!strcmp(section, "plugin"))
        return 1;
    for (size_t i = 0; i < NOPTS; i++)
        if (opt_table[i].section && !strcmp(opt_table[i].section, section))
            return 1;
    return 0;
}

static void where(char *out, size_t n, const struct opt_origin *at,
                  const char *section, const char *key)
{
    if (at && at->file)
        snprintf(out, n, "%s:%d: [%s] %s", at->file, at->line, section, key);
    else
        snprintf(out, n, "option --%s", key);
}

int opt_set_ini(struct conf *c, const char *section, const char *key,
                const char *value, const struct opt_origin *at,
                char *err, size_t errlen)
{
    char loc[512], why[512];
    where(loc, sizeof loc, at, section, key);
    if (!strcmp(section, "plugin")) {
        char kv[1024];
        if (snprintf(kv, sizeof kv, "%s=%s", key, value) >= (int)sizeof kv)
            return opt_fail(err, errlen, "%s: value too long", loc);
        if (strlist_add(&c->plugin_args, kv) < 0)
            return opt_fail(err, errlen, "%s: out of memory", loc);
        return 0;
    }
    for (size_t i = 0; i < NOPTS; i++) {
        const struct opt *o = &opt_table[i];
        if (!o->section || strcmp(o->section, section) || strcmp(o->key, key))
            continue;
        /* A key that does not add up, given twice, is a mistake either way. */
        if (at && at->file && o->type != T_LIST && c->ini_line[i])
            return opt_fail(err, errlen, "%s: given twice (first at line %d)", loc, c->ini_line[i]);
        if (at && at->file)
            c->ini_line[i] = at->line;
        if (set_value(c, o, value, why, sizeof why) < 0)
            return opt_fail(err, errlen, "%s: %s", loc, why);
        mark_given(c, o);
        return 0;
    }
    if (!opt_known_section(section))
        return opt_fail(err, errlen, "%s:%d: unknown section [%s]", at && at->file ? at->file : "?",
                    at ? at->line : 0, section);
    return opt_fail(err, errlen, "%s: unknown key", loc);
}

void opt_long_name(const struct opt *o, char *out, size_t n)
{
    snprintf(out, n, "%s", o->cli ? o->cli : o->key);
    for (char *p = out; *p; p++)
        if (*p == '_')
            *p = '-';
}

enum { LONG_BASE = 256, OPT_HELP = 1000, OPT_VERSION = 1001, OPT_HTTP11 = 1002, OPT_HTTP2 = 1003,
       OPT_NO_CONFIG = 1004 };

/* Long options: the CLI name of every option, and its INI key too when
 * that differs (--template works as well as --url). */
static void build_getopt(struct option *lo, char names[][2][32], char *shorts, size_t sn)
{
    size_t k = 0, s = 0;
    for (size_t i = 0; i < NOPTS; i++) {
        const struct opt *o = &opt_table[i];
        int arg = o->type == T_FLAG ? no_argument : o->type == T_BOOL ? optional_argument
                                                                      : required_argument;
        opt_long_name(o, names[i][0], 32);
        lo[k++] = (struct option){names[i][0], arg, NULL, (int)(LONG_BASE + i)};
        if (o->cli) {
            snprintf(names[i][1], 32, "%s", o->key);
            for (char *p = names[i][1]; *p; p++)
                if (*p == '_')
                    *p = '-';
            /* An alias that an earlier option already has as its name
             * (--header, --status of [filter]) stays with that one. */
            int taken = 0;
            for (size_t j = 0; j < k && !taken; j++)
                taken = !strcmp(lo[j].name, names[i][1]);
            if (!taken)
                lo[k++] = (struct option){names[i][1], arg, NULL, (int)(LONG_BASE + i)};
        }
        if (o->shrt && s + 3 < sn) {
            shorts[s++] = (char)o->shrt;
            if (arg == required_argument)
                shorts[s++] = ':';
        }
    }
    lo[k++] = (struct option){"no-progress", no_argument, NULL, 'q'};
    lo[k++] = (struct option){"no-config", no_argument, NULL, OPT_NO_CONFIG};
    lo[k++] = (struct option){"http1.1", no_argument, NULL, OPT_HTTP11};
    lo[k++] = (struct option){"http2", no_argument, NULL, OPT_HTTP2};
    lo[k++] = (struct option){"help", no_argument, NULL, OPT_HELP};
    lo[k++] = (struct option){"version", no_argument, NULL, OPT_VERSION};
    lo[k] = (struct option){NULL, 0, NULL, 0};
    memcpy(shorts + s, "hV", 3);
}

static const struct opt *by_code(int code)
{
    if (code >= LONG_BASE && code < LONG_BASE + (int)NOPTS)
        return &opt_table[code - LONG_BASE];
    for (size_t i = 0; i < NOPTS; i++)
        if (opt_table[i].shrt == code)
            return &opt_table[i];
    return NULL;
}

static int ini_key(void *ud, const char *section, const char *key, const char *value,
                   const char *file, int line, char *err, size_t errlen)
{
    struct opt_origin at = {file, line};
    return opt_set_ini(ud, section, key, value, &at, err, errlen);
}

int opt_load_ini(struct conf *c, const char *path, char *err, size_t errlen)
{
    /* Twice in one file is a mistake; a later file overrides an earlier. */
    memset(c->ini_line, 0, sizeof c->ini_line);
    struct conf_sink sink = {opt_known_section, ini_key, c};
    return conf_read(path, &sink, err, errlen);
}

static int rules_given(const struct rules_conf *r)
{
    return (r->status && *r->status) || r->contains.n || r->regex.n || (r->size && *r->size) ||
           (r->words && *r->words) || (r->lines && *r->lines) || r->header.n ||
           (r->time && *r->time);
}

/* The baidu plugin is the default job's: a scan of the user's own template
 * or rules gets no plugin unless one is named, and a scan that has neither
 * a plugin nor a rule gets ffuf's default match instead of "everything". */
static int replace_str(char **s, const char *v)
{
    char *n = strdup(v);
    if (!n)
        return -1;
    free(*s);
    *s = n;
    return 0;
}

/* Every "FUZZ" in s becomes "{}", in place (it only gets shorter). */
static void fuzz_to_holes(char *s)
{
    for (char *p; s && (p = strstr(s, "FUZZ"));) {
        p[0] = '{';
        p[1] = '}';
        memmove(p + 2, p + 4, strlen(p + 4) + 1);
    }
}

/* ffuf's FUZZ for {}, in a template with no {} of its own, and -l FILE for
 * -w FILE -u {}. */
static int keywords(struct conf *c, char *err, size_t errlen)
{
    if (c->list && *c->list) {
        strlist_free(&c->wordlists);
        if (strlist_add(&c->wordlists, c->list) < 0 || replace_str(&c->template, "{}") < 0)
            return opt_fail(err, errlen, "out of memory");
        c->given_template = 1;
    }
    /* FUZZ stands for {} wherever the word may go, when {} is nowhere. */
    int holes = (c->template && strstr(c->template, "{}")) || (c->data && strstr(c->data, "{}")) ||
                (c->method && strstr(c->method, "{}"));
    int fuzz = (c->template && strstr(c->template, "FUZZ")) ||
               (c->data && strstr(c->data, "FUZZ")) || (c->method && strstr(c->method, "FUZZ"));
    for (size_t i = 0; i < c->headers.n; i++) {
        holes |= strstr(c->headers.v[i], "{}") != NULL;
        fuzz |= strstr(c->headers.v[i], "FUZZ") != NULL;
    }
    if (c->wordlists.n > 1 || holes || !fuzz)
        return 0;
    fuzz_to_holes(c->template);
    fuzz_to_holes(c->data);
    fuzz_to_holes(c->method);
    for (size_t i = 0; i < c->headers.n; i++)
        fuzz_to_holes(c->headers.v[i]);
    return 0;
}

static int default_match(struct conf *c, char *err, size_t errlen)
{
    if (rawreq_apply(c, err, errlen) < 0 || keywords(c, err, errlen) < 0)
        return -1;
    int match_rules = rules_given(&c->match) || c->match_not_contains.n;
    int rules = match_rules || rules_given(&c->filter);
    if (!c->given_plugin && (c->given_template || rules)) {
        free(c->plugin);
        if (!(c->plugin = strdup("none")))
            return opt_fail(err, errlen, "out of memory");
    }
    /* A filter narrows the default match (as ffuf's do), never widens it:
     * only a match rule of the user's own replaces it. */
    if (!strcmp(c->plugin, "none") && !match_rules) {
        free(c->match.status);
        if (!(c->match.status = strdup(OPT_DEFAULT_STATUS)))
            return opt_fail(err, errlen, "out of memory");
    }
    return 0;
}

static enum opt_result opt_parse_argv(struct conf *c, int argc, char **argv,
                                      const struct option *lo, const char *shorts, char *err,
                                      size_t errlen);

enum opt_result opt_parse(struct conf *c, int argc, char **argv, char *err, size_t errlen)
{
    struct option lo[2 * NOPTS + 8];
    char names[NOPTS][2][32];
    char shorts[2 * NOPTS + 8];
    build_getopt(lo, names, shorts, sizeof shorts - 3);
    char **av = ffuf_argv(argc, argv, lo, shorts, err, errlen);
    if (!av)
        return OPT_ERROR;
    enum opt_result r = opt_parse_argv(c, argc, av, lo, shorts, err, errlen);
    free(av);
    return r;
}

/* The two passes of getopt over argv, ffuf's spellings read already. */
static enum opt_result opt_parse_argv(struct conf *c, int argc, char **argv,
                                      const struct option *lo, const char *shorts, char *err,
                                      size_t errlen)
{

    /* Pass 1: --help, --version and the config file, which must be read
     * before the command line is applied on top of it. */
    opterr = 0;
    const char *config = NULL;
    int no_config = 0;
    optind = 0;
    for (int ch; (ch = getopt_long(argc, argv, shorts, lo, NULL)) != -1;) {
        if (ch == OPT_HELP || ch == 'h') {
            return OPT_USAGE;
        }
        no_config |= ch == OPT_NO_CONFIG;
        if (ch == OPT_VERSION || ch == 'V') {
            printf("salvo %s (plugin ABI %d)\n", SALVO_VERSION, SALVO_ABI_VERSION);
            return OPT_EXIT_OK;
        }
        const struct opt *o = by_code(ch);
        if (o && o->off == offsetof(struct conf, config_path))
            config = optarg;
    }
    /* The system's and the user's configuration come first (ffuf reads
     * ~/.config/ffuf/ffufrc the same way); -c and the command line override
     * them. */
    char user[4200], found[4200];
    paths_user_config(user, sizeof user);
    const char *defaults[] = {PATHS_SYSTEM_CONFIG, user};
    for (size_t i = 0; i < 2 && !no_config; i++) {
        if (!*defaults[i] || access(defaults[i], F_OK) != 0)
            continue;
        if (opt_load_ini(c, defaults[i], err, errlen) < 0 ||
            strlist_add(&c->config_files, defaults[i]) < 0)
            return OPT_ERROR;
    }
    if (config) {
        paths_find(config, found, sizeof found);
        if (opt_load_ini(c, found, err, errlen) < 0 || strlist_add(&c->config_files, found) < 0)
            return OPT_ERROR;
        free(c->config_path);
        c->config_path = strdup(found);
    }

    /* Pass 2: everything else, over the INI values. */
    optind = 0;
    int cli_wordlists = 0;
    for (int ch; (ch = getopt_long(argc, argv, shorts, lo, NULL)) != -1;) {
        if (ch == '?' || ch == ':') {
            const char *arg = argv[optind - 1];
            if (optopt && optopt < 256)
                snprintf(err, errlen, "option -%c: %s", optopt,
                         ch == ':' ? "needs a value" : "unknown option (see --help)");
            else
                snprintf(err, errlen, "option %s: %s", arg,
                         strchr(arg, '=') || ch == '?' ? "unknown option or bad value (see --help)"
                                                       : "needs a value");
            return OPT_ERROR;
        }
        if (ch == OPT_NO_CONFIG)
            continue;
        if (ch == OPT_HTTP11 || ch == OPT_HTTP2) {
            if (replace_str(&c->http_version, ch == OPT_HTTP2 ? "2" : "1.1") < 0) {
                opt_fail(err, errlen, "out of memory");
                return OPT_ERROR;
            }
            continue;
        }
        const struct opt *o = by_code(ch);
        if (!o || o->off == offsetof(struct conf, config_path))
            continue;
        /* Wordlists on the command line replace the config file's, where
         * other repeatable keys add up. */
        if (o->off == offsetof(struct conf, wordlists) && !cli_wordlists++)
            strlist_free(&c->wordlists);
        char name[32], why[512];
        opt_long_name(o, name, sizeof name);
        const char *v = optarg ? optarg : o->type == T_BOOL ? "yes" : "";
        if (set_value(c, o, v, why, sizeof why) < 0) {
            snprintf(err, errlen, "option --%s: %s", name, why);
            return OPT_ERROR;
        }
        mark_given(c, o);
    }
    if (optind < argc) {
        snprintf(err, errlen, "unexpected argument \"%s\" (the wordlist goes after -w)",
                 argv[optind]);
        return OPT_ERROR;
    }
    return default_match(c, err, errlen) < 0 ? OPT_ERROR : OPT_RUN;
}

/* main: parse the configuration, check everything that can be checked
 * before a request is sent, run the pool, map the outcome to an exit
 * status. */
#include "base/codes.h"
#include "base/log.h"
#include "cli/manual.h"
#include "cli/opt.h"
#include "cli/optdump.h"
#include "out/out.h"
#include "base/paths.h"
#include "ext/plugin.h"
#include "pool/pool.h"
#include "queue/queue.h"
#include "queue/qwork.h"
#include "scan/store.h"
#include "ext/fetch.h"
#include "pool/journal.h"
#include "base/combo.h"
#include "out/report.h"
#include "out/statsjson.h"
#include "out/summary.h"
#include "base/tmpl.h"
#include "base/util.h"
#include "scan/worker.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>


/* ffuf's -ms/-fs are size rules; here they look for text. A number there
 * is most likely meant as a size, so say how to write that. */
static void warn_numeric_contains(const struct conf *c)
{
    const struct strlist *l[2] = {&c->match.contains, &c->filter.contains};
    for (int f = 0; f < 2; f++)
        for (size_t i = 0; i < l[f]->n; i++) {
            const char *v = l[f]->v[i];
            if (*v && strspn(v, "0123456789") == strlen(v))
                log_msg(LOG_WARN, "--%s %s looks for the text \"%s\" in the page; for a size "
                        "rule write --%s %s", f ? "fs" : "ms", v, v, f ? "fsize" : "msize", v);
        }
}

static int user_host_header(const struct conf *c)
{
    for (size_t i = 0; i < c->headers.n; i++)
        if (!strncasecmp(c->headers.v[i], "host:", 5))
            return 1;
    return 0;
}

/* The settings of every module, from the configuration: the one place
 * below the option table that reads struct conf. */
struct settings {
    struct worker_settings worker;
    struct pool_settings pool;
    struct queue_settings queue;
};

/* The proxy from the environment that the template's scheme takes (for a
 * list of URLs, either), or NULL. */
static const char *env_proxy_for(const struct engine_settings *e, const char *template)
{
    const char *http = e->env_proxy[0] && *e->env_proxy[0] ? e->env_proxy[0] : NULL;
    const char *https = e->env_proxy[1] && *e->env_proxy[1] ? e->env_proxy[1] : NULL;
    if (!strncasecmp(template, "http://", 7))
        return http;
    if (!strncasecmp(template, "https://", 8))
        return https;
    return http ? http : https;
}

/* Whether the scan's plugin may follow: not the default probe, not none. */
static int may_follow(const struct conf *c)
{
    return c->plugin && *c->plugin && strcmp(c->plugin, "none") && strcmp(c->plugin, "baidu");
}

static void settings_of(const struct conf *c, struct settings *s)
{
    struct worker_settings *w = &s->worker;
    memset(s, 0, sizeof *s);
    w->engine = (struct engine_settings){
        .concurrency = c->concurrency, .max_body = c->max_body, .timeout = c->timeout,
        .connect_timeout = c->connect_timeout, .method = c->method,
        .user_agent = c->user_agent, .proxy = c->proxy,
        .follow_redirects = c->follow_redirects, .max_redirects = c->max_redirects,
        .verify_tls = c->verify_tls, .resume_across_names = c->resume_across_names,
        .headers = &c->headers, .connect_to = &c->connect_to,
        .resolve = &c->resolve,
        /* One origin for every probe: connections carry many (curl keeps
         * them per scheme, host and port, through --connect-to, --resolve
         * and proxies alike). */
        .reuse = c->reuse_connections && tmpl_fixed_origin(c->template),
        .keep_alive = c->reuse_connections,
        .http_version = !strcmp(c->http_version, "1.1") ? ENGINE_HTTP_11
                        : !strcmp(c->http_version, "2") ? ENGINE_HTTP_2
                                                        : ENGINE_HTTP_AUTO,
        .own_client = !strcmp(c->http_client, "auto"),
    };
    w->probe = (struct probe_settings){.template = c->template, .headers = &c->headers,
                                       .data = c->data, .method = c->method,
                                       .retries = c->retries,
                                       .pushback_tries = c->auto_tune ? 4 : 0};
    w->match = (struct match_settings){&c->match, &c->filter, &c->match_not_contains,
                                       c->match_mode, c->match_raw};
    engine_env_proxy(&w->engine);
    /* Through a proxy, the proxy resolves (socks5h, HTTP proxies); one
     * from the environment counts for the template's scheme (for a list
     * of URLs, either). */
    w->dns_stage = !strcmp(c->resolver, "salvo") && !(c->proxy && *c->proxy) &&
                   !env_proxy_for(&w->engine, c->template);
    w->dns = (struct dns_settings){&c->resolvers, c->dns_per_resolver, c->dns_tries,
                                   c->dns_timeout, c->dns_family, NULL};
    w->resolve = (struct resolve_settings){
        .template = c->template, .dns_only = c->dns_only,
        .reuse = c->reuse_connections && !c->follow_redirects &&
                 !strncasecmp(c->template, "http://", 7) && !user_host_header(c),
        .connect_to = &c->connect_to, .resolve = &c->resolve,
        .wildcard_tests = c->wildcard_dns ? c->wildcard_tests : 0,
    };
    w->wordlists = &c->wordlists;
    w->mode = c->mode;
    w->plugin_args = &c->plugin_args;
    w->extract = &c->extract;
    w->user_agents = c->user_agents.n ? &c->user_agents : NULL;
    w->replay_proxy = c->replay_proxy;
    w->replay_codes = c->replay_codes;
    w->show_filtered = c->show_filtered;
    w->store_dir = *c->store_responses ? c->store_responses : NULL;
    w->store_all = c->store_all;
    w->engine.tap = w->store_dir != NULL;
    w->calibrate = c->calibrate;
    w->calibrate_words = c->calibrate_words;
    w->recalibrate = c->recalibrate;
    w->wildcard_dns = c->wildcard_dns;
    w->memory = c->worker_memory;
    /* Plugin code gets a multiple of the transfer timeout on one word;
     * a worker with nothing left, the time for its transfers in flight to
     * end (a STOP waits for them) and its plugin's finish(). */
    double judge = c->judge_timeout > 0 ? c->judge_timeout
                   : 2.5 * c->timeout > 5 ? 2.5 * c->timeout : 5;
    s->pool = (struct pool_settings){c->procs, c->chunk, c->quiet, c->verbose, c->rate,
                                     c->dns_rate, c->per_ip_concurrency, c->per_ip_rate,
                                     {c->auto_tune, c->auto_bail, c->auto_bail ? c->bail_errors : 0,
                                      c->bail_share / 100, c->auto_bail ? c->bail_window : 0,
                                      c->max_time_per_host},
                                     c->template, judge, c->timeout + judge + 2, w,
                                     c->max_time, NULL,
                                     c->recursion ? (unsigned)c->recursion_depth : 0,
                                     c->wordlist, (unsigned)c->max_depth,
                                     (uint64_t)c->max_follows, may_follow(c)};
    s->queue = (struct queue_settings){c->redis, c->queue, c->claim_idle, c->chunk, c->wordlist,
                                       c->template, c->format, c->quiet, &s->pool,
                                       c->exts.n ? &c->exts : NULL,
                                       c->recursion ? (unsigned)c->recursion_depth : 0,
                                       may_follow(c)};
}

static struct script_limits script_limits_of(const struct conf *c)
{
    int scope = !strcmp(c->fetch_scope, "host") ? FETCH_HOST
                : !strcmp(c->fetch_scope, "any") ? FETCH_ANY : FETCH_ORIGIN;
    return (struct script_limits){c->lua_unsafe, (unsigned long)c->lua_instructions,
                                  (size_t)c->lua_memory, (unsigned)c->max_fetches, scope,
                                  c->template};
}

/* -e .php,.bak: the list, checked. 0, or -1 with err. */
static int extensions_of(struct conf *c, const struct combo *k, char *err, size_t errlen)
{
    if (!*c->extensions)
        return 0;
    if (k->keys.n) {
        snprintf(err, errlen, "-e works on one wordlist; with several, give the extensions a "
                 "list of their own (-w exts.txt:EXT, and {EXT} in the template)");
        return -1;
    }
    for (const char *p = c->extensions;;) {
        size_t n = strcspn(p, ",");
        if (!n || memchr(p, '{', n) || memchr(p, ' ', n)) {
            snprintf(err, errlen, "-e %s: \"%.*s\" is no extension (comma-separated, no "
                     "spaces, no braces; the dot is yours to give: .php)", c->extensions, (int)n, p);
            return -1;
        }
        char *e = strndup(p, n);
        if (!e || strlist_add(&c->exts, e) < 0) {
            free(e);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        free(e);
        if (!p[n])
            return 0;
        p += n + 1;
    }
}

/* --recursion: what it needs, checked. 0, or -1 with err. */
static int recursion_ok(const struct conf *c, const struct combo *k, int queue, char *err,
                        size_t errlen)
{
    const char *why = NULL;
    if (!c->recursion)
        return 0;
    if (k->keys.n)
        why = "it reads one wordlist under each directory: give one -w";
    else if (!queue && c->wordlist && !strcmp(c->wordlist, "-")) /* a queue keeps the words */
        why = "the wordlist is read again under each directory: give it as a file, not stdin";
    else if (c->shard && *c->shard)
        why = "a directory one shard finds would be scanned by that shard alone";
    else if (c->retry_failed && *c->retry_failed)
        why = "--retry-failed takes the words that failed, without their directories";
    else if (c->dns_only)
        why = "--dns-only makes no requests, so it finds no directories";
    else if (!tmpl_fixed_origin(c->template))
        why = "the word must be in the template's path (-u http://host/{}), where a directory "
              "can go in front of it";
    if (!why)
        return 0;
    snprintf(err, errlen, "--recursion: %s", why);
    return -1;
}

/* --store-responses: its directory there before a worker writes in it. */
static int stored_ready(const struct conf *c, char *err, size_t errlen)
{
    if (c->store_all && !*c->store_responses) {
        snprintf(err, errlen, "--store-all says which exchanges --store-responses DIR keeps: "
                 "give the directory too");
        return -1;
    }
    return *c->store_responses ? store_prepare(c->store_responses, err, errlen) : 0;
}

/* An output that is one of the wordlists would be emptied before a word
 * of it is read. 0, or -1 with err naming both. */
static int outputs_spare_inputs(const struct conf *c, const struct combo *k, char *err,
                                size_t errlen)
{
    const char *outs[][2] = {{"-o", c->output}, {"--state", c->state},
                             {"--report", c->report}, {"--summary-json", c->summary_json}};
    for (size_t o = 0; o < sizeof outs / sizeof outs[0]; o++) {
        struct stat so, si;
        const char *path = outs[o][1];
        if (!path || !*path || !strcmp(path, "-") || stat(path, &so) != 0 || !S_ISREG(so.st_mode))
            continue;
        for (size_t w = 0; w < k->n; w++)
            if (strcmp(k->path[w], "-") && stat(k->path[w], &si) == 0 &&
                si.st_dev == so.st_dev && si.st_ino == so.st_ino) {
                snprintf(err, errlen, "%s %s is the wordlist %s: it would be emptied before it "
                         "is read; write elsewhere", outs[o][0], path, k->path[w]);
                return -1;
            }
    }
    return 0;
}

/* The summary on stderr and in --summary-json; frees what the scan's
 * statistics hold. Returns rc, or 1 if the JSON could not be written. */
static struct summary_scan scan_of(const struct conf *c)
{
    struct summary_scan s = {c->template, c->plugin, c->resolver, c->calibrate, c->wildcard_dns,
                             NULL, c->state, c->wordlist};
    return s;
}

/* --report: the page, written at the end (the results went to it as they
 * were written). Returns rc, or EXIT_PARTIAL when the page failed. */
static int finish_report(const struct conf *c, struct out *out, const struct scan_stats *st, int rc)
{
    if (!out->report)
        return rc;
    char err[1024], *ini = NULL;
    size_t inilen = 0;
    struct summary_scan scan = scan_of(c);
    FILE *m = open_memstream(&ini, &inilen);
    if (m) {
        optdump_print(c, m);
        fclose(m);
    }
    scan.config = ini;
    int report_rc = report_close(out->report, &scan, st, err, sizeof err);
    out->report = NULL;
    free(ini);
    if (report_rc < 0) {
        log_msg(LOG_ERR, "%s", err);
        if (rc == 0)
            rc = EXIT_PARTIAL;
    }
    return rc;
}

/* The output, with --report's page when asked. 0, or -1 said. */
static int open_out(const struct conf *c, struct out *out, int errors, int flags)
{
    char err[2048];
    if (out_open(out, c->output, c->format, errors, flags, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "%s", err);
        return -1;
    }
    if (c->report && *c->report && !(out->report = report_open(c->report, err, sizeof err))) {
        log_msg(LOG_ERR, "%s", err);
        out_close(out);
        return -1;
    }
    return 0;
}

static int summarise(const struct conf *c, struct scan_stats *st, int rc)
{
    char err[1024];
    struct summary_scan scan = scan_of(c);
    if (!c->quiet)
        summary_print(&scan, st);
    /* Nothing answered at all: a wrong address, port or proxy, not a scan
     * that found nothing. */
    if (rc == EXIT_OK && st->words_done && st->errors == st->words_done) {
        struct engine_settings env = {0};
        engine_env_proxy(&env);
        const char *proxy = c->proxy && *c->proxy ? NULL : env_proxy_for(&env, c->template);
        char shown[512];
        if (proxy) {
            util_redact_url(proxy, shown, sizeof shown);
            log_msg(LOG_ERR, "every probe failed (%llu errors): check the template, "
                    "--connect-to, the proxy %s from the environment (http_proxy, "
                    "https_proxy, all_proxy) and that the target answers",
                    (unsigned long long)st->errors, shown);
        } else {
            log_msg(LOG_ERR, "every probe failed (%llu errors): check the template, "
                    "--connect-to, --proxy and that the target answers",
                    (unsigned long long)st->errors);
        }
        rc = EXIT_PARTIAL;
    }
    if (c->summary_json && *c->summary_json &&
        summary_json(&scan, st, c->summary_json, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "%s", err);
        if (rc == 0)
            rc = EXIT_PARTIAL;
    }
    free(st->calib_text);
    free(st->calib_json);
    free(st->wild_text);
    return rc;
}

static const char *const queue_cmds[] = {"push", "work", "status", "collect", "drop"};
enum { Q_NONE = -1, Q_PUSH, Q_WORK, Q_STATUS, Q_COLLECT, Q_DROP };

/* Wordlists named without a directory and not in the current one are
 * looked up (paths.c): -w words.txt works for an installed salvo too.
 * "FILE:KEY" keeps its key. 0, or -1 when out of memory. */
static int find_wordlists(struct conf *c)
{
    for (size_t i = 0; i < c->wordlists.n; i++) {
        char file[4200], found[4200], *v = c->wordlists.v[i];
        snprintf(file, sizeof file, "%.*s", (int)combo_file_len(v), v);
        if (!strcmp(file, "-") || paths_find(file, found, sizeof found) < 0 || !strcmp(found, file))
            continue;
        size_t fl = strlen(file);
        char *n = malloc(strlen(found) + strlen(v + fl) + 1);
        if (!n)
            return -1;
        sprintf(n, "%s%s", found, v + fl);
        free(v);
        c->wordlists.v[i] = n;
    }
    return 0;
}

/* -A random: the lines of user-agents.txt (looked up as a wordlist is:
 * the user's config home first, so that theirs replaces the shipped one),
 * each worker taking one. 0, or -1 said. */
static int user_agents(struct conf *c)
{
    if (strcmp(c->user_agent, "random"))
        return 0;
    char found[4200];
    paths_find("user-agents.txt", found, sizeof found);
    FILE *f = fopen(found, "r");
    if (!f) {
        log_msg(LOG_ERR, "-A random: %s: %s (a file of User-Agent strings, one a line)", found,
                strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int bad = 0;
    while ((n = getline(&line, &cap, f)) >= 0) {
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n && line[0] != '#' && strspn(line, " \t") < (size_t)n)
            bad |= strlist_add(&c->user_agents, line) < 0;
    }
    free(line);
    fclose(f);
    if (bad || !c->user_agents.n) {
        log_msg(LOG_ERR, "-A random: %s: %s", found,
                bad ? "out of memory" : "no User-Agent in it (one a line)");
        return -1;
    }
    return 0;
}

/* --redis-password-file: its first line is the Redis password, as if
 * given in SALVO_REDIS_PASSWORD (a password in the URL still wins), so
 * that it shows in no process list, config dump or report. 0, or -1 said. */
static int password_file(const char *path)
{
    if (!path || !*path)
        return 0;
    FILE *f = fopen(path, "r");
    char pw[512] = "";
    int ok = f && fgets(pw, sizeof pw, f) != NULL;
    if (f)
        fclose(f);
    pw[strcspn(pw, "\r\n")] = '\0';
    if (!ok || !*pw) {
        log_msg(LOG_ERR, "--redis-password-file %s: %s", path,
                !f ? strerror(errno) : "no password on its first line");
        return -1;
    }
    int rc = setenv("SALVO_REDIS_PASSWORD", pw, 1);
    memset(pw, 0, sizeof pw);
    return rc;
}

/* The queue's configuration names the plugin or script by its contents
 * too: machines whose file of that name differs would judge the same
 * words differently. Takes text; NULL when out of memory or unreadable. */
static char *with_plugin_hash(char *text, const struct plugin *p)
{
    uint64_t h;
    if (!text || !p->path[0])
        return text;
    if (util_fnv1a_file(p->path, &h) < 0) {
        log_msg(LOG_ERR, "plugin %s: %s", p->path, strerror(errno));
        free(text);
        return NULL;
    }
    size_t n = strlen(text);
    char *t = realloc(text, n + 64);
    if (!t) {
        free(text);
        return NULL;
    }
    snprintf(t + n, 64, "; plugin contents = %016llx\n", (unsigned long long)h);
    return t;
}

/* salvo queue CMD [OPTIONS]: the options are the scan's, the same on
 * every machine and for push. */
static int run_queue(int cmd, struct conf *c, const struct combo *combo)
{
    struct settings set;
    settings_of(c, &set);
    char err[2048];
    if (cmd == Q_STATUS) {
        if (c->json)
            set.queue.format = "jsonl";
        return queue_status(&set.queue);
    }
    if (cmd == Q_DROP)
        return queue_drop(&set.queue);
    if (cmd == Q_COLLECT) {
        struct out out;
        struct scan_stats st = {0};
        if (open_out(c, &out, c->errors, queue_tree(&set.queue) ? OUT_TREE : 0) < 0)
            return EXIT_USAGE;
        int rc = queue_collect(&set.queue, &out, &st);
        rc = finish_report(c, &out, &st, rc); /* what was collected, even after a failure */
        if (out_close(&out) < 0 && rc == 0)
            rc = EXIT_PARTIAL;
        return rc;
    }
    if (c->shard && *c->shard) {
        log_msg(LOG_ERR, "--shard is for static shards; the queue hands out its chunks itself");
        return EXIT_USAGE;
    }
    if (cmd == Q_PUSH && (!c->wordlist || !*c->wordlist || combo->keys.n || combo->n > 1)) {
        log_msg(LOG_ERR, "queue push takes one wordlist: -w FILE (or -w - for stdin)");
        return EXIT_USAGE;
    }
    if (cmd == Q_WORK && combo->n)
        log_msg(LOG_WARN, "queue work takes its words from the queue: the wordlist %s is not "
                "read", combo->path[0]);
    warn_numeric_contains(c);
    struct plugin plugin;
    struct script_limits lim = script_limits_of(c);
    if (plugin_load(&plugin, c->plugin, &lim, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "%s", err);
        return EXIT_PLUGIN;
    }
    /* The fingerprint covers secrets (another password may see other
     * pages); the text stored in Redis and shown in messages has none. */
    char *full = with_plugin_hash(optdump_text(c, 1, 0), &plugin), fp[20];
    char *config = with_plugin_hash(optdump_text(c, 1, 1), &plugin);
    if (!config || !full) {
        free(full);
        free(config);
        plugin_unload(&plugin);
        return EXIT_PARTIAL;
    }
    snprintf(fp, sizeof fp, "%016llx", (unsigned long long)util_fnv1a_str(UTIL_FNV_OFFSET, full));
    free(full);
    int rc;
    if (cmd == Q_PUSH) {
        rc = queue_push(&set.queue, fp, config);
    } else {
        struct out out;
        struct scan_stats st;
        if (open_out(c, &out, c->errors, c->recursion ? OUT_TREE : 0) < 0) {
            rc = EXIT_USAGE;
        } else {
            set.worker.dns.pace = set.worker.dns_stage ? dns_pace_new() : NULL;
            rc = qwork_run(&set.queue, &plugin, fp, config, &out, &st);
            dns_pace_free(set.worker.dns.pace);
            rc = finish_report(c, &out, &st, rc);
            if (out_close(&out) < 0 && rc == 0)
                rc = EXIT_PARTIAL;
            rc = summarise(c, &st, rc);
        }
    }
    free(config);
    plugin_unload(&plugin);
    return rc;
}

int main(int argc, char **argv)
{
    struct conf c;
    struct combo combo = {0};
    char err[2048];
    opt_defaults(&c);
    int rc, qcmd = Q_NONE;
    if (argc >= 2 && !strcmp(argv[1], "queue")) {
        /* --help anywhere after "queue": that subcommand's help, or the
         * queue's. */
        for (int i = 2; i < argc; i++)
            if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
                int known = 0;
                for (size_t k = 0; argc >= 3 && k < sizeof queue_cmds / sizeof queue_cmds[0]; k++)
                    known |= !strcmp(argv[2], queue_cmds[k]);
                manual_queue_usage(stdout, known ? argv[2] : NULL);
                rc = EXIT_OK;
                goto done;
            }
        for (int i = 0; argc >= 3 && i < (int)(sizeof queue_cmds / sizeof queue_cmds[0]); i++)
            if (!strcmp(argv[2], queue_cmds[i]))
                qcmd = i;
        if (qcmd == Q_NONE) {
            log_msg(LOG_ERR, "usage: salvo queue push|work|status|collect|drop [OPTIONS] "
                    "(salvo queue --help says more)");
            rc = EXIT_USAGE;
            goto done;
        }
        argc -= 2;
        argv += 2;
    }
    switch (opt_parse(&c, argc, argv, err, sizeof err)) {
    case OPT_USAGE:
        manual_usage(stdout);
        rc = EXIT_OK;
        goto done;
    case OPT_EXIT_OK:
        rc = EXIT_OK;
        goto done;
    case OPT_ERROR:
        log_msg(LOG_ERR, "%s", err);
        rc = EXIT_USAGE;
        goto done;
    case OPT_RUN:
        break;
    }
    if (c.verbose)
        log_set_level(LOG_DEBUG);
    if (find_wordlists(&c) < 0) {
        log_msg(LOG_ERR, "out of memory");
        rc = EXIT_PARTIAL;
        goto done;
    }
    if (user_agents(&c) < 0) {
        rc = EXIT_USAGE;
        goto done;
    }
    if (combo_parse(&combo, &c.wordlists, c.mode, err, sizeof err) < 0 ||
        combo_check(&combo, c.template, &c.headers, c.data, c.method, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "%s", err);
        rc = EXIT_USAGE;
        goto done;
    }
    c.wordlist = combo.n ? combo.path[0] : NULL;
    if (c.man || c.completion || c.list_plugins) {
        if (c.man)
            manual_page(stdout);
        else if (c.completion && !strcmp(c.completion, "zsh"))
            manual_completion_zsh(stdout);
        else if (c.completion)
            manual_completion(stdout);
        else
            plugin_list(stdout);
        rc = 0;
        goto done;
    }
    if (c.dump_config) {
        optdump_print(&c, stdout);
        rc = 0;
        goto done;
    }
    if (extensions_of(&c, &combo, err, sizeof err) < 0 ||
        recursion_ok(&c, &combo, qcmd != Q_NONE, err, sizeof err) < 0 ||
        ((qcmd == Q_NONE || qcmd == Q_WORK) && stored_ready(&c, err, sizeof err) < 0)) {
        log_msg(LOG_ERR, "%s", err);
        rc = EXIT_USAGE;
        goto done;
    }
    if (qcmd != Q_NONE) {
        rc = password_file(c.redis_password_file) < 0 ? EXIT_USAGE : run_queue(qcmd, &c, &combo);
        goto done;
    }
    if (!c.wordlist || !*c.wordlist) {
        log_msg(LOG_ERR, "no wordlist: give -w FILE (or -w - for stdin), or "
                         "[scan] wordlist in the config");
        rc = EXIT_USAGE;
        goto done;
    }
    warn_numeric_contains(&c);
    if (outputs_spare_inputs(&c, &combo, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "%s", err);
        rc = EXIT_USAGE;
        goto done;
    }
    struct plugin plugin;
    struct script_limits lim = script_limits_of(&c);
    if (plugin_load(&plugin, c.plugin, &lim, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "%s", err);
        rc = EXIT_PLUGIN;
        goto done;
    }
    struct input in;
    int lists_fd = -1;
    combo.ignore_comments = c.ignore_comments;
    if ((combo.keys.n && combo_start(&combo, &lists_fd, err, sizeof err) < 0) ||
        (lists_fd >= 0 ? input_open_fd(&in, lists_fd, "the combined wordlists", err, sizeof err)
                       : input_open(&in, c.wordlist, err, sizeof err)) < 0) {
        log_msg(LOG_ERR, "%s", err);
        plugin_unload(&plugin);
        rc = EXIT_INPUT;
        goto done;
    }
    if (c.shard && *c.shard) {
        unsigned k, n;
        if (opt_shard(c.shard, &k, &n, err, sizeof err) < 0) {
            log_msg(LOG_ERR, "%s", err);
            rc = EXIT_USAGE;
            goto done;
        }
        in.shard_k = k - 1;
        in.shard_n = n;
    }
    in.ignore_comments = c.ignore_comments;
    in.exts = c.exts.n ? &c.exts : NULL;
    struct journal_failed failed = {0};
    if (c.retry_failed && *c.retry_failed) {
        if (c.resume && *c.resume) {
            log_msg(LOG_ERR, "--retry-failed and --resume do not go together");
            rc = EXIT_USAGE;
            goto done;
        }
        if (journal_load_failed(&failed, c.retry_failed, c.wordlist, err, sizeof err) < 0) {
            log_msg(LOG_ERR, "%s", err);
            rc = EXIT_USAGE;
            goto done;
        }
        in.skip = journal_not_failed;
        in.skip_ud = &failed;
    }
    struct journal journal;
    struct journal_run run = {c.resume, c.state, optdump_fingerprint(&c), c.wordlist, c.output};
    if (journal_setup(&journal, &run, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "%s", err);
        input_close(&in);
        plugin_unload(&plugin);
        rc = EXIT_USAGE;
        goto done;
    }
    int resuming = c.resume && *c.resume;
    struct out out;
    if (out_open(&out, c.output, c.format, c.errors,
                 (resuming ? OUT_KEEP : 0) | (c.recursion ? OUT_TREE : 0), err, sizeof err) < 0 ||
        (resuming && out_resume(&out, journal.out_bytes, err, sizeof err) < 0)) {
        log_msg(LOG_ERR, "%s", err);
        input_close(&in);
        plugin_unload(&plugin);
        rc = EXIT_USAGE;
        goto done;
    }
    out.keys = combo.keys.n ? &combo.keys : NULL;
    /* A scan of your own, read at a terminal: the details ffuf shows. The
     * default job, a file and a pipe keep the bare URL line (what scripts
     * read) unless --detail=always says otherwise. */
    int tty = out.f && isatty(fileno(out.f));
    int own = strcmp(c.plugin, "baidu") || c.given_template;
    out.detail = !strcmp(c.detail, "always") || (!strcmp(c.detail, "auto") && tty && own);
    const char *term = getenv("TERM");
    const char *nc = getenv("NO_COLOR");
    out.color = out.detail && tty && !(nc && *nc) && !(term && !strcmp(term, "dumb"));
    struct statsjson sj;
    if ((c.report && *c.report && !(out.report = report_open(c.report, err, sizeof err))) ||
        statsjson_open(&sj, c.stats_json, c.stats_interval, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "%s", err);
        out_close(&out);
        input_close(&in);
        plugin_unload(&plugin);
        rc = EXIT_USAGE;
        goto done;
    }
    struct scan_stats st;
    struct settings set;
    settings_of(&c, &set);
    set.pool.stats_json = sj.f ? &sj : NULL;
    /* The resolvers' pace, shared by the workers: made before they fork. */
    set.worker.dns.pace = set.worker.dns_stage ? dns_pace_new() : NULL;
    rc = pool_run(&set.pool, &plugin, &in, &out, &journal, &st);
    statsjson_close(&sj);
    dns_pace_free(set.worker.dns.pace);
    if (combo_stop(&combo, input_done(&in)) < 0) {
        log_msg(LOG_ERR, "combining the wordlists failed: the scan did not see every word");
        if (rc == 0)
            rc = EXIT_INPUT;
    }
    journal_free(&journal);
    free(failed.v);
    rc = finish_report(&c, &out, &st, rc);
    if (out_close(&out) < 0 && rc == 0)
        rc = EXIT_PARTIAL;
    rc = summarise(&c, &st, rc);
    input_close(&in);
    plugin_unload(&plugin);
done:
    combo_stop(&combo, 0);
    combo_free(&combo);
    opt_free(&c);
    return rc;
}

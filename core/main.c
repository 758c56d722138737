/* main: parse the configuration, check everything that can be checked
 * before a request is sent, run the pool, map the outcome to an exit
 * status. */
#include "codes.h"
#include "log.h"
#include "opt.h"
#include "out.h"
#include "plugin.h"
#include "pool.h"
#include "queue.h"
#include "journal.h"
#include "combo.h"
#include "report.h"
#include "summary.h"
#include "tmpl.h"

#include <stdio.h>
#include <string.h>

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>


/* The options that change what a scan reports, as INI text: speed,
 * output place and bookkeeping options are left out. For the queue, the
 * output format and the wordlists are left out too (collect picks the
 * format, and the words travel in the chunks). Returns malloc'ed text. */
static char *config_text(const struct conf *c, int queue)
{
    struct conf k = *c; /* a shallow copy: nothing here is freed */
    char empty[] = "";
    k.procs = k.concurrency = k.chunk = 0;
    k.rate = 0;
    k.quiet = 0;
    k.wordlist = k.output = k.report = k.state = k.resume = k.config_path = empty;
    k.summary_json = empty;
    k.lua_instructions = k.lua_memory = 0;
    k.redis = k.queue = empty;
    k.claim_idle = 0;
    if (queue) {
        k.wordlists = (struct strlist){0};
        k.format = k.shard = empty;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m)
        return NULL;
    opt_dump(&k, m);
    fclose(m);
    return text;
}

static uint64_t fnv(uint64_t h, const char *s)
{
    for (; s && *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* A fingerprint of the options that change what a scan reports, so that
 * a resume with other options is refused. */
static uint64_t fingerprint(const struct conf *c)
{
    struct conf k = *c;
    /* One list is checked by its size and time (same_wordlist); several
     * are named here, each with its size and time. */
    struct stat sb;
    uint64_t h = 1469598103934665603ull;
    if (c->wordlists.n > 1) {
        for (size_t i = 0; i < c->wordlists.n; i++) {
            char path[4096];
            snprintf(path, sizeof path, "%s", c->wordlists.v[i]);
            char *colon = strrchr(path, ':');
            if (colon && stat(path, &sb) != 0)
                *colon = '\0';
            if (stat(path, &sb) == 0)
                h = (h ^ (uint64_t)sb.st_size ^ ((uint64_t)sb.st_mtime << 32)) * 1099511628211ull;
        }
    } else {
        k.wordlists = (struct strlist){0};
    }
    char *text = config_text(&k, 0);
    h = fnv(h, text);
    free(text);
    return h;
}

static int same_wordlist(const struct journal *j, const char *wordlist, const char *state,
                         char *err, size_t errlen)
{
    struct stat sb;
    if (!strcmp(wordlist, "-")) {
        snprintf(err, errlen, "state %s: give the wordlist as a file (-w FILE), not stdin", state);
        return -1;
    }
    if (stat(wordlist, &sb) < 0 || (uint64_t)sb.st_size != j->wl_size ||
        (int64_t)sb.st_mtime != j->wl_mtime) {
        snprintf(err, errlen, "state %s: the wordlist %s is not the one it was made with "
                 "(%.1000s, %llu bytes): refusing", state, wordlist, j->wordlist,
                 (unsigned long long)j->wl_size);
        return -1;
    }
    return 0;
}

/* --retry-failed: the line numbers of the words that failed, sorted. */
struct failed_set {
    uint64_t *v;
    size_t n;
};

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int not_failed(void *ud, uint64_t line)
{
    const struct failed_set *s = ud;
    return !bsearch(&line, s->v, s->n, sizeof *s->v, cmp_u64);
}

static int load_failed(struct failed_set *s, const char *state, const char *wordlist,
                       char *err, size_t errlen)
{
    struct journal j;
    memset(s, 0, sizeof *s);
    if (journal_load(&j, state, err, errlen) < 0)
        return -1;
    int rc = same_wordlist(&j, wordlist, state, err, errlen);
    journal_free(&j);
    if (rc < 0)
        return -1;
    char path[4200];
    snprintf(path, sizeof path, "%s.failed", state);
    FILE *f = fopen(path, "r");
    if (!f) {
        if (j.failed_bytes == 0)
            return 0; /* nothing failed */
        snprintf(err, errlen, "%.1000s: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 0;
    unsigned long long line;
    while (ftello(f) < (off_t)j.failed_bytes && fscanf(f, "%llu\n", &line) == 1) {
        if (s->n == cap) {
            cap = cap ? 2 * cap : 1024;
            uint64_t *v = realloc(s->v, cap * sizeof *v);
            if (!v) {
                fclose(f);
                snprintf(err, errlen, "%.1000s: out of memory", path);
                return -1;
            }
            s->v = v;
        }
        s->v[s->n++] = line;
    }
    fclose(f);
    if (s->n)
        qsort(s->v, s->n, sizeof *s->v, cmp_u64);
    return 0;
}

/* Check the state against this run, and prepare the journal either way. */
static int setup_journal(struct journal *j, const struct conf *c, char *err, size_t errlen)
{
    struct stat sb;
    int have = c->resume && *c->resume;
    if (have) {
        if (journal_load(j, c->resume, err, errlen) < 0)
            return -1;
        if (j->fingerprint != fingerprint(c)) {
            snprintf(err, errlen, "state %s was written by a scan with other options (template, "
                     "plugin, rules, http or output format): resume with the same options",
                     c->resume);
            return -1;
        }
        if (same_wordlist(j, c->wordlist, c->resume, err, errlen) < 0)
            return -1;
        if (strcmp(c->output, j->output)) {
            snprintf(err, errlen, "state %s wrote its results to %.1000s, not %s: give -o %.1000s",
                     c->resume, j->output, c->output, j->output);
            return -1;
        }
        /* Keep saving where the user asked, else in the same file. */
        snprintf(j->path, sizeof j->path, "%s", c->state && *c->state ? c->state : c->resume);
        return 0;
    }
    journal_init(j, c->state && *c->state ? c->state : NULL);
    j->fingerprint = fingerprint(c);
    snprintf(j->wordlist, sizeof j->wordlist, "%s", c->wordlist);
    snprintf(j->output, sizeof j->output, "%s", c->output);
    if (strcmp(c->wordlist, "-") && stat(c->wordlist, &sb) == 0) {
        j->wl_size = (uint64_t)sb.st_size;
        j->wl_mtime = (int64_t)sb.st_mtime;
    }
    return 0;
}

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

/* The summary on stderr and in --summary-json; frees what the scan's
 * statistics hold. Returns rc, or 1 if the JSON could not be written. */
static int summarise(const struct conf *c, struct pool_stats *st, int rc)
{
    char err[1024];
    if (!c->quiet)
        summary_print(c, st);
    if (c->summary_json && *c->summary_json &&
        summary_json(c, st, c->summary_json, err, sizeof err) < 0) {
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

/* salvo queue CMD [OPTIONS]: the options are the scan's, the same on
 * every machine and for push. */
static int run_queue(int cmd, struct conf *c, const struct combo *combo)
{
    char err[2048];
    if (cmd == Q_STATUS)
        return queue_status(c);
    if (cmd == Q_DROP)
        return queue_drop(c);
    if (cmd == Q_COLLECT) {
        struct out out;
        if (out_open(&out, c->output, c->format, 1, 0, err, sizeof err) < 0) {
            log_msg(LOG_ERR, "%s", err);
            return EXIT_USAGE;
        }
        int rc = queue_collect(c, &out);
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
    struct script_limits lim = {c->lua_unsafe, (unsigned long)c->lua_instructions,
                                (size_t)c->lua_memory};
    if (plugin_load(&plugin, c->plugin, &lim, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "%s", err);
        return EXIT_PLUGIN;
    }
    char *config = config_text(c, 1), fp[20];
    if (!config) {
        plugin_unload(&plugin);
        return EXIT_PARTIAL;
    }
    snprintf(fp, sizeof fp, "%016llx", (unsigned long long)fnv(1469598103934665603ull, config));
    int rc;
    if (cmd == Q_PUSH) {
        rc = queue_push(c, fp, config);
    } else {
        struct out out;
        struct pool_stats st;
        if (out_open(&out, c->output, c->format, c->errors, 0, err, sizeof err) < 0) {
            log_msg(LOG_ERR, "%s", err);
            rc = EXIT_USAGE;
        } else {
            rc = queue_work(c, &plugin, fp, config, &out, &st);
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
        for (int i = 0; argc >= 3 && i < (int)(sizeof queue_cmds / sizeof queue_cmds[0]); i++)
            if (!strcmp(argv[2], queue_cmds[i]))
                qcmd = i;
        if (qcmd == Q_NONE) {
            log_msg(LOG_ERR, "usage: salvo queue push|work|status|collect|drop [OPTIONS] "
                    "(see salvo --help for the options)");
            rc = EXIT_USAGE;
            goto done;
        }
        argc -= 2;
        argv += 2;
    }
    switch (opt_parse(&c, argc, argv, err, sizeof err)) {
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
    if (combo_parse(&combo, &c, err, sizeof err) < 0 || combo_check(&combo, &c, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "%s", err);
        rc = EXIT_USAGE;
        goto done;
    }
    c.wordlist = combo.n ? combo.path[0] : NULL;
    if (c.man || c.completion || c.list_plugins) {
        if (c.man)
            opt_man(stdout);
        else if (c.completion)
            opt_completion(stdout);
        else
            plugin_list(stdout);
        rc = 0;
        goto done;
    }
    if (c.dump_config) {
        opt_dump(&c, stdout);
        rc = 0;
        goto done;
    }
    if (qcmd != Q_NONE) {
        rc = run_queue(qcmd, &c, &combo);
        goto done;
    }
    if (!c.wordlist || !*c.wordlist) {
        log_msg(LOG_ERR, "no wordlist: give -w FILE (or -w - for stdin), or "
                         "[scan] wordlist in the config");
        rc = EXIT_USAGE;
        goto done;
    }
    warn_numeric_contains(&c);
    struct plugin plugin;
    struct script_limits lim = {c.lua_unsafe, (unsigned long)c.lua_instructions,
                                (size_t)c.lua_memory};
    if (plugin_load(&plugin, c.plugin, &lim, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "%s", err);
        rc = EXIT_PLUGIN;
        goto done;
    }
    struct input in;
    int lists_fd = -1;
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
    struct failed_set failed = {0};
    if (c.retry_failed && *c.retry_failed) {
        if (c.resume && *c.resume) {
            log_msg(LOG_ERR, "--retry-failed and --resume do not go together");
            rc = EXIT_USAGE;
            goto done;
        }
        if (load_failed(&failed, c.retry_failed, c.wordlist, err, sizeof err) < 0) {
            log_msg(LOG_ERR, "%s", err);
            rc = EXIT_USAGE;
            goto done;
        }
        in.skip = not_failed;
        in.skip_ud = &failed;
    }
    struct journal journal;
    if (setup_journal(&journal, &c, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "%s", err);
        input_close(&in);
        plugin_unload(&plugin);
        rc = EXIT_USAGE;
        goto done;
    }
    int resuming = c.resume && *c.resume;
    struct out out;
    if (out_open(&out, c.output, c.format, c.errors, resuming, err, sizeof err) < 0 ||
        (resuming && out_resume(&out, journal.out_bytes, err, sizeof err) < 0)) {
        log_msg(LOG_ERR, "%s", err);
        input_close(&in);
        plugin_unload(&plugin);
        rc = EXIT_USAGE;
        goto done;
    }
    out.keys = combo.keys.n ? &combo.keys : NULL;
    if (c.report && *c.report && !(out.report = report_open(c.report, err, sizeof err))) {
        log_msg(LOG_ERR, "%s", err);
        out_close(&out);
        input_close(&in);
        plugin_unload(&plugin);
        rc = EXIT_USAGE;
        goto done;
    }
    struct pool_stats st;
    rc = pool_run(&c, &plugin, &in, &out, &journal, &st);
    if (combo_stop(&combo, input_done(&in)) < 0) {
        log_msg(LOG_ERR, "combining the wordlists failed: the scan did not see every word");
        if (rc == 0)
            rc = EXIT_INPUT;
    }
    journal_free(&journal);
    free(failed.v);
    if (out.report && report_close(out.report, &c, &st, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "%s", err);
        if (rc == 0)
            rc = EXIT_PARTIAL;
    }
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

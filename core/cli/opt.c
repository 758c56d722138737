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

#include "base/conf.h"
#include "cli/ffuf.h"
#include "cli/optable.h"
#include "cli/rawreq.h"
#include "ext/match.h"

#define SALVO_HOST_SIDE
#include "salvo/plugin.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


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
    for (size_t i = 0; i < opt_count; i++)
        if (opt_table[i].def && set_value(c, &opt_table[i], opt_table[i].def, err, sizeof err) < 0)
            abort(); /* a broken default is a bug in this table */
}

void opt_free(struct conf *c)
{
    for (size_t i = 0; i < opt_count; i++) {
        const struct opt *o = &opt_table[i];
        if (o->type == T_STR || o->type == T_ENUM || o->type == T_STATUS || o->type == T_SHARD)
            free(*FIELD(c, o, char *));
        else if (o->type == T_LIST)
            strlist_free(FIELD(c, o, struct strlist));
    }
    strlist_free(&c->config_files);
    strlist_free(&c->exts);
    strlist_free(&c->user_agents);
}

int opt_known_section(const char *section)
{
    if (!strcmp(section, "plugin"))
        return 1;
    for (size_t i = 0; i < opt_count; i++)
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
    for (size_t i = 0; i < opt_count; i++) {
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
    for (size_t i = 0; i < opt_count; i++) {
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
    if (code >= LONG_BASE && code < LONG_BASE + (int)opt_count)
        return &opt_table[code - LONG_BASE];
    for (size_t i = 0; i < opt_count; i++)
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
    struct option lo[2 * OPT_MAX + 8];
    char names[OPT_MAX][2][32];
    char shorts[2 * OPT_MAX + 8];
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

/* optdump: the configuration as INI text, driven by the option table:
 * --dump-config (secrets redacted), the text the queue and the report
 * carry, and the fingerprint that refuses a --resume with other options.
 * What is written reads back (conf.c) as the same values. */
#include "cli/optdump.h"

#include "base/buf.h"
#include "base/combo.h"
#include "base/paths.h"
#include "base/util.h"
#include "cli/optable.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* key = value, written so that conf.c reads back the same value: a ';'
 * after a space as "\;" (else it starts a comment), and a long value over
 * indented continuation lines (inih reads at most 198 bytes a line), cut
 * where no space or comment sign meets the cut (inih trims both sides). */
static void dump_value(FILE *f, const char *key, const char *v)
{
    struct buf e = {0};
    for (size_t i = 0; v && v[i]; i++) {
        if (v[i] == ';' && i && (v[i - 1] == ' ' || v[i - 1] == '\t'))
            buf_append_byte(&e, '\\');
        buf_append_byte(&e, v[i]);
    }
    const char *p = e.p ? e.p : "";
    size_t n = e.len, first = 1;
    fprintf(f, "%s =%s", key, n ? " " : "");
    while (n > 150) {
        size_t cut = 150;
        while (cut > 20 && (p[cut - 1] == ' ' || p[cut - 1] == '\t' || p[cut] == ' ' ||
                            p[cut] == '\t' || p[cut] == ';' || p[cut] == '#' || p[cut - 1] == '\\'))
            cut--;
        if (cut == 20)
            break; /* nowhere to cut: one long line (refused on reading, with its number) */
        fprintf(f, "%s%.*s\n", first ? "" : "    ", (int)cut, p);
        first = 0;
        p += cut;
        n -= cut;
    }
    fprintf(f, "%s%s\n", first ? "" : "    ", p);
    buf_free(&e);
}

/* The shortest text that reads back as the same double. */
static void dump_double(FILE *f, const char *key, double d)
{
    char t[40];
    for (int prec = 6; prec <= 17; prec++) {
        snprintf(t, sizeof t, "%.*g", prec, d);
        if (strtod(t, NULL) == d)
            break;
    }
    fprintf(f, "%s = %s\n", key, t);
}

/* A header "Name: value" whose value is a secret: credentials by their
 * nature, or named by --secret-header. */
static int secret_header(const struct conf *c, const char *h)
{
    static const char *const always[] = {"Authorization", "Proxy-Authorization", "Cookie"};
    size_t n = strcspn(h, ":");
    if (!h[n])
        return 0;
    for (size_t i = 0; i < sizeof always / sizeof always[0]; i++)
        if (strlen(always[i]) == n && !strncasecmp(h, always[i], n))
            return 1;
    for (size_t i = 0; i < c->secret_headers.n; i++)
        if (strlen(c->secret_headers.v[i]) == n && !strncasecmp(h, c->secret_headers.v[i], n))
            return 1;
    return 0;
}

/* What a dump shows of o's value v: URLs without their password, secret
 * headers' values as "***". tmp holds what is made. */
static const char *shown(const struct conf *c, const struct opt *o, const char *v, char *tmp,
                         size_t n)
{
    if (!v)
        return v;
    if (o->off == offsetof(struct conf, redis) || o->off == offsetof(struct conf, proxy) ||
        o->off == offsetof(struct conf, template) ||
        o->off == offsetof(struct conf, replay_proxy)) {
        util_redact_url(v, tmp, n);
        return tmp;
    }
    if (o->off == offsetof(struct conf, headers) && secret_header(c, v)) {
        snprintf(tmp, n, "%.*s: ***", (int)strcspn(v, ":"), v);
        return tmp;
    }
    return v;
}

static void dump(const struct conf *c, FILE *f, int redact);

/* A comment line of the dump: inih reads at most 198 bytes a line, so a
 * long path is cut (it is only shown). */
static void comment(FILE *f, const char *what, const char *v)
{
    int room = 190 - (int)strlen(what);
    if ((int)strlen(v) > room)
        fprintf(f, "; %s...%s\n", what, v + strlen(v) - (size_t)(room - 3));
    else
        fprintf(f, "; %s%s\n", what, v);
}

void optdump_print(const struct conf *c, FILE *f)
{
    char where[8192];
    fprintf(f, "; read first when present (--no-config skips them): %s, "
               "$XDG_CONFIG_HOME/salvo/salvo.ini\n", PATHS_SYSTEM_CONFIG);
    for (size_t i = 0; i < c->config_files.n; i++)
        comment(f, "read: ", c->config_files.v[i]);
    if (!c->config_files.n)
        fprintf(f, "; read: no configuration file\n");
    fprintf(f, "; wordlists and INI files named without a directory are looked up in:\n");
    paths_describe(where, sizeof where);
    for (char *d = strtok(where, ","); d; d = strtok(NULL, ","))
        comment(f, "  ", d + (*d == ' '));
    dump(c, f, 1);
}

static void dump(const struct conf *c, FILE *f, int redact)
{
    const char *section = NULL;
    char tmp[8192];
    for (size_t i = 0; i < opt_count; i++) {
        const struct opt *o = &opt_table[i];
        if (!o->section)
            continue;
        if (!section || strcmp(section, o->section)) {
            fprintf(f, "%s[%s]\n", section ? "\n" : "", o->section);
            section = o->section;
        }
        const void *cc = c;
        switch (o->type) {
        case T_STR:
        case T_ENUM:
        case T_SHARD:
        case T_STATUS: {
            const char *v = *FIELD(cc, o, char *const);
            dump_value(f, o->key, redact ? shown(c, o, v, tmp, sizeof tmp) : v);
            break;
        }
        case T_INT:
            if (o->choices && *FIELD(cc, o, const long) == 0)
                fprintf(f, "%s = %s\n", o->key, o->choices);
            else
                fprintf(f, "%s = %ld\n", o->key, *FIELD(cc, o, const long));
            break;
        case T_DOUBLE:
            // cppcheck-suppress invalidPointerCast
            dump_double(f, o->key, *FIELD(cc, o, const double));
            break;
        case T_BOOL:
            fprintf(f, "%s = %s\n", o->key, *FIELD(cc, o, const int) ? "yes" : "no");
            break;
        case T_LIST: {
            const struct strlist *l = FIELD(cc, o, const struct strlist);
            if (!l->n)
                fprintf(f, "; %s =\n", o->key);
            for (size_t k = 0; k < l->n; k++)
                dump_value(f, o->key, redact ? shown(c, o, l->v[k], tmp, sizeof tmp) : l->v[k]);
            break;
        }
        case T_FLAG:
            break;
        }
    }
    fprintf(f, "\n[plugin]\n");
    for (size_t k = 0; k < c->plugin_args.n; k++) {
        const char *kv = c->plugin_args.v[k];
        const char *eq = strchr(kv, '=');
        char key[128];
        snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
        dump_value(f, key, eq + 1);
    }
}

/* The options that change what a scan reports, as INI text: speed,
 * output place and bookkeeping options are left out. For the queue, the
 * output format and the wordlists are left out too (collect picks the
 * format, and the words travel in the chunks). Returns malloc'ed text. */
char *optdump_text(const struct conf *c, int queue, int redact)
{
    struct conf k = *c; /* a shallow copy: nothing here is freed */
    char empty[] = "";
    k.procs = k.concurrency = k.chunk = 0;
    k.rate = 0;
    k.quiet = 0;
    k.wordlist = k.output = k.report = k.state = k.resume = k.config_path = empty;
    k.summary_json = empty;
    k.lua_instructions = k.lua_memory = 0;
    k.judge_timeout = 0;
    k.max_time = 0; /* when to stop, not what is found: a resume may differ */
    k.replay_proxy = k.replay_codes = empty; /* a copy of the hits elsewhere */
    k.store_responses = empty; /* where the evidence goes, not what is found */
    k.store_all = 0;
    k.worker_memory = 0;
    k.redis = k.queue = k.redis_password_file = empty;
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
    dump(&k, m, redact);
    fclose(m);
    return text;
}

/* A fingerprint of the options that change what a scan reports, so that
 * a resume with other options is refused. */
uint64_t optdump_fingerprint(const struct conf *c)
{
    struct conf k = *c;
    /* One list is checked by its size and time (same_wordlist); several
     * are named here, each with its size and time. */
    struct stat sb;
    uint64_t h = UTIL_FNV_OFFSET;
    if (c->wordlists.n > 1) {
        for (size_t i = 0; i < c->wordlists.n; i++) {
            char path[4096];
            snprintf(path, sizeof path, "%.*s", (int)combo_file_len(c->wordlists.v[i]),
                     c->wordlists.v[i]);
            if (stat(path, &sb) == 0)
                h = (h ^ (uint64_t)sb.st_size ^ ((uint64_t)sb.st_mtime << 32)) * 1099511628211ull; /* FNV-1a step */
        }
    } else {
        k.wordlists = (struct strlist){0};
    }
    /* auto/N names a different shard in every job: the one this run
     * resolved to is what the state covers. */
    char shard[48];
    unsigned sk, sn;
    char err[256];
    if (c->shard && !strncmp(c->shard, "auto/", 5) && opt_shard(c->shard, &sk, &sn, err, sizeof err) == 0) {
        snprintf(shard, sizeof shard, "%u/%u", sk, sn);
        k.shard = shard;
    }
    char *text = optdump_text(&k, 0, 0);
    h = util_fnv1a_str(h, text);
    free(text);
    return h;
}

/* main: parse the configuration, check everything that can be checked
 * before a request is sent, run the pool, map the outcome to an exit
 * status. */
#include "log.h"
#include "opt.h"
#include "out.h"
#include "plugin.h"
#include "pool.h"
#include "report.h"
#include "tmpl.h"

#include <stdio.h>
#include <string.h>

enum { EXIT_USAGE = 2, EXIT_INPUT = 3, EXIT_PLUGIN = 4 };

static const char *script_note(const struct pool_stats *st)
{
    static char note[96];
    int n = 0;
    note[0] = '\0';
    if (st->script_errors)
        n = snprintf(note, sizeof note, " (%llu in the script)",
                     (unsigned long long)st->script_errors);
    if (st->retries)
        snprintf(note + n, sizeof note - (size_t)n, ", %llu retries",
                 (unsigned long long)st->retries);
    return note;
}

int main(int argc, char **argv)
{
    struct conf c;
    char err[2048];
    opt_defaults(&c);
    int rc;
    switch (opt_parse(&c, argc, argv, err, sizeof err)) {
    case OPT_EXIT_OK:
        rc = 0;
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
    if (tmpl_check(c.template, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "%s", err);
        rc = EXIT_USAGE;
        goto done;
    }
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
    if (!c.wordlist || !*c.wordlist) {
        log_msg(LOG_ERR, "no wordlist: give -w FILE (or -w - for stdin), or "
                         "[scan] wordlist in the config");
        rc = EXIT_USAGE;
        goto done;
    }
    struct plugin plugin;
    struct script_limits lim = {c.lua_unsafe, (unsigned long)c.lua_instructions,
                                (size_t)c.lua_memory};
    if (plugin_load(&plugin, c.plugin, &lim, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "%s", err);
        rc = EXIT_PLUGIN;
        goto done;
    }
    struct input in;
    if (input_open(&in, c.wordlist, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "%s", err);
        plugin_unload(&plugin);
        rc = EXIT_INPUT;
        goto done;
    }
    struct out out;
    if (out_open(&out, c.output, c.format, c.errors, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "%s", err);
        input_close(&in);
        plugin_unload(&plugin);
        rc = EXIT_USAGE;
        goto done;
    }
    if (c.report && *c.report && !(out.report = report_open(c.report, err, sizeof err))) {
        log_msg(LOG_ERR, "%s", err);
        out_close(&out);
        input_close(&in);
        plugin_unload(&plugin);
        rc = EXIT_USAGE;
        goto done;
    }
    struct pool_stats st;
    rc = pool_run(&c, &plugin, &in, &out, &st);
    if (out.report && report_close(out.report, &c, &st, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "%s", err);
        if (rc == 0)
            rc = 1;
    }
    if (out_close(&out) < 0 && rc == 0)
        rc = 1;
    if (!c.quiet)
        log_msg(LOG_INFO, "%llu words, %llu hits, %llu errors%s in %.2f s (%.0f words/s, %d "
                "workers)", (unsigned long long)st.words_done, (unsigned long long)st.hits,
                (unsigned long long)st.errors, script_note(&st), st.elapsed,
                st.elapsed > 0 ? (double)st.words_done / st.elapsed : 0.0, st.procs);
    input_close(&in);
    plugin_unload(&plugin);
done:
    opt_free(&c);
    return rc;
}

/* plugin: loading a compiled plugin and calling its hooks. One plugin per
 * process; the parent loads it (so a bad plugin is refused before any
 * worker starts) and the workers inherit it through fork. */
#ifndef SALVO_PLUGIN_INTERNAL_H
#define SALVO_PLUGIN_INTERNAL_H
#include <stddef.h>
#include <stdio.h>

#define SALVO_HOST_SIDE
#include "salvo/plugin.h"

#include "ext/script.h"

struct strlist;
struct matcher_ops;

/* A compiled plugin (.so) or a Lua script (.lua): the same hooks. */
struct plugin {
    void *dl;                        /* NULL for 'none' */
    const struct salvo_plugin *desc; /* NULL for 'none' */
    char path[4096];
    char name[64];
    void *state;                     /* from init() */
    const struct matcher_ops *ops;   /* compiled, Lua or none */
    struct script_limits lim;        /* for Lua */
    struct script *lua;              /* in a worker, after plugin_init() */
};

/* spec: "none", a name looked up in the plugin path, a path to a .so, or
 * a .lua script (checked here: syntax errors stop salvo now).
 * Returns 0, or -1 with a message naming the file. */
int plugin_load(struct plugin *p, const char *spec, const struct script_limits *lim,
                char *err, size_t errlen);
/* In each worker: run init() with the [plugin] keys. */
int plugin_init(struct plugin *p, const struct strlist *args, char *err, size_t errlen);
void plugin_finish(struct plugin *p);
void plugin_unload(struct plugin *p);
int plugin_has_target(const struct plugin *p);
int plugin_has_match(const struct plugin *p);
/* Hooks; both return enum salvo_verdict. */
int plugin_target(struct plugin *p, const char *word, size_t len, salvo_req *req);
int plugin_match(struct plugin *p, salvo_res *res);
/* match() that may wait on a fetch (a Lua script's salvo.fetch, fetch.h;
 * a compiled plugin's fetch() and SALVO_FETCH): as plugin_match(), or
 * FETCH_PENDING with *co and want set. plugin_resume() hands the fetched
 * answer back (res: the word's own response), with the same returns; *co
 * is freed once it returns anything but FETCH_PENDING. A word's fetches
 * always end (they are probes), so nothing waits for ever. */
struct fetch_co;
int plugin_match_wait(struct plugin *p, salvo_res *res, struct fetch_co **co, salvo_req *want);
int plugin_resume(struct plugin *p, struct fetch_co *co, salvo_res *res, const salvo_res *got,
                  int kind, salvo_req *want);
/* The error kind (codes.h) of a failing target() or match(): a script's
 * or a plugin's. */
int plugin_error_kind(const struct plugin *p);
/* Print every plugin in the plugin path (name, version, ABI, path; the
 * first of a name wins, as when loading) and every installed script. */
void plugin_list(FILE *f);
/* The directories searched for plugin names, ':'-separated, for messages. */
void plugin_search_path(char *out, size_t outlen);
#endif

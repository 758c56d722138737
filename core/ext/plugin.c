/* plugin: the dlopen loader and the host table handed to plugins.
 *
 * Load order, each step refusing with a message that names the file:
 * dlopen(RTLD_NOW|RTLD_LOCAL) so a missing symbol fails now and not in
 * the middle of a scan, dlsym of the one entry point, the ABI version, then
 * the descriptor's size. Hooks beyond the size the plugin was built with
 * are treated as absent.
 */
#include "ext/plugin.h"
#include "ext/fetch.h"
#include "ext/follow.h"
#include "base/paths.h"
#include "base/codes.h"
#include "base/log.h"
#include "base/msg.h"
#include "base/strlist.h"
#include "base/util.h"
#include "net/engine.h"
#include "net/reqres.h"

#include <curl/curl.h>
#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct salvo_args {
    const struct strlist *kv;
    unsigned char *asked;  /* per kv: init() asked for its key (NULL: not kept) */
    int any;               /* init() takes any key (args_any) */
};

/* The tables only ever grow at the end: a plugin built against an older
 * header reads the members it knows at the offsets it knows. These pin
 * every member of ABI 1 where it is (on LP64). */
#if UINTPTR_MAX == 0xffffffffffffffffu
#define HOST_AT(member, slot) \
    _Static_assert(offsetof(struct salvo_host, member) == 8 + 8 * (slot), \
                   "struct salvo_host: " #member " moved; append, never insert")
HOST_AT(arg, 0);
HOST_AT(req_url, 1);
HOST_AT(req_method, 2);
HOST_AT(req_header, 3);
HOST_AT(req_body, 4);
HOST_AT(req_get_url, 5);
HOST_AT(req_fail, 6);
HOST_AT(res_status, 7);
HOST_AT(res_url, 8);
HOST_AT(res_word, 9);
HOST_AT(res_header, 10);
HOST_AT(res_body, 11);
HOST_AT(res_text, 12);
HOST_AT(res_charset, 13);
HOST_AT(res_truncated, 14);
HOST_AT(res_elapsed, 15);
HOST_AT(res_error, 16);
HOST_AT(res_ip, 17);
HOST_AT(res_field, 18);
HOST_AT(res_fail, 19);
HOST_AT(log, 20);
HOST_AT(args_any, 21);
HOST_AT(fetch, 22);
HOST_AT(follow, 23);
#undef HOST_AT
_Static_assert(sizeof(struct salvo_host) >= 8 + 8 * 24, "struct salvo_host shrank");
#define DESC_AT(member, off) \
    _Static_assert(offsetof(struct salvo_plugin, member) == (off), \
                   "struct salvo_plugin: " #member " moved; append, never insert")
DESC_AT(abi, 0);
DESC_AT(size, 4);
DESC_AT(name, 8);
DESC_AT(version, 16);
DESC_AT(description, 24);
DESC_AT(init, 32);
DESC_AT(target, 40);
DESC_AT(match, 48);
DESC_AT(finish, 56);
#undef DESC_AT
#endif
_Static_assert(SALVO_MAX_FIELDS == RESULT_MAX_FIELDS, "plugin.h and msg.h disagree on fields");

/* A compiled plugin, a Lua script, or none: the same hooks. */
struct matcher_ops {
    int (*init)(struct plugin *p, const struct strlist *args, char *err, size_t errlen);
    int (*has_target)(const struct plugin *p);
    int (*has_match)(const struct plugin *p);
    int (*target)(struct plugin *p, const char *word, size_t len, salvo_req *req);
    int (*match)(struct plugin *p, salvo_res *res);
    void (*finish)(struct plugin *p);
    int error_kind;   /* what a failing hook's error is */
};

static const struct matcher_ops so_ops, lua_ops, none_ops;

static char plugin_name[64] = "plugin";

/* ---- the host table ---- */

static const char *h_arg(const salvo_args *a, const char *key)
{
    size_t klen = strlen(key);
    const char *found = NULL;
    for (size_t i = 0; a && a->kv && i < a->kv->n; i++) {
        const char *kv = a->kv->v[i];
        if (!strncmp(kv, key, klen) && kv[klen] == '=') {
            found = kv + klen + 1; /* the last one wins, as on a command line */
            if (a->asked)
                a->asked[i] = 1;
        }
    }
    return found;
}

static void h_args_any(const salvo_args *a)
{
    if (a)
        ((struct salvo_args *)a)->any = 1;
}

static int clean(const char *s)
{
    return s && !strpbrk(s, "\r\n");
}

static int h_req_url(salvo_req *r, const char *url)
{
    if (!clean(url))
        return -1;
    buf_reset(&r->url);
    return buf_append_str(&r->url, url);
}

static int h_req_method(salvo_req *r, const char *m)
{
    if (!clean(m) || !*m || strpbrk(m, " \t:"))
        return -1;
    buf_reset(&r->method);
    return buf_append_str(&r->method, m);
}

static int h_req_header(salvo_req *r, const char *name, const char *value)
{
    if (!clean(name) || !clean(value) || !*name || strpbrk(name, " \t:"))
        return -1;
    char line[8192];
    if (snprintf(line, sizeof line, "%s: %s", name, value) >= (int)sizeof line)
        return -1;
    struct curl_slist *l = curl_slist_append(r->headers, line);
    if (!l)
        return -1;
    r->headers = l;
    return 0;
}

static int h_req_body(salvo_req *r, const void *data, size_t len)
{
    buf_reset(&r->body);
    r->has_body = 1;
    return buf_append(&r->body, data, len);
}

static const char *h_req_get_url(const salvo_req *r)
{
    return r->url.p ? r->url.p : "";
}

static void h_req_fail(salvo_req *r, const char *msg)
{
    buf_reset(&r->fail);
    buf_append_str(&r->fail, msg && *msg ? msg : "failed");
}

static int h_res_status(const salvo_res *r) { return r->status; }
static const char *h_res_url(const salvo_res *r) { return r->url; }

static const char *h_res_word(const salvo_res *r, size_t *len)
{
    if (len)
        *len = r->wlen;
    return r->word;
}

static const char *h_res_header(const salvo_res *r, const char *name)
{
    return res_header_get(r, name);
}

static const void *h_res_body(const salvo_res *r, size_t *len)
{
    if (len)
        *len = r->body.len;
    return r->body.p ? r->body.p : "";
}

static const char *h_res_text(const salvo_res *r, size_t *len)
{
    /* Decoding fills a cache inside the response: logically const. */
    return res_text((salvo_res *)r, len);
}

static const char *h_res_charset(const salvo_res *r)
{
    res_text((salvo_res *)r, NULL);
    return r->charset;
}

static const char *h_res_ip(const salvo_res *r) { return r->ip; }
static int h_res_truncated(const salvo_res *r) { return r->truncated; }
static double h_res_elapsed(const salvo_res *r) { return r->elapsed; }
static const char *h_res_error(const salvo_res *r) { return r->error; }

static int h_res_field(salvo_res *r, const char *key, const char *value)
{
    return res_field_add(r, key, value, 0); /* text, marked if it needs it */
}

static void h_res_fail(salvo_res *r, const char *msg)
{
    buf_reset(&r->fail);
    buf_append_str(&r->fail, msg && *msg ? msg : "failed");
}

/* The word whose match() or fetched() runs now, for fetch(). */
static struct {
    salvo_res *res;
    salvo_req *want;
    unsigned done;           /* fetches made so far for it */
    int asked;               /* fetch() was called in this hook */
    salvo_fetched_fn then;   /* what gets its answer */
    const struct script_limits *lim;
} now;

static int h_fetch(salvo_res *r, const char *method, const char *url, const char *const *headers,
                   const void *body, size_t len, salvo_fetched_fn then)
{
    char why[512];
    if (!now.want || r != now.res) {
        h_res_fail(r, "fetch(): only from match() or fetched(), on their own res");
        return -1;
    }
    salvo_req *w = now.want;
    engine_req_reset(w);
    if (now.asked) {
        h_res_fail(r, "fetch(): one a call: return SALVO_FETCH and ask the next in its answer's");
        return -1;
    }
    if (!then) {
        h_res_fail(r, "fetch(): no function for the answer");
        return -1;
    }
    if (!url || buf_append_str(&w->url, url) < 0 ||
        (method && (!*method || strpbrk(method, " \t\r\n:") || buf_append_str(&w->method, method) < 0)) ||
        (body && (buf_append(&w->body, body, len) < 0 || !(w->has_body = 1)))) {
        h_res_fail(r, "fetch(): a bad url, method or body");
        return -1;
    }
    for (size_t i = 0; headers && headers[i]; i++)
        if (strpbrk(headers[i], "\r\n") || !strchr(headers[i], ':') ||
            !(w->headers = curl_slist_append(w->headers, headers[i]))) {
            h_res_fail(r, "fetch(): a bad header (\"Name: value\", no CR or LF)");
            return -1;
        }
    if (fetch_check(now.lim, now.done, r->url ? r->url : "", w, "fetch()", why, sizeof why) < 0) {
        h_res_fail(r, why);
        return -1;
    }
    now.asked = 1;
    now.then = then;
    return 0;
}

static int h_follow(salvo_res *r, const char *x, size_t len)
{
    char why[2048] = "follow(): only from match() or fetched(), on their own res";
    int rc = now.want && r == now.res && x ? follow_from(now.lim, r, r->url ? r->url : "", x, len,
                                                        "follow()", why, sizeof why) : -1;
    if (rc < 0) /* not the word's failure: the plugin may pass it over */
        log_msg(LOG_DEBUG, "%s: %s", plugin_name, why);
    return rc;
}

static void h_log(int level, const char *fmt, ...)
{
    char prefix[80];
    snprintf(prefix, sizeof prefix, "%s: ", plugin_name);
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(level, prefix, fmt, ap);
    va_end(ap);
}

static const struct salvo_host host = {
    .abi = SALVO_ABI_VERSION,
    .size = sizeof(struct salvo_host),
    .arg = h_arg,
    .req_url = h_req_url,
    .req_method = h_req_method,
    .req_header = h_req_header,
    .req_body = h_req_body,
    .req_get_url = h_req_get_url,
    .req_fail = h_req_fail,
    .res_status = h_res_status,
    .res_url = h_res_url,
    .res_word = h_res_word,
    .res_header = h_res_header,
    .res_body = h_res_body,
    .res_text = h_res_text,
    .res_charset = h_res_charset,
    .res_truncated = h_res_truncated,
    .res_elapsed = h_res_elapsed,
    .res_error = h_res_error,
    .res_field = h_res_field,
    .res_fail = h_res_fail,
    .log = h_log,
    .res_ip = h_res_ip,
    .args_any = h_args_any,
    .fetch = h_fetch,
    .follow = h_follow,
};

/* ---- loading ---- */

/* Size of the descriptor as ABI 1 first defined it: every plugin has it. */
#define DESC_MIN_SIZE (offsetof(struct salvo_plugin, finish) + sizeof(void (*)(void *)))


void plugin_search_path(char *out, size_t outlen)
{
    char dir[PATH_MAX];
    paths_exe_dir(dir, sizeof dir);
    const char *env = getenv("SALVO_PLUGIN_PATH");
    snprintf(out, outlen, "%s%s%s/plugins:%s/../%s:%s", env ? env : "",
             env && *env ? ":" : "", dir, dir, SALVO_PLUGINDIR_REL, SALVO_PLUGINDIR);
}

static int find_plugin(const char *name, char *path, size_t pathlen, char *err, size_t errlen)
{
    char search[3 * PATH_MAX];
    plugin_search_path(search, sizeof search);
    for (char *dir = strtok(search, ":"); dir; dir = strtok(NULL, ":")) {
        if (!*dir)
            continue;
        snprintf(path, pathlen, "%s/%s.so", dir, name);
        if (access(path, F_OK) == 0)
            return 0;
    }
    plugin_search_path(search, sizeof search);
    snprintf(err, errlen, "plugin \"%s\": no %s.so in the plugin path (%s); give a path "
             "to the .so, or set SALVO_PLUGIN_PATH", name, name, search);
    return -1;
}

static int is_path(const char *spec)
{
    size_t n = strlen(spec);
    return strchr(spec, '/') || (n > 3 && !strcmp(spec + n - 3, ".so"));
}

/* A script named without a directory that is not in the current one is
 * looked up among the installed scripts. */
static void find_script(const char *spec, char *path, size_t pathlen)
{
    util_put_str(path, pathlen, 0, spec);
    if (strchr(spec, '/') || access(spec, F_OK) == 0)
        return;
    char dir[PATH_MAX], c[3200];
    paths_exe_dir(dir, sizeof dir);
    snprintf(c, sizeof c, "%.2000s/scripts/%.1000s", dir, spec);
    if (access(c, F_OK) != 0)
        snprintf(c, sizeof c, "%.2000s/../share/salvo/scripts/%.1000s", dir, spec);
    if (access(c, F_OK) != 0)
        snprintf(c, sizeof c, "%.2000s/scripts/%.1000s", SALVO_DATADIR, spec);
    if (access(c, F_OK) == 0)
        snprintf(path, pathlen, "%s", c);
}

int plugin_load(struct plugin *p, const char *spec, const struct script_limits *lim,
                char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    p->ops = &none_ops;
    p->lim = *lim; /* a compiled plugin's fetch() has the same limits */
    if (!strcmp(spec, "none") || !*spec) {
        snprintf(p->name, sizeof p->name, "none");
        return 0;
    }
    size_t n = strlen(spec);
    if (n > 4 && !strcmp(spec + n - 4, ".lua")) {
        p->ops = &lua_ops;
        find_script(spec, p->path, sizeof p->path);
        const char *base = strrchr(p->path, '/');
        snprintf(p->name, sizeof p->name, "%.63s", base ? base + 1 : p->path);
        return script_check(p->path, lim, err, errlen);
    }
    if (is_path(spec))
        snprintf(p->path, sizeof p->path, "%s", spec);
    else if (find_plugin(spec, p->path, sizeof p->path, err, errlen) < 0)
        return -1;
    if (access(p->path, R_OK) != 0) {
        snprintf(err, errlen, "plugin %s: no such file or not readable", p->path);
        return -1;
    }
    /* dlopen needs a slash to take a path literally rather than search. */
    char full[sizeof p->path + 2];
    snprintf(full, sizeof full, "%s%s", strchr(p->path, '/') ? "" : "./", p->path);
    p->dl = dlopen(full, RTLD_NOW | RTLD_LOCAL);
    if (!p->dl) {
        snprintf(err, errlen, "plugin %s: cannot load: %s (check its dependencies with ldd)",
                 p->path, dlerror());
        return -1;
    }
    salvo_entry_fn entry;
    *(void **)&entry = dlsym(p->dl, SALVO_ENTRY_SYMBOL);
    if (!entry) {
        snprintf(err, errlen, "plugin %s: no %s() entry point: not a salvo plugin", p->path,
                 SALVO_ENTRY_SYMBOL);
        goto refuse;
    }
    p->desc = entry(&host);
    if (!p->desc) {
        snprintf(err, errlen, "plugin %s: %s() gave no descriptor", p->path, SALVO_ENTRY_SYMBOL);
        goto refuse;
    }
    if (p->desc->abi != SALVO_ABI_VERSION) {
        snprintf(err, errlen, "plugin %s: built for plugin ABI %u, this salvo speaks ABI %d "
                 "(rebuild it against this salvo's salvo/plugin.h)", p->path,
                 (unsigned)p->desc->abi, SALVO_ABI_VERSION);
        goto refuse;
    }
    if (p->desc->size < DESC_MIN_SIZE) {
        snprintf(err, errlen, "plugin %s: descriptor of %u bytes is too small for ABI %d",
                 p->path, (unsigned)p->desc->size, SALVO_ABI_VERSION);
        goto refuse;
    }
    const char *base = strrchr(p->path, '/');
    snprintf(p->name, sizeof p->name, "%.63s",
             p->desc->name && *p->desc->name ? p->desc->name : base ? base + 1 : p->path);
    snprintf(plugin_name, sizeof plugin_name, "%s", p->name);
    p->ops = &so_ops;
    return 0;
refuse:
    dlclose(p->dl);
    p->dl = NULL;
    p->desc = NULL;
    return -1;
}

/* ---- the three matchers: compiled plugin, Lua script, none ---- */


/* The first -a key init() did not ask for, or NULL. */
static const char *unasked(const struct strlist *args, const unsigned char *asked, size_t *len)
{
    for (size_t i = 0; args && i < args->n; i++)
        if (!asked || !asked[i]) {
            *len = strcspn(args->v[i], "=");
            return args->v[i];
        }
    return NULL;
}

static int so_init(struct plugin *p, const struct strlist *args, char *err, size_t errlen)
{
    size_t n = args ? args->n : 0, klen;
    struct salvo_args a = {args, n ? calloc(n, 1) : NULL, 0};
    char msg[512] = "";
    int rc = 0;
    if (p->desc->init && p->desc->init(&a, &p->state, msg, sizeof msg) != 0) {
        msg[sizeof msg - 1] = '\0';
        snprintf(err, errlen, "plugin %s: init: %s", p->name, *msg ? msg : "failed");
        rc = -1;
    }
    const char *k = rc == 0 && !a.any && n ? unasked(args, a.asked, &klen) : NULL;
    if (k) {
        snprintf(err, errlen, "plugin %s: -a %.*s: not an argument it takes (misspelled?)",
                 p->name, (int)klen, k);
        rc = -1;
    }
    free(a.asked);
    return rc;
}

static int so_has_target(const struct plugin *p)
{
    return p->desc->target != NULL;
}

static int so_has_match(const struct plugin *p)
{
    return p->desc->match != NULL;
}

static int so_target(struct plugin *p, const char *word, size_t len, salvo_req *req)
{
    int v = p->desc->target(p->state, word, len, req);
    if (v != SALVO_MISS && !req->fail.len)
        h_req_fail(req, "target() failed");
    return v == SALVO_MISS && !req->fail.len ? SALVO_MISS : SALVO_FAIL;
}

static int so_match(struct plugin *p, salvo_res *res)
{
    int v = p->desc->match(p->state, res);
    if (v == SALVO_FAIL || res->fail.len) {
        if (!res->fail.len)
            h_res_fail(res, "match() failed");
        return SALVO_FAIL;
    }
    return v == SALVO_HIT ? SALVO_HIT : SALVO_MISS;
}

static void so_finish(struct plugin *p)
{
    if (p->desc->finish)
        p->desc->finish(p->state);
    p->state = NULL;
}

static const struct matcher_ops so_ops = {so_init, so_has_target, so_has_match, so_target,
                                          so_match, so_finish, ERR_PLUGIN};

static int lua_init(struct plugin *p, const struct strlist *args, char *err, size_t errlen)
{
    return (p->lua = script_new(p->path, &p->lim, args, err, errlen)) ? 0 : -1;
}

static int lua_has_target(const struct plugin *p)
{
    return script_has_target(p->lua);
}

static int lua_has_match(const struct plugin *p)
{
    return script_has_match(p->lua);
}

static int lua_target(struct plugin *p, const char *word, size_t len, salvo_req *req)
{
    return script_target(p->lua, word, len, req);
}

static int lua_match(struct plugin *p, salvo_res *res)
{
    return script_match(p->lua, res);
}

static void lua_finish(struct plugin *p)
{
    script_free(p->lua);
    p->lua = NULL;
}

static const struct matcher_ops lua_ops = {lua_init, lua_has_target, lua_has_match, lua_target,
                                           lua_match, lua_finish, ERR_SCRIPT};

static int none_init(struct plugin *p, const struct strlist *args, char *err, size_t errlen)
{
    (void)p, (void)args, (void)err, (void)errlen;
    return 0;
}

static int none_has(const struct plugin *p)
{
    (void)p;
    return 0;
}

static void none_finish(struct plugin *p)
{
    (void)p;
}

static const struct matcher_ops none_ops = {none_init, none_has, none_has, NULL, NULL,
                                            none_finish, ERR_PLUGIN};

int plugin_init(struct plugin *p, const struct strlist *args, char *err, size_t errlen)
{
    return p->ops->init(p, args, err, errlen);
}

void plugin_finish(struct plugin *p)
{
    p->ops->finish(p);
}

void plugin_unload(struct plugin *p)
{
    if (p->dl)
        dlclose(p->dl);
    p->dl = NULL;
    p->desc = NULL;
    p->ops = &none_ops;
}

int plugin_has_target(const struct plugin *p)
{
    return p->ops->has_target(p);
}

int plugin_has_match(const struct plugin *p)
{
    return p->ops->has_match(p);
}

int plugin_target(struct plugin *p, const char *word, size_t len, salvo_req *req)
{
    return p->ops->target(p, word, len, req);
}

int plugin_match(struct plugin *p, salvo_res *res)
{
    return p->ops->match(p, res);
}

/* A compiled plugin's word waiting on a fetch. */
struct so_wait {
    unsigned n;              /* fetches asked so far */
    salvo_fetched_fn then;   /* what gets the answer */
};

/* What a compiled plugin's match() or salvo_fetched_fn said, fetch()
 * included: FETCH_PENDING (with *co, made on the first) or a final
 * verdict (*co freed). */
static int so_after(salvo_res *res, int v, struct so_wait **co)
{
    int asked = now.asked;
    now.want = NULL;
    now.res = NULL;
    if (v == SALVO_FETCH && asked && !res->fail.len) {
        if (!*co && !(*co = calloc(1, sizeof **co))) {
            h_res_fail(res, "out of memory");
            return SALVO_FAIL;
        }
        (*co)->n++;
        (*co)->then = now.then;
        return FETCH_PENDING;
    }
    free(*co);
    *co = NULL;
    if (v == SALVO_FETCH && !res->fail.len)
        h_res_fail(res, "SALVO_FETCH without a fetch() first");
    if (v == SALVO_FAIL || v == SALVO_FETCH || res->fail.len) {
        if (!res->fail.len)
            h_res_fail(res, "match() failed");
        return SALVO_FAIL;
    }
    return v == SALVO_HIT ? SALVO_HIT : SALVO_MISS;
}

static void so_now(salvo_res *res, salvo_req *want, unsigned done, const struct plugin *p)
{
    now.res = res;
    now.want = want;
    now.done = done;
    now.asked = 0;
    now.then = NULL;
    now.lim = &p->lim;
}

int plugin_match_wait(struct plugin *p, salvo_res *res, struct fetch_co **co, salvo_req *want)
{
    *co = NULL;
    if (p->ops == &lua_ops)
        return fetch_match(p->lua, res, co, want);
    if (p->ops != &so_ops)
        return plugin_match(p, res);
    struct so_wait *w = NULL;
    so_now(res, want, 0, p);
    int v = so_after(res, p->desc->match(p->state, res), &w);
    *co = (struct fetch_co *)w;
    return v;
}

int plugin_resume(struct plugin *p, struct fetch_co *co, salvo_res *res, const salvo_res *got,
                  int kind, salvo_req *want)
{
    if (p->ops == &lua_ops)
        return fetch_resume(p->lua, co, got, kind, want);
    struct so_wait *w = (struct so_wait *)co;
    so_now(res, want, w->n, p);
    return so_after(res, w->then(p->state, res, got, w->n), &w);
}

int plugin_error_kind(const struct plugin *p)
{
    return p->ops->error_kind;
}

static int listed(char names[][64], size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(names[i], name))
            return 1;
    return 0;
}

/* A script's one-line description: its first comment line, without a
 * leading "NAME.lua:" (the convention of the bundled scripts). */
static void script_description(const char *path, char *out, size_t n)
{
    FILE *s = fopen(path, "r");
    char line[512] = "";
    if (s) {
        if (!fgets(line, sizeof line, s))
            line[0] = '\0';
        fclose(s);
    }
    line[strcspn(line, "\r\n")] = '\0';
    const char *d = strncmp(line, "--", 2) ? "" : line + 2;
    const char *colon = strstr(d, ".lua:");
    if (colon)
        d = colon + 5;
    while (*d == ' ')
        d++;
    snprintf(out, n, "%s", *d ? d : "-");
}

static void list_row(FILE *f, const char *name, const char *version, const char *kind,
                     const char *desc, const char *path)
{
    /* At most 58 bytes of the description, cut between characters. */
    size_t n = strlen(desc);
    if (n > 58) {
        n = 58;
        while (n && ((unsigned char)desc[n] & 0xc0) == 0x80)
            n--;
    }
    fprintf(f, "%-14s %-8s %-5s %-58.*s %s\n", name, version, kind, (int)n, desc, path);
}

static void list_dir(FILE *f, const char *dir, const char *ext, char names[][64], size_t *n,
                     size_t cap)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    size_t elen = strlen(ext);
    while ((e = readdir(d)) && *n < cap) {
        size_t len = strlen(e->d_name);
        if (len <= elen || strcmp(e->d_name + len - elen, ext))
            continue;
        char path[PATH_MAX + 256];
        snprintf(path, sizeof path, "%.2000s/%.255s", dir, e->d_name);
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(len - (ext[1] == 's' ? elen : 0)), e->d_name);
        if (listed(names, *n, name))
            continue;
        snprintf(names[(*n)++], 64, "%s", name);
        if (ext[1] == 'l') {
            char desc[512];
            script_description(path, desc, sizeof desc);
            list_row(f, name, "-", "lua", desc, path);
            continue;
        }
        struct plugin p;
        char err[512], abi[16];
        static const struct script_limits none = {0, 0, 0, 0, 0, NULL};
        if (plugin_load(&p, path, &none, err, sizeof err) < 0) {
            list_row(f, name, "?", "?", "(refused, see below)", path);
            fprintf(f, "    %s\n", err);
            continue;
        }
        snprintf(abi, sizeof abi, "so/%u", (unsigned)p.desc->abi);
        list_row(f, name, p.desc->version ? p.desc->version : "?", abi,
                 p.desc->description && *p.desc->description ? p.desc->description : "-", path);
        plugin_unload(&p);
    }
    closedir(d);
}

void plugin_list(FILE *f)
{
    static char names[256][64];
    size_t n = 0;
    char search[3 * PATH_MAX], dir[PATH_MAX], sdir[PATH_MAX + 64];
    list_row(f, "NAME", "VERSION", "KIND", "DESCRIPTION", "PATH");
    plugin_search_path(search, sizeof search);
    for (char *d = strtok(search, ":"); d; d = strtok(NULL, ":"))
        if (*d)
            list_dir(f, d, ".so", names, &n, 256);
    paths_exe_dir(dir, sizeof dir);
    snprintf(sdir, sizeof sdir, "%s/scripts", dir);
    list_dir(f, sdir, ".lua", names, &n, 256);
    snprintf(sdir, sizeof sdir, "%s/../share/salvo/scripts", dir);
    list_dir(f, sdir, ".lua", names, &n, 256);
    list_dir(f, SALVO_DATADIR "/scripts", ".lua", names, &n, 256);
    plugin_search_path(search, sizeof search);
    char where[8192];
    paths_describe(where, sizeof where);
    fprintf(f, "\n-p NAME looks for NAME.so in SALVO_PLUGIN_PATH, then %s; a NAME.lua in ./, "
               "then the scripts directories above.\nWordlists and INI files named without a "
               "directory: %s\n", search, where);
}

/* fetch: see fetch.h.
 *
 * A coroutine is a Lua thread kept in the registry while it waits; one
 * that ended well goes back to a small pool for the next match() (a new
 * thread is a few hundred bytes and a registry slot, for every response
 * of a scan). The probe's res userdata stays valid until the coroutine
 * ends (the probe waits with it); a fetched response is handed to Lua as
 * a plain table, copied once, so that it outlives the next fetch. */
#include "ext/fetch.h"

#include "base/codes.h"
#include "ext/scriptint.h"
#include "net/engine.h"
#include "net/res.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct fetch_co {
    lua_State *T;
    int ref;              /* T in the registry */
    struct lres *u;       /* the probe's res */
    salvo_req *want;      /* where salvo.fetch puts its request */
    unsigned fetches;
};

/* The thread for a new coroutine: a spare one, or a new one. */
static lua_State *thread_get(struct script *s, int *ref)
{
    lua_State *L = s->L;
    if (s->nspare) {
        *ref = s->spare[--s->nspare];
        lua_rawgeti(L, LUA_REGISTRYINDEX, *ref);
        lua_State *T = lua_tothread(L, -1);
        lua_pop(L, 1);
        return T;
    }
    lua_State *T = lua_newthread(L);
    *ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return T;
}

static void co_end(struct script *s, struct fetch_co *c, int well)
{
    if (c->u)
        c->u->r = NULL; /* the probe's res is gone after this: a kept copy says so */
    lua_settop(c->T, 0);
    if (well && s->nspare < SPARE_THREADS)
        s->spare[s->nspare++] = c->ref;
    else
        luaL_unref(s->L, LUA_REGISTRYINDEX, c->ref); /* an errored thread is dead */
    free(c);
}

/* The fields match() returned, under the budget: a field's __tostring
 * runs Lua too. */
static int l_take_fields(lua_State *T)
{
    script_take_fields(T, 2, lua_touserdata(T, 1));
    return 0;
}

static int l_trace(lua_State *L)
{
    luaL_traceback(L, lua_touserdata(L, 1), lua_tostring(L, 2), 0);
    return 1;
}

/* Resume with nargs on T's stack, within the budget. */
static int co_run(struct script *s, struct fetch_co *c, int nargs)
{
    lua_State *T = c->T;
    s->cur = c;
    s->count = 0;
    lua_sethook(T, script_hook, LUA_MASKCOUNT, HOOK_STEP);
    int nres = 0;
    int rc = lua_resume(T, s->L, nargs, &nres);
    s->cur = NULL;
    salvo_res *res = c->u->r;
    int hit = 0;
    if (rc == LUA_YIELD) {
        lua_sethook(T, NULL, 0, 0);
        lua_pop(T, nres);
        return FETCH_PENDING;
    }
    if (rc == LUA_OK) {
        int base = lua_gettop(T) - nres + 1;
        hit = nres >= 1 && lua_toboolean(T, base);
        if (nres >= 2 && lua_istable(T, base + 1)) {
            lua_pushcfunction(T, l_take_fields);
            lua_pushlightuserdata(T, res);
            lua_pushvalue(T, base + 1);
            rc = lua_pcall(T, 2, 0, 0);
        }
    }
    lua_sethook(T, NULL, 0, 0);
    if (rc == LUA_OK) {
        co_end(s, c, 1);
        return hit ? SALVO_HIT : SALVO_MISS;
    }
    char why[4096];
    if (rc == LUA_ERRMEM) {
        snprintf(why, sizeof why, "lua: not enough memory (lua_memory = %zu bytes)",
                 s->lim.memory);
    } else {
        const char *msg = lua_tostring(T, -1);
        snprintf(why, sizeof why, "lua: %s", msg ? msg : "error");
        /* With T's stack where it failed; protected: near the memory
         * cap a traceback can fail too, and then the message alone goes. */
        lua_State *L = s->L;
        lua_pushcfunction(L, l_trace);
        lua_pushlightuserdata(L, T);
        lua_pushstring(L, msg ? msg : "error");
        if (lua_pcall(L, 2, 1, 0) == LUA_OK)
            snprintf(why, sizeof why, "lua: %s", lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    script_fail_with(&res->fail, why);
    co_end(s, c, 0);
    return SALVO_FAIL;
}

int fetch_match(struct script *s, salvo_res *res, struct fetch_co **co, salvo_req *want)
{
    struct fetch_co *c = calloc(1, sizeof *c);
    if (!c) {
        script_fail_with(&res->fail, "lua: out of memory");
        return SALVO_FAIL;
    }
    c->T = thread_get(s, &c->ref);
    c->want = want;
    lua_State *T = c->T;
    lua_getglobal(T, "match");
    c->u = lua_newuserdatauv(T, sizeof *c->u, 1);
    c->u->r = res;
    luaL_setmetatable(T, RES_MT);
    *co = c;
    return co_run(s, c, 1);
}

/* A fetched response as a table (nil fields left out). */
static void push_got(lua_State *T, const salvo_res *r, int kind)
{
    lua_createtable(T, 0, 12);
    lua_pushstring(T, r->url ? r->url : "");
    lua_setfield(T, -2, "url");
    lua_pushinteger(T, r->status);
    lua_setfield(T, -2, "status");
    lua_pushlstring(T, r->body.p ? r->body.p : "", r->body.len);
    lua_setfield(T, -2, "body");
    size_t len;
    const char *t = res_text((salvo_res *)r, &len);
    lua_pushlstring(T, t, len);
    lua_setfield(T, -2, "text");
    lua_pushinteger(T, (lua_Integer)r->length);
    lua_setfield(T, -2, "length");
    lua_pushnumber(T, r->elapsed);
    lua_setfield(T, -2, "elapsed");
    lua_pushstring(T, r->ip);
    lua_setfield(T, -2, "ip");
    lua_pushboolean(T, r->truncated);
    lua_setfield(T, -2, "truncated");
    script_push_headers(T, r);
    lua_setfield(T, -2, "headers");
    if (kind != ERR_NONE) {
        lua_pushstring(T, r->error ? r->error : codes_class_name(codes_class(kind)));
        lua_setfield(T, -2, "error");
        lua_pushstring(T, codes_class_name(codes_class(kind)));
        lua_setfield(T, -2, "error_class");
    }
}

int fetch_resume(struct script *s, struct fetch_co *co, const salvo_res *got, int kind,
                 salvo_req *want)
{
    co->want = want;
    push_got(co->T, got, kind);
    return co_run(s, co, 1);
}

/* ---- salvo.fetch ---- */

/* The scheme://host[:port] of url: its length, 0 when it has none. */
size_t fetch_origin_len(const char *url)
{
    const char *p = strstr(url, "://");
    if (!p || p == url)
        return 0;
    p += 3;
    return (size_t)(p - url) + strcspn(p, "/?#");
}

/* The host of url's origin, without user info or port. */
static void authority_host(const char *url, const char **h, size_t *n)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t len = strcspn(p, "/?#");
    const char *at = memchr(p, '@', len);
    if (at) {
        len -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    const char *end = *p == '[' ? memchr(p, ']', len) : memchr(p, ':', len);
    *h = p;
    *n = !end ? len : *p == '[' ? (size_t)(end + 1 - p) : (size_t)(end - p);
}

/* Whether url may be fetched for a word whose URL is base. */
static int in_scope(int scope, const char *base, const char *url)
{
    if (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8))
        return 0;
    if (scope == FETCH_ANY)
        return 1;
    if (scope == FETCH_ORIGIN) {
        size_t a = fetch_origin_len(base), b = fetch_origin_len(url);
        return a && a == b && !strncasecmp(base, url, a);
    }
    const char *h1, *h2;
    size_t n1, n2;
    authority_host(base, &h1, &n1);
    authority_host(url, &h2, &n2);
    return n1 == n2 && !strncasecmp(h1, h2, n1);
}

static const char *const scope_names[] = {"origin", "host", "any"};

/* salvo.fetch(url | {url=, method=, headers={}, body=}) -> a response
 * table. A URL that starts with '/' is on the word's own origin. */
int fetch_check(const struct script_limits *lim, unsigned done, const char *base, salvo_req *w,
                const char *who, char *why, size_t whylen)
{
    if (done >= lim->max_fetches) {
        snprintf(why, whylen, "%s: more than %u fetches for one word (--max-fetches)", who,
                 lim->max_fetches);
        return -1;
    }
    if (!w->url.len) {
        snprintf(why, whylen, "%s: no url", who);
        return -1;
    }
    if (w->url.p[0] == '/') { /* on the word's origin */
        struct buf abs = {0};
        buf_append(&abs, base, fetch_origin_len(base));
        buf_append(&abs, w->url.p, w->url.len);
        buf_free(&w->url);
        w->url = abs;
    }
    if (!w->url.p || strlen(w->url.p) != w->url.len || strpbrk(w->url.p, "\r\n")) {
        snprintf(why, whylen, "%s: the url holds a NUL, CR or LF byte", who);
        return -1;
    }
    if (!in_scope(lim->fetch_scope, base, w->url.p)) {
        snprintf(why, whylen, "%s: %.900s is out of scope (--fetch-scope %s, the word's URL is "
                 "%.900s)", who, w->url.p, scope_names[lim->fetch_scope], base);
        return -1;
    }
    return 0;
}

const salvo_res *fetch_current(const struct script *s)
{
    return s->cur && s->cur->u ? s->cur->u->r : NULL;
}

/* salvo.fetch(url | {url=, method=, headers={}, body=}) -> a response
 * table. A URL that starts with '/' is on the word's own origin. */
int fetch_lua(lua_State *L)
{
    struct script *s = script_of(L);
    struct fetch_co *c = s->cur;
    if (!c || !lua_isyieldable(L))
        return luaL_error(L, "salvo.fetch: only match() can fetch");
    const char *base = c->u->r && c->u->r->url ? c->u->r->url : "";
    salvo_req *w = c->want;
    engine_req_reset(w);
    if (lua_type(L, 1) == LUA_TSTRING) {
        buf_append_str(&w->url, lua_tostring(L, 1));
    } else if (lua_istable(L, 1)) {
        lua_settop(L, 1);
        if (script_apply_table(L, w))
            return luaL_error(L, "salvo.fetch: a table with a bad url, method, headers or body");
    } else {
        return luaL_error(L, "salvo.fetch: a URL or a {url=...} table, not a %s",
                          luaL_typename(L, 1));
    }
    char why[2048];
    if (fetch_check(&s->lim, c->fetches, base, w, "salvo.fetch", why, sizeof why) < 0)
        return luaL_error(L, "%s", why);
    c->fetches++;
    return lua_yield(L, 0);
}

/* script: Lua 5.4 probes, one lua_State per worker.
 *
 * A script is a file that defines any of init(args), target(word) and
 * match(res). It is loaded as text only (binary chunks can crash Lua) and
 * runs with string, table, math, utf8, coroutine, the safe part of the base
 * library and the salvo module; io, os, debug and native modules only with
 * lua_unsafe = yes.
 *
 * Every hook runs under lua_pcall with a traceback handler, so a runtime
 * error becomes that probe's error (message and traceback) and the scan
 * goes on. Each call has an instruction budget: a count hook raises an
 * error once it is spent, and keeps raising at every instruction after
 * that, so a pcall in the script cannot swallow it. The state's memory is
 * capped by its allocator: past the cap an allocation fails and Lua raises
 * "not enough memory" in that call.
 *
 * res is a userdata whose fields are computed when read (__index): a
 * script that never reads res.body never pays for copying it into Lua. It
 * is valid during match() only; touching it later raises an error.
 */
#include "ext/script.h"
#include "ext/scriptint.h"
#include "ext/fetch.h"
#include "ext/follow.h"

#include "base/log.h"
#include "ext/match.h"
#include "base/msg.h"
#include "base/strlist.h"
#include "net/reqres.h"
#include "net/res.h"

#include <ctype.h>
#include <curl/curl.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


/* ---- the state: allocator, budget, calls ---- */

static void *l_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct script *s = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        s->mem -= old;
        return NULL;
    }
    if (nsize > old && s->mem + (nsize - old) > s->lim.memory)
        return NULL;
    void *p = realloc(ptr, nsize);
    if (p)
        s->mem = s->mem - old + nsize;
    return p;
}

struct script *script_of(lua_State *L)
{
    void *ud;
    lua_getallocf(L, &ud);
    return ud;
}

void script_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    struct script *s = script_of(L);
    s->count += HOOK_STEP;
    if (s->count > s->lim.instructions) {
        lua_sethook(L, script_hook, LUA_MASKCOUNT, 1); /* unescapable from now on */
        luaL_error(L, "instruction budget of %I exceeded (lua_instructions)",
                   (lua_Integer)s->lim.instructions);
    }
}

static int l_traceback(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (!msg) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* Call the function under nargs arguments on the stack, within the budget.
 * On failure err gets "lua: message\ntraceback". */
static int call(struct script *s, int nargs, int nres, char *err, size_t errlen)
{
    lua_State *L = s->L;
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, l_traceback);
    lua_insert(L, base);
    s->count = 0;
    lua_sethook(L, script_hook, LUA_MASKCOUNT, HOOK_STEP);
    int rc = lua_pcall(L, nargs, nres, base);
    lua_sethook(L, NULL, 0, 0);
    lua_remove(L, base);
    if (rc == LUA_OK)
        return 0;
    if (rc == LUA_ERRMEM)
        snprintf(err, errlen, "lua: not enough memory (lua_memory = %zu bytes)", s->lim.memory);
    else
        snprintf(err, errlen, "lua: %s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "error");
    lua_pop(L, 1);
    return -1;
}

/* ---- the salvo module ---- */

static pcre2_code *regex_get(struct script *s, lua_State *L, const char *pattern)
{
    for (unsigned i = 0; i < REGEX_CACHE; i++)
        if (s->rx[i].pattern && !strcmp(s->rx[i].pattern, pattern))
            return s->rx[i].code;
    char why[256];
    size_t off;
    pcre2_code *code = match_regex(pattern, &off, why, sizeof why);
    if (!code)
        luaL_error(L, "salvo.regex: bad pattern at offset %d: %s", (int)off, why);
    unsigned i = s->rx_next++ % REGEX_CACHE;
    free(s->rx[i].pattern);
    pcre2_code_free(s->rx[i].code);
    s->rx[i].pattern = strdup(pattern);
    s->rx[i].code = code;
    if (!s->rx[i].pattern) {
        s->rx[i].code = NULL;
        pcre2_code_free(code);
        luaL_error(L, "salvo.regex: out of memory");
    }
    return code;
}

/* salvo.regex(subject, pattern) -> nil | whole match, captures... */
static int l_regex(lua_State *L)
{
    struct script *s = script_of(L);
    size_t len;
    const char *subject = luaL_checklstring(L, 1, &len);
    const char *pattern = luaL_checkstring(L, 2);
    pcre2_code *code = regex_get(s, L, pattern);
    if (!s->md && !(s->md = pcre2_match_data_create(32, NULL)))
        return luaL_error(L, "salvo.regex: out of memory");
    int rc = pcre2_match(code, (PCRE2_SPTR)subject, len, 0, 0, s->md, NULL);
    if (rc == PCRE2_ERROR_NOMATCH)
        return lua_pushnil(L), 1;
    if (rc < 0) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(rc, msg, sizeof msg);
        return luaL_error(L, "salvo.regex: %s", (char *)msg);
    }
    if (rc == 0)
        rc = 32; /* more groups than the match data holds */
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
    luaL_checkstack(L, rc, "too many captures");
    for (int i = 0; i < rc; i++) {
        if (ov[2 * i] == PCRE2_UNSET)
            lua_pushnil(L);
        else
            lua_pushlstring(L, subject + ov[2 * i], ov[2 * i + 1] - ov[2 * i]);
    }
    return rc;
}

/* salvo.title(html) -> the <title> text, whitespace collapsed, or nil */
static int l_title(lua_State *L)
{
    size_t len;
    const char *html = luaL_checklstring(L, 1, &len);
    long max = res_title_to(html, len, NULL, 0);
    if (max < 0) {
        lua_pushnil(L);
        return 1;
    }
    /* Lua's own buffer: if the script's memory cap stops it half-way, the
     * collector frees it (a malloc'ed one would leak on that longjmp). */
    luaL_Buffer b;
    char *p = luaL_buffinitsize(L, &b, (size_t)max);
    luaL_pushresultsize(&b, (size_t)res_title_to(html, len, p, (size_t)max));
    return 1;
}

/* salvo.log(...) -> a line on salvo's stderr */
static int l_log(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        if (i > 1)
            luaL_addchar(&b, '\t');
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    log_msg(LOG_INFO, "script: %s", lua_tostring(L, -1));
    return 0;
}

static const luaL_Reg salvo_lib[] = {
    {"regex", l_regex},
    {"title", l_title},
    {"log", l_log},
    {"fetch", fetch_lua},
    {"follow", follow_lua},
    {NULL, NULL},
};

/* ---- res ---- */

static int l_headers_index(lua_State *L)
{
    size_t n;
    const char *k = luaL_checklstring(L, 2, &n);
    char low[256];
    if (n >= sizeof low)
        return lua_pushnil(L), 1;
    for (size_t i = 0; i <= n; i++)
        low[i] = (char)tolower((unsigned char)k[i]);
    lua_pushstring(L, low);
    lua_rawget(L, 1);
    return 1;
}

void script_push_headers(lua_State *L, const salvo_res *r)
{
    lua_newtable(L);
    size_t pos = 0;
    const char *p, *value;
    while (res_header_next(r, &pos, &p, &value)) {
        char low[256];
        size_t n = strlen(p) < sizeof low - 1 ? strlen(p) : sizeof low - 1;
        for (size_t i = 0; i < n; i++)
            low[i] = (char)tolower((unsigned char)p[i]);
        low[n] = '\0';
        lua_getfield(L, -1, low);
        if (lua_isstring(L, -1)) /* repeated header: join as HTTP does */
            lua_pushfstring(L, "%s, %s", lua_tostring(L, -1), value);
        else
            lua_pushstring(L, value);
        lua_setfield(L, -3, low);
        lua_pop(L, 1);
    }
    luaL_setmetatable(L, HEADERS_MT);
}

static int l_res_index(lua_State *L)
{
    struct lres *u = luaL_checkudata(L, 1, RES_MT);
    const char *k = luaL_checkstring(L, 2);
    salvo_res *r = u->r;
    if (!r)
        return luaL_error(L, "res used after match() returned");
    if (!strcmp(k, "status"))
        lua_pushinteger(L, r->status);
    else if (!strcmp(k, "url"))
        lua_pushstring(L, r->url ? r->url : "");
    else if (!strcmp(k, "word"))
        lua_pushlstring(L, r->word ? r->word : "", r->wlen);
    else if (!strcmp(k, "body"))
        lua_pushlstring(L, r->body.p ? r->body.p : "", r->body.len);
    else if (!strcmp(k, "text")) {
        size_t len;
        const char *t = res_text(r, &len);
        lua_pushlstring(L, t, len);
    } else if (!strcmp(k, "length"))
        lua_pushinteger(L, (lua_Integer)r->length);
    else if (!strcmp(k, "elapsed"))
        lua_pushnumber(L, r->elapsed);
    else if (!strcmp(k, "ip"))
        lua_pushstring(L, r->ip);
    else if (!strcmp(k, "truncated"))
        lua_pushboolean(L, r->truncated);
    else if (!strcmp(k, "charset")) {
        res_text(r, NULL);
        lua_pushstring(L, r->charset);
    } else if (!strcmp(k, "error")) {
        if (r->error)
            lua_pushstring(L, r->error);
        else
            lua_pushnil(L);
    } else if (!strcmp(k, "headers")) {
        if (lua_getiuservalue(L, 1, 1) != LUA_TTABLE) {
            lua_pop(L, 1);
            script_push_headers(L, r);
            lua_pushvalue(L, -1);
            lua_setiuservalue(L, 1, 1);
        }
    } else
        return luaL_error(L, "res has no field '%s'", k);
    return 1;
}

static int l_res_newindex(lua_State *L)
{
    return luaL_error(L, "res is read-only");
}

/* ---- loading ---- */

static void open_libs(lua_State *L, int unsafe)
{
    if (unsafe) {
        luaL_openlibs(L);
    } else {
        static const luaL_Reg safe[] = {
            {LUA_GNAME, luaopen_base},         {LUA_STRLIBNAME, luaopen_string},
            {LUA_TABLIBNAME, luaopen_table},   {LUA_MATHLIBNAME, luaopen_math},
            {LUA_UTF8LIBNAME, luaopen_utf8},   {LUA_COLIBNAME, luaopen_coroutine},
        };
        for (size_t i = 0; i < sizeof safe / sizeof *safe; i++) {
            luaL_requiref(L, safe[i].name, safe[i].func, 1);
            lua_pop(L, 1);
        }
        /* Files and binary chunks stay out of reach. */
        static const char *const drop[] = {"dofile", "loadfile", "load"};
        for (size_t i = 0; i < 3; i++) {
            lua_pushnil(L);
            lua_setglobal(L, drop[i]);
        }
    }
    luaL_newlib(L, salvo_lib);
    lua_setglobal(L, "salvo");
    luaL_newmetatable(L, RES_MT);
    lua_pushcfunction(L, l_res_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_res_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
    luaL_newmetatable(L, HEADERS_MT);
    lua_pushcfunction(L, l_headers_index);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}

static int hook_kind(lua_State *L, const char *name, int *has, char *err, size_t errlen,
                     const char *path)
{
    /* Raw: a metatable the script put on _G runs no code here. */
    lua_pushglobaltable(L);
    lua_pushstring(L, name);
    int t = lua_rawget(L, -2);
    lua_pop(L, 2);
    *has = t == LUA_TFUNCTION;
    if (t != LUA_TNIL && t != LUA_TFUNCTION) {
        snprintf(err, errlen, "script %s: %s is a %s, not a function", path, name,
                 lua_typename(L, t));
        return -1;
    }
    return 0;
}

/* A state with the script loaded and run once. */
static struct script *load(const char *path, const struct script_limits *lim, char *err,
                           size_t errlen)
{
    struct script *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "script %s: out of memory", path);
        return NULL;
    }
    snprintf(s->path, sizeof s->path, "%s", path);
    s->lim = *lim;
    if (!(s->L = lua_newstate(l_alloc, s))) {
        snprintf(err, errlen, "script %s: cannot create a Lua state", path);
        free(s);
        return NULL;
    }
    open_libs(s->L, lim->unsafe);
    char why[2048];
    int rc = luaL_loadfilex(s->L, path, "t");
    if (rc != LUA_OK) {
        /* Syntax errors read "path:line: message"; a missing file "cannot open". */
        snprintf(err, errlen, "script %s", lua_tostring(s->L, -1));
        goto fail;
    }
    if (call(s, 0, 0, why, sizeof why) < 0) {
        snprintf(err, errlen, "script %s: %s", path, why);
        goto fail;
    }
    if (hook_kind(s->L, "target", &s->has_target, err, errlen, path) < 0 ||
        hook_kind(s->L, "match", &s->has_match, err, errlen, path) < 0 ||
        hook_kind(s->L, "init", &s->has_init, err, errlen, path) < 0)
        goto fail;
    if (!s->has_target && !s->has_match) {
        snprintf(err, errlen, "script %s: defines neither target() nor match()", path);
        goto fail;
    }
    return s;
fail:
    script_free(s);
    return NULL;
}

int script_check(const char *path, const struct script_limits *lim, char *err, size_t errlen)
{
    struct script *s = load(path, lim, err, errlen);
    if (!s)
        return -1;
    script_free(s);
    return 0;
}

/* init(args), with the table built inside the protected call too: an
 * allocation past the memory cap is an error there, not a panic. */
struct init_ctx {
    const struct strlist *args;
    char reason[512];
    int refused;
};

/* init()'s args table is a proxy that notes what the script reads:
 * args.KEY marks KEY, pairs(args) marks them all (asked[0]). upvalues:
 * the real table, the asked table. */
static int l_args_index(lua_State *L)
{
    lua_pushvalue(L, 2);
    lua_pushboolean(L, 1);
    lua_rawset(L, lua_upvalueindex(2));
    lua_pushvalue(L, 2);
    lua_rawget(L, lua_upvalueindex(1));
    return 1;
}

static int l_args_next(lua_State *L)
{
    lua_settop(L, 2);
    if (lua_next(L, lua_upvalueindex(1)))
        return 2;
    lua_pushnil(L);
    return 1;
}

static int l_args_pairs(lua_State *L)
{
    lua_pushboolean(L, 1);
    lua_rawseti(L, lua_upvalueindex(2), 0);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushcclosure(L, l_args_next, 1);
    lua_pushnil(L);
    lua_pushnil(L);
    return 3;
}

static int l_do_init(lua_State *L)
{
    struct init_ctx *c = lua_touserdata(L, 1);
    lua_newtable(L); /* 2: the real table */
    for (size_t i = 0; c->args && i < c->args->n; i++) {
        const char *eq = strchr(c->args->v[i], '=');
        lua_pushlstring(L, c->args->v[i], (size_t)(eq - c->args->v[i]));
        lua_pushstring(L, eq + 1);
        lua_rawset(L, 2);
    }
    lua_newtable(L); /* 3: what was asked */
    lua_getglobal(L, "init");
    lua_newtable(L); /* the proxy */
    lua_newtable(L);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 3);
    lua_pushcclosure(L, l_args_index, 2);
    lua_setfield(L, -2, "__index");
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 3);
    lua_pushcclosure(L, l_args_pairs, 2);
    lua_setfield(L, -2, "__pairs");
    lua_setmetatable(L, -2);
    lua_call(L, 1, 2);
    if (lua_type(L, -2) == LUA_TBOOLEAN && !lua_toboolean(L, -2)) {
        c->refused = 1;
        const char *r = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "refused";
        snprintf(c->reason, sizeof c->reason, "%s", r);
        return 0;
    }
    /* A key it never read is a misspelling (or meant for another script). */
    if (lua_rawgeti(L, 3, 0) != LUA_TNIL)
        return 0;
    for (size_t i = 0; c->args && i < c->args->n; i++) {
        size_t k = strcspn(c->args->v[i], "=");
        lua_pushlstring(L, c->args->v[i], k);
        if (lua_rawget(L, 3) == LUA_TNIL) {
            c->refused = 1;
            snprintf(c->reason, sizeof c->reason, "-a %.*s: not an argument it reads "
                     "(misspelled?)", (int)k, c->args->v[i]);
            return 0;
        }
        lua_pop(L, 1);
    }
    return 0;
}

struct script *script_new(const char *path, const struct script_limits *lim,
                          const struct strlist *args, char *err, size_t errlen)
{
    struct script *s = load(path, lim, err, errlen);
    if (!s)
        return NULL;
    if (!s->has_init && args && args->n) {
        snprintf(err, errlen, "script %s: -a %.*s: the script has no init(), so it takes no "
                 "-a arguments", path, (int)strcspn(args->v[0], "="), args->v[0]);
        script_free(s);
        return NULL;
    }
    if (!s->has_init)
        return s;
    lua_State *L = s->L;
    struct init_ctx c = {.args = args};
    char why[2048];
    lua_pushcfunction(L, l_do_init);
    lua_pushlightuserdata(L, &c);
    if (call(s, 1, 0, why, sizeof why) < 0) {
        snprintf(err, errlen, "script %s: init: %s", path, why);
        goto fail;
    }
    if (c.refused) {
        snprintf(err, errlen, "script %s: init: %s", path, c.reason);
        goto fail;
    }
    return s;
fail:
    script_free(s);
    return NULL;
}

void script_free(struct script *s)
{
    if (!s)
        return;
    /* Lua runs finalizers (__gc) with hooks off, so the budget cannot stop
     * one that loops, here or in a hook call: the parent's watchdog does
     * (--judge-timeout while judging, the exit grace at the end). */
    if (s->L)
        lua_close(s->L);
    for (unsigned i = 0; i < REGEX_CACHE; i++) {
        free(s->rx[i].pattern);
        pcre2_code_free(s->rx[i].code);
    }
    pcre2_match_data_free(s->md);
    free(s);
}

int script_has_target(const struct script *s) { return s && s->has_target; }
int script_has_match(const struct script *s) { return s && s->has_match; }

void script_fail_with(struct buf *b, const char *msg)
{
    buf_reset(b);
    buf_append_str(b, msg);
}

/* target() returned a table: {url=, method=, headers={}, body=} */
const char *script_apply_table(lua_State *L, salvo_req *req)
{
    static const char *const bad = "target() returned a table with a bad url, method, "
                                   "headers or body";
    int t = lua_getfield(L, -1, "url");
    if (t == LUA_TSTRING) {
        buf_reset(&req->url);
        buf_append_str(&req->url, lua_tostring(L, -1));
    } else if (t != LUA_TNIL)
        return bad;
    lua_pop(L, 1);
    t = lua_getfield(L, -1, "method");
    if (t == LUA_TSTRING) {
        const char *m = lua_tostring(L, -1);
        if (!*m || strpbrk(m, " \t\r\n:"))
            return bad;
        buf_reset(&req->method);
        buf_append_str(&req->method, m);
    } else if (t != LUA_TNIL)
        return bad;
    lua_pop(L, 1);
    t = lua_getfield(L, -1, "body");
    if (t == LUA_TSTRING) {
        size_t n;
        const char *p = lua_tolstring(L, -1, &n);
        buf_reset(&req->body);
        buf_append(&req->body, p, n);
        req->has_body = 1;
    } else if (t != LUA_TNIL)
        return bad;
    lua_pop(L, 1);
    t = lua_getfield(L, -1, "headers");
    if (t == LUA_TTABLE) {
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            if (lua_type(L, -2) != LUA_TSTRING || !lua_isstring(L, -1))
                return bad;
            char line[8192];
            const char *k = lua_tostring(L, -2), *v = lua_tostring(L, -1);
            if (strpbrk(k, "\r\n: ") || strpbrk(v, "\r\n") ||
                snprintf(line, sizeof line, "%s: %s", k, v) >= (int)sizeof line)
                return bad;
            struct curl_slist *l = curl_slist_append(req->headers, line);
            if (!l)
                return "out of memory";
            req->headers = l;
            lua_pop(L, 1);
        }
    } else if (t != LUA_TNIL)
        return bad;
    lua_pop(L, 1);
    return NULL;
}

/* target(word) and what it returned, read inside the protected call:
 * a metamethod of the returned table runs under the budget too. */
struct target_ctx {
    const char *word;
    size_t len;
    salvo_req *req;
    const char *bad;
    int refused;
    char reason[512];
};

static int l_do_target(lua_State *L)
{
    struct target_ctx *c = lua_touserdata(L, 1);
    lua_getglobal(L, "target");
    lua_pushlstring(L, c->word, c->len);
    lua_call(L, 1, 2);
    int t = lua_type(L, -2);
    if (t == LUA_TBOOLEAN && !lua_toboolean(L, -2)) {
        /* return false, "reason": the script refuses this word; no traceback */
        c->refused = 1;
        snprintf(c->reason, sizeof c->reason, "%s",
                 lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "refused");
        return 0;
    }
    lua_pop(L, 1);
    if (t == LUA_TSTRING) {
        buf_reset(&c->req->url);
        buf_append_str(&c->req->url, lua_tostring(L, -1));
    } else if (t == LUA_TTABLE) {
        c->bad = script_apply_table(L, c->req);
    } else if (t != LUA_TNIL) {
        c->bad = "target() must return a URL string, a table, nil or false";
    }
    return 0;
}

int script_target(struct script *s, const char *word, size_t len, salvo_req *req)
{
    lua_State *L = s->L;
    struct target_ctx c = {.word = word, .len = len, .req = req};
    char why[4096];
    lua_pushcfunction(L, l_do_target);
    lua_pushlightuserdata(L, &c);
    if (call(s, 1, 0, why, sizeof why) < 0) {
        script_fail_with(&req->fail, why);
        return SALVO_FAIL;
    }
    if (c.refused) {
        script_fail_with(&req->fail, c.reason);
        return SALVO_FAIL;
    }
    if (c.bad) {
        char msg[1600];
        snprintf(msg, sizeof msg, "lua: %s: %s", s->path, c.bad);
        script_fail_with(&req->fail, msg);
        return SALVO_FAIL;
    }
    if (strpbrk(req->url.p ? req->url.p : "", "\r\n")) {
        script_fail_with(&req->fail, "lua: target() returned a URL with CR or LF");
        return SALVO_FAIL;
    }
    return SALVO_MISS;
}

void script_take_fields(lua_State *L, int idx, salvo_res *r)
{
    lua_pushnil(L);
    while (lua_next(L, idx) && r->nfields < RESULT_MAX_FIELDS) {
        if (lua_type(L, -2) == LUA_TSTRING) {
            int t = lua_type(L, -1);
            const char *v = luaL_tolstring(L, -1, NULL); /* numbers, booleans too */
            /* A number or boolean stays one in jsonl, if JSON can hold it
             * (not inf or nan). */
            res_field_add(r, lua_tostring(L, -3), v, t == LUA_TBOOLEAN || t == LUA_TNUMBER);
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
}

/* match(res) and the fields it returned, inside the protected call:
 * __tostring of a field runs under the budget too. */
struct match_ctx {
    salvo_res *res;
    struct lres *u;
    int hit;
};

static int l_do_match(lua_State *L)
{
    struct match_ctx *c = lua_touserdata(L, 1);
    lua_getglobal(L, "match");
    c->u = lua_newuserdatauv(L, sizeof *c->u, 1);
    c->u->r = c->res;
    luaL_setmetatable(L, RES_MT);
    lua_call(L, 1, 2);
    c->hit = lua_toboolean(L, -2);
    if (lua_istable(L, -1))
        script_take_fields(L, lua_absindex(L, -1), c->res);
    return 0;
}

int script_match(struct script *s, salvo_res *res)
{
    lua_State *L = s->L;
    struct match_ctx c = {.res = res};
    char why[4096];
    lua_pushcfunction(L, l_do_match);
    lua_pushlightuserdata(L, &c);
    int rc = call(s, 1, 0, why, sizeof why);
    if (c.u)
        c.u->r = NULL; /* res is gone after this call: a kept copy says so */
    if (rc < 0) {
        script_fail_with(&res->fail, why);
        return SALVO_FAIL;
    }
    return c.hit ? SALVO_HIT : SALVO_MISS;
}

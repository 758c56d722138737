/* scriptint: what script.c (the Lua state, its hooks) and fetch.c (a
 * match() that waits on salvo.fetch) share of a script. Not for other
 * modules: they see script.h and fetch.h. */
#ifndef SALVO_SCRIPTINT_H
#define SALVO_SCRIPTINT_H
#include <lua.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "ext/limits.h"
#include "net/reqres.h"

#define HOOK_STEP 1000
#define RES_MT "salvo.res"
#define HEADERS_MT "salvo.headers"
#define REGEX_CACHE 32
#define SPARE_THREADS 64        /* finished coroutines kept for the next match() */

struct fetch_co;

struct script {
    lua_State *L;
    char path[1024];
    struct script_limits lim;
    size_t mem;
    unsigned long count;
    int has_target, has_match, has_init;
    struct {
        char *pattern;
        pcre2_code *code;
    } rx[REGEX_CACHE];
    unsigned rx_next;
    pcre2_match_data *md;
    struct fetch_co *cur;       /* the match() running now as a coroutine, or NULL */
    int spare[SPARE_THREADS];   /* registry refs of threads that ended well */
    unsigned nspare;
};

/* A response handed to Lua: a userdata read through __index (RES_MT). */
struct lres {
    salvo_res *r;  /* NULL once match() has returned */
};

struct script *script_of(lua_State *L);
/* The instruction budget's count hook. */
void script_hook(lua_State *L, lua_Debug *ar);
void script_fail_with(struct buf *b, const char *msg);
/* A {url=, method=, headers={}, body=} table at the top of L's stack into
 * req: NULL, or what is wrong with it. */
const char *script_apply_table(lua_State *L, salvo_req *req);
/* The table of fields at idx (match()'s second result) into r. */
void script_take_fields(lua_State *L, int idx, salvo_res *r);
/* r's headers as a table, names lower-cased, repeats joined. */
void script_push_headers(lua_State *L, const salvo_res *r);
#endif

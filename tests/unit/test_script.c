/* Lua scripts in one state, without a scan: syntax errors named by
 * file:line before any worker, target() as a string, a table, a refusal
 * and an error; match() with typed fields; the instruction budget (a
 * pcall cannot swallow it), the memory cap and the sandbox. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/reqres.h"
#include "ext/script.h"
#include "base/strlist.h"

#define SCRATCH_NAME "script"
#include "scratch.h"

static const struct script_limits lim = {0, 1000000, 8u << 20, 16, 0, NULL};

static const char *write_script(const char *name, const char *text)
{
    static char path[300];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static void checks_before_the_scan(void **s)
{
    (void)s;
    char err[2048];
    const char *p = write_script("syntax.lua", "function match(res)\n  return res.status ==\nend\n");
    assert_int_equal(script_check(p, &lim, err, sizeof err), -1);
    assert_non_null(strstr(err, "syntax.lua:3"));
    p = write_script("nohooks.lua", "x = 1\n");
    assert_int_equal(script_check(p, &lim, err, sizeof err), -1);
    assert_non_null(strstr(err, "nohooks.lua"));
    assert_int_equal(script_check("/nonexistent/x.lua", &lim, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/x.lua"));
    p = write_script("ok.lua", "function match(res) return true end\n");
    assert_int_equal(script_check(p, &lim, err, sizeof err), 0);
}

static void targets(void **s)
{
    (void)s;
    char err[2048];
    const char *p = write_script(
        "target.lua",
        "prefix = 'http://x/'\n"
        "function init(args) prefix = args.prefix or prefix end\n"
        "function target(w)\n"
        "  if w == 'str' then return prefix .. w end\n"
        "  if w == 'tab' then return {url = prefix .. 't', method = 'POST', body = 'b=1',\n"
        "                             headers = {['X-A'] = '1'}} end\n"
        "  if w == 'no' then return false, 'not this one' end\n"
        "  if w == 'crlf' then return 'http://x/\\r\\nHost: y' end\n"
        "  if w == 'num' then return 42 end\n"
        "  error('boom ' .. w)\n"
        "end\n");
    struct strlist args = {0};
    strlist_add(&args, "prefix=http://p/");
    struct script *sc = script_new(p, &lim, &args, err, sizeof err);
    assert_non_null(sc);
    assert_true(script_has_target(sc));
    assert_false(script_has_match(sc));
    salvo_req req = {0};
    assert_int_equal(script_target(sc, "str", 3, &req), SALVO_MISS);
    assert_string_equal(req.url.p, "http://p/str");
    buf_reset(&req.url);
    assert_int_equal(script_target(sc, "tab", 3, &req), SALVO_MISS);
    assert_string_equal(req.url.p, "http://p/t");
    assert_string_equal(req.method.p, "POST");
    assert_true(req.has_body && req.body.len == 3);
    assert_non_null(req.headers);
    assert_int_equal(script_target(sc, "no", 2, &req), SALVO_FAIL);
    assert_string_equal(req.fail.p, "not this one");
    buf_reset(&req.fail);
    assert_int_equal(script_target(sc, "crlf", 4, &req), SALVO_FAIL);
    assert_non_null(strstr(req.fail.p, "CR or LF"));
    buf_reset(&req.fail);
    assert_int_equal(script_target(sc, "num", 3, &req), SALVO_FAIL);
    assert_non_null(strstr(req.fail.p, "must return"));
    buf_reset(&req.fail);
    assert_int_equal(script_target(sc, "zz", 2, &req), SALVO_FAIL);
    assert_non_null(strstr(req.fail.p, "lua:"));
    assert_non_null(strstr(req.fail.p, "boom zz"));
    assert_non_null(strstr(req.fail.p, "traceback"));
    curl_slist_free_all(req.headers);
    buf_free(&req.url);
    buf_free(&req.method);
    buf_free(&req.body);
    buf_free(&req.fail);
    script_free(sc);
    strlist_free(&args);
}

static void response(salvo_res *r, const char *word, int status, const char *body)
{
    memset(r, 0, sizeof *r);
    r->url = "http://x/";
    r->word = word;
    r->wlen = strlen(word);
    r->status = status;
    buf_append_str(&r->body, body);
    r->length = strlen(body);
    buf_append(&r->hdrs, "Content-Type\0text/html\0", 23);
}

static void matches(void **s)
{
    (void)s;
    char err[2048];
    const char *p = write_script(
        "match.lua",
        "function match(res)\n"
        "  if res.word == 'loop' then while true do pcall(function() while true do end end) end end\n"
        "  if res.word == 'mem' then local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(1000) .. i end end\n"
        "  if res.word == 'io' then return io ~= nil or os ~= nil end\n"
        "  return res.status == 200 and not res.text:find('not found', 1, true),\n"
        "         {len = res.length, ct = res.headers['content-type']}\n"
        "end\n");
    struct script *sc = script_new(p, &lim, NULL, err, sizeof err);
    assert_non_null(sc);
    salvo_res r;
    response(&r, "page", 200, "<title>hi</title>hello");
    assert_int_equal(script_match(sc, &r), SALVO_HIT);
    assert_int_equal(r.nfields, 2);
    for (size_t i = 0; i < r.nfields; i++)
        if (!strcmp(r.fields[2 * i], "ct"))
            assert_string_equal(r.fields[2 * i + 1], "text/html");
    res_free(&r);
    response(&r, "gone", 200, "page not found");
    assert_int_equal(script_match(sc, &r), SALVO_MISS);
    res_free(&r);
    response(&r, "loop", 200, "");
    assert_int_equal(script_match(sc, &r), SALVO_FAIL);
    assert_non_null(strstr(r.fail.p, "instruction"));
    res_free(&r);
    response(&r, "mem", 200, "");
    assert_int_equal(script_match(sc, &r), SALVO_FAIL);
    assert_non_null(strstr(r.fail.p, "memory"));
    res_free(&r);
    response(&r, "io", 200, "");
    assert_int_equal(script_match(sc, &r), SALVO_MISS); /* sandboxed: no io, no os */
    res_free(&r);
    /* After the errors, the state still judges. */
    response(&r, "page", 200, "ok");
    assert_int_equal(script_match(sc, &r), SALVO_HIT);
    res_free(&r);
    script_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(checks_before_the_scan),
                                       cmocka_unit_test(targets), cmocka_unit_test(matches)};
    return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}

/* Rules on synthetic responses: parsing, each kind, modes, reasons. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "ext/match.h"
#include "cli/opt.h"
#include "net/reqres.h"

static struct salvo_res page(int status, const char *body, double elapsed)
{
    struct salvo_res r;
    memset(&r, 0, sizeof r);
    r.status = status;
    buf_append_str(&r.body, body);
    r.length = strlen(body);
    r.elapsed = elapsed;
    static const char hdrs[] = "content-type\0text/html; charset=utf-8\0server\0nginx/1.22\0";
    buf_append(&r.hdrs, hdrs, sizeof hdrs - 1);
    return r;
}

/* Accepted with the rules given as INI lines? why = the reason, or "". */
static int judge(const char *ini, struct salvo_res *r, char *why, size_t n)
{
    struct conf c;
    char err[512];
    opt_defaults(&c);
    char sec[16] = "", line[256];
    const char *p = ini;
    while (*p) {
        size_t len = strcspn(p, "\n");
        snprintf(line, sizeof line, "%.*s", (int)len, p);
        p += len + (p[len] == '\n');
        if (line[0] == '[') {
            snprintf(sec, sizeof sec, "%.*s", (int)(strlen(line) - 2), line + 1);
            continue;
        }
        char *eq = strstr(line, " = ");
        *eq = '\0';
        assert_int_equal(opt_set_ini(&c, sec, line, eq + 3, NULL, err, sizeof err), 0);
    }
    struct match_rules m;
    struct match_settings ms = {&c.match, &c.filter, &c.match_not_contains, c.match_mode,
                                c.match_raw};
    assert_int_equal(match_init(&m, &ms, err, sizeof err), 0);
    const char *reason;
    int ok = match_eval(&m, r, &reason);
    snprintf(why, n, "%s", reason ? reason : "");
    match_free(&m);
    opt_free(&c);
    return ok;
}

static void kinds(void **s)
{
    (void)s;
    char why[256];
    struct salvo_res r = page(200, "hello world\nsecond line\n", 0.25);
    assert_true(judge("", &r, why, sizeof why));
    assert_true(judge("[match]\nstatus = 200,301-302", &r, why, sizeof why));
    assert_false(judge("[match]\nstatus = 404", &r, why, sizeof why));
    assert_string_equal(why, "match.status=404");
    assert_true(judge("[match]\nsize = 0-10,24", &r, why, sizeof why));
    assert_true(judge("[match]\nwords = 3\nlines = 3", &r, why, sizeof why)); /* ffuf's counts */
    assert_false(judge("[filter]\nlines = >1", &r, why, sizeof why));
    assert_string_equal(why, "filter.lines=>1");
    assert_true(judge("[match]\ntime = 200-300", &r, why, sizeof why));
    assert_false(judge("[match]\ntime = <100", &r, why, sizeof why));
    assert_true(judge("[match]\nheader = Server: ^nginx/1\\.", &r, why, sizeof why));
    assert_false(judge("[match]\nheader = X-None: .", &r, why, sizeof why));
    assert_true(judge("[match]\nregex = ^second", &r, why, sizeof why) == 0);
    assert_true(judge("[match]\nregex = (?m)^second", &r, why, sizeof why));
    assert_false(judge("[filter]\ncontains = world", &r, why, sizeof why));
    assert_string_equal(why, "filter.contains=world");
    assert_true(judge("[match]\ncontains = world\nnot_contains = nope", &r, why, sizeof why));
    res_free(&r);
}

static void modes(void **s)
{
    (void)s;
    char why[256];
    struct salvo_res r = page(404, "gone", 0.01);
    assert_false(judge("[match]\nstatus = 200\ncontains = gone", &r, why, sizeof why));
    assert_true(judge("[match]\nstatus = 200\ncontains = gone\nmatch_mode = any", &r, why,
                      sizeof why));
    assert_false(judge("[match]\nstatus = 200\ncontains = here\nmatch_mode = any", &r, why,
                       sizeof why));
    assert_string_equal(why, "match.mode=any: no match rule held");
    /* A filter wins over any match. */
    assert_false(judge("[match]\ncontains = gone\nmatch_mode = any\n[filter]\nstatus = 404", &r,
                       why, sizeof why));
    res_free(&r);
}

static void parsing(void **s)
{
    (void)s;
    char err[256];
    assert_int_equal(match_range_check("0,100-200,>5000,<10", err, sizeof err), 0);
    assert_int_equal(match_range_check(" 5 , 6 ", err, sizeof err), 0);
    assert_int_equal(match_range_check("5-", err, sizeof err), -1);
    assert_int_equal(match_range_check("-5", err, sizeof err), -1);
    assert_int_equal(match_range_check("9-3", err, sizeof err), -1);
    assert_int_equal(match_range_check("1,,2", err, sizeof err), -1);
    assert_int_equal(match_regex_check("a(b", err, sizeof err), -1);
    assert_non_null(strstr(err, "missing closing parenthesis"));
    assert_int_equal(match_header_check("Server: x", err, sizeof err), 0);
    assert_int_equal(match_header_check(": x", err, sizeof err), -1);
    assert_int_equal(match_header_check("Bad Name: x", err, sizeof err), -1);
    uint64_t w, l;
    /* ffuf 1.1's counts of the same bodies (its -of json): words and
     * lines are the spaces and the newlines, plus one. */
    match_count("", 0, &w, &l);
    assert_true(w == 1 && l == 1);
    match_count("a  b\n\nc", 7, &w, &l);
    assert_true(w == 3 && l == 3);
    match_count("x\n", 2, &w, &l);
    assert_true(w == 1 && l == 2);
    match_count("one two\tthree\nfour\n\n  five  ", 28, &w, &l);
    assert_true(w == 6 && l == 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kinds),
        cmocka_unit_test(modes),
        cmocka_unit_test(parsing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

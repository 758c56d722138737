/* Configuration: defaults, INI (with line numbers and refusals), the
 * command line over INI, --dump-config round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/conf.h"
#include "ext/match.h"
#include "cli/opt.h"
#include "cli/optdump.h"

static char path[64];

static const char *write_ini(const char *text)
{
    snprintf(path, sizeof path, "/tmp/salvo-test-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static int load(struct conf *c, const char *text, char *err, size_t n)
{
    opt_defaults(c);
    int rc = opt_load_ini(c, write_ini(text), err, n);
    unlink(path);
    return rc;
}

static void defaults(void **s)
{
    (void)s;
    struct conf c;
    opt_defaults(&c);
    assert_string_equal(c.template, "http://{}.baidu.com");
    assert_string_equal(c.plugin, "baidu");
    assert_int_equal(c.concurrency, 0); /* auto */
    assert_true(c.timeout == 2.0);
    assert_int_equal(c.follow_redirects, 0);
    assert_int_equal(c.max_body, 1048576);
    opt_free(&c);
}

static void ini_values(void **s)
{
    (void)s;
    struct conf c;
    char err[512];
    assert_int_equal(load(&c,
                          "; comment\n[scan]\ntemplate = http://{}.example.com\nconcurrency = 50\n"
                          "[http]\ntimeout = 0.5\nheader = X-A: 1\nheader = X-B: 2\n"
                          "follow_redirects = yes\n[match]\nstatus = 200,301-302\n"
                          "not_contains = 不存在\n[plugin]\nsoft404 = gone\n",
                          err, sizeof err), 0);
    assert_string_equal(c.template, "http://{}.example.com");
    assert_int_equal(c.concurrency, 50);
    assert_true(c.timeout == 0.5);
    assert_int_equal(c.headers.n, 2);
    assert_string_equal(c.headers.v[1], "X-B: 2");
    assert_int_equal(c.follow_redirects, 1);
    assert_string_equal(c.match_not_contains.v[0], "不存在");
    assert_string_equal(c.plugin_args.v[0], "soft404=gone");
    opt_free(&c);
}

static void expect_error(const char *ini, const char *needle)
{
    struct conf c;
    char err[512] = "";
    assert_int_equal(load(&c, ini, err, sizeof err), -1);
    if (!strstr(err, needle))
        fail_msg("error \"%s\" lacks \"%s\"", err, needle);
    opt_free(&c);
}

static void ini_errors(void **s)
{
    (void)s;
    expect_error("[scan]\n\nbogus = 1\n", ":3: [scan] bogus: unknown key");
    expect_error("[scan]\nconcurrency = 1\n[nope]\nx = 1\n", ":3: unknown section [nope]");
    expect_error("[nope]\n", ":1: unknown section [nope]");
    expect_error("[scan]\nconcurrency = lots\n", ":2: [scan] concurrency: \"lots\" is not an integer");
    expect_error("[scan]\nconcurrency = 0\n", "out of range");
    expect_error("[http]\ntimeout = 2s\n", ":2: [http] timeout: \"2s\" is not a number");
    expect_error("[http]\nfollow_redirects = maybe\n", "is not yes or no");
    expect_error("[output]\nformat = xml\n", "is not one of text|jsonl|csv");
    expect_error("[match]\nstatus = 200,abc\n", "is not a status list");
    expect_error("[match]\nstatus = 99\n", "not within 100-599");
    expect_error("[http]\nheader = no colon here\n", "is not 'Name: value'");
    expect_error("concurrency = 3\n", ":1: key \"concurrency\" outside any [section]");
    expect_error("[scan]\nthis line has no equals sign\n", ":2: syntax error");
}

static void ini_long_line(void **s)
{
    (void)s;
    /* Debian's inih would cut this line at 199 bytes: it must be refused
     * with its line number instead. */
    char ini[1024];
    char value[400];
    memset(value, 'a', sizeof value - 1);
    value[sizeof value - 1] = '\0';
    snprintf(ini, sizeof ini, "[http]\ntimeout = 1\nheader = X-Long: %s\n", value);
    expect_error(ini, ":3: line longer than");
    /* Exactly at the limit still works. */
    struct conf c;
    char err[512];
    char ok[512];
    snprintf(ok, sizeof ok, "[http]\nheader = X: %.*s\n", 198 - 12, value);
    assert_int_equal(load(&c, ok, err, sizeof err), 0);
    assert_int_equal(strlen(c.headers.v[0]), 198 - 12 + 3);
    opt_free(&c);
}

static void cli_over_ini(void **s)
{
    (void)s;
    const char *ini = write_ini("[scan]\nconcurrency = 50\ntemplate = http://{}.a.test\n"
                                "wordlist = from-ini.txt\n[http]\nheader = X-A: 1\n");
    char *argv[] = {"salvo", "-t", "7", "-c", (char *)ini, "-H", "X-B: 2", "-w", "-",
                    "--follow-redirects", NULL};
    struct conf c;
    char err[512];
    opt_defaults(&c);
    assert_int_equal(opt_parse(&c, 10, argv, err, sizeof err), OPT_RUN);
    unlink(ini);
    assert_int_equal(c.concurrency, 7);
    assert_string_equal(c.template, "http://{}.a.test");
    assert_int_equal(c.headers.n, 2);
    /* Wordlists on the command line replace the file's; headers add up. */
    assert_int_equal(c.wordlists.n, 1);
    assert_string_equal(c.wordlists.v[0], "-");
    assert_int_equal(c.follow_redirects, 1);
    opt_free(&c);
}

static void cli_errors(void **s)
{
    (void)s;
    struct conf c;
    char err[512];
    char *a1[] = {"salvo", "--timeout", "soon", NULL};
    opt_defaults(&c);
    assert_int_equal(opt_parse(&c, 3, a1, err, sizeof err), OPT_ERROR);
    assert_non_null(strstr(err, "option --timeout: \"soon\" is not a number"));
    opt_free(&c);
    char *a2[] = {"salvo", "--no-such-thing", NULL};
    opt_defaults(&c);
    assert_int_equal(opt_parse(&c, 2, a2, err, sizeof err), OPT_ERROR);
    assert_non_null(strstr(err, "--no-such-thing"));
    opt_free(&c);
    char *a3[] = {"salvo", "-c", "/nonexistent/salvo.ini", NULL};
    opt_defaults(&c);
    assert_int_equal(opt_parse(&c, 3, a3, err, sizeof err), OPT_ERROR);
    assert_non_null(strstr(err, "/nonexistent/salvo.ini: cannot open config"));
    opt_free(&c);
}

/* ffuf's default match stays when only filters are given: a filter
 * narrows what counts as a hit, never widens it. A match rule of the
 * user's own replaces it. */
static void filters_narrow_the_default_match(void **s)
{
    (void)s;
    struct conf c;
    char err[512];
    char *a1[] = {"salvo", "-u", "http://127.0.0.1/{}", "--fsize", "314", NULL};
    opt_defaults(&c);
    assert_int_equal(opt_parse(&c, 5, a1, err, sizeof err), OPT_RUN);
    assert_string_equal(c.plugin, "none");
    assert_string_equal(c.match.status, OPT_DEFAULT_STATUS);
    assert_string_equal(c.filter.size, "314");
    opt_free(&c);
    char *a2[] = {"salvo", "-u", "http://127.0.0.1/{}", "--fc", "404", NULL};
    opt_defaults(&c);
    assert_int_equal(opt_parse(&c, 5, a2, err, sizeof err), OPT_RUN);
    assert_string_equal(c.match.status, OPT_DEFAULT_STATUS);
    opt_free(&c);
    char *a3[] = {"salvo", "-u", "http://127.0.0.1/{}", "--mw", "10-20", "--fsize", "1", NULL};
    opt_defaults(&c);
    assert_int_equal(opt_parse(&c, 7, a3, err, sizeof err), OPT_RUN);
    assert_string_equal(c.match.status, "");
    opt_free(&c);
}

static int parse_words(struct conf *c, char *err, size_t n, const char *const *words)
{
    char *argv[32];
    int argc = 0;
    argv[argc++] = "salvo";
    for (; *words; words++)
        argv[argc++] = (char *)*words;
    argv[argc] = NULL;
    opt_defaults(c);
    return opt_parse(c, argc, argv, err, n);
}

/* ffuf's single-dash spellings: taken where the meaning is the same here,
 * refused with what to write where it differs or salvo has none. */
static void ffuf_spellings(void **s)
{
    (void)s;
    struct conf c;
    char err[512];
    static const char *const same[] = {"-u", "http://127.0.0.1/FUZZ", "-mc", "200,301", "-fc",
                                       "404", "-fw", "10", "-ac", "-d", "-mr", NULL};
    assert_int_equal(parse_words(&c, err, sizeof err, same), OPT_RUN);
    assert_string_equal(c.match.status, "200,301");
    assert_string_equal(c.filter.status, "404");
    assert_string_equal(c.filter.words, "10");
    assert_int_equal(c.calibrate, 1);
    assert_string_equal(c.template, "http://127.0.0.1/{}");
    assert_string_equal(c.data, "-mr"); /* a value, not ffuf's -mr */
    opt_free(&c);
    /* -e means what ffuf's does. */
    static const char *const ext[] = {"-e", ".php,.bak", NULL};
    assert_int_equal(parse_words(&c, err, sizeof err, ext), OPT_RUN);
    assert_string_equal(c.extensions, ".php,.bak");
    opt_free(&c);
    static const struct {
        const char *words[6];
        const char *says;
    } refused[] = {
        {{"-fs", "314", NULL}, "--fsize N"},
        {{"-ms", "314", NULL}, "--msize N"},
        {{"-recursion", NULL}, "does not recurse"},
        {{"-p", "0.1", NULL}, "--rate"},
        {{"-r", "-u", "http://x/{}", NULL}, "--follow-redirects"},
        {{"-b", "a=1", NULL}, "-H 'Cookie: a=1'"},
        {{"-mc=200", NULL}, "here write --mc 200"},
        {{"-of", "json", NULL}, "-f text|jsonl|csv"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        assert_int_equal(parse_words(&c, err, sizeof err, refused[i].words), OPT_ERROR);
        if (!strstr(err, refused[i].says))
            fail_msg("%s: \"%s\" does not say %s", refused[i].words[0], err, refused[i].says);
        opt_free(&c);
    }
    /* A value is a value, and after "--" nothing is an option. */
    static const char *const values[] = {"-X", "-fs", "-u", "http://127.0.0.1/{}", NULL};
    assert_int_equal(parse_words(&c, err, sizeof err, values), OPT_RUN);
    assert_string_equal(c.method, "-fs");
    opt_free(&c);
    static const char *const all[] = {"-u", "http://127.0.0.1/{}", "-mc", "all", NULL};
    assert_int_equal(parse_words(&c, err, sizeof err, all), OPT_RUN);
    assert_string_equal(c.match.status, "all");
    opt_free(&c);
}

static void dump_round_trip(void **s)
{
    (void)s;
    struct conf a, b;
    char err[512];
    assert_int_equal(load(&a, "[scan]\nconcurrency = 9\n[http]\nheader = X-A: 1\n[plugin]\nk = v\n",
                          err, sizeof err), 0);
    char *one = NULL, *two = NULL;
    size_t n1, n2;
    FILE *f = open_memstream(&one, &n1);
    optdump_print(&a, f);
    fclose(f);
    assert_int_equal(load(&b, one, err, sizeof err), 0);
    f = open_memstream(&two, &n2);
    optdump_print(&b, f);
    fclose(f);
    assert_string_equal(one, two);
    assert_non_null(strstr(one, "concurrency = 9\n"));
    assert_non_null(strstr(one, "[plugin]\nk = v\n"));
    free(one);
    free(two);
    opt_free(&a);
    opt_free(&b);
}

static void status_lists(void **s)
{
    (void)s;
    char err[128];
    assert_int_equal(match_status_check("200", err, sizeof err), 0);
    assert_int_equal(match_status_check("200,301-302, 404", err, sizeof err), 0);
    assert_int_equal(match_status_check("", err, sizeof err), 0);
    assert_int_equal(match_status_check("302-301", err, sizeof err), -1);
    assert_int_equal(match_status_check("200,", err, sizeof err), 0);
    assert_int_equal(match_status_check("2x0", err, sizeof err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults),      cmocka_unit_test(ini_values),
        cmocka_unit_test(ini_errors),    cmocka_unit_test(ini_long_line),
        cmocka_unit_test(cli_over_ini),  cmocka_unit_test(cli_errors),
        cmocka_unit_test(dump_round_trip), cmocka_unit_test(status_lists),
        cmocka_unit_test(filters_narrow_the_default_match),
        cmocka_unit_test(ffuf_spellings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

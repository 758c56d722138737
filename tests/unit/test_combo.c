/* Several wordlists: naming (-w FILE:KEY), the checks against the
 * templates, and the writer process's words for clusterbomb and
 * pitchfork, read from its pipe as the scan reads them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/combo.h"
#include "cli/opt.h"
#include "base/tmpl.h"

#define SCRATCH_NAME "combo"
#include "scratch.h"

static char users[300], pass[300];

static int setup(void **s)
{
    if (scratch_setup(s) < 0)
        return -1;
    snprintf(users, sizeof users, "%s/users.txt", dir);
    snprintf(pass, sizeof pass, "%s/pass.txt", dir);
    FILE *f = fopen(users, "w");
    fputs("admin\n\nroot\n", f); /* a blank line: an empty value */
    fclose(f);
    f = fopen(pass, "w");
    fputs("a\nb\nc\n", f);
    fclose(f);
    return 0;
}


static void conf_with(struct conf *c, const char *mode, const char *tmpl, int nlists, ...)
{
    opt_defaults(c);
    free(c->template);
    c->template = strdup(tmpl);
    if (mode) {
        free(c->mode);
        c->mode = strdup(mode);
    }
    va_list ap;
    va_start(ap, nlists);
    for (int i = 0; i < nlists; i++)
        strlist_add(&c->wordlists, va_arg(ap, const char *));
    va_end(ap);
}

/* Every word the writer gives, with TMPL_SEP shown as '|'. */
static void words(struct combo *k, char *out, size_t n)
{
    char err[512];
    int fd;
    assert_int_equal(combo_start(k, &fd, err, sizeof err), 0);
    size_t len = 0;
    ssize_t got;
    while (len + 1 < n && (got = read(fd, out + len, n - 1 - len)) > 0)
        len += (size_t)got;
    out[len] = '\0';
    close(fd);
    assert_int_equal(combo_stop(k, 1), 0);
    for (char *p = out; *p; p++)
        if (*p == TMPL_SEP)
            *p = '|';
}

static void clusterbomb(void **s)
{
    (void)s;
    struct conf c;
    struct combo k;
    char err[1024], spec1[320], spec2[320], got[512];
    snprintf(spec1, sizeof spec1, "%s:U", users);
    snprintf(spec2, sizeof spec2, "%s:P", pass);
    conf_with(&c, NULL, "http://x/{U}/{P}", 2, spec1, spec2);
    assert_int_equal(combo_parse(&k, &c.wordlists, c.mode, err, sizeof err), 0);
    assert_int_equal(k.n, 2);
    assert_int_equal(k.keys.n, 2);
    assert_string_equal(k.keys.name[1], "P");
    assert_int_equal(combo_check(&k, c.template, &c.headers, c.data, c.method, err, sizeof err), 0);
    words(&k, got, sizeof got);
    assert_string_equal(got, "admin|a\nadmin|b\nadmin|c\n|a\n|b\n|c\nroot|a\nroot|b\nroot|c\n");
    combo_free(&k);
    opt_free(&c);
}

static void pitchfork(void **s)
{
    (void)s;
    struct conf c;
    struct combo k;
    char err[1024], spec1[320], spec2[320], got[512];
    snprintf(spec1, sizeof spec1, "%s:U", users);
    snprintf(spec2, sizeof spec2, "%s:P", pass);
    conf_with(&c, "pitchfork", "http://x/{U}/{P}", 2, spec1, spec2);
    assert_int_equal(combo_parse(&k, &c.wordlists, c.mode, err, sizeof err), 0);
    words(&k, got, sizeof got);
    /* Line i with line i: the blank second user is an empty one. */
    assert_string_equal(got, "admin|a\n|b\nroot|c\n");
    combo_free(&k);
    opt_free(&c);
}

/* A combination of blanks alone is no word; one blank beside a word is an
 * empty value. */
static void blanks_alone(void **s)
{
    (void)s;
    struct conf c;
    struct combo k;
    char err[1024], spec1[320], spec2[320], got[512], a[300], b[300];
    snprintf(a, sizeof a, "%s/a.txt", dir);
    snprintf(b, sizeof b, "%s/b.txt", dir);
    FILE *f = fopen(a, "w");
    fputs("w\n\n", f);
    fclose(f);
    f = fopen(b, "w");
    fputs("\n.x\n", f);
    fclose(f);
    snprintf(spec1, sizeof spec1, "%s:W", a);
    snprintf(spec2, sizeof spec2, "%s:E", b);
    conf_with(&c, NULL, "http://x/{W}{E}", 2, spec1, spec2);
    assert_int_equal(combo_parse(&k, &c.wordlists, c.mode, err, sizeof err), 0);
    words(&k, got, sizeof got);
    assert_string_equal(got, "w|\nw|.x\n|.x\n");
    combo_free(&k);
    opt_free(&c);
}

static void refusals(void **s)
{
    (void)s;
    struct conf c;
    struct combo k;
    char err[1024], spec1[320], spec2[320];
    snprintf(spec1, sizeof spec1, "%s:U", users);
    snprintf(spec2, sizeof spec2, "%s:P", pass);
    conf_with(&c, NULL, "http://x/{U}", 2, users, spec2);
    assert_int_equal(combo_parse(&k, &c.wordlists, c.mode, err, sizeof err), -1);
    assert_non_null(strstr(err, "needs a name"));
    opt_free(&c);
    conf_with(&c, NULL, "http://x/{U}", 2, spec1, spec1);
    assert_int_equal(combo_parse(&k, &c.wordlists, c.mode, err, sizeof err), -1);
    assert_non_null(strstr(err, "given twice"));
    opt_free(&c);
    conf_with(&c, NULL, "http://x/{U}", 2, spec1, spec2);
    assert_int_equal(combo_parse(&k, &c.wordlists, c.mode, err, sizeof err), 0);
    assert_int_equal(combo_check(&k, c.template, &c.headers, c.data, c.method, err, sizeof err), -1);
    assert_non_null(strstr(err, "{P}"));
    combo_free(&k);
    opt_free(&c);
    conf_with(&c, NULL, "http://x/{U}/{Q}", 2, spec1, spec2);
    assert_int_equal(combo_parse(&k, &c.wordlists, c.mode, err, sizeof err), 0);
    assert_int_equal(combo_check(&k, c.template, &c.headers, c.data, c.method, err, sizeof err), -1);
    combo_free(&k);
    opt_free(&c);
    char dash[16] = "-:P";
    conf_with(&c, NULL, "http://x/{U}/{P}", 2, spec1, dash);
    assert_int_equal(combo_parse(&k, &c.wordlists, c.mode, err, sizeof err), -1);
    assert_non_null(strstr(err, "stdin"));
    opt_free(&c);
}

static void one_list(void **s)
{
    (void)s;
    struct conf c;
    struct combo k;
    char err[1024];
    conf_with(&c, NULL, "http://x/{}", 1, users);
    assert_int_equal(combo_parse(&k, &c.wordlists, c.mode, err, sizeof err), 0);
    assert_int_equal(k.n, 1);
    assert_int_equal(k.keys.n, 0);
    assert_int_equal(combo_check(&k, c.template, &c.headers, c.data, c.method, err, sizeof err), 0);
    combo_free(&k);
    opt_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(clusterbomb), cmocka_unit_test(pitchfork),
                                       cmocka_unit_test(blanks_alone), cmocka_unit_test(refusals), cmocka_unit_test(one_list)};
    return cmocka_run_group_tests(tests, setup, scratch_teardown);
}

/* extract: NAME:PCRE checked, the first match or capture group 1 as a
 * field, a value cut at EXTRACT_VALUE_MAX on a character's boundary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "base/msg.h"
#include "ext/extract.h"
#include "net/reqres.h"

static void checks(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(extract_check("ver:nginx/([0-9.]+)", err, sizeof err), 0);
    assert_int_equal(extract_check("a-b_C9:x", err, sizeof err), 0);
    assert_int_equal(extract_check("nocolon", err, sizeof err), -1);
    assert_int_equal(extract_check(":x", err, sizeof err), -1);
    assert_int_equal(extract_check("sp ace:x", err, sizeof err), -1);
    assert_int_equal(extract_check("title:x", err, sizeof err), -1);
    assert_non_null(strstr(err, "a field of every result"));
    assert_int_equal(extract_check("n:a(", err, sizeof err), -1);
    assert_non_null(strstr(err, "missing closing parenthesis"));
}

static void runs(void **state)
{
    (void)state;
    struct strlist specs = {0};
    strlist_add(&specs, "ver:nginx/([0-9.]+)");
    strlist_add(&specs, "mail:[a-z]+@[a-z.]+");
    strlist_add(&specs, "none:absent");
    strlist_add(&specs, "opt:x(y)?z");
    struct extract x;
    char err[256];
    assert_int_equal(extract_init(&x, &specs, err, sizeof err), 0);
    struct salvo_res r;
    memset(&r, 0, sizeof r);
    const char *page = "Server: nginx/1.22.1 and bob@example.org or al@b.c, xz";
    extract_run(&x, page, strlen(page), &r);
    assert_int_equal(r.nfields, 3);
    assert_string_equal(r.fields[0], "ver");
    assert_string_equal(msg_field_text(r.fields[1]), "1.22.1");
    assert_string_equal(r.fields[2], "mail");
    assert_string_equal(msg_field_text(r.fields[3]), "bob@example.org"); /* the first */
    assert_string_equal(r.fields[4], "opt");
    assert_string_equal(msg_field_text(r.fields[5]), "xz"); /* group 1 took no part */
    res_free(&r);
    extract_free(&x);
    strlist_free(&specs);
}

static void long_values_cut_whole(void **state)
{
    (void)state;
    struct strlist specs = {0};
    strlist_add(&specs, "all:.+");
    struct extract x;
    char err[256], page[4000];
    assert_int_equal(extract_init(&x, &specs, err, sizeof err), 0);
    page[0] = 'a';
    for (size_t i = 1; i + 3 < sizeof page; i += 3)
        memcpy(page + i, "\xe4\xb8\x80", 3); /* 一 */
    size_t n = 1 + (sizeof page - 4) / 3 * 3;
    struct salvo_res r;
    memset(&r, 0, sizeof r);
    extract_run(&x, page, n, &r);
    const char *v = msg_field_text(r.fields[1]);
    assert_true(strlen(v) <= EXTRACT_VALUE_MAX && strlen(v) > EXTRACT_VALUE_MAX - 3);
    assert_int_equal((strlen(v) - 1) % 3, 0); /* no character cut in two */
    res_free(&r);
    extract_free(&x);
    strlist_free(&specs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(checks), cmocka_unit_test(runs),
                                       cmocka_unit_test(long_values_cut_whole)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

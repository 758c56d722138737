/* dnsconf: --resolvers values as users write them, and the refusals that
 * name what and where. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/dnsconf.h"

struct seen {
    char all[512];
};

static int keep(void *ud, const char *name)
{
    struct seen *s = ud;
    strcat(s->all, name);
    strcat(s->all, " ");
    return 0;
}

static void forms(void **st)
{
    (void)st;
    struct seen s = {{0}};
    char err[256] = "";
    assert_int_equal(dnsconf_each("127.0.0.1, 10.0.0.2:5353,[::1]:54,::1", keep, &s, err, sizeof err), 0);
    assert_string_equal(s.all, "127.0.0.1:53 10.0.0.2:5353 [::1]:54 [::1]:53 ");
}

static void refused(void **st)
{
    (void)st;
    char err[256];
    const char *bad[] = {"not-an-ip", "127.0.0.1:0", "127.0.0.1:70000", "127.0.0.1:53x", "[::1",
                         "300.1.1.1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(dnsconf_check(bad[i], err, sizeof err), -1);
        assert_non_null(strstr(err, "is neither a file nor IP[:PORT]"));
    }
}

static void from_file(void **st)
{
    (void)st;
    char path[] = "/tmp/salvo-dnsconf-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("# resolvers\n\n  127.0.0.1  \n[::1]:5300\r\n", f);
    fclose(f);
    struct seen s = {{0}};
    char err[256] = "";
    assert_int_equal(dnsconf_each(path, keep, &s, err, sizeof err), 0);
    assert_string_equal(s.all, "127.0.0.1:53 [::1]:5300 ");
    f = fopen(path, "a");
    fputs("bogus line\n", f);
    fclose(f);
    assert_int_equal(dnsconf_check(path, err, sizeof err), -1);
    char want[300];
    snprintf(want, sizeof want, "%s:5: \"bogus line\" is not IP[:PORT]", path);
    assert_string_equal(err, want);
    f = fopen(path, "w");
    fclose(f);
    assert_int_equal(dnsconf_check(path, err, sizeof err), -1);
    assert_non_null(strstr(err, "no resolver in the file"));
    unlink(path);
    assert_int_equal(dnsconf_check("/nonexistent/resolvers.txt", err, sizeof err), -1);
    assert_non_null(strstr(err, "No such file"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(forms), cmocka_unit_test(refused),
                                       cmocka_unit_test(from_file)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

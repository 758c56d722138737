/* hosts: the hosts file as getaddrinfo reads it: comments, aliases, any
 * case, a trailing dot, IPv4 before IPv6, a name listed twice, lines that
 * are no entry, localhost always, a file that does not exist. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define SCRATCH_NAME "hosts"
#include "scratch.h"

#include "net/hosts.h"

static struct hosts *load(const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/hosts", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    struct hosts *h = hosts_load(path);
    assert_non_null(h);
    return h;
}

static void finds_names_and_aliases(void **s)
{
    (void)s;
    struct hosts *h = load("# a comment\n"
                           "127.0.0.1\tlocalhost\n"
                           "10.1.2.3 app.test  App2.test # trailing comment\n"
                           "::1 localhost ip6-localhost\n"
                           "fd00::5 app.test\n"
                           "10.1.2.4 app.test\n"
                           "10.1.2.3 app.test\n"
                           "not-an-address name.test\n"
                           "\n"
                           "   \n"
                           "192.0.2.9\n");
    char a[8][48];
    assert_int_equal(hosts_find(h, "app.test", AF_INET, a, 8), 2);
    assert_string_equal(a[0], "10.1.2.3");
    assert_string_equal(a[1], "10.1.2.4");
    assert_int_equal(hosts_find(h, "APP.test.", AF_UNSPEC, a, 8), 3);
    assert_string_equal(a[2], "fd00::5");
    assert_int_equal(hosts_find(h, "app.test", AF_INET6, a, 8), 1);
    assert_int_equal(hosts_find(h, "app2.test", AF_INET, a, 8), 1);
    assert_string_equal(a[0], "10.1.2.3");
    assert_int_equal(hosts_find(h, "app.test", AF_INET, a, 1), 1);
    assert_int_equal(hosts_find(h, "name.test", AF_UNSPEC, a, 8), 0);
    assert_int_equal(hosts_find(h, "other.test", AF_UNSPEC, a, 8), 0);
    assert_int_equal(hosts_find(h, "", AF_UNSPEC, a, 8), 0);
    assert_int_equal(hosts_find(h, "ip6-localhost", AF_INET, a, 8), 0);
    assert_int_equal(hosts_find(h, "localhost", AF_UNSPEC, a, 8), 2);
    assert_string_equal(a[0], "127.0.0.1");
    assert_string_equal(a[1], "::1");
    hosts_free(h);
}

static void localhost_without_a_file(void **s)
{
    (void)s;
    char path[256];
    snprintf(path, sizeof path, "%s/none", dir);
    struct hosts *h = hosts_load(path);
    assert_non_null(h);
    assert_int_equal(hosts_count(h), 0);
    char a[8][48];
    assert_int_equal(hosts_find(h, "LocalHost", AF_INET, a, 8), 1);
    assert_string_equal(a[0], "127.0.0.1");
    assert_int_equal(hosts_find(h, "localhost", AF_INET6, a, 8), 1);
    assert_string_equal(a[0], "::1");
    assert_int_equal(hosts_find(h, "example.test", AF_UNSPEC, a, 8), 0);
    hosts_free(h);
}

static void many_entries(void **s)
{
    (void)s;
    char path[256];
    snprintf(path, sizeof path, "%s/big", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; i < 50000; i++)
        fprintf(f, "10.%d.%d.%d n%d.test\n", i >> 16, (i >> 8) & 255, i & 255, i);
    fclose(f);
    struct hosts *h = hosts_load(path);
    assert_int_equal(hosts_count(h), 50000);
    char a[2][48];
    assert_int_equal(hosts_find(h, "n40000.test", AF_INET, a, 2), 1);
    assert_string_equal(a[0], "10.0.156.64");
    hosts_free(h);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(finds_names_and_aliases),
        cmocka_unit_test(localhost_without_a_file),
        cmocka_unit_test(many_entries),
    };
    return cmocka_run_group_tests(t, scratch_setup, scratch_teardown);
}

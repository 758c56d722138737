/* summary: the end of a scan in words for people (the lines on stderr,
 * through the log) and as JSON for programs (--summary-json): counts,
 * statuses, errors by class, what was turned down, the sentence that says
 * how to take unanswered words again, calibration; a file that cannot be
 * written is an error that names it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#define SCRATCH_NAME "summary"
#include "scratch.h"

#include "base/buf.h"
#include "base/codes.h"
#include "base/log.h"
#include "out/stats.h"
#include "out/summary.h"

static struct buf logged;

static void sink(const char *line, size_t len, void *ud)
{
    (void)ud;
    buf_append(&logged, line, len);
}

static struct scan_stats st;
static struct summary_scan scan;

static int setup(void **state)
{
    (void)state;
    memset(&st, 0, sizeof st);
    scan = (struct summary_scan){.template = "http://{}.example.test", .plugin = "baidu",
                                 .resolver = "salvo"};
    buf_reset(&logged);
    log_set_sink(sink, NULL);
    log_set_level(LOG_INFO);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    log_set_sink(NULL, NULL);
    return 0;
}

static const char *text(void)
{
    buf_append_byte(&logged, '\0');
    logged.len--;
    return logged.p ? logged.p : "";
}

static void a_scan_in_lines(void **state)
{
    (void)state;
    st.procs = 2;
    st.words_done = 1000;
    st.hits = 3;
    st.errors = 7;
    st.retries = 4;
    st.elapsed = 2.0;
    st.status[200] = 3;
    st.status[404] = 990;
    st.misses = 990;
    st.errclass[ERRC_TIMEOUT] = 5;
    st.errclass[ERRC_DNS] = 2;
    summary_print(&scan, &st);
    const char *t = text();
    assert_non_null(strstr(t, "1000 words, 3 hits, 7 errors, 4 retries in 2.00 s (500 words/s, 2 workers)"));
    assert_non_null(strstr(t, "statuses: 200: 3, 404: 990"));
    assert_non_null(strstr(t, "turned down: 990 by the plugin, 0 by the rules, 0 as not-found pages"));
    assert_non_null(strstr(t, "errors: dns 2, timeout 5"));
    assert_non_null(strstr(t, "5 words got no answer (timeout 5, no connection 0)"));
    assert_null(strstr(t, "calibration")); /* off: not a word about it */
}

static void a_clean_scan_says_little(void **state)
{
    (void)state;
    st.words_done = 10;
    st.elapsed = 0; /* no division by zero */
    summary_print(&scan, &st);
    const char *t = text();
    assert_non_null(strstr(t, "10 words, 0 hits, 0 errors in 0.00 s (0 words/s, 0 workers)"));
    assert_null(strstr(t, "statuses"));
    assert_null(strstr(t, "errors:"));
    assert_null(strstr(t, "no answer"));
}

static void unanswered_words_name_the_command(void **state)
{
    (void)state;
    struct buf b = {0};
    assert_int_equal(summary_unanswered(&scan, &st, &b), 0);
    assert_int_equal(b.len, 0);
    st.errclass[ERRC_CONNECT] = 3;
    scan.state = "scan.state";
    scan.wordlist = "words.txt";
    assert_true(summary_unanswered(&scan, &st, &b) > 0);
    assert_non_null(strstr(b.p, "3 words got no answer (timeout 0, no connection 3): "
                                "salvo --retry-failed scan.state -w words.txt"));
    buf_reset(&b);
    scan.wordlist = "-"; /* stdin cannot be read again */
    summary_unanswered(&scan, &st, &b);
    assert_non_null(strstr(b.p, "--errors lists them"));
    assert_null(strstr(b.p, "salvo --retry-failed"));
    buf_free(&b);
}

static void calibration_in_words(void **state)
{
    (void)state;
    struct buf b = {0};
    summary_calibration(&scan, &st, &b);
    assert_string_equal(b.p, "off");
    scan.calibrate = 1;
    buf_reset(&b);
    summary_calibration(&scan, &st, &b);
    assert_string_equal(b.p, "no worker finished calibrating");
    char learned[] = "404, 1,234 bytes";
    st.calib_text = learned;
    st.calib_probes = 4;
    st.calib_pages = 1;
    st.calib_changes = 2;
    buf_reset(&b);
    summary_calibration(&scan, &st, &b);
    assert_string_equal(b.p, "4 random words, 1 not-found page learned: 404, 1,234 bytes; the "
                             "not-found page changed 2 times during the scan");
    st.calib_pages = 0;
    st.calib_changes = 0;
    buf_reset(&b);
    summary_calibration(&scan, &st, &b);
    assert_string_equal(b.p, "4 random words got no answer (no wildcard): nothing to filter");
    buf_free(&b);
}

static void json_for_programs(void **state)
{
    (void)state;
    char path[300], err[256], got[4096];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    st.procs = 1;
    st.words_done = 4;
    st.hits = 1;
    st.errors = 1;
    st.elapsed = 0.5;
    st.status[200] = 3;
    st.errclass[ERRC_TIMEOUT] = 1;
    st.calibrated = 2;
    char wild[] = "*.example.test 10.0.0.1";
    st.wild_text = wild;
    st.wildcards = 9;
    st.nhosts = 2;
    st.hosts_gave_up = st.hosts_slowed = 1;
    st.hosts[0] = (struct hoststat){.addr = "10.0.0.2", .gave_up = 1, .skipped = 7,
                                    .why = "25 errors in a row (--auto-bail)"};
    st.hosts[1] = (struct hoststat){.addr = "::1", .rate = 48.5, .lowest = 40, .drops = 3};
    scan.template = "http://{}.example.test/\"q\"";
    assert_int_equal(summary_json(&scan, &st, path, err, sizeof err), 0);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(got, 1, sizeof got - 1, f);
    fclose(f);
    got[n] = '\0';
    assert_string_equal(got,
                        "{\"words\":4,\"hits\":1,\"errors\":1,\"errors_by_class\":{\"timeout\":1},"
                        "\"status\":{\"200\":3},\"turned_down\":{\"plugin\":0,\"rules\":0,"
                        "\"calibration\":2},\"retries\":0,\"fetches\":0,\"transfers\":{\"h1\":0,\"h2\":0,\"curl\":0},\"directories\":0,\"followed\":0,\"crashes\":0,\"lost\":0,"
                        "\"hosts_slowed\":1,\"hosts_given_up\":1,\"hosts\":["
                        "{\"addr\":\"10.0.0.2\",\"rate\":0.00,\"lowest_rate\":0.00,\"slowed\":0,"
                        "\"given_up\":true,\"why\":\"25 errors in a row (--auto-bail)\","
                        "\"skipped\":7},{\"addr\":\"::1\",\"rate\":48.50,\"lowest_rate\":40.00,"
                        "\"slowed\":3,\"given_up\":false}],"
                        "\"elapsed_s\":0.500,\"words_per_s\":8.0,\"workers\":1,"
                        "\"template\":\"http://{}.example.test/\\\"q\\\"\",\"plugin\":\"baidu\","
                        "\"dns\":{\"resolver\":\"salvo\",\"wildcard_names\":9,"
                        "\"wildcard\":\"*.example.test 10.0.0.1\"},"
                        "\"calibration\":{\"enabled\":false}}\n");
    snprintf(path, sizeof path, "%s/no/such/dir/summary.json", dir);
    assert_int_equal(summary_json(&scan, &st, path, err, sizeof err), -1);
    assert_non_null(strstr(err, path));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_scan_in_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(a_clean_scan_says_little, setup, teardown),
        cmocka_unit_test_setup_teardown(unanswered_words_name_the_command, setup, teardown),
        cmocka_unit_test_setup_teardown(calibration_in_words, setup, teardown),
        cmocka_unit_test_setup_teardown(json_for_programs, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
    buf_free(&logged);
    return rc;
}

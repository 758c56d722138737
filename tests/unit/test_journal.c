/* The journal: done ranges merge into the low-water mark, a save reads
 * back the same, a torn or foreign state is refused, and resume checks
 * the options, the wordlist and the output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pool/journal.h"

#define SCRATCH_NAME "journal"
#include "scratch.h"

static void ranges_merge(void **s)
{
    (void)s;
    struct journal j;
    journal_init(&j, NULL);
    journal_done(&j, 10, 20);
    journal_done(&j, 30, 40);
    assert_int_equal(j.lines.low, 0);
    assert_int_equal(j.lines.n, 2);
    assert_false(journal_is_done(&j, 9));
    assert_true(journal_is_done(&j, 10));
    assert_false(journal_is_done(&j, 20));
    journal_done(&j, 20, 30); /* joins both */
    assert_int_equal(j.lines.n, 1);
    assert_true(journal_is_done(&j, 25));
    journal_done(&j, 0, 10); /* reaches the start: all below 40 done */
    assert_int_equal(j.lines.low, 40);
    assert_int_equal(j.lines.n, 0);
    journal_done(&j, 5, 15); /* already done: nothing changes */
    journal_done(&j, 50, 50); /* empty */
    assert_int_equal(j.lines.low, 40);
    assert_int_equal(j.lines.n, 0);
    journal_done(&j, 35, 45); /* overlaps the mark */
    assert_int_equal(j.lines.low, 45);
    /* Many ranges out of order, then the gaps: one mark. */
    for (uint64_t a = 1000; a > 45; a -= 10)
        journal_done(&j, a, a + 5);
    for (uint64_t a = 45; a < 1000; a += 10)
        journal_done(&j, a, a + 5);
    journal_done(&j, 1000, 1010);
    assert_int_equal(j.lines.low, 1010);
    assert_int_equal(j.lines.n, 0);
    journal_free(&j);
}

static void save_load(void **s)
{
    (void)s;
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/state", dir);
    struct journal j, k;
    journal_init(&j, path);
    j.fingerprint = 0xabcdef0123456789ull;
    snprintf(j.wordlist, sizeof j.wordlist, "/w ith space.txt");
    snprintf(j.output, sizeof j.output, "out.txt");
    j.wl_size = 77;
    j.wl_mtime = 1234567;
    j.out_bytes = 999;
    journal_done(&j, 0, 5);
    journal_done(&j, 7, 9);
    journal_done(&j, 11, 12);
    assert_int_equal(journal_save(&j, err, sizeof err), 0);
    assert_int_equal(access(path, F_OK), 0);
    char tmp[300];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    assert_int_not_equal(access(tmp, F_OK), 0); /* renamed over, not left */
    assert_int_equal(journal_load(&k, path, err, sizeof err), 0);
    assert_true(k.fingerprint == j.fingerprint && k.wl_size == 77 && k.wl_mtime == 1234567 &&
                k.out_bytes == 999 && k.lines.low == 5 && k.lines.n == 2);
    assert_string_equal(k.wordlist, "/w ith space.txt");
    assert_true(journal_is_done(&k, 8) && !journal_is_done(&k, 9) && journal_is_done(&k, 11));
    journal_free(&k);
    /* Torn: every prefix that drops a whole line of data is refused or
     * reads as less done, never more. */
    FILE *f = fopen(path, "r");
    char text[4096];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    f = fopen(path, "w");
    fwrite(text, 1, n / 3, f);
    fclose(f);
    if (journal_load(&k, path, err, sizeof err) == 0) {
        assert_true(k.lines.low <= 5);
        journal_free(&k);
    }
    /* One digit changed: the sum refuses it. */
    f = fopen(path, "w");
    char *low = strstr(text, "\nlow 5");
    assert_non_null(low);
    low[5] = '4';
    fwrite(text, 1, n, f);
    fclose(f);
    assert_int_equal(journal_load(&k, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "checksum"));
    /* A version 1 state (no sum), as older salvos wrote it, still reads. */
    f = fopen(path, "w");
    fputs("salvo-state 1\nconfig 1\nwordlist 1 2 w\noutput 3 o\nfailed 0\nlow 7\n", f);
    fclose(f);
    assert_int_equal(journal_load(&k, path, err, sizeof err), 0);
    assert_int_equal(k.lines.low, 7);
    journal_free(&k);
    f = fopen(path, "w");
    fputs("not a state\n", f);
    fclose(f);
    assert_int_equal(journal_load(&k, path, err, sizeof err), -1);
    assert_non_null(strstr(err, path));
    journal_free(&j);
}

static void resume_checks(void **s)
{
    (void)s;
    char state[256], words[256], err[1024];
    snprintf(state, sizeof state, "%s/resume.state", dir);
    snprintf(words, sizeof words, "%s/words.txt", dir);
    FILE *f = fopen(words, "w");
    fputs("a\nb\nc\n", f);
    fclose(f);
    struct journal j;
    struct journal_run run = {NULL, state, 42, words, "out.txt"};
    assert_int_equal(journal_setup(&j, &run, err, sizeof err), 0);
    assert_int_equal(j.wl_size, 6);
    journal_done(&j, 0, 2);
    assert_int_equal(journal_save(&j, err, sizeof err), 0);
    journal_free(&j);
    struct journal_run again = {state, NULL, 42, words, "out.txt"};
    assert_int_equal(journal_setup(&j, &again, err, sizeof err), 0);
    assert_int_equal(j.lines.low, 2);
    assert_string_equal(j.path, state);
    /* Held: a second scan on the same state is refused until it is freed. */
    struct journal k;
    assert_int_equal(journal_setup(&k, &again, err, sizeof err), -1);
    assert_non_null(strstr(err, "is in use by another salvo"));
    journal_free(&j);
    assert_int_equal(journal_setup(&k, &again, err, sizeof err), 0);
    journal_free(&k);
    struct journal_run other = {state, NULL, 43, words, "out.txt"};
    assert_int_equal(journal_setup(&j, &other, err, sizeof err), -1);
    assert_non_null(strstr(err, "other options"));
    struct journal_run out = {state, NULL, 42, words, "elsewhere.txt"};
    assert_int_equal(journal_setup(&j, &out, err, sizeof err), -1);
    assert_non_null(strstr(err, "-o out.txt"));
    struct journal_run stdin_run = {state, NULL, 42, "-", "out.txt"};
    assert_int_equal(journal_setup(&j, &stdin_run, err, sizeof err), -1);
    assert_non_null(strstr(err, "not stdin"));
    f = fopen(words, "a");
    fputs("d\n", f);
    fclose(f);
    assert_int_equal(journal_setup(&j, &again, err, sizeof err), -1);
    assert_non_null(strstr(err, "not the one"));
}

static void failed_lines(void **s)
{
    (void)s;
    char state[256], words[256], failed[300], err[1024];
    snprintf(state, sizeof state, "%s/f.state", dir);
    snprintf(words, sizeof words, "%s/fw.txt", dir);
    snprintf(failed, sizeof failed, "%s.failed", state);
    FILE *f = fopen(words, "w");
    fputs("a\nb\nc\nd\n", f);
    fclose(f);
    f = fopen(failed, "w");
    fputs("3\n1\n", f);
    long bytes = ftell(f);
    fputs("2\n", f); /* written after the last save: not counted */
    fclose(f);
    struct journal j;
    struct journal_run run = {NULL, state, 1, words, "-"};
    assert_int_equal(journal_setup(&j, &run, err, sizeof err), 0);
    j.failed_bytes = (uint64_t)bytes;
    assert_int_equal(journal_save(&j, err, sizeof err), 0);
    journal_free(&j);
    struct journal_failed set;
    assert_int_equal(journal_load_failed(&set, state, words, err, sizeof err), 0);
    assert_int_equal(set.n, 2);
    assert_false(journal_not_failed(&set, 1));
    assert_false(journal_not_failed(&set, 3));
    assert_true(journal_not_failed(&set, 0));
    assert_true(journal_not_failed(&set, 2));
    free(set.v);
}

/* --recursion: the directories found and each one's lines done go with
 * the state; prefixes hold any byte but NUL and newline. */
static void roots(void **s)
{
    (void)s;
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/roots.state", dir);
    struct journal j, k;
    journal_init(&j, path);
    journal_done(&j, 0, 3);
    assert_int_equal(journal_add_root(&j, "admin/", 6, "http://h/admin", 1, 0), 1);
    assert_int_equal(journal_add_root(&j, "a b/100%/\xc3\xbc/x", 13, "http://h/a%20b", 2, 0), 2);
    assert_int_equal(journal_add_root(&j, "e/", 2, "", 1, 0), 3);
    assert_int_equal(journal_add_root(&j, "robots/x y", 10, "http://h/robots.txt", 1, 1), 4);
    journal_root_done(&j, 4, 0, 1);
    journal_root_done(&j, 1, 0, 4);
    journal_root_done(&j, 2, 5, 9);
    journal_root_done(&j, 9, 0, 1); /* no such root: nothing */
    assert_true(journal_root_is_done(&j, 1, 3) && !journal_root_is_done(&j, 1, 4));
    assert_true(journal_root_is_done(&j, 0, 2) && !journal_root_is_done(&j, 3, 0));
    assert_false(journal_root_is_done(&j, 9, 0));
    assert_int_equal(journal_save(&j, err, sizeof err), 0);
    assert_int_equal(journal_load(&k, path, err, sizeof err), 0);
    assert_int_equal(k.nroots, 4);
    assert_true(k.roots[3].single && !k.roots[2].single);
    assert_string_equal(k.roots[3].prefix, "robots/x y");
    assert_true(journal_root_is_done(&k, 4, 0));
    assert_string_equal(k.roots[1].prefix, "a b/100%/\xc3\xbc/x");
    assert_string_equal(k.roots[1].parent, "http://h/a%20b");
    assert_string_equal(k.roots[2].parent, "");
    assert_int_equal(k.roots[1].depth, 2);
    assert_true(journal_root_is_done(&k, 1, 0) && journal_root_is_done(&k, 1, 3));
    assert_true(!journal_root_is_done(&k, 2, 4) && journal_root_is_done(&k, 2, 8));
    assert_true(!journal_root_is_done(&k, 2, 9) && !journal_root_is_done(&k, 3, 0));
    assert_true(journal_is_done(&k, 2) && !journal_is_done(&k, 3));
    journal_free(&k);
    journal_free(&j);
    /* Damaged root lines are refused (version 1: no sum to catch them). */
    static const char *const bad[] = {
        "root 2 1 61 -\n",            /* not the next number */
        "root 1 0 61 -\n",            /* depth 0 is the wordlist's own */
        "root 1 1 6 -\n",             /* odd hex */
        "root 1 1 6100 -\n",          /* a NUL */
        "root 1 1 - -\n",             /* no prefix */
        "root 1 1 61 - x\n",          /* a field too many */
        "root 1 1 6g -\n",            /* not hex */
        "rdone 1 0 4\n",              /* a root not named */
        "follow 1 1 -- -\n",          /* not hex */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        FILE *f = fopen(path, "w");
        fprintf(f, "salvo-state 1\nconfig 1\nwordlist 1 2 w\noutput 3 o\nlow 0\n%s", bad[i]);
        fclose(f);
        assert_int_equal(journal_load(&k, path, err, sizeof err), -1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ranges_merge), cmocka_unit_test(save_load),
        cmocka_unit_test(resume_checks), cmocka_unit_test(failed_lines),
        cmocka_unit_test(roots)};
    return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}

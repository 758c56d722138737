/* The list's words as a set (listed.c) and what recursion does with it:
 * a follow-up the list's pass or a directory's makes is not kept, and a
 * directory's pass passes over the words followed before it, its chunk's
 * line offsets kept in step. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/input.h"
#include "base/strlist.h"
#include "pool/journal.h"
#include "pool/listed.h"
#include "pool/recurse.h"

#define SCRATCH_NAME "listed"
#include "scratch.h"

static void write_list(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int has(const struct listed *l, const char *w)
{
    return listed_has(l, w, strlen(w));
}

static void words_as_the_pass_reads_them(void **s)
{
    (void)s;
    char path[256];
    snprintf(path, sizeof path, "%s/w.txt", dir);
    write_list(path, "\xef\xbb\xbf" "admin\r\n#note\n\npage\nadmin\n\xc3\xbc\n");
    struct strlist exts = {0};
    strlist_add(&exts, ".php");
    struct input like = {.ignore_comments = 1, .exts = &exts};
    struct listed l = {0};
    char err[256];
    assert_int_equal(listed_read(&l, path, &like, err, sizeof err), 0);
    assert_int_equal(l.n, 6); /* admin, page, ü, each also .php, once each */
    /* as a URL carries it: the list's ü is a link's %C3%BC */
    assert_true(has(&l, "\xc3\xbc") && has(&l, "%C3%BC") && has(&l, "%C3%BC.php"));
    assert_false(has(&l, "%c3%bc"));
    assert_true(has(&l, "admin") && has(&l, "admin.php") && has(&l, "page.php"));
    assert_false(has(&l, "#note") || has(&l, "admin\r") || has(&l, "") || has(&l, "adm"));
    listed_free(&l);
    assert_int_equal(listed_read(&l, "/nonexistent/w.txt", &like, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/w.txt"));
    strlist_free(&exts);
}

static size_t follow(struct recurse *rc, const char *word)
{
    struct buf found = {0};
    recurse_follow(rc, 0, &found, word, strlen(word), "http://h/robots.txt");
    assert_int_equal(recurse_commit(rc, &found), 0);
    buf_free(&found);
    return rc->j->nroots;
}

static void follow_ups_a_pass_makes(void **s)
{
    (void)s;
    char path[256];
    snprintf(path, sizeof path, "%s/l.txt", dir);
    write_list(path, "a\nx\nb\n");
    struct input base = {.name = path};
    struct journal j;
    journal_init(&j, NULL);
    struct recurse rc;
    struct recurse_limits lim = {1, 2, 3, 100, "http://h/{}", 0};
    recurse_init(&rc, &lim, path, &j, &base);
    assert_int_equal(follow(&rc, "x"), 0);     /* the list's: not kept */
    assert_int_equal(follow(&rc, "d/x"), 1);   /* no pass makes it (yet) */
    assert_int_equal(follow(&rc, "d/x"), 1);   /* known */
    journal_add_root(&j, "d/", 2, "http://h/d", 1, 0); /* then d/ is a directory */
    assert_int_equal(follow(&rc, "d/b"), 2);   /* d/'s pass makes it */
    assert_int_equal(follow(&rc, "e/b"), 3);
    assert_int_equal(rc.in_list, 2);
    int failed = 0;
    assert_non_null(recurse_next(&rc, &failed)); /* d/x, from memory */
    struct input *in = recurse_next(&rc, &failed); /* d/: d/x passed over */
    assert_non_null(in);
    assert_string_equal(in->prefix, "d/");
    struct buf text = {0}, offs = {0};
    buf_append_str(&text, "d/a\nd/x\nd/b");
    for (uint32_t k = 0; k < 3; k++)
        buf_append(&offs, &k, 4);
    assert_int_equal(recurse_filter(&rc, &text, &offs), 1);
    assert_int_equal(text.len, 7);
    assert_memory_equal(text.p, "d/a\nd/b", 7);
    assert_int_equal(offs.len, 8);
    assert_int_equal(((uint32_t *)offs.p)[1], 2);
    assert_non_null(recurse_next(&rc, &failed)); /* e/b: nothing to pass over */
    buf_reset(&text);
    buf_append_str(&text, "e/x");
    assert_int_equal(recurse_filter(&rc, &text, NULL), 0);
    assert_int_equal(failed, 0);
    buf_free(&text);
    buf_free(&offs);
    recurse_finish(&rc);
    journal_free(&j);
}

/* An open set answers while it grows, through its table's doublings. */
static void open_set(void **s)
{
    (void)s;
    struct listed l = {0};
    char w[32];
    for (int i = 0; i < 20000; i++) {
        snprintf(w, sizeof w, "w%d", i);
        assert_int_equal(listed_put(&l, w, strlen(w)), 0);
        assert_true(has(&l, w));
        assert_true(has(&l, "w0"));
    }
    assert_int_equal(listed_put(&l, "w7", 2), 0); /* once */
    assert_int_equal(l.n, 20000);
    assert_true(l.cap >= 2 * l.n);
    assert_false(has(&l, "w20000") || has(&l, "x1"));
    listed_free(&l);
}

/* A list from stdin: its words are known as the pass takes them; a
 * follow-up taken before is not kept, and one kept before the pass comes
 * to its word drops that word from the pass. */
static void stdin_list(void **s)
{
    (void)s;
    struct input base = {.name = "stdin"};
    struct journal j;
    journal_init(&j, NULL);
    struct recurse rc;
    struct recurse_limits lim = {1, 0, 3, 100, "http://h/{}", 1};
    recurse_init(&rc, &lim, "-", &j, &base);
    struct buf text = {0};
    buf_append_str(&text, "a\nb");
    assert_int_equal(recurse_filter(&rc, &text, NULL), 0);
    assert_int_equal(follow(&rc, "a"), 0);     /* taken: not kept */
    assert_int_equal(follow(&rc, "c"), 1);     /* not yet */
    buf_reset(&text);
    buf_append_str(&text, "c\nd\nc");
    assert_int_equal(recurse_filter(&rc, &text, NULL), 2);
    assert_memory_equal(text.p, "d", 1);
    assert_int_equal(text.len, 1);
    assert_int_equal(follow(&rc, "d"), 1);     /* taken now: not kept */
    assert_int_equal(rc.in_list, 2);
    buf_free(&text);
    recurse_finish(&rc);
    journal_free(&j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(words_as_the_pass_reads_them),
        cmocka_unit_test(follow_ups_a_pass_makes),
        cmocka_unit_test(open_set),
        cmocka_unit_test(stdin_list),
    };
    return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}

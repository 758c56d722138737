/* Follow-ups and directories found during a scan: what salvo.follow()
 * accepts and makes a word of (ext/follow.c), how follow-ups wait per
 * response, and what the parent takes for a directory, keeps once and
 * bounds (pool/recurse.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/msg.h"
#include "ext/follow.h"
#include "ext/limits.h"
#include "pool/journal.h"
#include "pool/recurse.h"

/* x as followed from base under tmpl: the word, or NULL if refused. */
static char *word_of(const char *tmpl, const char *base, const char *x, size_t n)
{
    struct script_limits lim = {0, 1000, 1 << 20, 16, 0, tmpl};
    struct buf w = {0};
    char why[4096];
    if (follow_word(&lim, base, x, n, &w, "salvo.follow", why, sizeof why) < 0) {
        buf_free(&w);
        return NULL;
    }
    buf_append_byte(&w, '\0');
    return w.p;
}

static void expect_word(const char *tmpl, const char *base, const char *x, const char *want)
{
    char *w = word_of(tmpl, base, x, strlen(x));
    if (want) {
        assert_non_null(w);
        assert_string_equal(w, want);
    } else {
        assert_null(w);
    }
    free(w);
}

static void words(void **s)
{
    (void)s;
    const char *t = "http://h.test:8080/{}", *b = "http://h.test:8080/page";
    expect_word(t, b, "admin", "admin");                      /* a word as it is */
    expect_word(t, b, "a b/100%/\xc3\xbc", "a b/100%/\xc3\xbc");
    expect_word(t, b, "/admin/", "admin/");                   /* a path on the origin */
    expect_word(t, b, "/a/b?x=1&y=2", "a/b?x=1&y=2");
    expect_word(t, b, "http://h.test:8080/a:b@c", "a:b@c");    /* a URL the template makes */
    expect_word(t, b, "HTTP://H.TEST:8080/up", "up");          /* scheme and host in any case */
    expect_word(t, b, "http://h.test/x", NULL);                /* another port */
    expect_word(t, b, "https://h.test:8080/x", NULL);          /* another scheme */
    expect_word(t, b, "http://h.test:8080.evil/x", NULL);      /* a look-alike host */
    expect_word(t, b, "http://h.test:8080/", NULL);            /* no word in it */
    expect_word(t, b, "", NULL);
    expect_word(t, b, "two\nlines", NULL);
    expect_word(t, b, "cr\r", NULL);
    char nul[] = "a\0b";
    char *w = word_of(t, b, nul, 3);
    assert_null(w);
    char big[FOLLOW_MAX_LEN + 2];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    expect_word(t, b, big, NULL);
    big[FOLLOW_MAX_LEN] = '\0';
    expect_word(t, b, big, big);
    /* A suffix in the template: the word is what is between. */
    expect_word("http://h.test/{}.php", "http://h.test/x.php", "/admin.php", "admin");
    expect_word("http://h.test/{}.php", "http://h.test/x.php", "/admin.html", NULL);
    /* The word in the host: a URL of another name under the domain. */
    expect_word("http://{}.baidu.com", "http://www.baidu.com", "http://mail.baidu.com", "mail");
    expect_word("http://{}.baidu.com", "http://www.baidu.com", "/x", NULL);
    /* Several placeholders: a URL cannot be taken apart; a word can. */
    expect_word("http://h.test/{W}/{K}", "http://h.test/a/b", "/a/b", NULL);
    expect_word("http://h.test/{}/{}", "http://h.test/a/a", "/a/a", NULL);
}

static void box(void **s)
{
    (void)s;
    char why[512];
    static int r1, r2; /* only their addresses matter */
    assert_int_equal(follow_add(&r1, "a", 1, "t", why, sizeof why), 0);
    assert_int_equal(follow_add(&r2, "b", 1, "t", why, sizeof why), 0);
    assert_int_equal(follow_add(&r1, "cc", 2, "t", why, sizeof why), 0);
    struct buf out = {0};
    assert_int_equal(follow_take(&r1, &out), 2);
    assert_int_equal(out.len, 5);
    assert_memory_equal(out.p, "a\0cc\0", 5);
    buf_reset(&out);
    assert_int_equal(follow_take(&r1, &out), 0);
    assert_int_equal(follow_take(&r2, &out), 1);
    assert_string_equal(out.p, "b");
    buf_reset(&out);
    for (int i = 0; i < FOLLOW_PER_WORD; i++)
        assert_int_equal(follow_add(&r1, "x", 1, "t", why, sizeof why), 0);
    assert_int_equal(follow_add(&r1, "x", 1, "t", why, sizeof why), -1);
    assert_non_null(strstr(why, "more than 1000 follow-ups"));
    assert_int_equal(follow_take(&r1, &out), FOLLOW_PER_WORD);
    buf_free(&out);
}

/* A hit of root 0 with this URL, word, status and redirect. */
static struct result hit(const char *url, const char *word, int status, const char *location)
{
    return (struct result){.verdict = V_HIT, .url = url, .word = word, .wlen = strlen(word),
                           .status = status, .location = location};
}

static void directories(void **s)
{
    (void)s;
    struct journal j;
    journal_init(&j, NULL);
    struct input base = {.fd = -1};
    struct recurse_limits lim = {1, 2, 3, 5, "http://h.test/{}", 0};
    struct recurse rc;
    recurse_init(&rc, &lim, "w.txt", &j, &base);
    struct buf found = {0};
    struct result r[] = {
        hit("http://h.test/admin", "admin", 301, "http://h.test/admin/"),  /* absolute */
        hit("http://h.test/img", "img", 302, "/img/"),                     /* a path */
        hit("http://h.test/x/", "x/", 403, ""),                             /* ends in / */
        hit("http://h.test/login", "login", 302, "http://h.test/login/?next=1"),
        hit("http://h.test/go", "go", 301, "http://other.test/go/"),
        hit("http://h.test/page", "page", 200, ""),
        hit("http://h.test/admin/", "admin/", 403, ""),                     /* admin again */
        hit("http://h.test/loop", "loop", 301, "//h.test/loop/"),          /* scheme-relative */
    };
    for (size_t i = 0; i < sizeof r / sizeof *r; i++)
        recurse_found(&rc, 0, &found, &r[i]);
    struct result miss = hit("http://h.test/m", "m/", 404, "");
    miss.verdict = V_MISS;
    recurse_found(&rc, 0, &found, &miss); /* only hits */
    assert_int_equal(recurse_commit(&rc, &found), 0);
    assert_int_equal(j.nroots, 4);
    assert_string_equal(j.roots[3].prefix, "loop/");
    assert_string_equal(j.roots[0].prefix, "admin/");
    assert_string_equal(j.roots[0].parent, "http://h.test/admin");
    assert_string_equal(j.roots[1].prefix, "img/");
    assert_string_equal(j.roots[2].prefix, "x/");
    assert_int_equal(j.roots[2].depth, 1);
    /* Two levels down, and then no more: --recursion-depth 2. */
    buf_reset(&found);
    struct result d2 = hit("http://h.test/admin/u", "admin/u", 301, "http://h.test/admin/u/");
    recurse_found(&rc, recurse_depth(&rc, 1), &found, &d2);
    assert_int_equal(recurse_commit(&rc, &found), 0);
    assert_int_equal(j.nroots, 5);
    assert_int_equal(j.roots[4].depth, 2);
    buf_reset(&found);
    struct result d3 = hit("http://h.test/admin/u/v", "admin/u/v", 301, "/admin/u/v/");
    recurse_found(&rc, recurse_depth(&rc, 5), &found, &d3);
    assert_int_equal(found.len, 0);
    assert_int_equal(rc.too_deep, 1);
    /* Labels: a result under a root has its depth and parent. */
    struct result lab = {0};
    recurse_label(&rc, 5, &lab);
    assert_int_equal(lab.depth, 2);
    assert_string_equal(lab.parent, "http://h.test/admin/u");
    assert_string_equal(recurse_prefix(&rc, 5), "admin/u/");
    buf_free(&found);
    journal_free(&j);
}

static void follow_ups(void **s)
{
    (void)s;
    struct journal j;
    journal_init(&j, NULL);
    struct input base = {.fd = -1};
    struct recurse_limits lim = {1, 0, 2, 3, "http://h.test/{}", 0};
    struct recurse rc;
    recurse_init(&rc, &lim, "w.txt", &j, &base);
    struct buf found = {0};
    recurse_follow(&rc, 0, &found, "a.html", 6, "http://h.test/index.html");
    recurse_follow(&rc, 0, &found, "a.html", 6, "http://h.test/other.html"); /* twice */
    size_t before = found.len;
    recurse_follow(&rc, 0, &found, "self.html", 9, "http://h.test/self.html");  /* itself */
    assert_int_equal(found.len, before); /* not even recorded */
    recurse_follow(&rc, 0, &found, "b.html", 6, "http://h.test/index.html");
    recurse_follow(&rc, 0, &found, "admin/", 6, "http://h.test/index.html");
    assert_int_equal(recurse_commit(&rc, &found), 0);
    assert_int_equal(j.nroots, 3);
    assert_true(j.roots[0].single && j.roots[1].single);
    assert_string_equal(j.roots[1].prefix, "b.html");
    assert_string_equal(recurse_prefix(&rc, 1), ""); /* a word, no directory */
    /* --max-follows 3: the fourth is said, not kept. */
    buf_reset(&found);
    recurse_follow(&rc, recurse_depth(&rc, 1), &found, "c.html", 6, "http://h.test/a.html");
    assert_int_equal(recurse_commit(&rc, &found), 0);
    assert_int_equal(j.nroots, 3);
    assert_int_equal(rc.over_follows, 1);
    assert_non_null(strstr(rc.first_over, "c.html (from http://h.test/a.html)"));
    /* --max-depth 2: from a level-2 word, nothing. */
    buf_reset(&found);
    j.roots[2].depth = 2;
    assert_int_equal(recurse_depth(&rc, 3), 2);
    recurse_follow(&rc, recurse_depth(&rc, 3), &found, "d.html", 6, "http://h.test/admin/");
    assert_int_equal(found.len, 0);
    assert_int_equal(rc.deep_follows, 1);
    /* The next root to read is one line, from memory. */
    int failed = 0;
    struct input *in = recurse_next(&rc, &failed);
    assert_non_null(in);
    assert_int_equal(failed, 0);
    struct buf text = {0};
    size_t nw = 0;
    assert_int_equal(input_take(in, 10, &text, &nw, NULL), 1);
    assert_int_equal(nw, 1);
    buf_append_byte(&text, '\0');
    assert_string_equal(text.p, "a.html");
    assert_true(input_done(in));
    buf_free(&text);
    recurse_finish(&rc);
    buf_free(&found);
    journal_free(&j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(words), cmocka_unit_test(box),
                                       cmocka_unit_test(directories),
                                       cmocka_unit_test(follow_ups)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

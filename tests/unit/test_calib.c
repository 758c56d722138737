/* Signatures of not-found pages: echoes and ids do not matter, real pages
 * stay apart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "scan/calib.h"

static struct buf scratch;

static void sig(struct calib_sig *s, int status, const char *text, const char *word,
                const char *location, const char *title)
{
    struct calib_req q = {word, strlen(word), NULL};
    calib_sig_head(s, status, &q, CALIB_TOKEN, location, title);
    calib_sig_text(s, text, strlen(text), &q, CALIB_TOKEN, &scratch);
}

/* As the judge does: a learned page at any level of echo removal. */
static int judged(const struct calib *c, int status, const char *text, const char *word,
                  const char *url, const char *title)
{
    struct calib_req q = {word, strlen(word), url};
    for (int level = CALIB_RAW; level < CALIB_LEVELS; level++) {
        struct calib_sig s;
        calib_sig_head(&s, status, &q, level, NULL, title);
        if (!calib_maybe(c, &s))
            continue;
        calib_sig_text(&s, text, strlen(text), &q, level, &scratch);
        if (calib_match(c, &s) >= 0)
            return 1;
    }
    return 0;
}

/* A page learned from random words stays the learned page for short and
 * common words that also stand in its own text, echoed or not; a real
 * page does not become one. */
static void short_words(void **st)
{
    (void)st;
    static const char *const words[] = {"a", "e", "m", "t", "s", "o", "p", "no", "at", "has",
                                        "html", "page", "here", "not", "sorry", "request",
                                        "title", "body", "Here", "NOT", "x", "1", "www"};
    for (int echo = 0; echo < 3; echo++) { /* none, the host, the path */
        struct calib c = {0};
        char text[600], word[40], url[200];
        uint64_t seed = 7;
        for (int i = 0; i < 6; i++) {
            calib_word(word, 8 + 4 * (size_t)i, &seed);
            snprintf(url, sizeof url, echo == 2 ? "http://x.wild.test/%s" : "http://%s.wild.test/",
                     word);
            snprintf(text, sizeof text, "<html><head><title>Not here</title></head><body><p>"
                     "Sorry, %s has no page at %s (request %08x at 17%08d.%03d).</p></body>"
                     "</html>", echo == 1 ? url + 7 : echo == 2 ? "x.wild.test" : "this site",
                     echo == 2 ? url + 18 : "/", (unsigned)seed, i * 7919, i * 17);
            struct calib_sig s;
            struct calib_req q = {word, strlen(word), url};
            calib_sig_head(&s, 200, &q, CALIB_TOKEN, NULL, "Not here");
            calib_sig_text(&s, text, strlen(text), &q, CALIB_TOKEN, &scratch);
            assert_int_equal(calib_learn(&c, &s), 0);
        }
        for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
            const char *lw = words[w];
            snprintf(url, sizeof url, echo == 2 ? "http://x.wild.test/%s" : "http://%s.wild.test/",
                     lw);
            char host[120];
            snprintf(host, sizeof host, "%s.wild.test", lw);
            for (char *h = host; *h; h++) /* servers echo the host in lower case */
                *h = (char)(*h >= 'A' && *h <= 'Z' ? *h + 32 : *h);
            snprintf(text, sizeof text, "<html><head><title>Not here</title></head><body><p>"
                     "Sorry, %s has no page at %s%s (request 9f3a21c0 at 1712345678.123).</p>"
                     "</body></html>", echo == 1 ? host : echo == 2 ? "x.wild.test" : "this site",
                     echo == 2 ? "/" : "/", echo == 2 ? lw : "");
            if (!judged(&c, 200, text, lw, url, "Not here"))
                fail_msg("echo %d: the not-found page for \"%s\" was not recognised", echo, lw);
        }
        assert_false(judged(&c, 200, "<html><head><title>Not here</title></head><body><p>A real "
                            "page: our products, our prices and where to find the shop."
                            "</p><ul><li>one</li><li>two</li></ul></body></html>",
                            "page", "http://page.wild.test/", "Not here"));
    }
}

static void echoing_page(void **st)
{
    (void)st;
    struct calib c = {0};
    struct calib_sig s;
    char text[512], word[40];
    uint64_t seed = 1;
    for (int i = 0; i < 6; i++) {
        calib_word(word, 8 + 4 * (size_t)i, &seed);
        snprintf(text, sizeof text, "<html><title>Not here</title><p>Sorry, %s.EXAMPLE.com has "
                 "no page (request %08x%08x at 17%08d.%03d).</p></html>", word,
                 (unsigned)seed, (unsigned)(seed >> 32), i * 7919, i * 17);
        for (char *p = strstr(text, word); p && *p && *p != '.'; p++)
            if (i % 2)
                *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p); /* echoed in upper case */
        sig(&s, 200, text, word, NULL, "Not here");
        assert_int_equal(calib_learn(&c, &s), 0);
    }
    assert_int_equal(c.n, 1);
    sig(&s, 200, "<html><title>Not here</title><p>Sorry, another-word-that-is-long.EXAMPLE.com "
        "has no page (request 0123456789abcdef at 1799999999.999).</p></html>",
        "another-word-that-is-long", NULL, "Not here");
    assert_int_equal(calib_match(&c, &s), 0);
    /* A real page of the same site. */
    sig(&s, 200, "<html><title>Welcome</title><p>Our products and services.</p></html>", "shop",
        NULL, "Welcome");
    assert_int_equal(calib_maybe(&c, &s), 0);
    assert_int_equal(calib_match(&c, &s), -1);
    /* Same status and title, other text. */
    sig(&s, 200, "<html><title>Not here</title><p>This one is a real page with real content "
        "about a great many things, much longer than the other.</p><ul><li>one</li><li>two"
        "</li></ul></html>", "real", NULL, "Not here");
    assert_int_equal(calib_match(&c, &s), -1);
    /* Same text, other status. */
    sig(&s, 404, text, word, NULL, "Not here");
    assert_int_equal(calib_match(&c, &s), -1);
}

static void redirects(void **st)
{
    (void)st;
    struct calib c = {0};
    struct calib_sig s;
    sig(&s, 302, "", "abc", "http://landing/?from=abc.example.com", NULL);
    calib_learn(&c, &s);
    sig(&s, 302, "", "xyzzy", "http://landing/?from=xyzzy.example.com", NULL);
    assert_int_equal(calib_match(&c, &s), 0);
    sig(&s, 302, "", "admin", "http://admin.example.com/login", NULL);
    assert_int_equal(calib_match(&c, &s), -1);
    struct buf d = {0};
    calib_describe(&c.fp[0], &d);
    buf_append_byte(&d, '\0');
    assert_non_null(strstr(d.p, "status=302"));
    assert_non_null(strstr(d.p, "location=http://landing/?from={}.example.com"));
    buf_free(&d);
}

/* DokuWiki's cleanID: lower case, '/' to ':', other runs of punctuation
 * and spaces to one '_', none at either end. */
static void doku_id(const char *w, char *out, size_t cap)
{
    size_t k = 0;
    int gap = 0;
    for (; *w && k + 2 < cap; w++) {
        unsigned char c = (unsigned char)*w;
        if (c == '/') {
            if (k)
                out[k++] = ':';
            gap = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c >= 0x80) {
            if (gap && k && out[k - 1] != ':')
                out[k++] = '_';
            gap = 0;
            out[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        } else {
            gap = 1;
        }
    }
    out[k] = '\0';
}

/* A not-found page that reflects the word as the application normalised
 * it, in several places, and a word that is also part of the page's own
 * title; real pages (same title scheme, their own text) stay apart. */
static void doku_page(char *text, size_t cap, char *title, size_t tcap, const char *id, int real)
{
    snprintf(title, tcap, "wiki:%s [DokuWiki]", id);
    snprintf(text, cap,
             "<html><head><title>%s</title></head><body><div class=\"header\">DokuWiki "
             "Trace: wiki:%s</div><h1>This topic does not exist yet</h1><p>%s</p>"
             "<p><a href=\"/doku.php?id=wiki:%s&amp;do=edit\">Create this page</a> "
             "<a href=\"/doku.php?id=wiki:%s&amp;do=backlink\">Backlinks</a></p>"
             "<div class=\"footer\">wiki/%s.txt Last modified: never. Except where otherwise "
             "noted, content on this wiki is licensed under the following license: CC "
             "Attribution-Share Alike 4.0 International. Recent changes, media manager, "
             "sitemap, log in, search, tools, site tools, page tools.</div></body></html>",
             title, id,
             real ? "Welcome to your new DokuWiki. Here you can write pages, link them, keep "
                    "their history and find them again with the search on the right."
                  : "You've followed a link to a topic that doesn't exist yet. If permissions "
                    "allow, you may create it by clicking on Create this page.",
             id, id, id);
}

static void normalising_app(void **st)
{
    (void)st;
    struct calib c = {0};
    char text[4096], title[300], id[256], word[40], url[400];
    uint64_t seed = 11;
    for (int i = 0; i < 5; i++) {
        calib_word(word, 10 + (size_t)i, &seed);
        doku_id(word, id, sizeof id);
        doku_page(text, sizeof text, title, sizeof title, id, 0);
        snprintf(url, sizeof url, "http://wiki.test/doku.php?id=wiki:%s", word);
        struct calib_req q = {word, strlen(word), url};
        struct calib_sig s;
        calib_sig_head(&s, 200, &q, CALIB_TOKEN, NULL, title);
        calib_sig_text(&s, text, strlen(text), &q, CALIB_TOKEN, &scratch);
        assert_int_equal(calib_learn(&c, &s), 0);
    }
    static const char *const words[] = {".bashrc", "Program Files", "wiki", "DokuWiki", "a/b",
                                        "Start", "topic", "page", "exist", "create", "x@y.z",
                                        "100%", "..", "a", "e", "_private", "CVS/Entries",
                                        "log in", "Trace", "wiki:start", "#frag", "naïve"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        doku_id(words[i], id, sizeof id);
        doku_page(text, sizeof text, title, sizeof title, id, 0);
        snprintf(url, sizeof url, "http://wiki.test/doku.php?id=wiki:%s", words[i]);
        if (!judged(&c, 200, text, words[i], url, title))
            fail_msg("\"%s\" (shown as \"%s\") was taken for a real page", words[i], id);
    }
    static const char *const real[] = {"start", "Start", "wiki", "syntax", "a"};
    for (size_t i = 0; i < sizeof real / sizeof real[0]; i++) {
        doku_id(real[i], id, sizeof id);
        doku_page(text, sizeof text, title, sizeof title, id, 1);
        snprintf(url, sizeof url, "http://wiki.test/doku.php?id=wiki:%s", real[i]);
        if (judged(&c, 200, text, real[i], url, title))
            fail_msg("the real page \"%s\" was taken for the not-found page", real[i]);
    }
}

static void several_pages(void **st)
{
    (void)st;
    struct calib c = {0};
    struct calib_sig s;
    char t[64];
    for (int i = 0; i < CALIB_MAX + 2; i++) {
        snprintf(t, sizeof t, "page kind %c", 'a' + i);
        sig(&s, 200 + i, t, "w", NULL, NULL);
        assert_int_equal(calib_learn(&c, &s), i < CALIB_MAX ? i : -1);
    }
    char w[33];
    uint64_t seed = 7;
    calib_word(w, 32, &seed);
    assert_int_equal(strlen(w), 32);
    assert_int_equal(strspn(w, "abcdefghijklmnopqrstuvwxyz0123456789"), 32);
    buf_free(&scratch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(echoing_page), cmocka_unit_test(short_words),
        cmocka_unit_test(redirects), cmocka_unit_test(normalising_app),
        cmocka_unit_test(several_pages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

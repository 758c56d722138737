/* calib: what a target's "not found" looks like, learned from words that
 * cannot exist.
 *
 * A response is reduced to a signature: status, redirect target and title
 * with the probed word taken out, and the decoded text with every
 * occurrence of the word (any case) removed and every run of letters and
 * digits that holds a digit (ids, timestamps) masked, summarised as its
 * length, word and line counts and a 64-bit simhash of its 4-byte
 * shingles. Removing the word is what lets pages that echo it (the host
 * name, the path, "foo.example.com does not exist") still compare equal,
 * masking takes out what changes on every request, and the simhash
 * tolerates the small rest. Words and lines are counted with each echo as
 * one token, so they do not depend on the word: where both equal the
 * learned page's (ffuf's -ac signature), a few more bits of simhash
 * distance are allowed, for pages that reflect the word in many places. */
#ifndef SALVO_CALIB_H
#define SALVO_CALIB_H
#include <stddef.h>
#include <stdint.h>

struct buf;

#define CALIB_MAX 8        /* distinct not-found pages kept */

struct calib_sig {
    int status;
    uint64_t size;         /* of the text with the word removed */
    uint64_t words, lines;
    uint64_t simhash;
    char title[128];       /* word replaced by {} */
    char location[256];    /* word replaced by {} */
    char title_raw[128];   /* as the response had them: what a learned */
    char location_raw[256]; /* page's {} patterns are matched against */
};

struct calib_fp {
    struct calib_sig sig;  /* the first sample */
    uint64_t size_lo, size_hi;
    int spread;            /* largest simhash distance among the samples */
    unsigned samples;
};

struct calib {
    struct calib_fp fp[CALIB_MAX];
    size_t n;
};

/* The request a response answered, for taking out what the server echoed
 * of it. */
struct calib_req {
    const char *word;      /* several wordlists: parts joined by TMPL_SEP */
    size_t wlen;
    const char *url;       /* the URL requested, or NULL */
};

/* How much of the request is taken out of a page before it is compared:
 * nothing; the URL's forms (the URL, host, path) where they stand as
 * echoes; those and the word as a token. Learned pages come from random
 * words at CALIB_TOKEN; a response is a learned page if it matches at any
 * level, so a page that is the learned one without removal is never a
 * hit, and a short word that also stands in the page's own text ("a",
 * "page") cannot turn the not-found page into a hit. CALIB_NORM also takes
 * out the word as applications normalise it before they reflect it (lower
 * case, its punctuation and spaces turned into '_', '-' or ' ' or dropped,
 * '/' into ':'): DokuWiki shows ".bashrc" as "wiki:bashrc" and "Program
 * Files" as "program_files". A learned title or redirect target matches a
 * response's where its {} stand for anything, so a word that is also part
 * of the page's fixed title ("wiki" in "wiki:wiki [DokuWiki]") matches
 * too; the text still has to be the learned page's. */
enum calib_level { CALIB_RAW = 0, CALIB_URL = 1, CALIB_TOKEN = 2, CALIB_NORM = 3,
                   CALIB_LEVELS = 4 };

/* The cheap part of a signature: status, redirect target, title (each
 * may be NULL), with the request's echoes taken out at level. */
void calib_sig_head(struct calib_sig *s, int status, const struct calib_req *q, int level,
                    const char *location, const char *title);
/* Whether some learned page has the same head, so the text is worth
 * summarising at all. */
int calib_maybe(const struct calib *c, const struct calib_sig *s);
/* The text part: text is the decoded body; scratch is reused memory. */
void calib_sig_text(struct calib_sig *s, const char *text, size_t len, const struct calib_req *q,
                    int level, struct buf *scratch);
/* Index of the learned page s (head and text) is taken for, or -1. */
int calib_match(const struct calib *c, const struct calib_sig *s);
/* Learn s: merged into the page it matches, else a new one. Returns the
 * index, or -1 when CALIB_MAX pages are known already. */
int calib_learn(struct calib *c, const struct calib_sig *s);
/* One learned page for people: "status=200 size=1234-1240 words=56 ...". */
void calib_describe(const struct calib_fp *f, struct buf *out);
/* The same as a JSON object. */
void calib_json(const struct calib_fp *f, struct buf *out);
/* A random word of len bytes from [a-z0-9] that no wordlist would hold. */
void calib_word(char *out, size_t len, uint64_t *seed);
#endif

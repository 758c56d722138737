/* journal: the state file for exact resume. */
#ifndef SALVO_JOURNAL_H
#define SALVO_JOURNAL_H
#include <stddef.h>
#include <stdint.h>

struct jrange {
    uint64_t a, b;   /* input lines [a, b), 0-based */
};

/* Lines done of one pass over the wordlist. */
struct jlines {
    uint64_t low;           /* every line below this is done */
    struct jrange *r;       /* done ranges above low, sorted, disjoint */
    size_t n, cap;
};

/* Work found during the scan: a directory (--recursion), scanned with the
 * whole wordlist under it, or one word a script followed (salvo.follow),
 * a pass of one line. Root 0 is the wordlist as given; root k >= 1 is
 * roots[k - 1]. */
struct jroot {
    char *prefix;           /* its words start with it ("admin/"); single: the word */
    char *parent;           /* the URL that showed it */
    uint32_t depth;         /* 1 under the wordlist's own words */
    int single;             /* a followed word, not a directory */
    struct jlines done;
};

struct journal {
    char path[4096];
    uint64_t fingerprint;   /* of the options that change results */
    char wordlist[4096];
    uint64_t wl_size;
    int64_t wl_mtime;
    char output[4096];
    uint64_t out_bytes;     /* output written for the done lines */
    uint64_t failed_bytes;  /* of PATH.failed: line numbers of words that failed */
    struct jlines lines;    /* root 0's */
    struct jroot *roots;    /* found in the order their chunks were done */
    size_t nroots, roots_cap;
    int lock_fd;            /* PATH.lock held while a scan uses the state, or -1 */
};

void journal_init(struct journal *j, const char *path);
void journal_free(struct journal *j);
/* Lines [a, b) are done (their results are written). */
void journal_done(struct journal *j, uint64_t a, uint64_t b);
int journal_is_done(const struct journal *j, uint64_t line);
/* The same for root k (0 = the wordlist itself). */
void journal_root_done(struct journal *j, size_t root, uint64_t a, uint64_t b);
int journal_root_is_done(const struct journal *j, size_t root, uint64_t line);
/* A new root, after the others: its number (>= 1), or 0 (out of memory). */
size_t journal_add_root(struct journal *j, const char *prefix, size_t prefix_len,
                        const char *parent, uint32_t depth, int single);
/* Atomically replace the file at j->path. 0 or -1 with err. */
int journal_save(struct journal *j, char *err, size_t errlen);
int journal_load(struct journal *j, const char *path, char *err, size_t errlen);

/* What a scan brings to its journal: where to resume from, where to
 * save, and what the state must match. */
struct journal_run {
    const char *resume;       /* --resume STATE, or NULL/"" */
    const char *state;        /* --state STATE, or NULL/"" */
    uint64_t fingerprint;     /* of the options (optdump_fingerprint) */
    const char *wordlist;
    const char *output;
};
/* Check a resumed state against this run (options, wordlist, output), or
 * start a new journal. 0, or -1 with err. */
int journal_setup(struct journal *j, const struct journal_run *run, char *err, size_t errlen);
/* The wordlist is the one the state was made with (size and time). */
int journal_same_wordlist(const struct journal *j, const char *wordlist, const char *state,
                          char *err, size_t errlen);

/* --retry-failed: the line numbers of the words that failed, sorted. */
struct journal_failed {
    uint64_t *v;
    size_t n;
};
int journal_load_failed(struct journal_failed *s, const char *state, const char *wordlist,
                        char *err, size_t errlen);
/* An input skip function (ud = the set): 1 for lines that did not fail. */
int journal_not_failed(void *ud, uint64_t line);
#endif

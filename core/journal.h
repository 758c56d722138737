/* journal: the state file for exact resume. */
#ifndef SALVO_JOURNAL_H
#define SALVO_JOURNAL_H
#include <stddef.h>
#include <stdint.h>

struct jrange {
    uint64_t a, b;   /* input lines [a, b), 0-based */
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
    uint64_t low;           /* every line below this is done */
    struct jrange *r;       /* done ranges above low, sorted, disjoint */
    size_t n, cap;
};

void journal_init(struct journal *j, const char *path);
void journal_free(struct journal *j);
/* Lines [a, b) are done (their results are written). */
void journal_done(struct journal *j, uint64_t a, uint64_t b);
int journal_is_done(const struct journal *j, uint64_t line);
/* Atomically replace the file at j->path. 0 or -1 with err. */
int journal_save(struct journal *j, char *err, size_t errlen);
int journal_load(struct journal *j, const char *path, char *err, size_t errlen);
#endif

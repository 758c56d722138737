/* recurse: --recursion in the parent. A hit that is a directory (a
 * redirect to its own URL plus '/', or a URL that ends in '/') becomes a
 * root: the whole wordlist again, each word after the directory's path,
 * read from the file once more (never the list times the directories in
 * memory). A chunk's roots count only when the chunk is done, in the same
 * journal save that marks its lines done: a scan killed at any moment
 * resumes with exactly the roots its written results showed. Root 0 is
 * the wordlist's own pass; the journal keeps the others (journal.h). */
#ifndef SALVO_RECURSE_H
#define SALVO_RECURSE_H
#include <stddef.h>
#include <stdint.h>

#include "base/input.h"
#include "pool/listed.h"

struct buf;
struct journal;
struct result;

struct recurse {
    int on;                   /* roots are kept and scanned here (not with a queue) */
    unsigned max_depth;       /* --recursion-depth; 0 = no --recursion */
    unsigned follow_depth;    /* --max-depth: levels of salvo.follow() */
    uint64_t max_follows;     /* --max-follows: follow-ups in the whole scan */
    const char *template;
    uint64_t dirs, follows;   /* roots of each kind */
    uint64_t over_follows, deep_follows; /* follow-ups past the bounds, not probed */
    char first_over[512], first_deep[512];
    const char *wordlist;     /* read again for each root */
    struct journal *j;
    const struct input *base; /* the wordlist's own pass: its settings */
    struct input rin;         /* the current root's pass, when root > 0 */
    size_t root;              /* the root being read */
    uint64_t skipped_before;  /* words passed over as done by roots read before */
    uint64_t too_deep;        /* directories past the depth, not scanned */
    char first_too_deep[512];
    /* The wordlist's words, read at the first follow-up that needs them
     * (listed.h): a follow-up that the list's pass or a directory's
     * probes is not kept, and a directory's pass passes over the words
     * probed before as follow-ups (skip). */
    struct listed listed;
    int listed_state;         /* 0 not read yet, 1 read, -1 none (stdin, combined lists) */
    uint64_t in_list;         /* follow-ups not kept: a pass probes them */
    struct listed skip;       /* the current directory's words followed before */
    /* A list from stdin cannot be read again: its words are kept as the
     * wordlist's pass takes them (listed, open), and the pass drops the
     * words followed before it came to them (followed). */
    int growing;
    struct listed followed;
};

struct recurse_limits {
    int on;                   /* 0: no work is found (a queue's chunks) */
    unsigned recursion;       /* --recursion-depth, 0 = no --recursion */
    unsigned follow_depth;    /* --max-depth */
    uint64_t max_follows;     /* --max-follows */
    const char *template;     /* a follow-up's URL, to know it from its parent's */
    int may_follow;           /* the plugin may follow (a list from stdin is kept) */
};
void recurse_init(struct recurse *rc, const struct recurse_limits *lim, const char *wordlist,
                  struct journal *j, const struct input *base);
/* A script of a word at level `from` followed word[0..len)
 * (salvo.follow), from the page at parent: its record is added to found,
 * the chunk's, unless it is the page itself or deeper than --max-depth. */
void recurse_follow(struct recurse *rc, uint32_t from, struct buf *found, const char *word,
                    size_t len, const char *parent);
/* One record of a chunk's found buffer: a directory or a follow-up
 * (single), its level, its word (or the directory's prefix, '/' at its
 * end) and the URL that showed it. */
struct recurse_rec {
    int single;
    uint32_t depth, len;
    const char *word;        /* len bytes, not NUL-terminated */
    const char *parent;
};
/* The record at *at, which moves past it; 0 at end. */
int recurse_rec_next(const char **at, const char *end, struct recurse_rec *r);
/* The level of root's words (0 for the wordlist's own). */
uint32_t recurse_depth(const struct recurse *rc, size_t root);
/* r (a hit at level `from`) may be a directory: its record is added to
 * found, the chunk's, for recurse_commit() (or a queue's store). */
void recurse_found(struct recurse *rc, uint32_t from, struct buf *found, const struct result *r);
/* The chunk is done: its directories become roots (those not seen
 * before). 0, or -1 if one could not be kept (out of memory). */
int recurse_commit(struct recurse *rc, const struct buf *found);
/* The current root's input is all handed out: the next root's input (its
 * lines done in an earlier run passed over), or NULL if no root waits
 * (yet), or on an error (*failed set, said). */
struct input *recurse_next(struct recurse *rc, int *failed);
/* A chunk of words just taken ('\n'-separated in text, a uint32_t line
 * offset each in offs): those probed before as follow-ups are taken out
 * (a directory's, or a list's from stdin). Returns how many. */
size_t recurse_filter(struct recurse *rc, struct buf *text, struct buf *offs);
/* Roots not started yet. */
int recurse_waiting(const struct recurse *rc);
/* The directory prefix of root's words ("" for root 0). */
const char *recurse_prefix(const struct recurse *rc, size_t root);
/* The result's depth and parent, from its root. */
void recurse_label(const struct recurse *rc, size_t root, struct result *r);
/* At the end: close a root's input, say what the depth left out. */
void recurse_finish(struct recurse *rc);
#endif

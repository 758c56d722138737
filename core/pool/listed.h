/* listed: a set of words as sorted 64-bit hashes, 8 bytes a word. It
 * tells a follow-up that a pass probes anyway (the wordlist's, or a
 * directory's) from one no pass makes (recurse.c): the list is read once
 * more, the first time a follow-up needs it, and never held as text. */
#ifndef SALVO_LISTED_H
#define SALVO_LISTED_H
#include <stddef.h>
#include <stdint.h>

struct input;

struct listed {
    uint64_t *h;   /* sorted, no two the same, once sealed; or, open, a table */
    size_t n, cap;
    int open;      /* filled with listed_put: asked while it grows */
};

/* A word's hash: of the word as a URL carries it (tmpl_expand's
 * escapes), so that the list's "ü" and a link's "%C3%BC" are one. */
uint64_t listed_hash(const char *w, size_t n);
/* Add a word, or its hash (then seal before asking). 0, or -1 out of
 * memory. */
int listed_add(struct listed *l, const char *w, size_t n);
int listed_add_hash(struct listed *l, uint64_t h);
/* Add a word to an open set (a table of hashes at most half full, 16
 * bytes a word), which may be asked at any time. 0, or -1 out of memory. */
int listed_put(struct listed *l, const char *w, size_t n);
/* Sort; drop repeats. */
void listed_seal(struct listed *l);
/* Whether the word is in the set (sealed, or open). */
int listed_has(const struct listed *l, const char *w, size_t n);
/* Every word of the file at path as `like` reads it (its -e and comment
 * rule; no shard, no lines passed over: other shards and earlier runs
 * probe those), sealed. 0, or -1 with err. */
int listed_read(struct listed *l, const char *path, const struct input *like, char *err,
                size_t errlen);
void listed_free(struct listed *l);
#endif

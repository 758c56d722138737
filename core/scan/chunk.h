/* chunk: a chunk of words as a worker holds it, read from the parent's
 * MSG_CHUNK frame (see msg.h), until all its words have ended. */
#ifndef SALVO_CHUNK_H
#define SALVO_CHUNK_H
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

struct dircal;
struct dircals;
struct frame;

struct chunk {
    uint64_t id;
    struct buf words;      /* separated by '\n' */
    size_t nwords;
    size_t pos;            /* next word starts here */
    size_t open;           /* words started and not ended */
    uint32_t next_index;   /* of the next word */
    struct buf skip;       /* uint32_t indices not to probe (quarantined) */
    int abandoned;         /* MSG_STOP came first: never reported done */
    struct dircal *dc;     /* --recursion --calibrate: its directory's not-found pages */
    struct chunk *next;
};

/* The chunk of a MSG_CHUNK frame, or NULL (malformed, out of memory).
 * dcs: with --calibrate, a chunk under a directory takes that
 * directory's set (a new one is made for a directory not seen yet);
 * NULL = no calibration. */
struct chunk *chunk_parse(const struct frame *f, struct dircals *dcs);
/* Whether the word at index is quarantined. */
int chunk_skipped(const struct chunk *ch, uint32_t index);
void chunk_free(struct chunk *ch, struct dircals *dcs);
#endif

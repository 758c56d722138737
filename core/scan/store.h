/* store: --store-responses DIR, the evidence behind a verdict. For each
 * hit (every exchange with --store-all) one file: a few lines that say
 * what it is, then the request as sent and the response as received
 * (net/tap.h says what those bytes are per client), the body up to
 * --max-body. Named from the word, URL, method and body, so a chunk run
 * again (--resume, a dead worker's chunk) writes the same file again, and
 * written beside its place and renamed there, so no reader and no
 * interruption sees half a file. The result carries the path (jsonl
 * "stored", csv, the text detail, the report). */
#ifndef SALVO_STORE_H
#define SALVO_STORE_H
#include <stddef.h>

#include "base/buf.h"
#include "net/xfer.h"

struct store;

/* DIR made (with its parents) if it is not there, and writable: 0, or -1
 * with err naming it. Called once, before the workers start. */
int store_prepare(const char *dir, char *err, size_t errlen);
/* all: every exchange, not only hits. NULL when out of memory. */
struct store *store_new(const char *dir, int all);
/* Keep x's exchange if its verdict is one kept: 1 with its path in *path,
 * 0 when it is not kept (a miss without all, nothing sent), -1 when it
 * could not be written (said once on stderr; the result goes on without
 * it). */
int store_keep(struct store *s, const struct xfer *x, int verdict, const char *word, size_t wlen,
               struct buf *path);
void store_free(struct store *s);
#endif

/* coding: a response body's Content-Encoding undone as it arrives, for
 * salvo's own clients (curl does the same for its transfers): gzip and
 * deflate (zlib-wrapped, or raw as some servers send it) with zlib, br
 * with Debian's libbrotli, zstd with libzstd. What comes out goes to a sink
 * that caps it (max_body), so a bomb costs no more than a plain page. Other
 * codings (compress, several stacked) are curl's. */
#ifndef SALVO_CODING_H
#define SALVO_CODING_H
#include <stddef.h>

enum coding_kind { CODING_NONE = 0, CODING_GZIP, CODING_DEFLATE, CODING_BR, CODING_ZSTD };

struct coding;

/* The kind a Content-Encoding value names: CODING_NONE for identity, -1
 * for one the own clients leave to curl. */
int coding_kind(const char *v, size_t n);
/* A decoder of kind, reused from *c when there is one: 0, or -1 when out
 * of memory. */
int coding_begin(struct coding **c, int kind);
/* Whether *c decodes a body now. */
int coding_active(const struct coding *c);
/* Decode n bytes into sink (which returns 0 to go on, anything else to
 * stop): 0, 1 when the sink stopped it, or -1 with *why when the data is
 * not of that coding. */
int coding_feed(struct coding *c, const char *in, size_t n,
                int (*sink)(void *ud, const char *p, size_t n), void *ud, const char **why);
/* Done with this body (the decoder stays for the next). */
void coding_end(struct coding *c);
void coding_free(struct coding *c);
#endif

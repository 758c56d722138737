/* coding: see coding.h. One decoder per transfer that needs it, kept with
 * the transfer and reset for the next compressed answer, so a scan of
 * compressed pages allocates zlib's state once per transfer slot. */
#include "net/coding.h"

#include <brotli/decode.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>
#include <zstd.h>

#define OUT_CHUNK (16 * 1024)

struct coding {
    int kind;               /* of the body being decoded, CODING_NONE between */
    int zinit;              /* z is initialised */
    int raw;                /* deflate without its zlib wrapper */
    int first;              /* no output yet: a raw deflate may still be tried */
    int done;               /* the stream ended: what follows is ignored */
    unsigned char head[4];  /* the first bytes fed, for a raw deflate's retry */
    size_t fed;             /* bytes fed so far */
    z_stream z;
    BrotliDecoderState *br;
    ZSTD_DStream *zs;
    unsigned char out[OUT_CHUNK];
};

int coding_kind(const char *v, size_t n)
{
    while (n && (*v == ' ' || *v == '\t'))
        v++, n--;
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    if (!n || (n == 8 && !strncasecmp(v, "identity", 8)))
        return CODING_NONE;
    if ((n == 4 && !strncasecmp(v, "gzip", 4)) || (n == 6 && !strncasecmp(v, "x-gzip", 6)))
        return CODING_GZIP;
    if (n == 7 && !strncasecmp(v, "deflate", 7))
        return CODING_DEFLATE;
    if (n == 2 && !strncasecmp(v, "br", 2))
        return CODING_BR;
    if (n == 4 && !strncasecmp(v, "zstd", 4))
        return CODING_ZSTD;
    return -1;
}

static int coding_zinit(struct coding *c, int bits)
{
    if (c->zinit)
        inflateEnd(&c->z);
    memset(&c->z, 0, sizeof c->z);
    c->zinit = inflateInit2(&c->z, bits) == Z_OK;
    return c->zinit ? 0 : -1;
}

int coding_begin(struct coding **cp, int kind)
{
    if (!*cp && !(*cp = calloc(1, sizeof **cp)))
        return -1;
    struct coding *c = *cp;
    c->kind = kind;
    c->raw = c->done = 0;
    c->first = 1;
    c->fed = 0;
    if (kind == CODING_BR) {
        if (c->br)
            BrotliDecoderDestroyInstance(c->br);
        c->br = BrotliDecoderCreateInstance(NULL, NULL, NULL);
        return c->br ? 0 : -1;
    }
    if (kind == CODING_ZSTD) {
        /* zstd's default window limit (2^27), as curl's decoder has it */
        if (!c->zs && !(c->zs = ZSTD_createDStream()))
            return -1;
        return ZSTD_isError(ZSTD_DCtx_reset(c->zs, ZSTD_reset_session_only)) ? -1 : 0;
    }
    /* 15 + 32: a gzip or a zlib header, whichever comes (as curl). */
    return coding_zinit(c, 15 + 32);
}

int coding_active(const struct coding *c)
{
    return c && c->kind != CODING_NONE;
}

static int coding_zfeed(struct coding *c, const char *in, size_t n,
                        int (*sink)(void *, const char *, size_t), void *ud, const char **why);

/* Some servers send deflate without its zlib wrapper (curl tries it raw
 * too): zlib says so within the first two bytes, which may have come in an
 * earlier piece; they are fed again. */
static int coding_raw_retry(struct coding *c, const char *in, size_t n,
                            int (*sink)(void *, const char *, size_t), void *ud,
                            const char **why, size_t before)
{
    c->raw = 1;
    if (coding_zinit(c, -15) < 0) {
        *why = "out of memory";
        return -1;
    }
    unsigned char head[sizeof c->head];
    memcpy(head, c->head, before);
    c->fed = 0;
    int r = before ? coding_zfeed(c, (const char *)head, before, sink, ud, why) : 0;
    return r ? r : coding_zfeed(c, in, n, sink, ud, why);
}

static int coding_zfeed(struct coding *c, const char *in, size_t n,
                        int (*sink)(void *, const char *, size_t), void *ud, const char **why)
{
    size_t before = c->fed;
    for (size_t i = 0; i < n && before + i < sizeof c->head; i++)
        c->head[before + i] = (unsigned char)in[i];
    c->fed += n;
    c->z.next_in = (unsigned char *)(uintptr_t)in;
    c->z.avail_in = (uInt)n;
    while (!c->done && (c->z.avail_in || c->z.avail_out == 0)) {
        c->z.next_out = c->out;
        c->z.avail_out = sizeof c->out;
        int r = inflate(&c->z, Z_NO_FLUSH);
        if (r == Z_DATA_ERROR && c->first && c->kind == CODING_DEFLATE && !c->raw &&
            before <= sizeof c->head)
            return coding_raw_retry(c, in, n, sink, ud, why, before);
        if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR) {
            *why = c->z.msg ? c->z.msg : "invalid compressed data";
            return -1;
        }
        size_t got = sizeof c->out - c->z.avail_out;
        if (got) {
            c->first = 0;
            if (sink(ud, (const char *)c->out, got))
                return 1;
        }
        if (r == Z_STREAM_END)
            c->done = 1; /* trailing bytes are ignored, as curl does */
        else if (r == Z_BUF_ERROR)
            break;
    }
    return 0;
}

static int coding_brfeed(struct coding *c, const char *in, size_t n,
                         int (*sink)(void *, const char *, size_t), void *ud, const char **why)
{
    const uint8_t *next_in = (const uint8_t *)in;
    size_t avail_in = n;
    for (;;) {
        uint8_t *next_out = c->out;
        size_t avail_out = sizeof c->out;
        BrotliDecoderResult r =
            BrotliDecoderDecompressStream(c->br, &avail_in, &next_in, &avail_out, &next_out, NULL);
        size_t got = sizeof c->out - avail_out;
        if (got && sink(ud, (const char *)c->out, got))
            return 1;
        if (r == BROTLI_DECODER_RESULT_ERROR) {
            *why = BrotliDecoderErrorString(BrotliDecoderGetErrorCode(c->br));
            return -1;
        }
        if (r != BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT)
            return 0;
    }
}

/* A zstd body may hold several frames, one after another. */
static int coding_zstdfeed(struct coding *c, const char *in, size_t n,
                           int (*sink)(void *, const char *, size_t), void *ud, const char **why)
{
    ZSTD_inBuffer src = {in, n, 0};
    for (;;) {
        ZSTD_outBuffer dst = {c->out, sizeof c->out, 0};
        size_t r = ZSTD_decompressStream(c->zs, &dst, &src);
        if (ZSTD_isError(r)) {
            *why = ZSTD_getErrorName(r);
            return -1;
        }
        if (dst.pos && sink(ud, (const char *)c->out, dst.pos))
            return 1;
        if (src.pos == src.size && dst.pos < dst.size)
            return 0; /* all taken, and nothing more to flush */
    }
}

int coding_feed(struct coding *c, const char *in, size_t n,
                int (*sink)(void *ud, const char *p, size_t n), void *ud, const char **why)
{
    if (c->kind == CODING_BR)
        return coding_brfeed(c, in, n, sink, ud, why);
    if (c->kind == CODING_ZSTD)
        return coding_zstdfeed(c, in, n, sink, ud, why);
    return coding_zfeed(c, in, n, sink, ud, why);
}

void coding_end(struct coding *c)
{
    if (c)
        c->kind = CODING_NONE;
}

void coding_free(struct coding *c)
{
    if (!c)
        return;
    if (c->zinit)
        inflateEnd(&c->z);
    if (c->br)
        BrotliDecoderDestroyInstance(c->br);
    ZSTD_freeDStream(c->zs);
    free(c);
}

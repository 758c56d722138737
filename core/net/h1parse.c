/* h1parse: an HTTP/1.1 response read from bytes (see h1parse.h).
 *
 * One pass, line by line for the head, the chunk sizes and the trailers
 * (a line that comes in pieces is kept, at most 100 KB as curl keeps it),
 * and in runs for the body. The limits and the wording of the errors are
 * curl's where curl has them, so that a probe reads the same whichever
 * client carried it. */
#include "net/h1parse.h"

#include "base/codes.h"
#include "net/coding.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define LINE_MAX_BYTES (100 * 1024) /* curl's CURL_MAX_HTTP_HEADER */
#define HEAD_MAX_BYTES (300 * 1024) /* curl's MAX_HTTP_RESP_HEADER_SIZE */
#define CHUNK_DIGITS_MAX 16         /* curl's CHUNK_MAXNUM_LEN */

enum { ST_STATUS, ST_HEADERS, ST_LEN, ST_CLOSE, ST_CSIZE, ST_CDATA, ST_CEND, ST_TRAILER, ST_DONE };
/* The header a folded line would continue. */
enum { LAST_NONE, LAST_OTHER, LAST_FRAMING };

static int h1parse_refuse(struct h1parse *p, int kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int h1parse_refuse(struct h1parse *p, int kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err, sizeof p->err, fmt, ap);
    va_end(ap);
    p->err_kind = kind;
    p->phase = ST_DONE;
    return H1PARSE_ERROR;
}

void h1parse_begin(struct h1parse *p, int head)
{
    struct buf keep = p->line;
    memset(p, 0, sizeof *p);
    p->line = keep;
    buf_reset(&p->line);
    p->head = head;
    p->phase = ST_STATUS;
}

void h1parse_free(struct h1parse *p)
{
    buf_free(&p->line);
}

/* RFC 9110 5.6.2: tchar. */
/* RFC 9110 5.6.2's tchar: ALPHA, DIGIT and !#$%&'*+-.^_`|~, as a bit per
 * byte value 32..127 (every header name's byte is tested). */
static int is_tchar(unsigned char c)
{
    static const uint32_t bits[4] = {0, 0x03ff6cfa, 0xc7fffffe, 0x57ffffff};
    return c < 128 && (bits[c >> 5] >> (c & 31) & 1);
}

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* Calls fn on each comma-separated element of v, trimmed; empty ones
 * (RFC 9110 5.6.1 lets a list have them) are skipped. */
static void each_token(const char *v, size_t n, void (*fn)(struct h1parse *, const char *, size_t),
                       struct h1parse *p)
{
    size_t i = 0;
    while (i < n) {
        size_t s = i;
        while (i < n && v[i] != ',')
            i++;
        size_t e = i++;
        while (s < e && is_ows(v[s]))
            s++;
        while (e > s && is_ows(v[e - 1]))
            e--;
        if (e > s)
            fn(p, v + s, e - s);
    }
}

static int tok_is(const char *t, size_t n, const char *word)
{
    return n == strlen(word) && !strncasecmp(t, word, n);
}

static void connection_token(struct h1parse *p, const char *t, size_t n)
{
    p->close_tok |= tok_is(t, n, "close");
    p->keepalive_tok |= tok_is(t, n, "keep-alive");
}

/* RFC 9112 6.1: chunked is applied once; any other coding is curl's to
 * undo (and where chunked is not last, curl reads to the close). */
static void te_token(struct h1parse *p, const char *t, size_t n)
{
    if (tok_is(t, n, "chunked"))
        p->te_chunked++;
    else
        p->te_other = 1;
}

/* Content-Length, maybe a list of equal values (RFC 9110 8.6). */
static int content_length(struct h1parse *p, const char *v, size_t n)
{
    size_t i = 0;
    do {
        while (i < n && is_ows(v[i]))
            i++;
        uint64_t len = 0;
        size_t d = i;
        for (; i < n && v[i] >= '0' && v[i] <= '9'; i++) {
            if (len > (UINT64_MAX - 9) / 10)
                return h1parse_refuse(p, ERR_BAD_REPLY, "Content-Length too large");
            len = len * 10 + (uint64_t)(v[i] - '0');
        }
        while (i < n && is_ows(v[i]))
            i++;
        if (i == d || (i < n && v[i] != ','))
            return h1parse_refuse(p, ERR_BAD_REPLY, "Invalid Content-Length: value");
        if (p->has_len && p->left != len)
            return h1parse_refuse(p, ERR_BAD_REPLY, "Content-Length values that differ");
        p->has_len = 1;
        p->left = len;
    } while (i++ < n);
    return H1PARSE_MORE;
}

/* The length of a header line's name, checked (RFC 9112 5.1: a token,
 * the colon right after it); 0 when refused. */
static size_t field_name(struct h1parse *p, const char *l, size_t n)
{
    const char *colon = memchr(l, ':', n);
    if (!colon)
        return h1parse_refuse(p, ERR_BAD_REPLY, "a header line without a colon"), 0;
    size_t nl = (size_t)(colon - l);
    if (!nl)
        return h1parse_refuse(p, ERR_BAD_REPLY, "a header line without a name"), 0;
    for (size_t i = 0; i < nl; i++)
        if (!is_tchar((unsigned char)l[i]))
            return h1parse_refuse(p, ERR_BAD_REPLY, "%s in a header name",
                          is_ows(l[i]) ? "a space" : "a character not allowed"), 0;
    return nl;
}

/* A header line (its end removed): the framing it sets. */
static int header_line(struct h1parse *p, const char *l, size_t n)
{
    size_t nl = field_name(p, l, n);
    if (!nl)
        return H1PARSE_ERROR;
    const char *colon = l + nl;
    const char *v = colon + 1, *end = l + n;
    while (v < end && is_ows(*v))
        v++;
    while (end > v && is_ows(end[-1]))
        end--;
    size_t vl = (size_t)(end - v);
    p->framing_last = LAST_FRAMING;
    if (nl == 14 && !strncasecmp(l, "content-length", 14))
        return content_length(p, v, vl);
    if (nl == 17 && !strncasecmp(l, "transfer-encoding", 17))
        each_token(v, vl, te_token, p);
    else if (nl == 10 && !strncasecmp(l, "connection", 10))
        each_token(v, vl, connection_token, p);
    else if (nl == 16 && !strncasecmp(l, "content-encoding", 16)) {
        int k = coding_kind(v, vl);
        if (k < 0 || (k && p->coding))
            p->foreign_coding = 1; /* another coding, or two */
        else if (k)
            p->coding = k;
    } else
        p->framing_last = LAST_OTHER;
    return H1PARSE_MORE;
}

/* RFC 9110 5.5: NUL and a lone CR make a field dangerous; refused. */
static int field_chars_ok(struct h1parse *p, const char *l, size_t n)
{
    if (memchr(l, '\0', n))
        return h1parse_refuse(p, ERR_BAD_REPLY, "a NUL byte in a header line") == H1PARSE_MORE;
    if (memchr(l, '\r', n))
        return h1parse_refuse(p, ERR_BAD_REPLY, "a CR inside a header line") == H1PARSE_MORE;
    return 1;
}

static int status_line(struct h1parse *p, const char *l, size_t n)
{
    if (n < 5 || memcmp(l, "HTTP/", 5))
        return h1parse_refuse(p, ERR_BAD_REPLY, "Received HTTP/0.9 when not allowed");
    if (n < 12 || memcmp(l, "HTTP/1.", 7) || l[7] < '0' || l[7] > '9' || l[8] != ' ' ||
        l[9] < '1' || l[9] > '9' || l[10] < '0' || l[10] > '9' || l[11] < '0' || l[11] > '9' ||
        (n > 12 && l[12] != ' '))
        return h1parse_refuse(p, ERR_BAD_REPLY, "Invalid status line");
    int status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
    if (status == 101)
        return h1parse_refuse(p, ERR_BAD_REPLY, "101 Switching Protocols, which no request asked for");
    /* A 1xx's headers say nothing of the answer that follows. */
    p->chunked = p->has_len = p->foreign_coding = p->coding = 0;
    p->close_tok = p->keepalive_tok = p->te_chunked = p->te_other = p->framing_last = 0;
    p->left = 0;
    p->status = status;
    p->http10 = l[7] == '0';
    p->phase = ST_HEADERS;
    return H1PARSE_MORE;
}

/* The blank line after the headers. */
static int head_end(struct h1parse *p)
{
    if (p->status < 200) {
        p->phase = ST_STATUS; /* 1xx: the answer follows */
        return H1PARSE_MORE;
    }
    if (p->te_chunked > 1)
        return h1parse_refuse(p, ERR_BAD_REPLY, "chunked applied twice (Transfer-Encoding)");
    if ((p->te_chunked || p->te_other) && p->has_len) {
        p->has_len = 0;   /* RFC 9112 6.3: Transfer-Encoding overrides, */
        p->close_tok = 1; /* and the connection is not trusted again */
    }
    if (p->head || p->status == 204 || p->status == 304) {
        p->phase = ST_DONE;
        return H1PARSE_DONE;
    }
    if (p->te_other)
        p->foreign_coding = 1; /* curl's to undo (read to the close when chunked is not last) */
    else if (p->te_chunked)
        p->chunked = 1;
    p->phase = p->chunked ? ST_CSIZE : p->has_len ? ST_LEN : ST_CLOSE;
    if (p->phase == ST_LEN && !p->left) {
        p->phase = ST_DONE;
        return H1PARSE_DONE;
    }
    return H1PARSE_HEAD;
}

/* RFC 9112 7.1: chunk-size [ chunk-ext ] with chunk-ext = *( BWS ";" ... ). */
static int chunk_size(struct h1parse *p, const char *l, size_t n)
{
    uint64_t v = 0;
    size_t i = 0;
    for (; i < n && i <= CHUNK_DIGITS_MAX; i++) {
        char ch = l[i];
        int d = ch >= '0' && ch <= '9'   ? ch - '0'
                : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                         : -1;
        if (d < 0)
            break;
        v = v * 16 + (uint64_t)d;
    }
    if (!i || i > CHUNK_DIGITS_MAX)
        return h1parse_refuse(p, ERR_IO, "%s in chunked-encoding",
                      i ? "Too long hexadecimal number" : "Illegal or missing hexadecimal sequence");
    while (i < n && is_ows(l[i]))
        i++;
    if (i < n && l[i] != ';')
        return h1parse_refuse(p, ERR_IO, "Malformed chunk size line in chunked-encoding");
    p->left = v;
    p->phase = v ? ST_CDATA : ST_TRAILER;
    return H1PARSE_MORE;
}

static int head_line(struct h1parse *p, const char *raw, size_t rn, size_t len,
                     const struct h1parse_cb *cb, void *ud)
{
    if (!len)
        return head_end(p);
    if (!field_chars_ok(p, raw, len))
        return H1PARSE_ERROR;
    if (is_ows(raw[0])) {
        /* obs-fold (RFC 9112 5.2): before any header, dropped; after one,
         * part of it, unless it would change how the body is framed. */
        if (p->framing_last == LAST_FRAMING)
            return h1parse_refuse(p, ERR_BAD_REPLY, "a folded Content-Length, Transfer-Encoding, "
                                            "Content-Encoding or Connection header");
        if (p->framing_last == LAST_OTHER)
            cb->line(ud, raw, rn, 1);
        return H1PARSE_MORE;
    }
    int r = header_line(p, raw, len);
    if (r == H1PARSE_MORE)
        cb->line(ud, raw, rn, 0);
    return r;
}

/* One whole line, its end (LF, or CR LF) included. */
static int one_line(struct h1parse *p, const char *l, size_t n, const struct h1parse_cb *cb,
                    void *ud)
{
    size_t len = n - 1;
    if (len && l[len - 1] == '\r')
        len--;
    if (p->phase <= ST_HEADERS && (p->hbytes += n) > HEAD_MAX_BYTES)
        return h1parse_refuse(p, ERR_IO, "Too large response headers: %zu > %u", p->hbytes,
                      HEAD_MAX_BYTES);
    switch (p->phase) {
    case ST_STATUS: {
        if (!len)
            return H1PARSE_MORE; /* blank lines before a status line: skipped */
        int r = status_line(p, l, len);
        if (r == H1PARSE_MORE)
            cb->line(ud, l, n, 0);
        return r;
    }
    case ST_HEADERS:
        return head_line(p, l, n, len, cb, ud);
    case ST_CSIZE:
        return chunk_size(p, l, len);
    case ST_CEND:
        if (len)
            return h1parse_refuse(p, ERR_IO, "Malformed encoding found in chunked-encoding");
        p->phase = ST_CSIZE;
        return H1PARSE_MORE;
    default: /* ST_TRAILER */
        if (!len) {
            p->phase = ST_DONE;
            return H1PARSE_DONE;
        }
        if (!field_chars_ok(p, l, len))
            return H1PARSE_ERROR;
        if (!is_ows(l[0]) && !field_name(p, l, len))
            return H1PARSE_ERROR;
        cb->line(ud, l, n, is_ows(l[0]));
        return H1PARSE_MORE;
    }
}

/* A piece of a line: kept until its end comes. */
static int partial(struct h1parse *p, const char *b, size_t n)
{
    if (p->line.len + n > LINE_MAX_BYTES)
        return h1parse_refuse(p, ERR_HTTP, "a response header line over 100 KB");
    if (buf_append(&p->line, b, n) < 0)
        return h1parse_refuse(p, ERR_INTERNAL, "out of memory");
    if (p->phase == ST_STATUS) {
        const char *s = p->line.p;
        size_t k = p->line.len;
        while (k && (*s == '\r' || *s == '\n')) /* blank lines, skipped */
            s++, k--;
        if (memcmp(s, "HTTP/", k < 5 ? k : 5))
            return h1parse_refuse(p, ERR_BAD_REPLY, "Received HTTP/0.9 when not allowed");
    }
    return H1PARSE_MORE;
}

static int in_body(const struct h1parse *p)
{
    return p->phase == ST_LEN || p->phase == ST_CDATA || p->phase == ST_CLOSE;
}

/* Body bytes from b: how many were used, *r what came of them. */
static size_t body_run(struct h1parse *p, const char *b, size_t n, int *r,
                       const struct h1parse_cb *cb, void *ud)
{
    size_t k = p->phase == ST_CLOSE || n < p->left ? n : (size_t)p->left;
    int br = cb->body(ud, b, k);
    *r = H1PARSE_MORE;
    if (br < 0) {
        *r = H1PARSE_STOP;
    } else if (br > 0) {
        p->close_tok = 1; /* the rest is never read: the connection goes */
        p->phase = ST_DONE;
        *r = H1PARSE_DONE;
    } else if (p->phase != ST_CLOSE && !(p->left -= k)) {
        if (p->phase == ST_LEN) {
            p->phase = ST_DONE;
            *r = H1PARSE_DONE;
        } else {
            p->phase = ST_CEND;
        }
    }
    return k;
}

int h1parse_feed(struct h1parse *p, const char *b, size_t n, size_t *used,
                 const struct h1parse_cb *cb, void *ud)
{
    size_t i = 0;
    int r = p->phase == ST_DONE ? H1PARSE_DONE : H1PARSE_MORE;
    if (n)
        p->got = 1;
    while (i < n && r == H1PARSE_MORE) {
        if (in_body(p)) {
            i += body_run(p, b + i, n - i, &r, cb, ud);
            continue;
        }
        const char *nl = memchr(b + i, '\n', n - i);
        if (!nl) {
            r = partial(p, b + i, n - i);
            i = n;
            break;
        }
        size_t k = (size_t)(nl - (b + i)) + 1;
        if (p->line.len) {
            r = partial(p, b + i, k);
            if (r == H1PARSE_MORE)
                r = one_line(p, p->line.p, p->line.len, cb, ud);
        } else {
            r = one_line(p, b + i, k, cb, ud);
        }
        buf_reset(&p->line);
        i += k;
    }
    *used = i;
    return r;
}

int h1parse_eof(struct h1parse *p)
{
    switch (p->phase) {
    case ST_DONE:
        return H1PARSE_DONE;
    case ST_CLOSE:
        p->phase = ST_DONE;
        p->close_tok = 1;
        return H1PARSE_DONE;
    case ST_STATUS:
        if (!p->got)
            return h1parse_refuse(p, ERR_EMPTY, "Empty reply from server");
        return h1parse_refuse(p, ERR_BAD_REPLY, "the connection closed in the status line");
    case ST_HEADERS:
        return h1parse_refuse(p, ERR_IO, "the connection closed inside the response headers");
    case ST_LEN:
        return h1parse_refuse(p, ERR_HTTP, "transfer closed with %llu bytes remaining to read",
                      (unsigned long long)p->left);
    default:
        return h1parse_refuse(p, ERR_HTTP, "transfer closed with outstanding read data remaining");
    }
}

int h1parse_keep(const struct h1parse *p)
{
    return p->phase == ST_DONE && !p->close_tok && (!p->http10 || p->keepalive_tok) && !p->foreign_coding;
}

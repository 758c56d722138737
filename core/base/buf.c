/* buf: growable byte buffers. Growth doubles so appends are amortised O(1);
 * the byte after len is kept NUL so a buffer can be used as a C string. */
#include "base/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int buf_reserve(struct buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2)
            return -1;
        cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (!p)
        return -1;
    b->p = p;
    b->cap = cap;
    return 0;
}

int buf_append(struct buf *b, const void *data, size_t n)
{
    if (buf_reserve(b, n) < 0)
        return -1;
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

int buf_append_str(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

int buf_append_byte(struct buf *b, char c)
{
    return buf_append(b, &c, 1);
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || buf_reserve(b, (size_t)n) < 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

void buf_consume(struct buf *b, size_t n)
{
    if (n >= b->len) {
        buf_reset(b);
        return;
    }
    memmove(b->p, b->p + n, b->len - n);
    b->len -= n;
    b->p[b->len] = '\0';
}

int buf_next_line(const struct buf *b, size_t *at, const char **line, size_t *len)
{
    if (!b->p || *at >= b->len)
        return 0;
    const char *p = b->p + *at, *nl = memchr(p, '\n', b->len - *at);
    *line = p;
    *len = nl ? (size_t)(nl - p) : b->len - *at;
    *at += *len + 1;
    return 1;
}

size_t buf_keep_lines(struct buf *b, struct buf *each,
                      int (*keep)(void *ud, size_t i, const char *line, size_t len), void *ud)
{
    uint32_t *ev = each ? (uint32_t *)each->p : NULL;
    size_t at = 0, out = 0, i = 0, kept = 0, n;
    const char *line;
    while (buf_next_line(b, &at, &line, &n)) {
        if (keep(ud, i, line, n)) {
            if (kept)
                b->p[out++] = '\n';
            memmove(b->p + out, line, n); /* out never passes line */
            out += n;
            if (ev)
                ev[kept] = ev[i];
            kept++;
        }
        i++;
    }
    if (b->p) {
        b->len = out;
        b->p[out] = '\0';
    }
    if (each)
        each->len = kept * sizeof(uint32_t);
    return i - kept;
}

void buf_free(struct buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* The length of the valid UTF-8 sequence at p, 0 if none starts there. */
size_t buf_utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned char c = *p;
    if (c < 0x80)
        return 1;
    size_t len = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
    if (!len || (size_t)(end - p) < len)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    if (len == 3 && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f)))
        return 0;
    if (len == 4 && ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f)))
        return 0;
    return len;
}

/* JSON string: valid UTF-8 is kept, other bytes become \u00XX. With html,
 * <, > and & are escaped too, so the string is safe inside <script>. */
void buf_json_str(struct buf *b, const char *s, size_t n, int html)
{
    buf_append_byte(b, '"');
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        unsigned char c = *p;
        if (html && (c == '<' || c == '>' || c == '&')) {
            buf_printf(b, "\\u%04x", c);
            p++;
        } else if (c == '"' || c == '\\') {
            buf_append_byte(b, '\\');
            buf_append_byte(b, (char)c);
            p++;
        } else if (c < 0x20 || c == 0x7f) {
            buf_printf(b, "\\u%04x", c);
            p++;
        } else if (c < 0x80) {
            buf_append_byte(b, (char)c);
            p++;
        } else {
            size_t len = buf_utf8_len(p, end);
            if (len) {
                buf_append(b, p, len);
                p += len;
            } else {
                buf_printf(b, "\\u%04x", c);
                p++;
            }
        }
    }
    buf_append_byte(b, '"');
}

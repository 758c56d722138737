/* buf: a growable byte buffer, always NUL-terminated past its length. */
#ifndef SALVO_BUF_H
#define SALVO_BUF_H
#include <stddef.h>
#include <stdint.h>

struct buf {
    char *p;      /* owned; NULL until first append */
    size_t len;
    size_t cap;
};

/* All appenders return 0, or -1 when memory ran out (the buffer is then
 * unchanged). */
int buf_reserve(struct buf *b, size_t extra);
int buf_append(struct buf *b, const void *data, size_t n);
int buf_append_str(struct buf *b, const char *s);
int buf_append_byte(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);          /* len = 0, memory kept */
void buf_consume(struct buf *b, size_t n); /* drop n bytes from the front */
void buf_free(struct buf *b);
/* The '\n'-separated lines of b (a chunk's words): the one at *at, which
 * then moves past it. 0 at the end. */
int buf_next_line(const struct buf *b, size_t *at, const char **line, size_t *len);
/* Keep in place the lines of b that keep() takes (i counts every line),
 * and each's uint32_t per line (NULL: none) in step. Returns how many
 * went. */
size_t buf_keep_lines(struct buf *b, struct buf *each,
                      int (*keep)(void *ud, size_t i, const char *line, size_t len), void *ud);
/* The length of the valid UTF-8 sequence at p (< end), 0 if none. */
size_t buf_utf8_len(const unsigned char *p, const unsigned char *end);
/* A JSON string literal of s[0..n) (quotes included): valid UTF-8 kept,
 * other bytes as \u00XX; html = also escape <, > and & for a <script>. */
void buf_json_str(struct buf *b, const char *s, size_t n, int html);
#endif

/* input: splitting a byte stream into lines and chunks.
 *
 * The parent calls input_fill() when poll() says the input is readable, so
 * a slow stdin never blocks the parent's other work. Lines are cut here, in
 * one place, so every worker sees the same words: CR before LF (and a lone
 * trailing CR) is dropped, blank lines are skipped, other bytes are kept as
 * they are and judged later by the URL builder.
 */
#include "base/input.h"

#include "base/strlist.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int input_open(struct input *in, const char *path, char *err, size_t errlen)
{
    memset(in, 0, sizeof *in);
    in->name = path;
    if (!strcmp(path, "-")) {
        in->fd = STDIN_FILENO;
        in->name = "stdin";
        return 0;
    }
    in->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (in->fd < 0) {
        snprintf(err, errlen, "wordlist %s: %s", path, strerror(errno));
        return -1;
    }
    in->own_fd = 1;
    /* Refuse a directory now rather than at the first read. */
    char probe;
    if (read(in->fd, &probe, 0) < 0) {
        snprintf(err, errlen, "wordlist %s: %s", path, strerror(errno));
        close(in->fd);
        return -1;
    }
    return 0;
}

int input_open_fd(struct input *in, int fd, const char *name, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    memset(in, 0, sizeof *in);
    in->fd = fd;
    in->own_fd = 1;
    in->name = name;
    return 0;
}

void input_close(struct input *in)
{
    if (in->own_fd && in->fd >= 0)
        close(in->fd);
    in->fd = -1;
    buf_free(&in->buf);
}

ssize_t input_fill(struct input *in)
{
    if (in->eof)
        return 0;
    if (buf_reserve(&in->buf, INPUT_MAX_CHUNK_BYTES) < 0) {
        errno = ENOMEM;
        return -1;
    }
    ssize_t n;
    do
        n = read(in->fd, in->buf.p + in->buf.len, INPUT_MAX_CHUNK_BYTES);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1;
    if (n == 0)
        in->eof = 1;
    in->buf.len += (size_t)n;
    in->buf.p[in->buf.len] = '\0';
    return n;
}

int input_done(const struct input *in)
{
    return in->eof && in->buf.len == 0;
}

/* Append one line (without its LF) as a word, unless it is blank (or a
 * comment, with --ignore-comments). */
static int add_word(struct buf *out, const struct input *in, const char *p, size_t n)
{
    if (n && p[n - 1] == '\r')
        n--;
    if (!n || (in->ignore_comments && p[0] == '#'))
        return 0;
    if (out->len)
        buf_append_byte(out, '\n');
    if (in->prefix_len)
        buf_append(out, in->prefix, in->prefix_len);
    buf_append(out, p, n);
    return 1;
}

/* The bytes a line of n bytes makes in a chunk, -e's words included. */
static size_t expanded(const struct input *in, size_t n)
{
    size_t total = in->prefix_len + n + 1;
    for (size_t i = 0; in->exts && i < in->exts->n; i++)
        total += in->prefix_len + n + 1 + strlen(in->exts->v[i]);
    return total;
}

/* The word just added at out[at..] (after its '\n' if at > 0) again with
 * each extension after it. */
static void add_extensions(struct buf *out, size_t at, const struct strlist *exts)
{
    size_t start = at ? at + 1 : at, wl = out->len - start;
    for (size_t i = 0; i < exts->n; i++) {
        size_t el = strlen(exts->v[i]);
        if (buf_reserve(out, wl + el + 1) < 0)
            return;
        buf_append_byte(out, '\n');
        buf_append(out, out->p + start, wl); /* reserved: no move under it */
        buf_append(out, exts->v[i], el);
    }
}

size_t input_take(struct input *in, size_t maxlines, struct buf *out, size_t *nwords,
                  struct buf *offsets)
{
    size_t lines = 0, pos = 0;
    *nwords = 0;
    /* A UTF-8 byte order mark (editors on Windows write one) is not part
     * of the first word. */
    if (!in->bom_done && in->line == 0) {
        if (in->buf.len < 3 && !in->eof)
            return 0;
        in->bom_done = 1;
        if (in->buf.len >= 3 && !memcmp(in->buf.p, "\xef\xbb\xbf", 3))
            buf_consume(&in->buf, 3);
    }
    while (lines < maxlines && pos < in->buf.len) {
        const char *p = in->buf.p + pos;
        size_t left = in->buf.len - pos;
        const char *nl = memchr(p, '\n', left);
        size_t n = nl ? (size_t)(nl - p) : left;
        if (in->skipping || n > INPUT_MAX_LINE) {
            /* An overlong line: drop its bytes; count it once it ends. */
            if (!in->skipping) {
                in->long_lines++;
                if (!in->first_long_line)
                    in->first_long_line = in->line + lines + 1;
            }
            in->skipping = !nl;
            pos += n + (nl ? 1 : 0);
            if (nl)
                lines++;
            continue;
        }
        if (!nl && !in->eof)
            break; /* wait for the rest of this line */
        if (out->len + expanded(in, n) > INPUT_MAX_CHUNK_BYTES && *nwords)
            break;
        uint64_t no = in->line + lines;
        int mine = in->shard_n < 2 || no % in->shard_n == in->shard_k;
        int done = mine && in->skip && in->skip(in->skip_ud, no);
        size_t wl = n && p[n - 1] == '\r' ? n - 1 : n; /* the word's length */
        if (mine && !wl && !in->blank_lines++)
            in->first_blank_line = no + 1;
        size_t each = 1 + (in->exts ? in->exts->n : 0); /* words a line makes */
        if (done && wl && !(in->ignore_comments && p[0] == '#'))
            in->skipped_words += each;
        size_t at = out->len;
        if (mine && !done && add_word(out, in, p, n)) {
            if (each > 1)
                add_extensions(out, at, in->exts);
            *nwords += each;
            uint32_t off = (uint32_t)lines;
            for (size_t k = 0; offsets && k < each; k++)
                buf_append(offsets, &off, 4);
        }
        pos += n + (nl ? 1 : 0);
        lines++;
    }
    buf_consume(&in->buf, pos);
    in->line += lines;
    return lines;
}

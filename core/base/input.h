/* input: the wordlist, streamed. Only the bytes of the next chunk are ever
 * held, so memory does not depend on the size of the wordlist. */
#ifndef SALVO_INPUT_H
#define SALVO_INPUT_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/buf.h"

struct strlist;

#define INPUT_MAX_LINE 8192        /* longer lines are skipped with a warning */
#define INPUT_MAX_CHUNK_BYTES 65536

struct input {
    int fd;
    int eof;                  /* read() returned 0 */
    int own_fd;
    const char *name;         /* for messages */
    struct buf buf;           /* bytes read and not yet handed out */
    int skipping;             /* inside an overlong line */
    uint64_t line;            /* lines consumed so far */
    uint64_t long_lines;      /* overlong lines skipped */
    uint64_t first_long_line; /* line number of the first one */
    uint64_t blank_lines;     /* lines with no word, skipped (not comments) */
    uint64_t skipped_words;   /* words skip() said were done before (--resume) */
    uint64_t first_blank_line;
    /* Lines to pass over (done in an earlier run); line numbers from 0. */
    int (*skip)(void *ud, uint64_t line);
    void *skip_ud;
    /* --shard K/N: only lines whose number modulo n is k (0-based k). */
    uint32_t shard_k, shard_n;
    int ignore_comments;      /* lines starting with '#' are no words */
    const struct strlist *exts; /* -e: each word also with each of these after it */
    int bom_done;             /* a UTF-8 BOM at the start was looked for */
    const char *prefix;       /* --recursion: each word gets it in front ("admin/") */
    size_t prefix_len;
};

/* Open path ("-" = standard input). Returns 0 or -1 with err. */
int input_open(struct input *in, const char *path, char *err, size_t errlen);
/* Read an open descriptor (a pipe), which is then owned. */
int input_open_fd(struct input *in, int fd, const char *name, char *err, size_t errlen);
void input_close(struct input *in);
/* One read() into the buffer: >0 bytes, 0 at end of input, -1 error (errno). */
ssize_t input_fill(struct input *in);
/* Move up to maxlines whole lines into out as words separated by '\n'
 * (CR/LF stripped, blank lines skipped). Returns the number of lines
 * consumed (0 = more input is needed first), *nwords the words appended.
 * At end of input a last line without '\n' counts too. If offsets is not
 * NULL, it gets each word's line as a uint32_t offset from the first line
 * taken. */
size_t input_take(struct input *in, size_t maxlines, struct buf *out, size_t *nwords,
                  struct buf *offsets);
/* Whether everything has been read and handed out. */
int input_done(const struct input *in);
#endif

/* out: the results, written by the parent alone. */
#ifndef SALVO_OUT_H
#define SALVO_OUT_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct result;

enum out_format { FMT_TEXT = 0, FMT_JSONL, FMT_CSV };

struct out {
    FILE *f;
    int own;          /* f was opened here */
    int format;
    int errors;       /* report errors too */
    const char *path;
    uint64_t bytes;          /* written so far */
    struct report *report;   /* --report, or NULL */
    const struct tmpl_keys *keys; /* several wordlists (words joined by TMPL_SEP), or NULL */
    int detail;              /* text hits with status, size, words, lines, title, redirect */
    int color;               /* ... coloured by status */
    int tree;                /* --recursion: every result has its depth and parent */
};

struct buf;
struct report;
struct tmpl_keys;

/* flags: OUT_KEEP opens an existing file without truncating it (resume);
 * OUT_TREE: results carry depth and parent (--recursion), csv has the columns. */
#define OUT_KEEP 1
#define OUT_TREE 2
int out_open(struct out *o, const char *path, const char *format, int errors, int flags,
             char *err, size_t errlen);
/* Format one hit or error into dst (text-format error lines go to stderr
 * at once); also hands it to the report. */
void out_format(struct out *o, const struct result *r, struct buf *dst);
/* Write formatted bytes. Returns 0, or -1 on a write error (errno). */
int out_write(struct out *o, const char *p, size_t n);
/* Flush, and fsync a regular file: what the journal then records is on disk. */
int out_sync(struct out *o);
/* Cut a resumed output back to the bytes the state recorded. */
int out_resume(struct out *o, uint64_t bytes, char *err, size_t errlen);
int out_flush(struct out *o);
int out_close(struct out *o);
#endif

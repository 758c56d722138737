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
    struct report *report;   /* --report, or NULL */
};

struct buf;
struct report;
/* A JSON string literal of s[0..n) (quotes included); html = also escape
 * <, > and & for embedding in a <script>. */
void out_json_str(struct buf *b, const char *s, size_t n, int html);

int out_open(struct out *o, const char *path, const char *format, int errors,
             char *err, size_t errlen);
/* Write one hit or error. Returns 0, or -1 on a write error (errno). */
int out_result(struct out *o, const struct result *r);
int out_flush(struct out *o);
int out_close(struct out *o);
#endif

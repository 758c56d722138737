/* out: formatting results. Each record is formatted whole into a buffer
 * and written with one fwrite, so a record is never split by a failure
 * half-way; flushing is the caller's rhythm (after every batch). */
#include "out/out.h"

#include "base/buf.h"
#include "base/codes.h"
#include "base/msg.h"
#include "out/report.h"
#include "base/tmpl.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include <string.h>

int out_open(struct out *o, const char *path, const char *format, int errors, int flags,
             char *err, size_t errlen)
{
    int keep = flags & OUT_KEEP;
    memset(o, 0, sizeof *o);
    o->tree = (flags & OUT_TREE) != 0;
    o->path = path;
    o->errors = errors;
    o->format = !strcmp(format, "jsonl") ? FMT_JSONL : !strcmp(format, "csv") ? FMT_CSV : FMT_TEXT;
    if (!strcmp(path, "-")) {
        o->f = stdout;
        o->path = "stdout";
    } else if (!(o->f = fopen(path, keep ? "r+" : "w"))) {
        snprintf(err, errlen, "output %s: %s", path, strerror(errno));
        return -1;
    } else {
        o->own = 1;
    }
    if (o->format == FMT_CSV && !keep) {
        static const char head[] = "verdict,url,word,status,length,words,lines,content_type,"
                                   "charset,title,location,elapsed_ms,ip,protocol,ips,dns_wildcard,"
                                   "error_class,error,filtered_by,fields,stored";
        /* depth,parent always: a script's follow-ups have them without
         * --recursion, and a header that changed with the flags would
         * break a reader that indexes columns. */
        fprintf(o->f, "%s,depth,parent\n", head);
        o->bytes = sizeof head - 1 + sizeof ",depth,parent" - 1 + 1;
    }
    return 0;
}

/* Length of the valid UTF-8 sequence at p (no overlongs, surrogates or
 * code points past U+10FFFF), or 0. */
static int utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    for (size_t len; p < end; p += len)
        if (!(len = buf_utf8_len(p, end)))
            return 0;
    return 1;
}

static void base64(struct buf *b, const char *s, size_t n)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        char q[4] = {a[v >> 18], a[(v >> 12) & 63], i + 1 < n ? a[(v >> 6) & 63] : '=',
                     i + 2 < n ? a[v & 63] : '='};
        buf_append(b, q, 4);
    }
}


static void csv_str(struct buf *b, const char *s, size_t n)
{
    if (!memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\n', n) &&
        !memchr(s, '\r', n)) {
        buf_append(b, s, n);
        return;
    }
    buf_append_byte(b, '"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            buf_append_byte(b, '"');
        buf_append_byte(b, s[i]);
    }
    buf_append_byte(b, '"');
}

static void json_field(struct buf *b, const char *key, const char *v)
{
    if (!v || !*v)
        return;
    buf_printf(b, ",\"%s\":", key);
    buf_json_str(b, v, strlen(v), 0);
}

static void fields_json(struct buf *b, const struct result *r)
{
    if (!r->nfields)
        return;
    buf_append_byte(b, '{');
    for (size_t i = 0; i < r->nfields; i++) {
        if (i)
            buf_append_byte(b, ',');
        buf_json_str(b, r->fields[2 * i], strlen(r->fields[2 * i]), 0);
        buf_append_byte(b, ':');
        const char *v = r->fields[2 * i + 1], *t = msg_field_text(v);
        if (v[0] == RESULT_TYPED && msg_json_literal(t))
            buf_append_str(b, t); /* checked again: records also come from Redis */
        else
            buf_json_str(b, t, strlen(t), 0);
    }
    buf_append_byte(b, '}');
}

/* Several wordlists: the word shown as its parts joined by ':', and each
 * part by its list's name. */
static void shown_word(const struct result *r, struct buf *w)
{
    for (size_t i = 0; i < r->wlen; i++)
        buf_append_byte(w, r->word[i] == TMPL_SEP ? ':' : r->word[i]);
}

static void input_json(struct buf *b, const struct out *o, const struct result *r)
{
    buf_append_str(b, ",\"input\":{");
    const char *p = r->word, *end = r->word + r->wlen;
    for (size_t i = 0; i < o->keys->n; i++) {
        const char *sep = memchr(p, TMPL_SEP, (size_t)(end - p));
        size_t n = sep ? (size_t)(sep - p) : (size_t)(end - p);
        buf_printf(b, "%s\"%s\":", i ? "," : "", o->keys->name[i]);
        buf_json_str(b, p, n, 0);
        p = sep ? sep + 1 : end;
    }
    buf_append_byte(b, '}');
}

static void format_jsonl(const struct out *o, struct buf *b, const struct result *r)
{
    buf_printf(b, "{\"verdict\":\"%s\",\"url\":", msg_verdict_name(r->verdict));
    buf_json_str(b, r->url, strlen(r->url), 0);
    buf_append_str(b, ",\"word\":");
    if (o->keys) {
        struct buf w = {0};
        shown_word(r, &w);
        buf_json_str(b, w.p ? w.p : "", w.len, 0);
        buf_free(&w);
        input_json(b, o, r);
    } else {
        buf_json_str(b, r->word, r->wlen, 0);
    }
    if (!utf8_valid(r->word, r->wlen)) {
        /* \u00XX stands for a byte that is not UTF-8, which a reader cannot
         * tell from the character U+00XX: the exact bytes go along. */
        buf_append_str(b, ",\"word_base64\":\"");
        base64(b, r->word, r->wlen);
        buf_append_byte(b, '"');
    }
    buf_printf(b, ",\"status\":%d,\"length\":%llu", r->status, (unsigned long long)r->length);
    if (r->verdict != V_ERROR && r->status)
        buf_printf(b, ",\"words\":%llu,\"lines\":%llu", (unsigned long long)r->words,
                   (unsigned long long)r->lines);
    json_field(b, "content_type", r->content_type);
    json_field(b, "charset", r->charset);
    json_field(b, "title", r->title);
    json_field(b, "location", r->location);
    buf_printf(b, ",\"elapsed_ms\":%.3f", r->elapsed * 1000.0);
    json_field(b, "ip", r->ip);
    json_field(b, "protocol", r->protocol);
    if (r->ips && *r->ips) {
        buf_append_str(b, ",\"ips\":[");
        for (const char *p = r->ips; *p;) {
            size_t n = strcspn(p, ",");
            if (p != r->ips)
                buf_append_byte(b, ',');
            buf_json_str(b, p, n, 0);
            p += n + (p[n] == ',');
        }
        buf_append_byte(b, ']');
    }
    if (r->wildcard)
        buf_append_str(b, ",\"dns_wildcard\":true");
    if (r->verdict == V_ERROR) {
        json_field(b, "error_class", codes_class_name(codes_class(r->kind)));
        json_field(b, "error", r->error);
    }
    json_field(b, "filtered_by", r->filtered_by);
    if (r->nfields) {
        buf_append_str(b, ",\"fields\":");
        fields_json(b, r);
    }
    json_field(b, "stored", r->stored);
    if (o->tree || r->depth) { /* a follow-up has them without --recursion */
        buf_printf(b, ",\"depth\":%u", (unsigned)r->depth);
        json_field(b, "parent", r->parent);
    }
    buf_append_str(b, "}\n");
}

static void csv_col(struct buf *b, const char *s)
{
    buf_append_byte(b, ',');
    csv_str(b, s ? s : "", s ? strlen(s) : 0);
}

static void format_csv(const struct out *o, struct buf *b, const struct result *r)
{
    buf_append_str(b, msg_verdict_name(r->verdict));
    buf_append_byte(b, ',');
    csv_str(b, r->url, strlen(r->url));
    buf_append_byte(b, ',');
    if (o->keys) {
        struct buf w = {0};
        shown_word(r, &w);
        csv_str(b, w.p ? w.p : "", w.len);
        buf_free(&w);
    } else {
        csv_str(b, r->word, r->wlen);
    }
    buf_printf(b, ",%d,%llu,%llu,%llu", r->status, (unsigned long long)r->length,
               (unsigned long long)r->words, (unsigned long long)r->lines);
    csv_col(b, r->content_type);
    csv_col(b, r->charset);
    csv_col(b, r->title);
    csv_col(b, r->location);
    buf_printf(b, ",%.3f", r->elapsed * 1000.0);
    csv_col(b, r->ip);
    csv_col(b, r->protocol);
    csv_col(b, r->ips);
    csv_col(b, r->wildcard ? "yes" : "");
    csv_col(b, r->verdict == V_ERROR ? codes_class_name(codes_class(r->kind)) : "");
    csv_col(b, r->error);
    csv_col(b, r->filtered_by);
    /* The plugin's fields as one JSON object: unambiguous whatever the
     * values hold, and no raw control bytes in the file. */
    struct buf f = {0};
    fields_json(&f, r);
    buf_append_byte(b, ',');
    csv_str(b, f.p ? f.p : "", f.len);
    buf_free(&f);
    csv_col(b, r->stored);
    buf_printf(b, ",%u", (unsigned)r->depth);
    csv_col(b, r->parent);
    buf_append_byte(b, '\n');
}

/* Text format: errors and filtered responses go to stderr at once, with
 * control bytes of hostile words shown, not sent to the terminal. */
static void text_note(const struct result *r)
{
    struct buf b = {0};
    buf_append_str(&b, r->verdict == V_ERROR ? "[-] fa " : "[~] ");
    for (const char *c = r->url; *c; c++)
        (unsigned char)*c < 0x20 || *c == 0x7f ? buf_printf(&b, "\\x%02x", (unsigned char)*c)
                                                : buf_append_byte(&b, *c);
    if (r->verdict == V_ERROR)
        buf_printf(&b, " (%.*s)\n", (int)strcspn(r->error, "\n"), r->error);
    else
        buf_printf(&b, " (%d, filtered by %s)\n", r->status, r->filtered_by);
    if (b.p)
        fwrite(b.p, 1, b.len, stderr);
    buf_free(&b);
}

/* A text hit as a reader at a terminal wants it, ffuf style:
 *   URL [Status: 200, Size: 1234, Words: 56, Lines: 7, Title: "..."] -> target */
static void text_detail(const struct out *o, const struct result *r, struct buf *b)
{
    const char *col = !o->color ? "" : r->status >= 500 ? "\033[31m" : r->status >= 400 ? "\033[33m"
                    : r->status >= 300 ? "\033[34m" : "\033[32m";
    buf_printf(b, "%s [%sStatus: %d%s, Size: %llu, Words: %llu, Lines: %llu", r->url, col,
               r->status, o->color ? "\033[0m" : "", (unsigned long long)r->length,
               (unsigned long long)r->words, (unsigned long long)r->lines);
    if (r->title && *r->title) {
        buf_append_str(b, ", Title: ");
        buf_json_str(b, r->title, strlen(r->title), 0); /* quoted, no control bytes */
    }
    /* Fields (--extract, a plugin's) as "name: value", quoted the same way. */
    for (size_t i = 0; i < r->nfields; i++) {
        const char *v = msg_field_text(r->fields[2 * i + 1]);
        buf_append_str(b, ", ");
        for (const char *p = r->fields[2 * i]; *p; p++) /* a plugin's name: no control bytes */
            buf_append_byte(b, (unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p);
        buf_append_str(b, ": ");
        buf_json_str(b, v, strlen(v), 0);
    }
    if (r->stored && *r->stored) { /* a path store.c made: no control bytes */
        buf_append_str(b, ", Stored: ");
        buf_append_str(b, r->stored);
    }
    if (r->depth)
        buf_printf(b, ", Depth: %u", (unsigned)r->depth);
    buf_append_byte(b, ']');
    if (r->location && *r->location) {
        buf_append_str(b, " -> ");
        for (const char *p = r->location; *p; p++) /* no control bytes to the terminal */
            buf_append_byte(b, (unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p);
    }
    buf_append_byte(b, '\n');
}

void out_format(struct out *o, const struct result *r, struct buf *dst)
{
    if (o->report)
        report_result(o->report, r);
    if (r->verdict == V_ERROR && !o->errors)
        return;
    if (o->format == FMT_TEXT) {
        if (r->verdict == V_HIT && o->detail) {
            text_detail(o, r, dst);
        } else if (r->verdict == V_HIT) {
            buf_append_str(dst, r->url);
            buf_append_byte(dst, '\n');
        } else {
            text_note(r);
        }
    } else if (o->format == FMT_JSONL) {
        format_jsonl(o, dst, r);
    } else {
        format_csv(o, dst, r);
    }
}

int out_write(struct out *o, const char *p, size_t n)
{
    if (n && fwrite(p, 1, n, o->f) != n)
        return -1;
    o->bytes += n;
    return 0;
}

int out_sync(struct out *o)
{
    if (out_flush(o) < 0)
        return -1;
    struct stat sb;
    if (fstat(fileno(o->f), &sb) == 0 && S_ISREG(sb.st_mode) && fsync(fileno(o->f)) != 0)
        return -1;
    return 0;
}

int out_resume(struct out *o, uint64_t bytes, char *err, size_t errlen)
{
    struct stat sb;
    if (out_flush(o) < 0 || fstat(fileno(o->f), &sb) < 0) {
        snprintf(err, errlen, "output %s: %s", o->path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(sb.st_mode)) {
        o->bytes = bytes; /* a pipe or terminal: nothing to cut back */
        return 0;
    }
    if ((uint64_t)sb.st_size < bytes) {
        snprintf(err, errlen, "output %s holds %lld bytes, the state says %llu were written: "
                 "not the output of this scan", o->path, (long long)sb.st_size,
                 (unsigned long long)bytes);
        return -1;
    }
    if (ftruncate(fileno(o->f), (off_t)bytes) < 0 || fseeko(o->f, (off_t)bytes, SEEK_SET) < 0) {
        snprintf(err, errlen, "output %s: %s", o->path, strerror(errno));
        return -1;
    }
    o->bytes = bytes;
    return 0;
}

int out_flush(struct out *o)
{
    return fflush(o->f) == 0 && !ferror(o->f) ? 0 : -1;
}

int out_close(struct out *o)
{
    int rc = out_flush(o);
    if (o->own && fclose(o->f) != 0)
        rc = -1;
    o->f = NULL;
    return rc;
}

/* conf: INI files through inih, with the two things Debian's libinih lacks.
 *
 * Debian builds inih with a 200-byte line buffer and without line numbers
 * in the handler. A longer line is silently split into a truncated value
 * and a bogus key. So we feed inih through our own reader: it counts lines
 * (the handler reads the count to name file:line) and refuses a line that
 * does not fit instead of letting it be cut.
 *
 * Two more things an INI value needs to say anything: a long value goes on
 * over indented continuation lines (inih's multi-line values; they are
 * joined here, without separator), and "\;" is a ';' (after a space, a
 * plain ';' starts a comment). --dump-config writes both, so that what it
 * prints reads back to the same configuration.
 */
#include "base/conf.h"

#include "base/buf.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <string.h>

struct reader {
    FILE *f;
    const char *path;
    int line;          /* number of the line last handed to inih */
    int failed;        /* first error recorded; later ones are ignored */
    const struct conf_sink *sink;
    char *err;
    size_t errlen;
    int cont;          /* the line last handed to inih is indented: a continuation */
    /* The key read last, held until no continuation line follows. */
    int pending, pline;
    char psec[64], pkey[128];
    struct buf pval;
};

/* Hand the held key to the sink, with "\;" read as ';'. */
static int conf_flush(struct reader *r)
{
    if (!r->pending)
        return 0;
    r->pending = 0;
    char *v = r->pval.p ? r->pval.p : (char *)"";
    size_t o = 0;
    for (size_t i = 0; v[i]; i++)
        if (!(v[i] == '\\' && v[i + 1] == ';'))
            v[o++] = v[i];
    v[o] = '\0';
    if (r->sink->key(r->sink->ud, r->psec, r->pkey, v, r->path, r->pline, r->err, r->errlen) < 0) {
        r->failed = 1;
        return -1;
    }
    return 0;
}

static char *read_line(char *str, int num, void *stream)
{
    struct reader *r = stream;
    if (r->failed || !fgets(str, num, r->f))
        return NULL;
    r->line++;
    const char *first = str + strspn(str, " \t");
    r->cont = first > str && *first && *first != '\n' && *first != '\r' && *first != ';' &&
              *first != '#';
    size_t n = strlen(str);
    if (n == (size_t)num - 1 && str[n - 1] != '\n' && !feof(r->f)) {
        snprintf(r->err, r->errlen,
                 "%s:%d: line longer than %d bytes (split it, or set long values on "
                 "the command line)", r->path, r->line, num - 2);
        r->failed = 1;
        return NULL;
    }
    const char *p = str + strspn(str, " \t");
    if (*p == '[') {
        /* inih calls no handler for an empty section: check names here. */
        const char *end = strchr(p, ']');
        char name[64];
        if (end && (size_t)(end - p - 1) < sizeof name) {
            memcpy(name, p + 1, (size_t)(end - p - 1));
            name[end - p - 1] = '\0';
            if (!r->sink->section_ok(name)) {
                snprintf(r->err, r->errlen, "%s:%d: unknown section [%s]", r->path,
                         r->line, name);
                r->failed = 1;
                return NULL;
            }
        }
    }
    return str;
}

static int conf_on_key(void *user, const char *section, const char *key, const char *value)
{
    struct reader *r = user;
    if (r->failed)
        return 1;
    if (!*section) {
        snprintf(r->err, r->errlen, "%s:%d: key \"%s\" outside any [section]", r->path,
                 r->line, key);
        r->failed = 1;
        return 0;
    }
    if (r->cont && r->pending && !strcmp(r->psec, section) && !strcmp(r->pkey, key)) {
        buf_append_str(&r->pval, value); /* a continuation line */
        return 1;
    }
    if (conf_flush(r) < 0)
        return 0;
    if (strlen(section) >= sizeof r->psec || strlen(key) >= sizeof r->pkey) {
        snprintf(r->err, r->errlen, "%s:%d: key \"%s\" too long", r->path, r->line, key);
        r->failed = 1;
        return 0;
    }
    snprintf(r->psec, sizeof r->psec, "%s", section);
    snprintf(r->pkey, sizeof r->pkey, "%s", key);
    buf_reset(&r->pval);
    buf_append_str(&r->pval, value);
    r->pline = r->line;
    r->pending = 1;
    return 1;
}

int conf_read(const char *path, const struct conf_sink *sink, char *err, size_t errlen)
{
    struct reader r = {.path = path, .sink = sink, .err = err, .errlen = errlen};
    if (!(r.f = fopen(path, "r"))) {
        snprintf(err, errlen, "%s: cannot open config: %s", path, strerror(errno));
        return -1;
    }
    int rc = ini_parse_stream(read_line, &r, conf_on_key, &r);
    if (rc == 0 && !r.failed)
        conf_flush(&r);
    buf_free(&r.pval);
    int read_error = ferror(r.f);
    fclose(r.f);
    if (r.failed)
        return -1;
    if (read_error) {
        snprintf(err, errlen, "%s: read error", path);
        return -1;
    }
    if (rc > 0) {
        snprintf(err, errlen, "%s:%d: syntax error (expected [section] or key = value)",
                 path, rc);
        return -1;
    }
    if (rc < 0) {
        snprintf(err, errlen, "%s: cannot parse (out of memory)", path);
        return -1;
    }
    return 0;
}

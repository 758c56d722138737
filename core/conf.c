/* conf: INI files through inih, with the two things Debian's libinih lacks.
 *
 * Debian builds inih with a 200-byte line buffer and without line numbers
 * in the handler. A longer line is silently split into a truncated value
 * and a bogus key. So we feed inih through our own reader: it counts lines
 * (the handler reads the count to name file:line) and refuses a line that
 * does not fit instead of letting it be cut.
 */
#include "conf.h"


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
};

static char *read_line(char *str, int num, void *stream)
{
    struct reader *r = stream;
    if (r->failed || !fgets(str, num, r->f))
        return NULL;
    r->line++;
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

static int on_key(void *user, const char *section, const char *key, const char *value)
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
    if (r->sink->key(r->sink->ud, section, key, value, r->path, r->line, r->err, r->errlen) < 0) {
        r->failed = 1;
        return 0;
    }
    return 1;
}

int conf_read(const char *path, const struct conf_sink *sink, char *err, size_t errlen)
{
    struct reader r = {.path = path, .sink = sink, .err = err, .errlen = errlen};
    if (!(r.f = fopen(path, "r"))) {
        snprintf(err, errlen, "%s: cannot open config: %s", path, strerror(errno));
        return -1;
    }
    int rc = ini_parse_stream(read_line, &r, on_key, &r);
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

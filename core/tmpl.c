/* tmpl: filling a URL template with a word. */
#include "tmpl.h"

#include "buf.h"

#include <stdio.h>
#include <string.h>

int tmpl_check(const char *tmpl, char *err, size_t errlen)
{
    if (!strstr(tmpl, "{}")) {
        snprintf(err, errlen, "template \"%s\" has no {} for the word", tmpl);
        return -1;
    }
    const char *scheme = strstr(tmpl, "://");
    if (!scheme || scheme == tmpl) {
        snprintf(err, errlen, "template \"%s\" has no scheme (e.g. http://{}.example.com)", tmpl);
        return -1;
    }
    for (const char *p = tmpl; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f) {
            snprintf(err, errlen, "template \"%s\" holds a space or control character", tmpl);
            return -1;
        }
    return 0;
}

static int needs_escape(unsigned char c)
{
    return c <= 0x20 || c >= 0x7f || strchr("\"#<>\\^`{|}", c);
}

int tmpl_expand(const char *tmpl, const char *word, size_t len, struct buf *out)
{
    if (memchr(word, '\0', len))
        return -1;
    const char *scheme = strstr(tmpl, "://");
    const char *host = scheme ? scheme + 3 : tmpl;
    const char *host_end = host + strcspn(host, "/?#");
    for (const char *p = tmpl; *p;) {
        const char *hole = strstr(p, "{}");
        size_t lit = hole ? (size_t)(hole - p) : strlen(p);
        if (buf_append(out, p, lit) < 0)
            return -1;
        if (!hole)
            break;
        if (hole < host_end) {
            if (buf_append(out, word, len) < 0)
                return -1;
        } else {
            for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)word[i];
                int rc = needs_escape(c) ? buf_printf(out, "%%%02X", c)
                                         : buf_append_byte(out, (char)c);
                if (rc < 0)
                    return -1;
            }
        }
        p = hole + 2;
    }
    return 0;
}

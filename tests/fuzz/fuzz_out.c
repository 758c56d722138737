/* The output encoders: any bytes as word, URL, title and plugin field
 * through jsonl and csv; the JSON must hold no raw control byte and end
 * its strings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/msg.h"
#include "out/out.h"

static void check_json_str(const char *s, size_t n)
{
    struct buf b = {0};
    buf_json_str(&b, s, n, n & 1);
    if (b.len < 2 || b.p[0] != '"' || b.p[b.len - 1] != '"')
        abort();
    for (size_t i = 1; i + 1 < b.len; i++) {
        unsigned char c = (unsigned char)b.p[i];
        if (c < 0x20 || c == 0x7f)
            abort();
        if (c == '\\')
            i++; /* an escape: the next byte is its letter */
        else if (c == '"')
            abort();
    }
    buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    check_json_str(p, size);
    /* Strings of a result cannot hold NUL: cut at the first one. */
    char *s = strndup(p, size);
    if (!s)
        return 0;
    size_t n = strlen(s), q = n / 4;
    char *parts[4];
    for (int i = 0; i < 4; i++)
        parts[i] = strndup(s + (size_t)i * q, i == 3 ? n - 3 * q : q);
    struct result r = {.verdict = V_HIT, .status = 200, .word = parts[0],
                       .wlen = strlen(parts[0] ? parts[0] : ""), .url = parts[1],
                       .error = "", .charset = "", .ip = "", .title = parts[2],
                       .ips = "1.2.3.4,::1", .filtered_by = parts[3], .nfields = 1,
                       .fields = {parts[2], parts[3]}};
    for (int i = 0; i < 4; i++)
        if (!parts[i])
            goto done;
    for (int f = 0; f < 2; f++) {
        struct out o;
        char err[128];
        if (out_open(&o, "/dev/null", f ? "csv" : "jsonl", 1, 0, err, sizeof err) < 0)
            continue;
        struct buf b = {0};
        out_format(&o, &r, &b);
        if (!f && (!b.len || b.p[b.len - 1] != '\n' || memchr(b.p, '\n', b.len - 1)))
            abort(); /* one jsonl record, one line */
        buf_free(&b);
        out_close(&o);
    }
done:
    for (int i = 0; i < 4; i++)
        free(parts[i]);
    free(s);
    return 0;
}

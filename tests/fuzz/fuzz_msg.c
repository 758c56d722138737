/* Result records as collect reads them back from Redis (where anyone with
 * access may have written anything): any bytes through msg_get_record
 * (and, as frames, through msg_next and msg_get_result), and what decodes
 * through every output format. A jsonl
 * record must be one line without raw control bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/msg.h"
#include "out/out.h"

static void check(const struct result *in);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct frame f;
    struct result r;
    if (msg_get_record((const char *)data, size, &r) == 0)
        check(&r);
    if (msg_next((const char *)data, size, &f) > 0 && f.type == MSG_RESULT &&
        msg_get_result(&f, &r) == 0)
        check(&r);
    return 0;
}

/* Every format prints it; a record written again reads back the same. */
static void check(const struct result *in)
{
    struct result r = *in;
    struct buf rec = {0};
    struct result again;
    if (msg_put_record(&rec, &r) < 0 || msg_get_record(rec.p, rec.len, &again) < 0 ||
        again.index != r.index || again.verdict != r.verdict || again.kind != r.kind ||
        again.wlen != r.wlen || memcmp(again.word, r.word, r.wlen))
        abort();
    buf_free(&rec);
    for (int fmt = FMT_TEXT; fmt <= FMT_CSV; fmt++) {
        struct out o = {.format = fmt, .path = "-"};
        struct buf b = {0};
        out_format(&o, &r, &b);
        if (fmt == FMT_JSONL && b.len) {
            if (b.p[b.len - 1] != '\n' || b.p[0] != '{')
                abort();
            for (size_t i = 0; i + 1 < b.len; i++)
                if ((unsigned char)b.p[i] < 0x20)
                    abort();
            /* The only number that could be nan or inf; in a string the
             * quotes would be escaped, so this is the key itself. */
            const char *e = strstr(b.p, ",\"elapsed_ms\":");
            const char *d = e ? e + 14 + (e[14] == '-') : NULL;
            if (d && (*d < '0' || *d > '9'))
                abort();
        }
        buf_free(&b);
    }
}

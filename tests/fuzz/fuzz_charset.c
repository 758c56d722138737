/* Charset detection and decoding: the first line is the Content-Type, the
 * rest the body. Also the title search over the decoded text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "net/res.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct res_decoder *d;
    if (!d && !(d = res_decoder_new()))
        return 0;
    const char *p = (const char *)data;
    const char *nl = memchr(p, '\n', size);
    if (!nl)
        return 0;
    char *ct = strndup(p, (size_t)(nl - p));
    if (!ct)
        return 0;
    const char *body = nl + 1;
    size_t blen = size - (size_t)(body - p);
    char cs[40];
    res_charset_detect(ct, body, blen, cs, sizeof cs);
    struct buf out = {0}, title = {0};
    const char *text;
    size_t tlen;
    if (res_decode(d, cs, body, blen, &out, &text, &tlen) == 0)
        res_title(text, tlen, &title);
    buf_free(&out);
    buf_free(&title);
    free(ct);
    return 0;
}

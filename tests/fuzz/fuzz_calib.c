/* Calibration signatures: the first line is the word (parts joined by
 * 0x1f), the rest the page. A page must match what was learned from it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "scan/calib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct buf scratch;
    const char *p = (const char *)data;
    const char *nl = memchr(p, '\n', size);
    if (!nl)
        return 0;
    size_t wlen = (size_t)(nl - p);
    const char *text = nl + 1;
    size_t tlen = size - wlen - 1;
    char *title = strndup(text, tlen < 64 ? tlen : 64);
    char *location = strndup(text, tlen < 300 ? tlen : 300);
    struct calib c = {0};
    struct calib_sig s;
    if (!title || !location)
        goto done;
    struct calib_req q = {p, wlen, location};
    calib_sig_head(&s, 200, &q, CALIB_TOKEN, location, title);
    calib_sig_text(&s, text, tlen, &q, CALIB_TOKEN, &scratch);
    if (calib_learn(&c, &s) != 0 || calib_match(&c, &s) != 0)
        abort();
    struct buf d = {0};
    calib_describe(&c.fp[0], &d);
    calib_json(&c.fp[0], &d);
    buf_free(&d);
done:
    free(title);
    free(location);
    return 0;
}

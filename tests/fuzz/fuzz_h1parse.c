/* HTTP/1.1 responses as they come off a kept connection: the first byte
 * picks the size of the pieces and whether the request was a HEAD; the
 * rest is answer after answer, each parser begun again where the last one
 * ended, then the connection's end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/h1parse.h"

static void on_line(void *ud, const char *l, size_t n, int fold)
{
    (void)ud, (void)fold;
    if (n && l[n - 1] != '\n')
        abort(); /* a line always comes whole */
}

static int on_body(void *ud, const char *p, size_t n)
{
    size_t *total = ud;
    (void)p;
    *total += n;
    return *total > (1u << 20);
}

static const struct h1parse_cb cb = {on_line, on_body};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct h1parse p;
    if (size < 1)
        return 0;
    size_t step = 1 + (data[0] & 0x7f) * 16;
    const char *b = (const char *)data + 1;
    size_t n = size - 1, total = 0;
    h1parse_begin(&p, data[0] >> 7);
    while (n) {
        size_t k = n < step ? n : step, used;
        int r = h1parse_feed(&p, b, k, &used, &cb, &total);
        if (used > k)
            abort();
        b += used;
        n -= used;
        if (r == H1PARSE_DONE) {
            if (!h1parse_keep(&p))
                break;
            h1parse_begin(&p, 0);
        } else if (r == H1PARSE_ERROR || r == H1PARSE_STOP || (r == H1PARSE_HEAD && p.foreign_coding)) {
            break;
        } else if (r == H1PARSE_MORE && used != k) {
            abort();
        }
    }
    if (!n)
        h1parse_eof(&p);
    return 0;
}

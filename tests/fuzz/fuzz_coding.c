/* Compressed bodies as they come off the wire: the first byte picks the
 * coding (gzip, deflate, br, zstd) and the size of the pieces the rest arrives
 * in; the output is capped as max_body caps it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/coding.h"

static int sink(void *ud, const char *p, size_t n)
{
    size_t *total = ud;
    (void)p;
    *total += n;
    return *total > (1u << 20); /* max_body's default */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct coding *c;
    if (size < 1)
        return 0;
    int kind = CODING_GZIP + data[0] % 4;
    size_t step = 1 + (data[0] >> 2) * 64;
    if (coding_begin(&c, kind) < 0)
        return 0;
    size_t total = 0;
    const char *why;
    for (size_t o = 1; o < size; o += step) {
        size_t n = size - o < step ? size - o : step;
        if (coding_feed(c, (const char *)data + o, n, sink, &total, &why) != 0)
            break;
    }
    coding_end(c);
    return 0;
}

/* Templates and their filling: the first line is the template, the
 * second the keys (space separated, none = "{}"), the rest the word. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    char *nl1 = strchr(s, '\n'), *nl2 = nl1 ? strchr(nl1 + 1, '\n') : NULL;
    if (!nl2) {
        free(s);
        return 0;
    }
    *nl1 = *nl2 = '\0';
    struct tmpl_keys k = {0};
    for (char *save, *t = strtok_r(nl1 + 1, " ", &save); t && k.n < TMPL_MAX_KEYS;
         t = strtok_r(NULL, " ", &save))
        k.name[k.n++] = t;
    char err[1024];
    const char *word = nl2 + 1;
    size_t wlen = size - (size_t)(word - s);
    for (int url = 0; url <= 1; url++) {
        if (tmpl_check_keys(s, &k, url, err, sizeof err) < 0)
            continue;
        struct buf out = {0};
        tmpl_fill(s, &k, word, wlen, url, &out);
        buf_free(&out);
    }
    free(s);
    return 0;
}

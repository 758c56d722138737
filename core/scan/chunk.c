/* chunk: a worker's chunk of words (see chunk.h). */
#include "scan/chunk.h"

#include "base/msg.h"
#include "scan/dircal.h"

#include <stdlib.h>
#include <string.h>

struct chunk *chunk_parse(const struct frame *f, struct dircals *dcs)
{
    /* u64 id, u32 nskip, the indices, u32 plen, the prefix, the words */
    uint32_t nskip, plen;
    if (f->type != MSG_CHUNK || f->len < 16)
        return NULL;
    memcpy(&nskip, f->p + 8, 4);
    size_t head = 12 + 4 * (size_t)nskip;
    if (nskip > f->len / 4 || head + 4 > f->len)
        return NULL;
    memcpy(&plen, f->p + head, 4);
    if (plen > f->len - head - 4)
        return NULL;
    struct chunk *ch = calloc(1, sizeof *ch);
    if (!ch)
        return NULL;
    memcpy(&ch->id, f->p, 8);
    int fresh;
    if (buf_append(&ch->skip, f->p + 12, 4 * (size_t)nskip) < 0 ||
        (plen && dcs && !(ch->dc = dircal_get(dcs, f->p + head + 4, plen, &fresh)))) {
        chunk_free(ch, dcs);
        return NULL;
    }
    head += 4 + plen;
    if (buf_append(&ch->words, f->p + head, f->len - head) < 0) {
        chunk_free(ch, dcs);
        return NULL;
    }
    ch->nwords = ch->words.len ? 1 : 0;
    for (size_t i = 0; i < ch->words.len; i++)
        ch->nwords += ch->words.p[i] == '\n';
    return ch;
}

int chunk_skipped(const struct chunk *ch, uint32_t index)
{
    const uint32_t *v = (const uint32_t *)ch->skip.p;
    for (size_t i = 0; i < ch->skip.len / 4; i++)
        if (v[i] == index)
            return 1;
    return 0;
}

void chunk_free(struct chunk *ch, struct dircals *dcs)
{
    if (!ch)
        return;
    buf_free(&ch->words);
    buf_free(&ch->skip);
    if (dcs)
        dircal_put(dcs, ch->dc);
    free(ch);
}

/* tap: see tap.h. */
#include "net/tap.h"

void tap_begin(struct tap *t)
{
    buf_reset(&t->out);
    buf_reset(&t->in);
    t->cut = 0;
}

void tap_out(struct tap *t, const void *p, size_t n)
{
    if (t->on)
        buf_append(&t->out, p, n);
}

void tap_in(struct tap *t, const void *p, size_t n)
{
    if (!t->on)
        return;
    if (t->in.len + n > t->max_in) {
        n = t->max_in > t->in.len ? t->max_in - t->in.len : 0;
        t->cut = 1;
    }
    buf_append(&t->in, p, n);
}

void tap_field(struct buf *b, const void *name, size_t nl, const void *value, size_t vl)
{
    buf_append(b, name, nl);
    buf_append(b, ": ", 2);
    buf_append(b, value, vl);
    buf_append(b, "\r\n", 2);
}

void tap_free(struct tap *t)
{
    buf_free(&t->out);
    buf_free(&t->in);
}

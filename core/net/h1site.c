/* h1site: what one address takes (see h1site.h). */
#include "net/h1site.h"

#include "base/util.h"

#include <stdlib.h>

struct h1site *h1site_find(struct h1site **head, const union request_addr *sa, const char *text)
{
    for (struct h1site *st = *head; st; st = st->next)
        if (request_addr_eq(&st->sa, sa))
            return st;
    struct h1site *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->sa = *sa;
    list_init(&st->wait);
    util_put_str(st->text, sizeof st->text, 0, text);
    st->next = *head;
    *head = st;
    return st;
}

void h1site_answered(struct h1site *st, uint64_t now, uint64_t took, unsigned seq)
{
    st->last_answer = now;
    if (st->cap && ++st->answered >= st->cap) { /* a cap's worth went well: one more */
        st->cap++;
        st->answered = 0;
    }
    st->answers++;
    st->mean_ns = st->mean_ns ? st->mean_ns - st->mean_ns / 8 + took / 8 : took;
    if (seq > st->served_seq)
        st->served_seq = seq;
}

int h1site_cut(struct h1site *st, unsigned cap, uint64_t sent, uint64_t now)
{
    /* 40 PHP pages timing out together once took a cap of 40 to 1, and
     * spent their tries while it fell. */
    int stale = sent < st->cut_at;
    if (!stale && (!st->cap || cap < st->cap)) {
        st->cap = cap ? cap : 1;
        st->cut_at = now;
    }
    st->answered = 0;
    return stale;
}

int h1site_unserved(const struct h1site *st, unsigned seq, uint64_t waited, uint64_t since,
                    unsigned open)
{
    uint64_t wait = (uint64_t)H1SITE_UNSERVED_MIN_MS * 1000000;
    if (st->mean_ns * H1SITE_UNSERVED_MEAN > wait)
        wait = st->mean_ns * H1SITE_UNSERVED_MEAN;
    return seq > st->served_seq && waited >= wait && since >= open;
}

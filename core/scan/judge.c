/* judge: rules, learned not-found pages, then the matcher (see judge.h). */
#include "scan/judge.h"

#include "ext/follow.h"

#include "ext/beacon.h"
#include "base/codes.h"
#include "base/msg.h"
#include "ext/fetch.h"
#include "ext/plugin.h"
#include "scan/probe.h"
#include "net/res.h"
#include "base/tmpl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void judge_init(struct judge *j, struct plugin *plugin, struct beacon *beacon,
                struct probe_stats *stats, const struct tmpl_keys *keys)
{
    j->plugin = plugin;
    j->beacon = beacon;
    j->stats = stats;
    j->keys = keys && keys->n ? keys : NULL;
}

void judge_free(struct judge *j)
{
    match_free(&j->rules);
    buf_free(&j->scratch);
}

const char *judge_text(const struct judge *j, struct salvo_res *r, size_t *len)
{
    if (j->rules.raw) {
        *len = r->body.len;
        return r->body.p ? r->body.p : "";
    }
    return res_text(r, len);
}

/* With several wordlists, target() sees the word of each list in turn:
 * a plugin that checks words checks every one; the request is the same. */
static int target_parts(struct judge *j, const char *word, size_t len, salvo_req *req)
{
    int v = SALVO_MISS;
    const char *s = word, *end = word + len;
    do {
        const char *sep = j->keys ? memchr(s, TMPL_SEP, (size_t)(end - s)) : NULL;
        size_t n = sep ? (size_t)(sep - s) : (size_t)(end - s);
        v = plugin_target(j->plugin, s, n, req);
        s = sep ? sep + 1 : end;
    } while (v == SALVO_MISS && s < end);
    return v;
}

int judge_target(struct judge *j, struct probe *p, int *kind)
{
    if (!plugin_has_target(j->plugin))
        return 0;
    if (p->owner)
        beacon_on(j->beacon, p->owner_id, p->index, p->word.p, p->word.len);
    int v = target_parts(j, p->word.p, p->word.len, &p->x.req);
    beacon_off(j->beacon);
    if (v == SALVO_MISS)
        return 0;
    snprintf(p->x.errmsg, sizeof p->x.errmsg, "target: %s", p->x.req.fail.p);
    *kind = plugin_error_kind(j->plugin);
    return -1;
}

/* What calibration reads of a response: decoded text, title and redirect
 * read once, however many levels of echo removal are tried on them. */
struct page {
    struct calib_set *set;  /* whose learned pages it is held against */
    struct calib_req q;
    int status;
    const char *text, *location;
    size_t len;
    struct buf title;
};

static struct calib_set *set_of(struct judge *j, const struct probe *p)
{
    return p->cal ? p->cal : &j->cal;
}

static void page_read(struct judge *j, struct probe *p, struct page *pg)
{
    pg->set = set_of(j, p);
    pg->q = (struct calib_req){p->word.p, p->word.len, p->x.req.url.p};
    pg->status = p->x.res.status;
    pg->text = res_text(&p->x.res, &pg->len);
    pg->location = res_header_get(&p->x.res, "location");
    pg->title = (struct buf){0};
    res_title(pg->text, pg->len, &pg->title);
}

/* The page's signature at level; the text part only when the head is
 * one of a learned page (want_head) or always. 0 if the head is no such. */
static int page_sig(struct judge *j, const struct page *pg, int level, int want_head,
                    struct calib_sig *sig)
{
    calib_sig_head(sig, pg->status, &pg->q, level, pg->location, pg->title.p);
    if (want_head && !calib_maybe(&pg->set->calib, sig))
        return 0;
    calib_sig_text(sig, pg->text, pg->len, &pg->q, level, &j->scratch);
    return 1;
}

/* The response against the learned not-found pages, at every level of
 * echo removal: the page's index, or -1. */
static int calibrated(struct judge *j, struct probe *p)
{
    struct page pg;
    page_read(j, p, &pg);
    int k = -1;
    for (int level = CALIB_RAW; level < CALIB_LEVELS && k < 0; level++) {
        struct calib_sig sig;
        if (page_sig(j, &pg, level, 1, &sig))
            k = calib_match(&set_of(j, p)->calib, &sig);
    }
    buf_free(&pg.title);
    return k;
}

/* What the matcher said, as a probe's verdict. */
static void verdict_of(struct judge *j, struct probe *p, int v, int *verdict, int *kind,
                       const char **why)
{
    salvo_res *res = &p->x.res;
    if (v != FETCH_PENDING)
        p->co = NULL; /* the coroutine, if any, has ended */
    switch (v) {
    case FETCH_PENDING:
        *verdict = V_PENDING;
        break;
    case SALVO_HIT:
        *verdict = V_HIT;
        break;
    case SALVO_MISS:
        *verdict = V_MISS;
        *why = j->plugin->name;
        j->stats->misses++;
        break;
    default:
        *verdict = V_ERROR;
        *kind = plugin_error_kind(j->plugin);
        *why = res->fail.p;
    }
}

void judge_response(struct judge *j, struct probe *p, int *verdict, int *kind, const char **why)
{
    salvo_res *res = &p->x.res;
    *kind = ERR_NONE;
    *why = NULL;
    if (!match_eval(&j->rules, res, why)) {
        *verdict = V_FILTERED;
        j->stats->filtered++;
        return;
    }
    int k = set_of(j, p)->calib.n ? calibrated(j, p) : -1;
    if (k >= 0) {
        *verdict = V_FILTERED;
        *why = set_of(j, p)->name[k];
        j->stats->calibrated++;
        return;
    }
    if (!plugin_has_match(j->plugin)) {
        *verdict = V_HIT;
        return;
    }
    if (!p->want && !(p->want = calloc(1, sizeof *p->want))) {
        *verdict = V_ERROR;
        *kind = ERR_INTERNAL;
        *why = "internal: out of memory";
        return;
    }
    beacon_on(j->beacon, p->owner_id, p->index, p->word.p, p->word.len);
    int v = plugin_match_wait(j->plugin, res, &p->co, p->want);
    beacon_off(j->beacon);
    verdict_of(j, p, v, verdict, kind, why);
}

/* A fetch that a script's match() waited for ended: it goes on. */
static void judge_resume(struct judge *j, struct probe *p, const salvo_res *got, int gkind,
                         int *verdict, int *kind, const char **why)
{
    *kind = ERR_NONE;
    *why = NULL;
    beacon_on(j->beacon, p->owner_id, p->index, p->word.p, p->word.len);
    int v = plugin_resume(j->plugin, p->co, &p->x.res, got, gkind, p->want);
    beacon_off(j->beacon);
    verdict_of(j, p, v, verdict, kind, why);
}

const struct calib_fp *judge_learn(struct judge *j, struct probe *p, int initial)
{
    struct page pg;
    struct calib_sig sig;
    page_read(j, p, &pg);
    page_sig(j, &pg, CALIB_TOKEN, 0, &sig);
    buf_free(&pg.title);
    struct calib_set *set = set_of(j, p);
    size_t before = set->calib.n;
    if (!initial && calib_match(&set->calib, &sig) >= 0)
        return NULL;
    int k = calib_learn(&set->calib, &sig);
    if (k < 0 || (size_t)k != before)
        return NULL;
    if (set->dir && *set->dir)
        snprintf(set->name[k], sizeof set->name[k], "calibration#%d(status=%d,dir=%.40s)", k + 1,
                 sig.status, set->dir);
    else
        snprintf(set->name[k], sizeof set->name[k], "calibration#%d(status=%d)", k + 1,
                 sig.status);
    return initial ? NULL : &set->calib.fp[k];
}

void judge_calib_report(const struct judge *j, uint32_t tries, int changed, struct buf *b)
{
    uint32_t head[3] = {tries, (uint32_t)j->cal.calib.n, changed != 0};
    buf_append(b, head, sizeof head);
    for (size_t i = 0; i < j->cal.calib.n; i++) {
        buf_printf(b, "%s%s: ", i ? "\n" : "", j->cal.name[i]);
        calib_describe(&j->cal.calib.fp[i], b);
    }
    buf_append_byte(b, '\0');
    buf_append_byte(b, '[');
    for (size_t i = 0; i < j->cal.calib.n; i++) {
        if (i)
            buf_append_byte(b, ',');
        calib_json(&j->cal.calib.fp[i], b);
    }
    buf_append_byte(b, ']');
}

static int hook_target(void *j, struct probe *p, int *kind)
{
    return judge_target(j, p, kind);
}

static void hook_resume(void *j, struct probe *p, const salvo_res *got, int gkind, int *verdict,
                        int *kind, const char **why)
{
    judge_resume(j, p, got, gkind, verdict, kind, why);
}

static void hook_verdict(void *j, struct probe *p, int *verdict, int *kind, const char **why)
{
    judge_response(j, p, verdict, kind, why);
}

void judge_hooks(struct judge *j, struct probe_hooks *h)
{
    h->judge = j;
    h->target = hook_target;
    h->verdict = hook_verdict;
    h->resume = hook_resume;
}

void judge_follows(struct probe *p, uint64_t chunk, struct buf *out)
{
    struct buf words = {0};
    if (!follow_take(&p->x.res, &words)) {
        buf_free(&words);
        return;
    }
    const char *url = p->x.req.url.p ? p->x.req.url.p : "";
    for (const char *w = words.p; w && w < words.p + words.len; w += strlen(w) + 1) {
        struct follow fo = {chunk, p->index, url, w, strlen(w)};
        msg_put_follow(out, &fo);
    }
    buf_free(&words);
}

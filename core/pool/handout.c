/* handout: the parent's chunks and results (see handout.h). */
#include "pool/handout.h"

#include "ext/beacon.h"
#include "base/codes.h"
#include "base/input.h"
#include "pool/journal.h"
#include "base/log.h"
#include "base/msg.h"
#include "out/out.h"
#include "out/prog.h"
#include "pool/recurse.h"
#include "base/tmpl.h"
#include "base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Write what is queued for w, as far as its socket takes it now. */
void handout_write(struct pool *p, struct wk *w)
{
    (void)p;
    while (w->fd >= 0 && w->out.len) {
        ssize_t n = write(w->fd, w->out.p, w->out.len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN)
                buf_reset(&w->out); /* the worker is gone; its EOF follows */
            return;
        }
        buf_consume(&w->out, (size_t)n);
    }
}

void handout_send_end(struct pool *p, struct wk *w)
{
    if (w->ended || w->fd < 0)
        return;
    w->quiet_since = 0;
    msg_put(&w->out, p->stopping ? MSG_STOP : MSG_END, NULL, 0);
    w->ended = 1;
    handout_write(p, w);
}

void handout_rec_free(struct chunkrec *r)
{
    buf_free(&r->results);
    buf_free(&r->offs);
    buf_free(&r->failed);
    buf_free(&r->text);
    buf_free(&r->written);
    buf_free(&r->skip);
    buf_free(&r->frames);
    buf_free(&r->found);
    free(r->from.parent);
    free(r->from.prefix);
    free(r);
}

static int has_index(const struct buf *b, uint32_t idx)
{
    const uint32_t *v = (const uint32_t *)b->p;
    for (size_t i = 0; i < b->len / 4; i++)
        if (v[i] == idx)
            return 1;
    return 0;
}

/* 1 if a chunk is ready in p->next, 0 if more input must be read, -1 at
 * the end. */
static int prepare_chunk(struct pool *p)
{
    if (p->next)
        return 1;
    if (p->input_error)
        return -1;
    if (p->src) {
        struct chunkrec *r = calloc(1, sizeof *r);
        if (!r)
            return 0;
        int got = p->src->take(p->src->ud, &r->text, &r->words, &r->tag, &r->from);
        if (got <= 0 || !r->words) {
            handout_rec_free(r);
            return got < 0 ? -1 : 0;
        }
        r->lines = r->words;
        r->id = p->next_id++;
        /* for the summary: a follow-up, or a directory's first chunk */
        p->rec.follows += r->from.parent && !r->from.prefix;
        p->next = r;
        return 1;
    }
    for (;;) {
        struct chunkrec *r = calloc(1, sizeof *r);
        if (!r)
            return 0;
        r->first_line = p->in->line;
        r->root = p->rec.root;
        size_t lines = input_take(p->in, (size_t)p->c->chunk, &r->text, &r->words, &r->offs);
        r->lines = lines;
        r->words -= recurse_filter(&p->rec, &r->text, &r->offs);
        if (!r->words) { /* only blank or skipped lines: done already */
            p->st->lines_done += lines;
            journal_root_done(p->j, r->root, r->first_line, r->first_line + lines);
        }
        if (r->words) {
            r->id = p->next_id++;
            p->next = r;
            return 1;
        }
        handout_rec_free(r);
        if (lines)
            continue;
        if (!input_done(p->in))
            return 0;
        struct input *next = recurse_next(&p->rec, &p->failed);
        if (!next)
            return -1;
        p->in = next;
    }
}

/* The next chunk for a worker: one to redo first, else a new one. */
static struct chunkrec *take_chunk(struct pool *p, int *state)
{
    struct chunkrec *r = p->requeue;
    if (r) {
        p->requeue = r->next;
        if (!p->requeue)
            p->requeue_tail = NULL;
        r->next = NULL;
        return r;
    }
    *state = prepare_chunk(p);
    if (*state <= 0)
        return NULL;
    r = p->next;
    p->next = NULL;
    return r;
}

static void send_chunk(struct pool *p, struct wk *w, struct chunkrec *r)
{
    /* MSG_CHUNK payload: id, number of indices to skip, the indices, the
     * directory's prefix (--recursion) after its length, words */
    struct buf f = {0};
    uint32_t nskip = (uint32_t)(r->skip.len / 4);
    const char *prefix = p->src ? (r->from.prefix ? r->from.prefix : "")
                                : recurse_prefix(&p->rec, r->root);
    uint32_t plen = (uint32_t)strlen(prefix);
    buf_append(&f, &r->id, 8);
    buf_append(&f, &nskip, 4);
    buf_append(&f, r->skip.p, r->skip.len);
    buf_append(&f, &plen, 4);
    buf_append(&f, prefix, plen);
    buf_append(&f, r->text.p, r->text.len);
    msg_put(&w->out, MSG_CHUNK, f.p, f.len);
    buf_free(&f);
    r->next = w->pend;
    w->pend = r;
    w->want = 0;
    handout_write(p, w);
}

void handout_dispatch(struct pool *p)
{
    if (p->stopping) {
        for (int i = 0; i < p->n; i++)
            handout_send_end(p, &p->w[i]);
        return;
    }
    if (!p->started && p->nready < p->n)
        return; /* no request before every worker's init() succeeded */
    p->started = 1;
    for (int i = 0; i < p->n; i++) {
        struct wk *w = &p->w[i];
        if (w->fd < 0 || !w->want || w->ended || !w->ready)
            continue;
        int state = 1;
        struct chunkrec *r = take_chunk(p, &state);
        if (r) {
            send_chunk(p, w, r);
            continue;
        }
        if (state == 0)
            return;
        /* The input is done, but a dying worker may still give chunks
         * back: a worker ends only when none is out anywhere. */
        int out = 0;
        for (int k = 0; k < p->n; k++)
            out |= p->w[k].pend != NULL;
        if (!out)
            handout_send_end(p, w);
    }
}

void handout_out_failed(struct pool *p);
void handout_save_state(struct pool *p);

/* The line numbers of a done chunk's failed words go to STATE.failed, a
 * file beside the state (not memory: most words of a subdomain scan fail). */
static void record_failed(struct pool *p, const struct chunkrec *r)
{
    if (!p->failed_f)
        return;
    const uint64_t *v = (const uint64_t *)r->failed.p;
    for (size_t i = 0; i < r->failed.len / 8; i++) {
        int n = fprintf(p->failed_f, "%llu\n", (unsigned long long)v[i]);
        if (n > 0)
            p->failed_bytes += (uint64_t)n;
    }
}

/* Every word of r has its result: out they go, and r's lines are done. */
static void finish_chunk(struct pool *p, struct chunkrec *r)
{
    p->st->words_done += r->words;
    p->st->lines_done += r->lines;
    if (!p->out_broken && r->results.len) {
        prog_clear();
        if (out_write(p->out, r->results.p, r->results.len) < 0)
            handout_out_failed(p);
    }
    if (p->src)
        p->src->done(p->src->ud, r->tag, &r->frames, r->nframes, &r->found);
    else if (!p->out_broken) {
        if (recurse_commit(&p->rec, &r->found) < 0) /* its directories and lines: one save */
            p->failed = 1;
        journal_root_done(p->j, r->root, r->first_line, r->first_line + r->lines);
        if (r->root == 0) /* --retry-failed names lines of the wordlist's own pass */
            record_failed(p, r);
    }
    handout_rec_free(r);
}

void handout_chunk_done(struct pool *p, struct wk *w, uint64_t id)
{
    for (struct chunkrec **pp = &w->pend; *pp; pp = &(*pp)->next)
        if ((*pp)->id == id) {
            struct chunkrec *r = *pp;
            *pp = r->next;
            finish_chunk(p, r);
            if (p->j->path[0] && util_now() - p->last_save >= 1.0)
                handout_save_state(p);
            return;
        }
}

size_t handout_abandon(struct pool *p, struct chunkrec *r)
{
    size_t given = 0;
    const char *w = r->text.p, *end = r->text.p + r->text.len;
    for (uint32_t idx = 0; idx < r->words && w && w < end; idx++) {
        const char *nl = memchr(w, '\n', (size_t)(end - w));
        size_t len = nl ? (size_t)(nl - w) : (size_t)(end - w);
        if (!has_index(&r->written, idx)) {
            struct buf url = {0};
            tmpl_expand(p->c->template, w, len, &url);
            struct result res = {.chunk = r->id, .index = idx, .verdict = V_ERROR,
                                 .kind = ERR_NOT_PROBED, .word = w, .wlen = len,
                                 .url = url.p ? url.p : "", .charset = "", .ip = "",
                                 .error = "not-probed: no worker was left to take it"};
            handout_emit(p, r, &res);
            buf_free(&url);
            given++;
        }
        w = nl ? nl + 1 : end;
    }
    finish_chunk(p, r);
    return given;
}

/* A result of a chunk that may run for the second time: write it once. */
/* The chunk a result belongs to, or NULL if this result was already
 * taken (its chunk runs for the second time) or the chunk is unknown. */
struct chunkrec *handout_first_time(struct wk *w, const struct result *r)
{
    for (struct chunkrec *c = w->pend; c; c = c->next)
        if (c->id == r->chunk) {
            uint32_t idx = r->index;
            if (has_index(&c->written, idx))
                return NULL;
            buf_append(&c->written, &idx, 4);
            return c;
        }
    return NULL;
}

/* Script errors: each distinct message is shown once, in full with its
 * traceback, however many words it hits; the summary counts them all. */
static void script_error(struct pool *p, int kind, const char *error)
{
    if (kind != ERR_SCRIPT)
        return;
    const char *msg = !strncmp(error, "target: ", 8) ? error + 8 : error;
    p->st->script_errors++;
    uint64_t h = util_fnv1a(UTIL_FNV_OFFSET, msg, strcspn(msg, "\n")); /* the first line */
    for (size_t i = 0; i < p->nseen; i++)
        if (p->seen[i] == h)
            return;
    if (p->nseen < sizeof p->seen / sizeof p->seen[0])
        p->seen[p->nseen++] = h;
    log_msg(LOG_ERR, "%s", error);
}

void handout_out_failed(struct pool *p)
{
    if (errno != EPIPE)
        log_msg(LOG_ERR, "output %s: %s: stopping%s%s", p->out->path, strerror(errno),
                p->j->path[0] && p->last_save > 0 ? "; continue later with --resume " : "",
                p->j->path[0] && p->last_save > 0 ? p->j->path : "");
    p->out_broken = 1;
    p->failed = 1;
    p->stopping = 1;
}

/* A result is formatted into its chunk's buffer: the output gets it when
 * the whole chunk is done (see chunk_done), so the output file always ends
 * on a chunk boundary and the journal can name exactly what it holds. */
void handout_emit(struct pool *p, struct chunkrec *c, const struct result *res)
{
    struct result lab = *res;
    const struct result *r = &lab;
    if (p->src) { /* a queue's chunk knows its own level */
        lab.depth = c->from.depth;
        lab.parent = c->from.parent ? c->from.parent : "";
    } else
        recurse_label(&p->rec, c->root, &lab);
    recurse_found(&p->rec, lab.depth, &c->found, &lab);
    if (r->verdict == V_HIT)
        p->st->hits++;
    else if (r->verdict == V_FILTERED)
        p->st->shown_filtered++;
    else if (r->verdict == V_ERROR) {
        p->st->errors++;
        p->st->errclass[codes_class(r->kind)]++;
        script_error(p, r->kind, r->error);
        if (r->index < c->offs.len / 4) { /* for --retry-failed */
            uint64_t line = c->first_line + ((const uint32_t *)c->offs.p)[r->index];
            buf_append(&c->failed, &line, 8);
        }
    }
    /* A chunk's errors go with it (collect --errors lists them). */
    if (p->src && (r->verdict == V_HIT || r->verdict == V_ERROR || r->verdict == V_FILTERED)) {
        msg_put_result(&c->frames, r);
        c->nframes++;
    }
    if (p->out_broken)
        return;
    if (r->verdict == V_ERROR && p->out->errors)
        prog_clear(); /* a text error line goes to stderr now */
    out_format(p->out, r, &c->results);
}

/* Save the journal: output flushed and on disk first, then the state. */
void handout_save_state(struct pool *p)
{
    char err[512];
    if (!p->j->path[0] || p->out_broken)
        return;
    if (out_sync(p->out) < 0) {
        handout_out_failed(p);
        return;
    }
    p->j->out_bytes = p->out->bytes;
    if (p->failed_f && (fflush(p->failed_f) != 0 || fsync(fileno(p->failed_f)) != 0)) {
        log_msg(LOG_ERR, "state %s.failed: %s", p->j->path, strerror(errno));
        p->failed = 1;
        return;
    }
    p->j->failed_bytes = p->failed_bytes;
    if (journal_save(p->j, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "%s", err);
        p->failed = 1;
    }
    p->last_save = util_now();
}

/* A word that killed QUARANTINE_AFTER workers gets an error verdict and is
 * never handed out again. Returns 1 if it was quarantined now. */
int handout_suspect(struct pool *p, struct wk *w, const char *why, int at_once)
{
    struct beacon *b = w->beacon;
    size_t k;
    for (k = 0; k < p->nsuspects; k++)
        if (p->suspects[k].chunk == b->chunk && p->suspects[k].index == b->index)
            break;
    if (k == p->nsuspects) {
        size_t slots = sizeof p->suspects / sizeof p->suspects[0];
        if (k == slots) /* full: a slot goes, its word may kill once more */
            k = (size_t)(b->chunk * 31 + b->index) % slots;
        else
            p->nsuspects++;
        p->suspects[k].chunk = b->chunk;
        p->suspects[k].index = b->index;
        p->suspects[k].deaths = 0;
    }
    if (++p->suspects[k].deaths < QUARANTINE_AFTER && !at_once)
        return 0;
    for (struct chunkrec *c = w->pend; c; c = c->next) {
        if (c->id != b->chunk)
            continue;
        uint32_t idx = b->index;
        buf_append(&c->skip, &idx, 4);
        buf_append(&c->written, &idx, 4);
        char error[256];
        if (at_once)
            snprintf(error, sizeof error, "quarantined: %s", why);
        else
            snprintf(error, sizeof error, "quarantined: killed %d workers (%s)",
                     p->suspects[k].deaths, why);
        struct buf url = {0};
        tmpl_expand(p->c->template, b->word, b->len, &url);
        struct result r = {.chunk = c->id, .index = idx, .verdict = V_ERROR,
                           .kind = ERR_CRASH, .word = b->word, .wlen = b->len, .url = url.p ? url.p : "",
                           .error = error, .charset = "", .ip = ""};
        handout_emit(p, c, &r);
        buf_free(&url);
        /* The chunk's skip list keeps it from now on: the slot is free. */
        p->suspects[k] = p->suspects[--p->nsuspects];
        return 1;
    }
    return 0;
}


int handout_follow(struct pool *p, struct wk *w, const struct frame *f)
{
    struct follow fo;
    if (msg_get_follow(f, &fo) < 0)
        return -1;
    for (struct chunkrec *c = w->pend; c; c = c->next)
        if (c->id == fo.chunk) {
            /* A queue's follow-ups go up with the chunk's results (qwork.c),
             * else they become roots when the chunk is done. */
            uint32_t depth = p->src ? c->from.depth : recurse_depth(&p->rec, c->root);
            recurse_follow(&p->rec, depth, &c->found, fo.word, fo.wlen, fo.url);
            return 0;
        }
    return 0; /* a chunk already done: not from this worker's run of it */
}

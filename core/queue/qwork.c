/* qwork: salvo queue work. Chunks come from the Redis stream through the
 * consumer group, are scanned by the local process pool, and their
 * results go back to Redis in one script that stores them, marks the
 * chunk done and acknowledges it, all at once: a chunk is acknowledged
 * only with its results stored, and a chunk scanned twice (its first
 * worker was only slow) is stored once.
 *
 * Redis is driven by hiredis from a libuv loop that the pool polls with
 * its workers (pool_src). Redis going away is a pause, not an error: the
 * chunks being scanned go on, their results wait in memory, and the
 * connection is made again with a growing delay. A chunk whose results
 * never reach Redis is never acknowledged, so another worker scans it.
 *
 * Chunks this worker holds are claimed again now and then (XCLAIM JUSTID
 * resets their idle time), so that only a dead or stuck worker's chunks
 * go idle long enough for XAUTOCLAIM by the others.
 */
#include "queue/queue.h"
#include "queue/qwork.h"

#include "base/buf.h"
#include "base/codes.h"
#include "base/log.h"
#include "base/util.h"
#include "base/msg.h"
#include "pool/pool.h"

#include <hiredis/hiredis.h>
#include <hiredis/async.h>
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wunused-function"
#include <hiredis/adapters/libuv.h>
#pragma GCC diagnostic pop

#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TICK_MS 100
#define CONNECT_TIMEOUT 5.0  /* seconds to connect before trying again */
#define ANSWER_TIMEOUT 20.0  /* a connection that answers nothing this long is dead */
#define CLAIM_EVERY 1.0      /* seconds between XAUTOCLAIM rounds */

/* --- the queue's fingerprint ------------------------------------------ */

/* Which lines of one configuration the other lacks, for the message. */
static void say_diff(const char *theirs, const char *ours)
{
    struct buf b = {0};
    for (int side = 0; side < 2; side++) {
        const char *a = side ? ours : theirs, *other = side ? theirs : ours;
        for (const char *l = a; *l;) {
            size_t n = strcspn(l, "\n");
            int found = 0;
            for (const char *m = other; *m && !found;) {
                size_t k = strcspn(m, "\n");
                found = k == n && !memcmp(l, m, n);
                m += k + (m[k] == '\n');
            }
            if (!found && n && *l != '[' && *l != '#')
                buf_printf(&b, "\n  %s %.*s", side ? "this worker:" : "the queue:  ", (int)n, l);
            l += n + (l[n] == '\n');
        }
    }
    log_msg(LOG_ERR, "options that differ:%s", b.len ? b.p : " none shown: a secret differs "
            "(a password, an Authorization, Cookie or --secret-header value), or the plugin's "
            "contents");
    buf_free(&b);
}

static void qwork_on_config(redisAsyncContext *ac, void *reply, void *pd)
{
    struct qw *q = ac->data;
    if (reply)
        q->last_reply = util_now();
    redisReply *r = reply;
    (void)pd;
    q->diff_pending = 0;
    if (r && r->type == REDIS_REPLY_STRING)
        say_diff(r->str, q->config);
}

static void qwork_refuse(struct qw *q, const char *what, const char *theirs)
{
    if (q->fatal)
        return;
    log_msg(LOG_ERR, "queue \"%s\": %s was pushed with configuration %s, this worker has %s: "
            "refusing it; start queue work with the options given to queue push", q->c->queue,
            what, theirs, q->fp);
    q->fatal = 2;
    q->diff_pending = q->ac && q->up;
    const char *a[] = {"HGET", q->k_meta, "config"};
    qconn_send(q, qwork_on_config, NULL, 3, a);
}

/* --- taking chunks ----------------------------------------------------- */

static int qwork_holds(const struct qw *q, const char *id)
{
    for (const struct held *h = q->held; h; h = h->next)
        if (!strcmp(h->id, id))
            return 1;
    return 0;
}

/* An entry taken and not to be scanned here looks idle for long at once,
 * so that the other workers take it over now, not after claim_idle (Redis
 * has no way to give an entry back; this is the nearest). */
static void let_go(struct qw *q, const char *id)
{
    char idle[32];
    snprintf(idle, sizeof idle, "%lld", (long long)(q->c->claim_idle * 1000) + 3600000);
    const char *a[] = {"XCLAIM", q->k_chunks, "workers", q->consumer, "0", id, "IDLE", idle,
                       "JUSTID"};
    qconn_send(q, NULL, NULL, 9, a);
}

/* A reply about h's words: heard from Redis, h no longer waits for it. */
static redisReply *words_reply(redisAsyncContext *ac, void *reply, struct held *h)
{
    struct qw *q = ac->data;
    if (reply)
        q->last_reply = util_now();
    h->loading = 0;
    return reply;
}

/* Keeps a word the seen set does not hold (a 0 in SMISMEMBER's reply). */
static int not_followed(void *ud, size_t i, const char *w, size_t n)
{
    const redisReply *r = ud;
    (void)w;
    (void)n;
    return r->element[i]->type != REDIS_REPLY_INTEGER || !r->element[i]->integer;
}

/* The reply to ask_followed(): its words that are follow-ups already
 * (1s, in the words' order) are taken out of the chunk. */
static void qwork_on_followed(redisAsyncContext *ac, void *reply, void *pd)
{
    struct qw *q = ac->data;
    struct held *h = pd;
    redisReply *r = words_reply(ac, reply, h);
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != h->words) {
        buf_reset(&h->text); /* its words are asked for again at the next tick */
        return;
    }
    h->dropped = buf_keep_lines(&h->text, NULL, not_followed, r);
    q->dropped += h->dropped;
    h->words -= h->dropped;
    h->ref[0] = '\0';
    if (!h->words) { /* every word followed before: stored with no results */
        h->given = h->scanned = 1;
        qstore_send(q, h);
    }
}

/* A directory's words that a script followed before the directory was
 * found are not probed once more (a follow-up found after it is not
 * stored: qstore.c): which of them the seen set holds. 0 when asked. */
static int ask_followed(struct qw *q, struct held *h)
{
    size_t pl = strlen(h->from.prefix), argc = 2 + h->words;
    const char **argv = calloc(argc, sizeof *argv);
    size_t *len = calloc(argc, sizeof *len);
    struct buf all = {0};
    int rc = -1;
    if (!argv || !len || buf_reserve(&all, h->text.len + h->words * (pl + 1)) < 0)
        goto out;
    argv[0] = "SMISMEMBER";
    argv[1] = q->k_seen;
    len[0] = 10;
    len[1] = strlen(q->k_seen);
    size_t k = 2, at = 0, n;
    const char *w;
    while (k < argc && buf_next_line(&h->text, &at, &w, &n)) {
        argv[k] = all.p + all.len; /* reserved: the buffer does not move */
        len[k++] = pl + n;
        buf_append(&all, h->from.prefix, pl);
        buf_append(&all, w, n);
    }
    if (k != argc)
        goto out;
    h->loading = 1; /* hiredis has the command written out when this returns */
    qconn_send_argv(q, qwork_on_followed, h, (int)argc, argv, len);
    rc = 0;
out:
    buf_free(&all);
    free(argv);
    free(len);
    return rc;
}

/* A directory's chunk (--recursion) names a chunk of the push by its seq
 * (ref): its words come from the list hash, asked for here. */
static void qwork_on_words(redisAsyncContext *ac, void *reply, void *pd)
{
    struct qw *q = ac->data;
    struct held *h = pd;
    redisReply *r = words_reply(ac, reply, h);
    if (!r || r->type == REDIS_REPLY_ERROR)
        return; /* asked again at the next tick */
    if (r->type != REDIS_REPLY_STRING || !r->len) {
        log_msg(LOG_ERR, "queue \"%s\": the words of directory %s (the push's chunk %s) are "
                "not in %s (deleted, or pushed without --recursion): not scanned there",
                q->c->queue, h->from.prefix ? h->from.prefix : "?", h->ref, q->k_list);
        q->wordless++;
        /* Not asked again: answers to the next ticks' asks came after the
         * chunk was stored and freed (said twice more, once naming the
         * directory with freed memory). */
        h->ref[0] = '\0';
        h->given = h->scanned = 1; /* stored with no results: acknowledged */
        qstore_send(q, h);
        return;
    }
    buf_append(&h->text, r->str, r->len);
    h->words = 1;
    for (size_t c = 0; c < r->len; c++)
        h->words += r->str[c] == '\n';
    if (q->c->may_follow && h->from.prefix && ask_followed(q, h) == 0)
        return;
    h->ref[0] = '\0';
}

void qwork_load(struct qw *q)
{
    for (struct held *h = q->held; h; h = h->next)
        if (h->ref[0] && !h->loading && q->up && q->ac) {
            const char *a[] = {"HGET", q->k_list, h->ref};
            h->loading = 1;
            qconn_send(q, qwork_on_words, h, 3, a);
        }
}

static char *field_dup(const redisReply *fields, const char *name)
{
    const redisReply *f = queue_field(fields, name);
    return f && f->len ? strdup(f->str) : NULL;
}

/* Entries [[id, [field, value, ...]], ...] become held chunks. */
static size_t take_entries(struct qw *q, const redisReply *list)
{
    size_t n = 0;
    for (size_t i = 0; list && list->type == REDIS_REPLY_ARRAY && i < list->elements; i++) {
        const redisReply *e = list->element[i];
        if (e->type != REDIS_REPLY_ARRAY || e->elements < 2 ||
            e->element[0]->type != REDIS_REPLY_STRING || qwork_holds(q, e->element[0]->str))
            continue; /* deleted meanwhile, or ours already */
        const redisReply *fl = e->element[1];
        const redisReply *gen = queue_field(fl, "gen"), *ref = queue_field(fl, "ref");
        const redisReply *seq = queue_field(fl, "seq"), *fp = queue_field(fl, "fp"),
                         *words = queue_field(fl, "words"), *cnt = queue_field(fl, "n");
        if (!seq || !fp || (ref ? ref->len == 0 || ref->len >= sizeof q->held->ref
                                : !words || !cnt || !words->len)) {
            /* Acknowledged, so that it is not handed out again and again. */
            log_msg(LOG_WARN, "queue \"%s\": entry %s of %s is not a salvo chunk: skipped",
                    q->c->queue, e->element[0]->str, q->k_chunks);
            const char *a[] = {"XACK", q->k_chunks, "workers", e->element[0]->str};
            qconn_send(q, NULL, NULL, 4, a);
            continue;
        }
        if (strcmp(fp->str, q->fp)) {
            char what[96];
            snprintf(what, sizeof what, "chunk %s", seq->str);
            qwork_refuse(q, what, fp->str);
            let_go(q, e->element[0]->str); /* a worker with the right options takes it now */
            continue;
        }
        struct held *h = calloc(1, sizeof *h);
        if (!h || (!ref && buf_append(&h->text, words->str, words->len) < 0)) {
            if (h)
                buf_free(&h->text);
            free(h);
            continue;
        }
        const redisReply *depth = queue_field(fl, "depth");
        h->from.depth = depth ? (uint32_t)strtoul(depth->str, NULL, 10) : 0;
        h->from.parent = field_dup(fl, "parent"); /* a follow-up's or a directory's */
        h->from.prefix = field_dup(fl, "prefix"); /* a directory's */
        if (ref)
            snprintf(h->ref, sizeof h->ref, "%s", ref->str);
        snprintf(h->id, sizeof h->id, "%s", e->element[0]->str);
        snprintf(h->gen, sizeof h->gen, "%s", gen ? gen->str : "");
        h->seq = strtoull(seq->str, NULL, 10);
        h->words = 1; /* counted, not taken from the entry's n */
        for (size_t c = 0; !ref && c < words->len; c++)
            h->words += words->str[c] == '\n';
        h->tag = ++q->next_tag;
        struct held **tail = &q->held;
        while (*tail)
            tail = &(*tail)->next;
        *tail = h;
        n++;
    }
    qwork_load(q);
    return n;
}

static void fetch_end(struct qw *q, size_t got)
{
    q->fetching = 0;
    if (!got)
        q->next_fetch = util_now() + 0.25;
}

/* Not one chunk waits: is the whole queue done? */
static void qwork_on_finish_check(redisAsyncContext *ac, void *reply, void *pd)
{
    struct qw *q = ac->data;
    if (reply)
        q->last_reply = util_now();
    redisReply *r = reply;
    (void)pd;
    if (qconn_is_error(r) || r->type != REDIS_REPLY_ARRAY || r->elements < 3 || q->held)
        return;
    const redisReply *complete = r->element[0], *chunks = r->element[1], *done = r->element[2];
    if (complete->type == REDIS_REPLY_STRING && !strcmp(complete->str, "1") &&
        chunks->type == REDIS_REPLY_STRING && done->type == REDIS_REPLY_INTEGER &&
        done->integer >= strtoll(chunks->str, NULL, 10))
        q->finished = 1;
}

static void check_finished(struct qw *q)
{
    /* One script-free round trip: MULTI is not needed, a late answer only
     * delays the end by a tick. */
    static const char lua[] =
        "return {redis.call('HGET', KEYS[1], 'complete') or '0', "
        "string.format('%.0f', tonumber(redis.call('HGET', KEYS[1], 'chunks') or '0') + "
        "tonumber(redis.call('HGET', KEYS[1], 'follows') or '0') + "
        "tonumber(redis.call('HGET', KEYS[1], 'dir_chunks') or '0')), redis.call('SCARD', KEYS[2])}";
    const char *a[] = {"EVAL", lua, "2", q->k_meta, q->k_done};
    qconn_send(q, qwork_on_finish_check, NULL, 5, a);
}

static void no_queue(struct qw *q, const redisReply *r)
{
    if (qconn_permanent(q, r, "taking chunks")) {
        q->fetching = 0;
        return;
    }
    if (r && r->type == REDIS_REPLY_ERROR && !strncmp(r->str, "NOGROUP", 7)) {
        if (!q->waiting_said)
            log_msg(LOG_WARN, "queue \"%s\" is not on %s:%d (yet): waiting for salvo queue push",
                    q->c->queue, q->u.host, q->u.port);
        q->waiting_said = 1;
    } else if (r && r->type == REDIS_REPLY_ERROR) {
        log_msg(LOG_ERR, "redis: %s", r->str);
    }
    q->fetching = 0;
    q->next_fetch = util_now() + 1.0;
}

/* The reply to XREADGROUP or XAUTOCLAIM, or NULL when the round ends
 * here (connection gone, or an error, said). */
static const redisReply *fetch_reply(redisAsyncContext *ac, void *reply)
{
    struct qw *q = ac->data;
    redisReply *r = reply;
    if (r)
        q->last_reply = util_now();
    if (!r || q->ac != ac) {
        q->fetching = 0;
        return NULL;
    }
    if (r->type == REDIS_REPLY_ERROR) {
        no_queue(q, r);
        return NULL;
    }
    return r;
}

static void qwork_on_read(redisAsyncContext *ac, void *reply, void *pd)
{
    struct qw *q = ac->data;
    const redisReply *r = fetch_reply(ac, reply);
    (void)pd;
    if (!r)
        return;
    size_t got = 0;
    /* [[stream, entries]] or nil */
    if (r->type == REDIS_REPLY_ARRAY && r->elements && r->element[0]->type == REDIS_REPLY_ARRAY &&
        r->element[0]->elements == 2)
        got = take_entries(q, r->element[0]->element[1]);
    fetch_end(q, got);
    if (!got && !q->held)
        check_finished(q);
}

static int ready_count(const struct qw *q)
{
    int n = 0;
    for (const struct held *h = q->held; h; h = h->next)
        n += !h->given;
    return n;
}

/* Chunks to keep at hand, taken and not yet handed to the pool: two per
 * worker process, so that a worker asking for more never waits for a
 * round trip to Redis. */
static int lookahead(const struct qw *q)
{
    long procs = q->c->pool->procs;
    if (procs < 1)
        procs = sysconf(_SC_NPROCESSORS_ONLN);
    return procs > 0 ? 2 * (int)procs : 2;
}

static void read_new(struct qw *q)
{
    char count[16];
    int want = lookahead(q) - ready_count(q);
    snprintf(count, sizeof count, "%d", want > 0 ? want : 1);
    const char *a[] = {"XREADGROUP", "GROUP", "workers", q->consumer, "COUNT", count,
                       "STREAMS", q->k_chunks, ">"};
    qconn_send(q, qwork_on_read, NULL, 9, a);
}

static void qwork_on_claim(redisAsyncContext *ac, void *reply, void *pd)
{
    struct qw *q = ac->data;
    const redisReply *r = fetch_reply(ac, reply);
    (void)pd;
    if (!r)
        return;
    size_t got = 0;
    /* [cursor, entries, deleted ids] */
    if (r->type == REDIS_REPLY_ARRAY && r->elements >= 2)
        got = take_entries(q, r->element[1]);
    if (got) {
        if (!q->taken_over)
            log_msg(LOG_INFO, "queue \"%s\": taking over chunks idle for %gs (a worker died, "
                    "stalled or let them go)", q->c->queue, q->c->claim_idle);
        q->taken_over += got;
        q->last_claim = 0; /* there may be more: look again at once */
        fetch_end(q, got);
        return;
    }
    read_new(q);
}

static void fetch(struct qw *q, double now)
{
    int want = lookahead(q) - ready_count(q);
    if (q->fetching || q->fatal || q->finished || now < q->next_fetch || want <= 0)
        return;
    q->fetching = 1;
    if (now - q->last_claim < CLAIM_EVERY) {
        read_new(q);
        return;
    }
    q->last_claim = now;
    char idle[32], count[16];
    snprintf(idle, sizeof idle, "%lld", (long long)(q->c->claim_idle * 1000));
    snprintf(count, sizeof count, "%d", want);
    const char *a[] = {"XAUTOCLAIM", q->k_chunks, "workers", q->consumer, idle, "0-0",
                       "COUNT", count};
    qconn_send(q, qwork_on_claim, NULL, 8, a);
}

/* XCLAIM to ourselves (JUSTID) of the chunks we hold, or only of those
 * not scanned; idle: NULL = reset their idle time, else set it to that
 * many ms. Returns 0 if the command was sent. */
static int reclaim(struct qw *q, int unscanned_only, const char *idle, redisCallbackFn *cb)
{
    int n = 0;
    for (struct held *h = q->held; h; h = h->next)
        n++;
    const char **argv = calloc((size_t)n + 8, sizeof *argv);
    size_t *len = calloc((size_t)n + 8, sizeof *len);
    int rc = -1;
    if (argv && len) {
        int k = 0;
        argv[k++] = "XCLAIM";
        argv[k++] = q->k_chunks;
        argv[k++] = "workers";
        argv[k++] = q->consumer;
        argv[k++] = "0";
        for (struct held *h = q->held; h; h = h->next)
            if (!unscanned_only || !h->scanned)
                argv[k++] = h->id;
        if (idle) {
            argv[k++] = "IDLE";
            argv[k++] = idle;
        }
        argv[k++] = "JUSTID";
        for (int i = 0; i < k; i++)
            len[i] = strlen(argv[i]);
        qconn_send_argv(q, cb, NULL, k, argv, len);
        rc = 0;
    }
    free(argv);
    free(len);
    return rc;
}

/* Claim what we hold again, so that it does not look idle to others. */
static void refresh(struct qw *q, double now)
{
    if (now - q->last_refresh < q->c->claim_idle / 3 || !q->held)
        return;
    q->last_refresh = now;
    reclaim(q, 0, NULL, NULL);
}

/* --- the loop ---------------------------------------------------------- */

static void qwork_on_tick(uv_timer_t *t)
{
    struct qw *q = t->data;
    double now = util_now();
    if (!q->ac && !q->fatal && now >= q->next_connect)
        qconn_start(q);
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    /* hiredis 0.14's libuv adapter drops poll errors (a refused connect, a
     * reset): ask the socket itself. */
    if (q->ac && q->ac->c.fd >= 0 &&
        getsockopt(q->ac->c.fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr)
        qconn_drop(q, strerror(soerr));
    else if (q->ac && !q->up && now - q->connect_started > CONNECT_TIMEOUT)
        qconn_drop(q, "no answer to connecting");
    else if (q->ac && q->up && q->ac->replies.head && now - q->last_reply > ANSWER_TIMEOUT)
        qconn_drop(q, "no answer");
    if (!q->up || !q->ac)
        return;
    if (!q->ac->replies.head)
        q->last_reply = now; /* nothing asked: nothing overdue */
    qstore_send_all(q, now);
    qwork_load(q);
    refresh(q, now);
    fetch(q, now);
}

/* A directory's words get its path in front (as the wordlist's reader
 * does for a scan's own directories). */
static int add_words(struct buf *text, const struct buf *words, const char *prefix)
{
    if (!prefix)
        return buf_append(text, words->p, words->len);
    const char *at = words->p, *end = at + words->len;
    while (at < end) {
        const char *nl = memchr(at, '\n', (size_t)(end - at));
        const char *stop = nl ? nl : end;
        if (text->len)
            buf_append_byte(text, '\n');
        buf_append_str(text, prefix);
        buf_append(text, at, (size_t)(stop - at));
        at = stop + 1;
    }
    return text->p ? 0 : -1;
}

static int src_take(void *ud, struct buf *text, size_t *words, uint64_t *tag,
                    struct pool_from *from)
{
    struct qw *q = ud;
    if (q->fatal)
        return -1;
    for (struct held *h = q->held; h; h = h->next)
        if (!h->given && !h->ref[0]) {
            if (add_words(text, &h->text, h->from.prefix) < 0)
                return 0;
            h->given = 1;
            *words = h->words;
            *tag = h->tag;
            *from = h->from; /* the pool's now */
            h->from = (struct pool_from){0};
            buf_free(&h->text);
            if (q->up && q->ac)
                fetch(q, util_now()); /* top up now, not at the next tick */
            return 1;
        }
    return q->finished ? -1 : 0;
}

static void src_done(void *ud, uint64_t tag, struct buf *frames, uint32_t n, struct buf *follows)
{
    struct qw *q = ud;
    for (struct held *h = q->held; h; h = h->next)
        if (h->tag == tag) {
            h->frames = *frames;
            *frames = (struct buf){0};
            h->follows = *follows;
            *follows = (struct buf){0};
            h->nframes = n;
            h->scanned = 1;
            if (q->up && q->ac)
                qstore_send(q, h);
            return;
        }
}

static void src_child(void *ud)
{
    struct qw *q = ud;
    close(uv_backend_fd(&q->loop));
    if (q->ac)
        close(q->ac->c.fd);
}

static void init_keys(struct qw *q)
{
    queue_key(q->c, "chunks", q->k_chunks, sizeof q->k_chunks);
    queue_key(q->c, "results", q->k_results, sizeof q->k_results);
    queue_key(q->c, "seen", q->k_seen, sizeof q->k_seen);
    queue_key(q->c, "list", q->k_list, sizeof q->k_list);
    queue_key(q->c, "listed", q->k_listed, sizeof q->k_listed);
    queue_key(q->c, "done", q->k_done, sizeof q->k_done);
    queue_key(q->c, "meta", q->k_meta, sizeof q->k_meta);
    queue_key(q->c, "workers", q->k_workers, sizeof q->k_workers);
    char host[128] = "host";
    gethostname(host, sizeof host - 1);
    snprintf(q->consumer, sizeof q->consumer, "%s:%d", host, (int)getpid());
}

static void qwork_on_released(redisAsyncContext *ac, void *reply, void *pd)
{
    struct qw *q = ac->data;
    (void)reply;
    (void)pd;
    q->release_pending = 0;
}

/* Chunks taken and not scanned (a stop, a refusal) are made to look idle
 * for long, so that the other workers take them over at once instead of
 * after claim_idle. Redis has no way to give an entry back; this is the
 * nearest. Returns how many. */
static int release(struct qw *q)
{
    int n = 0;
    for (struct held *h = q->held; h; h = h->next)
        n += !h->scanned;
    if (!n || !q->up || !q->ac)
        return n;
    char idle[32];
    snprintf(idle, sizeof idle, "%lld", (long long)(q->c->claim_idle * 1000) + 3600000);
    if (reclaim(q, 1, idle, qwork_on_released) == 0) {
        q->released = 1;
        q->release_pending = 1;
    }
    return n;
}

/* After the pool: store what was scanned, while Redis can be reached. */
static int qwork_drain(struct qw *q)
{
    double until = util_now() + 30;
    for (;;) {
        int left = 0;
        for (struct held *h = q->held; h; h = h->next)
            left += h->scanned;
        if ((!left && !q->release_pending && !q->diff_pending) || q->fatal == EXIT_REDIS)
            return left;
        if (util_now() > until) {
            log_msg(LOG_ERR, "queue \"%s\": the results of %d scanned chunk(s) could not be "
                    "stored; they stay unacknowledged and another worker scans them again",
                    q->c->queue, left);
            return left;
        }
        uv_run(&q->loop, UV_RUN_ONCE);
    }
}

static void close_cb(uv_handle_t *h)
{
    (void)h;
}

int qwork_run(const struct queue_settings *c, struct plugin *plugin, const char *fp,
              const char *config, struct out *out, struct scan_stats *st)
{
    char err[512];
    struct qw *q = calloc(1, sizeof *q);
    if (!q)
        return EXIT_PARTIAL;
    q->c = c;
    q->fp = fp;
    q->config = config;
    if (queue_url_parse(c->redis, &q->u, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "%s", err);
        free(q);
        return EXIT_USAGE;
    }
    init_keys(q);
    uv_loop_init(&q->loop);
    uv_timer_init(&q->loop, &q->tick);
    q->tick.data = q;
    uv_timer_start(&q->tick, qwork_on_tick, 0, TICK_MS);
    struct pool_src src = {q, &q->loop, src_take, src_done, src_child};
    int rc = pool_run_src(c->pool, plugin, &src, out, st);
    int unfinished = release(q);
    int left = qwork_drain(q);
    if (unfinished)
        log_msg(LOG_WARN, "queue \"%s\": %d chunk(s) taken and not finished: %s", c->queue,
                unfinished, q->released ? "let go, for the other workers to take over at once"
                                        : "the other workers take them over after claim_idle");
    if (q->taken_over)
        log_msg(LOG_INFO, "queue \"%s\": took over %llu chunk(s) from other workers", c->queue,
                (unsigned long long)q->taken_over);
    if (q->over_follows)
        log_msg(LOG_WARN, "--max-follows %llu: %llu more follow-up%s were not probed (the queue's "
                "bound, over every worker; salvo queue status names the first)",
                (unsigned long long)c->pool->max_follows, (unsigned long long)q->over_follows,
                q->over_follows == 1 ? "" : "s");
    if (q->twice)
        log_msg(LOG_INFO, "queue \"%s\": %llu chunk(s) had been stored by another worker "
                "first: their results were not stored again", c->queue,
                (unsigned long long)q->twice);
    q->closing = 1;
    uv_timer_stop(&q->tick);
    uv_close((uv_handle_t *)&q->tick, close_cb);
    if (q->ac) {
        redisAsyncContext *ac = q->ac;
        q->ac = NULL;
        redisAsyncFree(ac);
    }
    uv_run(&q->loop, UV_RUN_DEFAULT);
    uv_loop_close(&q->loop);
    while (q->held) {
        struct held *h = q->held;
        q->held = h->next;
        qstore_free(h);
    }
    if (q->wordless)
        log_msg(LOG_WARN, "queue \"%s\": %llu directory chunk(s) had no words in the queue: "
                "left unscanned", c->queue, (unsigned long long)q->wordless);
    if (q->in_list || q->dropped)
        log_msg(LOG_DEBUG, "queue \"%s\": %llu follow-up(s) not stored and %llu directory "
                "word(s) not probed: the list's or a directory's chunks probe them",
                c->queue, (unsigned long long)q->in_list, (unsigned long long)q->dropped);
    listed_free(&q->listed);
    if (q->fatal)
        rc = q->fatal;
    else if ((left || q->wordless) && rc == 0)
        rc = 1; /* words left unprobed */
    free(q);
    return rc;
}

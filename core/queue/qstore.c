/* qstore: a scanned chunk's results and follow-ups go to Redis in one
 * script with its acknowledgement (see qwork.h). */
#include "queue/qwork.h"

#include "base/log.h"
#include "base/msg.h"
#include "base/util.h"
#include "pool/pool.h"
#include "pool/recurse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Store the results of a chunk, mark it done, acknowledge and delete it;
 * -1 and nothing written when the queue is no longer the push that made
 * the chunk (dropped, or dropped and pushed again).
 * The chunk's follow-ups (salvo.follow) become chunks of one word in the
 * same script, so that they count exactly when the chunk does: a worker
 * that dies before this leaves its chunk to another, which finds them
 * again. A word is followed once in the whole queue (the set seen), and
 * --max-follows bounds them all (meta's follows; their seqs start at
 * FOLLOW_SEQ0, past any push's).
 * A directory found (--recursion) becomes one chunk per chunk of the push,
 * each naming the push's chunk (ref: its words are in the list hash) and
 * the directory's path to put before them: never the words times the
 * directories in Redis. Their seqs start at DIR_SEQ0. The number of the
 * push's chunks must be known: until the push is complete, the script
 * answers -2 and writes nothing, and the worker tries again.
 * The meta hash counts words done, hits, errors and results, and keeps
 * when the first chunk was stored (status's rate and ETA).
 * A follow-up a directory's chunks probe is not stored: the worker names
 * the lengths of its word's prefixes after which the rest is a word of
 * the list (lens, "3,9"), and one of them that is a directory in seen
 * (stored in this script before the follow-ups, or earlier) drops it. (A
 * follow-up that is a word of the list never comes here; a directory
 * found after a follow-up leaves it out of its chunks: qwork.c.)
 * KEYS: chunks results done meta workers seen. ARGV: group id seq consumer
 * time gen words n max_follows fp nf, then n times: index verdict url
 * status frame, then nf times: kind (f or d) depth word parent lens.
 * Returns {stored, the follow-ups over --max-follows}. */
#define FOLLOW_LENS 256 /* a follow-up's lens, at most */
#define FOLLOW_SEQ0 "4294967296"
#define DIR_SEQ0 "8589934592"
static const char store_lua[] =
    "if (redis.call('HGET', KEYS[4], 'gen') or '') ~= ARGV[6] then return {-1, 0} end\n"
    "local n, nf = tonumber(ARGV[8]), tonumber(ARGV[11])\n"
    "local f0 = 12 + n * 5\n"
    "for i = 0, nf - 1 do\n"
    "  if ARGV[f0 + i * 5] == 'd' and redis.call('HGET', KEYS[4], 'complete') ~= '1' then\n"
    "    return {-2, 0}\n"
    "  end\n"
    "end\n"
    "local stored, over = 0, 0\n"
    "local function follow(b)\n"
    "  for l in string.gmatch(ARGV[b + 4], '%d+') do\n"
    "    local d = '\\n' .. string.sub(ARGV[b + 2], 1, tonumber(l))\n"
    "    if redis.call('SISMEMBER', KEYS[6], d) == 1 then return end\n"
    "  end\n"
    "  if redis.call('SADD', KEYS[6], ARGV[b + 2]) == 0 then return end\n"
    "  local k = tonumber(redis.call('HGET', KEYS[4], 'follows') or '0')\n"
    "  if k < tonumber(ARGV[9]) then\n"
    "    redis.call('HINCRBY', KEYS[4], 'follows', 1)\n"
    "    redis.call('XADD', KEYS[1], '*', 'seq', string.format('%.0f', " FOLLOW_SEQ0 " + k),\n"
    "               'fp', ARGV[10], 'gen', ARGV[6], 'n', '1', 'words', ARGV[b + 2],\n"
    "               'depth', ARGV[b + 1], 'parent', ARGV[b + 3])\n"
    "  else\n"
    "    over = over + 1\n"
    "    redis.call('HINCRBY', KEYS[4], 'follows_over', 1)\n"
    "    redis.call('HSETNX', KEYS[4], 'first_over', ARGV[b + 2] .. ' (from ' .. ARGV[b + 3] .. ')')\n"
    "  end\n"
    "end\n"
    "local function dir(b)\n"
    "  if redis.call('SADD', KEYS[6], '\\n' .. ARGV[b + 2]) == 0 then return end\n"
    "  local nch = tonumber(redis.call('HGET', KEYS[4], 'chunks') or '0')\n"
    "  local d = redis.call('HINCRBY', KEYS[4], 'dirs', 1) - 1\n"
    "  for k = 0, nch - 1 do\n"
    "    redis.call('XADD', KEYS[1], '*', 'seq', string.format('%.0f', " DIR_SEQ0 " + d * nch + k),\n"
    "               'fp', ARGV[10], 'gen', ARGV[6], 'ref', string.format('%d', k),\n"
    "               'prefix', ARGV[b + 2], 'depth', ARGV[b + 1], 'parent', ARGV[b + 3])\n"
    "  end\n"
    "  redis.call('HINCRBY', KEYS[4], 'dir_chunks', nch)\n"
    "  redis.call('HINCRBY', KEYS[4], 'dir_words', tonumber(redis.call('HGET', KEYS[4], 'words') or '0'))\n"
    "end\n"
    "if redis.call('SADD', KEYS[3], ARGV[3]) == 1 then\n"
    "  local hits, errors = 0, 0\n"
    "  for i = 0, n - 1 do\n"
    "    local b = 12 + i * 5\n"
    "    redis.call('XADD', KEYS[2], '*', 'chunk', ARGV[3], 'index', ARGV[b], 'verdict',\n"
    "               ARGV[b + 1], 'url', ARGV[b + 2], 'status', ARGV[b + 3], 'result', ARGV[b + 4])\n"
    "    if ARGV[b + 1] == 'hit' then hits = hits + 1 end\n"
    "    if ARGV[b + 1] == 'error' then errors = errors + 1 end\n"
    "  end\n"
    "  for i = 0, nf - 1 do\n"
    "    if ARGV[f0 + i * 5] == 'd' then dir(f0 + i * 5) end\n"
    "  end\n"
    "  for i = 0, nf - 1 do\n"
    "    if ARGV[f0 + i * 5] == 'f' then follow(f0 + i * 5) end\n"
    "  end\n"
    "  redis.call('HINCRBY', KEYS[4], 'hits', hits)\n"
    "  redis.call('HINCRBY', KEYS[4], 'errors', errors)\n"
    "  redis.call('HINCRBY', KEYS[4], 'words_done', tonumber(ARGV[7]))\n"
    "  redis.call('HSETNX', KEYS[4], 'first_stored', ARGV[5])\n"
    "  redis.call('HSET', KEYS[4], 'last_stored', ARGV[5])\n"
    "  redis.call('HINCRBY', KEYS[4], 'results', n)\n"
    "  stored = 1\n"
    "end\n"
    "redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])\n"
    "redis.call('XDEL', KEYS[1], ARGV[2])\n"
    "redis.call('HSET', KEYS[5], ARGV[4], ARGV[5])\n"
    "return {stored, over}\n";

void qstore_free(struct held *h)
{
    buf_free(&h->text);
    buf_free(&h->frames);
    buf_free(&h->follows);
    free(h->from.parent);
    free(h->from.prefix);
    free(h);
}

static void qstore_on_stored(redisAsyncContext *ac, void *reply, void *pd)
{
    struct qw *q = ac->data;
    if (reply)
        q->last_reply = util_now();
    struct held *h = pd;
    redisReply *r = reply;
    h->sending = 0;
    if (!r)
        return; /* the connection went: sent again once it is back */
    if (qconn_permanent(q, r, "storing results"))
        return;
    if (r->type == REDIS_REPLY_ERROR) {
        log_msg(LOG_ERR, "redis: storing chunk %llu: %s (trying again)",
                (unsigned long long)h->seq, r->str);
        h->retry_at = util_now() + 1.0;
        return;
    }
    long long stored = r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
                               r->element[0]->type == REDIS_REPLY_INTEGER
                           ? r->element[0]->integer : 1;
    if (r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
        r->element[1]->type == REDIS_REPLY_INTEGER)
        q->over_follows += (uint64_t)r->element[1]->integer;
    if (stored == -2) { /* a directory waits for the push's last chunk */
        if (!q->dir_wait_said++)
            log_msg(LOG_INFO, "queue \"%s\": a directory was found before the push ended: "
                    "its chunk is stored once the push is complete", q->c->queue);
        h->retry_at = util_now() + 0.5;
        return;
    }
    if (stored == 0)
        q->twice++;
    if (stored == 1)
        q->in_list += h->in_list;
    if (stored == -1)
        log_msg(LOG_WARN, "queue \"%s\": chunk %llu was taken from a push that is gone "
                "(the queue was dropped, or dropped and pushed again): its results are not "
                "stored", q->c->queue, (unsigned long long)h->seq);
    for (struct held **pp = &q->held; *pp; pp = &(*pp)->next)
        if (*pp == h) {
            *pp = h->next;
            qstore_free(h);
            return;
        }
}

/* The reply to hashes_known(): the push's generation and its words'
 * hashes, or nil while the push goes on. */
static void qstore_on_listed(redisAsyncContext *ac, void *reply, void *pd)
{
    struct qw *q = ac->data;
    redisReply *all = reply;
    (void)pd;
    if (reply)
        q->last_reply = util_now();
    q->listed_loading = 0;
    if (!all || all->type != REDIS_REPLY_ARRAY || all->elements != 2 ||
        all->element[0]->type != REDIS_REPLY_STRING)
        return; /* nil while the push goes on, or an error: asked again */
    redisReply *r = all->element[1];
    snprintf(q->listed_gen, sizeof q->listed_gen, "%s", all->element[0]->str);
    listed_free(&q->listed);
    q->listed_state = -1;
    if (r->type != REDIS_REPLY_STRING || !r->len || r->len % 8) {
        log_msg(LOG_DEBUG, "queue \"%s\": no words' hashes kept: a follow-up that is a word of "
                "the list is probed once more", q->c->queue);
        return;
    }
    for (size_t i = 0; i + 8 <= r->len; i += 8) {
        uint64_t v = 0;
        for (int b = 7; b >= 0; b--)
            v = v << 8 | (unsigned char)r->str[i + (size_t)b];
        if (listed_add_hash(&q->listed, v) < 0) {
            log_msg(LOG_WARN, "queue \"%s\": out of memory for the list's words: a follow-up "
                    "that is one of them is probed once more", q->c->queue);
            listed_free(&q->listed);
            return;
        }
    }
    listed_seal(&q->listed);
    q->listed_state = 1;
}

/* Whether the list's hashes are known for a chunk of push gen (read, or
 * known to be absent); asks for them if not. Hashes of another push are
 * read again; if the queue's push is not gen's either, the chunk's push is
 * gone and its results are refused anyway: known. */
static int hashes_known(struct qw *q, const char *gen)
{
    static const char lua[] =
        "if redis.call('HGET', KEYS[1], 'complete') ~= '1' then return false end\n"
        "return {redis.call('HGET', KEYS[1], 'gen') or '', redis.call('GET', KEYS[2]) or ''}\n";
    if (q->listed_state && (!strcmp(q->listed_gen, gen) || !strcmp(q->listed_for, gen)))
        return 1;
    if (q->listed_state) {
        listed_free(&q->listed);
        q->listed_state = 0;
    }
    if (!q->listed_loading && q->up && q->ac) {
        snprintf(q->listed_for, sizeof q->listed_for, "%s", gen);
        const char *a[] = {"EVAL", lua, "2", q->k_meta, q->k_listed};
        q->listed_loading = 1;
        qconn_send(q, qstore_on_listed, NULL, 5, a);
    }
    return 0;
}

/* Follow-up records the store script gets: not those the list's chunks
 * probe. With lens, for those kept, the prefix lengths after which the
 * rest is a word of the list ("" if none). */
static int keep_follow(struct qw *q, const struct recurse_rec *fr, char *lens, size_t lenslen)
{
    lens[0] = '\0';
    if (!fr->single || q->listed_state != 1)
        return 1;
    if (listed_has(&q->listed, fr->word, fr->len))
        return 0;
    size_t at = 0;
    for (size_t i = 1; i < fr->len; i++)
        if (fr->word[i - 1] == '/' && listed_has(&q->listed, fr->word + i, fr->len - i) &&
            at + 24 < lenslen)
            at += (size_t)snprintf(lens + at, lenslen - at, "%s%zu", at ? "," : "", i);
    return 1;
}

static int has_follows(const struct held *h)
{
    struct recurse_rec fr;
    const char *fend = h->follows.p ? h->follows.p + h->follows.len : NULL;
    for (const char *at = h->follows.p; recurse_rec_next(&at, fend, &fr);)
        if (fr.single)
            return 1;
    return 0;
}

void qstore_send(struct qw *q, struct held *h)
{
    if (has_follows(h) && !hashes_known(q, h->gen)) {
        h->retry_at = util_now() + 0.25;
        return;
    }
    size_t nall = 0, nf = 0;
    struct recurse_rec fr;
    const char *fend = h->follows.p ? h->follows.p + h->follows.len : NULL;
    for (const char *at = h->follows.p; recurse_rec_next(&at, fend, &fr);)
        nall++;
    size_t argc = 20 + 5 * (size_t)h->nframes + 5 * nall;
    const char **argv = calloc(argc, sizeof *argv);
    size_t *len = calloc(argc, sizeof *len);
    char *nums = calloc((size_t)h->nframes + nall + 8, 48);
    char *lens = calloc(nall + 1, FOLLOW_LENS);
    if (!argv || !len || !nums || !lens)
        goto out;
    char *num = nums;
#define NUM(fmt, v) (snprintf(num, 48, fmt, v), num += 48, num - 48)
    size_t k = 0;
    argv[k++] = "EVAL";
    argv[k++] = store_lua;
    argv[k++] = "6";
    argv[k++] = q->k_chunks;
    argv[k++] = q->k_results;
    argv[k++] = q->k_done;
    argv[k++] = q->k_meta;
    argv[k++] = q->k_workers;
    argv[k++] = q->k_seen;
    argv[k++] = "workers";
    argv[k++] = h->id;
    argv[k++] = NUM("%llu", (unsigned long long)h->seq);
    argv[k++] = q->consumer;
    argv[k++] = NUM("%lld", (long long)time(NULL));
    argv[k++] = h->gen;
    argv[k++] = NUM("%zu", h->words + h->dropped);
    size_t nargs = k;
    argv[k++] = NUM("%u", h->nframes);
    argv[k++] = NUM("%llu", (unsigned long long)q->c->pool->max_follows);
    argv[k++] = q->fp;
    size_t nf_at = k; /* the follow-ups kept: known once they are walked */
    char *nf_arg = NUM("%zu", nall);
    argv[k++] = nf_arg;
    for (size_t i = 0; i < k; i++)
        len[i] = strlen(argv[i]);
    /* What leaves the machine is the versioned record, not the frame.
     * Records first, all of them: the buffer moves while it grows. */
    struct frame f;
    struct result r;
    struct buf recs = {0};
    size_t off = 0, *ends = calloc((size_t)h->nframes + 1, sizeof *ends);
    long used;
    uint32_t n = 0;
    while (ends && n < h->nframes &&
           (used = msg_next(h->frames.p + off, h->frames.len - off, &f)) > 0) {
        if (msg_get_result(&f, &r) == 0 && msg_put_record(&recs, &r) == 0)
            ends[n++] = recs.len;
        off += (size_t)used;
    }
    off = 0;
    for (uint32_t i = 0; i < n; i++) {
        msg_get_record(recs.p + off, ends[i] - off, &r);
        char *idx = num;
        snprintf(idx, 16, "%u", r.index);
        char *st = num + 16;
        snprintf(st, 16, "%d", r.status);
        num += 48;
        const char *v[] = {idx, msg_verdict_name(r.verdict), r.url, st};
        for (int j = 0; j < 4; j++) {
            argv[k] = v[j];
            len[k++] = strlen(v[j]);
        }
        argv[k] = recs.p + off;
        len[k++] = ends[i] - off;
        off = ends[i];
    }
    char *ln = lens;
    h->in_list = 0;
    for (const char *at = h->follows.p; recurse_rec_next(&at, fend, &fr);) {
        if (!keep_follow(q, &fr, ln, FOLLOW_LENS)) {
            h->in_list++;
            continue;
        }
        nf++;
        argv[k] = fr.single ? "f" : "d";
        len[k++] = 1;
        argv[k] = NUM("%u", (unsigned)fr.depth);
        len[k] = strlen(argv[k]);
        k++;
        argv[k] = fr.word;
        len[k++] = fr.len;
        argv[k] = fr.parent;
        len[k] = strlen(argv[k]);
        k++;
        argv[k] = ln;
        len[k++] = strlen(ln);
        ln += FOLLOW_LENS;
    }
#undef NUM
    snprintf(nf_arg, 48, "%zu", nf);
    len[nf_at] = strlen(nf_arg);
    if (n != h->nframes) { /* cannot happen: the frames were made here */
        snprintf(nums + 48 * 3, 48, "%u", n);
        argv[nargs] = nums + 48 * 3;
        len[nargs] = strlen(argv[nargs]);
    }
    h->sending = 1;
    if (redisAsyncCommandArgv(q->ac, qstore_on_stored, h, (int)k, argv, len) != REDIS_OK)
        h->sending = 0;
    buf_free(&recs);
    free(ends);
out:
    free(argv);
    free(len);
    free(nums);
    free(lens);
}

void qstore_send_all(struct qw *q, double now)
{
    for (struct held *h = q->held; h; h = h->next)
        if (h->scanned && !h->sending && now >= h->retry_at)
            qstore_send(q, h);
}


/* queue: the Redis URL, and the subcommands that talk to Redis plainly
 * (push, status, collect, drop). queue work, which talks to Redis from
 * the event loop, is in qwork.c.
 *
 * A chunk carries its words rather than a byte range of a shared file:
 * the machines of a queue share nothing but Redis, so a chunk must be
 * scannable anywhere; done chunks are deleted from the stream, so Redis
 * holds about the words not yet scanned, not the whole list.
 */
#include "queue/queue.h"

#include "base/buf.h"
#include "base/input.h"
#include "base/codes.h"
#include "base/log.h"
#include "base/msg.h"
#include "out/out.h"
#include "pool/listed.h"
#include "pool/pooltypes.h"
#include "base/util.h"

#include <hiredis/hiredis.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int take_int(const char **s, long max, long *v)
{
    char *end;
    errno = 0;
    long n = strtol(*s, &end, 10);
    if (end == *s || errno || n < 0 || n > max)
        return -1;
    *s = end;
    *v = n;
    return 0;
}

/* %XX in the user and password of a URL. */
static int unescape(const char *p, size_t n, char *out, size_t outlen)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned hex;
        char c = p[i];
        if (c == '%' && i + 2 < n && sscanf(p + i + 1, "%2x", &hex) == 1) {
            c = (char)hex;
            i += 2;
        }
        if (k + 1 >= outlen)
            return -1;
        out[k++] = c;
    }
    out[k] = '\0';
    return 0;
}

int queue_url_parse(const char *url, struct queue_url *u, char *err, size_t errlen)
{
    /* Messages name the URL with its password as "***". */
    char v[1024];
    util_redact_url(url, v, sizeof v);
    memset(u, 0, sizeof *u);
    u->port = 6379;
    if (!strncmp(v, "rediss://", 9)) {
        snprintf(err, errlen, "redis URL \"%s\": TLS (rediss://) is not built in: Debian 12's "
                 "hiredis has no TLS; reach a TLS Redis through a local TLS tunnel (see "
                 "docs/deploy/redis-queue.md) and give redis://127.0.0.1:PORT", v);
        return -1;
    }
    if (strncmp(v, "redis://", 8)) {
        snprintf(err, errlen, "redis URL \"%s\" does not start with redis://", v);
        return -1;
    }
    const char *s = url + 8, *at = strrchr(s, '@'), *slash;
    if (at) {
        const char *colon = memchr(s, ':', (size_t)(at - s));
        size_t ulen = colon ? (size_t)(colon - s) : (size_t)(at - s);
        if (unescape(s, ulen, u->user, sizeof u->user) < 0 ||
            (colon && unescape(colon + 1, (size_t)(at - colon - 1), u->pass, sizeof u->pass) < 0)) {
            snprintf(err, errlen, "redis URL: user or password too long");
            return -1;
        }
        s = at + 1;
    }
    const char *env = getenv("SALVO_REDIS_PASSWORD");
    if (!u->pass[0] && env && *env)
        snprintf(u->pass, sizeof u->pass, "%s", env);
    size_t hlen = strcspn(s, ":/");
    if (*s == '[') { /* [IPv6] */
        const char *close = strchr(s, ']');
        if (!close) {
            snprintf(err, errlen, "redis URL \"%s\": missing ]", v);
            return -1;
        }
        s++;
        hlen = (size_t)(close - s);
    }
    if (!hlen || hlen >= sizeof u->host) {
        snprintf(err, errlen, "redis URL \"%s\" has no host", v);
        return -1;
    }
    memcpy(u->host, s, hlen);
    s += hlen + (s[hlen] == ']');
    long n;
    if (*s == ':') {
        s++;
        if (take_int(&s, 65535, &n) < 0 || n == 0) {
            snprintf(err, errlen, "redis URL \"%s\": bad port", v);
            return -1;
        }
        u->port = (int)n;
    }
    if ((slash = s, *slash == '/') && slash[1]) {
        s++;
        if (take_int(&s, 1 << 20, &n) < 0) {
            snprintf(err, errlen, "redis URL \"%s\": the database after / must be a number", v);
            return -1;
        }
        u->db = (int)n;
    } else if (*s == '/') {
        s++;
    }
    if (*s) {
        snprintf(err, errlen, "redis URL \"%s\": unexpected \"%s\"", v, s);
        return -1;
    }
    return 0;
}

int queue_url_check(const char *v, char *err, size_t errlen)
{
    struct queue_url u;
    return queue_url_parse(v, &u, err, errlen);
}

int queue_name_check(const char *v, char *err, size_t errlen)
{
    size_t n = strlen(v);
    if (!n || n > 100 || strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   "0123456789_-.") != n) {
        snprintf(err, errlen, "queue name \"%s\": use 1 to 100 letters, digits, _ - or .", v);
        return -1;
    }
    return 0;
}

void queue_key(const struct queue_settings *c, const char *what, char *out, size_t outlen)
{
    snprintf(out, outlen, "salvo:%s:%s", c->queue, what);
}

/* --- plain connection ------------------------------------------------- */

static redisContext *connect_sync(const struct queue_settings *c, struct queue_url *u)
{
    char err[512];
    if (queue_url_parse(c->redis, u, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "%s", err);
        return NULL;
    }
    struct timeval tv = {5, 0};
    redisContext *r = redisConnectWithTimeout(u->host, u->port, tv);
    if (!r || r->err) {
        log_msg(LOG_ERR, "redis %s:%d: %s", u->host, u->port, r ? r->errstr : "out of memory");
        redisFree(r);
        return NULL;
    }
    redisSetTimeout(r, (struct timeval){30, 0});
    redisReply *rep = NULL;
    if (u->pass[0])
        rep = u->user[0] ? redisCommand(r, "AUTH %s %s", u->user, u->pass)
                         : redisCommand(r, "AUTH %s", u->pass);
    if (u->pass[0] && (!rep || rep->type == REDIS_REPLY_ERROR)) {
        log_msg(LOG_ERR, "redis %s:%d: AUTH%s%s: %s", u->host, u->port, u->user[0] ? " as " : "",
                u->user, rep ? rep->str : r->errstr);
        freeReplyObject(rep);
        redisFree(r);
        return NULL;
    }
    freeReplyObject(rep);
    if (u->db) {
        rep = redisCommand(r, "SELECT %d", u->db);
        int bad = !rep || rep->type == REDIS_REPLY_ERROR;
        if (bad)
            log_msg(LOG_ERR, "redis %s:%d: SELECT %d: %s", u->host, u->port, u->db,
                    rep ? rep->str : r->errstr);
        freeReplyObject(rep);
        if (bad) {
            redisFree(r);
            return NULL;
        }
    }
    return r;
}

/* A reply that must not be an error; logs and returns NULL if it is. */
static redisReply *checked(redisContext *r, redisReply *rep, const char *what)
{
    if (rep && rep->type != REDIS_REPLY_ERROR)
        return rep;
    log_msg(LOG_ERR, "redis: %s: %s", what, rep ? rep->str : r->errstr);
    freeReplyObject(rep);
    return NULL;
}

static long long hget_ll(redisContext *r, const char *key, const char *field, long long def)
{
    redisReply *rep = redisCommand(r, "HGET %s %s", key, field);
    long long v = def;
    if (rep && rep->type == REDIS_REPLY_STRING)
        v = strtoll(rep->str, NULL, 10);
    freeReplyObject(rep);
    return v;
}

/* --- push ------------------------------------------------------------- */

/* Replies of the pipelined XADDs (and HSETs), pending at most `upto`. */
static int queue_drain(redisContext *r, long *pending, long upto)
{
    while (*pending > upto) {
        redisReply *rep = NULL;
        if (redisGetReply(r, (void **)&rep) != REDIS_OK || !rep || rep->type == REDIS_REPLY_ERROR) {
            log_msg(LOG_ERR, "redis: XADD: %s", rep ? rep->str : r->errstr);
            freeReplyObject(rep);
            return -1;
        }
        freeReplyObject(rep);
        (*pending)--;
    }
    return 0;
}

static int add_chunk(redisContext *r, const char *key, uint64_t seq, const char *fp,
                     const char *gen, const struct buf *text, size_t words)
{
    char s[24], n[24];
    snprintf(s, sizeof s, "%llu", (unsigned long long)seq);
    snprintf(n, sizeof n, "%zu", words);
    const char *argv[] = {"XADD", key, "*", "seq", s, "fp", fp, "gen", gen, "n", n, "words", text->p};
    size_t len[] = {4, strlen(key), 1, 3, strlen(s), 2, strlen(fp), 3, strlen(gen), 1, strlen(n),
                    5, text->len};
    return redisAppendCommandArgv(r, 13, argv, len) == REDIS_OK ? 0 : -1;
}

/* --recursion: the chunk's words also stay in the list hash, for the
 * chunks of each directory found (they name it by seq). */
static int keep_chunk(redisContext *r, const char *key, uint64_t seq, const struct buf *text)
{
    char s[24];
    snprintf(s, sizeof s, "%llu", (unsigned long long)seq);
    const char *argv[] = {"HSET", key, s, text->p};
    size_t len[] = {4, strlen(key), strlen(s), text->len};
    return redisAppendCommandArgv(r, 4, argv, len) == REDIS_OK ? 0 : -1;
}

/* The chunk's words as hashes (listed.h), appended to the listed string,
 * 8 bytes a word, little-endian: a worker tells from them a follow-up the
 * list's chunks probe anyway. */
static int keep_hashes(redisContext *r, const char *key, const struct buf *text, struct buf *h)
{
    buf_reset(h);
    size_t at = 0, n;
    const char *w;
    while (buf_next_line(text, &at, &w, &n)) {
        uint64_t v = listed_hash(w, n);
        unsigned char le[8];
        for (int i = 0; i < 8; i++)
            le[i] = (unsigned char)(v >> (8 * i));
        if (buf_append(h, le, 8) < 0)
            return -1;
    }
    const char *argv[] = {"APPEND", key, h->p};
    size_t len[] = {6, strlen(key), h->len};
    return redisAppendCommandArgv(r, 3, argv, len) == REDIS_OK ? 0 : -1;
}

/* A push's generation: 16 hex digits no other push makes. Every chunk
 * carries it and a result is stored only while the queue's meta has it,
 * so a queue dropped and pushed again never takes a late worker's
 * results of the one before. */
static void new_generation(char out[17])
{
    uint64_t v = 0;
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f || fread(&v, sizeof v, 1, f) != 1)
        v = util_fnv1a_str(UTIL_FNV_OFFSET, "gen") ^ ((uint64_t)time(NULL) << 20) ^
            (uint64_t)getpid() ^ (uint64_t)util_now_ns();
    if (f)
        fclose(f);
    snprintf(out, 17, "%016llx", (unsigned long long)v);
}

static int push_words(redisContext *r, const struct queue_settings *c, const char *fp,
                      const char *gen, struct input *in, uint64_t *chunks, uint64_t *words)
{
    char key[256], list[256], listed[256];
    queue_key(c, "chunks", key, sizeof key);
    queue_key(c, "list", list, sizeof list);
    queue_key(c, "listed", listed, sizeof listed);
    struct buf text = {0}, hashes = {0};
    size_t have = 0;
    long pending = 0;
    int rc = 0;
    for (;;) {
        size_t got;
        size_t lines = input_take(in, (size_t)c->chunk - have, &text, &got, NULL);
        have += got;
        int full = have >= (size_t)c->chunk ||
                   text.len + INPUT_MAX_LINE + 1 > INPUT_MAX_CHUNK_BYTES || input_done(in);
        if (full && have) {
            if (add_chunk(r, key, *chunks, fp, gen, &text, have) < 0 ||
                (c->recursion && keep_chunk(r, list, *chunks, &text) < 0) ||
                (c->may_follow && keep_hashes(r, listed, &text, &hashes) < 0) ||
                queue_drain(r, &pending, 256) < 0) {
                rc = -1;
                break;
            }
            pending += 1 + (c->recursion != 0) + (c->may_follow != 0);
            (*chunks)++;
            *words += have;
            have = 0;
            buf_reset(&text);
        }
        if (input_done(in))
            break;
        if (!lines && input_fill(in) < 0) {
            log_msg(LOG_ERR, "wordlist %s: %s", in->name, strerror(errno));
            rc = -2;
            break;
        }
    }
    if (rc == 0 && queue_drain(r, &pending, 0) < 0)
        rc = -1;
    buf_free(&text);
    buf_free(&hashes);
    return rc;
}

int queue_push(const struct queue_settings *c, const char *fp, const char *config)
{
    char err[1024], meta[256], chunks_key[256];
    struct input in;
    if (input_open(&in, c->wordlist, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "%s", err);
        return EXIT_INPUT;
    }
    in.exts = c->exts;
    struct queue_url u;
    redisContext *r = connect_sync(c, &u);
    if (!r) {
        input_close(&in);
        return EXIT_REDIS;
    }
    queue_key(c, "meta", meta, sizeof meta);
    queue_key(c, "chunks", chunks_key, sizeof chunks_key);
    int rc = EXIT_REDIS;
    redisReply *rep = checked(r, redisCommand(r, "HSETNX %s fingerprint %s", meta, fp), "HSETNX");
    if (!rep)
        goto out;
    if (rep->integer == 0) {
        log_msg(LOG_ERR, "queue \"%s\" already exists on %s:%d (%lld chunks): drop it first "
                "(salvo queue drop --queue %s) or name another one with --queue NAME", c->queue,
                u.host, u.port, hget_ll(r, meta, "chunks", 0), c->queue);
        freeReplyObject(rep);
        goto out;
    }
    freeReplyObject(rep);
    char now[24], gen[17], tmpl[4096];
    snprintf(now, sizeof now, "%lld", (long long)time(NULL));
    new_generation(gen);
    util_redact_url(c->template, tmpl, sizeof tmpl);
    rep = checked(r, redisCommand(r, "HSET %s config %s template %s chunk_words %ld created %s "
                                     "gen %s complete 0 chunks 0 words 0 hits 0 results 0", meta,
                                  config, tmpl, c->chunk, now, gen), "HSET");
    freeReplyObject(rep);
    if (!rep)
        goto out;
    rep = redisCommand(r, "XGROUP CREATE %s workers 0 MKSTREAM", chunks_key);
    if (!checked(r, rep, "XGROUP CREATE"))
        goto out;
    freeReplyObject(rep);
    uint64_t nchunks = 0, nwords = 0;
    int pr = push_words(r, c, fp, gen, &in, &nchunks, &nwords);
    rep = checked(r, redisCommand(r, "HSET %s chunks %llu words %llu complete %d", meta,
                                  (unsigned long long)nchunks, (unsigned long long)nwords,
                                  pr == 0), "HSET");
    freeReplyObject(rep);
    if (pr == 0 && rep) {
        if (!c->quiet)
            log_msg(LOG_INFO, "queue \"%s\": %llu words in %llu chunks on %s:%d", c->queue,
                    (unsigned long long)nwords, (unsigned long long)nchunks, u.host, u.port);
        rc = 0;
    } else if (pr == -2) {
        rc = 3;
    }
    if (in.long_lines)
        log_msg(LOG_WARN, "%s: %llu line(s) longer than %d bytes skipped (first: line %llu)",
                in.name, (unsigned long long)in.long_lines, INPUT_MAX_LINE,
                (unsigned long long)in.first_long_line);
out:
    redisFree(r);
    input_close(&in);
    return rc;
}

/* --- status ----------------------------------------------------------- */

const struct redisReply *queue_field(const struct redisReply *flat, const char *name)
{
    for (size_t i = 0; flat && flat->type == REDIS_REPLY_ARRAY && i + 1 < flat->elements; i += 2)
        if (flat->element[i]->type == REDIS_REPLY_STRING && !strcmp(flat->element[i]->str, name) &&
            flat->element[i + 1]->type == REDIS_REPLY_STRING)
            return flat->element[i + 1];
    return NULL;
}

static const char *queue_field_str(const redisReply *arr, const char *name)
{
    const redisReply *v = queue_field(arr, name);
    return v ? v->str : NULL;
}

static long long queue_num(const char *s)
{
    return s ? strtoll(s, NULL, 10) : 0;
}

/* The chunks a consumer holds, from XINFO CONSUMERS: [[name N pending N
 * idle N ...], ...]. */
static long long holds(const redisReply *consumers, const char *name)
{
    for (size_t i = 0; consumers && consumers->type == REDIS_REPLY_ARRAY &&
                       i < consumers->elements; i++) {
        const redisReply *cn = consumers->element[i], *v = queue_field(cn, "name");
        if (!v || strcmp(v->str, name))
            continue;
        for (size_t k = 0; k + 1 < cn->elements; k += 2)
            if (cn->element[k]->type == REDIS_REPLY_STRING &&
                !strcmp(cn->element[k]->str, "pending") &&
                cn->element[k + 1]->type == REDIS_REPLY_INTEGER)
                return cn->element[k + 1]->integer;
    }
    return 0;
}

/* A worker not heard of for FORGET_S and holding no chunk is gone: status
 * no longer lists it, and removes it from the workers hash and the
 * consumer group. */
#define FORGET_S 3600

static int forgotten(const redisReply *w, size_t i, const redisReply *x, long long now)
{
    return now - queue_num(w->element[i + 1]->str) > FORGET_S && holds(x, w->element[i]->str) == 0;
}

static void forget_workers(redisContext *r, const struct queue_settings *c, const redisReply *w,
                           const redisReply *x, const char *chunks, const char *workers,
                           long long now)
{
    (void)c;
    for (size_t i = 0; i + 1 < w->elements; i += 2) {
        if (!forgotten(w, i, x, now))
            continue;
        freeReplyObject(redisCommand(r, "HDEL %s %s", workers, w->element[i]->str));
        freeReplyObject(redisCommand(r, "XGROUP DELCONSUMER %s workers %s", chunks,
                                     w->element[i]->str));
    }
}

int queue_status(const struct queue_settings *c)
{
    char meta[256], chunks[256], done[256], workers[256];
    struct queue_url u;
    redisContext *r = connect_sync(c, &u);
    if (!r)
        return EXIT_REDIS;
    queue_key(c, "meta", meta, sizeof meta);
    queue_key(c, "chunks", chunks, sizeof chunks);
    queue_key(c, "done", done, sizeof done);
    queue_key(c, "workers", workers, sizeof workers);
    int rc = EXIT_REDIS;
    redisReply *m = checked(r, redisCommand(r, "HGETALL %s", meta), "HGETALL");
    redisReply *d = NULL, *p = NULL, *w = NULL, *x = NULL;
    if (!m)
        goto out;
    if (!m->elements) {
        log_msg(LOG_ERR, "no queue \"%s\" on %s:%d (salvo queue push makes it)", c->queue, u.host,
                u.port);
        goto out;
    }
    d = checked(r, redisCommand(r, "SCARD %s", done), "SCARD");
    p = checked(r, redisCommand(r, "XPENDING %s workers", chunks), "XPENDING");
    w = checked(r, redisCommand(r, "HGETALL %s", workers), "HGETALL");
    if (!d || !p || !w)
        goto out;
    /* A follow-up is a chunk of one word of its own; a directory, the
     * push's chunks again. */
    long long follows = queue_num(queue_field_str(m, "follows"));
    long long dirs = queue_num(queue_field_str(m, "dirs"));
    long long total = queue_num(queue_field_str(m, "chunks")) + follows +
                      queue_num(queue_field_str(m, "dir_chunks")), ndone = d->integer;
    long long words = queue_num(queue_field_str(m, "words")) + follows +
                      queue_num(queue_field_str(m, "dir_words")),
              wdone = queue_num(queue_field_str(m, "words_done"));
    long long over = queue_num(queue_field_str(m, "follows_over"));
    long long errors = queue_num(queue_field_str(m, "errors"));
    long long pending = p->elements && p->element[0]->type == REDIS_REPLY_INTEGER
                            ? p->element[0]->integer : 0;
    int complete = queue_num(queue_field_str(m, "complete")) == 1;
    long long now = (long long)time(NULL);
    int finished = complete && ndone >= total;
    /* Words a second between the first and the last chunk stored; an ETA
     * only once that spans a few seconds (before, the rate says little). */
    long long first = queue_num(queue_field_str(m, "first_stored")), last = queue_num(queue_field_str(m, "last_stored"));
    double rate = last - first >= 5 ? (double)wdone / (double)(last - first) : 0;
    long long eta = !finished && rate > 0 ? (long long)((double)(words - wdone) / rate) : -1;
    /* Who holds how many chunks now (the consumer group's view). */
    x = redisCommand(r, "XINFO CONSUMERS %s workers", chunks);
    forget_workers(r, c, w, x, chunks, workers, now);
    if (c->format && !strcmp(c->format, "jsonl")) {
        struct buf b = {0};
        buf_append_str(&b, "{\"queue\":");
        buf_json_str(&b, c->queue, strlen(c->queue), 0);
        buf_printf(&b, ",\"complete\":%s,\"chunks\":%lld,\"done\":%lld,\"pending\":%lld,"
                   "\"waiting\":%lld,\"words\":%lld,\"words_done\":%lld,\"hits\":%lld,"
                   "\"errors\":%lld,\"results\":%lld,\"rate\":%.1f,", complete ? "true" : "false",
                   total, ndone, pending,
                   total - ndone - pending > 0 ? total - ndone - pending : 0, words, wdone,
                   queue_num(queue_field_str(m, "hits")), errors, queue_num(queue_field_str(m, "results")), rate);
        if (eta >= 0)
            buf_printf(&b, "\"eta_s\":%lld,", eta);
        buf_printf(&b, "\"follows\":%lld,\"follows_over\":%lld,\"directories\":%lld,", follows,
                   over, dirs);
        buf_printf(&b, "\"finished\":%s,\"workers\":[", finished ? "true" : "false");
        for (size_t i = 0; i + 1 < w->elements; i += 2) {
            if (forgotten(w, i, x, now))
                continue;
            buf_append_str(&b, i ? ",{\"name\":" : "{\"name\":");
            buf_json_str(&b, w->element[i]->str, w->element[i]->len, 0);
            buf_printf(&b, ",\"seen_s_ago\":%lld,\"holds\":%lld}",
                       now - queue_num(w->element[i + 1]->str), holds(x, w->element[i]->str));
        }
        buf_append_str(&b, "]}\n");
        fwrite(b.p, 1, b.len, stdout);
        buf_free(&b);
    } else {
        printf("queue %s on %s:%d: %s\n", c->queue, u.host, u.port,
               !complete ? "still being pushed" : ndone >= total ? "finished" : "scanning");
        printf("  template   %s\n", queue_field_str(m, "template") ? queue_field_str(m, "template") : "?");
        printf("  chunks     %lld: %lld done, %lld pending (taken, not done), %lld waiting\n",
               total, ndone, pending, total - ndone - pending > 0 ? total - ndone - pending : 0);
        printf("  words      %lld: %lld done (%.0f%%)\n", words, wdone,
               words ? 100.0 * (double)wdone / (double)words : 0.0);
        if (dirs)
            printf("  directories %lld (--recursion: the list again under each)\n", dirs);
        if (follows || over)
            printf("  follow-ups %lld (chunks of one word, counted above)\n", follows);
        if (over)
            printf("             %lld more over --max-follows, not probed (first: %s)\n", over,
                   queue_field_str(m, "first_over") ? queue_field_str(m, "first_over") : "?");
        printf("  hits       %lld, errors %lld (%lld results stored)\n", queue_num(queue_field_str(m, "hits")),
               errors, queue_num(queue_field_str(m, "results")));
        if (rate > 0 && eta >= 0)
            printf("  rate       %.0f words/s, ETA %lld:%02lld\n", rate, eta / 60, eta % 60);
        else if (rate > 0)
            printf("  rate       %.0f words/s\n", rate);
        else
            printf("  rate       not known yet\n");
        size_t seen = 0;
        for (size_t i = 0; i + 1 < w->elements; i += 2)
            seen += !forgotten(w, i, x, now);
        printf("  workers    %zu seen\n", seen);
        for (size_t i = 0; i + 1 < w->elements; i += 2)
            if (!forgotten(w, i, x, now))
                printf("    %-40s last heard of %llds ago, holds %lld chunk(s)\n",
                       w->element[i]->str, now - queue_num(w->element[i + 1]->str),
                       holds(x, w->element[i]->str));
    }
    rc = 0;
out:
    freeReplyObject(m);
    freeReplyObject(d);
    freeReplyObject(p);
    freeReplyObject(w);
    freeReplyObject(x);
    redisFree(r);
    return rc;
}

/* --- collect ---------------------------------------------------------- */

/* (chunk, index) pairs already written, so that each result is written
 * once even if it was stored twice by some older writer. */
struct seen {
    uint64_t *v; /* seq << 24 | index, + 1 so that 0 is free */
    size_t cap, n;
};

static int seen_add(struct seen *s, uint64_t k)
{
    k++;
    if (2 * (s->n + 1) > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 4096;
        uint64_t *v = calloc(cap, sizeof *v);
        if (!v)
            return 1; /* no memory to check: write it */
        for (size_t i = 0; i < s->cap; i++)
            if (s->v[i])
                for (size_t h = (s->v[i] * 0x9E3779B97F4A7C15ull) >> 20;; h++)
                    if (!v[h & (cap - 1)]) {
                        v[h & (cap - 1)] = s->v[i];
                        break;
                    }
        free(s->v);
        s->v = v;
        s->cap = cap;
    }
    for (size_t h = (k * 0x9E3779B97F4A7C15ull) >> 20;; h++) {
        uint64_t *slot = &s->v[h & (s->cap - 1)];
        if (*slot == k)
            return 0;
        if (!*slot) {
            *slot = k;
            s->n++;
            return 1;
        }
    }
}

/* One result entry to the output; -1 if it is not a result salvo wrote. */
static int collect_one(struct out *out, struct seen *s, const redisReply *fields, struct buf *b,
                       uint64_t *dups, struct scan_stats *st)
{
    const redisReply *chunk = queue_field(fields, "chunk"), *index = queue_field(fields, "index"),
                     *res = queue_field(fields, "result");
    if (!chunk || !index || !res)
        return -1;
    struct result r;
    if (msg_get_record(res->str, res->len, &r) < 0)
        return -1; /* checked first: a bad entry must not hide the good one */
    uint64_t k = (strtoull(chunk->str, NULL, 10) << 24) | (r.index & 0xffffff);
    if (!seen_add(s, k)) {
        (*dups)++;
        return 0;
    }
    st->hits += r.verdict == V_HIT;
    if (r.verdict == V_ERROR) {
        st->errors++;
        st->errclass[codes_class(r.kind)]++;
    }
    if (r.status > 0 && r.status < 600)
        st->status[r.status]++;
    out_format(out, &r, b);
    return 0;
}

int queue_tree(const struct queue_settings *c)
{
    char list[256];
    struct queue_url u;
    redisContext *r = connect_sync(c, &u);
    if (!r)
        return 0;
    queue_key(c, "list", list, sizeof list); /* kept by a push with --recursion */
    redisReply *rep = redisCommand(r, "EXISTS %s", list);
    int tree = rep && rep->type == REDIS_REPLY_INTEGER && rep->integer > 0;
    freeReplyObject(rep);
    redisFree(r);
    return tree;
}

int queue_collect(const struct queue_settings *c, struct out *out, struct scan_stats *st)
{
    char key[256], meta[256], start[64] = "-";
    struct queue_url u;
    redisContext *r = connect_sync(c, &u);
    if (!r)
        return EXIT_REDIS;
    queue_key(c, "results", key, sizeof key);
    queue_key(c, "meta", meta, sizeof meta);
    int rc = 0;
    struct seen s = {0};
    struct buf b = {0};
    uint64_t n = 0, bad = 0, dups = 0;
    long long chunks = hget_ll(r, meta, "chunks", -1);
    if (chunks >= 0)
        chunks += hget_ll(r, meta, "follows", 0) + hget_ll(r, meta, "dir_chunks", 0);
    if (chunks < 0) {
        log_msg(LOG_ERR, "no queue \"%s\" on %s:%d", c->queue, u.host, u.port);
        rc = EXIT_REDIS;
        goto out;
    }
    memset(st, 0, sizeof *st);
    st->words_done = st->lines_done = (uint64_t)hget_ll(r, meta, "words_done", 0);
    long long first = hget_ll(r, meta, "first_stored", 0), last = hget_ll(r, meta, "last_stored", 0);
    st->elapsed = last > first ? (double)(last - first) : 0;
    for (;;) {
        redisReply *rep = checked(r, redisCommand(r, "XRANGE %s %s + COUNT 1000", key, start),
                                  "XRANGE");
        if (!rep) {
            rc = EXIT_REDIS;
            break;
        }
        size_t got = rep->type == REDIS_REPLY_ARRAY ? rep->elements : 0;
        for (size_t i = 0; i < got; i++) {
            const redisReply *e = rep->element[i];
            if (e->type != REDIS_REPLY_ARRAY || e->elements < 2)
                continue;
            snprintf(start, sizeof start, "(%s", e->element[0]->str);
            if (collect_one(out, &s, e->element[1], &b, &dups, st) < 0)
                bad++;
            else
                n++;
        }
        freeReplyObject(rep);
        if (b.len && out_write(out, b.p, b.len) < 0) {
            log_msg(LOG_ERR, "output %s: %s", out->path, strerror(errno));
            rc = 1;
            break;
        }
        buf_reset(&b);
        if (got < 1000)
            break;
    }
    if (bad)
        log_msg(LOG_WARN, "queue \"%s\": %llu entries of the results stream are not salvo "
                "results: skipped", c->queue, (unsigned long long)bad);
    if (dups)
        log_msg(LOG_WARN, "queue \"%s\": %llu results were stored twice: written once",
                c->queue, (unsigned long long)dups);
    if (rc == 0) {
        char done[256];
        queue_key(c, "done", done, sizeof done);
        redisReply *d = redisCommand(r, "SCARD %s", done);
        long long ndone = d && d->type == REDIS_REPLY_INTEGER ? d->integer : -1;
        freeReplyObject(d);
        long long complete = hget_ll(r, meta, "complete", 0);
        if (!complete || ndone < chunks)
            log_msg(LOG_WARN, "queue \"%s\" is not finished (%lld of %lld chunks done%s): "
                    "these are the results so far", c->queue, ndone, chunks,
                    complete ? "" : ", still being pushed");
        if (!c->quiet)
            log_msg(LOG_INFO, "queue \"%s\": %llu results", c->queue, (unsigned long long)n);
    }
out:
    free(s.v);
    buf_free(&b);
    redisFree(r);
    return rc;
}

/* --- drop ------------------------------------------------------------- */

int queue_drop(const struct queue_settings *c)
{
    static const char *const what[] = {"chunks", "results", "done", "meta", "workers", "seen",
                                       "list", "listed"};
    struct queue_url u;
    redisContext *r = connect_sync(c, &u);
    if (!r)
        return EXIT_REDIS;
    /* One DEL, which Redis runs at once: deleted one by one, a late
     * worker's results stored between "results" and "meta" (whose gen
     * still matched) outlived the drop and showed in the next push's. */
    enum { NKEYS = sizeof what / sizeof what[0] };
    char keys[NKEYS][256];
    const char *argv[NKEYS + 1] = {"DEL"};
    for (size_t i = 0; i < NKEYS; i++) {
        queue_key(c, what[i], keys[i], sizeof keys[i]);
        argv[i + 1] = keys[i];
    }
    redisReply *rep = checked(r, redisCommandArgv(r, NKEYS + 1, argv, NULL), "DEL");
    long long gone = rep ? rep->integer : 0;
    int rc = rep ? 0 : EXIT_REDIS;
    freeReplyObject(rep);
    if (rc == 0 && !c->quiet)
        log_msg(LOG_INFO, gone ? "queue \"%s\" dropped" : "no queue \"%s\" to drop", c->queue);
    redisFree(r);
    return rc;
}

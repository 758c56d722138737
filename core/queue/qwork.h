/* qwork: `salvo queue work` (qwork_run), and the parts of it shared by
 * qwork.c (chunks in, results stored) and qconn.c (the connection to
 * Redis, made again when lost). */
#ifndef SALVO_QWORK_H
#define SALVO_QWORK_H
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include <hiredis/hiredis.h>
#include <hiredis/async.h>

#include "base/buf.h"
#include "queue/queue.h"
#include "pool/listed.h"
#include "pool/pooltypes.h"


/* A chunk taken from the stream and not yet stored. */
struct held {
    char id[48];          /* stream entry id */
    char gen[24];         /* the push that made it ("" before generations) */
    uint64_t seq, tag;
    struct buf text;
    size_t words;         /* words handed to the pool */
    size_t dropped;       /* a directory's words followed before it: not probed */
    uint64_t in_list;     /* follow-ups the list's chunks probe: not stored */
    int given;            /* handed to the pool */
    int scanned;          /* its results are in frames */
    int sending;          /* the store command is in flight */
    double retry_at;      /* after an error reply */
    struct buf frames;
    uint32_t nframes;
    struct buf follows;   /* follow-ups and directories found (recurse.h's records) */
    struct pool_from from; /* a follow-up's or a directory's level, parent, prefix */
    char ref[24];         /* a directory's chunk: the seq of the push's words, until read */
    int loading;          /* those words are asked for */
    struct held *next;
};

struct qw {
    const struct queue_settings *c;
    int diff_pending;     /* a refusal waits for the queue's options, to name the difference */
    struct queue_url u;
    char k_chunks[256], k_results[256], k_done[256], k_meta[256], k_workers[256], k_seen[256];
    char k_list[256], k_listed[256];
    char consumer[192];
    const char *fp, *config;
    uv_loop_t loop;
    uv_timer_t tick;
    redisAsyncContext *ac;
    int up;                    /* connected, authenticated, database selected */
    int ever_up;
    int auth_failed;
    double connect_started, next_connect, backoff, last_reply;
    int down_said;
    struct held *held;
    uint64_t next_tag;
    int fetching;              /* a fetch round in flight */
    double next_fetch, last_claim, last_refresh;
    int waiting_said;          /* "no queue yet" was said */
    int finished;              /* the whole queue is done, nothing of ours left */
    int fatal;                 /* stop: exit status */
    int closing;               /* the end: a lost connection is no news */
    int released;              /* the unscanned chunks were let go */
    int release_pending;       /* and Redis has not answered that yet */
    uint64_t twice;            /* chunks another worker had stored first */
    uint64_t wordless;         /* directory chunks whose words the queue lost */
    uint64_t taken_over;       /* chunks claimed from other workers */
    uint64_t over_follows;     /* follow-ups past the queue's --max-follows */
    int dir_wait_said;         /* a directory waited for the push to end */
    /* The push's words as hashes (its listed string), read at the first
     * follow-up once the push is complete: a follow-up the list's chunks
     * probe, or a directory's, is not stored. */
    struct listed listed;
    int listed_state;          /* 0 not read yet, 1 read, -1 none kept */
    int listed_loading;
    /* The push the hashes are of, and the chunk's push they were read
     * for: a worker outliving a drop and a new push reads them again. */
    char listed_gen[24], listed_for[24];
    uint64_t in_list;          /* follow-ups not stored for that */
    uint64_t dropped;          /* directories' words not probed: followed before */
};

/* The `queue work` subcommand: take chunks from the queue, scan them with
 * the pool, store their results. Returns the exit status; fp and config
 * as queue_push's. */
int qwork_run(const struct queue_settings *c, struct plugin *plugin, const char *fp,
              const char *config, struct out *out, struct scan_stats *st);

/* Store h's results (and follow-ups), acknowledge it, drop it from the
 * held list once Redis said so; again after an error reply. */
void qstore_send(struct qw *q, struct held *h);
/* Send what is scanned and not in flight (or due again). */
void qstore_send_all(struct qw *q, double now);
void qstore_free(struct held *h);
/* Ask for the words of the directory chunks held (again, after a lost
 * connection). */
void qwork_load(struct qw *q);

/* Send a command (hiredis copies the arguments); nothing when not
 * connected. */
void qconn_send_argv(struct qw *q, redisCallbackFn *cb, void *pd, int argc, const char **argv,
                     const size_t *len);
/* The same with plain strings. */
void qconn_send(struct qw *q, redisCallbackFn *cb, void *pd, int argc, const char **argv);
/* No reply (the connection went) or an error reply. */
static inline int qconn_is_error(const redisReply *r)
{
    return !r || r->type == REDIS_REPLY_ERROR;
}
/* The connection is gone (or given up on): what was in flight is unsent;
 * try again after a growing delay. */
void qconn_lost(struct qw *q, const char *why);
/* Close the connection now and count it as lost. */
void qconn_drop(struct qw *q, const char *why);
/* Connect, log in, select the database, register the worker. */
void qconn_start(struct qw *q);
/* Whether r is an error that no retry can mend (no or a wrong password, a
 * command the user may not run, a command the server lacks): if so, said
 * once, naming what is missing, and queue work ends with EXIT_REDIS. */
int qconn_permanent(struct qw *q, const redisReply *r, const char *doing);
#endif

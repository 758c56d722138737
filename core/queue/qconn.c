/* qconn: queue work's connection to Redis (see qwork.h). hiredis runs in
 * the queue's own libuv loop; a connection that fails or goes away is made
 * again with a delay that doubles from 0.25 s to 5 s. */
#include "queue/qwork.h"

#include "base/codes.h"
#include "base/log.h"
#include "base/util.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wunused-function"
#include <hiredis/adapters/libuv.h>
#pragma GCC diagnostic pop

#include <stdio.h>
#include <string.h>
#include <time.h>

void qconn_send_argv(struct qw *q, redisCallbackFn *cb, void *pd, int argc, const char **argv,
                      const size_t *len)
{
    if (!q->ac || redisAsyncCommandArgv(q->ac, cb, pd, argc, argv, len) != REDIS_OK)
        return;
}

int qconn_permanent(struct qw *q, const redisReply *r, const char *doing)
{
    static const char *const never[] = {"NOAUTH", "WRONGPASS", "NOPERM", "ERR unknown command",
                                        "ERR unknown subcommand"};
    int hit = 0;
    for (size_t i = 0; r && r->type == REDIS_REPLY_ERROR && i < sizeof never / sizeof never[0]; i++)
        hit |= strstr(r->str, never[i]) != NULL;
    if (!hit)
        return 0;
    if (!q->fatal)
        log_msg(LOG_ERR, "redis %s:%d: %s: %s: trying again cannot mend this. queue work needs "
                "the password (in --redis, SALVO_REDIS_PASSWORD or --redis-password-file) "
                "of a user who may run XREADGROUP, XAUTOCLAIM, XACK, XDEL, XADD, EVAL, HSET, "
                "HGET, HINCRBY, SADD and SCARD on the keys salvo:%s:* (docs/deploy/"
                "redis-queue.md gives the ACL), on Redis 6.2 or later",
                q->u.host, q->u.port, doing, r->str, q->c->queue);
    q->fatal = EXIT_REDIS;
    return 1;
}

/* Send a command of plain strings. */
void qconn_send(struct qw *q, redisCallbackFn *cb, void *pd, int argc, const char **argv)
{
    size_t len[16];
    for (int i = 0; i < argc && i < 16; i++)
        len[i] = strlen(argv[i]);
    qconn_send_argv(q, cb, pd, argc, argv, len);
}

/* The connection is gone (or given up on): what was in flight is unsent. */
void qconn_lost(struct qw *q, const char *why)
{
    q->up = 0;
    q->fetching = 0;
    q->release_pending = 0;
    for (struct held *h = q->held; h; h = h->next)
        h->sending = 0;
    if (!q->down_said && !q->fatal && !q->closing)
        log_msg(LOG_WARN, "redis %s:%d: %s; waiting for it and connecting again", q->u.host,
                q->u.port, why);
    q->down_said = 1;
    q->backoff = q->backoff ? (q->backoff * 2 > 5 ? 5 : q->backoff * 2) : 0.25;
    q->next_connect = util_now() + q->backoff;
}

static void qconn_on_disconnect(const redisAsyncContext *ac, int status)
{
    struct qw *q = ac->data;
    if (q->ac == ac)
        q->ac = NULL;
    qconn_lost(q, status == REDIS_OK ? "connection closed" : ac->errstr);
}

static void qconn_on_connect(const redisAsyncContext *ac, int status)
{
    struct qw *q = ac->data;
    if (status == REDIS_OK)
        return;
    /* hiredis frees the context after this callback. */
    if (q->ac == ac)
        q->ac = NULL;
    qconn_lost(q, ac->errstr);
}

void qconn_drop(struct qw *q, const char *why)
{
    redisAsyncContext *ac = q->ac;
    q->ac = NULL;
    if (ac)
        redisAsyncFree(ac);
    qconn_lost(q, why);
}

static void qconn_on_auth(redisAsyncContext *ac, void *reply, void *pd)
{
    struct qw *q = ac->data;
    if (reply)
        q->last_reply = util_now();
    redisReply *r = reply;
    (void)pd;
    if (r && r->type == REDIS_REPLY_ERROR && !q->auth_failed) {
        q->auth_failed = 1;
        log_msg(LOG_ERR, "redis %s:%d: %s%s%s: %s", q->u.host, q->u.port,
                pd ? "SELECT" : "AUTH", !pd && q->u.user[0] ? " as " : "",
                pd ? "" : q->u.user, r->str);
    }
}

static void qconn_on_hello(redisAsyncContext *ac, void *reply, void *pd)
{
    struct qw *q = ac->data;
    if (reply)
        q->last_reply = util_now();
    (void)pd;
    if (!reply || q->ac != ac)
        return;
    if (q->auth_failed) {
        q->fatal = EXIT_REDIS;
        return;
    }
    q->up = 1;
    q->backoff = 0;
    q->last_reply = util_now();
    char now[24];
    snprintf(now, sizeof now, "%lld", (long long)time(NULL));
    const char *a[] = {"HSET", q->k_workers, q->consumer, now};
    qconn_send(q, NULL, NULL, 4, a);
    if (q->down_said)
        log_msg(LOG_INFO, "redis %s:%d: connected%s", q->u.host, q->u.port,
                q->ever_up ? " again" : "");
    q->ever_up = 1;
    q->down_said = 0;
}

void qconn_start(struct qw *q)
{
    redisAsyncContext *ac = redisAsyncConnect(q->u.host, q->u.port);
    q->connect_started = util_now();
    if (!ac || ac->err) {
        qconn_lost(q, ac ? ac->errstr : "out of memory");
        if (ac)
            redisAsyncFree(ac);
        return;
    }
    ac->data = q;
    if (redisLibuvAttach(ac, &q->loop) != REDIS_OK) {
        redisAsyncFree(ac);
        qconn_lost(q, "cannot watch the connection");
        return;
    }
    redisAsyncSetConnectCallback(ac, qconn_on_connect);
    redisAsyncSetDisconnectCallback(ac, qconn_on_disconnect);
    q->ac = ac;
    q->auth_failed = 0;
    if (q->u.pass[0]) {
        const char *a[] = {"AUTH", q->u.user, q->u.pass};
        if (q->u.user[0])
            qconn_send(q, qconn_on_auth, NULL, 3, a);
        else {
            a[1] = q->u.pass;
            qconn_send(q, qconn_on_auth, NULL, 2, a);
        }
    }
    if (q->u.db) {
        char db[16];
        snprintf(db, sizeof db, "%d", q->u.db);
        const char *a[] = {"SELECT", db};
        qconn_send(q, qconn_on_auth, q, 2, a);
    }
    const char *ping[] = {"PING"};
    qconn_send(q, qconn_on_hello, NULL, 1, ping);
}


/* pool: the parent process. It forks the workers once, hands out chunks
 * of the wordlist on demand, writes every result (it is the only writer of
 * the output), and notices signals and dead workers. It scans nothing.
 *
 * One poll() loop watches every worker's socket, the wordlist (only while
 * a worker waits for words, so a slow stdin never stalls the results) and
 * a self-pipe for signals. Sockets are non-blocking on this side: a worker
 * that does not read can never block the parent.
 *
 * No chunk goes out before every worker has run the plugin's init(), so a
 * plugin that refuses its configuration stops the scan before the first
 * request. A chunk counts as done only after its results are written.
 */
#include "pool.h"

#include "codes.h"
#include "log.h"
#include "msg.h"
#include "opt.h"
#include "out.h"
#include "journal.h"
#include "plugin.h"
#include "prog.h"
#include "perip.h"
#include "rate.h"
#include "tmpl.h"
#include "beacon.h"
#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

/* A chunk handed out and not yet done. It keeps its words so that it can
 * be handed out again if its worker dies, the indices of the results
 * already written (a second run of the chunk must not write them twice)
 * and the words that are quarantined (never to be probed again). */
struct chunkrec {
    uint64_t id;
    size_t words;
    size_t lines;            /* input lines it covers, blank ones included */
    uint64_t first_line;     /* 0-based number of the first of them */
    struct buf results;      /* formatted output, written when the chunk is done */
    struct buf offs;         /* uint32_t line offset of each word */
    struct buf failed;       /* uint64_t line numbers of its words that failed */
    struct buf text;         /* the words, '\n'-separated */
    struct buf written;      /* uint32_t indices */
    struct buf skip;         /* uint32_t indices */
    struct buf frames;       /* with a pool_src: the results as frames, for done() */
    uint32_t nframes;
    uint64_t tag;            /* the pool_src's name for it */
    struct chunkrec *next;
};

#define QUARANTINE_AFTER 2   /* deaths on the same word */
#define MAX_RESPAWNS 64

struct wk {
    pid_t pid;
    int fd;            /* -1 once the worker is gone */
    int ready;
    int want;
    int ended;         /* MSG_END sent */
    struct buf in, out;
    struct chunkrec *pend;  /* chunks sent and not done */
    struct beacon *beacon;
};

struct pool {
    const struct conf *c;
    struct input *in;
    const struct pool_src *src; /* or NULL: chunks from in */
    struct out *out;
    struct pool_stats *st;
    struct wk *w;
    int n;
    int alive;
    int nready;
    uint64_t next_id;
    struct chunkrec *next;  /* the next new chunk, prepared */
    struct chunkrec *requeue, *requeue_tail; /* from dead workers, first */
    struct plugin *plugin;
    int respawns;
    int started;            /* every first worker has run init() */
    struct beacon *beacons;
    struct rate *rate;      /* shared by the workers, made before they fork */
    struct rate *dns_rate;  /* dns_rate, the same way */
    struct perip *perip;    /* per_ip_concurrency and per_ip_rate, the same way */
    struct journal *j;      /* lines done; saved when it has a path */
    double last_save;
    FILE *failed_f;         /* STATE.failed, with --state */
    uint64_t failed_bytes;
    struct {
        uint64_t chunk;
        uint32_t index;
        int deaths;
    } suspects[64];
    size_t nsuspects;
    int stopping;
    int signo;
    int fatal;              /* exit status 4 from a worker */
    int failed;             /* exit status 1 */
    int out_broken;
    int killed;             /* we sent SIGKILL ourselves */
    uint64_t seen[256];     /* script error messages already shown */
    size_t nseen;
    int input_error;
};

static int sigpipe_fds[2] = {-1, -1};

/* The parent's own messages clear the progress line first. */
static void parent_log(const char *line, size_t len, void *ud)
{
    (void)ud;
    prog_clear();
    ssize_t n = write(STDERR_FILENO, line, len);
    (void)n;
}

static void on_signal(int sig)
{
    unsigned char b = (unsigned char)sig;
    int saved = errno;
    ssize_t r = write(sigpipe_fds[1], &b, 1);
    (void)r;
    errno = saved;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void wk_write(struct pool *p, struct wk *w)
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

static void send_end(struct pool *p, struct wk *w)
{
    if (w->ended || w->fd < 0)
        return;
    msg_put(&w->out, p->stopping ? MSG_STOP : MSG_END, NULL, 0);
    w->ended = 1;
    wk_write(p, w);
}

static void rec_free(struct chunkrec *r)
{
    buf_free(&r->results);
    buf_free(&r->offs);
    buf_free(&r->failed);
    buf_free(&r->text);
    buf_free(&r->written);
    buf_free(&r->skip);
    buf_free(&r->frames);
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
        int got = p->src->take(p->src->ud, &r->text, &r->words, &r->tag);
        if (got <= 0 || !r->words) {
            rec_free(r);
            return got < 0 ? -1 : 0;
        }
        r->lines = r->words;
        r->id = p->next_id++;
        p->next = r;
        return 1;
    }
    for (;;) {
        struct chunkrec *r = calloc(1, sizeof *r);
        if (!r)
            return 0;
        r->first_line = p->in->line;
        size_t lines = input_take(p->in, (size_t)p->c->chunk, &r->text, &r->words, &r->offs);
        r->lines = lines;
        if (!r->words) { /* only blank or skipped lines: done already */
            p->st->lines_done += lines;
            journal_done(p->j, r->first_line, r->first_line + lines);
        }
        if (r->words) {
            r->id = p->next_id++;
            p->next = r;
            return 1;
        }
        rec_free(r);
        if (!lines)
            return input_done(p->in) ? -1 : 0;
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
    /* MSG_CHUNK payload: id, number of indices to skip, the indices, words */
    struct buf f = {0};
    uint32_t nskip = (uint32_t)(r->skip.len / 4);
    buf_append(&f, &r->id, 8);
    buf_append(&f, &nskip, 4);
    buf_append(&f, r->skip.p, r->skip.len);
    buf_append(&f, r->text.p, r->text.len);
    msg_put(&w->out, MSG_CHUNK, f.p, f.len);
    buf_free(&f);
    r->next = w->pend;
    w->pend = r;
    w->want = 0;
    wk_write(p, w);
}

static void dispatch(struct pool *p)
{
    if (p->stopping) {
        for (int i = 0; i < p->n; i++)
            send_end(p, &p->w[i]);
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
            send_end(p, w);
    }
}

static void out_failed(struct pool *p);
static void save_state(struct pool *p);

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

static void chunk_done(struct pool *p, struct wk *w, uint64_t id)
{
    for (struct chunkrec **pp = &w->pend; *pp; pp = &(*pp)->next)
        if ((*pp)->id == id) {
            struct chunkrec *r = *pp;
            *pp = r->next;
            p->st->words_done += r->words;
            p->st->lines_done += r->lines;
            if (!p->out_broken && r->results.len) {
                prog_clear();
                if (out_write(p->out, r->results.p, r->results.len) < 0)
                    out_failed(p);
            }
            if (p->src)
                p->src->done(p->src->ud, r->tag, &r->frames, r->nframes);
            else if (!p->out_broken) {
                journal_done(p->j, r->first_line, r->first_line + r->lines);
                record_failed(p, r);
            }
            rec_free(r);
            if (p->j->path[0] && now() - p->last_save >= 1.0)
                save_state(p);
            return;
        }
}

/* A result of a chunk that may run for the second time: write it once. */
/* The chunk a result belongs to, or NULL if this result was already
 * taken (its chunk runs for the second time) or the chunk is unknown. */
static struct chunkrec *first_time(struct wk *w, const struct result *r)
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
    uint64_t h = 1469598103934665603ull; /* FNV-1a of the first line */
    for (const char *c = msg; *c && *c != '\n'; c++)
        h = (h ^ (unsigned char)*c) * 1099511628211ull;
    for (size_t i = 0; i < p->nseen; i++)
        if (p->seen[i] == h)
            return;
    if (p->nseen < sizeof p->seen / sizeof p->seen[0])
        p->seen[p->nseen++] = h;
    log_msg(LOG_ERR, "%s", error);
}

static void out_failed(struct pool *p)
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
static void emit(struct pool *p, struct chunkrec *c, const struct result *r)
{
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
    if (p->src && (r->verdict == V_HIT || (r->verdict == V_ERROR && p->out->errors) ||
                   r->verdict == V_FILTERED)) {
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
static void save_state(struct pool *p)
{
    char err[512];
    if (!p->j->path[0] || p->out_broken)
        return;
    if (out_sync(p->out) < 0) {
        out_failed(p);
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
    p->last_save = now();
}

/* The first worker's calibration is the one reported; later reports of
 * a worker say the not-found page changed during the scan. */
static int on_calib(struct pool *p, const struct frame *f)
{
    uint32_t head[3]; /* probes, pages, changed during the scan */
    if (f->len < sizeof head)
        return -1;
    memcpy(head, f->p, sizeof head);
    const char *text = f->p + sizeof head, *end = f->p + f->len;
    const char *nul = memchr(text, '\0', (size_t)(end - text));
    if (!nul)
        return -1;
    if (head[2])
        p->st->calib_changes++;
    else if (p->st->calib_text)
        return 0;
    char *t = strndup(text, (size_t)(nul - text)), *j = strndup(nul + 1, (size_t)(end - nul - 1));
    if (!t || !j) {
        free(t);
        free(j);
        return 0;
    }
    free(p->st->calib_text);
    free(p->st->calib_json);
    p->st->calib_text = t;
    p->st->calib_json = j;
    p->st->calib_probes = head[0];
    p->st->calib_pages = head[1];
    return 0;
}

static int on_frame(struct pool *p, struct wk *w, const struct frame *f)
{
    struct result r;
    uint64_t id;
    switch (f->type) {
    case MSG_READY:
        if (!w->ready++)
            p->nready++;
        return 0;
    case MSG_WANT:
        w->want = 1;
        return 0;
    case MSG_RESULT:
        if (msg_get_result(f, &r) < 0)
            return -1;
        struct chunkrec *c = first_time(w, &r);
        if (c)
            emit(p, c, &r);
        return 0;
    case MSG_DONE:
        if (msg_get_u64(f, &id) < 0)
            return -1;
        chunk_done(p, w, id);
        return 0;
    case MSG_STATS:
        for (size_t off = 0; off + 6 <= f->len; off += 6) {
            uint16_t key;
            uint32_t n;
            memcpy(&key, f->p + off, 2);
            memcpy(&n, f->p + off + 2, 4);
            if (key < 600)
                p->st->status[key] += n;
            else if (key == STATS_RETRIES)
                p->st->retries += n;
            else if (key == STATS_MISSES)
                p->st->misses += n;
            else if (key == STATS_FILTERED)
                p->st->filtered += n;
            else if (key == STATS_CALIBRATED)
                p->st->calibrated += n;
            else if (key == STATS_WILDCARDS)
                p->st->wildcards += n;
            else if (key >= STATS_SIZE && key < STATS_SIZE + SIZE_BUCKETS)
                p->st->sizes[key - STATS_SIZE] += n;
        }
        return 0;
    case MSG_CALIB:
        return on_calib(p, f);
    case MSG_WILD:
        if (!p->st->wild_text)
            p->st->wild_text = strndup(f->p, f->len);
        return 0;
    case MSG_LOG: {
        prog_clear();
        ssize_t n = write(STDERR_FILENO, f->p, f->len);
        (void)n;
        return 0;
    }
    case MSG_FATAL:
        log_msg(LOG_ERR, "%.*s", (int)f->len, f->p);
        p->fatal = 1;
        p->stopping = 1;
        return 0;
    default:
        return -1;
    }
}

static int spawn_one(struct pool *p, int i);

/* A word that killed QUARANTINE_AFTER workers gets an error verdict and is
 * never handed out again. Returns 1 if it was quarantined now. */
static int suspect(struct pool *p, struct wk *w, const char *why)
{
    struct beacon *b = w->beacon;
    size_t k;
    for (k = 0; k < p->nsuspects; k++)
        if (p->suspects[k].chunk == b->chunk && p->suspects[k].index == b->index)
            break;
    if (k == p->nsuspects) {
        if (k == sizeof p->suspects / sizeof p->suspects[0])
            return 0;
        p->suspects[k].chunk = b->chunk;
        p->suspects[k].index = b->index;
        p->suspects[k].deaths = 0;
        p->nsuspects++;
    }
    if (++p->suspects[k].deaths < QUARANTINE_AFTER)
        return 0;
    for (struct chunkrec *c = w->pend; c; c = c->next) {
        if (c->id != b->chunk)
            continue;
        uint32_t idx = b->index;
        buf_append(&c->skip, &idx, 4);
        buf_append(&c->written, &idx, 4);
        char error[256];
        snprintf(error, sizeof error, "quarantined: killed %d workers (%s)",
                 p->suspects[k].deaths, why);
        struct buf url = {0};
        tmpl_expand(p->c->template, b->word, b->len, &url);
        struct result r = {.chunk = c->id, .index = idx, .verdict = V_ERROR,
                           .kind = ERR_CRASH, .word = b->word, .wlen = b->len, .url = url.p ? url.p : "",
                           .error = error, .charset = "", .ip = ""};
        emit(p, c, &r);
        buf_free(&url);
        return 1;
    }
    return 0;
}

/* A worker is gone. If it died, say which word it was judging, give its
 * chunks to the others (their written results are not written again) and
 * start a new worker in its place. */
static void reap_worker(struct pool *p, struct wk *w)
{
    int status = 0;
    close(w->fd);
    w->fd = -1;
    p->alive--;
    if (w->ready)
        p->nready--;
    while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
        ;
    int clean = WIFEXITED(status) && (WEXITSTATUS(status) == 0 ||
                                      (WEXITSTATUS(status) == 4 && p->fatal));
    if (!clean && !p->killed) {
        char why[96];
        if (WIFSIGNALED(status))
            snprintf(why, sizeof why, "signal %d, %s", WTERMSIG(status),
                     strsignal(WTERMSIG(status)));
        else
            snprintf(why, sizeof why, "exit status %d", WEXITSTATUS(status));
        struct beacon *b = w->beacon;
        if (b->busy) {
            log_msg(LOG_ERR, "worker %d died (%s) while judging the word \"%.*s\" "
                    "(chunk %llu, word %u)", (int)w->pid, why, (int)b->len, b->word,
                    (unsigned long long)b->chunk, (unsigned)b->index);
            if (suspect(p, w, why))
                log_msg(LOG_WARN, "the word \"%.*s\" is quarantined: it killed %d workers",
                        (int)b->len, b->word, QUARANTINE_AFTER);
        } else {
            log_msg(LOG_ERR, "worker %d died (%s)", (int)w->pid, why);
        }
        b->busy = 0;
        p->st->crashes++;
    }
    /* Its chunks go to the front of the queue, in the order it got them. */
    while (w->pend) {
        struct chunkrec *r = w->pend;
        w->pend = r->next;
        r->next = p->requeue;
        p->requeue = r;
        if (!p->requeue_tail)
            p->requeue_tail = r;
    }
    if (clean || p->stopping || p->killed)
        return;
    if (!w->ready) {
        p->fatal = 1; /* died before it could even start */
        p->stopping = 1;
        return;
    }
    if (p->respawns++ >= MAX_RESPAWNS) {
        log_msg(LOG_ERR, "%d workers died: not starting another", MAX_RESPAWNS);
        p->failed = 1;
        return;
    }
    w->ready = 0;
    w->want = 0;
    w->ended = 0;
    if (spawn_one(p, (int)(w - p->w)) < 0)
        p->failed = 1;
}

static void wk_read(struct pool *p, struct wk *w)
{
    for (;;) {
        if (buf_reserve(&w->in, 65536) < 0)
            return;
        ssize_t n = read(w->fd, w->in.p + w->in.len, w->in.cap - w->in.len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            break;
        if (n <= 0) {
            reap_worker(p, w);
            return;
        }
        w->in.len += (size_t)n;
        if ((size_t)n < 65536)
            break;
    }
    struct frame f;
    long used;
    size_t off = 0;
    while ((used = msg_next(w->in.p + off, w->in.len - off, &f)) > 0) {
        if (on_frame(p, w, &f) < 0) {
            used = -1;
            break;
        }
        off += (size_t)used;
    }
    if (used < 0) {
        log_msg(LOG_ERR, "worker %d sent a malformed message; stopping it", (int)w->pid);
        kill(w->pid, SIGKILL);
        off = w->in.len;
    }
    buf_consume(&w->in, off);
}

static void on_sig(struct pool *p)
{
    unsigned char b;
    while (read(sigpipe_fds[0], &b, 1) == 1) {
        if (p->signo) {
            /* Second signal: stop now. What was written stays written. */
            log_msg(LOG_WARN, "stopping now");
            p->killed = 1;
            for (int i = 0; i < p->n; i++)
                if (p->w[i].fd >= 0)
                    kill(p->w[i].pid, SIGKILL);
            continue;
        }
        p->signo = b;
        p->stopping = 1;
        log_msg(LOG_WARN, "%s: finishing the probes in flight (again to stop at once)",
                b == SIGINT ? "interrupted" : "terminated");
    }
}

static int spawn_one(struct pool *p, int i)
{
    struct wk *w = &p->w[i];
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        log_msg(LOG_ERR, "socketpair: %s", strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        log_msg(LOG_ERR, "fork: %s", strerror(errno));
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    if (pid == 0) {
        close(sv[0]);
        for (int k = 0; k < p->n; k++)
            if (k != i && p->w[k].fd >= 0)
                close(p->w[k].fd);
        if (p->in && p->in->own_fd)
            close(p->in->fd);
        if (p->src && p->src->child)
            p->src->child(p->src->ud);
        if (sigpipe_fds[0] >= 0) {
            close(sigpipe_fds[0]);
            close(sigpipe_fds[1]);
        }
        _exit(worker_run(sv[1], p->c, p->plugin, w->beacon, p->rate, p->dns_rate, p->perip));
    }
    close(sv[1]);
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    w->pid = pid;
    w->fd = sv[0];
    buf_reset(&w->in);
    buf_reset(&w->out);
    p->alive++;
    return 0;
}

static int spawn(struct pool *p)
{
    /* One page per worker, shared, made before any fork. */
    size_t size = sizeof(struct beacon) * (size_t)p->n;
    void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        log_msg(LOG_ERR, "mmap: %s", strerror(errno));
        return -1;
    }
    p->beacons = m;
    for (int i = 0; i < p->n; i++) {
        p->w[i].fd = -1;
        p->w[i].beacon = (struct beacon *)m + i;
    }
    for (int i = 0; i < p->n; i++)
        if (spawn_one(p, i) < 0)
            return -1;
    return 0;
}

static void install_signals(void)
{
    if (pipe2(sigpipe_fds, O_CLOEXEC | O_NONBLOCK) < 0)
        return;
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static int skip_done(void *ud, uint64_t line)
{
    return journal_is_done(ud, line);
}

static int run(const struct conf *c, struct plugin *plugin, struct input *in,
               const struct pool_src *src, struct out *out, struct journal *j,
               struct pool_stats *st)
{
    struct pool p = {.c = c, .in = in, .src = src, .out = out, .st = st, .n = (int)c->procs,
                     .j = j};
    int resuming = j->low || j->n;
    if (resuming) { /* pass over what is done */
        in->skip = skip_done;
        in->skip_ud = j;
    }
    if (j->path[0]) {
        char fp[sizeof j->path + 8];
        snprintf(fp, sizeof fp, "%s.failed", j->path);
        p.failed_f = fopen(fp, resuming ? "r+" : "w");
        if (!p.failed_f && resuming)
            p.failed_f = fopen(fp, "w");
        if (p.failed_f && resuming && (ftruncate(fileno(p.failed_f), (off_t)j->failed_bytes) < 0 ||
                                       fseeko(p.failed_f, 0, SEEK_END) < 0)) {
            fclose(p.failed_f);
            p.failed_f = NULL;
        }
        if (!p.failed_f)
            log_msg(LOG_WARN, "%s: %s: failed words are not recorded", fp, strerror(errno));
        else
            p.failed_bytes = resuming ? j->failed_bytes : 0;
    }
    if (p.n < 1) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        p.n = cores > 0 ? (int)cores : 1;
    }
    memset(st, 0, sizeof *st);
    st->procs = p.n;
    st->start = now();
    if (!(p.w = calloc((size_t)p.n, sizeof *p.w)))
        return EXIT_PARTIAL;
    signal(SIGPIPE, SIG_IGN);
    p.plugin = plugin;
    p.rate = rate_new(c->rate);
    p.dns_rate = rate_new(c->dns_rate);
    p.perip = perip_new(c->per_ip_concurrency, c->per_ip_rate);
    if (spawn(&p) < 0) {
        p.stopping = 1;
        p.failed = 1;
        p.n = p.alive;
    }
    install_signals();
    save_state(&p); /* with --state, a state exists from the start */
    prog_start(!c->quiet, in->fd);
    log_set_sink(parent_log, NULL);
    struct pollfd *pfd = calloc((size_t)p.n + 3, sizeof *pfd);
    while (p.alive > 0 && pfd) {
        int k = 0, input_slot = -1;
        for (int i = 0; i < p.n; i++) {
            struct wk *w = &p.w[i];
            if (w->fd < 0)
                continue;
            pfd[k++] = (struct pollfd){w->fd, (short)(POLLIN | (w->out.len ? POLLOUT : 0)), 0};
        }
        int wants = 0;
        for (int i = 0; i < p.n; i++)
            wants |= p.w[i].fd >= 0 && p.w[i].want;
        if (wants && !p.stopping && (p.started || p.nready == p.n) && !p.next &&
            !p.requeue && !in->eof) {
            input_slot = k;
            pfd[k++] = (struct pollfd){in->fd, POLLIN, 0};
        }
        int timeout = prog_enabled() ? 250 : -1;
        if (src) {
            int t = uv_backend_timeout(src->loop);
            if (t >= 0 && (timeout < 0 || t < timeout))
                timeout = t;
            pfd[k++] = (struct pollfd){uv_backend_fd(src->loop), POLLIN, 0};
        }
        pfd[k++] = (struct pollfd){sigpipe_fds[0], POLLIN, 0};
        if (poll(pfd, (nfds_t)k, timeout) < 0) {
            if (errno == EINTR)
                continue;
            log_msg(LOG_ERR, "poll: %s", strerror(errno));
            break;
        }
        if (pfd[k - 1].revents)
            on_sig(&p);
        int slot = 0;
        for (int i = 0; i < p.n; i++) {
            struct wk *w = &p.w[i];
            if (w->fd < 0)
                continue;
            short rev = pfd[slot++].revents;
            if (rev & POLLOUT)
                wk_write(&p, w);
            if (rev & (POLLIN | POLLHUP | POLLERR))
                wk_read(&p, w);
        }
        if (src)
            uv_run(src->loop, UV_RUN_NOWAIT);
        if (input_slot >= 0 && pfd[input_slot].revents && input_fill(in) < 0) {
            log_msg(LOG_ERR, "wordlist %s: %s", in->name, strerror(errno));
            p.input_error = 1;
            p.failed = 1;
        }
        dispatch(&p);
        if (!p.out_broken && out_flush(out) < 0)
            out_failed(&p);
        prog_count();
        prog_draw(st, 0);
        if (p.out_broken && !p.killed) {
            /* Nobody reads the results any more (e.g. "| head"). */
            p.killed = 1;
            for (int i = 0; i < p.n; i++)
                if (p.w[i].fd >= 0)
                    kill(p.w[i].pid, SIGKILL);
        }
    }
    prog_stop();
    /* Interrupted without --state: keep what is done, and say where. */
    if (p.signo && !j->path[0] && !src) {
        snprintf(j->path, sizeof j->path, "salvo-%d.state", (int)getpid());
    }
    save_state(&p);
    if (p.signo && j->path[0])
        log_msg(LOG_WARN, "state saved in %s: continue with --resume %s (and the same "
                "options)", j->path, j->path);
    log_set_sink(NULL, NULL);
    st->elapsed = now() - st->start;
    st->long_lines = in->long_lines;
    if (in->long_lines)
        log_msg(LOG_WARN, "%s: %llu line(s) longer than %d bytes skipped (first: line %llu)",
                in->name, (unsigned long long)in->long_lines, INPUT_MAX_LINE,
                (unsigned long long)in->first_long_line);
    for (int i = 0; i < p.n; i++) {
        buf_free(&p.w[i].in);
        buf_free(&p.w[i].out);
        for (struct chunkrec *r = p.w[i].pend, *nx; r; r = nx) {
            nx = r->next;
            rec_free(r);
        }
    }
    free(p.w);
    free(pfd);
    /* Chunks no worker was left to finish. */
    for (struct chunkrec *r = p.requeue, *nx; r; r = nx) {
        nx = r->next;
        if (!p.stopping) {
            st->lost += r->words;
            p.failed = 1;
        }
        rec_free(r);
    }
    if (st->lost)
        log_msg(LOG_ERR, "%llu words were not probed: no worker was left to take them",
                (unsigned long long)st->lost);
    if (p.next)
        rec_free(p.next);
    rate_free(p.rate);
    if (p.perip && c->verbose)
        log_msg(LOG_DEBUG, "per-address peak: %ld transfers in flight", perip_peak(p.perip));
    perip_free(p.perip);
    rate_free(p.dns_rate);
    if (p.failed_f)
        fclose(p.failed_f);
    if (p.beacons)
        munmap(p.beacons, sizeof(struct beacon) * (size_t)p.n);
    if (p.fatal)
        return EXIT_PLUGIN;
    if (p.signo)
        return p.signo == SIGINT ? EXIT_SIGINT : p.signo == SIGTERM ? EXIT_SIGTERM : 128 + p.signo;
    return p.failed ? EXIT_PARTIAL : EXIT_OK;
}

int pool_run(const struct conf *c, struct plugin *plugin, struct input *in, struct out *out,
             struct journal *j, struct pool_stats *st)
{
    return run(c, plugin, in, NULL, out, j, st);
}

int pool_run_src(const struct conf *c, struct plugin *plugin, const struct pool_src *src,
                 struct out *out, struct pool_stats *st)
{
    struct input none = {.fd = -1, .eof = 1, .name = "the queue"};
    struct journal j;
    journal_init(&j, NULL);
    int rc = run(c, plugin, &none, src, out, &j, st);
    journal_free(&j);
    return rc;
}

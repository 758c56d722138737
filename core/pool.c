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

#include "log.h"
#include "msg.h"
#include "opt.h"
#include "out.h"
#include "plugin.h"
#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct pending {
    uint64_t id;
    size_t words;
};

struct wk {
    pid_t pid;
    int fd;            /* -1 once the worker is gone */
    int ready;
    int want;
    int ended;         /* MSG_END sent */
    struct buf in, out;
    struct pending *pend;  /* chunks sent and not done */
    size_t npend, cappend;
};

struct pool {
    const struct conf *c;
    struct input *in;
    struct out *out;
    struct pool_stats *st;
    struct wk *w;
    int n;
    int alive;
    int nready;
    uint64_t next_id;
    struct buf chunk;       /* the next chunk, prepared */
    size_t chunk_words;
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

/* 1 if a chunk is ready, 0 if more input must be read, -1 at the end. */
static int prepare_chunk(struct pool *p)
{
    if (p->chunk_words)
        return 1;
    if (p->input_error)
        return -1;
    for (;;) {
        size_t words;
        if (!p->chunk.len) {
            uint64_t id = p->next_id;
            buf_append(&p->chunk, &id, 8); /* MSG_CHUNK payload: id, words */
        }
        struct buf words_buf = {0};
        size_t lines = input_take(p->in, (size_t)p->c->chunk, &words_buf, &words);
        if (words) {
            buf_append(&p->chunk, words_buf.p, words_buf.len);
            p->chunk_words = words;
        }
        buf_free(&words_buf);
        if (words)
            return 1;
        if (!lines)
            return input_done(p->in) ? -1 : 0;
    }
}

static void dispatch(struct pool *p)
{
    if (p->stopping) {
        for (int i = 0; i < p->n; i++)
            send_end(p, &p->w[i]);
        return;
    }
    if (p->nready < p->n)
        return;
    for (int i = 0; i < p->n; i++) {
        struct wk *w = &p->w[i];
        if (w->fd < 0 || !w->want || w->ended)
            continue;
        int r = prepare_chunk(p);
        if (r == 0)
            return;
        if (r < 0) {
            send_end(p, w);
            continue;
        }
        if (w->npend == w->cappend) {
            size_t cap = w->cappend ? 2 * w->cappend : 4;
            struct pending *np = realloc(w->pend, cap * sizeof *np);
            if (!np)
                return;
            w->pend = np;
            w->cappend = cap;
        }
        w->pend[w->npend++] = (struct pending){p->next_id, p->chunk_words};
        msg_put(&w->out, MSG_CHUNK, p->chunk.p, p->chunk.len);
        p->st->words += p->chunk_words;
        p->next_id++;
        buf_reset(&p->chunk);
        p->chunk_words = 0;
        w->want = 0;
        wk_write(p, w);
    }
}

static void chunk_done(struct pool *p, struct wk *w, uint64_t id)
{
    for (size_t i = 0; i < w->npend; i++)
        if (w->pend[i].id == id) {
            p->st->words_done += w->pend[i].words;
            p->st->chunks_done++;
            w->pend[i] = w->pend[--w->npend];
            return;
        }
}

/* Script errors: each distinct message is shown once, in full with its
 * traceback, however many words it hits; the summary counts them all. */
static void script_error(struct pool *p, const char *error)
{
    const char *msg = !strncmp(error, "target: ", 8) ? error + 8 : error;
    if (strncmp(msg, "lua: ", 5))
        return;
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

static void emit(struct pool *p, const struct result *r)
{
    if (r->verdict == V_HIT)
        p->st->hits++;
    else if (r->verdict == V_ERROR) {
        p->st->errors++;
        script_error(p, r->error);
    }
    if (p->out_broken)
        return;
    if (out_result(p->out, r) < 0) {
        if (errno != EPIPE)
            log_msg(LOG_ERR, "output %s: %s", p->out->path, strerror(errno));
        p->out_broken = 1;
        p->failed = 1;
        p->stopping = 1;
    }
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
        emit(p, &r);
        return 0;
    case MSG_DONE:
        if (msg_get_u64(f, &id) < 0)
            return -1;
        chunk_done(p, w, id);
        return 0;
    case MSG_LOG: {
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

static void reap_worker(struct pool *p, struct wk *w)
{
    int status = 0;
    close(w->fd);
    w->fd = -1;
    p->alive--;
    while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
        ;
    int clean = WIFEXITED(status) && (WEXITSTATUS(status) == 0 ||
                                      (WEXITSTATUS(status) == 4 && p->fatal));
    if (!clean && !p->killed) {
        if (WIFSIGNALED(status))
            log_msg(LOG_ERR, "worker %d died of signal %d (%s)", (int)w->pid,
                    WTERMSIG(status), strsignal(WTERMSIG(status)));
        else
            log_msg(LOG_ERR, "worker %d exited with status %d", (int)w->pid,
                    WEXITSTATUS(status));
        p->failed = 1;
    }
    size_t lost = 0;
    for (size_t i = 0; i < w->npend; i++)
        lost += w->pend[i].words;
    if (lost && !p->stopping) {
        log_msg(LOG_ERR, "%zu words handed to worker %d were not fully probed", lost,
                (int)w->pid);
        p->st->lost += lost;
        p->failed = 1;
    }
    w->npend = 0;
    if (!w->ready && !p->fatal && !clean)
        p->fatal = 1, p->stopping = 1; /* died before it could start */
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

static int spawn(struct pool *p, struct plugin *plugin)
{
    for (int i = 0; i < p->n; i++) {
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
            for (int k = 0; k < i; k++)
                close(p->w[k].fd);
            if (p->in->own_fd)
                close(p->in->fd);
            _exit(worker_run(sv[1], p->c, plugin));
        }
        close(sv[1]);
        fcntl(sv[0], F_SETFL, O_NONBLOCK);
        p->w[i] = (struct wk){.pid = pid, .fd = sv[0]};
        p->alive++;
    }
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

int pool_run(const struct conf *c, struct plugin *plugin, struct input *in, struct out *out,
             struct pool_stats *st)
{
    struct pool p = {.c = c, .in = in, .out = out, .st = st, .n = (int)c->procs};
    if (p.n < 1) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        p.n = cores > 0 ? (int)cores : 1;
    }
    memset(st, 0, sizeof *st);
    st->procs = p.n;
    st->start = now();
    if (!(p.w = calloc((size_t)p.n, sizeof *p.w)))
        return 1;
    signal(SIGPIPE, SIG_IGN);
    if (spawn(&p, plugin) < 0) {
        p.stopping = 1;
        p.failed = 1;
        p.n = p.alive;
    }
    install_signals();
    struct pollfd *pfd = calloc((size_t)p.n + 2, sizeof *pfd);
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
        if (wants && !p.stopping && p.nready == p.n && !p.chunk_words && !in->eof) {
            input_slot = k;
            pfd[k++] = (struct pollfd){in->fd, POLLIN, 0};
        }
        pfd[k++] = (struct pollfd){sigpipe_fds[0], POLLIN, 0};
        if (poll(pfd, (nfds_t)k, -1) < 0) {
            if (errno == EINTR)
                continue;
            log_msg(LOG_ERR, "poll: %s", strerror(errno));
            break;
        }
        if (pfd[k - 1].revents)
            on_sig(&p);
        int j = 0;
        for (int i = 0; i < p.n; i++) {
            struct wk *w = &p.w[i];
            if (w->fd < 0)
                continue;
            short rev = pfd[j++].revents;
            if (rev & POLLOUT)
                wk_write(&p, w);
            if (rev & (POLLIN | POLLHUP | POLLERR))
                wk_read(&p, w);
        }
        if (input_slot >= 0 && pfd[input_slot].revents && input_fill(in) < 0) {
            log_msg(LOG_ERR, "wordlist %s: %s", in->name, strerror(errno));
            p.input_error = 1;
            p.failed = 1;
        }
        dispatch(&p);
        if (!p.out_broken && out_flush(out) < 0) {
            if (errno != EPIPE)
                log_msg(LOG_ERR, "output %s: %s", out->path, strerror(errno));
            p.out_broken = p.failed = p.stopping = 1;
        }
        if (p.out_broken && !p.killed) {
            /* Nobody reads the results any more (e.g. "| head"). */
            p.killed = 1;
            for (int i = 0; i < p.n; i++)
                if (p.w[i].fd >= 0)
                    kill(p.w[i].pid, SIGKILL);
        }
    }
    st->elapsed = now() - st->start;
    st->long_lines = in->long_lines;
    if (in->long_lines)
        log_msg(LOG_WARN, "%s: %llu line(s) longer than %d bytes skipped (first: line %llu)",
                in->name, (unsigned long long)in->long_lines, INPUT_MAX_LINE,
                (unsigned long long)in->first_long_line);
    for (int i = 0; i < p.n; i++) {
        buf_free(&p.w[i].in);
        buf_free(&p.w[i].out);
        free(p.w[i].pend);
    }
    free(p.w);
    free(pfd);
    buf_free(&p.chunk);
    if (p.fatal)
        return 4;
    if (p.signo)
        return 128 + p.signo;
    return p.failed ? 1 : 0;
}

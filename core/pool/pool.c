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
#include "pool/pool.h"
#include "pool/handout.h"

#include "base/codes.h"
#include "base/log.h"
#include "base/util.h"
#include "base/msg.h"
#include "out/out.h"
#include "pool/journal.h"
#include "pool/recurse.h"
#include "ext/plugin.h"
#include "out/prog.h"
#include "out/statsjson.h"
#include "scan/perip.h"
#include "base/rate.h"
#include "base/tmpl.h"
#include "ext/beacon.h"
#include "scan/worker.h"

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

static int sigpipe_fds[2] = {-1, -1};

/* The parent's own messages clear the progress line first. */
static void parent_log(const char *line, size_t len, void *ud)
{
    (void)ud;
    prog_clear();
    ssize_t n = write(STDERR_FILENO, line, len);
    (void)n;
}

static void pool_on_signal(int sig)
{
    unsigned char b = (unsigned char)sig;
    int saved = errno;
    ssize_t r = write(sigpipe_fds[1], &b, 1);
    (void)r;
    errno = saved;
}



/* The first worker's calibration is the one reported; later reports of
 * a worker say the not-found page changed during the scan. */
static int pool_on_calib(struct pool *p, const struct frame *f)
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

static int pool_on_frame(struct pool *p, struct wk *w, const struct frame *f)
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
        struct chunkrec *c = handout_first_time(w, &r);
        if (c)
            handout_emit(p, c, &r);
        return 0;
    case MSG_FOLLOW:
        return handout_follow(p, w, f);
    case MSG_DONE:
        if (msg_get_u64(f, &id) < 0)
            return -1;
        handout_chunk_done(p, w, id);
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
            else if (key == STATS_ENDED)
                p->st->words_ended += n;
            else if (key == STATS_FETCHES)
                p->st->fetches += n;
            else if (key >= STATS_BY_H1 && key <= STATS_BY_H1 + 2)
                p->st->by_client[key - STATS_BY_H1] += n;
            else if (key == STATS_WINDOW) {
                p->st->window += (uint64_t)n - w->window;
                w->window = n;
            }
            else if (key >= STATS_SIZE && key < STATS_SIZE + SIZE_BUCKETS)
                p->st->sizes[key - STATS_SIZE] += n;
        }
        return 0;
    case MSG_CALIB:
        return pool_on_calib(p, f);
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

/* A worker is gone. If it died, say which word it was judging, give its
 * chunks to the others (their written results are not written again) and
 * start a new worker in its place. */
static void reap_worker(struct pool *p, struct wk *w)
{
    int status = 0;
    close(w->fd);
    w->fd = -1;
    p->alive--;
    p->st->window -= w->window;
    w->window = 0;
    if (w->ready)
        p->nready--;
    while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
        ;
    /* A clean exit is one the parent asked for: status 0 after END or STOP
     * with all its chunks done (or abandoned by STOP), or the status of a
     * refused init() it reported. Any other exit, exit(0) from plugin code
     * included, is a death. */
    int asked = w->ended && (!w->pend || p->stopping);
    int clean = !w->hung && WIFEXITED(status) &&
                ((WEXITSTATUS(status) == 0 && asked) || (WEXITSTATUS(status) == 4 && p->fatal));
    if (!clean && !p->killed) {
        char why[200];
        if (w->hung)
            snprintf(why, sizeof why, "%s", w->hung_why);
        else if (WIFSIGNALED(status))
            snprintf(why, sizeof why, "signal %d, %s", WTERMSIG(status),
                     strsignal(WTERMSIG(status)));
        else
            snprintf(why, sizeof why, "exit status %d%s", WEXITSTATUS(status),
                     WEXITSTATUS(status) == 0 ? ", not asked to exit" : "");
        struct beacon *b = w->beacon;
        if (b->busy) {
            log_msg(LOG_ERR, "worker %d died (%s) while judging the word \"%.*s\" "
                    "(chunk %llu, word %u)", (int)w->pid, why, (int)b->len, b->word,
                    (unsigned long long)b->chunk, (unsigned)b->index);
            if (handout_suspect(p, w, why, w->hung))
                log_msg(LOG_WARN, w->hung ? "the word \"%.*s\" is quarantined: its plugin code hung"
                                          : "the word \"%.*s\" is quarantined: it killed %d workers",
                        (int)b->len, b->word, QUARANTINE_AFTER);
        } else if (!w->ready) {
            log_msg(LOG_ERR, "worker %d died (%s) while starting: the plugin's init() did not "
                    "finish", (int)w->pid, why);
        } else {
            log_msg(LOG_ERR, "worker %d died (%s)", (int)w->pid, why);
        }
        b->busy = 0;
        p->st->crashes++;
    }
    int done_already = w->ended && !w->pend; /* killed on its way out: nothing lost */
    /* Its chunks go to the front of the queue, in the order it got them. */
    while (w->pend) {
        struct chunkrec *r = w->pend;
        w->pend = r->next;
        r->next = p->requeue;
        p->requeue = r;
        if (!p->requeue_tail)
            p->requeue_tail = r;
    }
    if (clean || p->stopping || p->killed || done_already)
        return;
    if (!w->ready) {
        p->fatal = 1; /* died before it could even start */
        p->stopping = 1;
        return;
    }
    uint64_t judged = p->st->words_ended > p->st->words_done ? p->st->words_ended
                                                               : p->st->words_done;
    uint64_t budget = RESPAWN_BURST + judged / RESPAWN_PER_WORDS;
    if (p->respawns++ >= budget) {
        log_msg(LOG_ERR, "%llu workers died, with %llu words judged (at most %d and one per %d "
                "words): not starting another", (unsigned long long)p->respawns - 1,
                (unsigned long long)judged, RESPAWN_BURST, RESPAWN_PER_WORDS);
        p->failed = 1;
        p->gave_up = 1;
        return;
    }
    w->ready = 0;
    w->want = 0;
    w->ended = 0;
    w->hung = 0;
    w->quiet_since = 0;
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
        if (pool_on_frame(p, w, &f) < 0) {
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

static void kill_hung(struct wk *w, const char *fmt, double v)
{
    w->hung = 1;
    snprintf(w->hung_why, sizeof w->hung_why, fmt, v);
    kill(w->pid, SIGKILL);
}

/* Plugin code that runs on one word past --judge-timeout (an endless
 * loop, a regex that never ends) and a worker that does not exit once it
 * has nothing left: both are killed, so that no misbehaving plugin can
 * hold up the scan or a stop. reap_worker() then quarantines the word. */
static void watchdog(struct pool *p)
{
    double now = util_now();
    for (int i = 0; i < p->n; i++) {
        struct wk *w = &p->w[i];
        if (w->fd < 0 || w->hung)
            continue;
        struct beacon *b = w->beacon;
        if (beacon_busy_for(b) > p->c->judge_timeout) {
            kill_hung(w, "its plugin code ran on the word for more than %g s (--judge-timeout)",
                      p->c->judge_timeout);
            continue;
        }
        if (!w->ended || (w->pend && !p->stopping)) {
            w->quiet_since = 0;
            continue;
        }
        if (!w->quiet_since)
            w->quiet_since = now;
        else if (now - w->quiet_since > p->c->exit_grace)
            kill_hung(w, "it did not exit within %g s of its last word", p->c->exit_grace);
    }
}

/* --stats-json: a line when due, and the last one at the end. */
static void pool_stats_json(struct pool *p, int final)
{
    if (!p->c->stats_json)
        return;
    uint64_t total = 0;
    int counted = prog_total(&total);
    statsjson_tick(p->c->stats_json, p->st, counted ? total : 0, final);
}

/* The addresses slowed or given up, from the shared table into the stats
 * (four times a second, and at the end). */
static void pool_hosts(struct pool *p, int final)
{
    double now = util_now();
    if (!p->perip || (!final && now - p->hosts_read < 0.25))
        return;
    p->hosts_read = now;
    struct scan_stats *st = p->st;
    st->nhosts = (uint32_t)perip_hosts(p->perip, st->hosts, HOSTSTAT_MAX, &st->hosts_slowed,
                                       &st->hosts_gave_up);
}

/* --max-time: the scan stops as on SIGINT once it has run that long. */
static void time_limit(struct pool *p)
{
    if (p->c->max_time <= 0 || p->stopping || util_now() - p->st->start < p->c->max_time)
        return;
    p->timeup = 1;
    p->stopping = 1;
    log_msg(LOG_WARN, "--max-time %g s reached: finishing the probes in flight", p->c->max_time);
}

static void pool_on_sig(struct pool *p)
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
        if (p->rec.base && p->rec.base->own_fd)
            close(p->rec.base->fd);
        if (p->rec.root > 0 && p->rec.rin.fd >= 0) /* a worker respawned under --recursion */
            close(p->rec.rin.fd);
        if (p->src && p->src->child)
            p->src->child(p->src->ud);
        if (sigpipe_fds[0] >= 0) {
            close(sigpipe_fds[0]);
            close(sigpipe_fds[1]);
        }
        _exit(worker_run(sv[1], p->c->worker, p->plugin, w->beacon, p->rate, p->dns_rate,
                         p->perip, (unsigned)p->n));
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
    struct sigaction sa = {.sa_handler = pool_on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static int skip_done(void *ud, uint64_t line)
{
    return journal_is_done(ud, line);
}

static int run(const struct pool_settings *c, struct plugin *plugin, struct input *in,
               const struct pool_src *src, struct out *out, struct journal *j,
               struct scan_stats *st)
{
    struct pool p = {.c = c, .in = in, .src = src, .out = out, .st = st, .n = (int)c->procs,
                     .j = j};
    struct recurse_limits rl = {!src, c->recursion, c->follow_depth, c->max_follows,
                                c->template, c->may_follow};
    recurse_init(&p.rec, &rl, c->wordlist, j, in);
    int resuming = j->lines.low || j->lines.n || j->nroots;
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
    st->start = util_now();
    if (!(p.w = calloc((size_t)p.n, sizeof *p.w)))
        return EXIT_PARTIAL;
    signal(SIGPIPE, SIG_IGN);
    p.plugin = plugin;
    p.rate = rate_new(c->rate);
    p.dns_rate = rate_new(c->dns_rate);
    p.perip = perip_new(c->per_ip_concurrency, c->per_ip_rate, &c->tune);
    if (spawn(&p) < 0) {
        p.stopping = 1;
        p.failed = 1;
        p.n = p.alive;
    }
    install_signals();
    handout_save_state(&p); /* with --state, a state exists from the start */
    prog_start(!c->quiet, c->stats_json != NULL, in);
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
            !p.requeue && !p.in->eof) {
            input_slot = k;
            pfd[k++] = (struct pollfd){p.in->fd, POLLIN, 0};
        }
        int timeout = 100; /* the watchdog's tick */
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
            pool_on_sig(&p);
        int slot = 0;
        for (int i = 0; i < p.n; i++) {
            struct wk *w = &p.w[i];
            if (w->fd < 0)
                continue;
            short rev = pfd[slot++].revents;
            if (rev & POLLOUT)
                handout_write(&p, w);
            if (rev & (POLLIN | POLLHUP | POLLERR))
                wk_read(&p, w);
        }
        if (src)
            uv_run(src->loop, UV_RUN_NOWAIT);
        if (input_slot >= 0 && pfd[input_slot].revents && input_fill(p.in) < 0) {
            log_msg(LOG_ERR, "wordlist %s: %s", p.in->name, strerror(errno));
            p.input_error = 1;
            p.failed = 1;
        }
        watchdog(&p);
        time_limit(&p);
        handout_dispatch(&p);
        if (!p.out_broken && out_flush(out) < 0)
            handout_out_failed(&p);
        prog_count();
        st->words_before = p.rec.skipped_before + p.in->skipped_words;
        pool_hosts(&p, 0);
        prog_draw(st, 0);
        pool_stats_json(&p, 0);
        if (p.out_broken && !p.killed) {
            /* Nobody reads the results any more (e.g. "| head"). */
            p.killed = 1;
            for (int i = 0; i < p.n; i++)
                if (p.w[i].fd >= 0)
                    kill(p.w[i].pid, SIGKILL);
        }
    }
    prog_stop();
    /* Chunks no worker was left to finish: what they found goes out, and
     * each word they did not get to has its verdict (not-probed). */
    for (struct chunkrec *r = p.requeue, *nx; r; r = nx) {
        nx = r->next;
        if (p.stopping) {
            handout_rec_free(r); /* the journal has them to do: --resume */
            continue;
        }
        st->lost += handout_abandon(&p, r);
        p.failed = 1;
    }
    p.requeue = p.requeue_tail = NULL;
    pool_hosts(&p, 1);
    pool_stats_json(&p, 1); /* the lost words counted */
    if (st->lost)
        log_msg(LOG_ERR, "%llu words were not probed: no worker was left to take them (each "
                "has a not-probed error line%s)", (unsigned long long)st->lost,
                j->path[0] && !src ? "; --retry-failed takes them again" : "");
    /* Interrupted, or given up, without --state: keep what is done, and
     * say where. */
    int left = p.gave_up && !src && (p.next || !input_done(p.in) || recurse_waiting(&p.rec));
    recurse_finish(&p.rec);
    st->directories = p.rec.dirs;
    st->followed = p.rec.follows;
    p.in = in;
    if ((p.signo || p.timeup || left) && !j->path[0] && !src) {
        snprintf(j->path, sizeof j->path, "salvo-%d.state", (int)getpid());
    }
    handout_save_state(&p);
    if ((p.signo || p.timeup || left) && j->path[0])
        log_msg(LOG_WARN, "state saved in %s: continue with --resume %s (and the same "
                "options)", j->path, j->path);
    log_set_sink(NULL, NULL);
    st->elapsed = util_now() - st->start;
    st->long_lines = in->long_lines;
    if (in->long_lines)
        log_msg(LOG_WARN, "%s: %llu line(s) longer than %d bytes skipped (first: line %llu)",
                in->name, (unsigned long long)in->long_lines, INPUT_MAX_LINE,
                (unsigned long long)in->first_long_line);
    if (in->blank_lines)
        log_msg(LOG_INFO, "%s: %llu blank line%s skipped: no word (first: line %llu)", in->name,
                (unsigned long long)in->blank_lines, in->blank_lines == 1 ? "" : "s",
                (unsigned long long)in->first_blank_line);
    for (int i = 0; i < p.n; i++) {
        buf_free(&p.w[i].in);
        buf_free(&p.w[i].out);
        for (struct chunkrec *r = p.w[i].pend, *nx; r; r = nx) {
            nx = r->next;
            handout_rec_free(r);
        }
    }
    free(p.w);
    free(pfd);
    if (p.next)
        handout_rec_free(p.next);
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
    if (p.timeup)
        return EXIT_TIME;
    return p.failed ? EXIT_PARTIAL : EXIT_OK;
}

int pool_run(const struct pool_settings *c, struct plugin *plugin, struct input *in, struct out *out,
             struct journal *j, struct scan_stats *st)
{
    return run(c, plugin, in, NULL, out, j, st);
}

int pool_run_src(const struct pool_settings *c, struct plugin *plugin, const struct pool_src *src,
                 struct out *out, struct scan_stats *st)
{
    struct input none = {.fd = -1, .eof = 1, .name = "the queue"};
    struct journal j;
    journal_init(&j, NULL);
    int rc = run(c, plugin, &none, src, out, &j, st);
    journal_free(&j);
    return rc;
}

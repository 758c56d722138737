/* worker: one process of the pool. It runs the plugin's init(), then asks
 * the parent for chunks of words, keeps the probe window full and sends
 * hits and errors back. It writes nothing to the output itself: the parent
 * is the single writer. What happens to one word is the probe layer's
 * (probe.c); this file keeps the frames, the chunks, the flow control,
 * the counts and the process set-up.
 *
 * Flow control: a worker asks for the next chunk (MSG_WANT) while fewer
 * words are queued than its window holds, so a fast worker simply asks
 * more often. MSG_DONE for a chunk follows all of that chunk's results on
 * the same stream, which is what lets the parent count a chunk as done
 * only once its results are written.
 */
#include "scan/worker.h"

#include "ext/extract.h"
#include "scan/replay.h"
#include "scan/store.h"

#include "ext/beacon.h"
#include "scan/calib.h"
#include "scan/chunk.h"
#include "scan/dircal.h"
#include "base/codes.h"
#include "base/combo.h"
#include "net/dns.h"
#include "scan/judge.h"
#include "base/log.h"
#include "ext/match.h"
#include "base/msg.h"
#include "ext/plugin.h"
#include "scan/probe.h"
#include "base/rate.h"
#include "net/res.h"
#include "scan/resolve.h"
#include "base/tmpl.h"
#include "base/util.h"
#include "scan/window.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

struct worker {
    uv_loop_t loop;
    uv_pipe_t ipc;
    const struct worker_settings *c;
    struct probes *probes;
    struct judge judge;
    struct extract extract;     /* --extract, run on every result written */
    struct engine_settings engine; /* c->engine, with -A random's pick */
    struct replay *replay;      /* --replay-proxy, or NULL */
    struct store *store;        /* --store-responses, or NULL */
    struct buf stored;          /* the path of the exchange last stored */
    struct dns *dns;            /* the DNS stage (resolver = salvo), or NULL */
    struct resolve *resolve;
    struct probe_gate dns_gate; /* dns_rate: words start at the DNS rate */
    struct probe_stats stats;
    struct chunk *head, *tail;  /* queued chunks, oldest first */
    size_t queued;              /* words not yet started */
    int want_sent;
    int end;                    /* MSG_END received */
    int closing;
    int stopping;               /* MSG_STOP: no new tries either */
    int status;                 /* exit status */
    struct buf in;              /* bytes from the parent not yet parsed */
    struct buf out;             /* frames waiting to be written */
    struct buf wbuf;            /* frames being written */
    uv_write_t wreq;
    int writing;
    uv_timer_t trim;
    /* --calibrate */
    unsigned calibrating;       /* first probes still out: no chunks yet */
    int recal_out;              /* a check probe is out */
    uint64_t since_recal, calib_seed;
    unsigned calib_tries;
    struct dircals dircals;     /* --recursion: each directory's, learned apart */
    int refilling;              /* inside refill() */
    struct combo combo;         /* the wordlists' names, for {KEY} */
    int auto_window;            /* -t auto */
    unsigned trims;             /* ticks of the trim timer */
    struct window win;
};

static uint64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void worker_flush(struct worker *w);
static void refill(void *ud);
static void maybe_finish(struct worker *w);
static void calib_probe(struct worker *w, struct dircal *dc);
static void calib_done(struct worker *w, struct probe *p, int verdict);

static void worker_on_written(uv_write_t *req, int status)
{
    struct worker *w = req->data;
    w->writing = 0;
    buf_reset(&w->wbuf);
    if (status < 0) {
        /* The parent is gone: nothing we find can be reported any more. */
        w->status = 1;
        uv_stop(&w->loop);
        return;
    }
    worker_flush(w);
    maybe_finish(w);
}

static void worker_flush(struct worker *w)
{
    if (w->writing || !w->out.len)
        return;
    struct buf t = w->wbuf;
    w->wbuf = w->out;
    w->out = t;
    uv_buf_t b = uv_buf_init(w->wbuf.p, (unsigned)w->wbuf.len);
    w->wreq.data = w;
    if (uv_write(&w->wreq, (uv_stream_t *)&w->ipc, &b, 1, worker_on_written) == 0)
        w->writing = 1;
    else {
        w->status = 1;
        uv_stop(&w->loop);
    }
}

static void send_result(struct worker *w, struct probe *p, int verdict, int kind,
                        const char *why, const char *stored)
{
    salvo_res *res = &p->x.res;
    struct result r = {
        .chunk = p->owner_id,
        .index = p->index,
        .verdict = verdict,
        .kind = verdict == V_ERROR ? kind : ERR_NONE,
        .status = res->status,
        .length = res->length,
        .elapsed = res->elapsed,
        .word = p->word.p,
        .wlen = p->word.len,
        .url = p->x.req.url.p,
        .error = verdict == V_ERROR ? why : NULL,
        .ip = res->ip,
        .ips = res->ips,
        .wildcard = res->dns_wildcard,
        .filtered_by = verdict == V_ERROR ? NULL : why,
        .protocol = res->proto,
        .stored = stored,
        .nfields = res->nfields,
    };
    struct buf title = {0};
    if (verdict != V_ERROR && !res->error) {
        size_t len;
        const char *t = judge_text(&w->judge, res, &len);
        match_count(t, len, &r.words, &r.lines);
        extract_run(&w->extract, t, len, res);
        r.nfields = res->nfields;
        const char *html = res_text(res, &len);
        res_title(html, len, &title);
        r.content_type = res_header_get(res, "content-type");
        /* With --follow-redirects, where they ended: the final answer's
         * own Location is then of no use. */
        r.location = res->final_url.len ? res->final_url.p : res_header_get(res, "location");
    }
    r.title = title.p ? title.p : "";
    /* A password in the URL (a template's user info) is never reported. */
    char *shown = NULL;
    if (r.url && strchr(r.url, '@') && (shown = malloc(strlen(r.url) + 4))) {
        util_redact_url(r.url, shown, strlen(r.url) + 4);
        r.url = shown;
    }
    r.charset = res->text_ready ? res->charset : "";
    for (size_t i = 0; i < 2 * res->nfields; i++)
        r.fields[i] = res->fields[i];
    msg_put_result(&w->out, &r);
    buf_free(&title);
    free(shown);
}

/* A chunk whose words have all been started and ended is done. */
static void chunk_maybe_done(struct worker *w)
{
    while (w->head && w->head->open == 0 && w->head->pos >= w->head->words.len) {
        struct chunk *ch = w->head;
        if (!ch->abandoned)
            msg_put_u64(&w->out, MSG_DONE, ch->id);
        w->head = ch->next;
        if (!w->head)
            w->tail = NULL;
        chunk_free(ch, &w->dircals);
    }
}

/* Every probe ends here, once: its verdict goes up (hits and errors, and
 * the rest with --show-filtered) and its chunk has one word less open. */
static void worker_on_end(struct probe *p, int verdict, int kind, const char *why, void *ud)
{
    struct worker *w = ud;
    if (!p->owner) {
        calib_done(w, p, verdict);
        return;
    }
    struct chunk *ch = p->owner;
    w->stats.ended++;
    w->stats.counted = 1;
    judge_follows(p, ch->id, &w->out);
    const char *stored = store_keep(w->store, &p->x, verdict, p->word.p, p->word.len,
                                    &w->stored) > 0 ? w->stored.p : NULL;
    if (verdict == V_HIT || verdict == V_ERROR)
        send_result(w, p, verdict, kind, why, stored);
    else if (w->c->show_filtered)
        send_result(w, p, V_FILTERED, ERR_NONE, why, stored);
    if (verdict == V_HIT && w->replay)
        replay_hit(w->replay, &p->x);
    ch->open--;
    if (w->auto_window)
        window_ended(&w->win, p->x.res.elapsed,
                     kind == ERR_CONNECT || kind == ERR_TIMEOUT || kind == ERR_IO ||
                         kind == ERR_EMPTY);
    if (w->c->calibrate && w->c->recalibrate && ++w->since_recal >= (uint64_t)w->c->recalibrate &&
        !w->recal_out && !w->stopping) {
        w->since_recal = 0;
        w->recal_out = 1;
        calib_probe(w, NULL);
    }
}

/* Send what was counted since last time: only the non-zero counts. */
static void send_stats(struct worker *w)
{
    struct probe_stats *st = &w->stats;
    if (!st->counted && st->window == st->window_sent)
        return;
    struct buf b = {0};
    for (uint16_t k = 0; k < 600; k++)
        if (st->status_count[k]) {
            buf_append(&b, &k, 2);
            buf_append(&b, &st->status_count[k], 4);
            st->status_count[k] = 0;
        }
    for (uint16_t k = 0; k < SIZE_BUCKETS; k++)
        if (st->size_count[k]) {
            uint16_t key = STATS_SIZE + k;
            buf_append(&b, &key, 2);
            buf_append(&b, &st->size_count[k], 4);
            st->size_count[k] = 0;
        }
    uint32_t *const counts[] = {&st->retries, &st->misses, &st->filtered, &st->calibrated,
                                &st->wildcards, &st->ended, &st->fetches, &st->by_client[0],
                                &st->by_client[1], &st->by_client[2]};
    const uint16_t keys[] = {STATS_RETRIES, STATS_MISSES, STATS_FILTERED, STATS_CALIBRATED,
                             STATS_WILDCARDS, STATS_ENDED, STATS_FETCHES, STATS_BY_H1,
                             STATS_BY_H1 + 1, STATS_BY_H1 + 2};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (*counts[i]) {
            buf_append(&b, &keys[i], 2);
            buf_append(&b, counts[i], 4);
            *counts[i] = 0;
        }
    if (st->window != st->window_sent) {
        uint16_t key = STATS_WINDOW;
        buf_append(&b, &key, 2);
        buf_append(&b, &st->window, 4);
        st->window_sent = st->window;
    }
    msg_put(&w->out, MSG_STATS, b.p, b.len);
    buf_free(&b);
    st->counted = 0;
}

/* ---- calibration ---- */

/* Random words of several lengths, so that a page whose size follows the
 * word's length shows it. */
static const unsigned calib_lengths[] = {8, 12, 16, 20, 24, 32, 10, 14};

static void calib_report(struct worker *w, const struct calib_fp *changed)
{
    struct buf b = {0};
    judge_calib_report(&w->judge, w->calib_tries, changed != NULL, &b);
    if (b.p)
        msg_put(&w->out, MSG_CALIB, b.p, b.len);
    buf_free(&b);
    if (changed) {
        struct buf d = {0};
        calib_describe(changed, &d);
        log_msg(LOG_WARN, "calibration: the not-found page changed during the scan, now also "
                "%s; filtered from here on (hits before may be such pages)", d.p ? d.p : "");
        buf_free(&d);
    }
    worker_flush(w);
}

static void calib_settle(struct worker *w, const struct calib_fp *changed)
{
    if (w->calibrating) {
        if (--w->calibrating == 0) {
            calib_report(w, NULL);
            refill(w);
        }
    } else {
        w->recal_out = 0;
        if (changed)
            calib_report(w, changed);
    }
}

static void calib_done(struct worker *w, struct probe *p, int verdict)
{
    struct dircal *dc = dircal_of(p->cal, &w->judge.cal);
    if (dc) { /* a directory's: its words go once all its pages are learned */
        if (verdict != V_ERROR && !w->stopping)
            judge_learn(&w->judge, p, 1);
        if (!--dc->pending) {
            log_msg(LOG_DEBUG, "calibration under %s: %zu not-found page(s)", dc->prefix,
                    dc->set.calib.n);
            if (!w->refilling)
                refill(w);
        }
        return;
    }
    const struct calib_fp *changed = NULL;
    if (verdict != V_ERROR && !w->stopping)
        changed = judge_learn(&w->judge, p, w->calibrating > 0);
    calib_settle(w, changed);
}

/* Probe one random word through the same template and plugin (under dc's
 * directory, if not NULL). */
static void calib_probe(struct worker *w, struct dircal *dc)
{
    /* One random word per wordlist. */
    char word[TMPL_MAX_KEYS * 41];
    size_t len = 0;
    struct buf in = {0};
    for (size_t i = 0; i < (w->combo.keys.n ? w->combo.keys.n : 1); i++) {
        size_t n = calib_lengths[(w->calib_tries + i) % (sizeof calib_lengths / sizeof *calib_lengths)];
        if (i)
            word[len++] = TMPL_SEP;
        calib_word(word + len, n, &w->calib_seed);
        len += n;
    }
    w->calib_tries++;
    if (dc) {
        dc->pending++;
        buf_append_str(&in, dc->prefix);
        buf_append(&in, word, len);
        if (!in.p || probe_run(w->probes, NULL, 0, 0, &dc->set, in.p, in.len) < 0)
            dc->pending--;
        buf_free(&in);
    } else if (probe_run(w->probes, NULL, 0, 0, NULL, word, len) < 0) {
        calib_settle(w, NULL);
    }
}

/* Whether ch's words must wait for its directory's calibration (started
 * here on its first chunk). */
static int dir_waits(struct worker *w, struct chunk *ch)
{
    struct dircal *dc = ch->dc;
    if (!dc)
        return 0;
    if (!dc->started) {
        dc->started = 1;
        for (long i = 0; i < w->c->calibrate_words; i++)
            calib_probe(w, dc);
    }
    return dc->pending > 0;
}

static void maybe_finish(struct worker *w)
{
    if (w->end && !w->head && probe_busy(w->probes) == 0 && replay_busy(w->replay) == 0 &&
        !w->closing) {
        w->closing = 1;
        send_stats(w);
        worker_flush(w);
    }
    if (w->closing && !w->writing && !w->out.len)
        uv_stop(&w->loop);
}

/* One word of ch into the probe layer; it ends in worker_on_end(). */
static int start_word(struct worker *w, struct chunk *ch, uint32_t index, const char *word,
                      size_t len)
{
    ch->open++;
    if (probe_run(w->probes, ch, ch->id, index, ch->dc ? &ch->dc->set : NULL, word, len) == 0)
        return 0;
    ch->open--;
    log_msg(LOG_ERR, "out of memory");
    w->status = 1;
    uv_stop(&w->loop);
    return -1;
}

/* -t auto: what the last period measured moves the window. */
static void adjust_window(struct worker *w, int starved)
{
    struct engine *e = probe_engine(w->probes);
    uint64_t now = rate_now();
    window_busy(&w->win, probe_busy(w->probes));
    window_starved(&w->win, starved, now);
    if (probe_held(w->probes) || w->dns_gate.waiting || engine_capped(e) || dns_paced(w->dns))
        window_held(&w->win);
    unsigned was = w->win.cur;
    if (!w->win.streams && engine_multiplexing(e) &&
        window_streams(&w->win, ENGINE_STREAMS, now, cpu_ns())) {
        log_msg(LOG_DEBUG, "-t auto: HTTP/2: %u -> %u transfers in flight (one connection's streams)",
                was, w->win.cur);
        engine_set_window(e, w->win.cur);
        w->stats.window = engine_window(e);
        send_stats(w);
        return;
    }
    if (!window_due(&w->win, now) || !window_tick(&w->win, now, cpu_ns()))
        return;
    log_msg(LOG_DEBUG,
            "-t auto: %u -> %u transfers in flight (best so far %.0f/s at %u, "
            "quickest probe %.2f ms)",
            was, w->win.cur, w->win.best_rate, w->win.best, w->win.base_lat * 1e3);
    engine_set_window(e, w->win.cur);
    w->stats.window = engine_window(e);
    send_stats(w);
}

/* Keep the window full, ask for more words early, push results out. */
static void refill(void *ud)
{
    struct worker *w = ud;
    probe_pump(w->probes);
    if (w->calibrating || (w->resolve && resolve_learning(w->resolve))) {
        worker_flush(w); /* words wait until "not found" is known */
        return;
    }
    unsigned window = engine_window(probe_engine(w->probes));
    w->refilling = 1;
    for (struct chunk *ch = w->head; ch && probe_busy(w->probes) < window; ch = ch->next) {
        if (dir_waits(w, ch))
            break; /* later chunks keep their order behind it */
        while (ch->pos < ch->words.len && probe_busy(w->probes) < window) {
            /* With the DNS stage, words start at the DNS rate and their
             * HTTP waits for --rate at admission. */
            int ok = w->dns ? probe_gate_ok(&w->dns_gate) : probe_rate_ok(w->probes);
            if (!chunk_skipped(ch, ch->next_index) && !ok)
                goto wait;
            const char *word = ch->words.p + ch->pos;
            const char *nl = memchr(word, '\n', ch->words.len - ch->pos);
            size_t len = nl ? (size_t)(nl - word) : ch->words.len - ch->pos;
            ch->pos += len + 1;
            w->queued--;
            uint32_t index = ch->next_index++;
            if (!chunk_skipped(ch, index) && start_word(w, ch, index, word, len) < 0) {
                w->refilling = 0;
                return;
            }
        }
    }
wait:
    w->refilling = 0;
    probe_pump(w->probes); /* words that need no DNS went straight there */
    if (w->auto_window) /* a free transfer without a word: the input is the limit */
        adjust_window(w, probe_busy(w->probes) < window);
    chunk_maybe_done(w);
    if (!w->end && !w->want_sent && w->queued < window) {
        msg_put(&w->out, MSG_WANT, NULL, 0);
        w->want_sent = 1;
    }
    worker_flush(w);
    maybe_finish(w);
}

static int worker_on_frame(struct worker *w, const struct frame *f)
{
    if (f->type == MSG_END) {
        w->end = 1;
        return 0;
    }
    if (f->type == MSG_STOP) {
        w->end = 1;
        w->stopping = 1;
        /* Tries waiting for their turn end now, with what they last got. */
        probe_stop(w->probes);
        for (struct chunk *ch = w->head; ch; ch = ch->next) {
            ch->abandoned = 1;
            ch->pos = ch->words.len;
        }
        w->queued = 0;
        return 0;
    }
    struct chunk *ch = chunk_parse(f, w->c->calibrate ? &w->dircals : NULL);
    if (!ch)
        return -1;
    w->queued += ch->nwords;
    if (w->tail)
        w->tail->next = ch;
    else
        w->head = ch;
    w->tail = ch;
    w->want_sent = 0;
    return 0;
}

static void worker_on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
    (void)hint;
    struct worker *w = h->data;
    if (buf_reserve(&w->in, 65536) < 0) {
        *b = uv_buf_init(NULL, 0);
        return;
    }
    *b = uv_buf_init(w->in.p + w->in.len, (unsigned)(w->in.cap - w->in.len - 1));
}

static void worker_on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
    (void)b;
    struct worker *w = s->data;
    if (n < 0) {
        /* The parent closed our socket: it has stopped, so do we. */
        w->status = w->end ? w->status : 1;
        uv_stop(&w->loop);
        return;
    }
    w->in.len += (size_t)n;
    struct frame f;
    long used;
    size_t off = 0;
    while ((used = msg_next(w->in.p + off, w->in.len - off, &f)) > 0) {
        if (worker_on_frame(w, &f) < 0) {
            log_msg(LOG_ERR, "worker: bad message from the parent");
            w->status = 1;
            uv_stop(&w->loop);
            return;
        }
        off += (size_t)used;
    }
    buf_consume(&w->in, off);
    refill(w);
}

static void close_walk(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h))
        uv_close(h, NULL);
}

/* curl's threaded resolver starts a thread per lookup with default
 * attributes. With the default 8 MiB stacks, glibc's 40 MiB stack cache
 * holds only a few, so most lookups pay for mmap, mprotect, munmap and
 * fresh zeroed pages. getaddrinfo needs far less than 256 KiB. */
static void small_thread_stacks(void)
{
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) == 0) {
        if (pthread_attr_setstacksize(&attr, 256 * 1024) == 0)
            pthread_setattr_default_np(&attr);
        pthread_attr_destroy(&attr);
    }
}

/* With a resolver thread per lookup, glibc's heaps fragment: live memory
 * stays flat but resident memory creeps up with the number of probes.
 * Giving free pages back now and then keeps it flat over any list. */
static void worker_on_trim(uv_timer_t *t)
{
    struct worker *w = t->data;
    if (++w->trims % 8 == 0)
        malloc_trim(0);
    send_stats(w); /* four times a second: the progress line counts words */
    worker_flush(w);
}

/* glibc's resolver waits 5 s before it asks again, longer than a probe
 * lives (2 s by default): one lost UDP answer under load turned into a
 * "Resolving timed out" and a missed hit. Unless the user set
 * RES_OPTIONS, make each try fit twice into the transfer timeout. */
static void fit_resolver_timeout(double timeout)
{
    if (getenv("RES_OPTIONS"))
        return;
    int per_try = (int)(timeout / 2);
    char opts[64];
    snprintf(opts, sizeof opts, "timeout:%d attempts:3", per_try < 1 ? 1 : per_try > 5 ? 5 : per_try);
    setenv("RES_OPTIONS", opts, 0);
}

/* --worker-memory: the address space of this process, so that a plugin
 * that allocates without end fails its own allocations (and dies, and its
 * word is quarantined) instead of taking the machine's memory. Sanitizer
 * builds reserve terabytes of address space for their shadow: no limit
 * there. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif

static void limit_memory(long bytes)
{
#ifdef SANITIZED
    (void)bytes;
#else
    struct rlimit rl;
    if (bytes <= 0 || getrlimit(RLIMIT_AS, &rl) != 0)
        return;
    if (rl.rlim_max == RLIM_INFINITY || (rlim_t)bytes < rl.rlim_max)
        rl.rlim_cur = (rlim_t)bytes;
    if (setrlimit(RLIMIT_AS, &rl) != 0)
        log_msg(LOG_WARN, "--worker-memory %ld: %s", bytes, strerror(errno));
#endif
}

/* After the loop: what finish() said still goes to the parent. */
static void drain_sync(struct worker *w, int fd)
{
    if (w->writing || !w->out.len)
        return;
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    for (size_t off = 0; off < w->out.len;) {
        ssize_t n = write(fd, w->out.p + off, w->out.len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    buf_reset(&w->out);
}

static void to_parent(const char *line, size_t len, void *ud)
{
    struct worker *w = ud;
    msg_put(&w->out, MSG_LOG, line, len);
}

static void worker_on_wild(const char *text, size_t len, void *ud)
{
    struct worker *w = ud;
    msg_put(&w->out, MSG_WILD, text, len);
}

/* Replays ended: the worker may be done. */
static void worker_on_replayed(void *ud)
{
    maybe_finish(ud);
}

/* The probe layer, the judge and the DNS stage. */
static int setup_probes(struct worker *w, struct plugin *plugin, struct beacon *beacon,
                        struct rate *rate, struct perip *perip, char *err, size_t errlen)
{
    const struct worker_settings *c = w->c;
    if (match_init(&w->judge.rules, &c->match, err, errlen) < 0 ||
        extract_init(&w->extract, c->extract, err, errlen) < 0)
        return -1;
    judge_init(&w->judge, plugin, beacon, &w->stats, &w->combo.keys);
    /* -A random: this worker's User-Agent, one of the list's. */
    w->engine = c->engine;
    if (c->user_agents) {
        uint64_t x = uv_hrtime() ^ ((uint64_t)getpid() << 32);
        x ^= x >> 33; /* splitmix's finish: the pid and the time both count */
        x *= 0xff51afd7ed558ccdull;
        x ^= x >> 33;
        w->engine.user_agent = c->user_agents->v[x % c->user_agents->n];
    }
    struct probe_settings ps = c->probe;
    ps.keys = w->combo.keys.n ? &w->combo.keys : NULL;
    struct probe_hooks hooks = {0};
    judge_hooks(&w->judge, &hooks);
    if (!(w->probes = probe_new(&w->loop, &w->engine, &ps, &hooks, rate, perip, &w->stats,
                                 worker_on_end, refill, w, err, errlen)))
        return -1;
    struct engine *e = probe_engine(w->probes);
    w->stats.window = engine_window(e);
    if ((w->auto_window = c->engine.concurrency == 0)) {
        window_init(&w->win, engine_window(e), 10, engine_window_max(e), rate_now(), cpu_ns());
        log_msg(LOG_DEBUG, "-t auto: starts at %u transfers in flight (%s)", w->win.cur,
                c->engine.reuse ? "one origin, kept connections" : "a connection per probe");
    }
    if (c->replay_proxy && *c->replay_proxy &&
        !(w->replay = replay_new(&w->loop, &w->engine, c->replay_proxy, c->replay_codes,
                                 worker_on_replayed, w, err, errlen)))
        return -1;
    if (c->store_dir && !(w->store = store_new(c->store_dir, c->store_all))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (!c->dns_stage)
        return 0;
    if (!(w->dns = dns_new(&w->loop, &c->dns, err, errlen)))
        return -1;
    if (!(w->resolve = resolve_new(w->dns, &c->resolve, &w->stats, refill, worker_on_wild, w))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    resolve_hooks(w->resolve, &hooks);
    probe_set_resolve(w->probes, &hooks);
    return 0;
}

int worker_run(int fd, const struct worker_settings *c, struct plugin *plugin, struct beacon *beacon,
               struct rate *rate, struct rate *dns_rate, struct perip *perip, unsigned workers)
{
    struct worker w = {.c = c};
    char err[1024];
    signal(SIGPIPE, SIG_IGN);
    signal(SIGINT, SIG_IGN); /* the parent decides how a scan stops */
    signal(SIGTERM, SIG_DFL); /* a replacement worker inherits the parent's */
    /* A plugin's printf() or a script's print() must never reach the
     * results: the worker's stdout is the parent's, which may be the
     * output. Send it to stderr, a line at a time. */
    dup2(STDERR_FILENO, STDOUT_FILENO);
    setvbuf(stdout, NULL, _IOLBF, 0);
    small_thread_stacks();
    fit_resolver_timeout(c->engine.timeout);
    limit_memory(c->memory);
    uv_loop_init(&w.loop);
    uv_pipe_init(&w.loop, &w.ipc, 0);
    uv_pipe_open(&w.ipc, fd);
    w.ipc.data = &w;
    if (combo_parse(&w.combo, c->wordlists, c->mode, err, sizeof err) < 0)
        goto fatal;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(err, sizeof err, "cannot initialise libcurl");
        goto fatal;
    }
    if (plugin_init(plugin, c->plugin_args, err, sizeof err) < 0)
        goto fatal;
    if (setup_probes(&w, plugin, beacon, rate, perip, err, sizeof err) < 0)
        goto fatal;
    w.win.shared = workers > 1; /* -t auto: the other workers share the targets */
    probe_gate_init(&w.dns_gate, &w.loop, dns_rate, refill, &w);
    log_set_sink(to_parent, &w);
    msg_put(&w.out, MSG_READY, NULL, 0);
    send_stats(&w); /* the window, for the progress line */
    uv_read_start((uv_stream_t *)&w.ipc, worker_on_alloc, worker_on_read);
    uv_timer_init(&w.loop, &w.trim);
    w.trim.data = &w;
    uv_timer_start(&w.trim, worker_on_trim, 250, 250);
    uv_unref((uv_handle_t *)&w.trim);
    w.calib_seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)&w;
    if (c->wildcard_dns && w.resolve)
        resolve_learn_wildcard(w.resolve, &w.calib_seed);
    if (c->calibrate) {
        w.calib_seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)&w;
        w.calibrating = (unsigned)c->calibrate_words;
        for (long i = 0; i < c->calibrate_words; i++)
            calib_probe(&w, NULL);
    }
    refill(&w);
    uv_run(&w.loop, UV_RUN_DEFAULT);
    plugin_finish(plugin);
    store_free(w.store);
    buf_free(&w.stored);
    log_set_sink(NULL, NULL);
    drain_sync(&w, fd);
    dns_free(w.dns);
    resolve_free(w.resolve);
    replay_free(w.replay);
    probe_free(w.probes);
    uv_walk(&w.loop, close_walk, NULL);
    uv_run(&w.loop, UV_RUN_DEFAULT);
    uv_loop_close(&w.loop);
    buf_free(&w.in);
    buf_free(&w.out);
    buf_free(&w.wbuf);
    judge_free(&w.judge);
    dircal_free(&w.dircals);
    extract_free(&w.extract);
    combo_free(&w.combo);
    return w.status;
fatal:
    /* Said once, synchronously: nothing else is running yet. */
    msg_put(&w.out, MSG_FATAL, err, strlen(err));
    for (size_t off = 0; off < w.out.len;) {
        ssize_t n = write(fd, w.out.p + off, w.out.len - off);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    return EXIT_PLUGIN;
}

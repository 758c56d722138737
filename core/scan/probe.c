/* probe: the stages of one word's probe and its single end (see probe.h).
 *
 * Queues: probes that wait for admission (resolved, waiting for --rate or
 * a per-address slot) and probes that wait for a retry (sorted by due
 * time). A probe is in at most one of them, and never when it ends: the
 * code that takes it out is the code that hands it on. */
#include "scan/probe.h"

#include "base/codes.h"
#include "base/log.h"
#include "scan/perip.h"
#include "base/rate.h"
#include "base/tmpl.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define container_of(ptr, type, member) ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

struct queue {
    struct probe **v;
    size_t n, cap;
};

struct probes {
    uv_loop_t *loop;
    struct engine *eng;
    struct probe_settings s;
    struct probe_hooks h;
    struct perip *perip;
    struct probe_stats *stats;
    probe_end_fn end;
    void (*wake)(void *ud);
    void *ud;
    struct probe *free_list;
    unsigned busy;                /* started, not ended */
    int stopping;
    int closing;                  /* handles still closing in probe_free() */
    struct queue ready;           /* waiting for admission */
    struct queue retry;           /* waiting for a retry, by due time */
    uv_timer_t retry_timer;
    uv_timer_t perip_timer;       /* a blocked address may be free again */
    struct probe_gate gate;       /* --rate */
    uv_timer_t beat;              /* ticks every BEAT_MS while the process runs */
    uint64_t beat_at, stall_at;   /* the last tick; when a stall was seen to end */
    int capped;                   /* the last pump left probes at a per-address cap */
};

/* A tick this late means the process did not run (SIGSTOP, a VM paused or
 * migrated, a host's long GC): a probe whose transfer timed out across it
 * is tried again, free, at most STALL_TRIES times; what was stored as a
 * timeout would be a hit lost. */
#define BEAT_MS 100
#define STALL_NS 1500000000ull
#define STALL_TRIES 3

static void see_stall(struct probes *ps, uint64_t now)
{
    if (!ps->beat_at || now - ps->beat_at <= STALL_NS)
        return;
    if (ps->stall_at < ps->beat_at)
        log_msg(LOG_WARN, "this worker did not run for %.1f s (stopped, or its machine "
                "paused): probes that timed out meanwhile are tried again",
                (double)(now - ps->beat_at) / 1e9);
    ps->stall_at = now;
}

int probe_stalled(struct probes *ps, uint64_t since)
{
    see_stall(ps, rate_now());
    return ps->stall_at > since;
}

static void probe_on_beat(uv_timer_t *t)
{
    struct probes *ps = t->data;
    uint64_t now = rate_now();
    see_stall(ps, now);
    ps->beat_at = now;
}

/* ---- a rate gate: take a token, or arm a timer and say no ---- */

static void probe_on_gate_timer(uv_timer_t *t)
{
    struct probe_gate *g = t->data;
    g->waiting = 0;
    g->wake(g->ud);
}

void probe_gate_init(struct probe_gate *g, uv_loop_t *loop, struct rate *r,
                     void (*wake)(void *ud), void *ud)
{
    g->rate = r;
    g->waiting = 0;
    g->wake = wake;
    g->ud = ud;
    uv_timer_init(loop, &g->timer);
    g->timer.data = g;
}

int probe_gate_ok(struct probe_gate *g)
{
    if (!g->rate)
        return 1;
    if (g->waiting)
        return 0;
    uint64_t wait = rate_take(g->rate, rate_now());
    if (!wait)
        return 1;
    g->waiting = 1;
    uv_timer_start(&g->timer, probe_on_gate_timer, (wait + 999999) / 1000000, 0);
    return 0;
}

/* ---- queues ---- */

static int probe_queue_push(struct queue *q, struct probe *p)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? 2 * q->cap : 64;
        struct probe **v = realloc(q->v, cap * sizeof *v);
        if (!v)
            return -1;
        q->v = v;
        q->cap = cap;
    }
    q->v[q->n++] = p;
    return 0;
}

/* ---- the end ---- */

static void fetch_done(struct probes *ps, struct probe *f, int verdict, int kind, const char *why);

void probe_end(struct probe *p, int verdict, int kind, const char *why)
{
    struct probes *ps = p->ps;
    if (p->perip_held) {
        perip_release(ps->perip, p->dest);
        p->perip_held = 0;
    }
    ps->busy--;
    if (p->waiter)
        fetch_done(ps, p, verdict, kind, why);
    else
        ps->end(p, verdict, kind, why, ps->ud);
    engine_xfer_clear(&p->x);
    buf_reset(&p->word);
    p->owner = NULL;
    p->attempt = 0;
    p->dest[0] = '\0';
    p->host[0] = '\0';
    p->stage = PS_FREE;
    p->next = ps->free_list;
    ps->free_list = p;
}

/* A stage failed with the message in x.errmsg. */
static void probe_fail(struct probe *p, int kind)
{
    probe_end(p, V_ERROR, kind, p->x.errmsg);
}

static void fail_msg(struct probe *p, int kind, const char *msg)
{
    snprintf(p->x.errmsg, sizeof p->x.errmsg, "%s", msg);
    probe_fail(p, kind);
}

/* ---- transfer ---- */

static void transfer(struct probe *p)
{
    p->stage = PS_TRANSFER;
    p->started = rate_now();
    if (engine_start(p->ps->eng, &p->x) < 0)
        probe_fail(p, p->x.kind);
}

/* ---- admit: --rate and the per-address caps (DNS stage only) ---- */

void probe_admit(struct probe *p)
{
    p->stage = PS_ADMIT;
    if (probe_queue_push(&p->ps->ready, p) < 0)
        fail_msg(p, ERR_INTERNAL, "internal: out of memory");
}

static void probe_on_perip_timer(uv_timer_t *t)
{
    struct probes *ps = t->data;
    ps->wake(ps->ud);
}

/* HTTP for the admitted probes, as fast as --rate and the per-address caps
 * let. A probe whose address is at its cap waits without holding up the
 * probes to other addresses. */
void probe_pump(struct probes *ps)
{
    struct queue *q = &ps->ready;
    size_t keep = 0, i = 0;
    uint64_t wake = 0;
    int blocked = 0;
    struct probe *skipped = NULL;
    for (; i < q->n; i++) {
        struct probe *p = q->v[i];
        if (ps->perip && p->dest[0] && !p->perip_held) {
            uint64_t wait;
            int rc = perip_take(ps->perip, p->dest, rate_now(), &wait);
            if (rc < 0) { /* its host was given up: ended after the loop */
                p->next = skipped;
                skipped = p;
                continue;
            }
            if (!rc) {
                wait = wait ? wait : 2000000; /* a transfer there must end first */
                wake = !blocked || wait < wake ? wait : wake;
                blocked = 1;
                q->v[keep++] = p;
                continue;
            }
            p->perip_held = 1;
        }
        if (!probe_gate_ok(&ps->gate))
            break;
        transfer(p);
    }
    for (; i < q->n; i++)
        q->v[keep++] = q->v[i];
    q->n = keep;
    ps->capped = blocked;
    if (blocked)
        uv_timer_start(&ps->perip_timer, probe_on_perip_timer, (wake + 999999) / 1000000, 0);
    /* Words that end skipped make room for new ones: the owner is woken
     * (on the next loop turn, not from in here) to start them. */
    if (skipped)
        uv_timer_start(&ps->perip_timer, probe_on_perip_timer, 0, 0);
    while (skipped) {
        struct probe *p = skipped;
        skipped = p->next;
        char why[96];
        perip_why(ps->perip, p->dest, why, sizeof why);
        snprintf(p->x.errmsg, sizeof p->x.errmsg, "skipped: %s was given up: %s", p->dest, why);
        probe_fail(p, ERR_SKIPPED);
    }
}

int probe_held(const struct probes *ps)
{
    return ps->gate.waiting || ps->capped;
}

int probe_rate_ok(struct probes *ps)
{
    return probe_gate_ok(&ps->gate);
}

/* ---- retry ---- */

/* Worth another try: no answer at all (connect error, reset, timeout), or
 * an answer that says "later" (429, 503). Never a definite answer. */
static int retryable(const struct probe *p)
{
    if (p->x.kind != ERR_NONE)
        return codes_retryable(p->x.kind);
    return p->x.res.status == 429 || p->x.res.status == 503;
}

/* Backoff 0.25 s * 2^attempt (jittered, at most 30 s), or what the
 * server's Retry-After says (seconds or an HTTP date, at most 60 s). */
static uint64_t retry_delay(const struct probe *p)
{
    const char *ra = p->x.res.error ? NULL : res_header_get(&p->x.res, "retry-after");
    if (ra) {
        char *end;
        long s = strtol(ra, &end, 10);
        if (end == ra) {
            time_t t = curl_getdate(ra, NULL);
            s = t > 0 ? (long)(t - time(NULL)) : -1;
        }
        if (s >= 0)
            return (uint64_t)(s > 60 ? 60 : s) * 1000000000u;
    }
    double d = 0.25 * (double)(1u << (p->attempt < 7 ? p->attempt : 7));
    d = d > 30 ? 30 : d;
    d *= 0.5 + (double)(rand() % 1000) / 1000.0;
    return (uint64_t)(d * 1e9);
}

static void probe_on_retry_timer(uv_timer_t *t);

static void arm_retry_timer(struct probes *ps)
{
    if (!ps->retry.n)
        return;
    uint64_t now = rate_now(), due = ps->retry.v[0]->due;
    uv_timer_start(&ps->retry_timer, probe_on_retry_timer,
                   due > now ? (due - now + 999999) / 1000000 : 0, 0);
}

/* 0, or -1 when the queue cannot grow (the caller ends the probe). */
static int retry_later(struct probes *ps, struct probe *p)
{
    struct queue *q = &ps->retry;
    if (probe_queue_push(q, p) < 0)
        return -1;
    p->stage = PS_RETRY;
    p->due = rate_now() + retry_delay(p);
    p->attempt++;
    ps->stats->retries++;
    ps->stats->counted = 1;
    size_t i = q->n - 1;
    while (i > 0 && q->v[i - 1]->due > p->due) { /* keep them sorted */
        q->v[i] = q->v[i - 1];
        i--;
    }
    q->v[i] = p;
    arm_retry_timer(ps);
    return 0;
}

static void probe_on_retry_timer(uv_timer_t *t)
{
    struct probes *ps = t->data;
    struct queue *q = &ps->retry;
    uint64_t now = rate_now();
    size_t n = 0;
    while (n < q->n && q->v[n]->due <= now)
        n++;
    /* Take them out first: each is handed on, and may end, below. */
    struct probe *due[64];
    n = n < 64 ? n : 64;
    memcpy(due, q->v, n * sizeof *due);
    memmove(q->v, q->v + n, (q->n - n) * sizeof *q->v);
    q->n -= n;
    for (size_t i = 0; i < n; i++) {
        if (ps->h.start)
            probe_admit(due[i]); /* again past the rate and the per-address caps */
        else
            transfer(due[i]);
    }
    arm_retry_timer(ps);
    ps->wake(ps->ud);
}

void probe_stop(struct probes *ps)
{
    ps->stopping = 1;
    uv_timer_stop(&ps->retry_timer);
    struct queue *q = &ps->retry;
    while (q->n) {
        struct probe *p = q->v[--q->n];
        snprintf(p->x.errmsg, sizeof p->x.errmsg, "stopped before retry %d (%s)", p->attempt,
                 p->x.res.error ? p->x.res.error : "429/503");
        probe_fail(p, ERR_STOPPED);
    }
}

/* ---- judge: a finished transfer ---- */

static unsigned size_bucket(unsigned long long len)
{
    unsigned b = 0;
    while (len && b < SIZE_BUCKETS - 1) {
        len >>= 1;
        b++;
    }
    return b;
}

/* How the transfer went, for the per-address table. */
static int outcome(const struct xfer *x)
{
    if (x->kind == ERR_CONNECT)
        return PERIP_DOWN;
    if (x->kind == ERR_TIMEOUT || x->kind == ERR_IO || x->kind == ERR_EMPTY)
        return PERIP_FAIL;
    if (x->kind != ERR_NONE)
        return PERIP_OK; /* TLS, a bad reply: the host answered */
    switch (x->res.status) {
    case 503: return PERIP_SLOW;
    case 429: return PERIP_LIMITED;
    case 403: return PERIP_DENIED;
    default: return PERIP_OK;
    }
}

static void note_outcome(struct probes *ps, struct probe *p)
{
    if (!ps->perip || !p->dest[0])
        return;
    int ev = perip_note(ps->perip, p->dest, outcome(&p->x), rate_now());
    if (ev == PERIP_GAVE_UP) {
        char why[96];
        log_msg(LOG_WARN, "%s given up: %s; its words left are skipped (--retry-failed "
                "takes them again)", p->dest, perip_why(ps->perip, p->dest, why, sizeof why));
    } else if (ev == PERIP_SLOWED) {
        log_msg(LOG_DEBUG, "%s pushes back (429/503): held to %.1f requests a second", p->dest,
                perip_rate(ps->perip, p->dest));
    }
}

/* A try more: while --retries are left, and for an answer that says
 * "later" (429, 503) a few more while the host is slowed down for it. */
static int try_again(const struct probes *ps, const struct probe *p)
{
    if (!retryable(p) || ps->stopping)
        return 0;
    if (p->attempt < ps->s.retries)
        return 1;
    int later = p->x.kind == ERR_NONE;
    return later && p->attempt < ps->s.retries + ps->s.pushback_tries;
}

/* ---- fetch: a request a script's match() makes, as a probe of its own ---- */

static void fetch_start(struct probes *ps, struct probe *w);
static struct probe *probe_get(struct probes *ps);

/* The answer of f back to the match() waiting on it: the next fetch, or
 * the waiting probe's end. */
static void fetch_answer(struct probes *ps, struct probe *w, const salvo_res *got, int kind)
{
    int verdict = V_HIT, vkind = ERR_NONE;
    const char *why = NULL;
    ps->h.resume(ps->h.judge, w, got, kind, &verdict, &vkind, &why);
    if (verdict == V_PENDING)
        fetch_start(ps, w);
    else
        probe_end(w, verdict, vkind, why);
}

/* w's want as a probe through the same stages as a word's (the DNS
 * stage, --rate and the per-address caps, the transfer, retries), whose
 * end goes back to w instead of the owner. */
static void fetch_start(struct probes *ps, struct probe *w)
{
    struct probe *f = probe_get(ps);
    if (!f || engine_req_copy(&f->x.req, w->want) < 0 || buf_append(&f->word, w->word.p, w->word.len) < 0) {
        if (f) {
            engine_xfer_clear(&f->x);
            buf_reset(&f->word);
            f->next = ps->free_list;
            ps->free_list = f;
        }
        static salvo_res oom = {.error = "internal: out of memory"};
        fetch_answer(ps, w, &oom, ERR_INTERNAL);
        return;
    }
    ps->busy++;
    ps->stats->fetches++;
    ps->stats->counted = 1;
    f->waiter = w;
    f->owner = w->owner;
    f->owner_id = w->owner_id;
    f->index = w->index;
    f->cal = w->cal;
    f->attempt = 0;
    f->stall_tries = 0;
    f->x.res.word = f->word.p;
    f->x.res.wlen = f->word.len;
    if (ps->h.start && ps->h.wanted(ps->h.resolve, f)) {
        f->stage = PS_RESOLVE;
        if (ps->h.start(ps->h.resolve, f) < 0)
            fail_msg(f, ERR_INTERNAL, "internal: out of memory");
        return;
    }
    probe_admit(f); /* --rate and the caps in probe_pump(), like every probe */
    uv_timer_start(&ps->perip_timer, probe_on_perip_timer, 0, 0); /* the pump soon */
}

static void fetch_done(struct probes *ps, struct probe *f, int verdict, int kind, const char *why)
{
    struct probe *w = f->waiter;
    f->waiter = NULL;
    if (verdict == V_ERROR && !f->x.res.error)
        f->x.res.error = why;
    fetch_answer(ps, w, &f->x.res, verdict == V_ERROR ? kind : ERR_NONE);
}

static void probe_on_xfer_done(struct xfer *x, void *ud)
{
    struct probes *ps = ud;
    struct probe *p = container_of(x, struct probe, x);
    if (p->perip_held) {
        perip_release(ps->perip, p->dest);
        p->perip_held = 0;
    }
    note_outcome(ps, p);
    if (!p->owner) { /* calibration: the owner reads the response itself */
        probe_end(p, x->kind ? V_ERROR : V_MISS, x->kind, x->kind ? x->errmsg : NULL);
        return;
    }
    see_stall(ps, rate_now());
    if (x->kind == ERR_TIMEOUT && p->started < ps->stall_at && p->stall_tries < STALL_TRIES &&
        !ps->stopping) {
        p->stall_tries++;
        if (ps->h.start)
            probe_admit(p); /* past the rate and the per-address caps again */
        else
            transfer(p);
        return;
    }
    if (try_again(ps, p) && retry_later(ps, p) == 0)
        return;
    struct probe_stats *st = ps->stats;
    if (!x->res.error && x->res.status > 0 && x->res.status < 600) {
        st->status_count[x->res.status]++;
        st->size_count[size_bucket(x->res.length)]++;
    }
    st->counted = 1;
    p->stage = PS_JUDGE;
    if (x->kind != ERR_NONE) {
        probe_fail(p, x->kind);
        return;
    }
    if (p->waiter) { /* a fetch: its answer goes to the match() that asked */
        probe_end(p, V_HIT, ERR_NONE, NULL);
        return;
    }
    int verdict = V_HIT, kind = ERR_NONE;
    const char *why = NULL;
    if (ps->h.verdict)
        ps->h.verdict(ps->h.judge, p, &verdict, &kind, &why);
    if (verdict == V_PENDING)
        fetch_start(ps, p);
    else
        probe_end(p, verdict, kind, why);
}

static void probe_on_idle(void *ud)
{
    struct probes *ps = ud;
    ps->wake(ps->ud);
}

/* ---- build ---- */

/* The word into the URL, the headers that have a placeholder and the
 * body. NULL, or why it cannot be done (with *kind). */
static const char *build(struct probes *ps, struct probe *p, int *kind)
{
    const char *word = p->word.p;
    size_t len = p->word.len;
    salvo_req *req = &p->x.req;
    *kind = ERR_INTERNAL;
    int rc = tmpl_fill(ps->s.template, ps->s.keys, word, len, TMPL_URL, &req->url);
    if (rc < 0) {
        static char why[160];
        const char *bad = tmpl_bad_host_byte(word, len);
        *kind = rc == TMPL_ENOMEM ? ERR_INTERNAL : ERR_URL;
        buf_reset(&req->url);
        if (rc == TMPL_ENUL)
            return "url: the word holds a NUL byte";
        if (rc == TMPL_EIDN)
            return "url: the word is not a valid international domain name (IDNA 2008)";
        if (rc == TMPL_ESCHEME)
            return "url: the line is not an http:// or https:// URL";
        if (rc == TMPL_EHOST && bad) {
            snprintf(why, sizeof why, "url: the word holds %s%c%s (0x%02x), which cannot be "
                     "part of a host name", *bad >= 0x20 && *bad < 0x7f ? "\"" : "",
                     *bad >= 0x20 && *bad < 0x7f ? *bad : ' ',
                     *bad >= 0x20 && *bad < 0x7f ? "\"" : "", (unsigned char)*bad);
            return why;
        }
        return "internal: out of memory";
    }
    for (size_t i = 0; i < ps->s.headers->n; i++) {
        const char *h = ps->s.headers->v[i];
        if (!strchr(h, '{'))
            continue;
        /* A line end from a word would start a header of its own. */
        for (size_t j = 0; j < len; j++)
            if ((unsigned char)word[j] < 0x20 && word[j] != '\t' && word[j] != TMPL_SEP) {
                *kind = ERR_URL;
                return "url: the word holds a control byte, which a header cannot carry";
            }
        struct buf v = {0};
        int bad = tmpl_fill(h, ps->s.keys, word, len, 0, &v) < 0 || buf_append_byte(&v, '\0') < 0;
        struct curl_slist *l = bad ? NULL : curl_slist_append(req->headers, v.p);
        buf_free(&v);
        if (!l)
            return "internal: out of memory";
        req->headers = l;
    }
    if (ps->s.method && strchr(ps->s.method, '{')) {
        if (tmpl_fill(ps->s.method, ps->s.keys, word, len, 0, &req->method) < 0)
            return "internal: out of memory";
        /* A method is a token: one with a space or a control byte would
         * make another request line. */
        for (size_t j = 0; j < req->method.len; j++)
            if ((unsigned char)req->method.p[j] <= 0x20 || req->method.p[j] == 0x7f) {
                *kind = ERR_URL;
                return "url: the word holds a space or a control byte, which a method cannot carry";
            }
    }
    if (ps->s.data && *ps->s.data) {
        if (tmpl_fill(ps->s.data, ps->s.keys, word, len, 0, &req->body) < 0)
            return "internal: out of memory";
        req->has_body = 1;
    }
    return NULL;
}

/* A word shown in a report even though it made no URL. */
static void probe_show_word(const struct probes *ps, struct probe *p)
{
    if (p->x.req.url.len)
        return;
    struct buf shown = {0};
    for (size_t i = 0; i < p->word.len; i++)
        p->word.p[i] ? buf_append_byte(&shown, p->word.p[i]) : buf_append_str(&shown, "%00");
    tmpl_fill(ps->s.template, ps->s.keys, shown.p ? shown.p : "", shown.len, TMPL_SHOW,
              &p->x.req.url);
    buf_free(&shown);
}

static struct probe *probe_get(struct probes *ps)
{
    struct probe *p = ps->free_list;
    if (p) {
        ps->free_list = p->next;
        return p;
    }
    if (!(p = calloc(1, sizeof *p)))
        return NULL;
    if (engine_xfer_init(ps->eng, &p->x) < 0) {
        free(p);
        return NULL;
    }
    p->ps = ps;
    return p;
}

int probe_run(struct probes *ps, void *owner, uint64_t owner_id, uint32_t index,
              struct calib_set *cal, const char *word, size_t len)
{
    struct probe *p = probe_get(ps);
    if (!p || buf_append(&p->word, word, len) < 0) {
        if (p) {
            p->next = ps->free_list;
            ps->free_list = p;
        }
        return -1;
    }
    ps->busy++;
    p->owner = owner;
    p->owner_id = owner_id;
    p->index = index;
    p->cal = cal;
    p->attempt = 0;
    p->stall_tries = 0;
    p->x.res.word = p->word.p;
    p->x.res.wlen = p->word.len;
    p->stage = PS_BUILD;
    int kind;
    const char *why = build(ps, p, &kind);
    if (why) {
        probe_show_word(ps, p);
        fail_msg(p, kind, why);
        return 0;
    }
    p->stage = PS_TARGET;
    if (ps->h.target && ps->h.target(ps->h.judge, p, &kind) < 0) {
        if (!owner)
            probe_show_word(ps, p);
        probe_fail(p, kind);
        return 0;
    }
    if (ps->h.start && ps->h.wanted(ps->h.resolve, p)) {
        p->stage = PS_RESOLVE;
        if (ps->h.start(ps->h.resolve, p) < 0)
            fail_msg(p, ERR_INTERNAL, "internal: out of memory");
    } else if (ps->h.start) {
        probe_admit(p); /* --rate is taken in probe_pump() */
    } else {
        transfer(p);
    }
    return 0;
}

unsigned probe_busy(const struct probes *ps)
{
    return ps->busy;
}

struct engine *probe_engine(const struct probes *ps)
{
    return ps->eng;
}

struct probes *probe_new(uv_loop_t *loop, const struct engine_settings *es,
                          const struct probe_settings *s, const struct probe_hooks *hooks,
                          struct rate *rate,
                          struct perip *perip, struct probe_stats *stats, probe_end_fn end,
                          void (*wake)(void *ud), void *ud, char *err, size_t errlen)
{
    struct probes *ps = calloc(1, sizeof *ps);
    if (!ps) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (!(ps->eng = engine_new(loop, es, probe_on_xfer_done, probe_on_idle, ps, err, errlen))) {
        free(ps);
        return NULL;
    }
    ps->loop = loop;
    ps->s = *s;
    if (hooks)
        ps->h = *hooks;
    ps->perip = perip;
    ps->stats = stats;
    engine_count_into(ps->eng, stats->by_client);
    ps->end = end;
    ps->wake = wake;
    ps->ud = ud;
    uv_timer_init(loop, &ps->retry_timer);
    ps->retry_timer.data = ps;
    uv_timer_init(loop, &ps->perip_timer);
    ps->perip_timer.data = ps;
    uv_timer_init(loop, &ps->beat);
    ps->beat.data = ps;
    uv_timer_start(&ps->beat, probe_on_beat, BEAT_MS, BEAT_MS);
    uv_unref((uv_handle_t *)&ps->beat);
    probe_gate_init(&ps->gate, loop, rate, wake, ud);
    return ps;
}

void probe_set_resolve(struct probes *ps, const struct probe_hooks *h)
{
    ps->h.resolve = h->resolve;
    ps->h.wanted = h->wanted;
    ps->h.start = h->start;
}

void *probe_resolve(const struct probes *ps)
{
    return ps->h.resolve;
}

static void probe_on_closed(uv_handle_t *h)
{
    struct probes *ps = h->data;
    if (--ps->closing == 0)
        free(ps);
}

void probe_free(struct probes *ps)
{
    if (!ps)
        return;
    /* The handles first: the engine's share stays in use while one holds it. */
    for (struct probe *p = ps->free_list, *next; p; p = next) {
        next = p->next;
        engine_xfer_free(&p->x);
        buf_free(&p->word);
        if (p->want)
            engine_req_free(p->want);
        free(p->want);
        free(p);
    }
    engine_free(ps->eng);
    free(ps->ready.v);
    free(ps->retry.v);
    /* ps goes once libuv is done with its timers: the caller runs the loop. */
    ps->closing = 4;
    ps->retry_timer.data = ps->perip_timer.data = ps->gate.timer.data = ps->beat.data = ps;
    uv_close((uv_handle_t *)&ps->beat, probe_on_closed);
    uv_close((uv_handle_t *)&ps->retry_timer, probe_on_closed);
    uv_close((uv_handle_t *)&ps->perip_timer, probe_on_closed);
    uv_close((uv_handle_t *)&ps->gate.timer, probe_on_closed);
}

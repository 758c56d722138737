/* worker: one process of the pool. It runs the plugin's init(), then asks
 * the parent for chunks of words, keeps the engine's window full, judges
 * every response and sends hits and errors back. It writes nothing to the
 * output itself: the parent is the single writer.
 *
 * Flow control: a worker asks for the next chunk (MSG_WANT) while fewer
 * words are queued than its window holds, so a fast worker simply asks
 * more often. MSG_DONE for a chunk follows all of that chunk's results on
 * the same stream, which is what lets the parent count a chunk as done
 * only once its results are written.
 */
#include "worker.h"

#include "calib.h"
#include "combo.h"
#include "dns.h"
#include "engine.h"
#include "log.h"
#include "match.h"
#include "msg.h"
#include "opt.h"
#include "plugin.h"
#include "perip.h"
#include "rate.h"
#include "res.h"
#include "tmpl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <time.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct chunk {
    uint64_t id;
    struct buf words;      /* separated by '\n' */
    size_t pos;            /* next word starts here */
    size_t open;           /* words started and not finished */
    uint32_t next_index;   /* of the next word */
    struct buf skip;       /* uint32_t indices not to probe (quarantined) */
    int abandoned;         /* MSG_STOP came first: never reported done */
    struct chunk *next;
};

struct worker {
    uv_loop_t loop;
    uv_pipe_t ipc;
    struct engine *eng;
    const struct conf *c;
    struct plugin *plugin;
    struct worker_beacon *beacon;
    struct match_rules rules;
    struct chunk *head, *tail;  /* queued chunks, oldest first */
    size_t queued;              /* words not yet started */
    int want_sent;
    int end;                    /* MSG_END received */
    int closing;
    int status;                 /* exit status */
    struct buf in;              /* bytes from the parent not yet parsed */
    struct buf out;             /* frames waiting to be written */
    struct buf wbuf;            /* frames being written */
    uv_write_t wreq;
    int writing;
    uv_timer_t trim;
    struct rate *rate;          /* the shared --rate limiter, or NULL */
    uv_timer_t rate_timer;
    int rate_waiting;
    int stopping;               /* MSG_STOP: no new tries either */
    struct probe **retry;       /* waiting to be tried again, by due time */
    size_t nretry, capretry;
    uv_timer_t retry_timer;
    uint32_t retries;           /* since the last MSG_STATS */
    uint32_t status_count[600];       /* responses since the last MSG_STATS */
    uint32_t size_count[SIZE_BUCKETS];
    uint32_t misses, filtered, calibrated;
    int counted;
    /* --calibrate */
    struct calib calib;
    char calib_name[CALIB_MAX][96];   /* filtered_by of each learned page */
    unsigned calibrating;             /* first probes still out: no chunks yet */
    int recal_out;                    /* a check probe is out */
    uint64_t since_recal, calib_seed;
    unsigned calib_tries;
    struct buf scratch;
    struct combo combo;        /* the wordlists' names, for {KEY} */
    /* The DNS stage (resolver = salvo), or NULL. */
    struct dns *dns;
    unsigned dns_wait;         /* probes waiting for their answer */
    struct probe **ready;      /* resolved, waiting for the HTTP rate */
    size_t nready, capready;
    struct rate *dns_rate;     /* the shared dns_rate limiter, or NULL */
    uv_timer_t dns_rate_timer;
    int dns_rate_waiting;
    char wild[64][48];         /* the wildcard's answers (--wildcard-dns) */
    size_t nwild;
    unsigned wild_learning;    /* random names still out */
    const char *wild_domain;   /* the template's host after "{}." */
    uint32_t dns_errors, wildcards;
    struct perip *perip;       /* per-address caps, or NULL */
    int reuse;                 /* keep-alive to resolved addresses (see keep_alive()) */
    uv_timer_t perip_timer;    /* a blocked address may be free again */
};

static void flush(struct worker *w);
static void refill(void *ud);
static void on_retry_timer(uv_timer_t *t);
static void maybe_finish(struct worker *w);
static void ready_push(struct worker *w, struct probe *p);
static int keep_alive(struct worker *w, struct probe *p, const char *addr);

static void on_written(uv_write_t *req, int status)
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
    flush(w);
    maybe_finish(w);
}

static void flush(struct worker *w)
{
    if (w->writing || !w->out.len)
        return;
    struct buf t = w->wbuf;
    w->wbuf = w->out;
    w->out = t;
    uv_buf_t b = uv_buf_init(w->wbuf.p, (unsigned)w->wbuf.len);
    w->wreq.data = w;
    if (uv_write(&w->wreq, (uv_stream_t *)&w->ipc, &b, 1, on_written) == 0)
        w->writing = 1;
    else {
        w->status = 1;
        uv_stop(&w->loop);
    }
}

/* What the rules saw: the decoded text, or the raw bytes with raw = yes. */
static const char *rules_text(struct worker *w, struct salvo_res *r, size_t *len)
{
    if (w->rules.raw) {
        *len = r->body.len;
        return r->body.p ? r->body.p : "";
    }
    return res_text(r, len);
}

static void send_result(struct worker *w, const struct chunk *ch, struct probe *p, int verdict,
                        const char *error, const char *why)
{
    struct result r = {
        .chunk = ch->id,
        .index = p->index,
        .verdict = verdict,
        .status = p->res.status,
        .length = p->res.length,
        .elapsed = p->res.elapsed,
        .word = p->word.p,
        .wlen = p->word.len,
        .url = p->req.url.p,
        .error = error,
        .ip = p->res.ip,
        .ips = p->res.ips,
        .wildcard = p->res.dns_wildcard,
        .filtered_by = why,
        .nfields = p->res.nfields,
    };
    struct buf title = {0};
    if (verdict != V_ERROR && !p->res.error) {
        size_t len;
        const char *t = rules_text(w, &p->res, &len);
        match_count(t, len, &r.words, &r.lines);
        const char *html = res_text(&p->res, &len);
        res_title(html, len, &title);
        r.content_type = res_header_get(&p->res, "content-type");
        r.location = res_header_get(&p->res, "location");
    }
    r.title = title.p ? title.p : "";
    r.charset = p->res.text_ready ? p->res.charset : "";
    for (size_t i = 0; i < 2 * p->res.nfields; i++)
        r.fields[i] = p->res.fields[i];
    msg_put_result(&w->out, &r);
    buf_free(&title);
}

/* A chunk whose words have all been started and finished is done. */
static void chunk_maybe_done(struct worker *w)
{
    while (w->head && w->head->open == 0 && w->head->pos >= w->head->words.len) {
        struct chunk *ch = w->head;
        if (!ch->abandoned)
            msg_put_u64(&w->out, MSG_DONE, ch->id);
        w->head = ch->next;
        if (!w->head)
            w->tail = NULL;
        buf_free(&ch->words);
        buf_free(&ch->skip);
        free(ch);
    }
}

/* Plugin code is about to run on this word: if it kills the process, the
 * parent reads here which word it was. */
static void beacon_on(struct worker *w, const struct chunk *ch, uint32_t index,
                      const char *word, size_t len)
{
    struct worker_beacon *b = w->beacon;
    if (!b)
        return;
    b->chunk = ch->id;
    b->index = index;
    b->len = (uint32_t)(len < sizeof b->word ? len : sizeof b->word);
    memcpy(b->word, word, b->len);
    b->busy = 1;
}

static void beacon_off(struct worker *w)
{
    if (w->beacon)
        w->beacon->busy = 0;
}

/* The cheap part of p's signature (status, redirect, title, with the word
 * taken out); returns the decoded text for calib_sig_text(). */
static const char *sig_head(struct probe *p, struct calib_sig *sig, size_t *len)
{
    struct buf title = {0};
    const char *text = res_text(&p->res, len);
    res_title(text, *len, &title);
    calib_sig_head(sig, p->res.status, p->word.p, p->word.len,
                   res_header_get(&p->res, "location"), title.p);
    buf_free(&title);
    return text;
}

/* The response's signature against the learned not-found pages: the
 * page's index, or -1. */
static int calibrated(struct worker *w, struct probe *p)
{
    size_t len;
    struct calib_sig sig;
    const char *text = sig_head(p, &sig, &len);
    if (!calib_maybe(&w->calib, &sig))
        return -1;
    calib_sig_text(&sig, text, len, p->word.p, p->word.len, &w->scratch);
    return calib_match(&w->calib, &sig);
}

/* The verdict for a finished transfer: rules first (cheap), then the
 * learned not-found pages, then the plugin's match() on what passed.
 * *why names what turned a response down. */
static void judge(struct worker *w, struct probe *p, int *verdict, const char **error,
                  const char **why)
{
    *error = NULL;
    *why = NULL;
    if (p->res.error) {
        *verdict = V_ERROR;
        *error = p->res.error;
        return;
    }
    if (!match_eval(&w->rules, &p->res, why)) {
        *verdict = V_FILTERED;
        w->filtered++;
        return;
    }
    int k = w->calib.n ? calibrated(w, p) : -1;
    if (k >= 0) {
        *verdict = V_FILTERED;
        *why = w->calib_name[k];
        w->calibrated++;
        return;
    }
    if (!plugin_has_match(w->plugin)) {
        *verdict = V_HIT;
        return;
    }
    beacon_on(w, p->owner, p->index, p->word.p, p->word.len);
    int v = plugin_match(w->plugin, &p->res);
    beacon_off(w);
    switch (v) {
    case SALVO_HIT:
        *verdict = V_HIT;
        break;
    case SALVO_MISS:
        *verdict = V_MISS;
        *why = w->plugin->name;
        w->misses++;
        break;
    default:
        *verdict = V_ERROR;
        *error = p->res.fail.p;
    }
}

static unsigned size_bucket(unsigned long long len)
{
    unsigned b = 0;
    while (len && b < SIZE_BUCKETS - 1) {
        len >>= 1;
        b++;
    }
    return b;
}

/* Send what was counted since last time: only the non-zero counts. */
static void send_stats(struct worker *w)
{
    if (!w->counted)
        return;
    struct buf b = {0};
    for (uint16_t k = 0; k < 600; k++)
        if (w->status_count[k]) {
            buf_append(&b, &k, 2);
            buf_append(&b, &w->status_count[k], 4);
            w->status_count[k] = 0;
        }
    for (uint16_t k = 0; k < SIZE_BUCKETS; k++)
        if (w->size_count[k]) {
            uint16_t key = STATS_SIZE + k;
            buf_append(&b, &key, 2);
            buf_append(&b, &w->size_count[k], 4);
            w->size_count[k] = 0;
        }
    uint32_t *const counts[] = {&w->retries, &w->misses, &w->filtered, &w->calibrated,
                                &w->wildcards};
    const uint16_t keys[] = {STATS_RETRIES, STATS_MISSES, STATS_FILTERED, STATS_CALIBRATED,
                             STATS_WILDCARDS};
    for (size_t i = 0; i < 5; i++)
        if (*counts[i]) {
            buf_append(&b, &keys[i], 2);
            buf_append(&b, counts[i], 4);
            *counts[i] = 0;
        }
    msg_put(&w->out, MSG_STATS, b.p, b.len);
    buf_free(&b);
    w->counted = 0;
}

/* Worth another try: no answer at all (connect error, reset, timeout), or
 * an answer that says "later" (429, 503). Never a definite answer. */
static int retryable(const struct probe *p)
{
    if (p->res.error) {
        static const char *const classes[] = {"timeout:", "connect:", "empty-reply:", "io:"};
        for (size_t i = 0; i < 4; i++)
            if (!strncmp(p->res.error, classes[i], strlen(classes[i])))
                return 1;
        return 0;
    }
    return p->res.status == 429 || p->res.status == 503;
}

/* Backoff 0.25 s * 2^attempt (jittered, at most 30 s), or what the
 * server's Retry-After says (seconds or an HTTP date, at most 60 s). */
static uint64_t retry_delay(const struct probe *p)
{
    const char *ra = p->res.error ? NULL : res_header_get(&p->res, "retry-after");
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

static void arm_retry_timer(struct worker *w)
{
    if (!w->nretry)
        return;
    uint64_t now = rate_now(), due = w->retry[0]->due;
    uv_timer_start(&w->retry_timer, on_retry_timer, due > now ? (due - now + 999999) / 1000000 : 0,
                   0);
}

static void retry_later(struct worker *w, struct probe *p)
{
    if (w->nretry == w->capretry) {
        size_t cap = w->capretry ? 2 * w->capretry : 16;
        struct probe **v = realloc(w->retry, cap * sizeof *v);
        if (!v)
            return;
        w->retry = v;
        w->capretry = cap;
    }
    p->due = rate_now() + retry_delay(p);
    p->attempt++;
    w->retries++;
    w->counted = 1;
    size_t i = w->nretry++;
    while (i > 0 && w->retry[i - 1]->due > p->due) { /* keep them sorted */
        w->retry[i] = w->retry[i - 1];
        i--;
    }
    w->retry[i] = p;
    arm_retry_timer(w);
}

static void on_retry_timer(uv_timer_t *t)
{
    struct worker *w = t->data;
    uint64_t now = rate_now();
    size_t n = 0;
    while (n < w->nretry && w->retry[n]->due <= now)
        n++;
    for (size_t i = 0; i < n; i++) {
        struct probe *p = w->retry[i];
        if (w->dns) { /* again past the rate and the per-address caps */
            ready_push(w, p);
            continue;
        }
        if (engine_probe_start(w->eng, p) < 0) {
            send_result(w, p->owner, p, V_ERROR, p->errmsg, NULL);
            ((struct chunk *)p->owner)->open--;
            engine_probe_put(w->eng, p);
        }
    }
    memmove(w->retry, w->retry + n, (w->nretry - n) * sizeof *w->retry);
    w->nretry -= n;
    arm_retry_timer(w);
    refill(w);
}

static void calib_probe(struct worker *w);
static void calib_done(struct worker *w, struct probe *p);
static int dns_wanted(struct worker *w, struct probe *p);
static int dns_start(struct worker *w, struct probe *p);

static void on_done(struct probe *p, void *ud)
{
    struct worker *w = ud;
    if (p->perip_held) {
        perip_release(w->perip, p->dest);
        p->perip_held = 0;
    }
    if (!p->owner) {
        calib_done(w, p);
        return;
    }
    if (p->attempt < w->c->retries && retryable(p) && !w->stopping) {
        retry_later(w, p);
        return;
    }
    if (!p->res.error && p->res.status > 0 && p->res.status < 600) {
        w->status_count[p->res.status]++;
        w->size_count[size_bucket(p->res.length)]++;
    }
    w->counted = 1;
    struct chunk *ch = p->owner;
    int verdict;
    const char *error, *why;
    judge(w, p, &verdict, &error, &why);
    if (verdict == V_HIT || verdict == V_ERROR)
        send_result(w, ch, p, verdict, error, NULL);
    else if (w->c->show_filtered)
        send_result(w, ch, p, V_FILTERED, NULL, why);
    ch->open--;
    engine_probe_put(w->eng, p);
    if (w->c->calibrate && w->c->recalibrate && ++w->since_recal >= (uint64_t)w->c->recalibrate &&
        !w->recal_out && !w->stopping) {
        w->since_recal = 0;
        w->recal_out = 1;
        calib_probe(w);
    }
}

/* With several wordlists, target() sees the word of each list in turn:
 * a plugin that checks words checks every one; the request is the same. */
static int target_parts(struct worker *w, const char *word, size_t len, salvo_req *req)
{
    int v = SALVO_MISS;
    const char *s = word, *end = word + len;
    do {
        const char *sep = w->combo.keys.n ? memchr(s, TMPL_SEP, (size_t)(end - s)) : NULL;
        size_t n = sep ? (size_t)(sep - s) : (size_t)(end - s);
        v = plugin_target(w->plugin, s, n, req);
        s = sep ? sep + 1 : end;
    } while (v == SALVO_MISS && s < end);
    return v;
}

static int target_fails(struct worker *w, struct chunk *ch, struct probe *p)
{
    beacon_on(w, ch, p->index, p->word.p, p->word.len);
    int v = target_parts(w, p->word.p, p->word.len, &p->req);
    beacon_off(w);
    return v != SALVO_MISS;
}

static int user_host_header(const struct conf *c)
{
    for (size_t i = 0; i < c->headers.n; i++)
        if (!strncasecmp(c->headers.v[i], "host:", 5))
            return 1;
    return 0;
}

/* The word into the URL, the headers that have a placeholder and the
 * body. NULL, or why it cannot be done. */
static const char *fill_request(struct worker *w, const char *word, size_t len, struct probe *p)
{
    const struct tmpl_keys *k = w->combo.keys.n ? &w->combo.keys : NULL;
    if (tmpl_fill(w->c->template, k, word, len, 1, &p->req.url) < 0)
        return memchr(word, '\0', len) ? "url: the word holds a NUL byte" : "internal: out of memory";
    for (size_t i = 0; i < w->c->headers.n; i++) {
        const char *h = w->c->headers.v[i];
        if (!strchr(h, '{'))
            continue;
        /* A line end from a word would start a header of its own. */
        for (size_t j = 0; j < len; j++)
            if ((unsigned char)word[j] < 0x20 && word[j] != '\t' && word[j] != TMPL_SEP)
                return "url: the word holds a control byte, which a header cannot carry";
        struct buf v = {0};
        int bad = tmpl_fill(h, k, word, len, 0, &v) < 0 || buf_append_byte(&v, '\0') < 0;
        struct curl_slist *l = bad ? NULL : curl_slist_append(p->req.headers, v.p);
        buf_free(&v);
        if (!l)
            return "internal: out of memory";
        p->req.headers = l;
    }
    if (w->c->data && *w->c->data) {
        if (tmpl_fill(w->c->data, k, word, len, 0, &p->req.body) < 0)
            return "internal: out of memory";
        p->req.has_body = 1;
    }
    return NULL;
}

/* Build the request for one word; on failure report it as an error. */
static void start_word(struct worker *w, struct chunk *ch, uint32_t index, const char *word,
                       size_t len)
{
    struct probe *p = engine_probe_get(w->eng);
    if (!p) {
        log_msg(LOG_ERR, "out of memory");
        w->status = 1;
        uv_stop(&w->loop);
        return;
    }
    p->owner = ch;
    p->index = index;
    ch->open++;
    buf_append(&p->word, word, len);
    const char *fail = fill_request(w, word, len, p);
    if (fail)
        ;
    else if (plugin_has_target(w->plugin) && target_fails(w, ch, p)) {
        static char msg[600];
        snprintf(msg, sizeof msg, "target: %s", p->req.fail.p);
        fail = msg;
    } else if (dns_wanted(w, p)) {
        if (dns_start(w, p) < 0)
            fail = "internal: out of memory";
    } else if (w->dns) {
        ready_push(w, p); /* --rate is taken in start_ready() */
    } else if (engine_probe_start(w->eng, p) < 0)
        fail = p->errmsg;
    if (!fail)
        return;
    if (!p->req.url.len) {
        /* Show the word in the report even though it made no URL. */
        struct buf shown = {0};
        for (size_t i = 0; i < len; i++)
            word[i] ? buf_append_byte(&shown, word[i]) : buf_append_str(&shown, "%00");
        tmpl_fill(w->c->template, w->combo.keys.n ? &w->combo.keys : NULL,
                  shown.p ? shown.p : "", shown.len, 1, &p->req.url);
        buf_free(&shown);
    }
    send_result(w, ch, p, V_ERROR, fail, NULL);
    ch->open--;
    engine_probe_put(w->eng, p);
}

/* ---- calibration ---- */

/* Random words of several lengths, so that a page whose size follows the
 * word's length shows it. */
static const unsigned calib_lengths[] = {8, 12, 16, 20, 24, 32, 10, 14};

static void calib_report(struct worker *w, const struct calib_fp *changed)
{
    struct buf b = {0};
    uint32_t head[3] = {w->calib_tries, (uint32_t)w->calib.n, changed != NULL};
    buf_append(&b, head, sizeof head);
    for (size_t i = 0; i < w->calib.n; i++) {
        buf_printf(&b, "%s%s: ", i ? "\n" : "", w->calib_name[i]);
        calib_describe(&w->calib.fp[i], &b);
    }
    buf_append_byte(&b, '\0');
    buf_append_byte(&b, '[');
    for (size_t i = 0; i < w->calib.n; i++) {
        if (i)
            buf_append_byte(&b, ',');
        calib_json(&w->calib.fp[i], &b);
    }
    buf_append_byte(&b, ']');
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
    flush(w);
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

static void calib_done(struct worker *w, struct probe *p)
{
    const struct calib_fp *changed = NULL;
    if (!p->res.error && !w->stopping) {
        size_t len;
        struct calib_sig sig;
        const char *text = sig_head(p, &sig, &len);
        calib_sig_text(&sig, text, len, p->word.p, p->word.len, &w->scratch);
        size_t before = w->calib.n;
        if (w->calibrating || calib_match(&w->calib, &sig) < 0) {
            int k = calib_learn(&w->calib, &sig);
            if (k >= 0 && (size_t)k == before) {
                snprintf(w->calib_name[k], sizeof w->calib_name[k], "calibration#%d(status=%d)",
                         k + 1, sig.status);
                if (!w->calibrating)
                    changed = &w->calib.fp[k];
            }
        }
    }
    engine_probe_put(w->eng, p);
    calib_settle(w, changed);
}

/* Probe one random word through the same template and plugin. */
static void calib_probe(struct worker *w)
{
    struct probe *p = engine_probe_get(w->eng);
    if (!p) {
        calib_settle(w, NULL);
        return;
    }
    /* One random word per wordlist. */
    char word[TMPL_MAX_KEYS * 41];
    size_t len = 0;
    for (size_t i = 0; i < (w->combo.keys.n ? w->combo.keys.n : 1); i++) {
        size_t n = calib_lengths[(w->calib_tries + i) % (sizeof calib_lengths / sizeof *calib_lengths)];
        if (i)
            word[len++] = TMPL_SEP;
        calib_word(word + len, n, &w->calib_seed);
        len += n;
    }
    w->calib_tries++;
    p->owner = NULL;
    p->index = 0;
    buf_append(&p->word, word, len);
    if (fill_request(w, word, len, p) ||
        (plugin_has_target(w->plugin) && target_parts(w, word, len, &p->req) != SALVO_MISS) ||
        (dns_wanted(w, p) ? dns_start(w, p) : engine_probe_start(w->eng, p)) < 0) {
        engine_probe_put(w->eng, p);
        calib_settle(w, NULL);
    }
}

static void maybe_finish(struct worker *w)
{
    if (w->end && !w->head && engine_inflight(w->eng) == 0 && !w->nretry && !w->dns_wait &&
        !w->nready && !w->closing) {
        w->closing = 1;
        send_stats(w);
        flush(w);
    }
    if (w->closing && !w->writing && !w->out.len)
        uv_stop(&w->loop);
}

static void on_rate_timer(uv_timer_t *t)
{
    struct worker *w = t->data;
    if (t == &w->rate_timer)
        w->rate_waiting = 0;
    else
        w->dns_rate_waiting = 0;
    refill(w);
}

/* 1 if one more may start now; else the refill waits for the limiter. */
static int limiter_ok(struct rate *r, uv_timer_t *t, int *waiting)
{
    if (!r)
        return 1;
    if (*waiting)
        return 0;
    uint64_t wait = rate_take(r, rate_now());
    if (!wait)
        return 1;
    *waiting = 1;
    uv_timer_start(t, on_rate_timer, (wait + 999999) / 1000000, 0);
    return 0;
}

static int rate_ok(struct worker *w)
{
    return limiter_ok(w->rate, &w->rate_timer, &w->rate_waiting);
}

/* ---- the DNS stage ---- */

/* p->host and p->port from the filled-in URL. */
static int host_of(struct probe *p)
{
    CURLU *u = curl_url();
    char *host = NULL, *port = NULL;
    int ok = u && !curl_url_set(u, CURLUPART_URL, p->req.url.p, 0) &&
             !curl_url_get(u, CURLUPART_HOST, &host, 0) &&
             !curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) &&
             strlen(host) < sizeof p->host;
    if (ok) {
        snprintf(p->host, sizeof p->host, "%s", host);
        p->port = strtol(port, NULL, 10);
    }
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    return ok ? 0 : -1;
}

/* --connect-to and --resolve entries "HOST:PORT:..." (empty = any) that
 * cover this host: curl is told where to go already. */
static int pinned_by_user(const struct strlist *l, const char *host, long port)
{
    for (size_t i = 0; i < l->n; i++) {
        const char *e = l->v[i] + (l->v[i][0] == '+');
        const char *c1 = strchr(e, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        size_t hl = (size_t)(c1 - e);
        int host_ok = !hl || (hl == strlen(host) && !strncasecmp(e, host, hl));
        int port_ok = c2 == c1 + 1 || strtol(c1 + 1, NULL, 10) == port;
        if (host_ok && port_ok)
            return 1;
    }
    return 0;
}

static int dns_wanted(struct worker *w, struct probe *p)
{
    if (!w->dns || host_of(p) < 0)
        return 0; /* a URL curl cannot parse: curl says why */
    unsigned char a[16];
    if (p->host[0] == '[' || inet_pton(AF_INET, p->host, a) == 1)
        return 0; /* numeric already */
    return !pinned_by_user(&w->c->connect_to, p->host, p->port) &&
           !pinned_by_user(&w->c->resolve, p->host, p->port);
}

static void ready_push(struct worker *w, struct probe *p)
{
    if (w->nready == w->capready) {
        size_t cap = w->capready ? 2 * w->capready : 64;
        struct probe **v = realloc(w->ready, cap * sizeof *v);
        if (!v) {
            log_msg(LOG_ERR, "out of memory");
            w->status = 1;
            uv_stop(&w->loop);
            return;
        }
        w->ready = v;
        w->capready = cap;
    }
    w->ready[w->nready++] = p;
}

static void probe_failed(struct worker *w, struct probe *p, const char *error)
{
    if (p->perip_held) {
        perip_release(w->perip, p->dest);
        p->perip_held = 0;
    }
    if (!p->owner) { /* a calibration probe: no answer */
        p->res.error = error;
        calib_done(w, p);
        return;
    }
    send_result(w, p->owner, p, V_ERROR, error, NULL);
    ((struct chunk *)p->owner)->open--;
    engine_probe_put(w->eng, p);
}

static void on_perip_timer(uv_timer_t *t)
{
    refill(t->data);
}

/* HTTP for the resolved probes, as fast as --rate and the per-address
 * caps let. A probe whose address is at its cap waits without holding
 * up the probes to other addresses. */
static void start_ready(struct worker *w)
{
    size_t keep = 0, i = 0;
    uint64_t wake = 0;
    int blocked = 0;
    for (; i < w->nready; i++) {
        struct probe *p = w->ready[i];
        if (w->perip && p->dest[0] && !p->perip_held) {
            uint64_t wait;
            if (!perip_take(w->perip, p->dest, rate_now(), &wait)) {
                wait = wait ? wait : 2000000; /* a transfer there must end first */
                wake = !blocked || wait < wake ? wait : wake;
                blocked = 1;
                w->ready[keep++] = p;
                continue;
            }
            p->perip_held = 1;
        }
        if (!rate_ok(w))
            break;
        if (engine_probe_start(w->eng, p) < 0)
            probe_failed(w, p, p->errmsg);
    }
    for (; i < w->nready; i++)
        w->ready[keep++] = w->ready[i];
    w->nready = keep;
    if (blocked)
        uv_timer_start(&w->perip_timer, on_perip_timer, (wake + 999999) / 1000000, 0);
}

static int in_wildcard(const struct worker *w, const struct dns_result *r)
{
    if (!w->nwild)
        return 0;
    for (size_t i = 0; i < r->naddr; i++) {
        int found = 0;
        for (size_t k = 0; k < w->nwild && !found; k++)
            found = !strcmp(w->wild[k], r->addr[i]);
        if (!found)
            return 0;
    }
    return r->naddr > 0;
}

static void on_resolved(void *ud, const struct dns_result *r)
{
    struct probe *p = ud;
    struct worker *w = engine_ud(p->eng);
    w->dns_wait--;
    if (r->status != DNS_OK) {
        snprintf(p->errmsg, sizeof p->errmsg, "dns: %s: %s", p->host, r->reason);
        probe_failed(w, p, p->errmsg);
        refill(w);
        return;
    }
    size_t o = 0;
    for (size_t i = 0; i < r->naddr && o < sizeof p->res.ips - 50; i++)
        o += (size_t)snprintf(p->res.ips + o, sizeof p->res.ips - o, "%s%s", i ? "," : "",
                              r->addr[i]);
    p->res.dns_wildcard = p->owner && in_wildcard(w, r);
    w->wildcards += p->res.dns_wildcard;
    w->counted |= p->res.dns_wildcard;
    if (w->c->dns_only && p->owner) {
        snprintf(p->res.ip, sizeof p->res.ip, "%s", r->addr[0]);
        p->res.elapsed = (double)(rate_now() - p->due) / 1e9;
        buf_reset(&p->req.url);
        buf_append_str(&p->req.url, p->host);
        struct chunk *ch = p->owner;
        if (!p->res.dns_wildcard)
            send_result(w, ch, p, V_HIT, NULL, NULL);
        else if (w->c->show_filtered)
            send_result(w, ch, p, V_FILTERED, NULL, "wildcard-dns");
        ch->open--;
        engine_probe_put(w->eng, p);
        refill(w);
        return;
    }
    snprintf(p->dest, sizeof p->dest, "%s", r->addr[0]);
    if (w->reuse && keep_alive(w, p, r->addr[0]) == 0) {
        ready_push(w, p);
        refill(w);
        return;
    }
    char pin[600];
    int v6 = strchr(r->addr[0], ':') != NULL;
    snprintf(pin, sizeof pin, "%s:%ld:%s%s%s:%ld", p->host, p->port, v6 ? "[" : "", r->addr[0],
             v6 ? "]" : "", p->port);
    if (!(p->pin = curl_slist_append(NULL, pin))) {
        probe_failed(w, p, "internal: out of memory");
        refill(w);
        return;
    }
    ready_push(w, p);
    refill(w);
}

/* Plain HTTP to a resolved address: the URL names the address and the Host
 * header the site, so curl keeps the connection and sends the next name's
 * request to the same address on it, instead of a new TCP connection per
 * name. Only where nothing else depends on the URL's host: no TLS (SNI and
 * certificate are per name), no redirects followed. */
static int keep_alive(struct worker *w, struct probe *p, const char *addr)
{
    CURLU *u = curl_url();
    char *url = NULL, host[300], ip[64];
    int v6 = strchr(addr, ':') != NULL;
    snprintf(ip, sizeof ip, v6 ? "[%s]" : "%s", addr);
    int ok = u && !curl_url_set(u, CURLUPART_URL, p->req.url.p, 0) &&
             !curl_url_set(u, CURLUPART_HOST, ip, 0) && !curl_url_get(u, CURLUPART_URL, &url, 0);
    if (ok) {
        buf_reset(&p->wire);
        buf_append_str(&p->wire, url);
        if (p->port == 80)
            snprintf(host, sizeof host, "Host: %s", p->host);
        else
            snprintf(host, sizeof host, "Host: %s:%ld", p->host, p->port);
        struct curl_slist *l = curl_slist_append(p->req.headers, host);
        ok = l != NULL;
        if (l)
            p->req.headers = l;
        else
            buf_reset(&p->wire);
    }
    curl_free(url);
    curl_url_cleanup(u);
    (void)w;
    return ok ? 0 : -1;
}

static int dns_start(struct worker *w, struct probe *p)
{
    p->due = rate_now(); /* the DNS time, for dns_only */
    if (dns_resolve(w->dns, p->host, on_resolved, p) < 0)
        return -1;
    w->dns_wait++;
    return 0;
}

/* --wildcard-dns: the answers of random names under the template's
 * domain. Words wait until they are known. */
static void on_wild(void *ud, const struct dns_result *r)
{
    struct worker *w = ud;
    for (size_t i = 0; r->status == DNS_OK && i < r->naddr; i++) {
        int known = 0;
        for (size_t k = 0; k < w->nwild && !known; k++)
            known = !strcmp(w->wild[k], r->addr[i]);
        if (!known && w->nwild < sizeof w->wild / sizeof w->wild[0])
            snprintf(w->wild[w->nwild++], sizeof w->wild[0], "%s", r->addr[i]);
    }
    if (--w->wild_learning)
        return;
    struct buf b = {0};
    buf_printf(&b, "*.%s", w->wild_domain);
    for (size_t k = 0; k < w->nwild; k++)
        buf_printf(&b, "%s%s", k ? "," : " ", w->wild[k]);
    if (!w->nwild)
        buf_append_str(&b, " -");
    msg_put(&w->out, MSG_WILD, b.p, b.len);
    buf_free(&b);
    refill(w);
}

/* The domain the words go under: the host of "scheme://{}.DOMAIN/...". */
static const char *template_domain(const char *t, char *out, size_t n)
{
    const char *h = strstr(t, "://");
    if (!h || h[3] != '{')
        return NULL;
    const char *close = strchr(h + 3, '}');
    if (!close || close[1] != '.')
        return NULL;
    size_t len = strcspn(close + 2, "/:?#");
    if (!len || len >= n || memchr(close + 2, '{', len))
        return NULL;
    snprintf(out, n, "%.*s", (int)len, close + 2);
    return out;
}

static void wild_learn(struct worker *w)
{
    static char domain[256];
    if (!(w->wild_domain = template_domain(w->c->template, domain, sizeof domain))) {
        log_msg(LOG_WARN, "--wildcard-dns: the template's host is not {}.DOMAIN: not checked");
        return;
    }
    w->wild_learning = (unsigned)w->c->wildcard_tests;
    for (long i = 0; i < w->c->wildcard_tests; i++) {
        char label[20], name[300];
        calib_word(label, 14, &w->calib_seed);
        snprintf(name, sizeof name, "%s.%s", label, domain);
        if (dns_resolve(w->dns, name, on_wild, w) < 0)
            w->wild_learning--;
    }
}

static int skipped(const struct chunk *ch, uint32_t index)
{
    const uint32_t *v = (const uint32_t *)ch->skip.p;
    for (size_t i = 0; i < ch->skip.len / 4; i++)
        if (v[i] == index)
            return 1;
    return 0;
}

/* Keep the window full, ask for more words early, push results out. */
static void refill(void *ud)
{
    struct worker *w = ud;
    if (w->nready)
        start_ready(w);
    if (w->calibrating || w->wild_learning) { /* words wait until "not found" is known */
        flush(w);
        return;
    }
    unsigned window = engine_window(w->eng);
#define BUSY (engine_inflight(w->eng) + w->nretry + w->dns_wait + w->nready)
    for (struct chunk *ch = w->head; ch && BUSY < window; ch = ch->next) {
        while (ch->pos < ch->words.len && BUSY < window) {
            /* With the DNS stage, words start at the DNS rate and their
             * HTTP waits for --rate in start_ready(). */
            int ok = w->dns ? limiter_ok(w->dns_rate, &w->dns_rate_timer, &w->dns_rate_waiting)
                            : rate_ok(w);
            if (!skipped(ch, ch->next_index) && !ok)
                goto wait;
            const char *word = ch->words.p + ch->pos;
            const char *nl = memchr(word, '\n', ch->words.len - ch->pos);
            size_t len = nl ? (size_t)(nl - word) : ch->words.len - ch->pos;
            ch->pos += len + 1;
            w->queued--;
            uint32_t index = ch->next_index++;
            if (!skipped(ch, index))
                start_word(w, ch, index, word, len);
        }
    }
#undef BUSY
wait:
    if (w->nready) /* words that need no DNS went straight there */
        start_ready(w);
    chunk_maybe_done(w);
    if (!w->end && !w->want_sent && w->queued < window) {
        msg_put(&w->out, MSG_WANT, NULL, 0);
        w->want_sent = 1;
    }
    flush(w);
    maybe_finish(w);
}

static int on_frame(struct worker *w, const struct frame *f)
{
    if (f->type == MSG_END) {
        w->end = 1;
        return 0;
    }
    if (f->type == MSG_STOP) {
        w->end = 1;
        w->stopping = 1;
        /* Tries waiting for their turn end now, with what they last got. */
        for (size_t i = 0; i < w->nretry; i++) {
            struct probe *p = w->retry[i];
            char msg[160];
            snprintf(msg, sizeof msg, "stopped before retry %d (%s)", p->attempt,
                     p->res.error ? p->res.error : "429/503");
            send_result(w, p->owner, p, V_ERROR, msg, NULL);
            ((struct chunk *)p->owner)->open--;
            engine_probe_put(w->eng, p);
        }
        w->nretry = 0;
        uv_timer_stop(&w->retry_timer);
        for (struct chunk *ch = w->head; ch; ch = ch->next) {
            ch->abandoned = 1;
            ch->pos = ch->words.len;
        }
        w->queued = 0;
        return 0;
    }
    uint32_t nskip;
    if (f->type != MSG_CHUNK || f->len < 12)
        return -1;
    memcpy(&nskip, f->p + 8, 4);
    size_t head = 12 + 4 * (size_t)nskip;
    if (nskip > f->len / 4 || head > f->len)
        return -1;
    struct chunk *ch = calloc(1, sizeof *ch);
    if (!ch)
        return -1;
    memcpy(&ch->id, f->p, 8);
    buf_append(&ch->skip, f->p + 12, 4 * (size_t)nskip);
    buf_append(&ch->words, f->p + head, f->len - head);
    size_t n = ch->words.len ? 1 : 0;
    for (size_t i = 0; i < ch->words.len; i++)
        n += ch->words.p[i] == '\n';
    w->queued += n;
    if (w->tail)
        w->tail->next = ch;
    else
        w->head = ch;
    w->tail = ch;
    w->want_sent = 0;
    return 0;
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
    (void)hint;
    struct worker *w = h->data;
    if (buf_reserve(&w->in, 65536) < 0) {
        *b = uv_buf_init(NULL, 0);
        return;
    }
    *b = uv_buf_init(w->in.p + w->in.len, (unsigned)(w->in.cap - w->in.len - 1));
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
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
        if (on_frame(w, &f) < 0) {
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
static void on_trim(uv_timer_t *t)
{
    struct worker *w = t->data;
    malloc_trim(0);
    send_stats(w);
    flush(w);
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

int worker_run(int fd, const struct conf *c, struct plugin *plugin,
               struct worker_beacon *beacon, struct rate *rate, struct rate *dns_rate,
               struct perip *perip)
{
    struct worker w = {.c = c, .plugin = plugin, .beacon = beacon, .rate = rate,
                       .dns_rate = dns_rate, .perip = perip};
    char err[1024];
    signal(SIGPIPE, SIG_IGN);
    signal(SIGINT, SIG_IGN); /* the parent decides how a scan stops */
    signal(SIGTERM, SIG_DFL); /* a replacement worker inherits the parent's */
    small_thread_stacks();
    fit_resolver_timeout(c->timeout);
    uv_loop_init(&w.loop);
    uv_pipe_init(&w.loop, &w.ipc, 0);
    uv_pipe_open(&w.ipc, fd);
    w.ipc.data = &w;
    if (match_init(&w.rules, c, err, sizeof err) < 0 ||
        combo_parse(&w.combo, c, err, sizeof err) < 0)
        goto fatal;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(err, sizeof err, "cannot initialise libcurl");
        goto fatal;
    }
    if (plugin_init(plugin, &c->plugin_args, err, sizeof err) < 0)
        goto fatal;
    if (!(w.eng = engine_new(&w.loop, c, on_done, refill, &w, err, sizeof err)))
        goto fatal;
    /* Through a proxy, the proxy resolves (socks5h, HTTP proxies). */
    if (!strcmp(c->resolver, "salvo") && !(c->proxy && *c->proxy) &&
        !(w.dns = dns_new(&w.loop, c, err, sizeof err)))
        goto fatal;
    w.reuse = w.dns && c->reuse_connections && !c->follow_redirects &&
              !strncasecmp(c->template, "http://", 7) && !user_host_header(c);
    log_set_sink(to_parent, &w);
    msg_put(&w.out, MSG_READY, NULL, 0);
    uv_read_start((uv_stream_t *)&w.ipc, on_alloc, on_read);
    uv_timer_init(&w.loop, &w.retry_timer);
    w.retry_timer.data = &w;
    uv_timer_init(&w.loop, &w.rate_timer);
    w.rate_timer.data = &w;
    uv_timer_init(&w.loop, &w.dns_rate_timer);
    w.dns_rate_timer.data = &w;
    uv_timer_init(&w.loop, &w.perip_timer);
    w.perip_timer.data = &w;
    uv_timer_init(&w.loop, &w.trim);
    w.trim.data = &w;
    uv_timer_start(&w.trim, on_trim, 2000, 2000);
    uv_unref((uv_handle_t *)&w.trim);
    w.calib_seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)&w;
    if (c->wildcard_dns && w.dns)
        wild_learn(&w);
    if (c->calibrate) {
        w.calib_seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)&w;
        w.calibrating = (unsigned)c->calibrate_words;
        for (long i = 0; i < c->calibrate_words; i++)
            calib_probe(&w);
    }
    refill(&w);
    uv_run(&w.loop, UV_RUN_DEFAULT);
    plugin_finish(plugin);
    log_set_sink(NULL, NULL);
    drain_sync(&w, fd);
    dns_free(w.dns);
    engine_free(w.eng);
    uv_walk(&w.loop, close_walk, NULL);
    uv_run(&w.loop, UV_RUN_DEFAULT);
    uv_loop_close(&w.loop);
    buf_free(&w.in);
    buf_free(&w.out);
    buf_free(&w.wbuf);
    buf_free(&w.scratch);
    free(w.ready);
    match_free(&w.rules);
    combo_free(&w.combo);
    free(w.retry);
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
    return 4;
}

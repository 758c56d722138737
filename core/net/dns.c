/* dns: c-ares channels in the worker's libuv loop. */
#include "net/dns.h"
#include "net/dnsmem.h"
#include "net/dnsconf.h"

#include "base/buf.h"
#include "net/hosts.h"
#include "base/log.h"
#include "base/rate.h"
#include "base/strlist.h"
#include "base/util.h"

#include <ares.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SERVERS 64
/* "[IPv6]:port" with room to spare; parse_server writes what add_server keeps. */
#define SERVER_NAME_MAX DNSCONF_NAME_MAX

struct sock {
    uv_poll_t poll;
    ares_socket_t fd;
    struct server *srv;
    struct sock *next;
};

struct server {
    struct dns *d;
    ares_channel ch;
    char name[SERVER_NAME_MAX];
    unsigned inflight;
    /* this worker's view of the current tenth of a second (pacing) */
    uint64_t ep_start, ep_answers0, ep_sent0; /* when it began; the shared counts then */
    unsigned ep_sent, ep_answered, ep_waited, prev_sent;
};

/* One resolver's pace, shared by the workers (see dns.h). */
struct pace_srv {
    _Atomic uint64_t tat;          /* GCRA's theoretical arrival time */
    _Atomic uint64_t interval;     /* ns between queries (the pace) */
    _Atomic uint64_t last_cut;     /* when the pace last fell */
    _Atomic uint64_t last_answer;  /* when it last answered anyone */
    _Atomic uint64_t answers;      /* answers from it, by every worker */
    _Atomic uint64_t sent;         /* queries to it, by every worker */
    _Atomic uint64_t best;         /* the most answers a second seen over an epoch */
    _Atomic int lossy;             /* it dropped queries once: out of slow start */
};

struct dns_pace {
    struct pace_srv srv[MAX_SERVERS];
};

#define PACE_BURST_NS 2000000ull       /* queries sent at once after a quiet spell */
#define PACE_MIN_NS 1000ull            /* a million queries a second at most */
#define PACE_START_NS 200000ull        /* 5,000 queries a second to begin with */
#define DNS_RCVBUF (4 << 20)          /* answers a burst may leave unread */
#define LOST_ASKED_MAX 8               /* queries lost to load asked again, free */

struct query {
    struct dns *d;
    struct server *srv;          /* asked now, NULL while queued */
    struct server *last;         /* asked last time (not again if others exist) */
    dns_cb cb;
    void *ud;
    int tries;
    int lost;                    /* asked again after a loss to load (free) */
    uint64_t sent;               /* when it was last sent (rate_now) */
    struct query *next;          /* queue */
    char name[];
};

struct dns {
    uv_loop_t *loop;
    uv_timer_t timer;
    uv_idle_t later;             /* answers that came back inside dns_resolve() */
    struct server srv[MAX_SERVERS];
    size_t nsrv, rr;
    struct dns_pace *pace;       /* shared; NULL: no pacing */
    uv_timer_t pace_timer;       /* the paced resolvers' next token */
    unsigned cap;                /* queries in flight per resolver (unpaced) */
    double try_secs;             /* how long one try waits for its answer */
    int family;
    int max_tries;
    unsigned inflight, queued;
    struct query *qhead, *qtail; /* waiting for a free slot */
    struct sock *socks;
    struct hosts *hosts;         /* the hosts file: asked before any resolver */
    char servers[512];
    int in_call;                 /* inside dns_resolve(): defer callbacks */
    int open_handles;            /* while closing */
    struct done {
        struct query *q;
        struct dns_result r;
        struct done *next;
    } *deferred;
};

static void arm_timer(struct dns *d);
static int send_query(struct dns *d, struct query *q);

/* ---- libuv plumbing ---- */

static struct sock *find_sock(struct dns *d, ares_socket_t fd)
{
    for (struct sock *s = d->socks; s; s = s->next)
        if (s->fd == fd)
            return s;
    return NULL;
}

static void dns_on_sock_closed(uv_handle_t *h)
{
    free(h->data);
}

static void dns_on_poll(uv_poll_t *h, int status, int events)
{
    struct sock *s = h->data;
    struct dns *d = s->srv->d;
    ares_socket_t fd = s->fd;
    ares_channel ch = s->srv->ch;
    /* An error on the socket: let c-ares read it and notice. */
    int r = status < 0 || (events & UV_READABLE), w = status >= 0 && (events & UV_WRITABLE);
    ares_process_fd(ch, r ? fd : ARES_SOCKET_BAD, w ? fd : ARES_SOCKET_BAD);
    /* An answer only takes a query away, so an armed timer is never late
     * (at worst early, and dns_on_timer sets it right). ares_timeout walks
     * every query in flight: called on each answer, it was the scan's
     * costliest function outside the kernel and libc. */
    if (!uv_is_active((uv_handle_t *)&d->timer))
        arm_timer(d);
}

static void sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
    struct server *srv = data;
    struct dns *d = srv->d;
    struct sock *s = find_sock(d, fd);
    if (!readable && !writable) {
        if (!s)
            return;
        for (struct sock **pp = &d->socks; *pp; pp = &(*pp)->next)
            if (*pp == s) {
                *pp = s->next;
                break;
            }
        uv_poll_stop(&s->poll);
        uv_close((uv_handle_t *)&s->poll, dns_on_sock_closed);
        return;
    }
    if (!s) {
        if (!(s = calloc(1, sizeof *s)))
            return;
        if (uv_poll_init_socket(d->loop, &s->poll, fd) < 0) {
            free(s);
            return;
        }
        s->fd = fd;
        s->srv = srv;
        s->poll.data = s;
        s->next = d->socks;
        d->socks = s;
    }
    uv_poll_start(&s->poll, (readable ? UV_READABLE : 0) | (writable ? UV_WRITABLE : 0), dns_on_poll);
}

static void dns_on_timer(uv_timer_t *t)
{
    struct dns *d = t->data;
    for (size_t i = 0; i < d->nsrv; i++)
        ares_process_fd(d->srv[i].ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    arm_timer(d);
}

static void arm_timer(struct dns *d)
{
    long best = -1;
    for (size_t i = 0; i < d->nsrv; i++) {
        struct timeval tv, *t = ares_timeout(d->srv[i].ch, NULL, &tv);
        if (!t)
            continue;
        long ms = (long)t->tv_sec * 1000 + (long)t->tv_usec / 1000;
        if (best < 0 || ms < best)
            best = ms;
    }
    if (best < 0)
        uv_timer_stop(&d->timer);
    else
        uv_timer_start(&d->timer, dns_on_timer, (uint64_t)best + 1, 0);
}

/* ---- pacing: congestion control per resolver ---- */

struct dns_pace *dns_pace_new(void)
{
    struct dns_pace *p = mmap(NULL, sizeof *p, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                              -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    for (size_t i = 0; i < MAX_SERVERS; i++)
        atomic_store(&p->srv[i].interval, PACE_START_NS);
    return p;
}

void dns_pace_free(struct dns_pace *p)
{
    if (p)
        munmap(p, sizeof *p);
}

static struct pace_srv *pace_of(struct dns *d, const struct server *s)
{
    return d->pace ? &d->pace->srv[s - d->srv] : NULL;
}

#define PACE_EPOCH_NS 100000000ull /* how often answers are held against queries */
#define PACE_MIN_SENT 50            /* queries an epoch needs to be judged on */

/* Set the shared pace of s to rate queries a second, at most once an epoch
 * (every worker sees the same loss). */
static void pace_set(struct dns *d, const struct server *s, double rate, const char *why)
{
    struct pace_srv *ps = pace_of(d, s);
    uint64_t now = rate_now(), cut = atomic_load(&ps->last_cut);
    if (now - cut < PACE_EPOCH_NS || !atomic_compare_exchange_strong(&ps->last_cut, &cut, now))
        return;
    uint64_t iv = rate > 1 ? (uint64_t)(1e9 / rate) : 1000000000ull;
    atomic_store(&ps->interval, iv < PACE_MIN_NS ? PACE_MIN_NS : iv);
    log_msg(LOG_DEBUG, "dns: %s %s: paced at %.0f queries/s", s->name, why,
            1e9 / (double)(iv < PACE_MIN_NS ? PACE_MIN_NS : iv));
}

/* Every epoch, this worker holds what s answered against what it was
 * sent: answers that fall behind (a tenth or more missing, over this
 * epoch and the last, so that answers still on their way from a distant
 * resolver count) mean s drops what is over its capacity, and the shared
 * pace becomes 95 % of the rate s answered everyone at (never under 70 %
 * of the rate it was sent at: queries lost earlier may still hold the
 * slots); answers that keep pace while queries waited for the pace raise
 * it by 5 %. */
static void pace_epoch(struct dns *d, struct server *s, uint64_t now)
{
    struct pace_srv *ps = pace_of(d, s);
    if (!ps || now - s->ep_start < PACE_EPOCH_NS)
        return;
    uint64_t answers = atomic_load_explicit(&ps->answers, memory_order_relaxed);
    uint64_t all_sent = atomic_load_explicit(&ps->sent, memory_order_relaxed);
    double secs = (double)(now - s->ep_start) / 1e9;
    double answer_rate = s->ep_start ? (double)(answers - s->ep_answers0) / secs : 0;
    double send_rate = s->ep_start ? (double)(all_sent - s->ep_sent0) / secs : 0;
    double sent = (s->ep_sent + s->prev_sent) / 2.0;
    if (s->ep_start && s->prev_sent && sent >= PACE_MIN_SENT && s->ep_answered < 0.9 * sent) {
        double to = answer_rate * 0.95 > send_rate * 0.7 ? answer_rate * 0.95 : send_rate * 0.7;
        atomic_store(&ps->lossy, 1);
        if (to > 0)
            pace_set(d, s, to, "answers fell behind the queries");
    } else if (s->ep_waited && s->ep_answered >= 0.98 * sent) {
        /* Slow start: half as much again an epoch until the first loss;
         * then back to 90 % of the best rate seen at once, and 5 % an
         * epoch from there. */
        uint64_t iv = atomic_load(&ps->interval), best = atomic_load(&ps->best);
        uint64_t to = atomic_load(&ps->lossy) ? iv - iv / 21 : iv * 2 / 3;
        if (best && 1e9 / (double)iv < 0.9 * (double)best)
            to = (uint64_t)(1e9 / (0.9 * (double)best));
        if (iv > PACE_MIN_NS && to < iv)
            atomic_compare_exchange_strong(&ps->interval, &iv, to < PACE_MIN_NS ? PACE_MIN_NS : to);
    }
    uint64_t best = atomic_load(&ps->best);
    while (s->ep_start && answer_rate > (double)best &&
           !atomic_compare_exchange_weak(&ps->best, &best, (uint64_t)answer_rate))
        ;
    s->prev_sent = s->ep_start ? s->ep_sent : 0;
    s->ep_start = now;
    s->ep_answers0 = answers;
    s->ep_sent0 = all_sent;
    s->ep_sent = s->ep_answered = s->ep_waited = 0;
}

static void pace_answered(struct dns *d, struct server *s)
{
    struct pace_srv *ps = pace_of(d, s);
    if (!ps)
        return;
    uint64_t now = rate_now();
    atomic_store_explicit(&ps->last_answer, now, memory_order_relaxed);
    atomic_fetch_add_explicit(&ps->answers, 1, memory_order_relaxed);
    s->ep_answered++;
    pace_epoch(d, s, now);
}

/* q timed out at s: lost to load when s answered others since q went out
 * (a resolver at its capacity drops what is over it), not when s has been
 * silent (dead, unreachable). */
static int pace_lost(struct dns *d, const struct server *s, const struct query *q)
{
    struct pace_srv *ps = pace_of(d, s);
    return ps && atomic_load(&ps->last_answer) > q->sent;
}

static void dns_on_pace(uv_timer_t *t);

/* Queries s may have in flight: the cap, or while s is paced, what one
 * try's wait holds at its pace (the pace is the limit then, and queries
 * s dropped keep their slot until their try times out). */
static unsigned srv_cap(const struct dns *d, const struct server *s)
{
    uint64_t iv = d->pace ? atomic_load_explicit(&d->pace->srv[s - d->srv].interval,
                                                 memory_order_relaxed) : 0;
    double held = iv ? d->try_secs * 1.5 * 1e9 / (double)iv : 0;
    return held > d->cap ? (held < 100000 ? (unsigned)held : 100000) : d->cap;
}

static unsigned all_caps(const struct dns *d)
{
    unsigned n = 0;
    for (size_t i = 0; i < d->nsrv; i++)
        n += srv_cap(d, &d->srv[i]);
    return n;
}

/* A token of s's pace: 0, or -1 with the pace timer armed for the next. */
static int pace_take(struct dns *d, struct server *s)
{
    struct pace_srv *ps = pace_of(d, s);
    uint64_t iv = ps ? atomic_load_explicit(&ps->interval, memory_order_relaxed) : 0;
    if (!iv)
        return 0;
    uint64_t wait = rate_gcra(&ps->tat, iv, PACE_BURST_NS > iv ? PACE_BURST_NS : iv, rate_now());
    if (!wait)
        return 0;
    s->ep_waited++;
    if (!uv_is_active((uv_handle_t *)&d->pace_timer))
        uv_timer_start(&d->pace_timer, dns_on_pace, wait / 1000000 + 1, 0);
    return -1;
}

/* ---- answers ---- */

static void classify(int status, struct dns_result *r)
{
    switch (status) {
    case ARES_SUCCESS: r->status = DNS_OK, r->reason = "resolved"; break;
    case ARES_ENOTFOUND: r->status = DNS_NXDOMAIN, r->reason = "NXDOMAIN (no such name)"; break;
    case ARES_ENODATA: r->status = DNS_NODATA, r->reason = "no address of that family"; break;
    case ARES_ESERVFAIL: r->status = DNS_SERVFAIL, r->reason = "SERVFAIL (the resolver failed)"; break;
    case ARES_EREFUSED: r->status = DNS_REFUSED, r->reason = "REFUSED by the resolver"; break;
    case ARES_ETIMEOUT: r->status = DNS_TIMEOUT, r->reason = "timeout (no resolver answered)"; break;
    case ARES_ECONNREFUSED: r->status = DNS_TIMEOUT, r->reason = "no resolver reachable"; break;
    default: r->status = DNS_ERROR, r->reason = ares_strerror(status); break;
    }
}

static void collect(const struct ares_addrinfo *ai, struct dns_result *r)
{
    for (int fam = 0; fam < 2; fam++) /* IPv4 first: curl gets addr[0] */
        for (const struct ares_addrinfo_node *n = ai->nodes; n && r->naddr < DNS_MAX_ADDRS;
             n = n->ai_next) {
            const void *a = NULL;
            if (!fam && n->ai_family == AF_INET)
                a = &((const struct sockaddr_in *)(const void *)n->ai_addr)->sin_addr;
            else if (fam && n->ai_family == AF_INET6)
                a = &((const struct sockaddr_in6 *)(const void *)n->ai_addr)->sin6_addr;
            if (a && util_addr_text(n->ai_family, a, r->addr[r->naddr], sizeof r->addr[0]))
                r->naddr++;
        }
    for (const struct ares_addrinfo_cname *c = ai->cnames; c && r->ncname < DNS_MAX_CNAMES;
         c = c->next)
        if (c->name)
            snprintf(r->cname[r->ncname++], sizeof r->cname[0], "%s", c->name);
}

static void pump(struct dns *d)
{
    while (d->qhead && d->inflight < all_caps(d)) {
        struct query *q = d->qhead;
        d->qhead = q->next;
        if (!d->qhead)
            d->qtail = NULL;
        d->queued--;
        if (send_query(d, q) < 0)
            break; /* waits for the pace */
    }
}

static void dns_on_pace(uv_timer_t *t)
{
    pump(t->data);
}

static void dns_finish(struct dns *d, struct query *q, const struct dns_result *r)
{
    q->cb(q->ud, r);
    free(q);
    pump(d);
}

static void dns_on_later(uv_idle_t *h)
{
    struct dns *d = h->data;
    uv_idle_stop(h);
    struct done *list = d->deferred;
    d->deferred = NULL;
    while (list) {
        struct done *n = list->next;
        dns_finish(d, list->q, &list->r);
        free(list);
        list = n;
    }
}

static void answer(struct dns *d, struct query *q, const struct dns_result *r)
{
    if (!d->in_call) {
        dns_finish(d, q, r);
        return;
    }
    /* c-ares answered at once (a numeric name, a local error): the
     * caller is still inside dns_resolve(), so call back from the loop. */
    struct done *x = malloc(sizeof *x);
    if (!x) {
        free(q);
        return;
    }
    x->q = q;
    x->r = *r;
    x->next = d->deferred;
    d->deferred = x;
    uv_idle_start(&d->later, dns_on_later);
}

static void dns_on_answer(void *arg, int status, int timeouts, struct ares_addrinfo *ai)
{
    (void)timeouts;
    struct query *q = arg;
    struct dns *d = q->d;
    if (q->srv) {
        q->srv->inflight--;
        d->inflight--;
    }
    if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED) {
        ares_freeaddrinfo(ai);
        free(q);
        return;
    }
    if (q->srv && status != ARES_ETIMEOUT && status != ARES_ECONNREFUSED)
        pace_answered(d, q->srv);
    /* Lost to the resolver's load (it answered others meanwhile): asked
     * again, not counted as a try: the name did not fail, salvo asked too
     * fast. */
    if (status == ARES_ETIMEOUT && q->srv && q->lost < LOST_ASKED_MAX && pace_lost(d, q->srv, q)) {
        q->lost++;
        q->tries--;
    }
    /* Nobody answered, or the resolver could not: ask another one. */
    int again = status == ARES_ETIMEOUT || status == ARES_ECONNREFUSED ||
                status == ARES_ESERVFAIL || status == ARES_EREFUSED;
    if (again && q->tries < d->max_tries) {
        ares_freeaddrinfo(ai);
        q->last = q->srv;
        q->srv = NULL;
        q->next = d->qhead; /* first in line */
        d->qhead = q;
        if (!d->qtail)
            d->qtail = q;
        d->queued++;
        pump(d);
        return;
    }
    struct dns_result r;
    memset(&r, 0, sizeof r);
    classify(status, &r);
    r.tries = q->tries;
    if (ai) {
        collect(ai, &r);
        ares_freeaddrinfo(ai);
    }
    if (r.status == DNS_OK && !r.naddr)
        r.status = DNS_NODATA, r.reason = "no address of that family";
    answer(d, q, &r);
}

static struct server *pick(struct dns *d, const struct server *avoid)
{
    struct server *fallback = NULL;
    for (size_t k = 0; k < d->nsrv; k++) {
        struct server *s = &d->srv[(d->rr + k) % d->nsrv];
        if (s->inflight >= srv_cap(d, s))
            continue;
        if (s == avoid && d->nsrv > 1) {
            fallback = s;
            continue;
        }
        d->rr = (size_t)(s - d->srv) + 1;
        return s;
    }
    return fallback;
}

/* Send q, or queue it: 0, or -1 when it waits at the head of the line for
 * its resolver's pace. */
static int send_query(struct dns *d, struct query *q)
{
    struct server *s = pick(d, q->last);
    if (!s) { /* every resolver at its cap: wait in line */
        q->next = NULL;
        if (d->qtail)
            d->qtail->next = q;
        else
            d->qhead = q;
        d->qtail = q;
        d->queued++;
        return 0;
    }
    if (pace_take(d, s) < 0) {
        q->next = d->qhead;
        d->qhead = q;
        if (!d->qtail)
            d->qtail = q;
        d->queued++;
        return -1;
    }
    q->sent = rate_now();
    q->srv = s;
    s->ep_sent++;
    if (d->pace)
        atomic_fetch_add_explicit(&d->pace->srv[s - d->srv].sent, 1, memory_order_relaxed);
    pace_epoch(d, s, q->sent);
    q->tries++;
    s->inflight++;
    d->inflight++;
    struct ares_addrinfo_hints hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = d->family;
    hints.ai_flags = ARES_AI_NOSORT;
    ares_getaddrinfo(s->ch, q->name, NULL, &hints, dns_on_answer, q);
    /* Each try waits as long, so a query sent now ends after every one
     * in flight: a timer already armed fires first. */
    if (!uv_is_active((uv_handle_t *)&d->timer))
        arm_timer(d);
    return 0;
}

/* A name the hosts file lists is answered from it, as getaddrinfo does
 * ("files" before "dns"): 0, or -1 to ask a resolver. */
static int from_hosts(struct dns *d, struct query *q)
{
    struct dns_result r;
    memset(&r, 0, sizeof r);
    r.naddr = hosts_find(d->hosts, q->name, d->family, r.addr, DNS_MAX_ADDRS);
    if (!r.naddr)
        return -1;
    r.status = DNS_OK;
    r.reason = "resolved from the hosts file";
    answer(d, q, &r);
    return 0;
}

int dns_resolve(struct dns *d, const char *name, dns_cb cb, void *ud)
{
    size_t n = strlen(name);
    struct query *q = calloc(1, sizeof *q + n + 1);
    if (!q)
        return -1;
    q->d = d;
    q->cb = cb;
    q->ud = ud;
    memcpy(q->name, name, n + 1);
    d->in_call++;
    if (from_hosts(d, q) == 0)
        ; /* answered from the hosts file */
    else if (d->qhead)
        q->next = NULL, d->qtail->next = q, d->qtail = q, d->queued++;
    else
        send_query(d, q);
    d->in_call--;
    return 0;
}

unsigned dns_pending(const struct dns *d)
{
    return d->inflight + d->queued;
}

int dns_paced(const struct dns *d)
{
    return d && d->pace && uv_is_active((const uv_handle_t *)&d->pace_timer);
}

const char *dns_servers(const struct dns *d)
{
    return d->servers;
}

/* ---- set-up ---- */

static int add_server(void *ud, const char *name)
{
    struct dns *d = ud;
    if (d->nsrv == MAX_SERVERS)
        return -1;
    snprintf(d->srv[d->nsrv++].name, sizeof d->srv[0].name, "%s", name);
    return 0;
}

/* The system's resolvers (/etc/resolv.conf), as c-ares reads them. */
static int system_servers(struct dns *d, char *err, size_t errlen)
{
    ares_channel ch;
    struct ares_addr_port_node *list = NULL;
    if (ares_init(&ch) != ARES_SUCCESS || ares_get_servers_ports(ch, &list) != ARES_SUCCESS) {
        snprintf(err, errlen, "cannot read the system's resolvers");
        return -1;
    }
    for (struct ares_addr_port_node *n = list; n && d->nsrv < MAX_SERVERS; n = n->next) {
        char ip[64];
        int port = n->udp_port ? n->udp_port : 53;
        if (!inet_ntop(n->family, &n->addr, ip, sizeof ip))
            continue;
        snprintf(d->srv[d->nsrv++].name, sizeof d->srv[0].name,
                 n->family == AF_INET6 ? "[%s]:%d" : "%s:%d", ip, port);
    }
    ares_free_data(list);
    ares_destroy(ch);
    if (!d->nsrv) {
        snprintf(err, errlen, "no resolver in /etc/resolv.conf: give --resolvers");
        return -1;
    }
    return 0;
}

struct dns *dns_new(uv_loop_t *loop, const struct dns_settings *c, char *err, size_t errlen)
{
    if (dnsmem_init() < 0) {
        snprintf(err, errlen, "cannot initialise c-ares");
        return NULL;
    }
    struct dns *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    d->loop = loop;
    if (!(d->hosts = hosts_load(NULL))) {
        snprintf(err, errlen, "out of memory");
        free(d);
        return NULL;
    }
    d->cap = (unsigned)c->per_resolver;
    d->max_tries = (int)c->tries;
    d->family = !strcmp(c->family, "ipv6") ? AF_INET6
              : !strcmp(c->family, "any")  ? AF_UNSPEC : AF_INET;
    for (size_t i = 0; i < c->resolvers->n; i++)
        if (dnsconf_each(c->resolvers->v[i], add_server, d, err, errlen) < 0)
            goto fail;
    if (!d->nsrv && system_servers(d, err, errlen) < 0)
        goto fail;
    size_t used = 0;
    for (size_t i = 0; i < d->nsrv && used + 2 < sizeof d->servers; i++)
        used += (size_t)snprintf(d->servers + used, sizeof d->servers - used, "%s%s",
                                 i ? ", " : "", d->srv[i].name);
    /* Each try waits a share of the whole time, so that all tries fit. */
    int per_try = (int)(c->timeout * 1000 / (d->max_tries > 0 ? d->max_tries : 1));
    for (size_t i = 0; i < d->nsrv; i++) {
        struct server *s = &d->srv[i];
        struct ares_options o;
        memset(&o, 0, sizeof o);
        /* NOCHECKRESP: a SERVFAIL or REFUSED answer comes back as such, not as
         * "no server reachable", so it can be told apart and asked elsewhere.
         * STAYOPEN: without it, the socket closed whenever no query was in
         * flight and the next query opened a new one: 11 system calls, once
         * per 8 probes of the default job. */
        o.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | ARES_FLAG_NOCHECKRESP |
                  ARES_FLAG_STAYOPEN;
        o.timeout = per_try < 50 ? 50 : per_try;
        d->try_secs = o.timeout / 1000.0;
        o.tries = 1;
        o.lookups = (char *)"b";
        o.sock_state_cb = sock_state;
        o.sock_state_cb_data = s;
        /* The answers to a window's queries come at once, while the loop
         * reads HTTP: 200 of them filled the default 208 KB, the kernel
         * dropped the rest, and the pace cut for a loss that was this
         * process's own (to 290 queries/s once). The kernel gives twice
         * the size asked, up to twice net.core.rmem_max: 416 KB on a stock
         * Debian, which lost none of them in 100k-name runs. */
        o.socket_receive_buffer_size = DNS_RCVBUF;
        int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_LOOKUPS |
                   ARES_OPT_SOCK_STATE_CB | ARES_OPT_SOCK_RCVBUF;
        s->d = d;
        if (ares_init_options(&s->ch, &o, mask) != ARES_SUCCESS) {
            snprintf(err, errlen, "cannot create a resolver channel");
            goto fail;
        }
        if (ares_set_servers_ports_csv(s->ch, s->name) != ARES_SUCCESS) {
            snprintf(err, errlen, "resolver %s: refused by c-ares", s->name);
            goto fail;
        }
    }
    uv_timer_init(loop, &d->timer);
    d->timer.data = d;
    uv_idle_init(loop, &d->later);
    d->later.data = d;
    uv_timer_init(loop, &d->pace_timer);
    d->pace_timer.data = d;
    d->pace = c->pace;
    return d;
fail:
    for (size_t i = 0; i < d->nsrv; i++)
        if (d->srv[i].ch)
            ares_destroy(d->srv[i].ch);
    hosts_free(d->hosts);
    free(d);
    return NULL;
}

static void dns_on_closed(uv_handle_t *h)
{
    struct dns *d = h->data;
    if (--d->open_handles == 0) /* the timers and the idle handle, in any order */
        free(d);
}

void dns_free(struct dns *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nsrv; i++)
        ares_destroy(d->srv[i].ch); /* dns_on_answer frees the queries asked */
    while (d->qhead) {
        struct query *q = d->qhead;
        d->qhead = q->next;
        free(q);
    }
    while (d->deferred) {
        struct done *x = d->deferred;
        d->deferred = x->next;
        free(x->q);
        free(x);
    }
    while (d->socks) { /* ares_destroy closed them; libuv still has them */
        struct sock *s = d->socks;
        d->socks = s->next;
        uv_poll_stop(&s->poll);
        uv_close((uv_handle_t *)&s->poll, dns_on_sock_closed);
    }
    hosts_free(d->hosts);
    d->hosts = NULL;
    dnsmem_trim();
    d->open_handles = 3;
    uv_close((uv_handle_t *)&d->timer, dns_on_closed);
    uv_close((uv_handle_t *)&d->later, dns_on_closed);
    uv_close((uv_handle_t *)&d->pace_timer, dns_on_closed);
}

/* probe: one word's journey, from the word to its verdict.
 *
 *   build     the template, the headers with a placeholder, the body
 *   target    the plugin's or script's target() (judge.c)
 *   resolve   the DNS stage, when the worker runs one (resolve.c)
 *   admit     --rate and the per-address caps
 *   transfer  curl (engine.c)
 *   retry     timeouts, resets, 429 and 503, while tries are left
 *   judge     rules, learned not-found pages, match() (judge.c)
 *
 * Every stage that fails, and the judge at the end, calls probe_end(),
 * the one exit: it releases what the probe holds (its per-address slot,
 * its place in a queue), reports the outcome through the one callback the
 * owner gave, and recycles the probe. Nothing else frees a probe, so no
 * path can leave its word without a verdict. */
#ifndef SALVO_PROBE_H
#define SALVO_PROBE_H
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "base/buf.h"
#include "net/engine.h"
#include "base/msg.h"
#include "base/strlist.h"

struct rate;
struct perip;
struct probes;
struct fetch_co;
struct calib_set;
struct tmpl_keys;

enum probe_stage { PS_BUILD = 0, PS_TARGET, PS_RESOLVE, PS_ADMIT, PS_TRANSFER, PS_RETRY,
                   PS_JUDGE, PS_FREE };

struct probe {
    struct xfer x;               /* the transfer: the engine gives it back, container_of */
    struct probes *ps;
    struct probe *next;          /* free list */
    struct buf word;
    void *owner;                 /* the owner's (a chunk); NULL for a calibration probe */
    uint64_t owner_id;           /* the owner's (the chunk's id), for the beacon */
    uint32_t index;              /* the owner's (the word's place in its chunk) */
    int stage;                   /* enum probe_stage */
    int attempt;                 /* retries made so far */
    int stall_tries;             /* tries again after a stall of the process */
    uint64_t started;            /* when its transfer began (ns) */
    uint64_t due;                /* when a retry may start; when DNS began (ns) */
    char host[256];              /* the URL's host and port, for the DNS stage */
    long port;
    char dest[48];               /* the address it goes to, "" if unknown */
    int perip_held;              /* counted in the per-address table */
    struct probe *waiter;        /* a fetch: the probe whose match() waits for it */
    struct calib_set *cal;       /* --recursion: its directory's not-found pages, or NULL */
    struct fetch_co *co;         /* the judge's: its match() waiting on a fetch, or NULL */
    salvo_req *want;             /* what that match() asked to fetch (made on first use) */
};

/* The judge's verdict while a script's match() waits on a fetch: the
 * probe layer fetches p->want and hands the answer to the resume hook.
 * Never sent: every probe ends with one of msg.h's verdicts. */
#define V_PENDING 100

/* Counts a worker sends up now and then (MSG_STATS). */
struct probe_stats {
    uint32_t status_count[600];
    uint32_t size_count[SIZE_BUCKETS];
    uint32_t retries, misses, filtered, calibrated, wildcards, ended, fetches;
    uint32_t by_client[3];       /* transfers started by h1, h2, curl (engine.h) */
    uint32_t window, window_sent; /* transfers in flight at most: now, last said */
    int counted;                 /* something changed since the last send */
};

/* The outcome of one probe. why: the error message for V_ERROR, what
 * turned the response down for V_FILTERED and V_MISS, else NULL. The probe
 * is still whole during the call (its response can be read) and is
 * recycled right after. */
typedef void (*probe_end_fn)(struct probe *p, int verdict, int kind, const char *why, void *ud);

struct probe_settings {
    const char *template;
    const struct tmpl_keys *keys;  /* several wordlists, or NULL */
    const struct strlist *headers; /* those with a placeholder are filled per word */
    const char *data;              /* request body template, "" = none */
    const char *method;            /* filled per word when it has a placeholder */
    long retries;
    long pushback_tries;           /* more tries for 429 and 503 (--auto-tune), 0 = none */
};

/* The stages above the transfer, plugged in by the owner so that this
 * layer depends on none of them: the judge's (judge.c) and the DNS
 * stage's (resolve.c). A NULL function = no such stage. */
struct probe_hooks {
    void *judge;
    /* target(): 0, or -1 with x.errmsg and *kind. */
    int (*target)(void *judge, struct probe *p, int *kind);
    /* The verdict on a response; *why names what turned it down. */
    void (*verdict)(void *judge, struct probe *p, int *verdict, int *kind, const char **why);
    /* The fetch p waited for ended (got, with kind when it failed): the
     * verdict as above, or V_PENDING again for the next fetch. */
    void (*resume)(void *judge, struct probe *p, const salvo_res *got, int kind, int *verdict,
                   int *vkind, const char **why);
    void *resolve;
    /* Whether p's host goes through the DNS stage. */
    int (*wanted)(void *resolve, struct probe *p);
    /* Ask; the stage calls probe_admit() or probe_end() later. 0, or -1. */
    int (*start)(void *resolve, struct probe *p);
};

/* A --rate gate: probe_gate_ok() takes a token, or arms a timer that
 * calls wake(ud) when one is due and says no meanwhile. rate NULL = open. */
struct probe_gate {
    struct rate *rate;
    uv_timer_t timer;
    int waiting;
    void (*wake)(void *ud);
    void *ud;
};
void probe_gate_init(struct probe_gate *g, uv_loop_t *loop, struct rate *r,
                     void (*wake)(void *ud), void *ud);
int probe_gate_ok(struct probe_gate *g);
/* Whether the process was seen not to run (a stall: SIGSTOP, a paused VM)
 * at some time after since (ns, rate_now()). */
int probe_stalled(struct probes *ps, uint64_t since);
/* Whether --rate or a per-address cap is holding probes back now. */
int probe_held(const struct probes *ps);

/* The probes of one worker and their engine. Without a verdict hook
 * every response is a hit; rate and perip may be NULL. wake(ud) runs
 * whenever the window may have moved: after curl activity and the
 * probes' own timers. NULL with err. */
struct probes *probe_new(uv_loop_t *loop, const struct engine_settings *es,
                          const struct probe_settings *s, const struct probe_hooks *hooks,
                          struct rate *rate,
                          struct perip *perip, struct probe_stats *stats, probe_end_fn end,
                          void (*wake)(void *ud), void *ud, char *err, size_t errlen);
/* The DNS stage, when the worker runs one: wanted, start and their ud. */
void probe_set_resolve(struct probes *ps, const struct probe_hooks *h);
/* The DNS stage's ud, for its callbacks. */
void *probe_resolve(const struct probes *ps);
struct engine *probe_engine(const struct probes *ps);
/* Free every probe (none may be busy) and the engine; the caller runs the
 * loop afterwards so the handles can close. */
void probe_free(struct probes *ps);

/* Start a probe for word[0..len): it ends, now or later, in exactly one
 * call of the end callback. cal: the not-found pages it is judged against
 * (or learned into), NULL = the scan's. owner NULL = a calibration probe: no judging
 * and no retries. Returns 0, or -1 when no probe could be made at all
 * (out of memory: nothing was started, the callback is not called). */
int probe_run(struct probes *ps, void *owner, uint64_t owner_id, uint32_t index,
              struct calib_set *cal, const char *word, size_t len);
/* The one exit (see above). */
void probe_end(struct probe *p, int verdict, int kind, const char *why);
/* Stages the DNS stage hands a probe on to. */
void probe_admit(struct probe *p);
/* Start what admission let through; called whenever the window may move. */
void probe_pump(struct probes *ps);
/* Probes started and not ended, whatever stage they are in. */
unsigned probe_busy(const struct probes *ps);
/* May one more word start now (the rate limiter for words without the DNS
 * stage)? */
int probe_rate_ok(struct probes *ps);
/* MSG_STOP: tries still waiting end now, with what they last got. */
void probe_stop(struct probes *ps);
#endif

/* handout: the parent's chunks (pool.c's other half). It cuts the input
 * into chunks and hands them to the workers that want one, takes back a
 * dead worker's chunks (their results already written are not written
 * again), formats every result into its chunk's buffer, writes a chunk's
 * results when the chunk is done, records the chunk's lines in the
 * journal and saves the state. A word that killed two workers is
 * quarantined here.
 *
 * struct pool, struct wk and struct chunkrec are shared by pool.c and
 * this file only. */
#ifndef SALVO_HANDOUT_H
#define SALVO_HANDOUT_H
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "base/buf.h"
#include "pool/recurse.h"
#include "pool/pooltypes.h"

struct beacon;
struct journal;
struct out;
struct perip;
struct plugin;
struct rate;
struct result;

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
    size_t root;             /* --recursion: whose words (0 = the wordlist's own) */
    struct pool_from from;   /* with a pool_src: its level, parent and prefix */
    struct buf found;        /* --recursion: directories its hits showed (recurse.c) */
    struct chunkrec *next;
};

#define QUARANTINE_AFTER 2   /* deaths on the same word */
/* Workers are replaced while deaths stay rare next to the words judged:
 * RESPAWN_BURST at any time, and one more per RESPAWN_PER_WORDS words that
 * got a verdict. A scan where one answer in a thousand kills a worker goes
 * on to its end; a plugin that kills every worker stops it soon. */
#define RESPAWN_BURST 64
#define RESPAWN_PER_WORDS 25

struct wk {
    pid_t pid;
    int fd;            /* -1 once the worker is gone */
    int ready;
    int want;
    int ended;         /* MSG_END sent */
    double quiet_since; /* ended with nothing left to do (or stopping) since then */
    int hung;          /* the watchdog killed it: hung_why says why */
    uint32_t window;   /* transfers it keeps in flight at most, as it said */
    char hung_why[160];
    struct buf in, out;
    struct chunkrec *pend;  /* chunks sent and not done */
    struct beacon *beacon;
};

struct pool {
    const struct pool_settings *c;
    struct input *in;       /* the wordlist, or under --recursion the current root's pass */
    struct recurse rec;     /* --recursion: the roots, and which one in reads */
    const struct pool_src *src; /* or NULL: chunks from in */
    struct out *out;
    struct scan_stats *st;
    struct wk *w;
    int n;
    int alive;
    int nready;
    uint64_t next_id;
    struct chunkrec *next;  /* the next new chunk, prepared */
    struct chunkrec *requeue, *requeue_tail; /* from dead workers, first */
    struct plugin *plugin;
    uint64_t respawns;
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
    int timeup;             /* --max-time passed: stopping as on SIGINT */
    double hosts_read;      /* when the per-address table was last read */
    int fatal;              /* exit status 4 from a worker */
    int failed;             /* exit status 1 */
    int gave_up;            /* workers died too often: no more were started */
    int out_broken;
    int killed;             /* we sent SIGKILL ourselves */
    uint64_t seen[256];     /* script error messages already shown */
    size_t nseen;
    int input_error;
};


/* Write w's queued frames as far as its socket takes them now. */
void handout_write(struct pool *p, struct wk *w);
/* MSG_END (or MSG_STOP when stopping) to w, once. */
void handout_send_end(struct pool *p, struct wk *w);

/* Hand chunks to the workers that want one (MSG_END when none is left). */
void handout_dispatch(struct pool *p);
/* MSG_DONE: write the chunk's results and record its lines. */
void handout_chunk_done(struct pool *p, struct wk *w, uint64_t id);
/* The chunk of a result, or NULL if it was written already. */
struct chunkrec *handout_first_time(struct wk *w, const struct result *r);
/* The scan gives up on r (no worker is left to take it): each word without
 * a result gets a "not-probed" error, and r is done as any chunk. Takes r;
 * returns how many words got that error. */
size_t handout_abandon(struct pool *p, struct chunkrec *r);
/* Count and format one result into its chunk. */
void handout_emit(struct pool *p, struct chunkrec *c, const struct result *r);
/* Flush the output and replace the state file (when there is one). */
void handout_save_state(struct pool *p);
/* The output cannot be written: stop the scan. */
void handout_out_failed(struct pool *p);
/* A worker died on the word in its beacon: 1 if that word is now
 * quarantined (it got its error verdict): after QUARANTINE_AFTER deaths,
 * or at once (a word that hung). */
int handout_suspect(struct pool *p, struct wk *w, const char *why, int at_once);
void handout_rec_free(struct chunkrec *r);
/* MSG_FOLLOW: the word goes with its chunk, to be probed once the chunk
 * is done (recurse.h). 0, or -1 for a malformed frame. */
struct frame;
int handout_follow(struct pool *p, struct wk *w, const struct frame *f);
#endif

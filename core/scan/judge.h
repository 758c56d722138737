/* judge: the verdict on a probe. Rules first (cheap), then the learned
 * not-found pages (--calibrate), then the matcher: the compiled plugin,
 * the Lua script, or none (plugin.c keeps the three behind one interface).
 * Every call into plugin or script code is bracketed by the beacon. */
#ifndef SALVO_JUDGE_H
#define SALVO_JUDGE_H
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "scan/calib.h"
#include "ext/match.h"

struct beacon;
struct plugin;
struct probe;
struct probe_hooks;
struct probe_stats;
struct salvo_res;
struct tmpl_keys;

/* Learned not-found pages: the scan's, or under --recursion one
 * directory's (its not-found page may differ from the root's). */
struct calib_set {
    struct calib calib;
    char name[CALIB_MAX][96];        /* filtered_by of each */
    const char *dir;                 /* "" for the scan's; borrowed */
};

struct judge {
    struct match_rules rules;        /* the caller fills them with match_init() */
    struct plugin *plugin;
    struct beacon *beacon;           /* NULL = none */
    struct probe_stats *stats;
    const struct tmpl_keys *keys;    /* several wordlists, or NULL */
    struct calib_set cal;            /* learned not-found pages; a probe's p->cal if set */
    struct buf scratch;
};

void judge_init(struct judge *j, struct plugin *plugin, struct beacon *beacon,
                struct probe_stats *stats, const struct tmpl_keys *keys);
void judge_free(struct judge *j);
/* The plugin's target() on p's word (each list's word in turn with
 * several lists). 0, or -1 with x.errmsg and *kind set. */
int judge_target(struct judge *j, struct probe *p, int *kind);
/* The verdict on p's response; *why names what turned it down, or the
 * error. */
void judge_response(struct judge *j, struct probe *p, int *verdict, int *kind, const char **why);
/* Calibration: learn p's response as a not-found page (of p->cal if
 * set, else the scan's). initial = still
 * in the first round (every response is learned); later only a response
 * that matches none is, and is returned as a change. */
const struct calib_fp *judge_learn(struct judge *j, struct probe *p, int initial);
/* What calibration learned, for MSG_CALIB: u32 tries, u32 pages, u32
 * changed, then the text, '\0', the JSON array. */
void judge_calib_report(const struct judge *j, uint32_t tries, int changed, struct buf *b);
/* The words p's script followed (salvo.follow) as MSG_FOLLOW frames into
 * out, before p's result: the parent keeps them with chunk. */
void judge_follows(struct probe *p, uint64_t chunk, struct buf *out);
/* The judge's hooks for the probe layer (target, verdict). */
void judge_hooks(struct judge *j, struct probe_hooks *h);
/* The text the rules see: decoded, or the raw bytes with raw = yes. */
const char *judge_text(const struct judge *j, struct salvo_res *r, size_t *len);
#endif

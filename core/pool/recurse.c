/* recurse: directories found become roots (see recurse.h). */
#include "pool/recurse.h"

#include "base/buf.h"
#include "base/log.h"
#include "base/msg.h"
#include "base/tmpl.h"
#include "out/prog.h"
#include "pool/journal.h"

#include <stdio.h>
#include <string.h>

#define PREFIX_MAX 2048 /* a deeper path is no directory to scan: words must fit a line */

enum { FOUND_DIR = 0, FOUND_FOLLOW = 1 };

void recurse_init(struct recurse *rc, const struct recurse_limits *lim, const char *wordlist,
                  struct journal *j, const struct input *base)
{
    memset(rc, 0, sizeof *rc);
    rc->on = lim->on;
    rc->max_depth = lim->recursion;
    rc->follow_depth = lim->follow_depth;
    rc->max_follows = lim->max_follows;
    rc->template = lim->template;
    rc->wordlist = wordlist;
    rc->j = j;
    rc->base = base;
    rc->rin.fd = -1;
    rc->growing = lim->may_follow && wordlist && !strcmp(wordlist, "-");
    if (rc->growing) /* filled as the pass takes the words */
        rc->listed_state = 1;
    for (size_t k = 0; k < j->nroots; k++) /* resumed: the roots found before count */
        j->roots[k].single ? rc->follows++ : rc->dirs++;
    prog_passes(1 + rc->dirs, rc->follows);
}

uint32_t recurse_depth(const struct recurse *rc, size_t root)
{
    return root == 0 || root > rc->j->nroots ? 0 : rc->j->roots[root - 1].depth;
}

/* The path part of an absolute URL ("/a/b" of "http://h:80/a/b"), or NULL. */
static const char *url_path(const char *url)
{
    const char *s = strstr(url, "://");
    return s ? strchr(s + 3, '/') : NULL;
}

/* Whether the hit r is a directory: its answer redirects to its own URL
 * plus '/' (absolute or as a path), or its word ends in '/'. */
static int is_dir(const struct result *r)
{
    if (!r->wlen || memchr(r->word, '\n', r->wlen))
        return 0;
    if (r->word[r->wlen - 1] == '/')
        return 1;
    if (r->status < 300 || r->status > 399 || !r->location || !*r->location)
        return 0;
    const char *loc = r->location, *url = r->url;
    if (loc[0] == '/') /* a path on the same origin, or "//host/..." on the same scheme */
        url = loc[1] == '/' ? strstr(r->url, "//") : url_path(r->url);
    if (!url)
        return 0;
    size_t n = strlen(url);
    return !strncmp(loc, url, n) && loc[n] == '/' && loc[n + 1] == '\0';
}

void recurse_found(struct recurse *rc, uint32_t from, struct buf *found, const struct result *r)
{
    if (!rc->max_depth || r->verdict != V_HIT || !is_dir(r))
        return;
    uint32_t depth = from + 1;
    int slash = r->word[r->wlen - 1] != '/';
    uint32_t plen = (uint32_t)r->wlen + (uint32_t)slash;
    if (depth > rc->max_depth || plen > PREFIX_MAX) {
        if (!rc->too_deep++)
            snprintf(rc->first_too_deep, sizeof rc->first_too_deep, "%s%s", r->url,
                     slash ? "/" : "");
        return;
    }
    /* kind, depth, length, the prefix (the word and its '/'), the parent URL and its NUL */
    buf_append_byte(found, FOUND_DIR);
    buf_append(found, &depth, 4);
    buf_append(found, &plen, 4);
    buf_append(found, r->word, r->wlen);
    if (slash)
        buf_append_byte(found, '/');
    buf_append(found, r->url, strlen(r->url) + 1);
}

/* A page that follows itself: the word's URL is its parent's. */
static int self(const struct recurse *rc, const char *word, size_t len, const char *parent)
{
    struct buf url = {0};
    int same = tmpl_expand(rc->template, word, len, &url) == 0 && url.p && !strcmp(url.p, parent);
    buf_free(&url);
    return same;
}

void recurse_follow(struct recurse *rc, uint32_t from, struct buf *found, const char *word,
                    size_t len, const char *parent)
{
    if (!len || len > PREFIX_MAX || memchr(word, '\n', len) || self(rc, word, len, parent))
        return;
    uint32_t depth = from + 1, n = (uint32_t)len;
    if (depth > rc->follow_depth) {
        if (!rc->deep_follows++)
            snprintf(rc->first_deep, sizeof rc->first_deep, "%.*s (from %s)", (int)len, word,
                     parent);
        return;
    }
    buf_append_byte(found, FOUND_FOLLOW);
    buf_append(found, &depth, 4);
    buf_append(found, &n, 4);
    buf_append(found, word, len);
    buf_append(found, parent, strlen(parent) + 1);
}

/* Whether this root is there already: a directory two words named, a
 * cycle that came back, a word followed twice. (A list of roots, searched
 * whole: roots are few next to the words.) */
static int known(const struct journal *j, int single, const char *prefix, size_t len)
{
    for (size_t k = 0; k < j->nroots; k++)
        if (j->roots[k].single == single && strlen(j->roots[k].prefix) == len &&
            !memcmp(j->roots[k].prefix, prefix, len))
            return 1;
    return 0;
}

/* The wordlist's words, read once (listed.h). 0, or -1 when there is no
 * list to read again (stdin, combined lists) or it cannot be read. */
static int list_ready(struct recurse *rc)
{
    if (rc->listed_state)
        return rc->listed_state > 0 ? 0 : -1;
    rc->listed_state = -1;
    if (!rc->wordlist || !strcmp(rc->wordlist, "-") || !rc->base->name ||
        strcmp(rc->base->name, rc->wordlist))
        return -1;
    char err[512];
    if (listed_read(&rc->listed, rc->wordlist, rc->base, err, sizeof err) < 0) {
        log_msg(LOG_WARN, "follow-ups: %s; a follow-up that is a word of the list is probed "
                "once more", err);
        listed_free(&rc->listed);
        return -1;
    }
    log_msg(LOG_DEBUG, "follow-ups: the list's %zu words read to know them", rc->listed.n);
    rc->listed_state = 1;
    return 0;
}

/* Whether the pass of root k (0 = the wordlist's own) makes word. */
static int pass_makes(struct recurse *rc, size_t k, const char *word, size_t len)
{
    const char *prefix = k ? rc->j->roots[k - 1].prefix : "";
    size_t pl = strlen(prefix);
    return (k == 0 || !rc->j->roots[k - 1].single) && len > pl && !memcmp(word, prefix, pl) &&
           listed_has(&rc->listed, word + pl, len - pl);
}

/* A follow-up that a pass probes anyway: the list's, or a directory's
 * found before it. */
static int in_a_pass(struct recurse *rc, const char *word, size_t len)
{
    if (list_ready(rc) < 0)
        return 0;
    for (size_t k = 0; k <= rc->j->nroots; k++)
        if (pass_makes(rc, k, word, len))
            return 1;
    return 0;
}

/* A follow-up over --max-follows is not kept: 1. */
static int over_follows(struct recurse *rc, const char *word, size_t len, const char *parent)
{
    if (rc->follows < rc->max_follows)
        return 0;
    if (!rc->over_follows++)
        snprintf(rc->first_over, sizeof rc->first_over, "%.*s (from %s)", (int)len, word, parent);
    return 1;
}

int recurse_rec_next(const char **at, const char *end, struct recurse_rec *r)
{
    if (!*at || *at + 9 > end)
        return 0;
    const char *p = *at;
    r->single = p[0] == FOUND_FOLLOW;
    memcpy(&r->depth, p + 1, 4);
    memcpy(&r->len, p + 5, 4);
    r->word = p + 9;
    r->parent = r->word + r->len;
    *at = r->parent + strlen(r->parent) + 1;
    return 1;
}

int recurse_commit(struct recurse *rc, const struct buf *found)
{
    int rv = 0;
    const char *at = found->p, *end = at + found->len;
    struct recurse_rec fr;
    while (recurse_rec_next(&at, end, &fr)) {
        int single = fr.single;
        uint32_t depth = fr.depth, plen = fr.len;
        const char *prefix = fr.word, *parent = fr.parent;
        if (known(rc->j, single, prefix, plen))
            continue;
        if (single && in_a_pass(rc, prefix, plen)) {
            rc->in_list++;
            log_msg(LOG_DEBUG, "follow-up %.*s (from %s): a pass probes it", (int)plen, prefix,
                    parent);
            continue;
        }
        if (single && over_follows(rc, prefix, plen, parent))
            continue;
        if (single && rc->growing && listed_put(&rc->followed, prefix, plen) < 0)
            rc->growing = 0; /* out of memory: the pass no longer drops them */
        if (!journal_add_root(rc->j, prefix, plen, parent, depth, single)) {
            log_msg(LOG_ERR, "out of memory: %.*s (from %s) is not scanned", (int)plen, prefix,
                    parent);
            rv = -1;
            continue;
        }
        single ? rc->follows++ : rc->dirs++;
        log_msg(LOG_DEBUG, "%s %.*s (depth %u, from %s) queued", single ? "follow-up" : "directory",
                (int)plen, prefix, (unsigned)depth, parent);
    }
    if (found->len)
        prog_passes(1 + rc->dirs, rc->follows);
    return rv;
}

/* rin reads only the current root's lines. */
static int skip_root_done(void *ud, uint64_t line)
{
    const struct recurse *rc = ud;
    return journal_root_is_done(rc->j, rc->root, line);
}

/* A followed word: a pass of one line, from memory. */
static void open_single(struct recurse *rc, const char *word)
{
    memset(&rc->rin, 0, sizeof rc->rin);
    rc->rin.fd = -1;
    rc->rin.eof = 1;
    rc->rin.name = "the follow-ups";
    rc->rin.bom_done = 1;
    buf_append_str(&rc->rin.buf, word);
    buf_append_byte(&rc->rin.buf, '\n');
    rc->rin.skip = skip_root_done;
    rc->rin.skip_ud = rc;
}

/* The words of directory root `root` (1-based) that follow-ups kept
 * before it probed (a follow-up found after it is not kept: in_a_pass),
 * its prefix taken off, into rc->skip. 0, or -1 out of memory. */
static int directory_skips(struct recurse *rc, size_t root)
{
    const char *prefix = rc->j->roots[root - 1].prefix;
    size_t pl = strlen(prefix);
    for (size_t k = 0; k + 1 < root; k++) {
        const char *w = rc->j->roots[k].prefix;
        size_t n = strlen(w);
        if (!rc->j->roots[k].single || n <= pl || memcmp(w, prefix, pl) || list_ready(rc) < 0 ||
            !listed_has(&rc->listed, w + pl, n - pl))
            continue;
        if (listed_add(&rc->skip, w + pl, n - pl) < 0)
            return -1;
    }
    listed_seal(&rc->skip);
    return 0;
}

/* Whether the pass keeps this word of its chunk; a list's word from
 * stdin is kept in mind. */
static int pass_keeps(void *ud, size_t i, const char *w, size_t n)
{
    struct recurse *rc = ud;
    (void)i;
    if (rc->root > 0) {
        size_t pl = rc->rin.prefix_len;
        return !(n > pl && listed_has(&rc->skip, w + pl, n - pl));
    }
    if (listed_has(&rc->followed, w, n))
        return 0;
    if (listed_put(&rc->listed, w, n) < 0) {
        log_msg(LOG_WARN, "follow-ups: out of memory for the list's words: a follow-up that is "
                "one of them may be probed once more");
        rc->growing = 0;
        rc->listed_state = -1;
        listed_free(&rc->listed);
    }
    return 1;
}

size_t recurse_filter(struct recurse *rc, struct buf *text, struct buf *offs)
{
    int from_stdin = rc->root == 0 && rc->growing;
    if (!rc->skip.n && !from_stdin)
        return 0;
    size_t gone = buf_keep_lines(text, offs, pass_keeps, rc);
    rc->skipped_before += gone;
    return gone;
}

struct input *recurse_next(struct recurse *rc, int *failed)
{
    if (!rc->on || rc->root >= rc->j->nroots)
        return NULL;
    if (rc->root > 0) {
        rc->skipped_before += rc->rin.skipped_words;
        input_close(&rc->rin);
    } else {
        rc->skipped_before += rc->base->skipped_words;
    }
    listed_free(&rc->skip);
    if (rc->j->roots[rc->root].single) {
        rc->root++;
        open_single(rc, rc->j->roots[rc->root - 1].prefix);
        return &rc->rin;
    }
    if (directory_skips(rc, rc->root + 1) < 0) {
        log_msg(LOG_ERR, "--recursion: out of memory: the directories left are not scanned");
        rc->root = rc->j->nroots;
        rc->rin.fd = -1;
        *failed = 1;
        return NULL;
    }
    char err[512];
    if (input_open(&rc->rin, rc->wordlist, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "--recursion: %s: the directories left are not scanned", err);
        rc->root = rc->j->nroots; /* none is tried again */
        rc->rin.fd = -1;
        *failed = 1;
        return NULL;
    }
    rc->root++;
    rc->rin.ignore_comments = rc->base->ignore_comments;
    rc->rin.exts = rc->base->exts;
    rc->rin.prefix = rc->j->roots[rc->root - 1].prefix;
    rc->rin.prefix_len = strlen(rc->rin.prefix);
    rc->rin.skip = skip_root_done;
    rc->rin.skip_ud = rc;
    return &rc->rin;
}

int recurse_waiting(const struct recurse *rc)
{
    return rc->on && rc->root < rc->j->nroots;
}

const char *recurse_prefix(const struct recurse *rc, size_t root)
{
    return root == 0 || root > rc->j->nroots || rc->j->roots[root - 1].single
               ? "" : rc->j->roots[root - 1].prefix;
}

void recurse_label(const struct recurse *rc, size_t root, struct result *r)
{
    if (!rc->on)
        return;
    r->depth = recurse_depth(rc, root);
    r->parent = r->depth ? rc->j->roots[root - 1].parent : "";
}

void recurse_finish(struct recurse *rc)
{
    listed_free(&rc->listed);
    listed_free(&rc->skip);
    listed_free(&rc->followed);
    if (rc->in_list)
        log_msg(LOG_DEBUG, "follow-ups: %llu not probed once more: a pass probes them",
                (unsigned long long)rc->in_list);
    if (rc->root > 0) { /* a file's pass, or a follow-up's from memory */
        rc->skipped_before += rc->rin.skipped_words;
        input_close(&rc->rin);
    }
    if (rc->deep_follows)
        log_msg(LOG_WARN, "--max-depth %u: %llu follow-up%s deeper were not probed (first: %s)",
                rc->follow_depth, (unsigned long long)rc->deep_follows,
                rc->deep_follows == 1 ? "" : "s", rc->first_deep);
    if (rc->over_follows)
        log_msg(LOG_WARN, "--max-follows %llu: %llu more follow-up%s were not probed (first: %s)",
                (unsigned long long)rc->max_follows, (unsigned long long)rc->over_follows,
                rc->over_follows == 1 ? "" : "s", rc->first_over);
    if (rc->too_deep)
        log_msg(LOG_WARN, "--recursion-depth %u: %llu director%s deeper were not scanned "
                "(first: %s)", rc->max_depth, (unsigned long long)rc->too_deep,
                rc->too_deep == 1 ? "y" : "ies", rc->first_too_deep);
}

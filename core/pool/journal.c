/* journal: the state file that makes resume exact.
 *
 * The parent writes a chunk's results only when the whole chunk is done,
 * so the output file always ends on a chunk boundary. The journal records,
 * at one moment, which input lines are done (everything below a low-water
 * mark, plus a few ranges above it, one per chunk finished out of order)
 * and how many bytes of output those lines produced. It is saved after the
 * output has been flushed and fsync'ed, by writing a new file, fsyncing it
 * and renaming it over the old one: whatever kills salvo (Ctrl-C, SIGKILL,
 * OOM, power loss), the journal on disk is whole and never claims more
 * than the output holds. Resume cuts the output back to the recorded size
 * and probes every line that is not recorded as done: nothing is lost and
 * nothing is written twice.
 *
 * Format (text, one item a line):
 *   salvo-state 2
 *   config <fingerprint of the options that change results>
 *   wordlist <size> <mtime> <path>
 *   output <bytes> <path>
 *   failed <bytes of PATH.failed, one failed word's line number a line>
 *   low <lines done from the start>
 *   done <first line> <end line>      (0-based, end excluded; repeated)
 *   root <k> <depth> <prefix> <parent>  (--recursion: a directory found; the
 *                                     prefix and the URL that showed it in
 *                                     hex, "-" if empty; k = 1, 2, ...)
 *   follow <k> <depth> <word> <parent> (salvo.follow: one word; the same hex)
 *   rdone <k> <first line> <end line> (lines of the wordlist done under root k;
 *                                     a follow's line is 0)
 *   sum <FNV-1a 64 of every byte above, hex>
 *
 * The sum makes an edited or torn file a refusal, not a resume that skips
 * words; version 1 (no sum) is still read. While a scan uses a state it
 * holds an exclusive lock on STATE.lock, so two scans cannot write one
 * output.
 */
#include "pool/journal.h"

#include "base/buf.h"
#include "base/util.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void journal_init(struct journal *j, const char *path)
{
    memset(j, 0, sizeof *j);
    j->lock_fd = -1;
    snprintf(j->path, sizeof j->path, "%s", path ? path : "");
}

void journal_free(struct journal *j)
{
    if (j->lock_fd >= 0)
        close(j->lock_fd); /* the lock goes with it */
    j->lock_fd = -1;
    free(j->lines.r);
    j->lines = (struct jlines){0};
    for (size_t k = 0; k < j->nroots; k++) {
        free(j->roots[k].prefix);
        free(j->roots[k].parent);
        free(j->roots[k].done.r);
    }
    free(j->roots);
    j->roots = NULL;
    j->nroots = j->roots_cap = 0;
}

static void lines_done(struct jlines *j, uint64_t a, uint64_t b)
{
    if (b <= a || b <= j->low)
        return;
    if (a < j->low)
        a = j->low;
    /* Insert [a, b) in order, merging with what it touches. */
    size_t i = 0;
    while (i < j->n && j->r[i].b < a)
        i++;
    size_t k = i;
    while (k < j->n && j->r[k].a <= b) {
        a = j->r[k].a < a ? j->r[k].a : a;
        b = j->r[k].b > b ? j->r[k].b : b;
        k++;
    }
    if (k == i) { /* no overlap: make room */
        if (j->n == j->cap) {
            size_t cap = j->cap ? 2 * j->cap : 16;
            struct jrange *r = realloc(j->r, cap * sizeof *r);
            if (!r)
                return; /* the range stays undone: it will be redone, never lost */
            j->r = r;
            j->cap = cap;
        }
        memmove(j->r + i + 1, j->r + i, (j->n - i) * sizeof *j->r);
        j->n++;
        k = i + 1;
    }
    j->r[i].a = a;
    j->r[i].b = b;
    memmove(j->r + i + 1, j->r + k, (j->n - k) * sizeof *j->r);
    j->n -= k - (i + 1);
    while (j->n && j->r[0].a <= j->low) {
        j->low = j->r[0].b > j->low ? j->r[0].b : j->low;
        memmove(j->r, j->r + 1, (j->n - 1) * sizeof *j->r);
        j->n--;
    }
}

static int lines_is_done(const struct jlines *j, uint64_t line)
{
    if (line < j->low)
        return 1;
    size_t lo = 0, hi = j->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (j->r[mid].b <= line)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < j->n && j->r[lo].a <= line;
}

static struct jlines *root_lines(struct journal *j, size_t root)
{
    return root == 0 ? &j->lines : root <= j->nroots ? &j->roots[root - 1].done : NULL;
}

void journal_done(struct journal *j, uint64_t a, uint64_t b)
{
    lines_done(&j->lines, a, b);
}

int journal_is_done(const struct journal *j, uint64_t line)
{
    return lines_is_done(&j->lines, line);
}

void journal_root_done(struct journal *j, size_t root, uint64_t a, uint64_t b)
{
    struct jlines *l = root_lines(j, root);
    if (l)
        lines_done(l, a, b);
}

int journal_root_is_done(const struct journal *j, size_t root, uint64_t line)
{
    const struct jlines *l = root_lines((struct journal *)j, root);
    return l && lines_is_done(l, line);
}

size_t journal_add_root(struct journal *j, const char *prefix, size_t prefix_len,
                        const char *parent, uint32_t depth, int single)
{
    if (j->nroots == j->roots_cap) {
        size_t cap = j->roots_cap ? 2 * j->roots_cap : 16;
        struct jroot *r = realloc(j->roots, cap * sizeof *r);
        if (!r)
            return 0;
        j->roots = r;
        j->roots_cap = cap;
    }
    struct jroot *r = &j->roots[j->nroots];
    memset(r, 0, sizeof *r);
    r->prefix = strndup(prefix, prefix_len);
    r->parent = strdup(parent);
    if (!r->prefix || !r->parent) {
        free(r->prefix);
        free(r->parent);
        return 0;
    }
    r->depth = depth;
    r->single = single != 0;
    return ++j->nroots;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void hex_put(struct buf *b, const char *s)
{
    static const char d[] = "0123456789abcdef";
    if (!*s)
        buf_append_byte(b, '-');
    for (; *s; s++) {
        buf_append_byte(b, d[(unsigned char)*s >> 4]);
        buf_append_byte(b, d[(unsigned char)*s & 15]);
    }
}

/* "-" is the empty string; else hex digits, two a byte, no NUL. */
static char *hex_get(const char *s, size_t n)
{
    if (n == 1 && s[0] == '-')
        return strdup("");
    if (n % 2)
        return NULL;
    char *out = malloc(n / 2 + 1);
    for (size_t i = 0; out && i < n / 2; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0 || (hi | lo) == 0) {
            free(out);
            return NULL;
        }
        out[i] = (char)(hi << 4 | lo);
    }
    if (out)
        out[n / 2] = '\0';
    return out;
}

static void lines_put(struct buf *b, const struct jlines *l, size_t root)
{
    if (root == 0) {
        buf_printf(b, "low %" PRIu64 "\n", l->low);
        for (size_t i = 0; i < l->n; i++)
            buf_printf(b, "done %" PRIu64 " %" PRIu64 "\n", l->r[i].a, l->r[i].b);
        return;
    }
    if (l->low)
        buf_printf(b, "rdone %zu 0 %" PRIu64 "\n", root, l->low);
    for (size_t i = 0; i < l->n; i++)
        buf_printf(b, "rdone %zu %" PRIu64 " %" PRIu64 "\n", root, l->r[i].a, l->r[i].b);
}

int journal_save(struct journal *j, char *err, size_t errlen)
{
    struct buf b = {0};
    buf_printf(&b, "salvo-state 2\nconfig %016" PRIx64 "\nwordlist %" PRIu64 " %" PRId64 " %s\n"
               "output %" PRIu64 " %s\nfailed %" PRIu64 "\n", j->fingerprint,
               j->wl_size, j->wl_mtime, j->wordlist, j->out_bytes, j->output, j->failed_bytes);
    lines_put(&b, &j->lines, 0);
    for (size_t k = 0; k < j->nroots; k++) {
        const struct jroot *r = &j->roots[k];
        buf_printf(&b, "%s %zu %" PRIu32 " ", r->single ? "follow" : "root", k + 1, r->depth);
        hex_put(&b, r->prefix);
        buf_append_byte(&b, ' ');
        hex_put(&b, r->parent);
        buf_append_byte(&b, '\n');
        lines_put(&b, &r->done, k + 1);
    }
    buf_printf(&b, "sum %016" PRIx64 "\n", util_fnv1a(UTIL_FNV_OFFSET, b.p ? b.p : "", b.len));
    int rc = b.p ? util_replace_file(j->path, b.p, b.len) : (errno = ENOMEM, -1);
    buf_free(&b);
    if (rc < 0)
        snprintf(err, errlen, "state %s: %s", j->path, strerror(errno));
    return rc;
}

static int path_field(const char *line, const char *key, int skip, char *out, size_t outlen)
{
    /* key, then `skip` numbers, then the rest of the line is a path */
    size_t n = strlen(key);
    if (strncmp(line, key, n) || line[n] != ' ')
        return 0;
    const char *p = line + n + 1;
    for (int i = 0; i < skip; i++) {
        p = strchr(p, ' ');
        if (!p)
            return 0;
        p++;
    }
    snprintf(out, outlen, "%.*s", (int)strcspn(p, "\n"), p);
    return 1;
}

/* The whole file, at most 64 MiB (a state holds a few ranges). */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    struct buf b = {0};
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0 && b.len < (64u << 20))
        buf_append(&b, tmp, n);
    int bad = ferror(f) || !b.p;
    fclose(f);
    if (bad) {
        buf_free(&b);
        errno = errno ? errno : EIO;
        return NULL;
    }
    *len = b.len;
    return b.p;
}

/* Version 2 ends with "sum X": the FNV-1a of everything before it. */
static int sum_ok(const char *text, size_t len)
{
    if (len < 2 || text[len - 1] != '\n')
        return 0;
    const char *last = text + len - 1;
    while (last > text && last[-1] != '\n')
        last--;
    uint64_t want;
    if (sscanf(last, "sum %" SCNx64, &want) != 1)
        return 0;
    return util_fnv1a(UTIL_FNV_OFFSET, text, (size_t)(last - text)) == want;
}

/* "root K DEPTH PREFIX PARENT" or "follow K DEPTH WORD PARENT": roots come
 * in order, K = the next one. */
static int root_line(struct journal *j, const char *line)
{
    size_t k;
    uint32_t depth;
    int at = 0, single = line[0] == 'f';
    if (sscanf(line + (single ? 7 : 5), "%zu %" SCNu32 " %n", &k, &depth, &at) != 2 || !at ||
        k != j->nroots + 1 || depth == 0)
        return 0;
    at += single ? 7 : 5;
    const char *p = line + at, *sp = strchr(p, ' ');
    if (!sp || strchr(sp + 1, ' '))
        return 0;
    char *prefix = hex_get(p, (size_t)(sp - p)), *parent = hex_get(sp + 1, strlen(sp + 1));
    int ok = prefix && parent && *prefix &&
             journal_add_root(j, prefix, strlen(prefix), parent, depth, single) == k;
    free(prefix);
    free(parent);
    return ok;
}

int journal_load(struct journal *j, const char *path, char *err, size_t errlen)
{
    journal_init(j, path);
    size_t len = 0;
    char *text = slurp(path, &len);
    if (!text) {
        snprintf(err, errlen, "state %s: %s", path, strerror(errno));
        return -1;
    }
    int version = !strncmp(text, "salvo-state 2\n", 14) ? 2
                  : !strncmp(text, "salvo-state 1\n", 14) ? 1 : 0;
    if (version == 2 && !sum_ok(text, len)) {
        snprintf(err, errlen, "state %s: its checksum does not match: the file was changed or "
                 "cut; refusing to resume from it", path);
        free(text);
        return -1;
    }
    int lineno = version ? 0 : 1, ok = version > 0;
    for (char *line = text, *nl; ok && line < text + len; line = nl + 1) {
        nl = memchr(line, '\n', (size_t)(text + len - line));
        if (!nl)
            break; /* a torn last line (version 1) */
        *nl = '\0';
        lineno++;
        uint64_t a, b;
        int64_t m;
        size_t k;
        if (lineno == 1 || !strncmp(line, "sum ", 4))
            ;
        else if (sscanf(line, "config %" SCNx64, &j->fingerprint) == 1)
            ;
        else if (sscanf(line, "wordlist %" SCNu64 " %" SCNd64, &a, &m) == 2 &&
                 path_field(line, "wordlist", 2, j->wordlist, sizeof j->wordlist))
            j->wl_size = a, j->wl_mtime = m;
        else if (sscanf(line, "output %" SCNu64, &a) == 1 &&
                 path_field(line, "output", 1, j->output, sizeof j->output))
            j->out_bytes = a;
        else if (sscanf(line, "failed %" SCNu64, &a) == 1)
            j->failed_bytes = a;
        else if (sscanf(line, "low %" SCNu64, &a) == 1)
            j->lines.low = a;
        else if (sscanf(line, "done %" SCNu64 " %" SCNu64, &a, &b) == 2 && a < b)
            journal_done(j, a, b);
        else if (!strncmp(line, "root ", 5) || !strncmp(line, "follow ", 7))
            ok = root_line(j, line);
        else if (sscanf(line, "rdone %zu %" SCNu64 " %" SCNu64, &k, &a, &b) == 3 && a < b &&
                 k >= 1 && k <= j->nroots)
            journal_root_done(j, k, a, b);
        else
            ok = 0;
    }
    free(text);
    if (!ok) {
        snprintf(err, errlen, "state %s:%d: not a salvo state file, or damaged", path, lineno);
        journal_free(j);
        return -1;
    }
    return 0;
}

/* ---- resume and --retry-failed ---- */

int journal_same_wordlist(const struct journal *j, const char *wordlist, const char *state,
                         char *err, size_t errlen)
{
    struct stat sb;
    if (!strcmp(wordlist, "-")) {
        snprintf(err, errlen, "state %s: give the wordlist as a file (-w FILE), not stdin", state);
        return -1;
    }
    if (stat(wordlist, &sb) < 0 || (uint64_t)sb.st_size != j->wl_size ||
        (int64_t)sb.st_mtime != j->wl_mtime) {
        snprintf(err, errlen, "state %s: the wordlist %s is not the one it was made with "
                 "(%.1000s, %llu bytes): refusing", state, wordlist, j->wordlist,
                 (unsigned long long)j->wl_size);
        return -1;
    }
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int journal_not_failed(void *ud, uint64_t line)
{
    const struct journal_failed *s = ud;
    return !bsearch(&line, s->v, s->n, sizeof *s->v, cmp_u64);
}

int journal_load_failed(struct journal_failed *s, const char *state, const char *wordlist,
                       char *err, size_t errlen)
{
    struct journal j;
    memset(s, 0, sizeof *s);
    if (journal_load(&j, state, err, errlen) < 0)
        return -1;
    int rc = journal_same_wordlist(&j, wordlist, state, err, errlen);
    journal_free(&j);
    if (rc < 0)
        return -1;
    char path[4200];
    snprintf(path, sizeof path, "%s.failed", state);
    FILE *f = fopen(path, "r");
    if (!f) {
        if (j.failed_bytes == 0)
            return 0; /* nothing failed */
        snprintf(err, errlen, "%.1000s: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 0;
    unsigned long long line;
    while (ftello(f) < (off_t)j.failed_bytes && fscanf(f, "%llu\n", &line) == 1) {
        if (s->n == cap) {
            cap = cap ? 2 * cap : 1024;
            uint64_t *v = realloc(s->v, cap * sizeof *v);
            if (!v) {
                fclose(f);
                snprintf(err, errlen, "%.1000s: out of memory", path);
                return -1;
            }
            s->v = v;
        }
        s->v[s->n++] = line;
    }
    fclose(f);
    if (s->n)
        qsort(s->v, s->n, sizeof *s->v, cmp_u64);
    return 0;
}

/* Check the state against this run, and prepare the journal either way. */
/* An exclusive lock on PATH.lock for as long as the scan runs: a second
 * scan on the same state (two --resume of one file) would tear the
 * output. The file holds the pid of the holder, for the message. */
static int lock_state(struct journal *j, char *err, size_t errlen)
{
    char path[sizeof j->path + 8];
    snprintf(path, sizeof path, "%s.lock", j->path);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "state %s: cannot lock it: %s: %s", j->path, path, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        char pid[32] = "";
        ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
        pid[n > 0 ? n : 0] = '\0';
        pid[strcspn(pid, "\n")] = '\0';
        snprintf(err, errlen, "state %s is in use by another salvo%s%s%s: one scan at a time "
                 "per state file", j->path, *pid ? " (pid " : "", pid, *pid ? ")" : "");
        close(fd);
        return -1;
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%d\n", (int)getpid());
    /* The pid is only for the message: a failure to write it is no error. */
    if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)n, 0) != n)
        pid[0] = '\0';
    j->lock_fd = fd;
    return 0;
}

int journal_setup(struct journal *j, const struct journal_run *c, char *err, size_t errlen)
{
    struct stat sb;
    int have = c->resume && *c->resume;
    if (have) {
        if (journal_load(j, c->resume, err, errlen) < 0)
            return -1;
        if (j->fingerprint != c->fingerprint) {
            snprintf(err, errlen, "state %s was written by a scan with other options (template, "
                     "plugin, rules, http or output format): resume with the same options",
                     c->resume);
            return -1;
        }
        if (journal_same_wordlist(j, c->wordlist, c->resume, err, errlen) < 0)
            return -1;
        if (strcmp(c->output, j->output)) {
            snprintf(err, errlen, "state %s wrote its results to %.1000s, not %s: give -o %.1000s",
                     c->resume, j->output, c->output, j->output);
            return -1;
        }
        /* Keep saving where the user asked, else in the same file. */
        snprintf(j->path, sizeof j->path, "%s", c->state && *c->state ? c->state : c->resume);
        return lock_state(j, err, errlen);
    }
    journal_init(j, c->state && *c->state ? c->state : NULL);
    j->fingerprint = c->fingerprint;
    snprintf(j->wordlist, sizeof j->wordlist, "%s", c->wordlist);
    snprintf(j->output, sizeof j->output, "%s", c->output);
    if (strcmp(c->wordlist, "-") && stat(c->wordlist, &sb) == 0) {
        j->wl_size = (uint64_t)sb.st_size;
        j->wl_mtime = (int64_t)sb.st_mtime;
    }
    return j->path[0] ? lock_state(j, err, errlen) : 0;
}

/* prog: one progress line on stderr, refreshed four times a second:
 *
 *   12,345/100,000 words (12%)  3,210/s now  3,100/s avg  12 hits  3 errors  -t 200 x2  0:04 elapsed  ETA 0:28
 *
 * "-t" is the transfers in flight at most per worker, as -t says it (the
 * mean of the workers' with -t auto, where it moves), times the workers.
 * Words are counted as the summary counts them: blank lines are none.
 *
 * Only on a terminal and never with -q. Whatever else goes to the terminal
 * (hits on stdout, messages on stderr) first clears the line, then the line
 * is drawn again, so neither tears the other. The total is known for a
 * regular file: its lines are counted with pread in 4 MiB steps between
 * polls, so a huge list never delays the start and is never held in memory.
 */
#include "out/prog.h"

#include "out/stats.h"
#include "base/input.h"
#include "base/strlist.h"
#include "base/util.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static struct {
    int on, shown, fd;
    int comments;            /* lines starting with # are no words */
    uint32_t shard_k, shard_n; /* only lines k, k + n, ... (--shard) */
    uint64_t lineno;         /* of the line being counted, from 0 */
    off_t off;               /* counted up to here */
    size_t linelen;          /* bytes of the line being counted so far */
    char first, last;        /* its first and last byte */
    int counted;             /* the whole file is counted */
    uint64_t total;
    double last_draw;
    double hist_t[8];        /* recent (time, lines) samples for "now" */
    uint64_t hist_n[8];
    unsigned hist_i;
    size_t each;              /* words a line makes (-e) */
    uint64_t passes;          /* --recursion: the wordlist read under each directory */
    uint64_t extra;           /* words followed (salvo.follow) */
} g = {.fd = -1, .each = 1, .passes = 1};

void prog_start(int enabled, int count, const struct input *in)
{
    g.on = enabled && isatty(STDERR_FILENO);
    count |= g.on;
    g.comments = in->ignore_comments;
    g.each = 1 + (in->exts ? in->exts->n : 0);
    g.shard_k = in->shard_k;
    g.shard_n = in->shard_n;
    int fd = in->fd;
    struct stat sb;
    g.fd = count && fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ? fd : -1;
}

void prog_passes(uint64_t n, uint64_t extra)
{
    g.passes = n ? n : 1;
    g.extra = extra;
}

int prog_total(uint64_t *total)
{
    *total = g.total * g.passes + g.extra;
    return g.counted;
}

int prog_enabled(void)
{
    return g.on;
}

/* A line ended: a word unless it is blank (a CR alone is blank) or a
 * comment, as the input reads it. */
static void prog_line_end(void)
{
    size_t n = g.linelen - (g.linelen && g.last == '\r');
    int mine = g.shard_n < 2 || g.lineno % g.shard_n == g.shard_k;
    if (n && mine && !(g.comments && g.first == '#'))
        g.total += g.each;
    g.linelen = 0;
    g.lineno++;
}

void prog_count(void)
{
    if (g.fd < 0 || g.counted)
        return;
    static char buf[1 << 16];
    for (int i = 0; i < 64; i++) {
        ssize_t n = pread(g.fd, buf, sizeof buf, g.off);
        if (n <= 0) {
            if (g.linelen)
                prog_line_end(); /* a last line without a newline */
            g.counted = 1;
            return;
        }
        for (const char *p = buf, *end = buf + n; p < end;) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            const char *stop = nl ? nl : end;
            if (stop > p) {
                if (!g.linelen)
                    g.first = *p;
                g.last = stop[-1];
                g.linelen += (size_t)(stop - p);
            }
            if (!nl)
                break;
            prog_line_end();
            p = nl + 1;
        }
        g.off += n;
    }
}

void prog_clear(void)
{
    if (g.shown) {
        ssize_t r = write(STDERR_FILENO, "\r\033[K", 4);
        (void)r;
        g.shown = 0;
    }
}

static void thousands(char *out, size_t n, uint64_t v)
{
    char tmp[32];
    int len = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v), k = 0;
    for (int i = 0; i < len && (size_t)k + 2 < n; i++) {
        if (i && (len - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = tmp[i];
    }
    out[k] = '\0';
}

/* "  slowed 127.0.0.1 (48/s)  given up 2 hosts": what --auto-tune and
 * --auto-bail did, "" when nothing. */
static void hosts_part(const struct scan_stats *st, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    const struct hoststat *slow = NULL, *gone = NULL;
    for (uint32_t i = 0; i < st->nhosts; i++) {
        if (st->hosts[i].gave_up && !gone)
            gone = &st->hosts[i];
        else if (!st->hosts[i].gave_up && !slow)
            slow = &st->hosts[i];
    }
    if (st->hosts_slowed == 1 && slow && slow->rate > 0)
        len = (size_t)snprintf(out, n, "  slowed %s (%.0f/s)", slow->addr, slow->rate);
    else if (st->hosts_slowed)
        len = (size_t)snprintf(out, n, "  slowed %u host%s", st->hosts_slowed,
                               st->hosts_slowed == 1 ? "" : "s");
    if (st->hosts_gave_up && len < n) {
        if (st->hosts_gave_up == 1 && gone)
            snprintf(out + len, n - len, "  given up %s", gone->addr);
        else
            snprintf(out + len, n - len, "  given up %u host%s", st->hosts_gave_up,
                     st->hosts_gave_up == 1 ? "" : "s");
    }
}

void prog_draw(const struct scan_stats *st, int force)
{
    if (!g.on)
        return;
    double t = util_now();
    if (!force && g.shown && t - g.last_draw < 0.25)
        return;
    g.last_draw = t;
    uint64_t all = g.total * g.passes + g.extra; /* work found counts as it is found */
    /* Words, as the total and the summary count them (blank lines are
     * none). */
    uint64_t d = stats_words_run(st);
    /* What an earlier run did counts as done, not in this run's rates. */
    uint64_t shown = d + st->words_before;
    if (g.counted && all && shown > all)
        shown = all;
    unsigned i = g.hist_i++ % 8;
    g.hist_t[i] = t;
    g.hist_n[i] = d;
    unsigned oldest = g.hist_i >= 8 ? g.hist_i % 8 : 0;
    double span = t - g.hist_t[oldest];
    double rate_now = span > 0 ? (double)(d - g.hist_n[oldest]) / span : 0;
    double el = t - st->start;
    double avg = el > 0 ? (double)d / el : 0;
    char done[32], total[32], line[384], eta[32] = "ETA -", win[48], hosts[128];
    hosts_part(st, hosts, sizeof hosts);
    char fetched[40] = "";
    if (st->fetches) /* a script's own requests: work that is no word */
        snprintf(fetched, sizeof fetched, " (+%llu fetched)", (unsigned long long)st->fetches);
    thousands(done, sizeof done, shown);
    /* -t as it was asked: per worker (the mean with -t auto), and how many. */
    int procs = st->procs > 0 ? st->procs : 1;
    unsigned long long per = (st->window + (uint64_t)procs / 2) / (uint64_t)procs;
    if (procs > 1)
        snprintf(win, sizeof win, "%llu x%d", per, procs);
    else
        snprintf(win, sizeof win, "%llu", per);
    int n;
    /* An ETA only once a rate is known: a second in, words done. */
    if (g.counted && all && el >= 1 && d > 0) {
        double left = (double)(all - shown) / avg;
        snprintf(eta, sizeof eta, "ETA %d:%02d", (int)(left / 60), (int)left % 60);
    }
    if (g.counted && all) {
        thousands(total, sizeof total, all);
        n = snprintf(line, sizeof line, "\r\033[K%s/%s words%s (%.0f%%)  %.0f/s now  %.0f/s avg  "
                     "%llu hits  %llu errors  -t %s  %d:%02d elapsed  %s%s", done, total, fetched,
                     100.0 * (double)shown / (double)all, rate_now, avg,
                     (unsigned long long)st->hits, (unsigned long long)st->errors,
                     win, (int)(el / 60), (int)el % 60, eta, hosts);
    } else {
        n = snprintf(line, sizeof line, "\r\033[K%s words%s  %.0f/s now  %.0f/s avg  %llu hits  "
                     "%llu errors  -t %s  %d:%02d elapsed%s", done, fetched, rate_now, avg,
                     (unsigned long long)st->hits, (unsigned long long)st->errors,
                     win, (int)(el / 60), (int)el % 60, hosts);
    }
    if (n > 0) {
        ssize_t r = write(STDERR_FILENO, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
        (void)r;
        g.shown = 1;
    }
}

void prog_stop(void)
{
    prog_clear();
    g.on = 0;
}

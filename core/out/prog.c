/* prog: one progress line on stderr, refreshed four times a second:
 *
 *   12,345/100,000 words (12%)  3,210/s now  3,100/s avg  12 hits  3 errors  -t 400  0:04 elapsed  ETA 0:28
 *
 * "-t" is the transfers in flight at most, all workers together (it moves
 * with -t auto).
 *
 * Only on a terminal and never with -q. Whatever else goes to the terminal
 * (hits on stdout, messages on stderr) first clears the line, then the line
 * is drawn again, so neither tears the other. The total is known for a
 * regular file: its lines are counted with pread in 4 MiB steps between
 * polls, so a huge list never delays the start and is never held in memory.
 */
#include "out/prog.h"

#include "out/stats.h"
#include "base/util.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static struct {
    int on, shown, fd;
    off_t off;               /* counted up to here */
    int counted;             /* the whole file is counted */
    uint64_t total;
    double last_draw;
    double hist_t[8];        /* recent (time, lines) samples for "now" */
    uint64_t hist_n[8];
    unsigned hist_i;
} g = {.fd = -1};

void prog_start(int enabled, int fd)
{
    g.on = enabled && isatty(STDERR_FILENO);
    struct stat sb;
    g.fd = g.on && fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ? fd : -1;
}

int prog_enabled(void)
{
    return g.on;
}

void prog_count(void)
{
    if (g.fd < 0 || g.counted)
        return;
    static char buf[1 << 16];
    for (int i = 0; i < 64; i++) {
        ssize_t n = pread(g.fd, buf, sizeof buf, g.off);
        if (n <= 0) {
            g.counted = 1;
            return;
        }
        for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + n - p))); p++)
            g.total++;
        if (n < (ssize_t)sizeof buf && buf[n - 1] != '\n') {
            g.total++; /* a last line without a newline */
            g.counted = 1;
            return;
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

void prog_draw(const struct scan_stats *st, int force)
{
    if (!g.on)
        return;
    double t = util_now();
    if (!force && g.shown && t - g.last_draw < 0.25)
        return;
    g.last_draw = t;
    /* Words as the workers count them (four times a second), never fewer
     * than the results already written nor the lines of whole chunks. */
    uint64_t d = st->lines_done > st->words_ended ? st->lines_done : st->words_ended;
    d = d > st->hits + st->errors ? d : st->hits + st->errors;
    if (g.counted && g.total && d > g.total)
        d = g.total;
    unsigned i = g.hist_i++ % 8;
    g.hist_t[i] = t;
    g.hist_n[i] = d;
    unsigned oldest = g.hist_i >= 8 ? g.hist_i % 8 : 0;
    double span = t - g.hist_t[oldest];
    double rate_now = span > 0 ? (double)(d - g.hist_n[oldest]) / span : 0;
    double el = t - st->start;
    double avg = el > 0 ? (double)d / el : 0;
    char done[32], total[32], line[256], eta[32] = "ETA -";
    thousands(done, sizeof done, d);
    int n;
    /* An ETA only once a rate is known: a second in, words done. */
    if (g.counted && g.total && el >= 1 && d > 0) {
        double left = (double)(g.total - d) / avg;
        snprintf(eta, sizeof eta, "ETA %d:%02d", (int)(left / 60), (int)left % 60);
    }
    if (g.counted && g.total) {
        thousands(total, sizeof total, g.total);
        n = snprintf(line, sizeof line, "\r\033[K%s/%s words (%.0f%%)  %.0f/s now  %.0f/s avg  "
                     "%llu hits  %llu errors  -t %llu  %d:%02d elapsed  %s", done, total,
                     100.0 * (double)d / (double)g.total, rate_now, avg,
                     (unsigned long long)st->hits, (unsigned long long)st->errors,
                     (unsigned long long)st->window, (int)(el / 60), (int)el % 60, eta);
    } else {
        n = snprintf(line, sizeof line, "\r\033[K%s words  %.0f/s now  %.0f/s avg  %llu hits  "
                     "%llu errors  -t %llu  %d:%02d elapsed", done, rate_now, avg,
                     (unsigned long long)st->hits, (unsigned long long)st->errors,
                     (unsigned long long)st->window, (int)(el / 60), (int)el % 60);
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

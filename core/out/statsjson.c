/* statsjson: a line of JSON per tick, flushed at once, so that a reader
 * tailing the file parses every line it sees (a line is written whole by
 * one fwrite of a built buffer, never in pieces):
 *
 *   {"time":1764921600.123,"elapsed_s":4.0,"words_done":1200,
 *    "words_total":100000,"percent":1.2,"hits":3,"errors":2,
 *    "errors_by_class":{"timeout":2},"retries":0,"rate_now":310.5,
 *    "rate_avg":300.0,"window":400,"workers":2,"eta_s":329,
 *    "hosts_slowed":1,"hosts_given_up":0,"hosts":[{"addr":"10.0.0.1",
 *    "rate":48.0,"lowest_rate":45.1,"slowed":2,"given_up":false}],"final":false}
 *
 * words_total, percent and eta_s are null until the wordlist is counted (a
 * pipe is never). The last line has "final":true. */
#include "out/statsjson.h"

#include "base/buf.h"
#include "base/util.h"
#include "out/stats.h"
#include "out/summary.h"

#include <errno.h>
#include <string.h>

int statsjson_open(struct statsjson *s, const char *path, double interval, char *err,
                   size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->interval = interval > 0 ? interval : 5;
    if (!path || !*path)
        return 0;
    if (!strcmp(path, "-")) {
        s->f = stderr;
        return 0;
    }
    if (!(s->f = fopen(path, "w"))) {
        snprintf(err, errlen, "--stats-json %s: %s", path, strerror(errno));
        return -1;
    }
    s->own = 1;
    return 0;
}

void statsjson_tick(struct statsjson *s, const struct scan_stats *st, uint64_t total, int final)
{
    if (!s->f)
        return;
    double now = util_now();
    if (!final && s->last && now - s->last < s->interval)
        return;
    if (!s->last_t)
        s->last_t = st->start;
    uint64_t done = stats_words_run(st) + st->words_before;
    if (total && done > total)
        done = total;
    double el = now - st->start, span = now - s->last_t;
    uint64_t run = done > st->words_before ? done - st->words_before : 0; /* this run's */
    double avg = el > 0 ? (double)run / el : 0;
    double rate_now = span > 0 && done >= s->last_words ? (double)(done - s->last_words) / span : 0;
    struct buf b = {0};
    buf_printf(&b, "{\"time\":%.3f,\"elapsed_s\":%.1f,\"words_done\":%llu", util_now_wall(), el,
               (unsigned long long)done);
    if (total)
        buf_printf(&b, ",\"words_total\":%llu,\"percent\":%.1f", (unsigned long long)total,
                   100.0 * (double)done / (double)total);
    else
        buf_append_str(&b, ",\"words_total\":null,\"percent\":null");
    buf_printf(&b, ",\"hits\":%llu,\"errors\":%llu,", (unsigned long long)st->hits,
               (unsigned long long)st->errors);
    summary_errclass_json(st, &b);
    buf_printf(&b, ",\"retries\":%llu,\"fetches\":%llu,\"rate_now\":%.1f,\"rate_avg\":%.1f,"
               "\"window\":%llu,\"workers\":%d", (unsigned long long)st->retries,
               (unsigned long long)st->fetches, rate_now, avg,
               (unsigned long long)st->window, st->procs);
    if (total && avg > 0 && !final)
        buf_printf(&b, ",\"eta_s\":%.0f", (double)(total - done) / avg);
    else
        buf_printf(&b, ",\"eta_s\":%s", final ? "0" : "null");
    buf_append_byte(&b, ',');
    summary_hosts_json(st, &b);
    buf_printf(&b, ",\"final\":%s}\n", final ? "true" : "false");
    if (b.p) {
        fwrite(b.p, 1, b.len, s->f);
        fflush(s->f);
    }
    buf_free(&b);
    s->last = now;
    s->last_t = now;
    s->last_words = done;
}

void statsjson_close(struct statsjson *s)
{
    if (s->own && s->f)
        fclose(s->f);
    s->f = NULL;
}

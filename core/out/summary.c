/* summary: the end-of-scan report. */
#include "out/summary.h"

#include "base/buf.h"
#include "base/codes.h"
#include "base/log.h"
#include "out/stats.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void summary_calibration(const struct summary_scan *c, const struct scan_stats *st, struct buf *out)
{
    if (!c->calibrate) {
        buf_append_str(out, "off");
        return;
    }
    if (!st->calib_text) {
        buf_append_str(out, "no worker finished calibrating");
        return;
    }
    if (!st->calib_pages)
        buf_printf(out, "%u random words got no answer (no wildcard): nothing to filter",
                   st->calib_probes);
    else
        buf_printf(out, "%u random words, %u not-found page%s learned: %s", st->calib_probes,
                   st->calib_pages, st->calib_pages == 1 ? "" : "s", st->calib_text);
    if (st->calib_changes)
        buf_printf(out, "; the not-found page changed %llu time%s during the scan",
                   (unsigned long long)st->calib_changes, st->calib_changes == 1 ? "" : "s");
}

size_t summary_unanswered(const struct summary_scan *c, const struct scan_stats *st, struct buf *out)
{
    unsigned long long t = st->errclass[ERRC_TIMEOUT], n = st->errclass[ERRC_CONNECT];
    if (!t && !n)
        return 0;
    size_t before = out->len;
    buf_printf(out, "%llu words got no answer (timeout %llu, no connection %llu): ", t + n, t, n);
    if (c->state && *c->state && c->wordlist && strcmp(c->wordlist, "-"))
        buf_printf(out, "salvo --retry-failed %s -w %s, with this scan's options (a longer "
                   "--timeout, --retries, a smaller -t), takes them again", c->state, c->wordlist);
    else
        buf_printf(out, "--errors lists them; a scan with --state FILE records them, and "
                   "--retry-failed FILE then takes them again");
    return out->len - before;
}

/* The hosts --auto-tune slowed and --auto-bail or --max-time-per-host gave
 * up, each with what happened to it. */
static void summary_hosts(const struct summary_scan *c, const struct scan_stats *st)
{
    for (uint32_t i = 0; i < st->nhosts; i++) {
        const struct hoststat *h = &st->hosts[i];
        if (h->gave_up)
            log_msg(LOG_WARN, "%s given up: %s; %llu word%s skipped%s", h->addr, h->why,
                    (unsigned long long)h->skipped, h->skipped == 1 ? "" : "s",
                    c->state && *c->state ? " (--retry-failed takes them again)" : "");
        else
            log_msg(LOG_INFO, "%s pushed back (429/503): slowed down %u time%s, to %.1f "
                    "requests a second at the lowest; %s%.1f at the end", h->addr, h->drops,
                    h->drops == 1 ? "" : "s", h->lowest, h->rate > 0 ? "" : "no limit, was ",
                    h->rate > 0 ? h->rate : h->lowest);
    }
    uint32_t named = st->nhosts, all = st->hosts_slowed + st->hosts_gave_up;
    if (all > named)
        log_msg(LOG_INFO, "%u more hosts slowed down or given up (--summary-json lists the "
                "first %d)", all - named, HOSTSTAT_MAX);
}

void summary_hosts_json(const struct scan_stats *st, struct buf *out)
{
    buf_printf(out, "\"hosts_slowed\":%u,\"hosts_given_up\":%u,\"hosts\":[", st->hosts_slowed,
               st->hosts_gave_up);
    for (uint32_t i = 0; i < st->nhosts; i++) {
        const struct hoststat *h = &st->hosts[i];
        buf_printf(out, "%s{\"addr\":", i ? "," : "");
        buf_json_str(out, h->addr, strlen(h->addr), 0);
        buf_printf(out, ",\"rate\":%.2f,\"lowest_rate\":%.2f,\"slowed\":%u,\"given_up\":%s",
                   h->rate, h->lowest, h->drops, h->gave_up ? "true" : "false");
        if (h->gave_up) {
            buf_append_str(out, ",\"why\":");
            buf_json_str(out, h->why, strlen(h->why), 0);
            buf_printf(out, ",\"skipped\":%llu", (unsigned long long)h->skipped);
        }
        buf_append_byte(out, '}');
    }
    buf_append_byte(out, ']');
}

static double rate(const struct scan_stats *st)
{
    return st->elapsed > 0 ? (double)st->words_done / st->elapsed : 0.0;
}

void summary_print(const struct summary_scan *c, const struct scan_stats *st)
{
    struct buf b = {0};
    if (st->script_errors)
        buf_printf(&b, " (%llu in the script)", (unsigned long long)st->script_errors);
    if (st->retries)
        buf_printf(&b, ", %llu retries", (unsigned long long)st->retries);
    if (st->fetches)
        buf_printf(&b, ", %llu fetched by the script", (unsigned long long)st->fetches);
    if (st->directories) /* their words are among the words */
        buf_printf(&b, ", %llu director%s scanned", (unsigned long long)st->directories,
                   st->directories == 1 ? "y" : "ies");
    if (st->followed)
        buf_printf(&b, ", %llu followed", (unsigned long long)st->followed);
    log_msg(LOG_INFO, "%llu words, %llu hits, %llu errors%s in %.2f s (%.0f words/s, %d workers)",
            (unsigned long long)st->words_done, (unsigned long long)st->hits,
            (unsigned long long)st->errors, b.p ? b.p : "", st->elapsed, rate(st), st->procs);
    log_msg(LOG_DEBUG, "all transfers: %llu by salvo's HTTP/1.1 client, %llu by its HTTP/2 client, "
            "%llu by curl", (unsigned long long)st->by_client[0],
            (unsigned long long)st->by_client[1], (unsigned long long)st->by_client[2]);
    buf_reset(&b);
    for (int s = 0, n = 0; s < 600; s++)
        if (st->status[s] && n++ < 12)
            buf_printf(&b, "%s%d: %llu", b.len ? ", " : "", s, (unsigned long long)st->status[s]);
    if (b.len)
        log_msg(LOG_INFO, "statuses: %s", b.p);
    if (st->misses || st->filtered || st->calibrated)
        log_msg(LOG_INFO, "turned down: %llu by the plugin, %llu by the rules, %llu as not-found "
                "pages", (unsigned long long)st->misses, (unsigned long long)st->filtered,
                (unsigned long long)st->calibrated);
    buf_reset(&b);
    for (int k = 0; k < ERR_NCLASSES; k++)
        if (st->errclass[k])
            buf_printf(&b, "%s%s %llu", b.len ? ", " : "", codes_class_name(k),
                       (unsigned long long)st->errclass[k]);
    if (b.len)
        log_msg(LOG_INFO, "errors: %s", b.p);
    buf_reset(&b);
    if (summary_unanswered(c, st, &b))
        log_msg(LOG_WARN, "%s", b.p);
    summary_hosts(c, st);
    if (c->wildcard_dns && st->wild_text)
        log_msg(LOG_INFO, "wildcard DNS: %s; %llu names answered the same", st->wild_text,
                (unsigned long long)st->wildcards);
    if (c->calibrate) {
        buf_reset(&b);
        summary_calibration(c, st, &b);
        log_msg(LOG_INFO, "calibration: %s", b.p ? b.p : "");
    }
    buf_free(&b);
}

void summary_errclass_json(const struct scan_stats *st, struct buf *out)
{
    buf_append_str(out, "\"errors_by_class\":{");
    for (int k = 0, n = 0; k < ERR_NCLASSES; k++)
        if (st->errclass[k])
            buf_printf(out, "%s\"%s\":%llu", n++ ? "," : "", codes_class_name(k),
                       (unsigned long long)st->errclass[k]);
    buf_append_byte(out, '}');
}

static void summary_num(struct buf *b, const char *key, unsigned long long v)
{
    buf_printf(b, ",\"%s\":%llu", key, v);
}

int summary_json(const struct summary_scan *c, const struct scan_stats *st, const char *path,
                 char *err, size_t errlen)
{
    struct buf b = {0};
    buf_printf(&b, "{\"words\":%llu", (unsigned long long)st->words_done);
    summary_num(&b, "hits", st->hits);
    summary_num(&b, "errors", st->errors);
    buf_append_byte(&b, ',');
    summary_errclass_json(st, &b);
    buf_append_str(&b, ",\"status\":{");
    for (int s = 0, n = 0; s < 600; s++)
        if (st->status[s])
            buf_printf(&b, "%s\"%d\":%llu", n++ ? "," : "", s, (unsigned long long)st->status[s]);
    buf_append_str(&b, "},\"turned_down\":{");
    buf_printf(&b, "\"plugin\":%llu", (unsigned long long)st->misses);
    summary_num(&b, "rules", st->filtered);
    summary_num(&b, "calibration", st->calibrated);
    buf_append_byte(&b, '}');
    summary_num(&b, "retries", st->retries);
    summary_num(&b, "fetches", st->fetches);
    buf_printf(&b, ",\"transfers\":{\"h1\":%llu,\"h2\":%llu,\"curl\":%llu}",
               (unsigned long long)st->by_client[0], (unsigned long long)st->by_client[1],
               (unsigned long long)st->by_client[2]);
    summary_num(&b, "directories", st->directories);
    summary_num(&b, "followed", st->followed);
    summary_num(&b, "crashes", st->crashes);
    summary_num(&b, "lost", st->lost);
    buf_append_byte(&b, ',');
    summary_hosts_json(st, &b);
    buf_printf(&b, ",\"elapsed_s\":%.3f,\"words_per_s\":%.1f,\"workers\":%d", st->elapsed,
               rate(st), st->procs);
    buf_append_str(&b, ",\"template\":");
    buf_json_str(&b, c->template, strlen(c->template), 0);
    buf_append_str(&b, ",\"plugin\":");
    buf_json_str(&b, c->plugin, strlen(c->plugin), 0);
    buf_printf(&b, ",\"dns\":{\"resolver\":\"%s\",\"wildcard_names\":%llu", c->resolver,
               (unsigned long long)st->wildcards);
    if (st->wild_text) {
        buf_append_str(&b, ",\"wildcard\":");
        buf_json_str(&b, st->wild_text, strlen(st->wild_text), 0);
    }
    buf_append_byte(&b, '}');
    buf_printf(&b, ",\"calibration\":{\"enabled\":%s", c->calibrate ? "true" : "false");
    if (c->calibrate && st->calib_text)
        buf_printf(&b, ",\"probes\":%u,\"pages\":%s,\"changes\":%llu", st->calib_probes,
                   st->calib_json, (unsigned long long)st->calib_changes);
    buf_append_str(&b, "}}\n");

    int rc = b.p ? util_replace_file(path, b.p, b.len) : (errno = ENOMEM, -1);
    buf_free(&b);
    if (rc < 0)
        snprintf(err, errlen, "summary %s: %s", path, strerror(errno));
    return rc;
}

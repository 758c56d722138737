/* summary: what a scan did, at the end: on stderr for people, and with
 * --summary-json as JSON for programs. */
#ifndef SALVO_SUMMARY_H
#define SALVO_SUMMARY_H
#include <stddef.h>

struct buf;
struct scan_stats;

/* What the summary and the report say about the scan besides its counts. */
struct summary_scan {
    const char *template;
    const char *plugin;
    const char *resolver;
    int calibrate;
    int wildcard_dns;
    const char *config;   /* the effective configuration as INI (report), or NULL */
    const char *state;    /* --state, or NULL */
    const char *wordlist; /* the (first) wordlist, or NULL */
};

/* One paragraph on what calibration learned. */
void summary_calibration(const struct summary_scan *c, const struct scan_stats *st, struct buf *out);
/* When words got no answer (timeouts, no connection): one sentence that
 * says how many and the command that takes them again; 0 (nothing
 * written) when every word was answered. */
size_t summary_unanswered(const struct summary_scan *c, const struct scan_stats *st, struct buf *out);
/* "errors_by_class":{"timeout":2,...}: the errors by class as a JSON
 * member, classes with none left out (the summary's and --stats-json's). */
void summary_errclass_json(const struct scan_stats *st, struct buf *out);
/* "hosts_slowed":N,"hosts_given_up":N,"hosts":[{"addr":..,"rate":..,
 * "lowest_rate":..,"slowed":N,"given_up":..,"why":..,"skipped":N}]: what
 * --auto-tune and --auto-bail did (the summary's and --stats-json's). */
void summary_hosts_json(const struct scan_stats *st, struct buf *out);
/* The summary lines on stderr (the first one is the classic
 * "N words, N hits, N errors in T s"). */
void summary_print(const struct summary_scan *c, const struct scan_stats *st);
/* Write the summary as one JSON object to path (atomically). 0, or -1
 * with a message. */
int summary_json(const struct summary_scan *c, const struct scan_stats *st, const char *path,
                 char *err, size_t errlen);
#endif

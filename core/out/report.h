/* report: --report FILE.html, a self-contained page about the scan. */
#ifndef SALVO_REPORT_H
#define SALVO_REPORT_H
#include <stddef.h>

struct summary_scan;
struct scan_stats;
struct result;
struct report;

/* Checks that path can be written (before the scan) and starts spooling.
 * NULL with a message in err. */
struct report *report_open(const char *path, char *err, size_t errlen);
/* Every hit and error, as the parent writes it. */
void report_result(struct report *r, const struct result *res);
/* Write the page and free r. Returns 0, or -1 with err. */
int report_close(struct report *r, const struct summary_scan *c, const struct scan_stats *st,
                 char *err, size_t errlen);
#endif

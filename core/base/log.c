/* log: one formatted write per message, so that lines from several
 * processes sharing stderr never interleave mid-line. */
#include "base/log.h"

#include <stdio.h>
#include <unistd.h>

static int level = LOG_INFO;
static log_sink_fn sink;
static void *sink_ud;

void log_set_sink(log_sink_fn fn, void *ud)
{
    sink = fn;
    sink_ud = ud;
}

void log_set_level(int l) { level = l; }
int log_level(void) { return level; }

void log_vmsg(int l, const char *prefix, const char *fmt, va_list ap)
{
    if (l > level)
        return;
    static const char *const names[] = {"error: ", "warning: ", "", "debug: "};
    char line[2048];
    int n = snprintf(line, sizeof line, "salvo: %s%s", prefix ? prefix : "",
                     names[l < 0 ? 0 : l > 3 ? 3 : l]);
    if (n < 0)
        return;
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    if (m < 0)
        return;
    size_t len = (size_t)n + (size_t)m;
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    line[len++] = '\n';
    if (sink) {
        sink(line, len, sink_ud);
        return;
    }
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w;
}

void log_msg(int l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(l, NULL, fmt, ap);
    va_end(ap);
}

/* log: messages on stderr, prefixed "salvo: ". */
#ifndef SALVO_LOG_H
#define SALVO_LOG_H
#include <stdarg.h>
#include <stddef.h>

enum log_level { LOG_ERR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/* Where lines go instead of stderr (a worker hands them to the parent, so
 * that only one process writes to the terminal). NULL = stderr. */
typedef void (*log_sink_fn)(const char *line, size_t len, void *ud);
void log_set_sink(log_sink_fn fn, void *ud);
void log_set_level(int level);
int log_level(void);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vmsg(int level, const char *prefix, const char *fmt, va_list ap);
#endif

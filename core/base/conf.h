/* conf: reading an INI file through inih, with line numbers and a refusal
 * of lines too long for inih (Debian's libinih splits them silently).
 * What the keys mean is the caller's (opt.c): conf knows no option. */
#ifndef SALVO_CONF_H
#define SALVO_CONF_H
#include <stddef.h>

struct conf_sink {
    /* Whether [name] is a section the caller knows. */
    int (*section_ok)(const char *name);
    /* One key: 0, or -1 with a message in err (the file and line are
     * given for it to name). */
    int (*key)(void *ud, const char *section, const char *key, const char *value,
               const char *file, int line, char *err, size_t errlen);
    void *ud;
};

/* Hand every key of the INI file at path to the sink. Returns 0, or -1
 * with one line in err naming file:line and what is wrong. */
int conf_read(const char *path, const struct conf_sink *sink, char *err, size_t errlen);
#endif

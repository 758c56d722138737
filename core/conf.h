/* conf: reading an INI file into struct conf, through inih. */
#ifndef SALVO_CONF_H
#define SALVO_CONF_H
#include <stddef.h>
struct conf;

/* Apply every key of the INI file at path. Returns 0, or -1 with one line
 * in err naming file:line and what is wrong. */
int conf_load(struct conf *c, const char *path, char *err, size_t errlen);
#endif

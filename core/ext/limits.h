/* limits: what a Lua script may use (script.h, fetch.h), set from the
 * configuration before any worker starts. */
#ifndef SALVO_LIMITS_H
#define SALVO_LIMITS_H
#include <stddef.h>

struct script_limits {
    int unsafe;                 /* io, os, debug, package: off unless set */
    unsigned long instructions; /* per hook call */
    size_t memory;              /* bytes per Lua state */
    unsigned max_fetches;       /* salvo.fetch() calls per word (--max-fetches) */
    int fetch_scope;            /* FETCH_ORIGIN, FETCH_HOST or FETCH_ANY (fetch.h) */
    const char *template;       /* what salvo.follow's URLs must fit (follow.h) */
};
#endif

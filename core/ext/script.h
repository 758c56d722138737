/* script: Lua 5.4 probes. A script defines any of init(args),
 * target(word) and match(res); one Lua state per worker process. */
#ifndef SALVO_SCRIPT_H
#define SALVO_SCRIPT_H
#include <stddef.h>

#define SALVO_HOST_SIDE
#include "salvo/plugin.h"

#include "ext/limits.h"

struct strlist;
struct script;

/* In the parent, before any worker exists: load and run the file in a
 * throw-away state so that a missing file, a syntax error or a script
 * without target() and match() stops salvo with file:line. */
int script_check(const char *path, const struct script_limits *lim, char *err, size_t errlen);
/* In a worker: the state, the script run once, then init(args). */
struct script *script_new(const char *path, const struct script_limits *lim,
                          const struct strlist *args, char *err, size_t errlen);
void script_free(struct script *s);
int script_has_target(const struct script *s);
int script_has_match(const struct script *s);
/* SALVO_MISS (request ready) or SALVO_FAIL (req->fail says why). */
int script_target(struct script *s, const char *word, size_t len, salvo_req *req);
/* SALVO_HIT, SALVO_MISS or SALVO_FAIL (res->fail says why). */
int script_match(struct script *s, salvo_res *res);
#endif

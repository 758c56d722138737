/* pool: the parent side of the process pool. */
#ifndef SALVO_POOL_H
#define SALVO_POOL_H
#include <stdint.h>

#include "base/input.h"
#include "pool/pooltypes.h"

struct plugin;
struct out;
struct worker_settings;

/* Run the scan to the end of the input. Returns the exit status (see
 * --help): 0, 1 (a worker died, output failed), 4 (plugin init failed),
 * 128+signal after a graceful stop. */
struct journal;
/* j: the done lines (from --resume, or empty); saved to j->path now and
 * then when it has one, and at the end. */
int pool_run(const struct pool_settings *c, struct plugin *plugin, struct input *in, struct out *out,
             struct journal *j, struct scan_stats *st);
/* The same with chunks from src instead of in (which is then unused). */
int pool_run_src(const struct pool_settings *c, struct plugin *plugin, const struct pool_src *src,
                 struct out *out, struct scan_stats *st);
#endif

/* A plugin in two files (split_main.c, split_match.c): this one holds the
 * descriptor and SALVO_PLUGIN(); the other uses salvo_api in match().
 * With a host table declared per file, the other file's copy was never
 * set and match() crashed. */
#include <salvo/plugin.h>

#include "split.h"

static const struct salvo_plugin desc = {
    SALVO_PLUGIN_HEAD, "split", "1.0", "a plugin built from two files",
    NULL, NULL, split_match, NULL};

SALVO_PLUGIN(desc)

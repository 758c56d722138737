/* A plugin built for another ABI version: must be refused. */
#include <salvo/plugin.h>
static const struct salvo_plugin desc = {SALVO_ABI_VERSION + 1, sizeof(struct salvo_plugin),
                                         "abi_mismatch", "1", "", 0, 0, 0, 0};
SALVO_PLUGIN(desc)

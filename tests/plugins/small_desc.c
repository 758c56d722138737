/* A descriptor smaller than ABI 1's: must be refused. */
#include <salvo/plugin.h>
static const struct salvo_plugin desc = {SALVO_ABI_VERSION, 8, "small", "1", "", 0, 0, 0, 0};
SALVO_PLUGIN(desc)

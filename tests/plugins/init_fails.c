/* init() refuses its configuration: the scan must stop before any request. */
#include <salvo/plugin.h>
#include <stdio.h>
static int init(const salvo_args *args, void **state, char *err, size_t errlen)
{
    (void)state;
    const char *k = salvo_api->arg(args, "key");
    snprintf(err, errlen, "key is %s, want 'good'", k ? k : "unset");
    return k && k[0] == 'g' ? 0 : 1;
}
static const struct salvo_plugin desc = {SALVO_PLUGIN_HEAD, "init_fails", "1", "", init, 0, 0, 0};
SALVO_PLUGIN(desc)

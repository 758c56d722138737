/* match() crashes on the word "crash" and on words that start with
 * "crash-": the worker dies, the others go on, and the parent reports it. */
#include <salvo/plugin.h>
#include <signal.h>
#include <string.h>
static int match(void *state, salvo_res *res)
{
    (void)state;
    size_t len;
    const char *w = salvo_api->res_word(res, &len);
    if ((len == 5 && !memcmp(w, "crash", 5)) || (len > 6 && !memcmp(w, "crash-", 6)))
        raise(SIGSEGV);
    salvo_api->res_field(res, "len", "x");
    return salvo_api->res_status(res) == 200 ? SALVO_HIT : SALVO_MISS;
}
static const struct salvo_plugin desc = {SALVO_PLUGIN_HEAD, "crash_match", "1", "", 0, 0, match, 0};
SALVO_PLUGIN(desc)

/* What fetch() does and refuses for a compiled plugin, one word a case
 * (it_fetch): chain (two fetches one after the other), twice (two in one
 * call), noask (SALVO_FETCH with no fetch()), scope (another host), down
 * (another port of the host, where nothing listens: an answer that is an error). */
#include <salvo/plugin.h>

#include <string.h>

static int second(void *state, salvo_res *res, const salvo_res *got, unsigned n)
{
    (void)state;
    if (n != 2 || salvo_api->res_status(got) != 200)
        return SALVO_MISS;
    salvo_api->res_field(res, "n", "2");
    return SALVO_HIT;
}

static int first(void *state, salvo_res *res, const salvo_res *got, unsigned n)
{
    (void)state;
    size_t len;
    const char *word = salvo_api->res_word(res, &len);
    if (len == 4 && !memcmp(word, "down", 4)) {
        const char *e = salvo_api->res_error(got);
        salvo_api->res_field(res, "error", e ? e : "none");
        return e && salvo_api->res_status(got) == 0 ? SALVO_HIT : SALVO_MISS;
    }
    if (n != 1 || salvo_api->res_status(got) != 200)
        return SALVO_MISS;
    return salvo_api->fetch(res, NULL, "/g-real/.git/config", NULL, NULL, 0, second) < 0
               ? SALVO_FAIL : SALVO_FETCH;
}

static int fetcher_match(void *state, salvo_res *res)
{
    (void)state;
    size_t len;
    const char *w = salvo_api->res_word(res, &len);
    const char *hdr[] = {"X-Fetch: 1", NULL};
    if (!strcmp(w, "chain"))
        return salvo_api->fetch(res, "GET", "/g-real/.git/HEAD", hdr, NULL, 0, first) < 0
                   ? SALVO_FAIL : SALVO_FETCH;
    if (!strcmp(w, "twice")) {
        salvo_api->fetch(res, NULL, "/a", NULL, NULL, 0, first);
        return salvo_api->fetch(res, NULL, "/b", NULL, NULL, 0, first) < 0 ? SALVO_FAIL
                                                                           : SALVO_FETCH;
    }
    if (!strcmp(w, "noask"))
        return SALVO_FETCH;
    if (!strcmp(w, "scope"))
        return salvo_api->fetch(res, NULL, "http://elsewhere.test/", NULL, NULL, 0, first) < 0
                   ? SALVO_FAIL : SALVO_FETCH;
    if (!strcmp(w, "down"))
        return salvo_api->fetch(res, NULL, "http://paths.test:1/", NULL, NULL, 0, first) < 0
                   ? SALVO_FAIL : SALVO_FETCH;
    return SALVO_MISS;
}

static const struct salvo_plugin desc = {SALVO_PLUGIN_HEAD, "fetcher", "1",
                                         "fetch() cases for the tests", NULL, NULL,
                                         fetcher_match, NULL};
SALVO_PLUGIN(desc)

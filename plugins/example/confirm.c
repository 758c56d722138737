/* confirm: a plugin that makes a second request before it says "hit", for
 * exposed .git directories: a HEAD that answers 200 with git's content is
 * only a hint (catch-all pages answer 200 to anything), so the
 * repository's config is fetched from the same place, and only when it
 * looks like git's too is the word a hit.
 *
 *   cc -shared -fPIC $(pkg-config --cflags salvo-plugin) confirm.c -o confirm.so
 *   salvo -p ./confirm.so -u 'http://{}.example.com/.git/HEAD' -w hosts.txt
 *
 * The second request does not hold up the scan: match() asks for it with
 * fetch() and returns SALVO_FETCH; the worker's other probes go on, and
 * the answer comes to config_answer(). [plugin] keys: none.
 */
#include <salvo/plugin.h>

#include <stddef.h>
#include <string.h>

/* fetch() came with this version of the host table: a salvo older than
 * that has a smaller one. */
static int can_fetch(void)
{
    return salvo_api->size >= offsetof(struct salvo_host, fetch) + sizeof salvo_api->fetch;
}

static int config_answer(void *state, salvo_res *res, const salvo_res *got, unsigned n)
{
    (void)state, (void)n;
    size_t len;
    const char *body = salvo_api->res_body(got, &len);
    if (salvo_api->res_error(got) || salvo_api->res_status(got) != 200 ||
        !memmem(body, len, "[core]", 6))
        return SALVO_MISS;
    salvo_api->res_field(res, "confirmed_by", salvo_api->res_url(got));
    return SALVO_HIT;
}

static int confirm_match(void *state, salvo_res *res)
{
    (void)state;
    size_t len;
    const char *body = salvo_api->res_body(res, &len);
    if (salvo_api->res_status(res) != 200 || len < 5 || memcmp(body, "ref: ", 5))
        return SALVO_MISS;
    if (!can_fetch())
        return SALVO_HIT; /* an older salvo: the hint alone */
    /* .../.git/HEAD -> .../.git/config */
    const char *url = salvo_api->res_url(res);
    size_t ul = strlen(url);
    if (ul < 4 || strcmp(url + ul - 4, "HEAD") || ul > 2000)
        return SALVO_MISS;
    char config[2048];
    memcpy(config, url, ul - 4);
    memcpy(config + ul - 4, "config", 7);
    if (salvo_api->fetch(res, NULL, config, NULL, NULL, 0, config_answer) < 0)
        return SALVO_FAIL; /* res_fail() said why */
    return SALVO_FETCH;
}

static const struct salvo_plugin desc = {
    SALVO_PLUGIN_HEAD, "confirm", "1.0",
    "exposed .git directories, HEAD confirmed by the repository's config (fetch())",
    NULL, NULL, confirm_match, NULL};
SALVO_PLUGIN(desc)

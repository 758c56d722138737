/* links: a plugin that adds the links of every page it finds to the scan
 * (feroxbuster's --extract-links): each href="..." and src="..." of a page
 * that answers 200 is followed with the host's follow(). A path is taken
 * as it is, a relative link under the page's directory, a full URL only if
 * the template makes it (another site is passed over); salvo probes each
 * link once, however many pages name it, up to --max-depth links away.
 *
 *   cc -shared -fPIC $(pkg-config --cflags salvo-plugin) links.c -o links.so
 *   salvo -p ./links.so -u 'https://example.com/{}' -w words.txt
 *
 * Every answer but 404 is a hit. [plugin] keys: none.
 */
#include <salvo/plugin.h>

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* follow() came with this version of the host table: a salvo older than
 * that has a smaller one. */
static int can_follow(void)
{
    return salvo_api->size >= offsetof(struct salvo_host, follow) + sizeof salvo_api->follow;
}

/* One link v[0..n) of the page whose word is word[0..wlen). */
static void follow_link(salvo_res *res, const char *word, size_t wlen, const char *v, size_t n)
{
    static const char *const skip[] = {"#", "mailto:", "javascript:", "data:", "tel:", "?"};
    for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
        if (!n || !strncmp(v, skip[i], strlen(skip[i])))
            return;
    n = strcspn(v, "#") < n ? strcspn(v, "#") : n; /* the fragment is the browser's */
    char link[2048];
    int len;
    if (v[0] == '/' || memchr(v, ':', n)) { /* a path or a URL: as it is */
        len = snprintf(link, sizeof link, "%.*s", (int)n, v);
    } else { /* relative: under the page's directory */
        size_t dir = wlen;
        while (dir && word[dir - 1] != '/')
            dir--;
        len = snprintf(link, sizeof link, "%.*s%.*s", (int)dir, word, (int)n, v);
    }
    if (len > 0 && (size_t)len < sizeof link)
        salvo_api->follow(res, link, (size_t)len); /* refused (another site): passed over */
}

static int links_match(void *state, salvo_res *res)
{
    (void)state;
    int status = salvo_api->res_status(res);
    if (status == 404)
        return SALVO_MISS;
    size_t len, wlen;
    const char *body = salvo_api->res_body(res, &len);
    const char *word = salvo_api->res_word(res, &wlen);
    if (status != 200 || !body || !can_follow())
        return SALVO_HIT;
    const char *end = body + len;
    for (const char *p = body; p < end; p++) {
        size_t k = (size_t)(end - p) > 6 && !strncmp(p, "href=\"", 6) ? 6
                   : (size_t)(end - p) > 5 && !strncmp(p, "src=\"", 5) ? 5 : 0;
        if (!k)
            continue;
        const char *v = p + k, *q = memchr(v, '"', (size_t)(end - v));
        if (!q)
            break;
        follow_link(res, word, wlen, v, (size_t)(q - v));
        p = q;
    }
    return SALVO_HIT;
}

static const struct salvo_plugin desc = {SALVO_PLUGIN_HEAD, "links", "1",
                                         "follows the links of every page found", NULL, NULL,
                                         links_match, NULL};
SALVO_PLUGIN(desc)

/* baidu: the default probe. A word is a subdomain of baidu.com (the scan's
 * template, http://{}.baidu.com by default); it is a hit when the page
 * answers 200 and its decoded text lacks 不存在 ("does not exist"), the
 * site's soft-404. The text is decoded by charset by the host, so a GBK
 * soft-404 page is recognised too.
 *
 * [plugin] keys: soft404 = other text marking the soft-404 page.
 */
#include <salvo/plugin.h>

#include <stdlib.h>
#include <string.h>

struct state {
    char *marker;
};

static int baidu_init(const salvo_args *args, void **state, char *err, size_t errlen)
{
    const char *m = salvo_api->arg(args, "soft404");
    if (m && !*m) {
        strncpy(err, "soft404 must not be empty", errlen - 1);
        return 1;
    }
    struct state *s = calloc(1, sizeof *s);
    if (!s || !(s->marker = strdup(m ? m : "不存在"))) {
        free(s);
        strncpy(err, "out of memory", errlen - 1);
        return 1;
    }
    *state = s;
    return 0;
}

/* A host label can hold letters, digits, '-', '_' and dots between
 * labels; anything else would be a different URL, not a subdomain. */
static int baidu_target(void *state, const char *word, size_t len, salvo_req *req)
{
    (void)state;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)word[i];
        if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') &&
            c != '-' && c != '_' && c != '.' && c < 0x80) {
            salvo_api->req_fail(req, "not a host name label");
            return SALVO_FAIL;
        }
    }
    return SALVO_MISS;
}

static int baidu_match(void *state, salvo_res *res)
{
    struct state *s = state;
    if (salvo_api->res_status(res) != 200)
        return SALVO_MISS;
    size_t len;
    const char *text = salvo_api->res_text(res, &len);
    return memmem(text, len, s->marker, strlen(s->marker)) ? SALVO_MISS : SALVO_HIT;
}

static void baidu_finish(void *state)
{
    struct state *s = state;
    if (s)
        free(s->marker);
    free(s);
}

static const struct salvo_plugin baidu = {
    SALVO_PLUGIN_HEAD,
    "baidu",
    "1.0",
    "subdomains that answer 200 without the 不存在 soft-404",
    baidu_init,   /* init */
    baidu_target, /* target */
    baidu_match,  /* match */
    baidu_finish, /* finish */
};

SALVO_PLUGIN(baidu)

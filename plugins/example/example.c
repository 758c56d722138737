/* example: a complete salvo plugin to start from. It reports the pages
 * whose status is the one asked for (default 200) and whose decoded text
 * contains a given string (optional), with the server header and the
 * charset as fields.
 *
 *   cc -shared $(pkg-config --cflags salvo-plugin) example.c -o example.so
 *   salvo -p ./example.so -a status=404 -a contains=Not -f jsonl -w words.txt
 *
 * [plugin] keys: status = 200, contains = TEXT
 */
#include <salvo/plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct state {
    int status;
    char *contains;   /* NULL = any page */
};

static int ex_init(const salvo_args *args, void **state, char *err, size_t errlen)
{
    const char *st = salvo_api->arg(args, "status");
    const char *co = salvo_api->arg(args, "contains");
    char *end;
    long status = st ? strtol(st, &end, 10) : 200;
    if (st && (*end || status < 100 || status > 599)) {
        snprintf(err, errlen, "status \"%s\" is not an HTTP status", st);
        return 1;
    }
    struct state *s = calloc(1, sizeof *s);
    if (!s || (co && !(s->contains = strdup(co)))) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return 1;
    }
    s->status = (int)status;
    *state = s;
    return 0;
}

static int ex_match(void *state, salvo_res *res)
{
    struct state *s = state;
    if (salvo_api->res_status(res) != s->status)
        return SALVO_MISS;
    if (s->contains) {
        size_t len;
        const char *text = salvo_api->res_text(res, &len);
        size_t n = strlen(s->contains);
        int found = 0;
        for (size_t i = 0; !found && i + n <= len; i++)
            found = !memcmp(text + i, s->contains, n);
        if (!found)
            return SALVO_MISS;
    }
    const char *server = salvo_api->res_header(res, "Server");
    salvo_api->res_field(res, "server", server ? server : "");
    salvo_api->res_field(res, "charset", salvo_api->res_charset(res));
    return SALVO_HIT;
}

static void ex_finish(void *state)
{
    struct state *s = state;
    if (s)
        free(s->contains);
    free(s);
}

static const struct salvo_plugin example = {
    SALVO_PLUGIN_HEAD,
    "example",
    "1.0",
    "pages with a given status (and text), with server and charset",
    ex_init,   /* init */
    NULL,      /* target: the template alone makes the URL */
    ex_match,  /* match */
    ex_finish, /* finish */
};

SALVO_PLUGIN(example)
